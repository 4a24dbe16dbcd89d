"""物业诉求 pages: the officers' complaint list (with the hotline entry form), one complaint with its timeline and
the steps its state allows, and the monthly complaint-rate analysis (重点小区); and the owners' two public pages — file
a complaint, then follow it with its number and query code — which need no account (their own script, owner.js,
talks to /api/property/public only)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.clock import Clock, to_local
from yingji.core.errors import InvalidInput
from yingji.core.paging import PageParams, Paging, paged
from yingji.core.params import RowId
from yingji.deps import CurrentClock, DbSession
from yingji.property import complaints, policy, reads, service, settings
from yingji.property.models import Complaint, Compound
from yingji.property.schemas import ComplaintRead
from yingji.rules import property as rules
from yingji.rules.property import ComplaintState
from yingji.web.common import Viewer, guarded, public_page

router = APIRouter(include_in_schema=False)

VIEWS = {"open": "未办结", "mine": "本级办理", "overdue": "超时或升级", "all": "全部"}
# the remit grades an officer may re-grade to (a programme without them reads them through its aliases)
REMITS = {"simple": "简单", "complex": "复杂", "major_or_difficult": "重大疑难"}
AWAITING_RESPONSE = (ComplaintState.OPEN, ComplaintState.REOPENED)
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def late(complaint: Complaint | ComplaintRead, now: datetime) -> bool:
    """Still being handled and escalated, flagged overdue at the top level, or with a clock run out (超时或已升级)."""
    if complaint.state not in policy.OPEN_STATES:
        return False
    clock_out = rules.overdue(complaint.state, complaint.response_due, complaint.completion_due, now)
    return bool(complaint.escalations or complaint.overdue_since or clock_out)


def _labels() -> dict[str, Any]:
    return {"awaiting": AWAITING_RESPONSE, "pending": policy.OPEN_STATES}


def table_context(rows: list[ComplaintRead], now: datetime) -> dict[str, Any]:
    """What the complaint table (templates/_complaints.html) shows beside the read models themselves."""
    return {"rows": [(c, late(c, now)) for c in rows], **_labels()}


def list_context(db_session: Session, clock: Clock, actor: Actor, view: str, paging: PageParams) -> dict[str, Any]:
    service.require(actor)
    if view not in VIEWS:
        raise InvalidInput(field="show", reason=f"show：须为 {'、'.join(VIEWS)} 之一")
    filters = complaints.ComplaintFilters(
        state="open" if view == "open" else None, mine=view == "mine", overdue=view == "overdue"
    )
    found, total = complaints.page(db_session=db_session, actor=actor, filters=filters, params=paging)
    rows = reads.complaints_for(db_session, actor, found, clock.now())
    places = service.compounds(db_session=db_session, actor=actor)
    return {
        **table_context(rows, clock.now()),
        "page": paged(rows, total, paging),
        "view": view,
        "views": VIEWS,
        "compounds": places,
        "categories": settings.defaults().complaints.categories,
        "remits": REMITS,
    }


def detail_context(db_session: Session, clock: Clock, actor: Actor, complaint_id: int) -> dict[str, Any]:
    row = complaints.get(db_session, actor, complaint_id)  # 404 outside the jurisdiction, as when missing
    complaint = reads.complaint(db_session, actor, row, clock.now())
    return {
        "complaint": complaint,
        "place": db_session.get(Compound, row.compound_id),
        "late": late(complaint, clock.now()),
        "remits": REMITS,
        **_labels(),
    }


def analysis_context(db_session: Session, clock: Clock, actor: Actor, month: str | None) -> dict[str, Any]:
    service.require(actor)
    month = month or to_local(clock.now()).strftime("%Y-%m")
    if not MONTH.fullmatch(month):
        raise InvalidInput(field="month", reason="month：须为 YYYY-MM")
    report = reads.monthly(db_session, complaints.monthly(db_session=db_session, actor=actor, month=month))
    first = date.fromisoformat(f"{month}-01")
    return {
        "report": report,
        "month": month,
        "previous": (first - timedelta(days=1)).strftime("%Y-%m"),
        "next": (first + timedelta(days=31)).strftime("%Y-%m"),
    }


@router.get("/console/property/complaints", response_class=HTMLResponse)
def complaint_list(
    request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:
    view = request.query_params.get("show") or "open"
    return guarded(
        request,
        actor,
        clock,
        "property_complaints.html",
        lambda: list_context(db_session, clock, actor, view, paging),
    )


@router.get("/console/property/complaints/{complaint_id}", response_class=HTMLResponse)
def complaint_page(
    complaint_id: RowId, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    return guarded(
        request,
        actor,
        clock,
        "property_complaint.html",
        lambda: detail_context(db_session, clock, actor, complaint_id),
    )


@router.get("/console/property/analysis", response_class=HTMLResponse)
def analysis_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    month = request.query_params.get("month") or None
    return guarded(
        request,
        actor,
        clock,
        "property_analysis.html",
        lambda: analysis_context(db_session, clock, actor, month),
    )


@router.get("/property/complaint", response_class=HTMLResponse)
def owner_form() -> HTMLResponse:
    """业主提交诉求（无需登录）。"""
    return public_page("owner_complaint.html")


@router.get("/property/complaint/track", response_class=HTMLResponse)
def owner_track() -> HTMLResponse:
    """业主凭编号和查询码查看诉求、确认办结或要求重办（无需登录）。"""
    return public_page("owner_track.html")

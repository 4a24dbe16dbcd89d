"""举报 pages: the handlers' list (search, filters, paging, export) and one tip with the steps its read model allows —
accept, verify (a substantiated one becomes a hazard), answer, close with the reward decision. The reporter's name
and phone come from the read model, which shows them to the handling officer only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core import divisions
from yingji.core.clock import local_today
from yingji.core.paging import Paging, paged
from yingji.core.params import RowId
from yingji.deps import CurrentClock, DbSession
from yingji.registry.enums import DivisionLevel, OrganisationKind
from yingji.registry.models import Division, Organisation
from yingji.rules.tips import TipState
from yingji.tips import reads, service
from yingji.tips.models import TipChannel
from yingji.tips.schemas import TipFilters
from yingji.web.common import Viewer, divisions_in_scope, export_link, guarded, public_page

router = APIRouter(include_in_schema=False)
ENTERPRISE_CHOICES = 300  # the verify form's enterprises of the tip's division (a county has a few hundred at most)


@router.get("/console/tips", response_class=HTMLResponse)
def tips_page(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    paging: Paging,
    filters: Annotated[TipFilters, Query()],
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        found, total = service.list_(db_session=db_session, actor=actor, params=paging, filters=filters)
        return {
            "rows": paged(reads.read_all(db_session, actor, found), total, paging),
            "filters": filters,
            "states": TipState.labels(),
            "channels": TipChannel.labels(),
            "officer_channels": {k: v for k, v in TipChannel.labels().items() if k != TipChannel.WEB},
            "divisions": divisions_in_scope(db_session, actor),
            "export": export_link("/api/tips/export.xlsx", filters),
        }

    return guarded(request, actor, clock, "tips.html", build)


@router.get("/console/tips/{tip_id}", response_class=HTMLResponse)
def tip_page(
    tip_id: RowId, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        tip = service.get(db_session=db_session, actor=actor, tip_id=tip_id)
        view = reads.read(db_session, actor, tip)
        enterprises: list[tuple[int, str]] = []
        if "verify" in view.allowed_actions:
            query = (
                select(Organisation.id, Organisation.name)
                .where(
                    Organisation.kind == OrganisationKind.ENTERPRISE,
                    Organisation.division_code.startswith(divisions.stem(tip.division_code), autoescape=True),
                    actor.division_filter(Organisation.division_code),
                )
                .order_by(Organisation.name, Organisation.id)
                .limit(ENTERPRISE_CHOICES)
            )
            enterprises = [(i, name) for i, name in db_session.execute(query)]
        return {"tip": view, "enterprises": enterprises, "today": local_today(clock)}

    return guarded(request, actor, clock, "tip.html", build)


def _counties(db_session: Session) -> list[tuple[str, list[tuple[str, str]]]]:
    """The public form's places: each city with its counties (the jurisdiction that handles the tip)."""
    rows = db_session.execute(
        select(Division.code, Division.name, Division.level, Division.parent_code)
        .where(Division.level.in_([DivisionLevel.CITY, DivisionLevel.COUNTY]))
        .order_by(Division.code)
    ).all()
    cities = {code: name for code, name, level, _ in rows if level is DivisionLevel.CITY}
    grouped: dict[str, list[tuple[str, str]]] = {code: [] for code in cities}
    for code, name, level, parent in rows:
        if level is DivisionLevel.COUNTY and parent in grouped:
            grouped[parent].append((code, name))
    return [(cities[c], counties) for c, counties in grouped.items() if counties]


@router.get("/tip", response_class=HTMLResponse)
def public_tip_form(db_session: DbSession) -> HTMLResponse:
    """公众举报安全生产违法行为和事故隐患（无需登录，可匿名）。"""
    return public_page("public_tip.html", places=_counties(db_session))


@router.get("/tip/track", response_class=HTMLResponse)
def public_tip_track() -> HTMLResponse:
    """凭回执编号查询举报办理结果（无需登录）。"""
    return public_page("public_tip_track.html")

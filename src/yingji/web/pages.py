"""The duty-officer console: server-rendered Chinese pages over the same services as the API, scoped by the caller.

Pages read through the domain services (so every query is filtered by the actor's jurisdiction exactly as the API
is); actions go through the JSON API from the browser with the session cookie (SameSite=Strict).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import zlib
from collections.abc import AsyncIterator, Iterable
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, local_today, to_local
from yingji.core.errors import YingjiError
from yingji.core.paging import MAX_LIMIT, PageParams, Paging
from yingji.core.params import MAX_ROW_ID
from yingji.db.session import reading
from yingji.deps import CurrentClock, DbSession
from yingji.hazards import board as hazard_board
from yingji.hazards import reads as hazard_reads
from yingji.hazards import service as hazards
from yingji.hazards.schemas import HazardFilters
from yingji.inbox import service as inbox
from yingji.incidents import reads as incident_reads
from yingji.incidents import service as incidents
from yingji.incidents.models import TimelineEvent
from yingji.ledger import reads as ledger_reads
from yingji.ledger import service as ledger
from yingji.monitoring import alarms
from yingji.monitoring import reads as alarm_reads
from yingji.monitoring.models import Severity
from yingji.monitoring.schema import SensorKind
from yingji.monitoring.schemas import ALARM_STATE_LABELS, AlarmFilters
from yingji.plan_registry import service as plan_registry
from yingji.warnings import service as warnings
from yingji.web import (
    complaint_pages,
    credit_pages,
    duties_pages,
    duty_pages,
    emission_pages,
    enforcement_pages,
    hazard_pages,
    incident_pages,
    ledger_pages,
    map_pages,
    ops_pages,
    plan_pages,
    programme_pages,
    property_pages,
    resource_pages,
    search_pages,
    subsidy_case_pages,
    supervision_pages,
    tip_pages,
    warning_pages,
)
from yingji.web.common import LoginRequired, Viewer, actor_or_none, page, public_page, to_login
from yingji.web.warning_pages import COLOURS

router = APIRouter(include_in_schema=False)
LIVE_INTERVAL_S = 5.0  # the whole summary at least this often
LIVE_TICK_S = 1.0  # the alarms' stamp this often: a new alarm reaches an open page within about a second
# A path on this site: one leading slash, no second slash or backslash after it, no control characters or spaces
# (browsers drop tabs and newlines from URLs, so "/\t/evil.example" would become "//evil.example").
SAME_SITE_PATH = re.compile(r"/(?![/\\])[^\x00-\x20\\]*")


def install(app: FastAPI) -> None:
    app.include_router(router)
    for pages in (
        duties_pages,
        duty_pages,
        emission_pages,
        enforcement_pages,
        hazard_pages,
        incident_pages,
        ledger_pages,
        plan_pages,
        warning_pages,
        map_pages,
        ops_pages,
        resource_pages,
        property_pages,
        complaint_pages,
        credit_pages,
        programme_pages,
        search_pages,
        subsidy_case_pages,
        supervision_pages,
        tip_pages,
    ):
        app.include_router(pages.router)
    app.add_exception_handler(LoginRequired, to_login)


def summary(db_session: Session, clock: Clock, actor: Actor) -> dict[str, Any]:
    """The 总览 counts, also pushed live: each figure from the service that owns it, in the actor's scope."""
    board = hazard_board.board(db_session=db_session, clock=clock, actor=actor)
    visible, _ = warnings.list_(db_session=db_session, actor=actor, params=PageParams(limit=MAX_LIMIT))
    in_force = warnings.in_force(db_session=db_session, actor=actor, now=clock.now())
    return {
        "incidents": incidents.active_count(db_session=db_session, actor=actor),
        "clocks_overdue": incidents.overdue_count(db_session=db_session, actor=actor, now=clock.now()),
        "warnings": len(in_force),
        "alarms_unacked": alarms.count(db_session=db_session, actor=actor, clock=clock, state="unacked"),
        "inbox_unread": inbox.unread(db_session, actor) or "",
        "hazards_open": board.totals.open,
        "hazards_overdue": board.totals.overdue,
        "hazards_major_open": board.totals.major_open,
        "plans_overdue": plan_registry.overdue_count(db_session=db_session, clock=clock, actor=actor),
        # lists redraw when what they show changes, not only their counts
        "alarms_stamp": alarms.stamp(db_session=db_session, actor=actor, clock=clock),
        "critical_alarms": [a.model_dump() for a in alarm_reads.announcements(db_session, actor, clock)],
        "warnings_stamp": _stamp(f"{w.id}:{w.status.value}:{w.level}" for w in visible),
        "as_of": to_local(clock.now()).strftime("%H:%M:%S"),
    }


def _stamp(parts: Iterable[str]) -> str:
    return format(zlib.crc32(",".join(parts).encode()), "08x")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    target = request.query_params.get("next", "/")
    safe = target if SAME_SITE_PATH.fullmatch(target) else "/"
    return public_page("login.html", next=safe)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> Response:
    if not actor.has(Permission.PLANS_READ) and actor.has(Permission.PROPERTY_SUPERVISE):
        return RedirectResponse("/console/property", status_code=303)  # street and community accounts
    if not actor.has(Permission.PLANS_READ) and actor.has(Permission.OPS_READ):
        return RedirectResponse("/console/ops/cluster", status_code=303)  # operators: the cluster's state
    if request.query_params.get("screen") == "big" and actor.has(Permission.PLANS_READ):
        return RedirectResponse("/console/screen", status_code=303)  # the overview on the wall is the command hall
    recent, _ = incidents.list_(db_session=db_session, actor=actor, params=PageParams(limit=10))
    unacked = alarm_reads.page(db_session, actor, clock, AlarmFilters(state="unacked"), PageParams(limit=10))
    overdue, _ = hazards.list_(
        db_session=db_session,
        clock=clock,
        actor=actor,
        params=PageParams(limit=10),
        filters=HazardFilters(overdue=True),
    )
    if actor.organisation_id is None:
        found, _ = ledger.targets(db_session=db_session, actor=actor, params=PageParams(limit=MAX_LIMIT))
        targets = ledger_reads.targets(db_session, actor, found)
    else:
        targets = []
    return page(
        request,
        actor,
        clock,
        "overview.html",
        counts=summary(db_session, clock, actor),
        incidents=incident_reads.summaries(db_session, clock, recent),
        alarms=unacked,
        hazards=hazard_reads.read_all(db_session, actor, overdue, local_today(clock)),
        targets=targets,
    )


@router.get("/console/alarms", response_class=HTMLResponse)
def alarms_page(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    paging: Paging,
    filters: Annotated[AlarmFilters, Query()],
) -> HTMLResponse:
    """The triage list: most urgent first, filters, one row per flood, acknowledge one, a site's or all in view."""
    rows = alarm_reads.page(db_session, actor, clock, filters, paging)
    site_name = rows.items[0].site_name if filters.site and rows.items else filters.site
    return page(
        request,
        actor,
        clock,
        "alarms.html",
        rows=rows,
        filters=filters,
        site_name=site_name,
        enterprises=alarms.open_enterprises(db_session=db_session, actor=actor, clock=clock),
        kinds=SensorKind,
        severities=Severity,
        states=ALARM_STATE_LABELS,
        may_ack=actor.has(Permission.ALARMS_HANDLE),
        colours=COLOURS,
    )


@router.get("/console/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:
    """The account's notifications, newest first: each opens its page; read ones stay, greyed."""
    return page(request, actor, clock, "inbox.html", rows=inbox.page(db_session, actor, paging))


def incident_stamp(db_session: Session, clock: Clock, actor: Actor, incident_id: int) -> str | None:
    """Changes whenever the incident room would show something new: a timeline event or a clock falling due."""
    try:
        incident = incidents.get(db_session=db_session, actor=actor, incident_id=incident_id)
    except YingjiError:
        return None
    last = db_session.scalar(select(func.max(TimelineEvent.seq)).where(TimelineEvent.incident_id == incident.id))
    late = incidents.late_counts(db_session=db_session, incident_ids=[incident.id], now=clock.now())[incident.id]
    return f"{last or 0}:{late}"


def room_id(raw: str) -> int | None:
    """The incident room a live stream follows, if ``raw`` can be an incident id (else the stream has no room)."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_ROW_ID))):
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ROW_ID else None


@router.get("/console/events")
async def live(request: Request) -> Response:
    """Server-sent events: the 总览 counts every few seconds (and, for an incident room, the room's stamp), so new
    reports, alarms and overdue clocks appear without reload."""
    app = request.app
    room = request.query_params.get("incident", "")

    def snapshot() -> dict[str, Any] | None:
        with reading(app.state.sessionmaker) as db_session:
            actor = actor_or_none(request, db_session, app.state.clock)
            if actor is None:
                return None
            if not actor.has(Permission.PLANS_READ):  # no duty desk (operators): the header's bell only
                return {"inbox_unread": inbox.unread(db_session, actor) or "", "alarms_stamp": ""}
            data = summary(db_session, app.state.clock, actor)
            if (incident_id := room_id(room)) is not None:
                data["incident_stamp"] = incident_stamp(db_session, app.state.clock, actor, incident_id)
            return data

    def alarm_stamp() -> str | None:
        """The cheap look taken every second: a new or moved alarm is pushed at once, not at the next full summary."""
        with reading(app.state.sessionmaker) as db_session:
            actor = actor_or_none(request, db_session, app.state.clock)
            if actor is None:
                return None
            if not actor.has(Permission.PLANS_READ):
                return ""  # no alarms in its scope to follow
            return alarms.stamp(db_session=db_session, actor=actor, clock=app.state.clock)

    async def stream() -> AsyncIterator[str]:
        sent_stamp, sent_at = "", -LIVE_INTERVAL_S
        while not await request.is_disconnected():
            stamp = await asyncio.to_thread(alarm_stamp)
            if stamp is None:
                yield "event: logout\ndata: {}\n\n"
                return
            if stamp != sent_stamp or time.monotonic() - sent_at >= LIVE_INTERVAL_S:
                data = await asyncio.to_thread(snapshot)
                if data is None:
                    yield "event: logout\ndata: {}\n\n"
                    return
                sent_stamp, sent_at = data["alarms_stamp"], time.monotonic()
                yield f"event: summary\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
            await asyncio.sleep(LIVE_TICK_S)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

"""The duty-officer console: server-rendered Chinese pages over the same services as the API, scoped by the caller.

Pages read through the domain services (so every query is filtered by the actor's jurisdiction exactly as the API
is); actions go through the JSON API from the browser with the session cookie (SameSite=Strict).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import ROLE_LABELS
from yingji.core.clock import Clock, to_local
from yingji.core.errors import YingjiError
from yingji.deps import CurrentClock, DbSession, get_actor
from yingji.hazards import board as hazard_board
from yingji.hazards import service as hazards
from yingji.incidents import service as incidents
from yingji.ledger import service as ledger
from yingji.monitoring import alarms
from yingji.plan_registry import service as plan_registry
from yingji.rules.hazards import STATE_LABELS
from yingji.warnings import service as warnings
from yingji.warnings.models import WarningStatus

router = APIRouter(include_in_schema=False)
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
)
TEMPLATES.globals["HAZARD_STATES"] = {state.value: label for state, label in STATE_LABELS.items()}
LIVE_INTERVAL_S = 5.0

# (path, label, shown to enterprise accounts)
NAVIGATION = (
    ("/", "总览", True),
    ("/console/hazards", "隐患", True),
    ("/console/plans", "预案", True),
    ("/console/ledger", "督办", False),
    ("/console/alarms", "监测", True),
    ("/console/warnings", "预警", True),
    ("/console/map", "一张图", False),
)


def _actor(request: Request, db_session: Session, clock: Clock) -> Actor | None:
    try:
        return get_actor(request, db_session, clock)
    except YingjiError:
        return None


def _page(request: Request, actor: Actor, clock: Clock, template: str, **context: Any) -> HTMLResponse:
    nav = [(path, label) for path, label, enterprise in NAVIGATION if enterprise or actor.organisation_id is None]
    html = TEMPLATES.get_template(template).render(
        nav=nav,
        here=request.url.path,
        actor=actor,
        role_label=ROLE_LABELS[actor.role],
        big=request.query_params.get("screen") == "big",
        now=to_local(clock.now()).strftime("%Y-%m-%d %H:%M"),
        **context,
    )
    return HTMLResponse(html)


class LoginRequired(Exception):
    """Raised by ``viewer`` for a page requested without a valid session: answered with the login page."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def viewer(request: Request, db_session: DbSession, clock: CurrentClock) -> Actor:
    actor = _actor(request, db_session, clock)
    if actor is None:
        raise LoginRequired(request.url.path)
    return actor


Viewer = Annotated[Actor, Depends(viewer)]


async def _to_login(_request: Request, err: Exception) -> Response:
    path = err.path if isinstance(err, LoginRequired) else "/"
    return RedirectResponse(f"/login?next={path}", status_code=303)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.add_exception_handler(LoginRequired, _to_login)


def summary(db_session: Session, clock: Clock, actor: Actor) -> dict[str, Any]:
    """The 总览 counts, also pushed live: each figure from the service that owns it, in the actor's scope."""
    board = hazard_board.board(db_session=db_session, clock=clock, actor=actor)
    open_alarms = alarms.list_(db_session=db_session, actor=actor, clock=clock, state="unacked", limit=1000)
    active = [i for i in incidents.list_(db_session=db_session, actor=actor) if i.status.value != "closed"]
    in_force = warnings.list_(db_session=db_session, actor=actor, status=WarningStatus.ISSUED)
    plans_overdue = plan_registry.calendar(db_session=db_session, clock=clock, actor=actor, overdue_only=True)
    return {
        "incidents": len(active),
        "warnings": len(in_force),
        "alarms_unacked": len(open_alarms),
        "hazards_open": board["totals"]["open"],
        "hazards_overdue": board["totals"]["overdue"],
        "hazards_major_open": board["totals"]["major_open"],
        "plans_overdue": len(plans_overdue),
        "as_of": to_local(clock.now()).strftime("%H:%M:%S"),
    }


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    target = request.query_params.get("next", "/")
    safe = target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"
    return HTMLResponse(TEMPLATES.get_template("login.html").render(next=safe))


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    recent = incidents.list_(db_session=db_session, actor=actor, limit=10)
    unacked = alarms.list_(db_session=db_session, actor=actor, clock=clock, state="unacked", limit=10)
    overdue = hazards.list_(db_session=db_session, clock=clock, actor=actor, overdue_only=True, limit=10)
    return _page(
        request,
        actor,
        clock,
        "overview.html",
        counts=summary(db_session, clock, actor),
        incidents=recent,
        alarms=unacked,
        hazards=overdue,
        targets=ledger.targets(db_session=db_session, actor=actor) if actor.organisation_id is None else [],
    )


@router.get("/console/hazards", response_class=HTMLResponse)
def hazards_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    return _page(
        request,
        actor,
        clock,
        "hazards.html",
        board=hazard_board.board(db_session=db_session, clock=clock, actor=actor),
        rows=hazards.list_(db_session=db_session, clock=clock, actor=actor, limit=200),
    )


@router.get("/console/plans", response_class=HTMLResponse)
def plans_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    rows = plan_registry.calendar(db_session=db_session, clock=clock, actor=actor)
    return _page(request, actor, clock, "plans.html", rows=rows)


@router.get("/console/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    return _page(
        request,
        actor,
        clock,
        "ledger.html",
        tasks=ledger.tasks(db_session=db_session, clock=clock, actor=actor),
        targets=ledger.targets(db_session=db_session, actor=actor),
        campaigns=hazard_board.visible_campaigns(actor),
    )


@router.get("/console/alarms", response_class=HTMLResponse)
def alarms_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    rows = alarms.list_(db_session=db_session, actor=actor, clock=clock, state="open", limit=300)
    return _page(request, actor, clock, "alarms.html", rows=rows)


@router.get("/console/warnings", response_class=HTMLResponse)
def warnings_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    return _page(request, actor, clock, "warnings.html", rows=warnings.list_(db_session=db_session, actor=actor))


@router.get("/console/map", response_class=HTMLResponse)
def map_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    return _page(request, actor, clock, "map.html")


@router.get("/console/events")
async def live(request: Request) -> Response:
    """Server-sent events: the 总览 counts every few seconds, so new alarms and overdue items appear without reload."""
    app = request.app

    def snapshot() -> dict[str, Any] | None:
        with app.state.sessionmaker() as db_session:
            actor = _actor(request, db_session, app.state.clock)
            return None if actor is None else summary(db_session, app.state.clock, actor)

    async def stream() -> AsyncIterator[str]:
        while not await request.is_disconnected():
            data = await asyncio.to_thread(snapshot)
            if data is None:
                yield "event: logout\ndata: {}\n\n"
                return
            yield f"event: summary\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
            await asyncio.sleep(LIVE_INTERVAL_S)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

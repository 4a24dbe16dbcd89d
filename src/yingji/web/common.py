"""What every console page shares: the templates, the navigation, the login dependency and the page renderer."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import ROLE_LABELS
from yingji.core.clock import Clock, to_local
from yingji.core.errors import YingjiError
from yingji.deps import CurrentClock, DbSession, get_actor
from yingji.registry.models import Division
from yingji.registry.schemas import LAT_RANGE, LON_RANGE
from yingji.rules.hazards import STATE_LABELS

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
)
TEMPLATES.globals["LON_RANGE"], TEMPLATES.globals["LAT_RANGE"] = LON_RANGE, LAT_RANGE
TEMPLATES.globals["HAZARD_STATES"] = {state.value: label for state, label in STATE_LABELS.items()}
TEMPLATES.filters["local"] = lambda value, fmt="%m-%d %H:%M": "—" if value is None else to_local(value).strftime(fmt)
# stored English vocabulary → the Chinese the console shows (unknown values pass through unchanged)
WORDS = {
    "mine_rescue": "矿山救护",
    "fire": "消防救援",
    "hazmat": "危化品救援",
    "medical": "医疗救护",
    "engineering": "工程抢险",
    "social": "社会救援力量",
    "other": "其他",
    "reported": "已报告",
    "responding": "应急响应中",
    "ended": "响应已结束",
    "queued": "待发送",
    "sending": "发送中",
    "sent": "已发送",
    "failed": "发送失败",
    "acknowledged": "已确认",
}
TEMPLATES.filters["zh"] = lambda value: WORDS.get(str(value), value)
TEMPLATES.filters["iso"] = lambda value: "" if value is None else value.astimezone(UTC).isoformat()

DIVISION_CHOICES = 400
# (path, label, shown to enterprise accounts)
NAVIGATION = (
    ("/", "总览", True),
    ("/console/incidents", "事故", False),
    ("/console/warnings", "预警", True),
    ("/console/alarms", "监测", True),
    ("/console/hazards", "隐患", True),
    ("/console/plans", "预案", True),
    ("/console/resources", "资源", False),
    ("/console/ledger", "督办", False),
    ("/console/map", "一张图", False),
)


def actor_or_none(request: Request, db_session: Session, clock: Clock) -> Actor | None:
    try:
        return get_actor(request, db_session, clock)
    except YingjiError:
        return None


def page(
    request: Request, actor: Actor, clock: Clock, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    nav = [(path, label) for path, label, enterprise in NAVIGATION if enterprise or actor.organisation_id is None]
    here = request.url.path
    within = [path for path, _ in nav if here == path or (path != "/" and here.startswith(path))]
    section = max(within, key=len, default="")
    html = TEMPLATES.get_template(template).render(
        nav=nav,
        here=here,
        section=section,
        actor=actor,
        role_label=ROLE_LABELS[actor.role],
        big=request.query_params.get("screen") == "big",
        now=to_local(clock.now()).strftime("%Y-%m-%d %H:%M"),
        **context,
    )
    return HTMLResponse(html, status_code=status_code)


def error_page(request: Request, actor: Actor, clock: Clock, err: YingjiError) -> HTMLResponse:
    """A refused or missing record as a Chinese page with the API's status (404 out of scope, 403, 409 …)."""
    return page(request, actor, clock, "error.html", status_code=err.status, error=err)


def divisions_in_scope(db_session: Session, actor: Actor) -> list[tuple[str, str]]:
    """The divisions an officer may report for (their own and below), as (code, name) for a select."""
    query = select(Division.code, Division.name).order_by(Division.code).limit(DIVISION_CHOICES)
    rows = db_session.execute(query.where(actor.division_filter(Division.code))).all()
    return [(code, name) for code, name in rows]


class LoginRequired(Exception):
    """Raised by ``viewer`` for a page requested without a valid session: answered with the login page."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def viewer(request: Request, db_session: DbSession, clock: CurrentClock) -> Actor:
    actor = actor_or_none(request, db_session, clock)
    if actor is None:
        query = request.url.query
        raise LoginRequired(request.url.path + (f"?{query}" if query else ""))
    return actor


Viewer = Annotated[Actor, Depends(viewer)]


async def to_login(_request: Request, err: Exception) -> Response:
    path = err.path if isinstance(err, LoginRequired) else "/"
    return RedirectResponse(f"/login?{urlencode({'next': path}, safe='/')}", status_code=303)

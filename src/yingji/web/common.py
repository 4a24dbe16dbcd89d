"""What every console page shares: the templates, the navigation, the login dependency and the page renderer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, to_local
from yingji.core.errors import YingjiError
from yingji.core.routing import serves
from yingji.deps import CurrentClock, DbSession, get_actor
from yingji.inbox import service as inbox
from yingji.notify.health import stuck_channels
from yingji.registry.models import Division
from yingji.registry.schemas import LAT_RANGE, LON_RANGE

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
)
TEMPLATES.globals["LON_RANGE"], TEMPLATES.globals["LAT_RANGE"] = LON_RANGE, LAT_RANGE
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


@dataclass(frozen=True)
class NavItem:
    """A page in the navigation: shown to enterprise accounts or not, and the permission it needs (None: any account,
    a tuple: any of them). A page whose route is not mounted (a module not installed yet) is left out."""

    path: str
    label: str
    enterprise: bool
    permission: Permission | tuple[Permission, ...] | None


@dataclass(frozen=True)
class Workspace:
    """A group of pages one kind of work needs: the header shows the current one's pages, the others as tabs."""

    key: str
    label: str
    items: tuple[NavItem, ...]


_PROGRAMMES = (Permission.PROGRAMME_APPLY, Permission.PROGRAMME_MANAGE, Permission.PROGRAMME_SCORE)
NAVIGATION: tuple[Workspace, ...] = (
    Workspace(
        "duty",
        "应急值守",
        (
            NavItem("/", "总览", True, Permission.PLANS_READ),
            NavItem("/console/duty", "值班", False, Permission.DUTY_KEEP),
            NavItem("/console/incidents", "事故", False, Permission.PLANS_READ),
            NavItem("/console/warnings", "预警", True, Permission.PLANS_READ),
            NavItem("/console/alarms", "监测", True, Permission.PLANS_READ),
            NavItem("/console/map", "一张图", False, Permission.PLANS_READ),
            NavItem("/console/resources", "资源", False, Permission.RESOURCES_READ),
        ),
    ),
    Workspace(
        "enforcement",
        "监管执法",
        (
            NavItem("/console/hazards", "隐患", True, Permission.REGISTRY_READ),
            NavItem("/console/enforcement", "执法", True, Permission.REGISTRY_READ),
            NavItem("/console/supervision", "矿山监管", True, Permission.REGISTRY_READ),
            NavItem("/console/tips", "举报", False, Permission.TIPS_HANDLE),
            NavItem("/console/ledger", "督办", False, Permission.PLANS_READ),
            NavItem("/console/duties", "履职报送", True, (Permission.PLANS_READ, Permission.DUTIES_SUBMIT)),
            NavItem("/console/duties/ranking", "履职排名", False, Permission.PLANS_READ),
            NavItem("/console/plans", "预案", True, Permission.REGISTRY_READ),
        ),
    ),
    Workspace(
        "admin",
        "行政事项",
        (
            NavItem("/console/property", "物业监管", False, Permission.PROPERTY_SUPERVISE),
            NavItem("/console/programmes", "评审认定", True, _PROGRAMMES),
            NavItem("/console/rehab", "工伤康复", False, Permission.PROGRAMME_MANAGE),
            NavItem("/console/metrology", "碳计量", True, Permission.REGISTRY_READ),
            NavItem("/console/emissions", "减污降碳", True, Permission.REGISTRY_READ),
            NavItem("/console/subsidies", "补贴", True, (Permission.PROGRAMME_APPLY, Permission.PROGRAMME_MANAGE)),
            NavItem("/console/subsidy-cases", "补贴案件", False, Permission.SUBSIDY_CASES),
        ),
    ),
    Workspace(
        "ops",
        "系统运维",
        (NavItem("/console/ops/cluster", "集群状态", False, Permission.OPS_READ),),
    ),
)


def workspaces_for(actor: Actor, served: Callable[[str], bool]) -> list[tuple[Workspace, list[NavItem]]]:
    """The workspaces the account needs, each with the pages it may open (a workspace without any is left out)."""
    found = []
    for space in NAVIGATION:
        items = [
            item
            for item in space.items
            if served(item.path)
            and (item.enterprise or actor.organisation_id is None)
            and allowed(actor, item.permission)
        ]
        if items:
            found.append((space, items))
    return found


def actor_or_none(request: Request, db_session: Session, clock: Clock) -> Actor | None:
    try:
        return get_actor(request, db_session, clock)
    except YingjiError:
        return None


def allowed(actor: Actor, permission: Permission | tuple[Permission, ...] | None) -> bool:
    """Whether a navigation entry's permission (one, any of several, or none) is the caller's."""
    if permission is None:
        return True
    wanted = permission if isinstance(permission, tuple) else (permission,)
    return any(actor.has(p) for p in wanted)


def page(
    request: Request, actor: Actor, clock: Clock, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    spaces = workspaces_for(actor, lambda path: serves(request.app, path))
    nav = [(item.path, item.label) for _, items in spaces for item in items]
    here = request.url.path
    within = [path for path, _ in nav if here == path or (path != "/" and here.startswith(path))]
    section = max(within, key=len, default="")
    current = next((space.key for space, items in spaces if any(i.path == section for i in items)), None)
    if current is None and spaces:
        current = spaces[0][0].key

    def query_with(**changes: object) -> str:
        """This page's query string with some parameters replaced (the pager's previous/next links)."""
        params = dict(request.query_params) | {k: str(v) for k, v in changes.items()}
        return urlencode(params)

    html = TEMPLATES.get_template(template).render(
        query_with=query_with,
        nav=nav,
        workspaces=spaces,
        workspace=current,
        here=here,
        section=section,
        actor=actor,
        role_label=actor.role.label,
        division_name=getattr(request.state, "division_name", None),
        inbox_unread=getattr(request.state, "inbox_unread", 0),
        banners=getattr(request.state, "banners", []),
        big=request.query_params.get("screen") == "big",
        now=to_local(clock.now()).strftime("%Y-%m-%d %H:%M"),
        **context,
    )
    return HTMLResponse(html, status_code=status_code)


def error_page(request: Request, actor: Actor, clock: Clock, err: YingjiError) -> HTMLResponse:
    """A refused or missing record as a Chinese page with the API's status (404 out of scope, 403, 409 …)."""
    return page(request, actor, clock, "error.html", status_code=err.status, error=err)


def guarded(
    request: Request, actor: Actor, clock: Clock, template: str, build: Callable[[], Mapping[str, Any]]
) -> HTMLResponse:
    """``page`` with the context ``build`` reads through the services; a refusal or a missing record it raises
    answers as ``error_page`` (403, or 404 exactly as for a record that does not exist)."""
    try:
        context = build()
    except YingjiError as err:
        return error_page(request, actor, clock, err)
    return page(request, actor, clock, template, **context)


def public_page(template: str, **context: Any) -> HTMLResponse:
    """A page for people without an account (login, the owners' complaint pages): no navigation, no session."""
    return HTMLResponse(TEMPLATES.get_template(template).render(**context))


def divisions_in_scope(db_session: Session, actor: Actor) -> list[tuple[str, str]]:
    """The divisions an officer may report for (their own and below), as (code, name) for a select: every one of
    them (a jurisdiction's divisions are a few hundred at most; the API pages /api/divisions for larger reads)."""
    query = select(Division.code, Division.name).order_by(Division.code)
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
    request.state.inbox_unread = inbox.unread(db_session, actor)
    if actor.has(Permission.USERS_MANAGE):  # administrators see deliveries stuck on a channel nobody configured
        request.state.banners = stuck_channels(db_session, request.app.state.settings)
    if actor.division_code is not None:  # the header names the jurisdiction in words
        request.state.division_name = db_session.scalar(
            select(Division.name).where(Division.code == actor.division_code)
        )
    return actor


Viewer = Annotated[Actor, Depends(viewer)]


async def to_login(_request: Request, err: Exception) -> Response:
    path = err.path if isinstance(err, LoginRequired) else "/"
    return RedirectResponse(f"/login?{urlencode({'next': path}, safe='/')}", status_code=303)


def export_link(path: str, filters: BaseModel) -> str:
    """The list's export with the list's own filters (so the spreadsheet is what the page lists)."""
    query = urlencode({k: v for k, v in filters.model_dump(mode="json").items() if v not in (None, False, "")})
    return f"{path}?{query}" if query else path

"""预警 pages: the register, the composer (the plan's own mandatory fields, levels and issuers) and one warning with
its CAP messages, tasks and deliveries, and the actions its status allows (issue, adjust, lift, reject)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from yingji.auth.actor import Actor
from yingji.core import divisions
from yingji.core.errors import YingjiError
from yingji.deps import CurrentClock, DbSession
from yingji.plans import loader
from yingji.plans.schema import Plan
from yingji.rules.levels import WarningLevel
from yingji.warnings import service
from yingji.warnings.models import WarningStatus
from yingji.web.common import Viewer, divisions_in_scope, error_page, page

router = APIRouter(include_in_schema=False)

STATUS_LABELS = {
    WarningStatus.PROPOSED: "建议（待审定）",
    WarningStatus.DRAFT: "草稿",
    WarningStatus.ISSUED: "已发布",
    WarningStatus.LIFTED: "已解除",
    WarningStatus.REJECTED: "不予发布",
}
COLOURS = {level.value: level.label for level in WarningLevel}


def composable_plans(actor: Actor) -> list[Plan]:
    """Plans with a warning part on the actor's line of government: their own, above them or below them."""
    own = actor.division_code

    def on_line(code: str) -> bool:
        if actor.is_unlimited:
            return True
        return own is not None and (divisions.contains(code, own) or divisions.contains(own, code))

    return [p for p in loader.all_plans().values() if p.warning is not None and on_line(p.metadata.jurisdiction)]


@router.get("/console/warnings", response_class=HTMLResponse)
def warning_register(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    may_compose = service.may_manage(actor) and actor.organisation_id is None
    plans = composable_plans(actor) if may_compose else []
    return page(
        request,
        actor,
        clock,
        "warnings.html",
        rows=service.list_(db_session=db_session, actor=actor),
        statuses=STATUS_LABELS,
        colours=COLOURS,
        plans=plans,
        user_fields={plan.id: service.user_fields(plan) for plan in plans},
        divisions=divisions_in_scope(db_session, actor) if plans else [],
    )


@router.get("/console/warnings/{warning_id}", response_class=HTMLResponse)
def warning_detail(
    warning_id: int, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    try:
        warning = service.get(db_session=db_session, actor=actor, warning_id=warning_id)
    except YingjiError as err:
        return error_page(request, actor, clock, err)
    plan = loader.get(warning.plan_id)
    manage = service.may_manage(actor)
    return page(
        request,
        actor,
        clock,
        "warning.html",
        warning=warning,
        plan=plan,
        statuses=STATUS_LABELS,
        colours=COLOURS,
        missing=[f for f in service.user_fields(plan) if not warning.fields.get(f)],
        messages=service.messages(db_session=db_session, warning=warning),
        tasks=service.tasks(db_session=db_session, warning=warning),
        deliveries=service.deliveries(db_session=db_session, warning=warning) if manage else [],
        may_manage=manage,
    )

"""预警 pages: the register, the composer (the plan's own mandatory fields, levels and issuers) and one warning with
its CAP messages, tasks and deliveries, and the actions its status allows (issue, adjust, lift, reject)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from yingji.auth.actor import Actor
from yingji.core import divisions
from yingji.core.errors import YingjiError
from yingji.core.paging import PageParams, Paging, paged
from yingji.core.params import RowId
from yingji.deps import CurrentClock, DbSession
from yingji.plans import loader
from yingji.plans.schema import Plan
from yingji.rules.levels import WarningLevel
from yingji.warnings import external, reads, service
from yingji.warnings.models import WarningKind, WarningStatus
from yingji.warnings.schemas import ExternalFilters, WarningFilters
from yingji.web.common import Viewer, divisions_in_scope, error_page, export_link, page

router = APIRouter(include_in_schema=False)

COLOURS = {level.value: level.label for level in WarningLevel}


def composable_plans(actor: Actor) -> list[Plan]:
    """Plans with a warning part on the actor's line of government (their own, above them or below them) whose
    warnings the actor's kind of body makes: weather warnings are the meteorological authority's (003#L6 3.3.2)."""
    own = actor.division_code

    def on_line(code: str) -> bool:
        if actor.is_unlimited:
            return True
        return own is not None and (divisions.contains(code, own) or divisions.contains(own, code))

    return [
        p
        for p in loader.all_plans().values()
        if p.warning is not None and on_line(p.metadata.jurisdiction) and service.may_draft(actor, p)
    ]


@router.get("/console/warnings", response_class=HTMLResponse)
def warning_register(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    paging: Paging,
    filters: Annotated[WarningFilters, Query()],
) -> HTMLResponse:
    may_compose = service.may_manage(actor) and actor.organisation_id is None
    plans = composable_plans(actor) if may_compose else []
    found, total = service.list_(db_session=db_session, actor=actor, params=paging, filters=filters)
    rows = paged(reads.read_all(db_session, actor, found), total, paging)
    outside = PageParams(limit=20)
    received, received_total = external.list_(
        db_session=db_session, clock=clock, actor=actor, params=outside, filters=ExternalFilters()
    )
    return page(
        request,
        actor,
        clock,
        "warnings.html",
        rows=rows,
        external=paged(external.reads(db_session, clock, received), received_total, outside),
        may_import=service.may_manage(actor),
        filters=filters,
        statuses=WarningStatus.labels(),
        kinds=WarningKind.labels(),
        export=export_link("/api/warnings/export.xlsx", filters),
        colours=COLOURS,
        plans=plans,
        user_fields={plan.id: service.user_fields(plan) for plan in plans},
        divisions=divisions_in_scope(db_session, actor) if plans else [],
    )


@router.get("/console/warnings/external/{warning_id}", response_class=HTMLResponse)
def external_detail(
    warning_id: RowId, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    try:
        row = external.get(db_session=db_session, actor=actor, warning_id=warning_id)
    except YingjiError as err:
        return error_page(request, actor, clock, err)
    return page(request, actor, clock, "warning_external.html", w=external.reads(db_session, clock, [row])[0])


@router.get("/console/warnings/{warning_id}", response_class=HTMLResponse)
def warning_detail(
    warning_id: RowId, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer
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
        view=reads.read(db_session, actor, warning),
        plan=plan,
        colours=COLOURS,
        unfilled=service.unfilled(plan, warning.fields),
        messages=service.messages(db_session=db_session, warning=warning),
        tasks=service.tasks(db_session=db_session, warning=warning),
        deliveries=service.deliveries(db_session=db_session, warning=warning) if manage else [],
        may_manage=manage,
    )

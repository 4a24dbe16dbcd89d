"""督办 page: a programme's tasks grouped by sub-plan and measure (section) with their units, milestones and the
progress entry form the read model allows; a campaign's department sub-plans with how their tasks stand, and the
list filtered by sub-plan or department (names shown, never codes); KPI targets with their yearly values charted
against the target line (ECharts from /vendor, drawn by /static/ledger.js: the CSP refuses inline scripts); and,
beside the campaign that carries benefit rules (杭锦旗's fire-rescue benefits), the eligibility check form."""

from __future__ import annotations

from itertools import groupby
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from yingji.core.clock import local_today
from yingji.core.paging import MAX_LIMIT, PageParams, Paging, paged, slice_list
from yingji.deps import CurrentClock, DbSession
from yingji.ledger import benefits, reads, service
from yingji.ledger.schema import campaigns, subplans, target_plans
from yingji.ledger.schemas import TargetFilters, TaskFilters, TaskRead, TaskStatus
from yingji.rules.fire_rescue import Death, Status, Team
from yingji.rules.kpi import KpiStatus
from yingji.web.common import Viewer, export_link, guarded

router = APIRouter(include_in_schema=False)
KPI_CHARTS = 12  # charts on one page (each is an SVG); the rest page on
URGENCY = [KpiStatus.MISSED, KpiStatus.BEHIND, KpiStatus.NO_DATA, KpiStatus.ON_TRACK, KpiStatus.ACHIEVED]


@router.get("/console/ledger", response_class=HTMLResponse)
def ledger_page(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    paging: Paging,
    filters: Annotated[TaskFilters, Query()],
    t_offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        today = local_today(clock)
        found, total = service.tasks(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
        tasks = paged(reads.tasks(db_session, actor, found, today), total, paging)
        target_rows, _ = service.targets(
            db_session=db_session,
            actor=actor,
            params=PageParams(limit=MAX_LIMIT),
            filters=TargetFilters(programme=filters.programme, subplan=filters.subplan),
        )
        programmes = [(c.id, c.title) for c in campaigns().values() if actor.covers_division(c.division_code)]
        programmes += [(p.id, p.title) for p in target_plans().values() if actor.covers_division(p.division_code)]
        sub_rows = reads.subplan_rows(db_session, actor, filters.programme, None, today)
        groups = [(key, list(items)) for key, items in groupby(tasks.items, key=_group)]
        counts = {
            status: service.tasks(
                db_session=db_session,
                clock=clock,
                actor=actor,
                params=PageParams(limit=1),
                filters=filters.model_copy(update={"status": status}),
            )[1]
            for status in (TaskStatus.OVERDUE, TaskStatus.DUE_SOON, TaskStatus.NOT_STARTED)
        }
        return {
            "counts": counts,
            "tasks": tasks,
            "groups": groups,
            "targets": slice_list(
                sorted(reads.targets(db_session, actor, target_rows), key=lambda t: URGENCY.index(t.status)),
                PageParams(limit=KPI_CHARTS, offset=t_offset),
            ),
            "programmes": programmes,
            "subplans": sub_rows,
            "departments": sorted({s.department for s in sub_rows}),
            "filters": filters,
            "today": today,
            "export": export_link("/api/ledger/tasks/export.xlsx", filters),
            "benefit_campaigns": [c for c in benefits.visible(actor) if filters.programme in (None, "", c.id)],
            "teams": Team.labels(),
            "statuses": TaskStatus.labels(),
            "person_statuses": Status.labels(),
            "deaths": Death.labels(),
        }

    return guarded(request, actor, clock, "ledger.html", build)


def _group(task: TaskRead) -> tuple[str, str, str]:
    """A table per measure: the campaign, the sub-plan (with its department) and the section as printed."""
    found = subplans().get(task.subplan or "")
    sub = f"{found.number}. {found.short_title}（{found.department}）" if found else ""
    return task.programme_title, sub, task.section or ("" if found else "其他")

"""预案 pages: the register with its legal calendar (search, filters, paging, export) and one plan — its calendar, the
filing / drill / evaluation / revision entries the read model allows, and, for a bundled plan, its structure read
from the validated plan data: response levels with their deciding bodies, HQ and member units, working groups and
duties, the reporting chain and the warning levels."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.clock import local_today
from yingji.core.errors import YingjiError
from yingji.core.paging import Paging, paged
from yingji.core.params import RowId
from yingji.deps import CurrentClock, DbSession
from yingji.liaisons import service as liaisons
from yingji.liaisons.schemas import PlanLiaisonsRead
from yingji.plan_registry import reads, service
from yingji.plan_registry.models import HolderKind, PlanType
from yingji.plan_registry.schemas import PlanRecordFilters
from yingji.plans import loader
from yingji.plans.schema import Measure, Plan, ReportForm, Timing
from yingji.rules.levels import CONDITION_LABELS, GRADE_LABELS, WARNING_LABELS
from yingji.web.common import Viewer, divisions_in_scope, export_link, guarded

router = APIRouter(include_in_schema=False)

# the plan data's vocabulary in the words of the plans
WORDS: dict[str, dict[Any, str]] = {
    "grade": {int(k): f"{v}事故" for k, v in GRADE_LABELS.items()},
    "warning": {int(k): v for k, v in WARNING_LABELS.items()},
    "condition": {str(k): v for k, v in CONDITION_LABELS.items()},
    "measure": {
        Measure.DEATHS: "死亡",
        Measure.SERIOUS_INJURIES: "重伤（含急性工业中毒）",
        Measure.DIRECT_LOSS_YUAN: "直接经济损失（元）",
        Measure.SOCIAL_IMPACT: "社会影响",
    },
    "timing": {Timing.IMMEDIATELY: "立即", Timing.PROMPTLY: "及时", Timing.WITHIN: "限时"},
    "form": {ReportForm.ANY: "报告", ReportForm.PHONE: "电话报告", ReportForm.WRITTEN: "书面报告"},
}


@router.get("/console/plans", response_class=HTMLResponse)
def plans_page(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    paging: Paging,
    filters: Annotated[PlanRecordFilters, Query()],
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        found, total = service.calendar(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
        return {
            "rows": paged(reads.read_all(db_session, actor, found, local_today(clock)), total, paging),
            "filters": filters,
            "holder_kinds": HolderKind.labels(),
            "plan_types": PlanType.labels(),
            "divisions": divisions_in_scope(db_session, actor) if actor.organisation_id is None else [],
            "export": export_link("/api/plan-registry/export.xlsx", filters),
        }

    return guarded(request, actor, clock, "plans.html", build)


def _liaisons(db_session: Session, actor: Actor, plan: Plan | None) -> PlanLiaisonsRead | None:
    """The plan's liaison register where it sets one up and the caller may see it (else the page goes without)."""
    if plan is None or plan.member_units.liaison_officers is None:
        return None
    try:
        return liaisons.read(db_session, actor, plan.id)
    except YingjiError:
        return None


@router.get("/console/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(
    plan_id: RowId, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        record = service.visible(db_session, actor, plan_id)
        today = local_today(clock)
        bundled = loader.all_plans().get(record.bundled_plan_id) if record.bundled_plan_id else None
        return {
            "record": reads.detail(db_session, actor, record, today),
            "plan": bundled,
            "liaisons": _liaisons(db_session, actor, bundled),
            "words": WORDS,
            "today": today,
        }

    return guarded(request, actor, clock, "plan.html", build)

"""/api/plan-registry: register plans, record filing / drills / evaluations / revision triggers, the legal calendar."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from yingji.core import xlsx
from yingji.core.clock import local_today
from yingji.core.paging import Page, Paging, every, paged
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.plan_registry import reads, service
from yingji.plan_registry.schema import ActivityIn, PlanRecordIn
from yingji.plan_registry.schemas import PlanRecordDetail, PlanRecordFilters, PlanRecordRead

router = APIRouter(prefix="/api/plan-registry", tags=["预案管理"])


@router.get("", response_model=Page[PlanRecordRead])
def plan_calendar(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[PlanRecordFilters, Query()],
) -> Page[PlanRecordRead]:
    """管辖范围内的预案及其备案期限、下次演练和评估日期、逾期项（分页；overdue=true 只列逾期，
    可按区划、持有者、类型、印发日期筛选）。"""
    found, total = service.calendar(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
    return paged(reads.read_all(db_session, actor, found, local_today(clock)), total, paging)


@router.get("/export.xlsx", response_class=Response, responses=xlsx.RESPONSES)
def export_plans(
    db_session: DbSession, clock: CurrentClock, actor: CurrentActor, filters: Annotated[PlanRecordFilters, Query()]
) -> Response:
    """预案登记与法定日历（电子表格，筛选同列表，最多一万条）。"""
    found, _ = every(
        lambda params: service.calendar(db_session=db_session, clock=clock, actor=actor, params=params, filters=filters)
    )
    today = local_today(clock)
    return xlsx.response(reads.workbook(reads.read_all(db_session, actor, found, today), today), f"预案-{today}")


@router.post("", status_code=201, response_model=PlanRecordDetail)
def register_plan(
    body: PlanRecordIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> PlanRecordDetail:
    """登记预案。"""
    with transaction(db_session):
        record = service.register(db_session=db_session, clock=clock, actor=actor, data=body)
        return reads.detail(db_session, actor, record, local_today(clock))


@router.get("/{plan_id}", response_model=PlanRecordDetail)
def get_plan(plan_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> PlanRecordDetail:
    """一个预案：法定日历、登记的备案演练评估，以及本账号可登记的事项。"""
    record = service.visible(db_session, actor, plan_id)
    return reads.detail(db_session, actor, record, local_today(clock))


@router.post("/{plan_id}/activities", status_code=201, response_model=PlanRecordDetail)
def add_activity(
    plan_id: RowId, body: ActivityIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> PlanRecordDetail:
    """登记备案、演练、评估或修订情形（只增不改）。"""
    with transaction(db_session):
        service.record_activity(db_session=db_session, clock=clock, actor=actor, plan_id=plan_id, data=body)
        return reads.detail(db_session, actor, service.visible(db_session, actor, plan_id), local_today(clock))

"""/api/plan-registry: register plans, record filing / drills / evaluations / revision triggers, the legal calendar."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from yingji.core.divisions import CODE_PATTERN
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.plan_registry import service
from yingji.plan_registry.schema import ActivityIn, PlanRecordIn

router = APIRouter(prefix="/api/plan-registry", tags=["预案管理"])


@router.get("")
def plan_calendar(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    division: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    overdue: bool = False,
) -> list[dict[str, Any]]:
    """管辖范围内的预案及其备案期限、下次演练和评估日期、逾期项（overdue=true 只列逾期）。"""
    return service.calendar(db_session=db_session, clock=clock, actor=actor, division=division, overdue_only=overdue)


@router.post("", status_code=201)
def register_plan(
    body: PlanRecordIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        record = service.register(db_session=db_session, clock=clock, actor=actor, data=body)
        return service.get(db_session=db_session, clock=clock, actor=actor, plan_id=record.id)


@router.get("/{plan_id}")
def get_plan(plan_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    return service.get(db_session=db_session, clock=clock, actor=actor, plan_id=plan_id)


@router.post("/{plan_id}/activities", status_code=201)
def add_activity(
    plan_id: RowId, body: ActivityIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """登记备案、演练、评估或修订情形（只增不改）。"""
    with transaction(db_session):
        service.record_activity(db_session=db_session, clock=clock, actor=actor, plan_id=plan_id, data=body)
        return service.get(db_session=db_session, clock=clock, actor=actor, plan_id=plan_id)

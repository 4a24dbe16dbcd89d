"""/api/plans/{plan_id}/liaisons: the member units' liaison officers (应急联络员, 003#L6 2.2.3)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.liaisons import service
from yingji.liaisons.schemas import LiaisonIn, PlanLiaisonsRead

router = APIRouter(prefix="/api/plans/{plan_id}/liaisons", tags=["应急联络员"])
Unit = Annotated[str, Path(min_length=1, max_length=120, description="成员单位（按预案）")]


@router.get("", response_model=PlanLiaisonsRead)
def list_liaisons(plan_id: str, db_session: DbSession, actor: CurrentActor) -> PlanLiaisonsRead:
    """预案成员单位的应急联络员，尚未确定联络员的单位在前；成员单位账号只见本单位。"""
    return service.read(db_session, actor, plan_id)


@router.put("/{unit}", response_model=PlanLiaisonsRead)
def put_liaison(
    plan_id: str, unit: Unit, body: LiaisonIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> PlanLiaisonsRead:
    """登记或变更成员单位的联络员（指挥部办公室或该单位）；变更记入审计日志。"""
    with transaction(db_session):
        service.set_liaison(db_session=db_session, clock=clock, actor=actor, plan_id=plan_id, unit=unit, data=body)
    return service.read(db_session, actor, plan_id)


@router.delete("/{unit}", response_model=PlanLiaisonsRead)
def delete_liaison(
    plan_id: str, unit: Unit, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> PlanLiaisonsRead:
    """撤销成员单位的联络员登记（人员调离而尚未确定接替人时）。"""
    with transaction(db_session):
        service.clear_liaison(db_session=db_session, clock=clock, actor=actor, plan_id=plan_id, unit=unit)
    return service.read(db_session, actor, plan_id)

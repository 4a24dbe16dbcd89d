"""/api/weather-risks: the meteorological disaster risk database (003#L6 3.1.1)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from yingji.core.paging import Page, Paging, paged
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.risks import service
from yingji.risks.schemas import RiskFilters, RiskIn, RiskRead

router = APIRouter(prefix="/api/weather-risks", tags=["气象灾害风险"])


@router.get("", response_model=Page[RiskRead])
def list_risks(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[RiskFilters, Query()]
) -> Page[RiskRead]:
    """辖区气象灾害风险点（风险普查、评估、区划的结果），高风险在前；可按灾种、区划筛选。"""
    found, total = service.page(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(service.reads(db_session, found), total, paging)


@router.post("", status_code=201, response_model=RiskRead)
def create_risk(body: RiskIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> RiskRead:
    """登记一处气象灾害风险点：灾种、风险等级、承灾体、来源（普查、评估、区划）与年份。"""
    with transaction(db_session):
        row = service.create(db_session=db_session, clock=clock, actor=actor, data=body)
        return service.reads(db_session, [row])[0]

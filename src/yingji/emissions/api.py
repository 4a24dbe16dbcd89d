"""/api/emissions: the key enterprises' pollutant and carbon ledger (减污降碳协同创新试点, 003#L20)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from yingji.core.paging import Page, Paging, paged
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.emissions import reads, service
from yingji.emissions.schemas import EntryIn, EntryRead, LedgerSummary, ToTargetsRead

router = APIRouter(prefix="/api/emissions", tags=["重点企业污染物和碳排放台账"])
Year = Annotated[int, Path(ge=2000, le=2100, description="年度")]


@router.get("/entries", response_model=Page[EntryRead])
def list_entries(db_session: DbSession, actor: CurrentActor, paging: Paging) -> Page[EntryRead]:
    """台账（新年度在前）：企业只见本企业，监管部门见本辖区。"""
    found, total = service.page(db_session=db_session, actor=actor, params=paging)
    return paged(reads.entries(db_session, actor, list(found)), total, paging)


@router.post("/entries", status_code=201, response_model=EntryRead)
def create_entry(body: EntryIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> EntryRead:
    """填报某企业某年度的NOx、VOCs、CO₂排放量和环保设施运行效率（每企业每年一条，已填报的请更正）。"""
    with transaction(db_session):
        row = service.create(db_session=db_session, clock=clock, actor=actor, data=body)
        return reads.entries(db_session, actor, [row])[0]


@router.put("/entries/{entry_id}", response_model=EntryRead)
def correct_entry(
    entry_id: RowId, body: EntryIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> EntryRead:
    """更正台账（企业和年度不变，原数据记入审计日志）。"""
    with transaction(db_session):
        row = service.correct(db_session=db_session, clock=clock, actor=actor, entry_id=entry_id, data=body)
        return reads.entries(db_session, actor, [row])[0]


@router.get("/summary", response_model=LedgerSummary)
def ledger_summary(db_session: DbSession, actor: CurrentActor) -> LedgerSummary:
    """各年度合计，及与2023年同口径比较的NOx、VOCs减排量和环保设施运行效率变化。"""
    return service.summary(db_session=db_session, actor=actor)


@router.post("/summary/{year}/to-targets", response_model=ToTargetsRead)
def carry_to_targets(year: Year, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> ToTargetsRead:
    """把该年度重点企业环保设施平均运行效率计入试点指标（作为指标年度数据，来源为本台账）。"""
    with transaction(db_session):
        return service.to_targets(db_session=db_session, clock=clock, actor=actor, year=year)

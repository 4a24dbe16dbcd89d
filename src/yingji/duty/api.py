"""/api/duty: the duty desk — roster (who is on duty now), duty log, shift handover and the phone book."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from yingji.core.paging import Page, Paging, paged
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.duty import reads, service
from yingji.duty.schemas import (
    AcceptIn,
    BodyFilters,
    ContactFilters,
    ContactRead,
    DutyBodyRead,
    HandoverFilters,
    HandoverIn,
    HandoverRead,
    KeeperRead,
    LogEntryIn,
    LogEntryRead,
    LogFilters,
    OpenItems,
    ShiftFilters,
    ShiftIn,
    ShiftRead,
)

router = APIRouter(prefix="/api/duty", tags=["值班"])


@router.get("/bodies", response_model=Page[DutyBodyRead])
def list_bodies(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[BodyFilters, Query()],
) -> Page[DutyBodyRead]:
    """辖区内设值班台的单位（政府、部门、指挥部办公室），各附当前值班员、带班领导和本账号可执行的操作。"""
    found, total = service.list_bodies(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.bodies(db_session, actor, clock, found), total, paging)


@router.get("/bodies/{body_id}", response_model=DutyBodyRead)
def get_body(body_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> DutyBodyRead:
    """一个值班台：现在谁在值班、下一班、待确认的交班。"""
    found = service.get_body(db_session=db_session, actor=actor, body_id=body_id)
    return reads.body(db_session, actor, clock, found)


@router.get("/bodies/{body_id}/open-items", response_model=OpenItems)
def open_items(body_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> OpenItems:
    """本单位辖区现在的遗留事项：未确认报警、未完成的报告时限、未结束的事故（交班时写入交班记录）。"""
    found = service.get_body(db_session=db_session, actor=actor, body_id=body_id)
    return service.open_items(db_session=db_session, actor=actor, clock=clock, body=found)


@router.get("/bodies/{body_id}/keepers", response_model=Page[KeeperRead])
def keepers(body_id: RowId, db_session: DbSession, actor: CurrentActor, paging: Paging) -> Page[KeeperRead]:
    """可在本单位值班的账号（本级值班员、指挥员）：排班与交班的人选。"""
    found = service.get_body(db_session=db_session, actor=actor, body_id=body_id)
    people = service.keepers(db_session=db_session, body=found)
    chunk = people[paging.offset : paging.offset + paging.limit]
    return paged(reads.keepers(chunk), len(people), paging)


@router.get("/shifts", response_model=Page[ShiftRead])
def list_shifts(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[ShiftFilters, Query()],
) -> Page[ShiftRead]:
    """排班表（开始时间新的在前），可按单位和时段筛选。"""
    found, total = service.list_shifts(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.shifts(db_session, found, clock.now()), total, paging)


@router.post("/shifts", status_code=201, response_model=ShiftRead)
def create_shift(body: ShiftIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> ShiftRead:
    """排一个班次（本级值班员、指挥员）：同一单位的班次不得重叠。"""
    with transaction(db_session):
        shift = service.create_shift(db_session=db_session, clock=clock, actor=actor, data=body)
        return reads.shifts(db_session, [shift], clock.now())[0]


@router.get("/shifts/{shift_id}", response_model=ShiftRead)
def get_shift(shift_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> ShiftRead:
    shift = service.get_shift(db_session=db_session, actor=actor, shift_id=shift_id)
    return reads.shifts(db_session, [shift], clock.now())[0]


@router.get("/log", response_model=Page[LogEntryRead])
def list_log(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[LogFilters, Query()]
) -> Page[LogEntryRead]:
    """值班日志（新的在前），可按单位、类别、值班员筛选；更正条目注明所更正的条目，原条目保留。"""
    found, total = service.list_log(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.log(db_session, actor, found), total, paging)


@router.post("/log", status_code=201, response_model=LogEntryRead)
def write_log(body: LogEntryIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> LogEntryRead:
    """记一条值班日志（只增不改：更正请新记一条并写明 corrects_id）。"""
    with transaction(db_session):
        entry = service.write_log(db_session=db_session, clock=clock, actor=actor, data=body)
        return reads.log(db_session, actor, [entry])[0]


@router.get("/log/{entry_id}", response_model=LogEntryRead)
def get_log(entry_id: RowId, db_session: DbSession, actor: CurrentActor) -> LogEntryRead:
    entry = service.get_log(db_session=db_session, actor=actor, entry_id=entry_id)
    return reads.log(db_session, actor, [entry])[0]


@router.get("/handovers", response_model=Page[HandoverRead])
def list_handovers(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[HandoverFilters, Query()]
) -> Page[HandoverRead]:
    """交接班记录（新的在前），各附交班时的遗留事项。"""
    found, total = service.list_handovers(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.handovers(db_session, actor, found), total, paging)


@router.post("/handovers", status_code=201, response_model=HandoverRead)
def hand_over(body: HandoverIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> HandoverRead:
    """交班：系统汇总此刻的遗留事项写入交班记录，待接班人确认。"""
    with transaction(db_session):
        handover = service.hand_over(db_session=db_session, clock=clock, actor=actor, data=body)
        return reads.handovers(db_session, actor, [handover])[0]


@router.get("/handovers/{handover_id}", response_model=HandoverRead)
def get_handover(handover_id: RowId, db_session: DbSession, actor: CurrentActor) -> HandoverRead:
    handover = service.get_handover(db_session=db_session, actor=actor, handover_id=handover_id)
    return reads.handovers(db_session, actor, [handover])[0]


@router.post("/handovers/{handover_id}/accept", response_model=HandoverRead)
def accept(
    handover_id: RowId, body: AcceptIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> HandoverRead:
    """接班确认（只有交班记录指定的接班人，一次）。"""
    with transaction(db_session):
        handover = service.accept(db_session=db_session, clock=clock, actor=actor, handover_id=handover_id, data=body)
        return reads.handovers(db_session, actor, [handover])[0]


@router.post("/handovers/{handover_id}/withdraw", response_model=HandoverRead)
def withdraw(handover_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> HandoverRead:
    """撤回尚未确认的交班记录（交班人）。"""
    with transaction(db_session):
        handover = service.withdraw(db_session=db_session, clock=clock, actor=actor, handover_id=handover_id)
        return reads.handovers(db_session, actor, [handover])[0]


@router.get("/contacts", response_model=Page[ContactRead])
def contacts(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[ContactFilters, Query()]
) -> Page[ContactRead]:
    """通讯录：辖区内登记单位的值班电话、联系人（政府、部门在前），可按名称、联系人、电话搜索。"""
    found, total = service.contacts(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.contacts(db_session, found), total, paging)

"""/api/monitoring: threshold rules, measurement points, the gateway ingest endpoint, readings and alarms."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from yingji.auth.roles import Permission
from yingji.core.errors import InvalidInput
from yingji.core.http import read_bounded
from yingji.core.paging import Page, Paging, paged, slice_list
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession, require
from yingji.monitoring import alarms, ingest, items, points, readings, reads
from yingji.monitoring.cluster.edge import ingest_at_edge
from yingji.monitoring.engine import MonitoringEngine
from yingji.monitoring.networking.api import router as networking_router
from yingji.monitoring.schema import find_rules, rule_by_id
from yingji.monitoring.schemas import (
    AcknowledgedMany,
    AlarmDetail,
    AlarmFilters,
    AlarmRead,
    IngestAck,
    PointFilters,
    PointRead,
    PointReadings,
    PondItemsRead,
    ReadingMinuteRead,
    ReadingWindow,
    RuleFilters,
    ThresholdRuleRead,
    WarningProposed,
)

router = APIRouter(prefix="/api/monitoring", tags=["监测预警"], dependencies=[Depends(require(Permission.PLANS_READ))])
MAX_BODY = 16 * 1024 * 1024


def monitoring_engine(request: Request) -> MonitoringEngine:
    engine: MonitoringEngine = request.app.state.monitor
    return engine


# --- rules ----------------------------------------------------------------------------------------------------------


@router.get("/rules", response_model=Page[ThresholdRuleRead])
def list_rules(paging: Paging, filters: Annotated[RuleFilters, Query()]) -> Page[ThresholdRuleRead]:
    """测点阈值规则（含依据与是否已核实，按内置表顺序分页），可按种类、设置地点、核实状态筛选。"""
    found = find_rules(filters.kind, filters.location_class, filters.verified)
    return slice_list([reads.rule(r) for r in found], paging)


@router.get("/rules/{rule_id}", response_model=ThresholdRuleRead)
def get_rule(rule_id: str) -> ThresholdRuleRead:
    """返回一条阈值规则。"""
    return reads.rule(rule_by_id(rule_id))


# --- points ---------------------------------------------------------------------------------------------------------


@router.post("/points", status_code=201, response_model=PointRead)
def save_point(body: points.PointIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> PointRead:
    """登记或修改测点（按企业内测点编号）；阈值规则按种类和地点类别套用，尾矿库按设计预警值生成。"""
    with transaction(db_session):
        return reads.point(db_session, actor, points.save(db_session=db_session, clock=clock, actor=actor, data=body))


@router.get("/points", response_model=Page[PointRead])
def list_points(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[PointFilters, Query()]
) -> Page[PointRead]:
    """管辖范围内（企业账号：本企业）的测点（按登记先后，分页），可按场所（mine:7 / pond:3）、种类、状态筛选。"""
    found, total = points.list_(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.points(db_session, actor, found), total, paging)


@router.get("/points/{point_id}", response_model=PointRead)
def get_point(point_id: RowId, db_session: DbSession, actor: CurrentActor) -> PointRead:
    """一个测点：场所、企业、所在地、套用的规则，以及本账号可执行的操作。"""
    return reads.point(db_session, actor, points.get(db_session=db_session, actor=actor, point_id=point_id))


@router.get("/points/{point_id}/readings", response_model=PointReadings)
def point_readings(
    point_id: RowId,
    db_session: DbSession,
    actor: CurrentActor,
    clock: CurrentClock,
    paging: Paging,
    window: Annotated[ReadingWindow, Query()],
) -> PointReadings:
    """按分钟汇总的读数（最小、最大、平均、最后值，旧的在前，分页）；默认最近 6 小时，含正在进行的这一分钟。"""
    point = points.get(db_session=db_session, actor=actor, point_id=point_id)
    end = window.until or clock.now()
    start = window.since or end - timedelta(hours=6)
    if start >= end or end - start > timedelta(days=31):
        raise InvalidInput(field="since", reason="查询区间须为正且不超过 31 天")
    upto = end if window.until else end + timedelta(minutes=1)  # without an end: up to now, the minute under way
    rows, total = readings.series(db_session, point.id, start, upto, paging)
    return PointReadings(
        items=[
            ReadingMinuteRead(
                minute=readings.minute_start(r), n=r.n, min=r.vmin, max=r.vmax, mean=r.vsum / r.n, last=r.last_value
            )
            for r in rows
        ],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
        point_id=point.id,
        point_code=point.code,
        point_name=point.name,
        unit=point.unit,
        since=start,
        until=upto,
    )


@router.get("/ponds/{pond_id}/items", response_model=PondItemsRead)
def pond_items(pond_id: RowId, db_session: DbSession, actor: CurrentActor) -> PondItemsRead:
    """尾矿库各监测项目的预警颜色（项目内：4 蓝计 1 黄，3 黄计 1 橙，2 橙计 1 红）。"""
    return items.pond_items(db_session=db_session, actor=actor, pond_id=pond_id)


# --- ingest ---------------------------------------------------------------------------------------------------------


@router.post("/readings", response_model=IngestAck, openapi_extra={"requestBody": ingest.OPENAPI_BODY})
async def post_readings(request: Request, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> IngestAck:
    """企业网关批量上传读数（JSON 或 MessagePack）。逐条校验：合格的接收，不合格的列出原因；
    报警变化在答复前已持久化。只有负责监测引擎的进程接收，其他进程答复 503 并指明负责进程。"""
    edge = getattr(request.app.state, "edge", None)
    if edge is not None:  # serve --role edge: checked here, judged by the cluster's workers
        body = await read_bounded(request, MAX_BODY, "数据包（请分批上传）")

        def publish() -> IngestAck:
            batch = ingest.decode(ingest.parse(body, request.headers.get("content-type", "")))
            result = ingest_at_edge(db_session=db_session, clock=clock, actor=actor, runner=edge, batch=batch)
            counts = {name: value for name, value in result.as_dict().items() if name in IngestAck.model_fields}
            return IngestAck.model_validate(counts | {"transitions": 0, "alarm_ids": []})  # judged after the answer

        return await run_in_threadpool(publish)
    engine = monitoring_engine(request)
    engine.require_owner()  # before reading the body
    body = await read_bounded(request, MAX_BODY, "数据包（请分批上传）")

    def work() -> IngestAck:  # decoding and the engine lock stay off the event loop
        batch = ingest.decode(ingest.parse(body, request.headers.get("content-type", "")))
        result = ingest.taken("http", db_session=db_session, clock=clock, actor=actor, engine=engine, batch=batch)
        return IngestAck.model_validate(result.as_dict())

    return await run_in_threadpool(work)


# --- alarms ---------------------------------------------------------------------------------------------------------


@router.get("/alarms", response_model=Page[AlarmRead])
def list_alarms(
    db_session: DbSession,
    actor: CurrentActor,
    clock: CurrentClock,
    paging: Paging,
    filters: Annotated[AlarmFilters, Query()],
) -> Page[AlarmRead]:
    """报警列表（分页，最紧急的在前：紧急、报警、故障、已恢复，同级按最近一次报警时间）：open（未关闭且未搁置）、
    active、unacked、shelved、closed、all；可按场所、企业、测点类型、紧急程度筛选；报警泛滥组默认合并为一行。"""
    return reads.page(db_session, actor, clock, filters, paging)


@router.get("/alarms/{alarm_id}", response_model=AlarmDetail)
def get_alarm(alarm_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock) -> AlarmDetail:
    """一条报警：企业、场所、测点、当前与峰值级别、处置记录，以及本账号可执行的操作。"""
    alarm = alarms.get(db_session=db_session, actor=actor, alarm_id=alarm_id)
    return reads.detail(db_session, actor, alarm, clock.now())


class AckIn(YingjiModel):
    comment: str | None = Field(default=None, max_length=500)


class AckManyIn(YingjiModel):
    alarm_ids: list[RowId] = Field(default_factory=list, max_length=alarms.MAX_BULK_ACK, description="要确认的报警")
    site: str | None = Field(default=None, max_length=30, description="确认该场所全部未确认的报警，如 mine:7")
    group: RowId | None = Field(default=None, description="确认该报警泛滥组全部未确认的报警")
    comment: str | None = Field(default=None, max_length=500)


class CommentIn(YingjiModel):
    text: str = Field(min_length=1, max_length=2000)


class ShelveIn(YingjiModel):
    hours: float = Field(gt=0, description="搁置时长（小时），不超过策略上限")
    reason: str = Field(min_length=2, max_length=500)


class ProposeIn(YingjiModel):
    level: int | None = Field(default=None, ge=1, le=4, description="1 红 2 橙 3 黄 4 蓝；尾矿库报警默认取其颜色")
    note: str | None = Field(default=None, max_length=2000)


@router.post("/alarms/{alarm_id}/ack", response_model=AlarmRead)
def ack_alarm(
    alarm_id: RowId, body: AckIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> AlarmRead:
    """确认报警；已恢复的报警确认后关闭。"""
    with transaction(db_session):
        alarm = alarms.acknowledge(
            db_session=db_session, clock=clock, actor=actor, alarm_id=alarm_id, comment=body.comment
        )
        return reads.read(db_session, actor, alarm, clock.now())


@router.post("/alarms/ack", response_model=AcknowledgedMany)
def ack_many(body: AckManyIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> AcknowledgedMany:
    """批量确认：所列报警、某场所或某泛滥组全部未确认的报警（一次至多 500 条），附同一处置说明。"""
    with transaction(db_session):
        acked, skipped = alarms.acknowledge_many(
            db_session=db_session,
            clock=clock,
            actor=actor,
            alarm_ids=body.alarm_ids,
            site_key=body.site,
            group_id=body.group,
            comment=body.comment,
        )
        return AcknowledgedMany(acknowledged=[a.id for a in acked], already_handled=skipped)


@router.post("/alarms/{alarm_id}/comments", response_model=AlarmRead)
def comment_alarm(
    alarm_id: RowId, body: CommentIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> AlarmRead:
    with transaction(db_session):
        alarm = alarms.comment(db_session=db_session, clock=clock, actor=actor, alarm_id=alarm_id, text=body.text)
        return reads.read(db_session, actor, alarm, clock.now())


@router.post("/alarms/{alarm_id}/shelve", response_model=AlarmRead)
def shelve_alarm(
    alarm_id: RowId, body: ShelveIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> AlarmRead:
    """搁置（有期限）：期间不在实时列表显示、不升级通知，到期自动恢复。"""
    with transaction(db_session):
        alarm = alarms.shelve(
            db_session=db_session, clock=clock, actor=actor, alarm_id=alarm_id, hours=body.hours, reason=body.reason
        )
        return reads.read(db_session, actor, alarm, clock.now())


@router.post("/alarms/{alarm_id}/unshelve", response_model=AlarmRead)
def unshelve_alarm(alarm_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> AlarmRead:
    with transaction(db_session):
        alarm = alarms.unshelve(db_session=db_session, clock=clock, actor=actor, alarm_id=alarm_id)
        return reads.read(db_session, actor, alarm, clock.now())


@router.post("/alarms/{alarm_id}/propose-warning", status_code=201, response_model=WarningProposed)
def propose_warning(
    alarm_id: RowId, body: ProposeIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> WarningProposed:
    """一键提出预警建议，交有权机关在预警模块审定发布。"""
    with transaction(db_session):
        warning = alarms.propose_warning(
            db_session=db_session, clock=clock, actor=actor, alarm_id=alarm_id, level=body.level, note=body.note
        )
        return WarningProposed(
            warning_id=warning.id, plan_id=warning.plan_id, level=warning.level, status=warning.status.value
        )


router.include_router(networking_router)  # /api/monitoring/networking

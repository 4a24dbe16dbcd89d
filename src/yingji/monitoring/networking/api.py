"""/api/monitoring/networking: register a mine's feed, list feeds (stopped ones first), upload a networking file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from yingji.config import Settings
from yingji.core.http import read_bounded
from yingji.core.paging import Page, Paging
from yingji.core.schemas import YingjiModel
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.monitoring.cluster.edge import EdgeRunner
from yingji.monitoring.engine import MonitoringEngine
from yingji.monitoring.networking import service
from yingji.monitoring.networking.models import FileSource
from yingji.monitoring.networking.parser import MAX_FILE_BYTES
from yingji.monitoring.networking.schemas import FEED_CODE, FeedFilters, FeedIn, FeedRead, ImportReport

router = APIRouter(prefix="/networking")
UPLOAD_PATH = "/api/monitoring/networking/files"
OPENAPI_BODY = {
    "required": True,
    "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "text/plain": {"schema": {"type": "string"}},
    },
}


def inputs(request: Request) -> service.Inputs:
    settings: Settings = request.app.state.settings
    return service.inputs(settings)


class UploadParams(YingjiModel):
    mine: str = Field(pattern=FEED_CODE, description="矿井联网编码")
    name: str = Field(default="upload.txt", min_length=1, max_length=200, description="文件名（写入报告）")


@router.post("/feeds", status_code=201, response_model=FeedRead)
def register_feed(
    body: FeedIn, request: Request, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> FeedRead:
    """登记（或修改）矿井联网：联网编码即传输目录下该矿子目录名；格式须为已有的联网文件格式。"""
    with transaction(db_session):
        feed = service.register_feed(db_session=db_session, clock=clock, actor=actor, data=body, inputs=inputs(request))
        return service.feed_reads(db_session, [feed])[0]


@router.get("/feeds", response_model=Page[FeedRead])
def list_feeds(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[FeedFilters, Query()]
) -> Page[FeedRead]:
    """管辖范围内的矿井联网（中断的在前，分页）：最近收到文件的时间、中断预警级别。"""
    return service.feeds_page(db_session=db_session, actor=actor, params=paging, filters=filters)


@router.post("/files", response_model=ImportReport, openapi_extra={"requestBody": OPENAPI_BODY})
async def upload_file(
    request: Request,
    params: Annotated[UploadParams, Query()],
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> ImportReport:
    """企业网关上传一个联网数据文件（原始字节，GBK 或 UTF-8 按格式判定）。逐条校验：合格的记录入库或进入监测引擎，
    不合格的逐条列出行号、记录序号和字段；只有负责监测引擎的进程接收（集群的边缘进程把读数写入数据流，由工作进程判定）。"""
    engine: MonitoringEngine = request.app.state.monitor
    edge: EdgeRunner | None = getattr(request.app.state, "edge", None)
    if edge is None:  # the single process judges the readings itself: only the engine's owner takes files
        engine.require_owner()
    feed = service.upload_feed(db_session, actor, params.mine)  # before reading the body
    body = await read_bounded(request, MAX_FILE_BYTES, "联网数据文件")
    where = inputs(request)

    def work() -> ImportReport:
        return service.import_bytes(
            db_session=db_session,
            clock=clock,
            actor=actor,
            engine=engine,
            feed=feed,
            data=body,
            name=params.name,
            source=FileSource.HTTP,
            inputs=where,
            edge=edge,
        )

    return await run_in_threadpool(work)

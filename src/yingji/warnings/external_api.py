"""/api/warnings/external: other agencies' CAP alerts — import (a CAP document or an Atom feed), list, read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from yingji.core.http import read_bounded
from yingji.core.paging import Page, Paging, paged
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.warnings import external
from yingji.warnings.schemas import ExternalFilters, ExternalImportRead, ExternalWarningRead

router = APIRouter(prefix="/api/warnings/external", tags=["预警"])
BODY_LIMIT = 2 * 1024 * 1024  # a feed of a few hundred alerts


@router.post("", response_model=ExternalImportRead)
async def import_alerts(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    source: Annotated[str, Query(min_length=1, max_length=120, description="来源，如 市气象台 CAP 订阅")] = "上传",
) -> ExternalImportRead:
    """导入外部预警（请求体为 CAP 1.2 预警或内嵌 CAP 的 Atom 订阅，≤ 2 MB）：同一发布方、同一标识只收录一次；
    更新、取消消息标记其引用的预警；逐条报告未导入的及原因。"""
    content = await read_bounded(request, BODY_LIMIT, "外部预警")

    def work() -> ExternalImportRead:
        with transaction(db_session):
            return external.import_document(
                db_session=db_session, clock=clock, actor=actor, content=content, source=f"{source}（{actor.username}）"
            )

    return await run_in_threadpool(work)


@router.get("", response_model=Page[ExternalWarningRead])
def list_alerts(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[ExternalFilters, Query()],
) -> Page[ExternalWarningRead]:
    """管辖范围内的外部预警（默认只列生效中的；最新在前，分页）。"""
    rows, total = external.list_(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
    return paged(external.reads(db_session, clock, rows), total, paging)


@router.get("/{warning_id}", response_model=ExternalWarningRead)
def get_alert(
    warning_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> ExternalWarningRead:
    """一条外部预警：发布单位、事件、级别、范围、时效，以及被哪条消息更新或取消。"""
    row = external.get(db_session=db_session, actor=actor, warning_id=warning_id)
    return external.reads(db_session, clock, [row])[0]

"""/api/tips: the public form and receipt lookup (no account), and the handling officers' loop."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from yingji.core import xlsx
from yingji.core.clock import local_today
from yingji.core.http import read_model
from yingji.core.paging import Page, Paging, every, paged
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, CurrentSettings, DbSession, client_address
from yingji.throttle import service as throttle
from yingji.tips import reads, service
from yingji.tips.schemas import TipFilters, TipPublicStatus, TipRead, TipReceipt

router = APIRouter(prefix="/api/tips", tags=["举报"])
PUBLIC_BODY_LIMIT = 64 * 1024  # an anonymous form: refuse huge bodies before parsing them


@router.post("/public", status_code=201, response_model=TipReceipt)
async def submit_public(
    request: Request, db_session: DbSession, clock: CurrentClock, settings: CurrentSettings
) -> TipReceipt:
    """公众网上举报（无需登录，可匿名；JSON 请求体 ≤ 64 KB，字段见 TipIn）。返回回执编号，凭编号查询办理结果。
    同一来源、同一被举报对象在一定时间内的提交次数有上限（超出答 429，并给出 Retry-After）。"""
    body = await read_model(request, service.TipIn, PUBLIC_BODY_LIMIT, "举报内容")
    address = client_address(request)

    def work() -> TipReceipt:
        with transaction(db_session):
            throttle.admit(
                db_session,
                form="tip",
                address=address,
                target=service.target_key(body),
                limits=throttle.form_limits(settings),
                now=clock.now(),
                what="被举报对象",
            )
            return reads.receipt(service.submit_public(db_session=db_session, clock=clock, data=body))

    return await run_in_threadpool(work)


@router.get("/public/{tracking_code}", response_model=TipPublicStatus)
def public_status(tracking_code: str, db_session: DbSession) -> TipPublicStatus:
    """凭回执编号查询办理状态与反馈（不含核查细节和任何个人信息）。"""
    return reads.public_status(service.by_tracking_code(db_session=db_session, tracking_code=tracking_code))


@router.get("", response_model=Page[TipRead])
def list_tips(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[TipFilters, Query()]
) -> Page[TipRead]:
    """辖区内的举报（新的在前，分页），可按状态、渠道、区划、收到日期筛选；举报人信息只对经办人显示。"""
    found, total = service.list_(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.read_all(db_session, actor, found), total, paging)


@router.get("/export.xlsx", response_class=Response, responses=xlsx.RESPONSES)
def export_tips(
    db_session: DbSession, clock: CurrentClock, actor: CurrentActor, filters: Annotated[TipFilters, Query()]
) -> Response:
    """辖区内的举报（电子表格，筛选同列表，最多一万条）；举报人信息只对经办人导出。"""
    found, _ = every(lambda params: service.list_(db_session=db_session, actor=actor, params=params, filters=filters))
    today = local_today(clock)
    return xlsx.response(reads.workbook(reads.read_all(db_session, actor, found), today), f"举报-{today}")


@router.post("", status_code=201, response_model=TipRead)
def record_tip(body: service.OfficerTipIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> TipRead:
    """登记电话、来信、来访举报（登记人即受理人、经办人）。"""
    with transaction(db_session):
        tip = service.record(db_session=db_session, clock=clock, actor=actor, data=body)
        return reads.read(db_session, actor, tip)


@router.get("/{tip_id}", response_model=TipRead)
def get_tip(tip_id: RowId, db_session: DbSession, actor: CurrentActor) -> TipRead:
    """一条举报，以及本账号现在可执行的步骤。"""
    return reads.read(db_session, actor, service.get(db_session=db_session, actor=actor, tip_id=tip_id))


@router.post("/{tip_id}/accept", response_model=TipRead)
def accept(tip_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> TipRead:
    """受理（受理人成为经办人）。"""
    with transaction(db_session):
        tip = service.accept(db_session=db_session, clock=clock, actor=actor, tip_id=tip_id)
        return reads.read(db_session, actor, tip)


@router.post("/{tip_id}/verify", response_model=TipRead)
def verify(
    tip_id: RowId, body: service.VerifyIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> TipRead:
    """核查：属实的企业隐患同时登记为隐患（群众举报查实）。"""
    with transaction(db_session):
        tip = service.verify(db_session=db_session, clock=clock, actor=actor, tip_id=tip_id, data=body)
        return reads.read(db_session, actor, tip)


@router.post("/{tip_id}/answer", response_model=TipRead)
def answer(
    tip_id: RowId, body: service.AnswerIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> TipRead:
    """向举报人反馈（公众凭回执编号可见）。"""
    with transaction(db_session):
        tip = service.answer(db_session=db_session, clock=clock, actor=actor, tip_id=tip_id, data=body)
        return reads.read(db_session, actor, tip)


@router.post("/{tip_id}/close", response_model=TipRead)
def close(
    tip_id: RowId, body: service.CloseIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> TipRead:
    """销号并作出奖励决定（上限按适用的举报奖励规则）。"""
    with transaction(db_session):
        tip = service.close(db_session=db_session, clock=clock, actor=actor, tip_id=tip_id, data=body)
        return reads.read(db_session, actor, tip)

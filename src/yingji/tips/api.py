"""/api/tips: the public form and receipt lookup (no account), and the handling officers' loop."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from yingji.core.http import read_model
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, CurrentSettings, DbSession, client_address
from yingji.rules.tips import TipState
from yingji.throttle import service as throttle
from yingji.tips import service

router = APIRouter(prefix="/api/tips", tags=["举报"])
PUBLIC_BODY_LIMIT = 64 * 1024  # an anonymous form: refuse huge bodies before parsing them


@router.post("/public", status_code=201)
async def submit_public(
    request: Request, db_session: DbSession, clock: CurrentClock, settings: CurrentSettings
) -> dict[str, Any]:
    """公众网上举报（无需登录，可匿名；JSON 请求体 ≤ 64 KB，字段见 TipIn）。返回回执编号，凭编号查询办理结果。
    同一来源、同一被举报对象在一定时间内的提交次数有上限（超出答 429，并给出 Retry-After）。"""
    body = await read_model(request, service.TipIn, PUBLIC_BODY_LIMIT, "举报内容")
    address = client_address(request)

    def work() -> dict[str, Any]:
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
            tip = service.submit_public(db_session=db_session, clock=clock, data=body)
            return {"tracking_code": tip.tracking_code, "state": tip.state.value}

    return await run_in_threadpool(work)


@router.get("/public/{tracking_code}")
def public_status(tracking_code: str, db_session: DbSession) -> dict[str, Any]:
    """凭回执编号查询办理状态与反馈（不含核查细节和任何个人信息）。"""
    return service.public_status(db_session=db_session, tracking_code=tracking_code)


@router.get("")
def list_tips(db_session: DbSession, actor: CurrentActor, state: TipState | None = None) -> list[dict[str, Any]]:
    """辖区内的举报；举报人信息只对经办人显示。"""
    return service.list_(db_session=db_session, actor=actor, state=state)


@router.post("", status_code=201)
def record_tip(
    body: service.OfficerTipIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """登记电话、来信、来访举报（登记人即受理人、经办人）。"""
    with transaction(db_session):
        tip = service.record(db_session=db_session, clock=clock, actor=actor, data=body)
        return service.as_dict(tip, actor)


@router.get("/{tip_id}")
def get_tip(tip_id: RowId, db_session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    return service.get(db_session=db_session, actor=actor, tip_id=tip_id)


@router.post("/{tip_id}/accept")
def accept(tip_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    """受理（受理人成为经办人）。"""
    with transaction(db_session):
        return service.as_dict(service.accept(db_session=db_session, clock=clock, actor=actor, tip_id=tip_id), actor)


@router.post("/{tip_id}/verify")
def verify(
    tip_id: RowId, body: service.VerifyIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """核查：属实的企业隐患同时登记为隐患（群众举报查实）。"""
    with transaction(db_session):
        tip = service.verify(db_session=db_session, clock=clock, actor=actor, tip_id=tip_id, data=body)
        return service.as_dict(tip, actor)


@router.post("/{tip_id}/answer")
def answer(
    tip_id: RowId, body: service.AnswerIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """向举报人反馈（公众凭回执编号可见）。"""
    with transaction(db_session):
        tip = service.answer(db_session=db_session, clock=clock, actor=actor, tip_id=tip_id, data=body)
        return service.as_dict(tip, actor)


@router.post("/{tip_id}/close")
def close(
    tip_id: RowId, body: service.CloseIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """销号并作出奖励决定（上限按适用的举报奖励规则）。"""
    with transaction(db_session):
        tip = service.close(db_session=db_session, clock=clock, actor=actor, tip_id=tip_id, data=body)
        return service.as_dict(tip, actor)

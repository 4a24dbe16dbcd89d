"""Tips 举报: intake (public form or an officer for the hotline), accept, verify, answer, close with a reward.

The reporter's name and phone are shown only to the handling officer — the one who accepted the tip — and never
written to the audit log or the hazard the tip becomes (seed 002#L272 notes: 举报人身份保密). A substantiated tip
becomes a hazard through the hazards service (channel 群众举报查实).
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock
from yingji.core.divisions import CODE_PATTERN
from yingji.core.errors import Forbidden, InvalidInput, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.hazards import service as hazards
from yingji.hazards.models import Channel
from yingji.hazards.schema import ConfirmIn, HazardIn
from yingji.registry.models import Division, Organisation
from yingji.rules.tips import TipAction, TipState, check_reward, tip_transition
from yingji.tips import policy
from yingji.tips.models import Tip, TipChannel
from yingji.tips.schema import reward_cap
from yingji.tips.schemas import TipFilters

Short = Annotated[str, Field(min_length=2, max_length=200)]
Long = Annotated[str, Field(min_length=5, max_length=4000)]
Name = Annotated[str, Field(max_length=40)]
PhoneText = Annotated[str, Field(pattern=r"^[0-9+\-（）() 转]{5,40}$")]


class TipIn(YingjiModel):
    """举报：被举报单位或场所、事实；举报人可匿名（姓名、电话可不填）。"""

    division_code: Annotated[str, Field(pattern=CODE_PATTERN)]
    subject: Short
    description: Long
    reporter_name: Name | None = None
    reporter_phone: PhoneText | None = None


class OfficerTipIn(TipIn):
    channel: TipChannel = TipChannel.HOTLINE
    organisation_id: RowId | None = None


class VerifyIn(YingjiModel):
    """核查结论；属实且为企业隐患时同时登记隐患（隐患字段）。"""

    substantiated: bool
    verification: Long
    organisation_id: RowId | None = None
    place: Short | None = None
    description: Long | None = None  # the hazard as the handler found it: the tip's own words never leave the tip
    category: Annotated[str, Field(min_length=2, max_length=60)] | None = None
    criteria: Annotated[list[str], Field(max_length=20)] = Field(default_factory=list)
    grade_note: Annotated[str, Field(max_length=2000)] | None = None
    found_on: date | None = None


class AnswerIn(YingjiModel):
    answer: Long


class CloseIn(YingjiModel):
    reward_yuan: Annotated[Decimal, Field(max_digits=12, decimal_places=2)] = Decimal(0)
    reward_note: Annotated[str, Field(max_length=2000)] | None = None


def _audit(db_session: Session, clock: Clock, actor: Actor, tip: Tip, action: str, **detail: Any) -> None:
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=f"tip.{action}",
        target_kind="tip",
        target_key=str(tip.id),
        detail={k: str(v) for k, v in detail.items()} | {"state": tip.state.value},
    )


def _new(db_session: Session, clock: Clock, data: TipIn, channel: TipChannel, state: TipState) -> Tip:
    if db_session.get(Division, data.division_code) is None:
        raise InvalidInput(field="division_code", reason=f"division_code：行政区划代码「{data.division_code}」不存在")
    now = clock.now()
    tip = Tip(
        tracking_code=secrets.token_hex(8),
        channel=channel,
        division_code=data.division_code,
        subject=data.subject,
        description=data.description,
        reporter_name=data.reporter_name or None,
        reporter_phone=data.reporter_phone or None,
        state=state,
        received_at=now,
        updated_at=now,
    )
    db_session.add(tip)
    return tip


def target_key(data: TipIn) -> str:
    """What a tip is about, for the public form's rate limit: its division and subject, spacing and case ignored."""
    return f"{data.division_code}:{''.join(data.subject.split()).casefold()}"


def submit_public(*, db_session: Session, clock: Clock, data: TipIn) -> Tip:
    """The public web form: no account; the receipt code lets the reporter follow the answer."""
    tip = _new(db_session, clock, data, TipChannel.WEB, TipState.RECEIVED)
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor="public",
        action="tip.receive",
        target_kind="tip",
        target_key=str(tip.id),
        detail={"channel": tip.channel.value, "division_code": tip.division_code},
    )
    return tip


def by_tracking_code(*, db_session: Session, tracking_code: str) -> Tip:
    tip = db_session.scalars(select(Tip).where(Tip.tracking_code == tracking_code)).first()
    if tip is None:
        raise NotFound(kind="举报", key=tracking_code)
    return tip


def _check_enterprise(db_session: Session, actor: Actor, organisation_id: int | None) -> None:
    if organisation_id is None:
        return
    org = db_session.get(Organisation, organisation_id)
    if org is None or not actor.covers_division(org.division_code):
        raise InvalidInput(
            field="organisation_id", reason=f"organisation_id：辖区内没有编号为 {organisation_id} 的单位"
        )


def record(*, db_session: Session, clock: Clock, actor: Actor, data: OfficerTipIn) -> Tip:
    """An officer records a tip received by phone, letter or visit; they accept it and become its handler."""
    actor.require(Permission.TIPS_HANDLE)
    actor.require_division(data.division_code)
    _check_enterprise(db_session, actor, data.organisation_id)
    tip = _new(db_session, clock, data, data.channel, TipState.ACCEPTED)
    tip.handler, tip.organisation_id = actor.username, data.organisation_id
    db_session.flush()
    _audit(db_session, clock, actor, tip, "accept", channel=tip.channel.value)
    return tip


def get(*, db_session: Session, actor: Actor, tip_id: int, for_update: bool = False) -> Tip:
    """A tip through the list's own scope filter; others are NotFound."""
    query = select(Tip).where(Tip.id == tip_id, policy.scope(actor))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    tip = db_session.scalars(query).first()
    if tip is None:
        raise NotFound(kind="举报", key=str(tip_id))
    return tip


def _advance(db_session: Session, clock: Clock, actor: Actor, tip_id: int, action: TipAction) -> Tip:
    tip = get(db_session=db_session, actor=actor, tip_id=tip_id, for_update=True)
    if not policy.may_take(actor, tip, action):  # checked on the locked, fresh row
        raise Forbidden(
            subcode=f"tip.{action.value}.not_handler", reason=f"该举报由 {tip.handler} 经办，只有经办人可以办理"
        )
    tip.state = tip_transition(tip.state, action)
    tip.updated_at = clock.now()
    return tip


def accept(*, db_session: Session, clock: Clock, actor: Actor, tip_id: int) -> Tip:
    tip = _advance(db_session, clock, actor, tip_id, TipAction.ACCEPT)
    tip.handler = actor.username
    _audit(db_session, clock, actor, tip, "accept")
    return tip


def verify(*, db_session: Session, clock: Clock, actor: Actor, tip_id: int, data: VerifyIn) -> Tip:
    """核查: a substantiated tip about an enterprise becomes a confirmed hazard in the same transaction."""
    tip = _advance(db_session, clock, actor, tip_id, TipAction.VERIFY)
    tip.substantiated, tip.verification = data.substantiated, data.verification
    organisation_id = data.organisation_id or tip.organisation_id
    if data.substantiated and organisation_id is not None:
        _check_enterprise(db_session, actor, organisation_id)
        missing = [f for f in ("place", "description", "category", "found_on") if getattr(data, f) is None]
        if missing:
            raise InvalidInput(
                field=missing[0], reason=f"{missing[0]}：举报属实须登记隐患的地点、核查所见情况、类别、发现日期"
            )
        assert data.place and data.description and data.category and data.found_on
        hazard = hazards.report(
            db_session=db_session,
            clock=clock,
            actor=actor,
            channel=Channel.TIP,
            data=HazardIn(
                channel=Channel.INSPECTION,  # the body's own channel is overridden by Channel.TIP
                organisation_id=organisation_id,
                place=data.place,
                description=data.description,
                category=data.category,
                criteria=data.criteria,
                grade_note=data.grade_note,
                found_on=data.found_on,
            ),
        )
        hazards.confirm(
            db_session=db_session,
            clock=clock,
            actor=actor,
            hazard_id=hazard.id,
            data=ConfirmIn(note=f"举报（编号 {tip.id}）核查属实"),
        )
        tip.hazard_id, tip.organisation_id = hazard.id, organisation_id
    _audit(db_session, clock, actor, tip, "verify", substantiated=data.substantiated, hazard_id=tip.hazard_id)
    return tip


def answer(*, db_session: Session, clock: Clock, actor: Actor, tip_id: int, data: AnswerIn) -> Tip:
    tip = _advance(db_session, clock, actor, tip_id, TipAction.ANSWER)
    tip.answer = data.answer
    _audit(db_session, clock, actor, tip, "answer")
    return tip


def close(*, db_session: Session, clock: Clock, actor: Actor, tip_id: int, data: CloseIn) -> Tip:
    tip = get(db_session=db_session, actor=actor, tip_id=tip_id, for_update=True)
    cap, basis = reward_cap(tip.division_code)
    if data.reward_yuan > 0 and not basis:
        raise InvalidInput(field="reward_yuan", reason="该区划未配置举报奖励规则，不能作出奖励决定")
    check_reward(data.reward_yuan, substantiated=bool(tip.substantiated), cap=cap, basis=basis)
    if data.reward_yuan > 0 and not (data.reward_note or "").strip():
        raise InvalidInput(field="reward_note", reason="reward_note：奖励须写明依据（适用的举报奖励办法条款）")
    tip = _advance(db_session, clock, actor, tip_id, TipAction.CLOSE)
    tip.reward_yuan, tip.reward_note, tip.closed_at = data.reward_yuan, data.reward_note, clock.now()
    _audit(db_session, clock, actor, tip, "close", reward_yuan=data.reward_yuan)
    return tip


def list_(
    *, db_session: Session, actor: Actor, params: PageParams, filters: TipFilters | None = None
) -> tuple[list[Tip], int]:
    """One page of the tips in scope, newest first, with the total."""
    query = select(Tip).where(policy.scope(actor), *(filters.clauses() if filters else ()))
    return paginate(db_session, query, params, order_by=[Tip.id.desc()])

"""Tip read models: division and enterprise names per page; the reporter shown only to the handler."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core import xlsx
from yingji.registry import divisions
from yingji.registry.models import Organisation
from yingji.tips import policy
from yingji.tips.models import Tip
from yingji.tips.schema import reward_cap
from yingji.tips.schemas import TipPublicStatus, TipRead, TipReceipt

MASK = "（保密）"


def read_all(db_session: Session, actor: Actor, tips: Sequence[Tip]) -> list[TipRead]:
    places = divisions.names(db_session, (t.division_code for t in tips))
    org_ids = {t.organisation_id for t in tips if t.organisation_id is not None}
    query = select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
    orgs = {i: name for i, name in db_session.execute(query)} if org_ids else {}
    rows = []
    for tip in tips:
        own = policy.is_handler(actor, tip)
        anonymous = tip.reporter_name is None and tip.reporter_phone is None
        hidden = None if anonymous else MASK
        cap, basis = reward_cap(tip.division_code)
        rows.append(
            TipRead(
                id=tip.id,
                channel=tip.channel,
                channel_label=tip.channel.label,
                division_code=tip.division_code,
                division_name=places.get(tip.division_code, tip.division_code),
                organisation_id=tip.organisation_id,
                organisation_name=orgs.get(tip.organisation_id) if tip.organisation_id is not None else None,
                subject=tip.subject,
                description=tip.description,
                reporter_name=tip.reporter_name if own else hidden,
                reporter_phone=tip.reporter_phone if own else hidden,
                anonymous=anonymous,
                state=tip.state,
                state_label=tip.state.label,
                handler=tip.handler,
                substantiated=tip.substantiated,
                verification=tip.verification,
                hazard_id=tip.hazard_id,
                answer=tip.answer,
                reward_yuan=f"{tip.reward_yuan:.2f}" if tip.reward_yuan is not None else None,
                reward_note=tip.reward_note,
                reward_cap_yuan=f"{cap:.2f}" if cap is not None else None,
                reward_basis=[b.clause for b in basis],
                received_at=tip.received_at,
                closed_at=tip.closed_at,
                allowed_actions=policy.actions(actor, tip),
            )
        )
    return rows


def read(db_session: Session, actor: Actor, tip: Tip) -> TipRead:
    return read_all(db_session, actor, [tip])[0]


def receipt(tip: Tip) -> TipReceipt:
    return TipReceipt(tracking_code=tip.tracking_code, state=tip.state, state_label=tip.state.label)


def public_status(tip: Tip) -> TipPublicStatus:
    return TipPublicStatus(state=tip.state, state_label=tip.state.label, received_at=tip.received_at, answer=tip.answer)


def workbook(rows: Sequence[TipRead], today: date) -> bytes:
    """The list as a spreadsheet: words, not codes; the reporter exactly as this caller sees it (masked unless
    they handle the tip)."""
    header = [
        "编号",
        "收到时间",
        "渠道",
        "区划",
        "被举报单位或场所",
        "举报内容",
        "举报人",
        "联系电话",
        "状态",
        "经办人",
    ]
    header += ["核查属实", "反馈", "奖励（元）", "销号时间"]
    body = [
        [
            t.id,
            t.received_at,
            t.channel_label,
            t.division_name,
            t.organisation_name or t.subject,
            t.description,
            "匿名" if t.anonymous else t.reporter_name,
            "" if t.anonymous else t.reporter_phone,
            t.state_label,
            t.handler or "",
            "" if t.substantiated is None else ("属实" if t.substantiated else "不属实"),
            t.answer or "",
            t.reward_yuan or "",
            t.closed_at,
        ]
        for t in rows
    ]
    return xlsx.workbook([(f"举报（{today.isoformat()}）", header, body)])

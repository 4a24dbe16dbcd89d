"""Tip read models: division and enterprise names per page; the reporter shown only to the handler."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.registry import divisions
from yingji.registry.models import Organisation
from yingji.tips import policy
from yingji.tips.models import Tip
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

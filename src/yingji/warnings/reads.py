"""Warning read models: colours, statuses and areas in words, and the caller's allowed actions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.plans import loader
from yingji.plans.schema import WarningLevelSpec
from yingji.registry import divisions
from yingji.rules.levels import WarningLevel
from yingji.warnings import policy, service
from yingji.warnings.models import EarlyWarning
from yingji.warnings.schemas import (
    AreaRead,
    DeliveryRead,
    MessageRead,
    WarningDetail,
    WarningRead,
    WarningTaskRead,
)


def _spec(warning: EarlyWarning) -> WarningLevelSpec | None:
    plan = loader.all_plans().get(warning.plan_id)
    if plan is None or plan.warning is None:
        return None
    return next((s for s in plan.warning.levels if s.level == warning.level), None)


def read_all(db_session: Session, actor: Actor, warnings: Sequence[EarlyWarning]) -> list[WarningRead]:
    """Read models for a page of warnings, with one query for all their area names."""
    names = divisions.names(db_session, (c for w in warnings for c in w.division_codes))
    return [
        WarningRead(
            id=w.id,
            kind=w.kind,
            kind_label=w.kind.label,
            plan_id=w.plan_id,
            plan_title=loader.get(w.plan_id).metadata.title,
            hazard=w.hazard,
            category=w.category,
            level=w.level,
            colour=WarningLevel(w.level).label,
            status=w.status,
            status_label=w.status.label,
            title=w.title,
            division_codes=list(w.division_codes),
            areas=[AreaRead(code=c, name=names.get(c, c)) for c in w.division_codes],
            fields=dict(w.fields),
            is_exercise=w.is_exercise,
            issuer_body=w.issuer_body,
            issued_at=w.issued_at,
            lifted_at=w.lifted_at,
            expires_at=w.expires_at,
            source=w.source,
            allowed_actions=policy.actions(actor, _spec(w), w),
        )
        for w in warnings
    ]


def read(db_session: Session, actor: Actor, warning: EarlyWarning) -> WarningRead:
    return read_all(db_session, actor, [warning])[0]


def detail(db_session: Session, actor: Actor, warning: EarlyWarning) -> WarningDetail:
    """One warning with its messages and tasks; deliveries (recipients' addresses) for the issuing side only."""
    deliveries = service.deliveries(db_session=db_session, warning=warning) if policy.may_manage(actor) else []
    return WarningDetail(
        **read(db_session, actor, warning).model_dump(),
        messages=[
            MessageRead(
                msg_type=m.msg_type,
                identifier=m.identifier,
                sent=m.sent,
                level=m.level,
                references=m.references,
                reason=m.reason,
            )
            for m in service.messages(db_session=db_session, warning=warning)
        ],
        tasks=[
            WarningTaskRead(id=t.id, level=t.level, owner_unit=t.owner_unit, title=t.title, done=t.done)
            for t in service.tasks(db_session=db_session, warning=warning)
        ],
        deliveries=[
            DeliveryRead(
                id=d.id,
                key=d.key,
                channel=d.channel,
                recipient=d.recipient,
                status=d.status.value,
                attempts=d.attempts,
                last_error=d.last_error,
            )
            for d in deliveries
        ],
    )

"""check_clocks(): flag every statutory obligation that has passed its due time unmet (迟报), once, with a timeline
event. Run by the scheduler in `yingji serve` and by `yingji worker`; clocks live in the database, so a restart loses
nothing — the first check after it flags whatever fell due meanwhile.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core.clock import Clock
from yingji.incidents import alerts, timeline
from yingji.incidents.enums import ObligationKind
from yingji.incidents.models import Incident, Obligation

logger = logging.getLogger(__name__)

LATE_KINDS = (ObligationKind.REPORT, ObligationKind.EVALUATION_REPORT, ObligationKind.CHANGE_REPORT)


def check_clocks(*, db_session: Session, clock: Clock) -> int:
    """Flag newly overdue obligations; returns how many were flagged."""
    now = clock.now()
    query = (
        select(Obligation)
        .where(
            Obligation.kind.in_(LATE_KINDS),
            Obligation.due_at.is_not(None),
            Obligation.due_at < now,
            Obligation.acknowledged_at.is_(None),
            Obligation.withdrawn_at.is_(None),
            Obligation.overdue_flagged_at.is_(None),
        )
        .order_by(Obligation.due_at)
        .with_for_update(skip_locked=True)
    )
    flagged = 0
    for obligation in db_session.scalars(query):
        obligation.overdue_flagged_at = now
        incident = db_session.get_one(Incident, obligation.incident_id)
        timeline.record_event(
            db_session=db_session,
            clock=clock,
            incident=incident,
            actor="system",
            kind="obligation.overdue",
            summary=f"迟报：{obligation.from_body}→{obligation.to_body or '（预案未规定报送对象）'} 已超过时限",
            data={
                "obligation_id": obligation.id,
                "due_at": obligation.due_at.isoformat() if obligation.due_at else None,
            },
        )
        alerts.overdue(db_session, now, incident, obligation)
        flagged += 1
    db_session.flush()
    return flagged

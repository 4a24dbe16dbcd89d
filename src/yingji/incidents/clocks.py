"""check_clocks(): flag every statutory obligation that has passed its due time unmet (迟报), once, with a timeline
event. Run by the scheduler in `yingji serve` and by `yingji worker`; clocks live in the database, so a restart loses
nothing — the first check after it flags whatever fell due meanwhile.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from yingji.core.clock import Clock
from yingji.db.session import transaction
from yingji.incidents import timeline
from yingji.incidents.enums import ObligationKind
from yingji.incidents.models import Incident, Obligation

logger = logging.getLogger(__name__)

LATE_KINDS = (ObligationKind.REPORT, ObligationKind.EVALUATION_REPORT)


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
            summary=f"迟报：{obligation.from_body}→{obligation.to_body} 已超过时限",
            data={
                "obligation_id": obligation.id,
                "due_at": obligation.due_at.isoformat() if obligation.due_at else None,
            },
        )
        flagged += 1
    db_session.flush()
    return flagged


class ClockWorker:
    """A daemon thread that checks the clocks every ``interval`` seconds until stopped."""

    def __init__(self, makers: sessionmaker[Session], clock: Clock, interval: float = 30.0) -> None:
        self._makers, self._clock, self._interval = makers, clock, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="yingji-clocks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._interval + 5)

    def run_once(self) -> int:
        with self._makers() as db_session, transaction(db_session):
            return check_clocks(db_session=db_session, clock=self._clock)

    def run_forever(self) -> None:
        """Check until stopped, surviving a failed check (e.g. the database restarting)."""
        self._run()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                flagged = self.run_once()
                if flagged:
                    logger.info("flagged %s overdue obligations", flagged)
            except Exception:
                logger.exception("clock check failed")
            self._stop.wait(self._interval)

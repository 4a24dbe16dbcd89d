"""Monitoring duties on the polling clock: no-data detection, shelving expiry, escalation, reading retention."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from yingji.config import READING_RETENTION_DAYS
from yingji.core.clock import Clock, to_ms
from yingji.db.session import transaction
from yingji.monitoring import alarm_store, alarms, readings
from yingji.monitoring.engine import MonitoringEngine


@dataclass(frozen=True)
class RoundResult:
    offline: int
    unshelved: int
    escalated: int
    pruned: int


def run_round(
    *, db_session: Session, clock: Clock, engine: MonitoringEngine, retention_days: int = READING_RETENTION_DAYS
) -> RoundResult:
    """One round, in one transaction; the engine's offline flags are taken back if the commit fails."""
    now = clock.now()
    with engine.locked():
        engine.ensure_current(db_session, to_ms(now))
        with engine.offline_flags_restored_on_failure(to_ms(now)) as changes, transaction(db_session):
            alarm_store.apply_changes(db_session, changes)
            unshelved = alarms.expire_shelving(db_session=db_session, clock=clock)
            escalated = alarms.escalate_due(db_session=db_session, clock=clock)
            held = engine.minutes.flush(db_session, now_ms=to_ms(now))
            pruned = readings.prune(db_session, now=now, retention_days=retention_days)
        engine.minutes.adopt(held)
    return RoundResult(len(changes), unshelved, escalated, pruned)


def cluster_round(*, db_session: Session, clock: Clock, retention_days: int = READING_RETENTION_DAYS) -> RoundResult:
    """The duties an edge keeps in the cluster mode (the no-data check and minute closing run in the workers, on
    stream time): shelving expiry, escalation and retention, in one transaction."""
    now = clock.now()
    with transaction(db_session):
        unshelved = alarms.expire_shelving(db_session=db_session, clock=clock)
        escalated = alarms.escalate_due(db_session=db_session, clock=clock)
        pruned = readings.prune(db_session, now=now, retention_days=retention_days)
    return RoundResult(0, unshelved, escalated, pruned)

"""The background worker: report clocks (迟报), the hazard overdue ladder, monitoring duties and outbox deliveries
(`serve`, `yingji worker`)."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from yingji.audit import anchor
from yingji.auth.actor import SYSTEM
from yingji.config import READING_RETENTION_DAYS
from yingji.core.clock import Clock
from yingji.db.session import transaction
from yingji.duties import service as recurring
from yingji.enforcement.service import propose_recent
from yingji.hazards.service import escalate_overdue
from yingji.incidents.alerts import remind_due
from yingji.incidents.clocks import check_clocks
from yingji.monitoring.cluster.edge import EdgeRunner
from yingji.monitoring.engine import MonitoringEngine
from yingji.monitoring.networking import service as networking_service
from yingji.monitoring.service import cluster_round, run_round
from yingji.notify.worker import deliver_due
from yingji.property import complaints, duties, targets

logger = logging.getLogger(__name__)
TARGETS_EVERY = timedelta(minutes=10)


class Worker:
    """Runs every ``interval`` seconds in a daemon thread until stopped; a failed round is logged and retried."""

    def __init__(
        self,
        makers: sessionmaker[Session],
        clock: Clock,
        interval: float = 30.0,
        monitor: MonitoringEngine | None = None,
        retention_days: int = READING_RETENTION_DAYS,
        audit_checkpoint: Path | None = None,
        networking: networking_service.Inputs | None = None,
        cluster: bool = False,
        edge: EdgeRunner | None = None,
    ) -> None:
        self._makers, self._clock, self._interval = makers, clock, interval
        self._cluster = cluster  # serve --role edge: the engine's duties are the cluster workers'; the rest run here
        self._edge = edge  # and the networking drop folder's readings are published to the stream through it
        self._audit_checkpoint = audit_checkpoint  # also catches entries committed by other processes
        self._retention_days = retention_days
        self._monitor = monitor  # the engine the server ingests with; its round runs only while this process owns it
        self._targets_at: datetime | None = None
        self._duties_at: datetime | None = None
        self._networking = networking or networking_service.Inputs()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run_forever, name="yingji-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._interval + 5)

    def run_once(self) -> tuple[int, int, int]:
        """Return (obligations flagged late, deliveries sent, deliveries failed)."""
        with self._makers() as db_session, transaction(db_session):
            flagged = check_clocks(db_session=db_session, clock=self._clock)
        with self._makers() as db_session, transaction(db_session):
            remind_due(db_session, self._clock)
        with self._makers() as db_session, transaction(db_session):
            escalated = escalate_overdue(db_session=db_session, clock=self._clock, actor=SYSTEM)
        if escalated:
            logger.info("hazard ladder: %s rung(s) taken", len(escalated))
        if self._monitor is not None and self._monitor.owns():  # the no-data check needs the owner's engine state
            with self._makers() as db_session:
                result = run_round(
                    db_session=db_session, clock=self._clock, engine=self._monitor, retention_days=self._retention_days
                )
            if result.offline or result.escalated:
                logger.info("monitoring round %s", result)
            self._networking_round()
        elif self._cluster:
            with self._makers() as db_session:
                result = cluster_round(db_session=db_session, clock=self._clock, retention_days=self._retention_days)
            if result.escalated:
                logger.info("monitoring round (cluster edge) %s", result)
            if self._edge is not None:
                self._networking_round()
        sent, failed = deliver_due(makers=self._makers, clock=self._clock)
        try:  # after the emergency duties, and never in their way
            self._property_round()
        except Exception:
            logger.exception("property round failed")
        try:
            self._duties_round()
        except Exception:
            logger.exception("recurring duties round failed")
        if self._audit_checkpoint is not None:
            try:
                anchor.write_head(self._makers, self._audit_checkpoint)
            except Exception:
                logger.exception("audit checkpoint failed")
        return flagged, sent, failed

    def _networking_round(self) -> None:
        """Mine networking files from the drop folder into the owner's engine (on a cluster edge: to the stream),
        then the stopped-feed check."""
        assert self._monitor is not None
        try:
            taken = networking_service.poll_drop(
                makers=self._makers, clock=self._clock, engine=self._monitor, inputs=self._networking, edge=self._edge
            )
            if taken:
                logger.info("networking files taken: %s", len(taken))
            with self._makers() as db_session:
                stopped = networking_service.check_feeds(
                    db_session=db_session, clock=self._clock, cycles=self._networking.stale_cycles
                )
            if stopped:
                logger.info("networking feeds stopped or graded up: %s", stopped)
        except Exception:
            logger.exception("networking round failed")

    def _property_round(self) -> None:
        """Complaint clocks every round; every 10 minutes this quarter's street duties, the computed targets and the
        180-day accident rule's proposals."""
        with self._makers() as db_session, transaction(db_session):
            changes = complaints.sweep(db_session=db_session, clock=self._clock)
        if changes:
            logger.info("property complaints: %s", changes)
        now = self._clock.now()
        if self._targets_at is not None and now - self._targets_at < TARGETS_EVERY:
            return
        with self._makers() as db_session, transaction(db_session):
            duties.ensure(db_session=db_session, clock=self._clock)
            targets.sync(db_session=db_session, clock=self._clock, actor=SYSTEM)
        with self._makers() as db_session, transaction(db_session):  # the 180-day rule (004#L5955-L5959)
            suspensions = propose_recent(db_session=db_session, clock=self._clock)
        if suspensions:
            logger.info("180-day rule: %s suspension(s) proposed", len(suspensions))
        self._targets_at = now

    def _duties_round(self) -> None:
        """This period's instances of the recurring duties every 10 minutes; reminders and overdue notices every
        round (each goes out once)."""
        now = self._clock.now()
        if self._duties_at is None or now - self._duties_at >= TARGETS_EVERY:
            with self._makers() as db_session, transaction(db_session):
                recurring.generate(db_session=db_session, clock=self._clock)
            self._duties_at = now
        with self._makers() as db_session, transaction(db_session):
            reminded, noticed = recurring.sweep(db_session=db_session, clock=self._clock)
        if reminded or noticed:
            logger.info("recurring duties: %s reminder(s), %s overdue notice(s)", reminded, noticed)

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                flagged, sent, failed = self.run_once()
                if flagged or sent or failed:
                    logger.info("worker round flagged=%s sent=%s failed=%s", flagged, sent, failed)
            except Exception:
                logger.exception("worker round failed")
            self._stop.wait(self._interval)

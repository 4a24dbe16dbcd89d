"""The outbox on a real SQLite file: queued in the issuing transaction, delivered with retries and back-off, a crash
between claim and record retried after the lease, and never two files for one recipient.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from yingji.core.clock import FixedClock
from yingji.db import migrate, outbox
from yingji.db.outbox import DeliveryStatus, OutboxItem
from yingji.db.session import make_engine, make_sessionmaker, transaction
from yingji.notify.channels import DeliveryError, file_drop
from yingji.notify.worker import deliver_due


@pytest.fixture
def database(tmp_path: Path) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    migrate.upgrade(engine)
    return engine, make_sessionmaker(engine)


def queue(makers: sessionmaker[Session], clock: FixedClock, folder: Path, key: str = "150206000000000_1") -> None:
    with makers() as db_session, transaction(db_session):
        for _ in range(2):  # queuing twice is a no-op
            outbox.enqueue(
                db_session=db_session,
                now=clock.now(),
                topic="warning",
                key=key,
                channel="file",
                recipient=str(folder),
                payload={"cap_xml": "<alert/>"},
            )


def items(makers: sessionmaker[Session]) -> list[OutboxItem]:
    with makers() as db_session:
        return list(db_session.scalars(select(OutboxItem).order_by(OutboxItem.id)))


def test_delivered_once(database: tuple[Engine, sessionmaker[Session]], tmp_path: Path) -> None:
    _engine, makers = database
    clock = FixedClock(factories.CLOCK.now())
    queue(makers, clock, tmp_path / "drop")
    assert deliver_due(makers=makers, clock=clock) == (1, 0)
    assert deliver_due(makers=makers, clock=clock) == (0, 0)
    (row,) = items(makers)
    assert row.status is DeliveryStatus.SENT and row.attempts == 1
    assert [p.name for p in (tmp_path / "drop").iterdir()] == ["150206000000000_1.xml"]


def test_failures_back_off_then_succeed(database: tuple[Engine, sessionmaker[Session]], tmp_path: Path) -> None:
    _engine, makers = database
    clock = FixedClock(factories.CLOCK.now())
    queue(makers, clock, tmp_path / "drop")
    calls: list[int] = []

    def flaky(item: OutboxItem) -> None:
        calls.append(item.id)
        if len(calls) < 3:
            raise DeliveryError("gateway down")
        file_drop(item)

    assert deliver_due(makers=makers, clock=clock, adapters={"file": flaky}) == (0, 1)
    assert deliver_due(makers=makers, clock=clock, adapters={"file": flaky}) == (0, 0)  # backing off: not due yet
    clock.advance(seconds=30)
    assert deliver_due(makers=makers, clock=clock, adapters={"file": flaky}) == (0, 1)
    clock.advance(seconds=59)
    assert deliver_due(makers=makers, clock=clock, adapters={"file": flaky}) == (0, 0)  # second back-off is 60 s
    clock.advance(seconds=1)
    assert deliver_due(makers=makers, clock=clock, adapters={"file": flaky}) == (1, 0)
    (row,) = items(makers)
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.SENT, 3, None)


def test_gives_up_after_the_last_attempt(database: tuple[Engine, sessionmaker[Session]], tmp_path: Path) -> None:
    _engine, makers = database
    clock = FixedClock(factories.CLOCK.now())
    queue(makers, clock, tmp_path / "drop")

    def down(_item: OutboxItem) -> None:
        raise DeliveryError("未配置短信网关")

    for _ in range(outbox.MAX_ATTEMPTS):
        deliver_due(makers=makers, clock=clock, adapters={"file": down})
        clock.advance(hours=1)
    (row,) = items(makers)
    assert row.status is DeliveryStatus.FAILED and row.last_error == "未配置短信网关"


def test_a_crash_after_claiming_is_retried_without_a_duplicate(
    database: tuple[Engine, sessionmaker[Session]], tmp_path: Path
) -> None:
    _engine, makers = database
    clock = FixedClock(factories.CLOCK.now())
    queue(makers, clock, tmp_path / "drop")
    with makers() as db_session, transaction(db_session):  # the worker claims, delivers, then the process dies
        (claimed,) = outbox.claim(db_session=db_session, now=clock.now())
        file_drop(claimed)
    assert deliver_due(makers=makers, clock=clock) == (0, 0)  # still leased to the dead worker
    clock.advance(seconds=outbox.LEASE.total_seconds() + 1)
    assert deliver_due(makers=makers, clock=clock) == (1, 0)
    assert [p.name for p in (tmp_path / "drop").iterdir()] == ["150206000000000_1.xml"]  # overwritten, not doubled
    (row,) = items(makers)
    assert row.attempts == 2


def test_a_rolled_back_issue_queues_nothing(database: tuple[Engine, sessionmaker[Session]], tmp_path: Path) -> None:
    _engine, makers = database
    clock = FixedClock(factories.CLOCK.now())
    with pytest.raises(RuntimeError), makers() as db_session, transaction(db_session):
        outbox.enqueue(
            db_session=db_session,
            now=clock.now(),
            topic="warning",
            key="k",
            channel="file",
            recipient=str(tmp_path),
            payload={},
        )
        raise RuntimeError("the issuing transaction fails after queuing")
    assert items(makers) == []
    assert deliver_due(makers=makers, clock=clock) == (0, 0)

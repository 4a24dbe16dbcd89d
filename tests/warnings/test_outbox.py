"""The outbox on a real SQLite file: queued in the issuing transaction, delivered with retries and back-off, a crash
between claim and record retried after the lease, and never two files for one recipient.
"""

from __future__ import annotations

import threading
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


def test_two_workers_never_claim_the_same_row(database: tuple[Engine, sessionmaker[Session]], tmp_path: Path) -> None:
    """The default deployment runs a worker inside serve and may run `yingji worker` too."""
    _engine, makers = database
    clock = FixedClock(factories.CLOCK.now())
    for n in range(30):
        queue(makers, clock, tmp_path / "drop", key=f"150206000000000_{n:02d}")
    claimed: list[list[int]] = []

    def claimer() -> None:
        for _ in range(5):
            with makers() as db_session, transaction(db_session):
                claimed.append([i.id for i in outbox.claim(db_session=db_session, now=clock.now(), limit=4)])

    threads = [threading.Thread(target=claimer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    ids = [i for batch in claimed for i in batch]
    assert len(ids) == len(set(ids)) == 30


def test_an_unexpected_error_is_recorded_and_the_batch_goes_on(
    database: tuple[Engine, sessionmaker[Session]], tmp_path: Path
) -> None:
    _engine, makers = database
    clock = FixedClock(factories.CLOCK.now())
    queue(makers, clock, tmp_path / "a", key="k1")
    queue(makers, clock, tmp_path / "b", key="k2")

    def picky(item: OutboxItem) -> None:
        if item.key == "k1":
            raise ValueError("header with a line break")
        file_drop(item)

    assert deliver_due(makers=makers, clock=clock, adapters={"file": picky}) == (1, 1)
    first, second = items(makers)
    assert first.status is DeliveryStatus.QUEUED and "ValueError" in (first.last_error or "")
    assert second.status is DeliveryStatus.SENT


def test_receipts_need_the_items_token_and_a_sent_item(
    database: tuple[Engine, sessionmaker[Session]], tmp_path: Path
) -> None:
    _engine, makers = database
    clock = FixedClock(factories.CLOCK.now())
    queue(makers, clock, tmp_path / "drop")
    (row,) = items(makers)
    token = str(row.payload["ack_token"])
    with makers() as db_session, transaction(db_session):
        assert outbox.acknowledge(db_session=db_session, item_id=row.id, token="guess", now=clock.now()) is None
        early = outbox.acknowledge(db_session=db_session, item_id=row.id, token=token, now=clock.now())
        assert early is not None and early.status is DeliveryStatus.QUEUED  # not sent yet: nothing to confirm
    deliver_due(makers=makers, clock=clock)
    with makers() as db_session, transaction(db_session):
        done = outbox.acknowledge(db_session=db_session, item_id=row.id, token=token, now=clock.now())
        assert done is not None and done.status is DeliveryStatus.ACKNOWLEDGED

"""Lease fencing (PostgreSQL) and the partition engine's snapshot: fast, no NATS."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from yingji.monitoring import ingest
from yingji.monitoring.cluster import leases, protocol, scenario
from yingji.monitoring.cluster.edge import EdgeRegistry
from yingji.monitoring.cluster.partition import PartitionEngine


@pytest.fixture
def pg(engine: Engine) -> Iterator[Engine]:
    """The session's PostgreSQL database with fresh lease rows (committed: fencing is about separate sessions)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("leases live in PostgreSQL (the cluster's database)")
    with Session(engine) as db_session, db_session.begin():
        db_session.execute(text("DELETE FROM monitoring_partition_lease"))
        leases.ensure_rows(db_session)
    yield engine
    with Session(engine) as db_session, db_session.begin():
        db_session.execute(text("DELETE FROM monitoring_partition_lease"))
        db_session.execute(text("DELETE FROM monitoring_cluster_worker"))


def _acquire(db: Engine, worker: str, ttl: float, limit: int = 1) -> list[leases.Lease]:
    with Session(db) as db_session, db_session.begin():
        return leases.acquire(db_session, worker, ttl, limit)


def test_acquire_bumps_the_epoch_only_once_expired(pg: Engine) -> None:
    first = _acquire(pg, "a", 0.3)
    assert [(lease.partition, lease.epoch) for lease in first] == [(0, 1)]
    other = _acquire(pg, "b", 30, limit=protocol.PARTITIONS)
    assert 0 not in {lease.partition for lease in other}  # held by a, not expired
    deadline = time.monotonic() + 10
    taken: list[leases.Lease] = []
    while not taken and time.monotonic() < deadline:  # a's 0.3 s lease runs out
        taken = _acquire(pg, "c", 30)
    assert [(lease.partition, lease.epoch) for lease in taken] == [(0, 2)]


def test_a_stale_epoch_cannot_commit_or_renew(pg: Engine) -> None:
    (lease,) = _acquire(pg, "a", 0.2)
    with Session(pg) as db_session, db_session.begin():  # the owner commits under its epoch
        leases.fence(db_session, 0, lease.epoch, 41)
    deadline = time.monotonic() + 10
    taken: list[leases.Lease] = []
    while not taken and time.monotonic() < deadline:  # b holds the never-held ones at once, partition 0 once expired
        taken = [held for held in _acquire(pg, "b", 30, protocol.PARTITIONS) if held.partition == 0]
    assert taken[0].epoch == lease.epoch + 1 and taken[0].committed_seq == 41
    # a, stalled past its lease, wakes up and commits: refused, and nothing of its transaction stays
    db_session = Session(pg)
    with pytest.raises(leases.LeaseLost), db_session.begin():
        db_session.execute(text("INSERT INTO monitoring_cluster_worker VALUES ('stale-write', now(), now())"))
        leases.fence(db_session, 0, lease.epoch, 99)
    db_session.close()
    with Session(pg) as check, check.begin():
        assert leases.renew(check, "a", {0: lease.epoch}, 30) == set()
        assert leases.renew(check, "b", {0: taken[0].epoch}, 30) == {0}
        row = check.execute(text("SELECT committed_seq, owner FROM monitoring_partition_lease WHERE partition = 0"))
        assert tuple(row.one()) == (41, "b")
        stale = check.execute(text("SELECT count(*) FROM monitoring_cluster_worker WHERE name = 'stale-write'"))
        assert stale.scalar_one() == 0
    with Session(pg) as db_session, db_session.begin():  # the new owner commits on
        leases.fence(db_session, 0, taken[0].epoch, 50)


def _records(db_session: Session, cycles: int) -> tuple[int, list[protocol.Record]]:
    """The scenario's records of its first site's partition, as the edge would publish them."""
    start = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    sites = scenario.register(db_session, 1, 30, start - timedelta(minutes=1))
    registry = EdgeRegistry.load(db_session)
    start_ms = int(start.timestamp() * 1000)
    records: list[protocol.Record] = []
    partition = -1
    for cycle in scenario.cycles(sites, cycles, start_ms):
        for enterprise, codes, times, values in cycle.batches:
            index, problems = registry.check(enterprise, ingest.Batch(codes, times, values), start_ms + 3_600_000)
            assert not problems
            partition = int(registry.partition[index[0]])
            body, _ = protocol.pack_readings(registry.point_id[index], times, values, 0)
            records.append(protocol.unpack(body))
        records.append(protocol.unpack(protocol.pack_tick(cycle.at_ms)))
    return partition, records


def _outputs(partition: PartitionEngine, records: list[protocol.Record], db_session: Session) -> list[Any]:
    rows: list[Any] = []
    for record in records:
        out = partition.apply(record, db_session)
        rows.append([(c.point_id, c.rule_id, c.condition, c.before, c.after, c.at, c.value) for c in out.changes])
        rows.append(None if out.minutes is None else {k: v.tolist() for k, v in out.minutes.items()})
    return rows


def test_snapshot_and_replay_decide_as_the_uninterrupted_engine(db_session: Session) -> None:
    """On-delay timers, rate windows, no-data clocks and open minutes survive a snapshot taken mid-stream."""
    number, records = _records(db_session, 24)
    whole = PartitionEngine(number)
    whole.load(db_session)
    first = _outputs(whole, records[:30], db_session)
    saved = whole.snapshot()
    rest = _outputs(whole, records[30:], db_session)
    resumed = PartitionEngine(number)
    resumed.restore(saved, db_session)
    assert _outputs(resumed, records[30:], db_session) == rest
    changes = [row for row in first + rest if isinstance(row, list) for row in row]
    assert {change[2].value for change in changes} >= {"level", "rate", "offline"}
    state, again = whole.layout.state, resumed.layout.state
    assert state is not None and again is not None
    for name, mine, theirs in zip(("arrays",) * 10, state.kernel_arrays(), again.kernel_arrays(), strict=True):
        assert np.array_equal(mine, theirs, equal_nan=True), name
    with pytest.raises(ValueError, match="分区"):
        PartitionEngine(number + 1).restore(saved, db_session)


def test_a_control_record_reloads_the_layout_where_it_stands(db_session: Session) -> None:
    """A point registered meanwhile joins at the control record; the others keep their timers and last values."""
    number, records = _records(db_session, 6)
    engine = PartitionEngine(number)
    engine.load(db_session)
    _outputs(engine, records, db_session)
    state = engine.layout.state
    assert state is not None
    before = {int(p): int(t) for p, t in zip(engine.layout.point_id, state.last_time[engine.layout.first], strict=True)}
    mine_id = db_session.execute(text("SELECT mine_id FROM monitor_point LIMIT 1")).scalar_one()
    enterprise_id = db_session.execute(text("SELECT enterprise_id FROM monitor_point LIMIT 1")).scalar_one()
    db_session.execute(
        text(
            "INSERT INTO monitor_point (code, name, kind, unit, location_class, site_kind, mine_id, enterprise_id,"
            " division_code, clear_margin, polling_s, active, created_at) VALUES ('NEW-1', '新测点', 'CH4', '%',"
            " '采煤工作面', 'mine', :m, :e, '150602', 0, 10, true, :at)"
        ),
        {"m": mine_id, "e": enterprise_id, "at": datetime(2026, 11, 23, 3, 0, tzinfo=UTC)},
    )
    from yingji.core.clock import FixedClock
    from yingji.registry.service import bump_revision

    revision = bump_revision(db_session=db_session, clock=FixedClock(datetime(2026, 11, 23, 3, 5, tzinfo=UTC)))
    engine.apply(protocol.unpack(protocol.pack_control(revision, 0)), db_session)
    assert engine.layout.revision == revision and len(engine.layout.slots) == len(before) + 1
    again = engine.layout.state
    assert again is not None
    kept = {int(p): int(t) for p, t in zip(engine.layout.point_id, again.last_time[engine.layout.first], strict=True)}
    assert {p: kept[p] for p in before} == before


def test_a_worker_started_while_the_database_is_away_waits_for_it_and_still_stops() -> None:
    """The first heartbeat is retried like any lease round (it used to end the process); a stop ends the wait."""
    import asyncio

    from yingji.monitoring.cluster.worker import Options, Worker

    async def scenario_() -> int:
        worker = Worker(Options(nats_urls=[], database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", lease_s=0.3))
        attempts = 0
        original = worker._heartbeat_only

        def counted() -> None:
            nonlocal attempts
            attempts += 1
            original()

        worker._heartbeat_only = counted  # type: ignore[method-assign]
        task = asyncio.create_task(worker.lease_loop())
        deadline = time.monotonic() + 30
        while attempts < 3 and time.monotonic() < deadline and not task.done():
            await asyncio.sleep(0.05)
        worker.stopping.set()
        await asyncio.wait_for(task, 30)  # returns, not raises: nothing was held
        return attempts

    assert asyncio.run(scenario_()) >= 3

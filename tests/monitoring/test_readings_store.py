"""The readings store writes each minute once, when closed: same rows as the per-batch merge, late readings merged,
open minutes surviving a restart, day partitions on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.monitoring.conftest import CORNER, START_MS, Site
from yingji.core.paging import PageParams
from yingji.monitoring import readings
from yingji.monitoring.engine import MonitoringEngine
from yingji.monitoring.models import ReadingBlock, ReadingLatest, ReadingPending

M0 = START_MS  # 03:00:00, a minute boundary
S = 1000


def stream(a: int, b: int) -> list[tuple[list[int], list[int], list[float]]]:
    """Three batches: minute m0 split over two batches, a batch straddling m0/m1, then a late reading of m0."""
    return [
        ([a, a, b], [M0 + 5 * S, M0 + 15 * S, M0 + 20 * S], [1.0, 2.5, 0.25]),
        ([b, a, a], [M0 + 65 * S, M0 + 50 * S, M0 + 70 * S], [0.5, 1.5, 3.0]),
        ([a], [M0 + 30 * S], [7.0]),  # late: m0 was written before it came
    ]


def arrays(batch: tuple[list[int], list[int], list[float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.array(batch[0], np.int64), np.array(batch[1], np.int64), np.array(batch[2], np.float64)


def minute_rows(db_session: Session) -> list[tuple[object, ...]]:
    """Every stored minute decoded from its block, one row per point and minute, by point and minute."""
    stored = readings.minutes(db_session)
    return list(zip(*(stored[name].tolist() for name in readings.COLUMNS), strict=True))


def two_points(site: Site) -> tuple[int, int]:
    return site.point(CORNER)["id"], site.point(CORNER | {"code": "CH4-02", "name": "回风巷甲烷"})["id"]


def reference(db_session: Session, a: int, b: int) -> list[tuple[object, ...]]:
    """The former path: every batch's summary merged on arrival."""
    for batch in stream(a, b):
        readings.store(db_session, readings.summarise(*arrays(batch)))
    rows = minute_rows(db_session)
    db_session.query(ReadingBlock).delete()
    db_session.query(ReadingLatest).delete()
    return rows


def test_minutes_written_at_close_equal_the_per_batch_merge(site: Site, db_session: Session) -> None:
    a, b = two_points(site)
    expected = reference(db_session, a, b)
    assert [r[2] for r in expected] == [4, 1, 1, 1]  # a·m0 (four, one late), a·m1, b·m0, b·m1
    buffer = readings.MinuteBuffer()
    nows = [M0 + 25 * S, M0 + 75 * S, M0 + 80 * S]  # m0 closes at m0 + 70 s (60 s + grace)
    for batch, now in zip(stream(a, b), nows, strict=True):
        buffer.adopt(buffer.add(db_session, *arrays(batch), now_ms=now))
        if now == nows[0]:
            assert minute_rows(db_session) == []  # nothing written while the minute is open
    assert {r[1] for r in minute_rows(db_session)} == {M0 // readings.MINUTE_MS}  # m0 written, m1 still open
    assert buffer.readings_held() == 2  # the straddling batch's m1 part, re-journalled
    buffer.adopt(buffer.flush(db_session, now_ms=M0 + 200 * S))
    assert minute_rows(db_session) == expected
    assert buffer.held == [] and db_session.scalar(select(func.count()).select_from(ReadingPending)) == 0


def test_open_minutes_survive_a_restart(site: Site, db_session: Session) -> None:
    a, b = two_points(site)
    expected = reference(db_session, a, b)
    buffer = readings.MinuteBuffer()
    first, second, late = stream(a, b)
    buffer.adopt(buffer.add(db_session, *arrays(first), now_ms=M0 + 25 * S))
    buffer.adopt(buffer.add(db_session, *arrays(second), now_ms=M0 + 55 * S))
    db_session.flush()
    del buffer  # the process dies: only the pending rows remain
    restarted = MonitoringEngine()
    layout = restarted.ensure_current(db_session, M0 + 56 * S)
    assert restarted.minutes.readings_held() == 6
    assert layout.state is not None
    slot = next(s for s in layout.slots if s.point_id == a)
    assert layout.state.last_time[slot.first] == M0 + 70 * S  # the engine's clock for the point comes back too
    assert layout.state.last_value[slot.first] == 3.0
    # the open minutes, as the console reads them before any is written
    since = datetime.fromtimestamp(M0 / 1000, tz=UTC)
    rows, total = readings.series(db_session, a, since, since + timedelta(minutes=5), PageParams(limit=10, offset=0))
    assert total == 2 and [r.n for r in rows] == [3, 1]
    minutes = restarted.minutes
    minutes.adopt(minutes.add(db_session, *arrays(late), now_ms=M0 + 80 * S))
    minutes.adopt(minutes.flush(db_session, now_ms=M0 + 200 * S))
    assert minute_rows(db_session) == expected


def test_postgresql_days_are_partitions_and_retention_drops_them(site: Site, db_session: Session) -> None:
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("day partitions are PostgreSQL's; SQLite deletes by minute")
    a, _ = two_points(site)
    day = M0 // readings.MINUTE_MS // readings.DAY_MINUTES
    buffer = readings.MinuteBuffer()
    times = np.array([M0, M0 + 86_400_000, M0 + 2 * 86_400_000], np.int64)
    buffer.adopt(buffer.add(db_session, np.full(3, a, np.int64), times, np.ones(3), now_ms=M0 + 3 * 86_400_000))
    assert [d for d in readings.partition_days(db_session) if d >= day] == [day, day + 1, day + 2]
    now = datetime.fromtimestamp((day + 3) * 86_400, tz=UTC) + timedelta(hours=1)
    assert readings.prune(db_session, now=now, retention_days=1) == 2  # days d and d+1 wholly older than a day
    assert [d for d in readings.partition_days(db_session) if d >= day] == [day + 2]
    assert [r[1] for r in minute_rows(db_session)] == [int(times[2]) // readings.MINUTE_MS]


def test_a_series_reads_its_point_from_full_and_partial_blocks(db_session: Session) -> None:
    """A full block is read by the point's offset only; a partial one whole; both give the point's own minutes."""
    base = 10_000 * readings.BLOCK  # a block of its own
    minute0 = M0 // readings.MINUTE_MS
    full = np.arange(base, base + readings.BLOCK, dtype=np.int64)
    point = np.r_[full, full[::3]]  # minute m0: every point; m0 + 1: every third
    minute = np.r_[np.full(full.size, minute0), np.full(full[::3].size, minute0 + 1)]
    n = point - base + 1
    columns = {
        "point_id": point,
        "minute": minute,
        "n": n,
        "vmin": -n / 2,
        "vmax": n * 2.0,
        "vsum": n * 1.5,
        "last_ms": minute * readings.MINUTE_MS + n * 100,
        "last_value": n / 4,
    }
    readings.merge(db_session, columns)
    since = datetime.fromtimestamp(M0 / 1000, tz=UTC)
    for wanted in (base + 3, base + 64, base + 127):
        rows, total = readings.series(
            db_session, wanted, since, since + timedelta(minutes=5), PageParams(limit=50, offset=0)
        )
        k = wanted - base + 1
        assert total == (2 if (wanted - base) % 3 == 0 else 1)
        first = rows[0]
        assert (first.point_id, first.minute, first.n, first.vmin, first.vmax, first.last_value) == (
            wanted,
            minute0,
            k,
            -k / 2,
            k * 2.0,
            k / 4,
        )
        assert rows[-1].last_ms == rows[-1].minute * readings.MINUTE_MS + k * 100
    newest = readings.latest(db_session, np.array([base + 3, base + 4], np.int64))
    assert newest["last_ms"].tolist() == [(minute0 + 1) * readings.MINUTE_MS + 400, minute0 * readings.MINUTE_MS + 500]

"""Stored readings: per point and minute, min / max / mean / count and the last value, with a retention period.

Raw readings at every polling cycle would be ~2 900 rows per point per day; the minute summary keeps trends and
extremes for the console and the record while the alarm history keeps every transition at full resolution.

Minutes are written once, when closed (docs/decisions.md "Readings: minutes written once, when closed"): each
accepted batch is appended in its own commit as one packed row of ``reading_pending`` and held in memory by the
engine's ``MinuteBuffer``; when a minute closes its readings are folded into minute rows in bulk (one executemany on
SQLite, COPY into a staging table and one merge on PostgreSQL) and the pending rows go in the same commit. Late
readings of a minute already written are merged into its row. On PostgreSQL ``reading_minute`` is partitioned by day
and retention drops whole days.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import numba
import numpy as np
import psycopg
from numpy.typing import NDArray
from sqlalchemy import Connection, Table, delete, insert, select, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from yingji.core.clock import to_ms
from yingji.core.paging import PageParams, paginate
from yingji.monitoring.models import ReadingMinute, ReadingPending

MINUTE_MS = 60_000
DAY_MINUTES = 1440
GRACE_MS = 10_000  # a minute closes this long after its end: readings of the same cycle still in flight join it
PARTITION_LOCK = 0x59494E474A4902  # advisory lock key while a day partition is created
COLUMNS = ("point_id", "minute", "n", "vmin", "vmax", "vsum", "last_ms", "last_value")
Columns = dict[str, NDArray[Any]]


def summarise_columns(point_id: NDArray[np.int64], time_ms: NDArray[np.int64], value: NDArray[np.float64]) -> Columns:
    """One row per (point, minute), as columns ordered by point and minute. Point ids are dense (a batch's points
    are one enterprise's, registered together), so the readings are folded in one compiled pass into a table indexed
    by (point − lowest, minute − earliest), no sort; ids spread too thinly for that take the sorted reductions."""
    if not point_id.size:
        return {name: np.zeros(0) for name in COLUMNS}
    minute = time_ms // MINUTE_MS
    low_point, low_minute = int(point_id.min()), int(minute.min())
    span = int(minute.max()) - low_minute + 1
    cells = (int(point_id.max()) - low_point + 1) * span
    if cells > 4 * point_id.size + 65_536:
        return _summarise_sorted(point_id, minute, time_ms, value)
    n = np.zeros(cells, np.int64)
    vmin, vmax, vsum, last_value = (np.empty(cells, np.float64) for _ in range(4))
    last_ms = np.empty(cells, np.int64)
    _fold(point_id - low_point, minute - low_minute, span, time_ms, value, n, vmin, vmax, vsum, last_ms, last_value)
    cell = np.flatnonzero(n)
    return {
        "point_id": low_point + cell // span,
        "minute": low_minute + cell % span,
        "n": n[cell],
        "vmin": vmin[cell],
        "vmax": vmax[cell],
        "vsum": vsum[cell],
        "last_ms": last_ms[cell],
        "last_value": last_value[cell],
    }


def _fold_py(
    point: NDArray[np.int64],
    minute: NDArray[np.int64],
    span: int,
    time_ms: NDArray[np.int64],
    value: NDArray[np.float64],
    n: NDArray[np.int64],
    vmin: NDArray[np.float64],
    vmax: NDArray[np.float64],
    vsum: NDArray[np.float64],
    last_ms: NDArray[np.int64],
    last_value: NDArray[np.float64],
) -> None:
    """Readings in time order per point (the engine accepts no other); an equal time counts as the later one."""
    for i in range(point.size):
        cell, t, v = point[i] * span + minute[i], time_ms[i], value[i]
        if n[cell] == 0:
            vmin[cell], vmax[cell], vsum[cell], last_ms[cell], last_value[cell] = v, v, v, t, v
        else:
            vmin[cell], vmax[cell], vsum[cell] = min(vmin[cell], v), max(vmax[cell], v), vsum[cell] + v
            if t >= last_ms[cell]:
                last_ms[cell], last_value[cell] = t, v
        n[cell] += 1


_fold = cast(Callable[..., None], numba.njit(cache=True, nogil=True)(_fold_py))


def _summarise_sorted(
    point_id: NDArray[np.int64], minute: NDArray[np.int64], time_ms: NDArray[np.int64], value: NDArray[np.float64]
) -> Columns:
    order = np.lexsort((time_ms, minute, point_id))
    p, m, t, v = point_id[order], minute[order], time_ms[order], value[order]
    starts = np.flatnonzero(np.r_[True, (p[1:] != p[:-1]) | (m[1:] != m[:-1])])
    lasts = np.r_[starts[1:], p.size] - 1
    return {
        "point_id": p[starts],
        "minute": m[starts],
        "n": np.diff(np.r_[starts, p.size]),
        "vmin": np.minimum.reduceat(v, starts),
        "vmax": np.maximum.reduceat(v, starts),
        "vsum": np.add.reduceat(v, starts),
        "last_ms": t[lasts],
        "last_value": v[lasts],
    }


def summarise(
    point_id: NDArray[np.int64], time_ms: NDArray[np.int64], value: NDArray[np.float64]
) -> list[dict[str, Any]]:
    """One row per (point, minute) present in the readings, as dicts."""
    if point_id.size == 0:
        return []
    columns = {name: array.tolist() for name, array in summarise_columns(point_id, time_ms, value).items()}
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


_SQLITE_MERGE = f"""
INSERT INTO reading_minute ({", ".join(COLUMNS)}) VALUES ({", ".join("?" * len(COLUMNS))})
ON CONFLICT (point_id, minute) DO UPDATE SET
  n = reading_minute.n + excluded.n,
  vmin = min(reading_minute.vmin, excluded.vmin),
  vmax = max(reading_minute.vmax, excluded.vmax),
  vsum = reading_minute.vsum + excluded.vsum,
  last_value = CASE WHEN excluded.last_ms > reading_minute.last_ms THEN excluded.last_value
               ELSE reading_minute.last_value END,
  last_ms = max(reading_minute.last_ms, excluded.last_ms)"""

_PG_MERGE = f"""
INSERT INTO reading_minute ({", ".join(COLUMNS)}) SELECT {", ".join(COLUMNS)} FROM reading_minute_stage
ON CONFLICT (point_id, minute) DO UPDATE SET
  n = reading_minute.n + excluded.n,
  vmin = least(reading_minute.vmin, excluded.vmin),
  vmax = greatest(reading_minute.vmax, excluded.vmax),
  vsum = reading_minute.vsum + excluded.vsum,
  last_value = CASE WHEN excluded.last_ms > reading_minute.last_ms THEN excluded.last_value
               ELSE reading_minute.last_value END,
  last_ms = greatest(reading_minute.last_ms, excluded.last_ms)"""


def store(db_session: Session, rows: list[dict[str, Any]]) -> None:
    """Merge minute rows given as dicts (a minute may arrive in several parts)."""
    if rows:
        merge(db_session, {name: np.asarray([row[name] for row in rows]) for name in COLUMNS})


def merge(db_session: Session, columns: Columns) -> None:
    """Merge minute rows in bulk: existing rows of the same minute (late readings) are combined, not replaced."""
    if not columns["point_id"].size:
        return
    connection = db_session.connection()
    if connection.dialect.name != "postgresql":
        as_lists = [columns[name].tolist() for name in COLUMNS]
        connection.exec_driver_sql(_SQLITE_MERGE, list(zip(*as_lists, strict=True)))
        return
    ensure_partitions(db_session, np.unique(columns["minute"] // DAY_MINUTES).tolist())
    data = _pg_binary(columns)
    try:  # the usual close: minutes never written before, copied straight in
        with connection.begin_nested():  # emitted now: the copy below goes round SQLAlchemy
            _copy_in(connection, "reading_minute", data)
        return
    except psycopg.errors.UniqueViolation:
        pass  # late readings of a minute already written: the whole close goes through the merge
    connection.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS reading_minute_stage "
        "(LIKE reading_minute INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
    )
    _copy_in(connection, "reading_minute_stage", data)
    connection.exec_driver_sql(_PG_MERGE)
    connection.exec_driver_sql("TRUNCATE reading_minute_stage")


_PG_TYPES = {  # the columns' PostgreSQL types, as COPY's binary format sends them (big-endian)
    "point_id": ">i4",
    "minute": ">i8",
    "n": ">i4",
    "vmin": ">f8",
    "vmax": ">f8",
    "vsum": ">f8",
    "last_ms": ">i8",
    "last_value": ">f8",
}
_PG_ROW = np.dtype(
    [("fields", ">i2")] + [(f, t) for name in COLUMNS for f, t in ((f"{name}_len", ">i4"), (name, _PG_TYPES[name]))]
)
_PG_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length


def _pg_binary(columns: Columns) -> bytes:
    """Minute rows in COPY's binary format, built as one numpy record array: no Python object per row."""
    rows = np.empty(columns["point_id"].size, _PG_ROW)
    rows["fields"] = len(COLUMNS)
    for name in COLUMNS:
        rows[f"{name}_len"] = np.dtype(_PG_TYPES[name]).itemsize
        rows[name] = columns[name]
    return _PG_HEADER + rows.tobytes() + b"\xff\xff"


def _copy_in(connection: Connection, table: str, data: bytes) -> None:
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(data)


def partition_name(day: int) -> str:
    return f"reading_minute_d{day}"


def ensure_partitions(db_session: Session, days: list[int]) -> None:
    """PostgreSQL: one partition per UTC day (Unix day number), created when its first minute is written."""
    connection = db_session.connection()
    for day in days:
        if connection.exec_driver_sql(f"SELECT to_regclass('{partition_name(int(day))}')").scalar() is not None:
            continue
        # concurrent writers (cluster workers) would race on the catalog: one creates, the others wait and skip
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PARTITION_LOCK})")
        try:
            with connection.begin_nested():
                connection.exec_driver_sql(
                    f"CREATE TABLE IF NOT EXISTS {partition_name(int(day))} PARTITION OF reading_minute "
                    f"FOR VALUES FROM ({int(day) * DAY_MINUTES}) TO ({(int(day) + 1) * DAY_MINUTES})"
                )
        except ProgrammingError as err:  # created by another writer after our look (DuplicateTable)
            if "already exists" not in str(err):
                raise


def partition_days(db_session: Session) -> list[int]:
    """PostgreSQL: the days that have a partition, oldest first."""
    names = db_session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'reading_minute'"
        )
    ).scalars()
    return sorted(int(name.removeprefix("reading_minute_d")) for name in names)


# --- the open minutes: held in memory, journalled per batch ------------------------------------------------------


@dataclass(frozen=True)
class Held:
    """One batch's accepted readings still holding an open minute, and the pending row that makes them durable."""

    pending_id: int
    point_id: NDArray[np.int64]
    time_ms: NDArray[np.int64]
    value: NDArray[np.float64]
    min_minute: int = field(init=False)  # computed once: every batch compares them against the closing minute
    max_minute: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "min_minute", int(self.time_ms.min()) // MINUTE_MS)
        object.__setattr__(self, "max_minute", int(self.time_ms.max()) // MINUTE_MS)


PACKED = b"YJP2"  # offsets form; a row without it is the first form (three int64/float64 columns, 24 bytes each)
_HEAD = np.dtype([("magic", "S4"), ("point", "<i8"), ("time", "<i8")])


def pack(point_id: NDArray[np.int64], time_ms: NDArray[np.int64], value: NDArray[np.float64]) -> bytes:
    """A batch in 16 bytes per reading: point ids and times as 32-bit offsets from the batch's lowest (a batch is one
    gateway's points, registered together, over at most the 7 days ingest accepts), values as float64. The header
    makes the length 16·n + 20, which no 24·n of the first form equals."""
    base_point, base_time = int(point_id.min()), int(time_ms.min())
    if int(point_id.max()) - base_point >= 2**31 or int(time_ms.max()) - base_time >= 2**31:
        return point_id.astype("<i8").tobytes() + time_ms.astype("<i8").tobytes() + value.astype("<f8").tobytes()
    head = np.array([(PACKED, base_point, base_time)], _HEAD).tobytes()
    offsets = np.concatenate([point_id - base_point, time_ms - base_time]).astype("<i4")
    return head + offsets.tobytes() + value.astype("<f8").tobytes()


def unpack(data: bytes, n: int) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    if len(data) == 24 * n:
        ints = np.frombuffer(data, "<i8", count=2 * n).astype(np.int64)
        return ints[:n], ints[n:], np.frombuffer(data, "<f8", count=n, offset=16 * n).astype(np.float64)
    head = np.frombuffer(data, _HEAD, count=1)[0]
    if len(data) != 16 * n + _HEAD.itemsize or head["magic"] != PACKED:
        raise ValueError(f"reading_pending: {len(data)} bytes do not hold {n} readings")
    offsets = np.frombuffer(data, "<i4", count=2 * n, offset=_HEAD.itemsize).astype(np.int64)
    value = np.frombuffer(data, "<f8", count=n, offset=_HEAD.itemsize + 8 * n).astype(np.float64)
    return offsets[:n] + int(head["point"]), offsets[n:] + int(head["time"]), value


def append_pending(
    db_session: Session, point_id: NDArray[np.int64], time_ms: NDArray[np.int64], value: NDArray[np.float64]
) -> Held | None:
    """Write one batch's readings as one pending row (in the caller's transaction)."""
    if not point_id.size:
        return None
    table = cast(Table, ReadingPending.__table__)
    minutes = time_ms // MINUTE_MS
    pending_id = db_session.execute(
        insert(table).returning(table.c.id),
        {
            "min_minute": int(minutes.min()),
            "max_minute": int(minutes.max()),
            "min_point": int(point_id.min()),
            "max_point": int(point_id.max()),
            "n": int(point_id.size),
            "data": pack(point_id, time_ms, value),
        },
    ).scalar_one()
    return Held(int(pending_id), point_id, time_ms, value)


def closed_before(now_ms: int) -> int:
    """Minutes below this one are closed at ``now_ms``."""
    return (now_ms - GRACE_MS) // MINUTE_MS


class MinuteBuffer:
    """The open minutes of the engine's process. Changes are computed inside the caller's transaction and adopted
    only after its commit (``adopt``), so a failed commit leaves memory as the database is."""

    def __init__(self) -> None:
        self.held: list[Held] = []

    def add(
        self,
        db_session: Session,
        point_id: NDArray[np.int64],
        time_ms: NDArray[np.int64],
        value: NDArray[np.float64],
        *,
        now_ms: int,
    ) -> list[Held]:
        """Journal a batch and write the minutes that have closed; returns what to hold after the commit."""
        held = list(self.held)
        added = append_pending(db_session, point_id, time_ms, value)
        if added is not None:
            held.append(added)
        return _close(db_session, held, closed_before(now_ms))

    def flush(self, db_session: Session, *, now_ms: int) -> list[Held]:
        """Write the minutes closed by ``now_ms`` (the periodic round calls this when no batch arrives)."""
        return _close(db_session, list(self.held), closed_before(now_ms))

    def adopt(self, held: list[Held]) -> None:
        self.held = held

    def recover(self, db_session: Session) -> None:
        """Reload the open minutes from the pending rows: after a restart or when ownership was (re)acquired."""
        rows = db_session.execute(select(ReadingPending).order_by(ReadingPending.id)).scalars()
        self.held = [Held(row.id, *unpack(row.data, row.n)) for row in rows]

    def readings_held(self) -> int:
        return sum(h.point_id.size for h in self.held)


def _close(db_session: Session, held: list[Held], cutoff: int) -> list[Held]:
    closing = [h for h in held if h.min_minute < cutoff]
    if not closing:
        return held
    point_id, time_ms, value = (
        np.concatenate(parts) for parts in zip(*((h.point_id, h.time_ms, h.value) for h in closing), strict=True)
    )
    straddling = [h for h in closing if h.max_minute >= cutoff]
    if straddling:
        done = time_ms // MINUTE_MS < cutoff
        point_id, time_ms, value = point_id[done], time_ms[done], value[done]
    merge(db_session, summarise_columns(point_id, time_ms, value))
    db_session.execute(delete(ReadingPending).where(ReadingPending.id.in_([h.pending_id for h in closing])))
    kept = [h for h in held if h.min_minute >= cutoff]
    for h in straddling:  # a batch straddling the boundary keeps its open part, re-journalled
        still = h.time_ms // MINUTE_MS >= cutoff
        rest = append_pending(db_session, h.point_id[still], h.time_ms[still], h.value[still])
        assert rest is not None
        kept.append(rest)
    return kept


def warm_up() -> None:
    """Load (or compile, the first time on a machine) the minute fold now rather than inside the first close."""
    one = np.zeros(1, np.int64)
    summarise_columns(one, one, np.zeros(1, np.float64))


def prune(db_session: Session, *, now: datetime, retention_days: int) -> int:
    """Remove minutes older than the retention period; returns how many rows went. On PostgreSQL whole day
    partitions are dropped (retention is by whole days: a day goes when its last minute is past the period)."""
    cutoff = to_ms(now - timedelta(days=retention_days)) // MINUTE_MS
    if db_session.get_bind().dialect.name == "postgresql":
        gone = 0
        for day in partition_days(db_session):
            if (day + 1) * DAY_MINUTES <= cutoff:
                name = partition_name(day)
                gone += int(db_session.execute(text(f"SELECT count(*) FROM {name}")).scalar_one())
                db_session.execute(text(f"DROP TABLE {name}"))
        return gone
    result = db_session.execute(delete(ReadingMinute).where(ReadingMinute.minute < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def series(
    db_session: Session, point_id: int, since: datetime, until: datetime, params: PageParams
) -> tuple[list[ReadingMinute], int]:
    """One page of the minutes of one point in [since, until), oldest first (the minute is the row's key); minutes
    still open are folded from the pending rows, so the minute under way shows."""
    low, high = to_ms(since) // MINUTE_MS, to_ms(until) // MINUTE_MS
    query = select(ReadingMinute).where(
        ReadingMinute.point_id == point_id, ReadingMinute.minute >= low, ReadingMinute.minute < high
    )
    pending = db_session.execute(
        select(ReadingPending.data, ReadingPending.n).where(
            ReadingPending.min_point <= point_id,
            ReadingPending.max_point >= point_id,
            ReadingPending.max_minute >= low,
            ReadingPending.min_minute < high,
        )
    ).all()
    if not pending:
        return paginate(db_session, query, params, order_by=[ReadingMinute.minute])
    parts = [unpack(data, n) for data, n in pending]
    p, t, v = (np.concatenate([part[k] for part in parts]) for k in range(3))
    mine = (p == point_id) & (t // MINUTE_MS >= low) & (t // MINUTE_MS < high)
    rows = {row.minute: _copy(row) for row in db_session.execute(query).scalars()}
    for extra in summarise(p[mine], t[mine], v[mine]):
        rows[extra["minute"]] = _combine(rows.get(extra["minute"]), extra)
    ordered = [rows[minute] for minute in sorted(rows)]
    return ordered[params.offset : params.offset + params.limit], len(ordered)


def newest_pending(db_session: Session, point_ids: set[int], since_minute: int) -> dict[int, int]:
    """The newest reading time per point still in open minutes (pending rows), for liveness checks."""
    if not point_ids:
        return {}
    rows = db_session.execute(
        select(ReadingPending.data, ReadingPending.n).where(
            ReadingPending.max_minute >= since_minute,
            ReadingPending.min_point <= max(point_ids),
            ReadingPending.max_point >= min(point_ids),
        )
    ).all()
    newest: dict[int, int] = {}
    wanted = np.fromiter(point_ids, np.int64)
    for data, n in rows:
        p, t, _ = unpack(data, n)
        mine = np.isin(p, wanted)
        for point, when in zip(p[mine].tolist(), t[mine].tolist(), strict=True):
            if when > newest.get(point, -1):
                newest[point] = when
    return newest


def _copy(row: ReadingMinute) -> ReadingMinute:
    return ReadingMinute(**{name: getattr(row, name) for name in COLUMNS})


def _combine(row: ReadingMinute | None, extra: dict[str, Any]) -> ReadingMinute:
    if row is None:
        return ReadingMinute(**extra)
    newer = extra["last_ms"] > row.last_ms
    return ReadingMinute(
        point_id=row.point_id,
        minute=row.minute,
        n=row.n + extra["n"],
        vmin=min(row.vmin, extra["vmin"]),
        vmax=max(row.vmax, extra["vmax"]),
        vsum=row.vsum + extra["vsum"],
        last_ms=extra["last_ms"] if newer else row.last_ms,
        last_value=extra["last_value"] if newer else row.last_value,
    )


def minute_start(row: ReadingMinute) -> datetime:
    return datetime.fromtimestamp(row.minute * 60, tz=UTC)

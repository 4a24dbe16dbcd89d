"""Stored readings: per point and minute, min / max / mean / count and the last value, with a retention period.

Raw readings at every polling cycle would be ~2 900 rows per point per day; the minute summary keeps trends and
extremes for the console and the record while the alarm history keeps every transition at full resolution.

Minutes are written once, when closed (docs/decisions.md "Readings: minutes written once, when closed"): each
accepted batch is appended in its own commit as one packed row of ``reading_pending`` and held in memory by the
engine's ``MinuteBuffer``; when a minute closes its readings are folded into minute rows and the pending rows go in
the same commit. Closed minutes are stored as packed blocks (docs/decisions.md "Readings: packed blocks"): one row of
``reading_block`` per block of ``BLOCK`` points, minute and writer, added in bulk (one executemany on SQLite, one COPY
on PostgreSQL); late readings of a minute already written are folded into its row. Each point's newest reading is
kept in ``reading_latest``. On PostgreSQL ``reading_block`` is partitioned by day and retention drops whole days.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import numba
import numpy as np
import psycopg
from numpy.typing import NDArray
from sqlalchemy import Connection, Table, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError, ProgrammingError
from sqlalchemy.orm import Session

from yingji.core.clock import to_ms
from yingji.core.paging import PageParams
from yingji.monitoring.models import ReadingBlock, ReadingLatest, ReadingPending

MINUTE_MS = 60_000
DAY_MINUTES = 1440
GRACE_MS = 10_000  # a minute closes this long after its end: readings of the same cycle still in flight join it
PARTITION_LOCK = 0x59494E474A4902  # advisory lock key while a day partition is created
COLUMNS = ("point_id", "minute", "n", "vmin", "vmax", "vsum", "last_ms", "last_value")
Columns = dict[str, NDArray[Any]]


def summarise_columns(point_id: NDArray[np.int64], time_ms: NDArray[np.int64], value: NDArray[np.float64]) -> Columns:
    """One row per (point, minute), as columns ordered by minute and point (a block's records then lie together).
    Point ids are dense (a batch's points are one enterprise's, registered together), so the readings are folded in
    one compiled pass into a table indexed by (minute − earliest, point − lowest), no sort; ids spread too thinly for
    that take the sorted reductions."""
    if not point_id.size:
        return _empty()
    minute = time_ms // MINUTE_MS
    low_point, low_minute = int(point_id.min()), int(minute.min())
    width = int(point_id.max()) - low_point + 1
    cells = width * (int(minute.max()) - low_minute + 1)
    if cells > 4 * point_id.size + 65_536:
        return _summarise_sorted(point_id, minute, time_ms, value)
    n = np.zeros(cells, np.int64)
    vmin, vmax, vsum, last_value = (np.empty(cells, np.float64) for _ in range(4))
    last_ms = np.empty(cells, np.int64)
    _fold(minute - low_minute, point_id - low_point, width, time_ms, value, n, vmin, vmax, vsum, last_ms, last_value)
    cell = np.flatnonzero(n)
    return {
        "point_id": low_point + cell % width,
        "minute": low_minute + cell // width,
        "n": n[cell],
        "vmin": vmin[cell],
        "vmax": vmax[cell],
        "vsum": vsum[cell],
        "last_ms": last_ms[cell],
        "last_value": last_value[cell],
    }


def _fold_py(
    row: NDArray[np.int64],
    column: NDArray[np.int64],
    width: int,
    time_ms: NDArray[np.int64],
    value: NDArray[np.float64],
    n: NDArray[np.int64],
    vmin: NDArray[np.float64],
    vmax: NDArray[np.float64],
    vsum: NDArray[np.float64],
    last_ms: NDArray[np.int64],
    last_value: NDArray[np.float64],
) -> None:
    """Readings in time order per point (the engine accepts no other); an equal time counts as the later one. The
    cell of reading i is row · width + column (minute-major)."""
    for i in range(row.size):
        cell, t, v = row[i] * width + column[i], time_ms[i], value[i]
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
    order = np.lexsort((time_ms, point_id, minute))
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


# --- closed minutes: packed blocks --------------------------------------------------------------------------------

BLOCK = 128  # points per block: a row holds at most this many records
RECORD = np.dtype(  # one point's minute in a block row, packed (40 bytes); ``at``: the last reading's ms in the minute
    [
        ("offset", "<u2"),
        ("n", "<u4"),
        ("at", "<u2"),
        ("vmin", "<f8"),
        ("vmax", "<f8"),
        ("vsum", "<f8"),
        ("last_value", "<f8"),
    ]
)
LATEST = np.dtype([("offset", "<u2"), ("last_ms", "<i8"), ("last_value", "<f8")])  # a point's newest reading
Key = tuple[int, int, int]  # (block, minute, part)


@dataclass(frozen=True)
class MinuteRow:
    """One point's stored minute, as the readers see it."""

    point_id: int
    minute: int  # Unix minutes (UTC)
    n: int
    vmin: float
    vmax: float
    vsum: float
    last_ms: int
    last_value: float


def _empty() -> Columns:
    return {name: np.zeros(0, np.float64 if name in FLOATS else np.int64) for name in COLUMNS}


FLOATS = ("vmin", "vmax", "vsum", "last_value")


def _ordered(columns: Columns) -> Columns:
    """Rows by (minute, point): a block's records are then contiguous and in offset order."""
    minute, point = columns["minute"], columns["point_id"]
    key = minute * (int(point.max()) + 1) + point if point.size else minute
    if key.size > 1 and not bool((key[1:] > key[:-1]).all()):
        order = np.lexsort((point, minute))
        return {name: array[order] for name, array in columns.items()}
    return columns


def encode(columns: Columns) -> tuple[list[Key], list[int], list[bytes]]:
    """Minute rows (one per point and minute, any order) → block rows: keys (part 0), record counts and packed
    records in offset order."""
    columns = _ordered(columns)
    point, minute = columns["point_id"].astype(np.int64), columns["minute"].astype(np.int64)
    block = point // BLOCK
    records = np.empty(point.size, RECORD)
    records["offset"] = point - block * BLOCK
    records["n"] = columns["n"]
    records["at"] = columns["last_ms"] - minute * MINUTE_MS
    for name in FLOATS:
        records[name] = columns[name]
    starts = np.flatnonzero(np.r_[True, (block[1:] != block[:-1]) | (minute[1:] != minute[:-1])])
    ends = np.r_[starts[1:], point.size]
    raw = records.tobytes()
    size = RECORD.itemsize
    keys = list(zip(block[starts].tolist(), minute[starts].tolist(), [0] * starts.size, strict=True))
    data = [raw[a * size : b * size] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    return keys, (ends - starts).tolist(), data


def decode(rows: list[tuple[int, int, bytes]]) -> Columns:
    """Block rows (block, minute, data) → minute rows, in the rows' order (not combined across writers)."""
    if not rows:
        return _empty()
    records = np.frombuffer(b"".join(data for _, _, data in rows), RECORD)
    counts = np.array([len(data) // RECORD.itemsize for _, _, data in rows], np.int64)
    block = np.repeat(np.array([r[0] for r in rows], np.int64), counts)
    minute = np.repeat(np.array([r[1] for r in rows], np.int64), counts)
    columns: Columns = {
        "point_id": block * BLOCK + records["offset"],
        "minute": minute,
        "n": records["n"].astype(np.int64),
        "last_ms": minute * MINUTE_MS + records["at"],
    }
    for name in FLOATS:
        columns[name] = records[name].astype(np.float64)
    return {name: columns[name] for name in COLUMNS}


def combine(first: Columns, then: Columns) -> Columns:
    """Minute rows of the same (point, minute) folded, ``first``'s before ``then``'s: counts and sums add, min/max
    combine, the last reading is the later by time (on equal times the earlier kept) — the merge of late readings.
    Each side holds a (point, minute) at most once. Rows by (minute, point)."""
    both = {name: np.concatenate([first[name], then[name]]) for name in COLUMNS}
    side = np.r_[np.zeros(first["point_id"].size, np.int8), np.ones(then["point_id"].size, np.int8)]
    order = np.lexsort((side, both["point_id"], both["minute"]))
    rows = {name: array[order] for name, array in both.items()}
    p, m = rows["point_id"], rows["minute"]
    starts = np.flatnonzero(np.r_[True, (p[1:] != p[:-1]) | (m[1:] != m[:-1])])
    pair = np.r_[starts[1:], p.size] - starts == 2  # groups of two: first's then then's
    a, b = starts[pair], starts[pair] + 1
    out = {name: array[starts] for name, array in rows.items()}
    out["n"][pair] = rows["n"][a] + rows["n"][b]
    out["vmin"][pair] = np.minimum(rows["vmin"][a], rows["vmin"][b])
    out["vmax"][pair] = np.maximum(rows["vmax"][a], rows["vmax"][b])
    out["vsum"][pair] = rows["vsum"][a] + rows["vsum"][b]
    newer = rows["last_ms"][b] > rows["last_ms"][a]
    out["last_ms"][pair] = np.where(newer, rows["last_ms"][b], rows["last_ms"][a])
    out["last_value"][pair] = np.where(newer, rows["last_value"][b], rows["last_value"][a])
    return out


def store(db_session: Session, rows: list[dict[str, Any]]) -> None:
    """Merge minute rows given as dicts (a minute may arrive in several parts)."""
    if rows:
        merge(db_session, {name: np.asarray([row[name] for row in rows]) for name in COLUMNS})


def merge(db_session: Session, columns: Columns, *, part: int = 0) -> None:
    """Write closed minutes as block rows of writer ``part``, in bulk: one executemany (SQLite) or one COPY
    (PostgreSQL) of new rows. Late readings of a minute already written make the close read those rows, fold them in
    (``combine``) and rewrite them. Each point's newest reading goes to ``reading_latest``."""
    if not columns["point_id"].size:
        return
    columns = {name: np.asarray(columns[name]) for name in COLUMNS}
    keys, counts, data = encode(columns)
    keys = [(block, minute, part) for block, minute, _ in keys]
    connection = db_session.connection()
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        ensure_partitions(db_session, np.unique(columns["minute"] // DAY_MINUTES).tolist())
    rows = [(*key, count, blob) for key, count, blob in zip(keys, counts, data, strict=True)]
    try:  # the usual close: minutes never written before, added as they are
        with connection.begin_nested():
            if postgresql:
                _copy_in(connection, "reading_block", _pg_blocks(rows), BLOCK_COLUMNS)
            else:
                connection.exec_driver_sql(_SQLITE_INSERT, rows)
    except (psycopg.errors.UniqueViolation, IntegrityError):
        _merge_late(db_session, keys, columns, part)
    _store_latest(db_session, columns, part)


BLOCK_COLUMNS = ("block", "minute", "part", "points", "data")
_SQLITE_INSERT = "INSERT INTO reading_block (block, minute, part, points, data) VALUES (?, ?, ?, ?, ?)"


def _merge_late(db_session: Session, keys: list[Key], columns: Columns, part: int) -> None:
    """Some minutes exist: read the close's rows that exist (locked on PostgreSQL), fold, and rewrite every row."""
    connection = db_session.connection()
    postgresql = connection.dialect.name == "postgresql"
    wanted = set(keys)
    blocks = [k[0] for k in keys]
    minutes = [k[1] for k in keys]
    found = [
        (block, minute, data)
        for block, minute, data in connection.execute(
            text(
                "SELECT block, minute, data FROM reading_block WHERE part = :part AND block BETWEEN :b0 AND :b1"
                " AND minute BETWEEN :m0 AND :m1 ORDER BY block, minute" + (" FOR UPDATE" if postgresql else "")
            ),
            {"part": part, "b0": min(blocks), "b1": max(blocks), "m0": min(minutes), "m1": max(minutes)},
        )
        if (block, minute, part) in wanted
    ]
    merged = combine(decode(found), _ordered(columns))
    new_keys, counts, data = encode(merged)
    rows = [
        (block, minute, part, count, blob)
        for (block, minute, _), count, blob in zip(new_keys, counts, data, strict=True)
    ]
    connection.exec_driver_sql(_PG_UPSERT if postgresql else _SQLITE_REPLACE, rows)


_SQLITE_REPLACE = _SQLITE_INSERT.replace("INSERT", "INSERT OR REPLACE")
_PG_UPSERT = (
    "INSERT INTO reading_block (block, minute, part, points, data) VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (block, minute, part) DO UPDATE SET points = excluded.points, data = excluded.data"
)


def _latest_of(columns: Columns) -> Columns:
    """Each point's newest reading among minute rows (the newest minute's last; minutes do not overlap), by point."""
    point = columns["point_id"]
    one_minute = point.size > 0 and columns["minute"].min() == columns["minute"].max()  # the usual close
    if one_minute and (point.size < 2 or bool((point[1:] > point[:-1]).all())):
        return {name: columns[name] for name in ("point_id", "last_ms", "last_value")}
    order = np.lexsort((columns["minute"], point))
    point = point[order]
    last = np.r_[point[1:] != point[:-1], True]
    return {
        "point_id": point[last],
        "last_ms": columns["last_ms"][order][last],
        "last_value": columns["last_value"][order][last],
    }


def _decode_latest(rows: list[tuple[int, bytes]]) -> Columns:
    """Rows (block, data) of ``reading_latest`` → point_id, last_ms, last_value, in the rows' order."""
    if not rows:
        return {"point_id": np.zeros(0, np.int64), "last_ms": np.zeros(0, np.int64), "last_value": np.zeros(0)}
    records = np.frombuffer(b"".join(data for _, data in rows), LATEST)
    counts = np.array([len(data) // LATEST.itemsize for _, data in rows], np.int64)
    block = np.repeat(np.array([r[0] for r in rows], np.int64), counts)
    return {
        "point_id": block * BLOCK + records["offset"],
        "last_ms": records["last_ms"].astype(np.int64),
        "last_value": records["last_value"].astype(np.float64),
    }


def _store_latest(db_session: Session, columns: Columns, part: int) -> None:
    """Fold the close's newest reading per point into the writer's ``reading_latest`` rows of those blocks: a later
    time replaces, an equal or earlier one does not (as the minute merge keeps its last reading)."""
    connection = db_session.connection()
    postgresql = connection.dialect.name == "postgresql"
    new = _latest_of(columns)
    query = select(ReadingLatest.block, ReadingLatest.data).where(
        ReadingLatest.part == part, _blocks_of(ReadingLatest.block, new["point_id"])
    )
    found = [(block, data) for block, data in connection.execute(query.with_for_update() if postgresql else query)]
    old = _decode_latest(found)
    point, last_ms, last_value = _newer(old, new)
    block = point // BLOCK
    records = np.empty(point.size, LATEST)
    records["offset"] = point - block * BLOCK
    records["last_ms"] = last_ms
    records["last_value"] = last_value
    raw = records.tobytes()
    starts = np.flatnonzero(np.r_[True, block[1:] != block[:-1]])
    ends = np.r_[starts[1:], point.size]
    oldest = np.minimum.reduceat(last_ms, starts)
    size = LATEST.itemsize
    rows = [
        (b, part, low, raw[s * size : e * size])
        for b, low, s, e in zip(block[starts].tolist(), oldest.tolist(), starts.tolist(), ends.tolist(), strict=True)
    ]
    connection.exec_driver_sql(_PG_LATEST if postgresql else _SQLITE_LATEST, rows)


def _newer(old: Columns, new: Columns) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Per point the newer of the stored and the new reading (the stored one on equal times), of the blocks ``new``
    touches, by point. Dense ids (the usual: one gateway's points) go through a table indexed by point, no sort."""
    blocks = np.unique(new["point_id"] // BLOCK)
    keep = np.isin(old["point_id"] // BLOCK, blocks)
    old = {name: array[keep] for name, array in old.items()}
    low = int(blocks[0]) * BLOCK
    width = (int(blocks[-1]) + 1) * BLOCK - low
    if width <= 4 * (old["point_id"].size + new["point_id"].size) + 65_536:
        when = np.full(width, np.iinfo(np.int64).min, np.int64)
        value = np.zeros(width, np.float64)
        when[old["point_id"] - low] = old["last_ms"]
        value[old["point_id"] - low] = old["last_value"]
        at = new["point_id"] - low
        later = new["last_ms"] > when[at]
        when[at[later]] = new["last_ms"][later]
        value[at[later]] = new["last_value"][later]
        cell = np.flatnonzero(when != np.iinfo(np.int64).min)
        return low + cell, when[cell], value[cell]
    point = np.concatenate([old["point_id"], new["point_id"]])
    last_ms = np.concatenate([old["last_ms"], new["last_ms"]])
    last_value = np.concatenate([old["last_value"], new["last_value"]])
    side = np.r_[np.zeros(old["point_id"].size, np.int8), np.ones(new["point_id"].size, np.int8)]
    order = np.lexsort((side, -last_ms, point))  # per point the newest time, the stored one first among equals
    point, last_ms, last_value = point[order], last_ms[order], last_value[order]
    first = np.r_[True, point[1:] != point[:-1]]
    return point[first], last_ms[first], last_value[first]


_SQLITE_LATEST = "INSERT OR REPLACE INTO reading_latest (block, part, oldest_ms, data) VALUES (?, ?, ?, ?)"
_PG_LATEST = (
    "INSERT INTO reading_latest (block, part, oldest_ms, data) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (block, part) DO UPDATE SET oldest_ms = excluded.oldest_ms, data = excluded.data"
)


def latest(db_session: Session, point_ids: NDArray[np.int64] | None = None) -> Columns:
    """Each point's newest stored reading (point_id, last_ms, last_value), of the points asked or of all; a point
    with minutes from several writers (it moved between partitions) has the newest of them."""
    query = select(ReadingLatest.block, ReadingLatest.data)
    if point_ids is not None:
        if not point_ids.size:
            return _decode_latest([])
        query = query.where(_blocks_of(ReadingLatest.block, point_ids))
    found = _decode_latest([(block, data) for block, data in db_session.execute(query)])
    if point_ids is not None:
        mine = np.isin(found["point_id"], point_ids)
        found = {name: array[mine] for name, array in found.items()}
    order = np.lexsort((-found["last_ms"], found["point_id"]))
    point = found["point_id"][order]
    first = np.r_[True, point[1:] != point[:-1]] if point.size else np.zeros(0, np.bool_)
    return {name: array[order][first] for name, array in found.items()}


def _blocks_of(column: Any, point_ids: NDArray[np.int64]) -> Any:
    """The blocks holding these points: their list (a partition's or a site's points are spread over the ids, and a
    range would read every block between), or their range when the list is too long for one statement."""
    blocks = np.unique(point_ids // BLOCK)
    if blocks.size <= 10_000:
        return column.in_(blocks.tolist())
    return column.between(int(blocks[0]), int(blocks[-1]))


def minutes(
    db_session: Session, point_ids: NDArray[np.int64] | None = None, low: int | None = None, high: int | None = None
) -> Columns:
    """Stored minutes decoded to one row per point and minute (writers' rows of the same minute folded), by point
    and minute: of the points asked (or all), minutes in [low, high)."""
    data = "data"
    where: list[str] = []
    params: dict[str, Any] = {}
    if point_ids is not None and point_ids.size == 1:
        # one point (a series): a full block holds its record at its offset, so only those bytes leave the database
        offset = int(point_ids[0]) % BLOCK
        data = (
            f"CASE WHEN points = {BLOCK} THEN substr(data, {offset * RECORD.itemsize + 1}, {RECORD.itemsize})"
            " ELSE data END"
        )
    query = f"SELECT block, minute, {data} FROM reading_block"
    if point_ids is not None:
        if not point_ids.size:
            return _empty()
        blocks = np.unique(point_ids // BLOCK)
        if blocks.size == 1:
            where.append("block = :b0")
        else:
            where.append("block BETWEEN :b0 AND :b1")
        params |= {"b0": int(blocks[0]), "b1": int(blocks[-1])}  # one point's or one site's: contiguous
    if low is not None:
        where.append("minute >= :low")
        params["low"] = low
    if high is not None:
        where.append("minute < :high")
        params["high"] = high
    if where:
        query += " WHERE " + " AND ".join(where)
    query += " ORDER BY block, minute, part"
    found = decode([(block, minute, data) for block, minute, data in db_session.execute(text(query), params)])
    if point_ids is not None:
        mine = np.isin(found["point_id"], point_ids)
        found = {name: array[mine] for name, array in found.items()}
    folded = _fold_writers(found)
    order = np.lexsort((folded["minute"], folded["point_id"]))
    return {name: array[order] for name, array in folded.items()}


def _fold_writers(columns: Columns) -> Columns:
    """A (point, minute) in rows of more than one writer (a point moved between partitions) folded into one, in the
    writers' order; the usual store has none and passes through."""
    key = np.lexsort((columns["point_id"], columns["minute"]))
    p, m = columns["point_id"][key], columns["minute"][key]
    if not p.size or not bool(((p[1:] == p[:-1]) & (m[1:] == m[:-1])).any()):
        return columns
    rows = {name: array[key] for name, array in columns.items()}
    duplicate = np.r_[False, (p[1:] == p[:-1]) & (m[1:] == m[:-1])]
    first = {name: array[~duplicate] for name, array in rows.items()}
    rest = {name: array[duplicate] for name, array in rows.items()}
    return combine(first, _fold_writers(rest))


def rows_of(columns: Columns) -> list[MinuteRow]:
    lists = [columns[name].tolist() for name in COLUMNS]
    return [MinuteRow(*row) for row in zip(*lists, strict=True)]


def _pg_blocks(rows: list[tuple[int, int, int, int, bytes]]) -> bytes:
    """Block rows in COPY's binary format: int4 block, int8 minute, int2 part, int4 points, bytea data."""
    out = [_PG_HEADER]
    for block, minute, part, points, data in rows:
        out.append(_PG_BLOCK_ROW.pack(5, 4, block, 8, minute, 2, part, 4, points, len(data)))
        out.append(data)
    out.append(b"\xff\xff")
    return b"".join(out)


_PG_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
_PG_BLOCK_ROW = struct.Struct(">hiiiqihiii")


def _copy_in(connection: Connection, table: str, data: bytes, columns: tuple[str, ...]) -> None:
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(data)


def partition_name(day: int) -> str:
    return f"reading_block_d{day}"


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
                    f"CREATE TABLE IF NOT EXISTS {partition_name(int(day))} PARTITION OF reading_block "
                    f"FOR VALUES FROM ({int(day) * DAY_MINUTES}) TO ({(int(day) + 1) * DAY_MINUTES})"
                )
                # packed numbers: compression costs time and saves nothing (a partition keeps its own setting)
                connection.exec_driver_sql(
                    f"ALTER TABLE {partition_name(int(day))} ALTER COLUMN data SET STORAGE EXTERNAL"
                )
        except ProgrammingError as err:  # created by another writer after our look (DuplicateTable)
            if "already exists" not in str(err):
                raise


def partition_days(db_session: Session) -> list[int]:
    """PostgreSQL: the days that have a partition, oldest first."""
    names = db_session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'reading_block'"
        )
    ).scalars()
    return sorted(int(name.removeprefix("reading_block_d")) for name in names)


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
    """Remove minutes older than the retention period; returns how many block rows went. On PostgreSQL whole day
    partitions are dropped (retention is by whole days: a day goes when its last minute is past the period). A
    point's newest reading goes too once older than every minute kept, so nothing outlives the minutes."""
    cutoff = to_ms(now - timedelta(days=retention_days)) // MINUTE_MS
    if db_session.get_bind().dialect.name == "postgresql":
        gone = 0
        kept_from = None
        for day in partition_days(db_session):
            if (day + 1) * DAY_MINUTES <= cutoff:
                name = partition_name(day)
                gone += int(db_session.execute(text(f"SELECT count(*) FROM {name}")).scalar_one())
                db_session.execute(text(f"DROP TABLE {name}"))
                kept_from = (day + 1) * DAY_MINUTES
        if kept_from is not None:
            _prune_latest(db_session, kept_from * MINUTE_MS)
        return gone
    result = db_session.execute(delete(ReadingBlock).where(ReadingBlock.minute < cutoff))
    gone = int(getattr(result, "rowcount", 0) or 0)
    if gone:
        _prune_latest(db_session, cutoff * MINUTE_MS)
    return gone


def _prune_latest(db_session: Session, before_ms: int) -> None:
    """Drop newest readings older than ``before_ms`` (their minutes are gone); only rows holding one are read."""
    stale = db_session.execute(
        select(ReadingLatest.block, ReadingLatest.part, ReadingLatest.data).where(ReadingLatest.oldest_ms < before_ms)
    ).all()
    for block, part, data in stale:
        records = np.frombuffer(data, LATEST)
        kept = records[records["last_ms"] >= before_ms]
        where = (ReadingLatest.block == block) & (ReadingLatest.part == part)
        if not kept.size:
            db_session.execute(delete(ReadingLatest).where(where))
        else:
            db_session.execute(
                update(ReadingLatest).where(where).values(oldest_ms=int(kept["last_ms"].min()), data=kept.tobytes())
            )


def series(
    db_session: Session, point_id: int, since: datetime, until: datetime, params: PageParams
) -> tuple[list[MinuteRow], int]:
    """One page of the minutes of one point in [since, until), oldest first; minutes still open are folded from the
    pending rows, so the minute under way shows."""
    low, high = to_ms(since) // MINUTE_MS, to_ms(until) // MINUTE_MS
    stored = minutes(db_session, np.array([point_id], np.int64), low, high)
    pending = db_session.execute(
        select(ReadingPending.data, ReadingPending.n).where(
            ReadingPending.min_point <= point_id,
            ReadingPending.max_point >= point_id,
            ReadingPending.max_minute >= low,
            ReadingPending.min_minute < high,
        )
    ).all()
    if pending:
        parts = [unpack(data, n) for data, n in pending]
        p, t, v = (np.concatenate([part[k] for part in parts]) for k in range(3))
        mine = (p == point_id) & (t // MINUTE_MS >= low) & (t // MINUTE_MS < high)
        if mine.any():
            stored = combine(stored, summarise_columns(p[mine], t[mine], v[mine]))
    ordered = rows_of(stored)
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


def minute_start(row: MinuteRow) -> datetime:
    return datetime.fromtimestamp(row.minute * 60, tz=UTC)

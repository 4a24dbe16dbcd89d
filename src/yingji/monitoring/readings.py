"""Stored readings: per point and minute, min / max / mean / count and the last value, with a retention period.

Raw readings at every polling cycle would be ~2 900 rows per point per day; the minute summary keeps trends and
extremes for the console and the record while the alarm history keeps every transition at full resolution.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Table, case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from yingji.core.clock import to_ms
from yingji.core.paging import PageParams, paginate
from yingji.monitoring.models import ReadingMinute

MINUTE_MS = 60_000


def summarise(
    point_id: NDArray[np.int64], time_ms: NDArray[np.int64], value: NDArray[np.float64]
) -> list[dict[str, Any]]:
    """One row per (point, minute) present in the batch, computed with sorted reductions rather than a loop."""
    if point_id.size == 0:
        return []
    minute = time_ms // MINUTE_MS
    order = np.lexsort((time_ms, minute, point_id))
    p, m, t, v = point_id[order], minute[order], time_ms[order], value[order]
    starts = np.flatnonzero(np.r_[True, (p[1:] != p[:-1]) | (m[1:] != m[:-1])])
    lasts = np.r_[starts[1:], p.size] - 1
    columns = {
        "point_id": p[starts].tolist(),
        "minute": m[starts].tolist(),
        "n": np.diff(np.r_[starts, p.size]).tolist(),
        "vmin": np.minimum.reduceat(v, starts).tolist(),
        "vmax": np.maximum.reduceat(v, starts).tolist(),
        "vsum": np.add.reduceat(v, starts).tolist(),
        "last_ms": t[lasts].tolist(),
        "last_value": v[lasts].tolist(),
    }
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def store(db_session: Session, rows: list[dict[str, Any]]) -> None:
    """Merge minute rows into the table (a minute may arrive in several batches)."""
    if not rows:
        return
    dialect = db_session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    smaller = func.least if dialect == "postgresql" else func.min  # SQLite's two-argument min() is scalar
    larger = func.greatest if dialect == "postgresql" else func.max
    table = cast(Table, ReadingMinute.__table__)
    statement = insert(table)
    newer = statement.excluded.last_ms > table.c.last_ms
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.point_id, table.c.minute],
        set_={
            "n": table.c.n + statement.excluded.n,
            "vmin": smaller(table.c.vmin, statement.excluded.vmin),
            "vmax": larger(table.c.vmax, statement.excluded.vmax),
            "vsum": table.c.vsum + statement.excluded.vsum,
            "last_value": case((newer, statement.excluded.last_value), else_=table.c.last_value),
            "last_ms": case((newer, statement.excluded.last_ms), else_=table.c.last_ms),
        },
    )
    db_session.execute(statement, rows)


def prune(db_session: Session, *, now: datetime, retention_days: int) -> int:
    """Delete minutes older than the retention period; returns how many rows went."""
    cutoff = to_ms(now - timedelta(days=retention_days)) // MINUTE_MS
    result = db_session.execute(delete(ReadingMinute).where(ReadingMinute.minute < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def series(
    db_session: Session, point_id: int, since: datetime, until: datetime, params: PageParams
) -> tuple[list[ReadingMinute], int]:
    """One page of the stored minutes of one point in [since, until), oldest first (the minute is the row's key)."""
    low, high = to_ms(since) // MINUTE_MS, to_ms(until) // MINUTE_MS
    query = select(ReadingMinute).where(
        ReadingMinute.point_id == point_id, ReadingMinute.minute >= low, ReadingMinute.minute < high
    )
    return paginate(db_session, query, params, order_by=[ReadingMinute.minute])


def minute_start(row: ReadingMinute) -> datetime:
    return datetime.fromtimestamp(row.minute * 60, tz=UTC)

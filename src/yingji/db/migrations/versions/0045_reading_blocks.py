"""closed minutes as packed blocks (issue 24 item 2): reading_minute (one row per point and minute) becomes
reading_block (one row per block of 128 points, minute and writer, the points' minutes packed) and reading_latest
(each point's newest reading, per block and writer); on PostgreSQL reading_block keeps the day partitions

Measured in bench/monitoring: writing closed minutes was ~70 % of the full path, one B-tree insert per point and
minute (one per 6 readings at 10 s polling); a block row carries 128 of them. The packing is written out here, not
imported, so this revision keeps converting the same way whatever readings.py becomes (docs/decisions.md
"Readings: packed blocks").

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-08
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None

DAY = 1440
MINUTE_MS = 60_000
BLOCK = 128
RECORD = np.dtype(
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
LATEST = np.dtype([("offset", "<u2"), ("last_ms", "<i8"), ("last_value", "<f8")])
COLUMNS = ("point_id", "minute", "n", "vmin", "vmax", "vsum", "last_ms", "last_value")
FLOATS = ("vmin", "vmax", "vsum", "last_value")
MINUTE_TABLE = """
  point_id INTEGER NOT NULL,
  minute BIGINT NOT NULL,
  n INTEGER NOT NULL,
  vmin FLOAT NOT NULL,
  vmax FLOAT NOT NULL,
  vsum FLOAT NOT NULL,
  last_ms BIGINT NOT NULL,
  last_value FLOAT NOT NULL,
  CONSTRAINT pk_reading_minute PRIMARY KEY (point_id, minute)"""


def _postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def _days(table: str) -> list[int]:
    found = op.get_bind().execute(sa.text(f"SELECT DISTINCT minute / {DAY} FROM {table}")).scalars()
    return sorted(int(day) for day in found)


def _partition(table: str, day: int, *, external: bool) -> None:
    op.execute(f"CREATE TABLE {table}_d{day} PARTITION OF {table} FOR VALUES FROM ({day * DAY}) TO ({(day + 1) * DAY})")
    if external:
        op.execute(f"ALTER TABLE {table}_d{day} ALTER COLUMN data SET STORAGE EXTERNAL")


def upgrade() -> None:
    postgresql = _postgresql()
    op.create_table(
        "reading_block",
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("minute", sa.BigInteger(), nullable=False),
        sa.Column("part", sa.SmallInteger(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("block", "minute", "part", name=op.f("pk_reading_block")),
        postgresql_partition_by="RANGE (minute)",
    )
    op.create_table(
        "reading_latest",
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("part", sa.SmallInteger(), nullable=False),
        sa.Column("oldest_ms", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("block", "part", name=op.f("pk_reading_latest")),
    )
    if postgresql:  # packed numbers: compression would cost time and save nothing
        op.execute("ALTER TABLE reading_block ALTER COLUMN data SET STORAGE EXTERNAL")
        op.execute("ALTER TABLE reading_latest ALTER COLUMN data SET STORAGE EXTERNAL")
    bind = op.get_bind()
    newest: dict[int, tuple[int, float]] = {}
    for day in _days("reading_minute"):
        if postgresql:
            _partition("reading_block", day, external=True)
        found = bind.execute(
            sa.text(
                f"SELECT {', '.join(COLUMNS)} FROM reading_minute WHERE minute >= :low AND minute < :high "
                "ORDER BY minute, point_id"
            ),
            {"low": day * DAY, "high": (day + 1) * DAY},
        ).all()
        columns = {name: np.array([row[k] for row in found]) for k, name in enumerate(COLUMNS)}
        rows = _blocks(columns)
        if rows:
            bind.execute(
                sa.text(
                    "INSERT INTO reading_block (block, minute, part, points, data) "
                    "VALUES (:block, :minute, 0, :points, :data)"
                ),
                rows,
            )
        for point, last_ms, last_value in zip(
            columns["point_id"].tolist(), columns["last_ms"].tolist(), columns["last_value"].tolist(), strict=True
        ):
            if last_ms > newest.get(point, (-1, 0.0))[0]:
                newest[point] = (last_ms, last_value)
    latest = _latest_rows(newest)
    if latest:
        bind.execute(
            sa.text("INSERT INTO reading_latest (block, part, oldest_ms, data) VALUES (:block, 0, :oldest_ms, :data)"),
            latest,
        )
    op.execute("DROP TABLE reading_minute CASCADE" if postgresql else "DROP TABLE reading_minute")


def _blocks(columns: dict[str, Any]) -> list[dict[str, Any]]:
    """Minute rows ordered by (minute, point) → block rows of writer 0."""
    point = columns["point_id"].astype(np.int64)
    if not point.size:
        return []
    minute = columns["minute"].astype(np.int64)
    block = point // BLOCK
    records = np.empty(point.size, RECORD)
    records["offset"] = point - block * BLOCK
    records["n"] = columns["n"]
    records["at"] = columns["last_ms"].astype(np.int64) - minute * MINUTE_MS
    for name in FLOATS:
        records[name] = columns[name]
    starts = np.flatnonzero(np.r_[True, (block[1:] != block[:-1]) | (minute[1:] != minute[:-1])])
    ends = np.r_[starts[1:], point.size]
    return [
        {"block": int(block[a]), "minute": int(minute[a]), "points": int(b - a), "data": records[a:b].tobytes()}
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
    ]


def _latest_rows(newest: dict[int, tuple[int, float]]) -> list[dict[str, Any]]:
    by_block: dict[int, list[tuple[int, int, float]]] = {}
    for point in sorted(newest):
        by_block.setdefault(point // BLOCK, []).append((point % BLOCK, *newest[point]))
    rows = []
    for block, entries in by_block.items():
        records = np.array(entries, LATEST)
        rows.append({"block": block, "oldest_ms": int(records["last_ms"].min()), "data": records.tobytes()})
    return rows


def downgrade() -> None:
    postgresql = _postgresql()
    bind = op.get_bind()
    if postgresql:
        op.execute(f"CREATE TABLE reading_minute ({MINUTE_TABLE}\n) PARTITION BY RANGE (minute)")
    else:
        op.execute(f"CREATE TABLE reading_minute ({MINUTE_TABLE}\n) WITHOUT ROWID")
    for day in _days("reading_block"):
        if postgresql:
            _partition("reading_minute", day, external=False)
        found = bind.execute(
            sa.text(
                "SELECT block, minute, data FROM reading_block WHERE minute >= :low AND minute < :high "
                "ORDER BY block, minute, part"
            ),
            {"low": day * DAY, "high": (day + 1) * DAY},
        ).all()
        rows = []
        for block, minute, data in found:
            for record in np.frombuffer(data, RECORD).tolist():
                offset, n, at, vmin, vmax, vsum, last_value = record
                rows.append(
                    {
                        "point_id": block * BLOCK + offset,
                        "minute": minute,
                        "n": n,
                        "vmin": vmin,
                        "vmax": vmax,
                        "vsum": vsum,
                        "last_ms": minute * MINUTE_MS + at,
                        "last_value": last_value,
                    }
                )
        if rows:  # a minute written by two writers (a point that moved between partitions) is merged back
            least, greatest = ("least", "greatest") if postgresql else ("min", "max")
            bind.execute(
                sa.text(
                    f"INSERT INTO reading_minute ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})"
                    " ON CONFLICT (point_id, minute) DO UPDATE SET n = reading_minute.n + excluded.n,"
                    f" vmin = {least}(reading_minute.vmin, excluded.vmin),"
                    f" vmax = {greatest}(reading_minute.vmax, excluded.vmax),"
                    " vsum = reading_minute.vsum + excluded.vsum,"
                    " last_value = CASE WHEN excluded.last_ms > reading_minute.last_ms THEN excluded.last_value"
                    " ELSE reading_minute.last_value END,"
                    f" last_ms = {greatest}(reading_minute.last_ms, excluded.last_ms)"
                ),
                rows,
            )
    op.execute("DROP TABLE reading_block CASCADE" if postgresql else "DROP TABLE reading_block")
    op.drop_table("reading_latest")

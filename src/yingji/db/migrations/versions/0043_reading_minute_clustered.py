"""readings store at the engine's pace: reading_minute without its foreign key to monitor_point and, on SQLite,
clustered on its key (WITHOUT ROWID); reading_pending's packed batches stored uncompressed on PostgreSQL

Measured in bench/monitoring: PostgreSQL checks a foreign key with a trigger per row, so COPY of closed minutes ran
at ~70 K rows/s with it; points are never deleted (retired points keep their id) and only the engine writes minute
rows, for points it loaded. A clustered SQLite table updates one B-tree per row instead of the table and its key
index. A pending batch is ~1.6 MB of packed numbers that pglz cannot shrink but spent ~60 ms trying.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None

COLUMNS = """
  point_id INTEGER NOT NULL,
  minute BIGINT NOT NULL,
  n INTEGER NOT NULL,
  vmin FLOAT NOT NULL,
  vmax FLOAT NOT NULL,
  vsum FLOAT NOT NULL,
  last_ms BIGINT NOT NULL,
  last_value FLOAT NOT NULL,
  CONSTRAINT pk_reading_minute PRIMARY KEY (point_id, minute)"""
FOREIGN_KEY = "fk_reading_minute_point_id_monitor_point"
REFERENCE = f"CONSTRAINT {FOREIGN_KEY} FOREIGN KEY(point_id) REFERENCES monitor_point (id)"


def _rebuild_sqlite(columns: str, suffix: str) -> None:
    op.execute(f"CREATE TABLE reading_minute_new ({columns}\n){suffix}")
    op.execute("INSERT INTO reading_minute_new SELECT * FROM reading_minute")
    op.execute("DROP TABLE reading_minute")
    op.execute("ALTER TABLE reading_minute_new RENAME TO reading_minute")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(COLUMNS, " WITHOUT ROWID")
        return
    op.execute(f"ALTER TABLE reading_minute DROP CONSTRAINT {FOREIGN_KEY}")
    op.execute("ALTER TABLE reading_pending ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(f"{COLUMNS},\n  {REFERENCE}", "")
        return
    op.execute("ALTER TABLE reading_pending ALTER COLUMN data SET STORAGE EXTENDED")
    op.execute(f"ALTER TABLE reading_minute ADD {REFERENCE}")

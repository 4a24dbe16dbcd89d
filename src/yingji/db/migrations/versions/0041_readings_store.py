"""readings store (issue 24 item 2): pending rows of open minutes (one packed row per batch); on PostgreSQL
reading_minute becomes partitioned by day (Unix minute ranges of 1440) so retention drops whole days

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None

DAY = 1440


def upgrade() -> None:
    op.create_table(
        "reading_pending",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("min_minute", sa.BigInteger(), nullable=False),
        sa.Column("max_minute", sa.BigInteger(), nullable=False),
        sa.Column("min_point", sa.BigInteger(), nullable=False),
        sa.Column("max_point", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_pending")),
    )
    op.create_index(op.f("ix_reading_pending_min_minute"), "reading_pending", ["min_minute"], unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE reading_minute RENAME TO reading_minute_old")
    op.execute("ALTER TABLE reading_minute_old RENAME CONSTRAINT pk_reading_minute TO pk_reading_minute_old")
    op.execute(
        "ALTER TABLE reading_minute_old RENAME CONSTRAINT fk_reading_minute_point_id_monitor_point "
        "TO fk_reading_minute_old_point_id_monitor_point"
    )
    op.execute(
        """CREATE TABLE reading_minute (
             point_id INTEGER NOT NULL,
             minute BIGINT NOT NULL,
             n INTEGER NOT NULL,
             vmin FLOAT NOT NULL,
             vmax FLOAT NOT NULL,
             vsum FLOAT NOT NULL,
             last_ms BIGINT NOT NULL,
             last_value FLOAT NOT NULL,
             CONSTRAINT pk_reading_minute PRIMARY KEY (point_id, minute),
             CONSTRAINT fk_reading_minute_point_id_monitor_point FOREIGN KEY (point_id) REFERENCES monitor_point (id)
           ) PARTITION BY RANGE (minute)"""
    )
    days = op.get_bind().execute(sa.text(f"SELECT DISTINCT minute / {DAY} FROM reading_minute_old")).scalars()
    for day in days:
        op.execute(
            f"CREATE TABLE reading_minute_d{int(day)} PARTITION OF reading_minute "
            f"FOR VALUES FROM ({int(day) * DAY}) TO ({(int(day) + 1) * DAY})"
        )
    op.execute("INSERT INTO reading_minute SELECT * FROM reading_minute_old")
    op.execute("DROP TABLE reading_minute_old")


def downgrade() -> None:
    op.drop_index(op.f("ix_reading_pending_min_minute"), table_name="reading_pending")
    op.drop_table("reading_pending")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE TABLE reading_minute_flat (LIKE reading_minute INCLUDING ALL)")
    op.execute("INSERT INTO reading_minute_flat SELECT * FROM reading_minute")
    op.execute("DROP TABLE reading_minute CASCADE")
    op.execute("ALTER TABLE reading_minute_flat RENAME TO reading_minute")
    op.execute(
        "ALTER TABLE reading_minute ADD CONSTRAINT fk_reading_minute_point_id_monitor_point "
        "FOREIGN KEY (point_id) REFERENCES monitor_point (id)"
    )

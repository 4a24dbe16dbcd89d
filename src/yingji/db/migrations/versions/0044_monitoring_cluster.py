"""monitoring cluster (issue 24 item 3): partition leases with epochs, committed sequence and engine snapshot;
worker heartbeats

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_partition_lease",
        sa.Column("partition", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=True),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("committed_seq", sa.BigInteger(), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("snapshot", sa.LargeBinary(), nullable=True),
        sa.Column("snapshot_seq", sa.BigInteger(), nullable=False),
        sa.Column("pending", sa.BigInteger(), nullable=False),
        sa.Column("commit_seconds", sa.Float(), nullable=False),
        sa.Column("arrival_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("partition", name=op.f("pk_monitoring_partition_lease")),
    )
    op.create_table(
        "monitoring_cluster_worker",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_monitoring_cluster_worker")),
    )


def downgrade() -> None:
    op.drop_table("monitoring_cluster_worker")
    op.drop_table("monitoring_partition_lease")

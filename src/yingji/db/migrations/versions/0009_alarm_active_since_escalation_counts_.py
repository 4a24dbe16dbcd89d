"""Alarm active_since: escalation counts from the latest raise

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 04:29:54.568759
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active_since", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE alarm SET active_since = raised_at")  # existing alarms: their raise is their latest
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.alter_column("active_since", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.drop_column("active_since")

"""Alarm index by site and raise time

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 03:45:54.931058
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.create_index("ix_alarm_site_raised", ["site_key", "raised_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.drop_index("ix_alarm_site_raised")

"""incident tasks: the person who carries it out (承办人) and its due time

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident_task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incident_task", schema=None) as batch_op:
        batch_op.drop_column("due_at")
        batch_op.drop_column("assignee")

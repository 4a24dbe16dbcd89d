"""throttle events: failed logins and anonymous submissions

Revision ID: 0015
Revises: 0017
Create Date: 2026-11-24

Login throttling per account and per client address, and the rate limit of the anonymous public forms (issue 21):
one row per event, kept only while some window still counts it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "throttle_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttle_event")),
    )
    op.create_index("ix_throttle_event_scope_key_at", "throttle_event", ["scope", "key", "at"])
    op.create_index("ix_throttle_event_scope_at", "throttle_event", ["scope", "at"])


def downgrade() -> None:
    op.drop_index("ix_throttle_event_scope_at", table_name="throttle_event")
    op.drop_index("ix_throttle_event_scope_key_at", table_name="throttle_event")
    op.drop_table("throttle_event")

"""inbox notices per account, and the reminder sent before a reporting clock runs out

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-07 12:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "incident",
                "escalation",
                "response",
                "clock_due",
                "clock_overdue",
                "alarm",
                "warning",
                "task",
                "hazard",
                "delivery",
                name="noticekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=True),
        sa.Column("division_code", sa.String(length=12), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "key"),
    )
    op.create_index("ix_inbox_notice_user_id", "inbox_notice", ["user_id"])
    op.create_index("ix_inbox_notice_unread", "inbox_notice", ["user_id", "read_at"])
    with op.batch_alter_table("incident_obligation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incident_obligation", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")
    op.drop_index("ix_inbox_notice_unread", table_name="inbox_notice")
    op.drop_index("ix_inbox_notice_user_id", table_name="inbox_notice")
    op.drop_table("inbox_notice")

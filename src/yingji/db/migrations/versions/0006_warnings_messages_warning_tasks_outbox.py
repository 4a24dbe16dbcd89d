"""Warnings, messages, warning tasks, outbox

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 02:11:49.767650
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "sending",
                "sent",
                "failed",
                "acknowledged",
                name="deliverystatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_item")),
        sa.UniqueConstraint("topic", "key", "channel", "recipient", name=op.f("uq_outbox_item_topic")),
    )
    with op.batch_alter_table("outbox_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_item_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_item_topic"), ["topic"], unique=False)

    op.create_table(
        "early_warning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("accident", "meteorological", name="warningkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("hazard", sa.String(length=40), nullable=True),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed", "draft", "issued", "lifted", "rejected", name="warningstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column("division_codes", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("is_exercise", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issuer_body", sa.String(length=200), nullable=True),
        sa.Column("issuer_division", sa.String(length=9), nullable=True),
        sa.Column("issued_by", sa.String(length=120), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=120), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_early_warning_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_early_warning")),
    )
    with op.batch_alter_table("early_warning", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_early_warning_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_early_warning_status"), ["status"], unique=False)

    op.create_table(
        "warning_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("msg_type", sa.String(length=10), nullable=False),
        sa.Column("identifier", sa.String(length=64), nullable=False),
        sa.Column("sent", sa.DateTime(timezone=True), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("references", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["warning_id"], ["early_warning.id"], name=op.f("fk_warning_message_warning_id_early_warning")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_message")),
        sa.UniqueConstraint("identifier", name=op.f("uq_warning_message_identifier")),
    )
    with op.batch_alter_table("warning_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_warning_message_warning_id"), ["warning_id"], unique=False)

    op.create_table(
        "warning_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("owner_unit", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["warning_id"], ["early_warning.id"], name=op.f("fk_warning_task_warning_id_early_warning")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_task")),
    )
    with op.batch_alter_table("warning_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_warning_task_warning_id"), ["warning_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("warning_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_warning_task_warning_id"))

    op.drop_table("warning_task")
    with op.batch_alter_table("warning_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_warning_message_warning_id"))

    op.drop_table("warning_message")
    with op.batch_alter_table("early_warning", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_early_warning_status"))
        batch_op.drop_index(batch_op.f("ix_early_warning_division_code"))

    op.drop_table("early_warning")
    with op.batch_alter_table("outbox_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_item_topic"))
        batch_op.drop_index(batch_op.f("ix_outbox_item_status"))

    op.drop_table("outbox_item")

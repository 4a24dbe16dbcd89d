"""recurring duties (seed 004, 杭锦旗 three-year campaign): dated instances per unit, submissions, attachments and
the monthly bulletins

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recurring_duty_instance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("duty_key", sa.String(length=100), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("remind_on", sa.Date(), nullable=False),
        sa.Column("min_times", sa.Integer(), nullable=False),
        sa.Column("submitted", sa.Integer(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("waived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waived_by", sa.String(length=64), nullable=True),
        sa.Column("waive_reason", sa.Text(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seed", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_recurring_duty_instance_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_recurring_duty_instance_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_duty_instance")),
        sa.UniqueConstraint(
            "duty_key",
            "organisation_id",
            "period_key",
            name=op.f("uq_recurring_duty_instance_duty_key"),
        ),
    )
    with op.batch_alter_table("recurring_duty_instance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recurring_duty_instance_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_recurring_duty_instance_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_recurring_duty_instance_duty_key"), ["duty_key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_recurring_duty_instance_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "recurring_duty_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("tasks_note", sa.Text(), nullable=True),
        sa.Column("problems", sa.Text(), nullable=True),
        sa.Column("next_steps", sa.Text(), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("is_late", sa.Boolean(), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["recurring_duty_instance.id"],
            name=op.f("fk_recurring_duty_submission_instance_id_recurring_duty_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_duty_submission")),
    )
    with op.batch_alter_table("recurring_duty_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recurring_duty_submission_instance_id"), ["instance_id"], unique=False)

    op.create_table(
        "recurring_duty_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["recurring_duty_instance.id"],
            name=op.f("fk_recurring_duty_attachment_instance_id_recurring_duty_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_duty_attachment")),
    )
    with op.batch_alter_table("recurring_duty_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recurring_duty_attachment_instance_id"), ["instance_id"], unique=False)

    op.create_table(
        "recurring_duty_bulletin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("ranking", sa.JSON(), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_recurring_duty_bulletin_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_duty_bulletin")),
        sa.UniqueConstraint("file_id", "month", name=op.f("uq_recurring_duty_bulletin_file_id")),
    )
    with op.batch_alter_table("recurring_duty_bulletin", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recurring_duty_bulletin_division_code"), ["division_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recurring_duty_bulletin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recurring_duty_bulletin_division_code"))
    op.drop_table("recurring_duty_bulletin")
    with op.batch_alter_table("recurring_duty_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recurring_duty_attachment_instance_id"))
    op.drop_table("recurring_duty_attachment")
    with op.batch_alter_table("recurring_duty_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recurring_duty_submission_instance_id"))
    op.drop_table("recurring_duty_submission")
    with op.batch_alter_table("recurring_duty_instance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recurring_duty_instance_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_recurring_duty_instance_duty_key"))
        batch_op.drop_index(batch_op.f("ix_recurring_duty_instance_due_on"))
        batch_op.drop_index(batch_op.f("ix_recurring_duty_instance_division_code"))
    op.drop_table("recurring_duty_instance")

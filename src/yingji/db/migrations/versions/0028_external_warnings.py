"""other agencies' CAP alerts 外部预警: the alert as received and the divisions it names

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "external_warning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("identifier", sa.String(length=200), nullable=False),
        sa.Column("sent", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("msg_type", sa.String(length=16), nullable=False),
        sa.Column(
            "state",
            sa.Enum("in_force", "updated", "cancelled", name="externalstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("event", sa.String(length=200), nullable=True),
        sa.Column("urgency", sa.String(length=16), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=True),
        sa.Column("certainty", sa.String(length=16), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("sender_name", sa.String(length=200), nullable=True),
        sa.Column("headline", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("instruction", sa.Text(), nullable=True),
        sa.Column("effective", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=True),
        sa.Column("division_codes", sa.JSON(), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"],
            ["external_warning.id"],
            name=op.f("fk_external_warning_replaced_by_id_external_warning"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_warning")),
        sa.UniqueConstraint("sender", "identifier", name=op.f("uq_external_warning_sender")),
    )
    with op.batch_alter_table("external_warning", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_external_warning_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_external_warning_expires"), ["expires"], unique=False)
    op.create_table(
        "external_warning_area",
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("stem", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["warning_id"], ["external_warning.id"], name=op.f("fk_external_warning_area_warning_id_external_warning")
        ),
        sa.PrimaryKeyConstraint("warning_id", "division_code", name=op.f("pk_external_warning_area")),
    )
    with op.batch_alter_table("external_warning_area", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_external_warning_area_stem"), ["stem"], unique=False)


def downgrade() -> None:
    op.drop_table("external_warning_area")
    op.drop_table("external_warning")

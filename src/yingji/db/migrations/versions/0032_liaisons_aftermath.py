"""plan member units' liaison officers (003#L6 2.2.3) and incidents' post-event records: loss verification, relief,
requisitions returned or compensated (003#L6 5.3–5.5)

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_liaison",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(length=80), nullable=False),
        sa.Column("unit", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("position", sa.String(length=60), nullable=True),
        sa.Column("mobile", sa.String(length=40), nullable=False),
        sa.Column("office_phone", sa.String(length=40), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_liaison")),
        sa.UniqueConstraint("plan_id", "unit", name=op.f("uq_plan_liaison_plan_id")),
    )
    op.create_table(
        "incident_aftermath",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("verification", "relief", "requisition", name="aftermathkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "recorded", "held", "returned", "compensated", name="aftermathstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("body", sa.String(length=120), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settlement", sa.JSON(), nullable=True),
        sa.Column("settled_by", sa.String(length=120), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_aftermath_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_aftermath")),
    )
    with op.batch_alter_table("incident_aftermath", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_aftermath_incident_id"), ["incident_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incident_aftermath", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_aftermath_incident_id"))

    op.drop_table("incident_aftermath")
    op.drop_table("plan_liaison")

"""entrusted law enforcement (委托执法, 003#L14): the entrusting body, the entrusted party and powers, signing,
announcement and filing dates

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enforcement_entrustment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("entrusting_body", sa.String(length=120), nullable=False),
        sa.Column("entrusted_party", sa.String(length=120), nullable=False),
        sa.Column("powers", sa.Text(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("announced_on", sa.Date(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_enforcement_entrustment_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enforcement_entrustment")),
    )
    with op.batch_alter_table("enforcement_entrustment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enforcement_entrustment_division_code"), ["division_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enforcement_entrustment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enforcement_entrustment_division_code"))

    op.drop_table("enforcement_entrustment")

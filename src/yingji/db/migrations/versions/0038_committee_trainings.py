"""owners' committees' trainings (业委会每年开展不少于2次培训, 000#L262)

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "property_committee_training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["compound_id"], ["compound.id"], name=op.f("fk_property_committee_training_compound_id_compound")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_committee_training")),
    )
    with op.batch_alter_table("property_committee_training", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_property_committee_training_compound_id"), ["compound_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("property_committee_training", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_property_committee_training_compound_id"))

    op.drop_table("property_committee_training")

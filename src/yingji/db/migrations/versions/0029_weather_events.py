"""a meteorological disaster handled on the incident command: the incident names the warning it came from

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warning_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_incident_warning_id_early_warning"), "early_warning", ["warning_id"], ["id"]
        )
        batch_op.create_unique_constraint(batch_op.f("uq_incident_warning_id"), ["warning_id"])


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_incident_warning_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_incident_warning_id_early_warning"), type_="foreignkey")
        batch_op.drop_column("warning_id")

"""obligation receipts: when a report was received, who took it, and in what capacity it was recorded

Revision ID: 0018
Revises: 0015
Create Date: 2026-11-24 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0015"
branch_labels = None
depends_on = None

# The table as this revision knows it (never the live model).
obligation = sa.table(
    "incident_obligation",
    sa.column("acknowledged_at", sa.DateTime(timezone=True)),
    sa.column("received_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("incident_obligation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acknowledged_as", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("received_by", sa.String(length=60), nullable=True))
    # Receipts recorded before this revision were timed at the moment they were recorded; their capacity is unknown.
    op.execute(
        obligation.update()
        .where(obligation.c.acknowledged_at.is_not(None))
        .values(received_at=obligation.c.acknowledged_at)
    )


def downgrade() -> None:
    with op.batch_alter_table("incident_obligation", schema=None) as batch_op:
        batch_op.drop_column("received_by")
        batch_op.drop_column("received_at")
        batch_op.drop_column("acknowledged_as")

"""tailings ponds: whether a 头顶库's emergency broadcast system is in place (000#L650)

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tailings_pond", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("has_emergency_broadcast", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("tailings_pond", schema=None) as batch_op:
        batch_op.drop_column("has_emergency_broadcast")

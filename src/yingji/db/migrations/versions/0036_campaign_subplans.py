"""campaign sub-plans: a ledger task or target belongs to a department's sub-plan of its campaign (sub-plan id and
department), names its 责任领导, and lists the problems it rectifies (the chemical park's 一园一策)

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subplan", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("department", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("leader", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("fixes", sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f("ix_ledger_task_subplan"), ["subplan"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_task_department"), ["department"], unique=False)
    with op.batch_alter_table("ledger_target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subplan", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_ledger_target_subplan"), ["subplan"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_target_subplan"))
        batch_op.drop_column("subplan")
    with op.batch_alter_table("ledger_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_task_department"))
        batch_op.drop_index(batch_op.f("ix_ledger_task_subplan"))
        batch_op.drop_column("fixes")
        batch_op.drop_column("leader")
        batch_op.drop_column("department")
        batch_op.drop_column("subplan")

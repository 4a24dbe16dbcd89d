"""division codes 12 wide on SQLite too

0012 widened the division-code columns to VARCHAR(12) on PostgreSQL only (SQLite does not enforce lengths), so a
SQLite database still declared VARCHAR(9) where the models say 12 and `alembic check` found 22 differences. SQLite
rebuilds each table in batch mode (rows copied; env.py suspends foreign-key enforcement for the rebuild and checks
every key before the commit); PostgreSQL is already right and is left alone.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

DIVISION_COLUMNS = {  # table → its division-code columns, as 0012 listed them
    "alarm": ("division_code",),
    "app_user": ("division_code",),
    "depot": ("division_code",),
    "division": ("code", "parent_code"),
    "early_warning": ("division_code", "issuer_division"),
    "expert": ("division_code",),
    "hazard": ("division_code",),
    "hazard_source": ("division_code",),
    "incident": ("division_code",),
    "ledger_target": ("division_code",),
    "ledger_task": ("division_code",),
    "mine": ("division_code",),
    "monitor_point": ("division_code",),
    "organisation": ("division_code",),
    "plan_record": ("division_code",),
    "rescue_team": ("division_code",),
    "shelter": ("division_code",),
    "tailings_pond": ("division_code",),
    "tip": ("division_code",),
    "transport_resource": ("division_code",),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in DIVISION_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=sa.String(length=9), type_=sa.String(length=12))


def downgrade() -> None:
    pass  # as in 0012, the columns stay 12 wide: community rows may exist and need them

"""Audit entries record the id of the key that signed them (None: written before the chain was keyed).

ADD COLUMN keeps the table, so the append-only triggers stay in place on both engines.

Revision ID: 0017
Revises: 0020
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_log", "key_id")

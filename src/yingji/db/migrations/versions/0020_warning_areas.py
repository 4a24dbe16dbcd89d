"""warning areas as rows

Revision ID: 0020
Revises: 0014
Create Date: 2026-12-07

Each warning's affected divisions as rows (with the code's jurisdiction stem), so a list is filtered by scope in SQL
before paging — not the newest 500 warnings platform-wide filtered afterwards. Backfilled from
early_warning.division_codes.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0014"
branch_labels = None
depends_on = None


def _stem(code: str) -> str:
    """Frozen copy of core.divisions.stem (a revision never imports application code)."""
    if len(code) != 6:
        return code
    trimmed = code
    while trimmed.endswith("00") and len(trimmed) > 2:
        trimmed = trimmed[:-2]
    return trimmed


def upgrade() -> None:
    area = op.create_table(
        "warning_area",
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("stem", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["warning_id"], ["early_warning.id"], name=op.f("fk_warning_area_warning_id_early_warning")
        ),
        sa.PrimaryKeyConstraint("warning_id", "division_code", name=op.f("pk_warning_area")),
    )
    op.create_index(op.f("ix_warning_area_stem"), "warning_area", ["stem"])
    rows = op.get_bind().execute(sa.text("SELECT id, division_codes FROM early_warning")).all()
    values = []
    for warning_id, codes in rows:
        listed = json.loads(codes) if isinstance(codes, str) else codes
        values += [{"warning_id": warning_id, "division_code": c, "stem": _stem(c)} for c in dict.fromkeys(listed)]
    if values:
        op.bulk_insert(area, values)


def downgrade() -> None:
    op.drop_index(op.f("ix_warning_area_stem"), table_name="warning_area")
    op.drop_table("warning_area")

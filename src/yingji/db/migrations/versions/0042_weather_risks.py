"""the meteorological disaster risk database (003#L6 3.1.1): risk points by place and hazard, level and source

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "weather_risk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("hazard", sa.String(length=40), nullable=False),
        sa.Column(
            "level",
            sa.Enum("high", "fairly_high", "medium", "low", name="risklevel", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("exposure", sa.Text(), nullable=True),
        sa.Column(
            "source",
            sa.Enum("census", "assessment", "zoning", name="risksource", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_weather_risk_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weather_risk")),
    )
    with op.batch_alter_table("weather_risk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_weather_risk_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_weather_risk_hazard"), ["hazard"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("weather_risk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weather_risk_hazard"))
        batch_op.drop_index(batch_op.f("ix_weather_risk_division_code"))

    op.drop_table("weather_risk")

"""key enterprises' pollutant and carbon ledger (减污降碳协同创新试点, 003#L20): NOx, VOCs, CO₂ and the
environmental facilities' efficiency per enterprise and year

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emission_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "sector",
            sa.Enum(
                "coal_power",
                "coal_chemical",
                "coking",
                "carbide",
                "other",
                name="emissionsector",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("nox_t", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("vocs_t", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("co2_t", sa.Numeric(precision=16, scale=3), nullable=False),
        sa.Column("facility_efficiency_pct", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_emission_entry_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_emission_entry_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emission_entry")),
        sa.UniqueConstraint("organisation_id", "year", name=op.f("uq_emission_entry_organisation_id")),
    )
    with op.batch_alter_table("emission_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emission_entry_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_emission_entry_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_emission_entry_year"), ["year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("emission_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emission_entry_year"))
        batch_op.drop_index(batch_op.f("ix_emission_entry_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_emission_entry_division_code"))

    op.drop_table("emission_entry")

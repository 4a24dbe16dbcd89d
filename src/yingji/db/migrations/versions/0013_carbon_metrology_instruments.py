"""carbon metrology instruments

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23

The instrument registry of the carbon-metrology instrument management platform (鄂府发〔2024〕64号, 003#L2): instruments
of the enterprises and their calibration records, the latter append-only (triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

APPEND_ONLY = ("metrology_calibration",)


def upgrade() -> None:
    op.create_table(
        "metrology_instrument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.String(length=40), nullable=False),
        sa.Column("serial_no", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=True),
        sa.Column("manufacturer", sa.String(length=120), nullable=True),
        sa.Column("measuring_range", sa.String(length=80), nullable=True),
        sa.Column("accuracy_class", sa.String(length=40), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("source_stream", sa.String(length=120), nullable=True),
        sa.Column("for_carbon_accounting", sa.Boolean(), nullable=False),
        sa.Column("interval_months", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("in_use", "suspended", "scrapped", name="instrumentstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("last_calibrated_on", sa.Date(), nullable=True),
        sa.Column(
            "last_result",
            sa.Enum("pass", "limited", "fail", name="calibrationresult", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_metrology_instrument_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_metrology_instrument_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metrology_instrument")),
        sa.UniqueConstraint("organisation_id", "serial_no", name=op.f("uq_metrology_instrument_organisation_id")),
    )
    with op.batch_alter_table("metrology_instrument", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_metrology_instrument_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_metrology_instrument_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_metrology_instrument_next_due_on"), ["next_due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_metrology_instrument_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_metrology_instrument_status"), ["status"], unique=False)

    op.create_table(
        "metrology_calibration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("calibrated_on", sa.Date(), nullable=False),
        sa.Column(
            "method",
            sa.Enum("verification", "calibration", name="calibrationmethod", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("body", sa.String(length=120), nullable=False),
        sa.Column("certificate_no", sa.String(length=64), nullable=False),
        sa.Column(
            "result",
            sa.Enum("pass", "limited", "fail", name="calibrationresult", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("interval_months", sa.Integer(), nullable=False),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["metrology_instrument.id"],
            name=op.f("fk_metrology_calibration_instrument_id_metrology_instrument"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metrology_calibration")),
        sa.UniqueConstraint("instrument_id", "certificate_no", name=op.f("uq_metrology_calibration_instrument_id")),
    )
    with op.batch_alter_table("metrology_calibration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_metrology_calibration_instrument_id"), ["instrument_id"], unique=False)

    _create_append_only(APPEND_ONLY)


def downgrade() -> None:
    _drop_append_only(APPEND_ONLY)
    with op.batch_alter_table("metrology_calibration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metrology_calibration_instrument_id"))

    op.drop_table("metrology_calibration")
    with op.batch_alter_table("metrology_instrument", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metrology_instrument_status"))
        batch_op.drop_index(batch_op.f("ix_metrology_instrument_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_metrology_instrument_next_due_on"))
        batch_op.drop_index(batch_op.f("ix_metrology_instrument_kind"))
        batch_op.drop_index(batch_op.f("ix_metrology_instrument_division_code"))

    op.drop_table("metrology_instrument")


# Frozen here (issue 20) from the shared helper this revision first used: triggers refusing UPDATE and DELETE.
def _create_append_only(tables: tuple[str, ...]) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in tables:
        if postgres:
            op.execute(
                f"CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )
        else:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def _drop_append_only(tables: tuple[str, ...]) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in tables:
        if postgres:
            op.execute(f"DROP TRIGGER {table}_no_change ON {table}")
            op.execute(f"DROP FUNCTION {table}_append_only()")
        else:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{verb}")

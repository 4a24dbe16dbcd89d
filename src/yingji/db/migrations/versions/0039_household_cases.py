"""household subsidy cases (issue 26 item 4): the case and its state; its events, documents, quality checks and
acceptances, stored calculations and payments (append-only); the administrators' choices between the readings of a
contested sentence (append-only)

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

APPEND_ONLY = (
    "subsidy_case_event",
    "subsidy_case_document",
    "subsidy_case_check",
    "subsidy_case_calculation",
    "subsidy_case_payment",
    "subsidy_reading_choice",
)


def upgrade() -> None:
    op.create_table(
        "subsidy_reading_choice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.String(length=60), nullable=False),
        sa.Column("question", sa.String(length=60), nullable=False),
        sa.Column("option", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("chosen_by", sa.String(length=64), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_reading_choice")),
    )
    with op.batch_alter_table("subsidy_reading_choice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_reading_choice_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "subsidy_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.String(length=60), nullable=False),
        sa.Column("track", sa.String(length=30), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("route", sa.String(length=40), nullable=True),
        sa.Column("contractor", sa.String(length=200), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "surveyed",
                "applied",
                "approved",
                "building",
                "inspection",
                "accepted",
                "settled",
                "rejected",
                "withdrawn",
                name="casestate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("rework", sa.Boolean(), nullable=False),
        sa.Column("failed_checks", sa.Integer(), nullable=False),
        sa.Column("milestones", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_subsidy_case_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_case")),
    )
    with op.batch_alter_table("subsidy_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_case_contractor"), ["contractor"], unique=False)
        batch_op.create_index(batch_op.f("ix_subsidy_case_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_subsidy_case_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_subsidy_case_reference"), ["reference"], unique=False)
        batch_op.create_index(batch_op.f("ix_subsidy_case_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_subsidy_case_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "subsidy_case_calculation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("calculator", sa.String(length=40), nullable=False),
        sa.Column("reading", sa.String(length=40), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("total_yuan", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("verified_by", sa.String(length=64), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["subsidy_case.id"], name=op.f("fk_subsidy_case_calculation_case_id_subsidy_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_case_calculation")),
    )
    with op.batch_alter_table("subsidy_case_calculation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_case_calculation_case_id"), ["case_id"], unique=False)

    op.create_table(
        "subsidy_case_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("quality", "materials", "acceptance", name="checkkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("contractor", sa.String(length=200), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("checked_by", sa.String(length=64), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["subsidy_case.id"], name=op.f("fk_subsidy_case_check_case_id_subsidy_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_case_check")),
    )
    with op.batch_alter_table("subsidy_case_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_case_check_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_subsidy_case_check_contractor"), ["contractor"], unique=False)

    op.create_table(
        "subsidy_case_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "survey_form",
                "application",
                "design",
                "approval",
                "construction_permit",
                "site_photo",
                "inspection",
                "acceptance_report",
                "quantity_check",
                "roster",
                "payment_voucher",
                "contract",
                "registration",
                "premium_receipt",
                "other",
                name="documentkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "stage",
            sa.Enum(
                "surveyed",
                "applied",
                "approved",
                "building",
                "inspection",
                "accepted",
                "settled",
                "rejected",
                "withdrawn",
                name="casestate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["subsidy_case.id"], name=op.f("fk_subsidy_case_document_case_id_subsidy_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_case_document")),
    )
    with op.batch_alter_table("subsidy_case_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_case_document_case_id"), ["case_id"], unique=False)

    op.create_table(
        "subsidy_case_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=32), nullable=True),
        sa.Column("to_state", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["subsidy_case.id"], name=op.f("fk_subsidy_case_event_case_id_subsidy_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_case_event")),
    )
    with op.batch_alter_table("subsidy_case_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_case_event_case_id"), ["case_id"], unique=False)

    op.create_table(
        "subsidy_case_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("calculation_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("payee", sa.String(length=100), nullable=False),
        sa.Column("amount_yuan", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("voucher_no", sa.String(length=80), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["calculation_id"],
            ["subsidy_case_calculation.id"],
            name=op.f("fk_subsidy_case_payment_calculation_id_subsidy_case_calculation"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["subsidy_case.id"], name=op.f("fk_subsidy_case_payment_case_id_subsidy_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_case_payment")),
    )
    with op.batch_alter_table("subsidy_case_payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_case_payment_calculation_id"), ["calculation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_subsidy_case_payment_case_id"), ["case_id"], unique=False)

    _create_append_only(APPEND_ONLY)


def downgrade() -> None:
    _drop_append_only(APPEND_ONLY)
    with op.batch_alter_table("subsidy_case_payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_case_payment_case_id"))
        batch_op.drop_index(batch_op.f("ix_subsidy_case_payment_calculation_id"))

    op.drop_table("subsidy_case_payment")
    with op.batch_alter_table("subsidy_case_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_case_event_case_id"))

    op.drop_table("subsidy_case_event")
    with op.batch_alter_table("subsidy_case_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_case_document_case_id"))

    op.drop_table("subsidy_case_document")
    with op.batch_alter_table("subsidy_case_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_case_check_contractor"))
        batch_op.drop_index(batch_op.f("ix_subsidy_case_check_case_id"))

    op.drop_table("subsidy_case_check")
    with op.batch_alter_table("subsidy_case_calculation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_case_calculation_case_id"))

    op.drop_table("subsidy_case_calculation")
    with op.batch_alter_table("subsidy_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_case_updated_at"))
        batch_op.drop_index(batch_op.f("ix_subsidy_case_state"))
        batch_op.drop_index(batch_op.f("ix_subsidy_case_reference"))
        batch_op.drop_index(batch_op.f("ix_subsidy_case_programme_id"))
        batch_op.drop_index(batch_op.f("ix_subsidy_case_division_code"))
        batch_op.drop_index(batch_op.f("ix_subsidy_case_contractor"))

    op.drop_table("subsidy_case")
    with op.batch_alter_table("subsidy_reading_choice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_reading_choice_programme_id"))

    op.drop_table("subsidy_reading_choice")


# Triggers refusing UPDATE and DELETE (a frozen copy of db/append_only.py: a revision imports no application code).
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

"""property service supervision

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23

Companies, compounds, contracts, fund requests, complaints, credit, duties and disclosure checks; division codes widened
to 12 digits for communities.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Communities (12-digit codes) become divisions; SQLite does not enforce VARCHAR lengths, PostgreSQL does.
DIVISION_COLUMNS = (
    ("alarm", "division_code"),
    ("app_user", "division_code"),
    ("depot", "division_code"),
    ("division", "code"),
    ("division", "parent_code"),
    ("early_warning", "division_code"),
    ("early_warning", "issuer_division"),
    ("expert", "division_code"),
    ("hazard", "division_code"),
    ("hazard_source", "division_code"),
    ("incident", "division_code"),
    ("ledger_target", "division_code"),
    ("ledger_task", "division_code"),
    ("mine", "division_code"),
    ("monitor_point", "division_code"),
    ("organisation", "division_code"),
    ("plan_record", "division_code"),
    ("rescue_team", "division_code"),
    ("shelter", "division_code"),
    ("tailings_pond", "division_code"),
    ("tip", "division_code"),
    ("transport_resource", "division_code"),
)
APPEND_ONLY = (
    "property_complaint_event",
    "property_credit_event",
    "property_credit_method",
    "property_credit_result",
    "property_survey_item",
)


def widen_division_codes(sql_type: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in DIVISION_COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {sql_type}")


def upgrade() -> None:
    op.create_table(
        "property_credit_method",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_credit_method")),
        sa.UniqueConstraint("version", name=op.f("uq_property_credit_method_version")),
    )
    op.create_table(
        "property_survey_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_survey_item")),
        sa.UniqueConstraint("programme", "key", name=op.f("uq_property_survey_item_programme")),
    )
    op.create_table(
        "property_company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("legal_person", sa.String(length=40), nullable=True),
        sa.Column("licence_date", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("party_members", sa.Integer(), nullable=False),
        sa.Column("party_branch", sa.Boolean(), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.Column("staff_pre_job_trained", sa.Integer(), nullable=False),
        sa.Column("professional_post_staff", sa.Integer(), nullable=False),
        sa.Column("professional_post_staff_continuing_educated", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_property_company_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_company")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_property_company_credit_code")),
        sa.UniqueConstraint("name", name=op.f("uq_property_company_name")),
    )
    with op.batch_alter_table("property_company", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_property_company_division_code"), ["division_code"], unique=False)

    op.create_table(
        "property_county",
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("industry_party_committee_on", sa.Date(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_property_county_division_code_division")
        ),
        sa.PrimaryKeyConstraint("division_code", name=op.f("pk_property_county")),
    )
    op.create_table(
        "property_duty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("activity", sa.String(length=30), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("min_times", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_property_duty_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_duty")),
        sa.UniqueConstraint("rule", "division_code", "period", name=op.f("uq_property_duty_rule")),
    )
    with op.batch_alter_table("property_duty", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_property_duty_division_code"), ["division_code"], unique=False)

    op.create_table(
        "compound",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("buildings", sa.Integer(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("area_m2", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("year_built", sa.Integer(), nullable=True),
        sa.Column("is_new", sa.Boolean(), nullable=False),
        sa.Column("is_old", sa.Boolean(), nullable=False),
        sa.Column(
            "management",
            sa.Enum("professional", "quasi", "none", name="management", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column(
            "committee",
            sa.Enum("none", "owners", "management", name="committee", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("committee_formed_on", sa.Date(), nullable=True),
        sa.Column("committee_eligible", sa.Boolean(), nullable=False),
        sa.Column("committee_members", sa.Integer(), nullable=True),
        sa.Column("committee_party_members", sa.Integer(), nullable=True),
        sa.Column("red_property", sa.Boolean(), nullable=False),
        sa.Column("service_grade", sa.Integer(), nullable=True),
        sa.Column("region_excellent", sa.Boolean(), nullable=False),
        sa.Column("has_public_income", sa.Boolean(), nullable=False),
        sa.Column("separate_income_account", sa.Boolean(), nullable=False),
        sa.Column("income_account", sa.String(length=100), nullable=True),
        sa.Column("fixed_parking_spaces", sa.Integer(), nullable=False),
        sa.Column("spaces_with_charging", sa.Integer(), nullable=False),
        sa.Column("fee_standard", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("collection_rate", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["property_company.id"], name=op.f("fk_compound_company_id_property_company")
        ),
        sa.ForeignKeyConstraint(["division_code"], ["division.code"], name=op.f("fk_compound_division_code_division")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compound")),
        sa.UniqueConstraint("division_code", "name", name=op.f("uq_compound_division_code")),
    )
    with op.batch_alter_table("compound", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_compound_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_compound_division_code"), ["division_code"], unique=False)

    op.create_table(
        "property_credit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("input", sa.String(length=40), nullable=False),
        sa.Column("points", sa.Double(), nullable=False),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["property_company.id"], name=op.f("fk_property_credit_event_company_id_property_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_credit_event")),
    )
    with op.batch_alter_table("property_credit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_property_credit_event_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_property_credit_event_on"), ["on"], unique=False)

    op.create_table(
        "property_credit_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("method_version", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("grade", sa.String(length=3), nullable=False),
        sa.Column("roster", sa.String(length=8), nullable=True),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column("consequences", sa.JSON(), nullable=False),
        sa.Column("contributions", sa.JSON(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["property_company.id"], name=op.f("fk_property_credit_result_company_id_property_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_credit_result")),
        sa.UniqueConstraint("company_id", "year", name=op.f("uq_property_credit_result_company_id")),
    )
    with op.batch_alter_table("property_credit_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_property_credit_result_company_id"), ["company_id"], unique=False)

    op.create_table(
        "property_duty_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("duty_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["duty_id"], ["property_duty.id"], name=op.f("fk_property_duty_record_duty_id_property_duty")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_duty_record")),
    )
    with op.batch_alter_table("property_duty_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_property_duty_record_duty_id"), ["duty_id"], unique=False)

    op.create_table(
        "property_complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("programme", sa.String(length=64), nullable=False),
        sa.Column("remit", sa.String(length=30), nullable=False),
        sa.Column("route_rule", sa.String(length=40), nullable=False),
        sa.Column(
            "level",
            sa.Enum("community", "street", "county", "department", name="level", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("handler_division", sa.String(length=12), nullable=False),
        sa.Column("dispatcher", sa.String(length=100), nullable=True),
        sa.Column("department", sa.String(length=100), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("owner_name", sa.String(length=40), nullable=True),
        sa.Column("owner_phone", sa.String(length=40), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "responded",
                "resolved",
                "closed",
                "reopened",
                name="complaintstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response_due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completion_due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("substantiated", sa.Boolean(), nullable=True),
        sa.Column("escalations", sa.Integer(), nullable=False),
        sa.Column("overdue_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["property_company.id"], name=op.f("fk_property_complaint_company_id_property_company")
        ),
        sa.ForeignKeyConstraint(
            ["compound_id"], ["compound.id"], name=op.f("fk_property_complaint_compound_id_compound")
        ),
        sa.ForeignKeyConstraint(
            ["handler_division"], ["division.code"], name=op.f("fk_property_complaint_handler_division_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_complaint")),
        sa.UniqueConstraint("number", name=op.f("uq_property_complaint_number")),
    )
    with op.batch_alter_table("property_complaint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_property_complaint_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_property_complaint_compound_id"), ["compound_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_property_complaint_filed_at"), ["filed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_property_complaint_handler_division"), ["handler_division"], unique=False)
        batch_op.create_index(batch_op.f("ix_property_complaint_state"), ["state"], unique=False)

    op.create_table(
        "property_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum("preliminary", "regular", name="contractkind", native_enum=False, length=32), nullable=False
        ),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("fee_standard", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("filing_due", sa.Date(), nullable=False),
        sa.Column("filing_basis", sa.String(length=200), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("filed_with", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["property_company.id"], name=op.f("fk_property_contract_company_id_property_company")
        ),
        sa.ForeignKeyConstraint(
            ["compound_id"], ["compound.id"], name=op.f("fk_property_contract_compound_id_compound")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_contract")),
    )
    with op.batch_alter_table("property_contract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_property_contract_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_property_contract_compound_id"), ["compound_id"], unique=False)

    op.create_table(
        "property_disclosure_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("core_shown", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("checked_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["compound_id"], ["compound.id"], name=op.f("fk_property_disclosure_check_compound_id_compound")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_disclosure_check")),
    )
    with op.batch_alter_table("property_disclosure_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_property_disclosure_check_compound_id"), ["compound_id"], unique=False)

    op.create_table(
        "property_fund_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=20), nullable=False),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("amount_yuan", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["compound_id"], ["compound.id"], name=op.f("fk_property_fund_request_compound_id_compound")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_fund_request")),
    )
    with op.batch_alter_table("property_fund_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_property_fund_request_compound_id"), ["compound_id"], unique=False)

    op.create_table(
        "property_complaint_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "level",
            sa.Enum("community", "street", "county", "department", name="level", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["property_complaint.id"],
            name=op.f("fk_property_complaint_event_complaint_id_property_complaint"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_complaint_event")),
    )
    with op.batch_alter_table("property_complaint_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_property_complaint_event_complaint_id"), ["complaint_id"], unique=False)

    widen_division_codes("VARCHAR(12)")
    _create_append_only(APPEND_ONLY)


def downgrade() -> None:
    _drop_append_only(APPEND_ONLY)  # division columns stay 12 wide: community rows may exist and need them

    with op.batch_alter_table("property_complaint_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_property_complaint_event_complaint_id"))

    op.drop_table("property_complaint_event")
    with op.batch_alter_table("property_fund_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_property_fund_request_compound_id"))

    op.drop_table("property_fund_request")
    with op.batch_alter_table("property_disclosure_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_property_disclosure_check_compound_id"))

    op.drop_table("property_disclosure_check")
    with op.batch_alter_table("property_contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_property_contract_compound_id"))
        batch_op.drop_index(batch_op.f("ix_property_contract_company_id"))

    op.drop_table("property_contract")
    with op.batch_alter_table("property_complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_property_complaint_state"))
        batch_op.drop_index(batch_op.f("ix_property_complaint_handler_division"))
        batch_op.drop_index(batch_op.f("ix_property_complaint_filed_at"))
        batch_op.drop_index(batch_op.f("ix_property_complaint_compound_id"))
        batch_op.drop_index(batch_op.f("ix_property_complaint_company_id"))

    op.drop_table("property_complaint")
    with op.batch_alter_table("property_duty_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_property_duty_record_duty_id"))

    op.drop_table("property_duty_record")
    with op.batch_alter_table("property_credit_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_property_credit_result_company_id"))

    op.drop_table("property_credit_result")
    with op.batch_alter_table("property_credit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_property_credit_event_on"))
        batch_op.drop_index(batch_op.f("ix_property_credit_event_company_id"))

    op.drop_table("property_credit_event")
    with op.batch_alter_table("compound", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_compound_division_code"))
        batch_op.drop_index(batch_op.f("ix_compound_company_id"))

    op.drop_table("compound")
    with op.batch_alter_table("property_duty", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_property_duty_division_code"))

    op.drop_table("property_duty")
    op.drop_table("property_county")
    with op.batch_alter_table("property_company", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_property_company_division_code"))

    op.drop_table("property_company")
    op.drop_table("property_survey_item")
    op.drop_table("property_credit_method")


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

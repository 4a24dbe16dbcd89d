"""hazard rules from seed 004 (the week's deadline and its consent, fake rectification's accountability, the actual
controller) and the enforcement chain

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

APPEND_ONLY = ("hazard_accountability",)  # accountability is recorded, never rewritten


def upgrade() -> None:
    op.create_table(
        "hazard_accountability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=False),
        sa.Column(
            "fault",
            sa.Enum("fake", "paper", "incomplete", name="rectificationfault", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("signed_off_by", sa.String(length=64), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.String(length=64), nullable=True),
        sa.Column("responsible", sa.String(length=80), nullable=True),
        sa.Column("principal", sa.String(length=40), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"], name=op.f("fk_hazard_accountability_hazard_id_hazard")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_accountability")),
    )
    with op.batch_alter_table("hazard_accountability", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hazard_accountability_hazard_id"), ["hazard_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazard_accountability_signed_off_by"), ["signed_off_by"], unique=False)

    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("requested_deadline", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("deadline_consented_by", sa.String(length=64), nullable=True))

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("controller_name", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("controller_phone", sa.String(length=40), nullable=True))

    op.create_table(
        "inspection_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("enterprise_ids", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_inspection_plan_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_plan")),
    )
    with op.batch_alter_table("inspection_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_plan_division_code"), ["division_code"], unique=False)

    op.create_table(
        "blacklist_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column(
            "kind", sa.Enum("forestry", "fire", "other", name="listkind", native_enum=False, length=32), nullable=False
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("listing_body_id", sa.Integer(), nullable=True),
        sa.Column("listed_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("removed_by", sa.String(length=64), nullable=True),
        sa.Column("removal_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_blacklist_entry_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["listing_body_id"], ["organisation.id"], name=op.f("fk_blacklist_entry_listing_body_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_blacklist_entry_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blacklist_entry")),
    )
    with op.batch_alter_table("blacklist_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_blacklist_entry_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_blacklist_entry_expires_on"), ["expires_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_blacklist_entry_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_blacklist_entry_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "inspection_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("inspected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inspectors", sa.JSON(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_inspection_record_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_inspection_record_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["inspection_plan.id"], name=op.f("fk_inspection_record_plan_id_inspection_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_record")),
    )
    with op.batch_alter_table("inspection_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_record_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_record_inspected_at"), ["inspected_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_record_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_record_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "inspection_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_inspection_finding_division_code_division")
        ),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"], name=op.f("fk_inspection_finding_hazard_id_hazard")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_inspection_finding_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["inspection_record.id"], name=op.f("fk_inspection_finding_record_id_inspection_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_finding")),
    )
    with op.batch_alter_table("inspection_finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_finding_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_finding_hazard_id"), ["hazard_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_finding_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_finding_record_id"), ["record_id"], unique=False)

    op.create_table(
        "inspection_finding_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["inspection_finding.id"],
            name=op.f("fk_inspection_finding_photo_finding_id_inspection_finding"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_finding_photo")),
    )
    with op.batch_alter_table("inspection_finding_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_finding_photo_finding_id"), ["finding_id"], unique=False)

    op.create_table(
        "violation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum("inspection", "hazard", "accident_rule", name="violationsource", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("hazard_id", sa.Integer(), nullable=True),
        sa.Column("trigger_key", sa.String(length=200), nullable=True),
        sa.Column("incident_ids", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column(
            "liability",
            sa.Enum("leniency", "penalty", "pending", "none", name="liability", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "proposed_measure",
            sa.Enum("correct", "fine", "suspend", "licence", name="measure", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("proposed_fine_yuan", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column(
            "state",
            sa.Enum("proposed", "decided", "withdrawn", name="violationstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "decided_measure",
            sa.Enum("correct", "fine", "suspend", "licence", name="measure", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("decided_fine_yuan", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("deciding_body_id", sa.Integer(), nullable=True),
        sa.Column("decision_no", sa.String(length=80), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deciding_body_id"], ["organisation.id"], name=op.f("fk_violation_deciding_body_id_organisation")
        ),
        sa.ForeignKeyConstraint(["division_code"], ["division.code"], name=op.f("fk_violation_division_code_division")),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["inspection_finding.id"], name=op.f("fk_violation_finding_id_inspection_finding")
        ),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"], name=op.f("fk_violation_hazard_id_hazard")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_violation_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_violation")),
        sa.UniqueConstraint("finding_id", name=op.f("uq_violation_finding_id")),
        sa.UniqueConstraint("trigger_key", name=op.f("uq_violation_trigger_key")),
    )
    with op.batch_alter_table("violation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_violation_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_violation_hazard_id"), ["hazard_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_violation_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_violation_state"), ["state"], unique=False)

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("violation_id", sa.Integer(), nullable=True),
        sa.Column("to_body_id", sa.Integer(), nullable=False),
        sa.Column("to_division_code", sa.String(length=12), nullable=False),
        sa.Column("matter", sa.Text(), nullable=False),
        sa.Column("reply_due", sa.Date(), nullable=False),
        sa.Column(
            "state", sa.Enum("sent", "replied", name="referralstate", native_enum=False, length=32), nullable=False
        ),
        sa.Column("sent_by", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_by", sa.String(length=64), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["division_code"], ["division.code"], name=op.f("fk_referral_division_code_division")),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["inspection_finding.id"], name=op.f("fk_referral_finding_id_inspection_finding")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_referral_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["to_body_id"], ["organisation.id"], name=op.f("fk_referral_to_body_id_organisation")),
        sa.ForeignKeyConstraint(
            ["to_division_code"], ["division.code"], name=op.f("fk_referral_to_division_code_division")
        ),
        sa.ForeignKeyConstraint(["violation_id"], ["violation.id"], name=op.f("fk_referral_violation_id_violation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_finding_id"), ["finding_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_reply_due"), ["reply_due"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_to_body_id"), ["to_body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_to_division_code"), ["to_division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_violation_id"), ["violation_id"], unique=False)

    _create_append_only(APPEND_ONLY)


def downgrade() -> None:
    _drop_append_only(APPEND_ONLY)
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_violation_id"))
        batch_op.drop_index(batch_op.f("ix_referral_to_division_code"))
        batch_op.drop_index(batch_op.f("ix_referral_to_body_id"))
        batch_op.drop_index(batch_op.f("ix_referral_state"))
        batch_op.drop_index(batch_op.f("ix_referral_reply_due"))
        batch_op.drop_index(batch_op.f("ix_referral_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_referral_finding_id"))
        batch_op.drop_index(batch_op.f("ix_referral_division_code"))

    op.drop_table("referral")
    with op.batch_alter_table("violation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_violation_state"))
        batch_op.drop_index(batch_op.f("ix_violation_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_violation_hazard_id"))
        batch_op.drop_index(batch_op.f("ix_violation_division_code"))

    op.drop_table("violation")
    with op.batch_alter_table("inspection_finding_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_finding_photo_finding_id"))

    op.drop_table("inspection_finding_photo")
    with op.batch_alter_table("inspection_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_finding_record_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_finding_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_finding_hazard_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_finding_division_code"))

    op.drop_table("inspection_finding")
    with op.batch_alter_table("inspection_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_record_plan_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_record_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_record_inspected_at"))
        batch_op.drop_index(batch_op.f("ix_inspection_record_division_code"))

    op.drop_table("inspection_record")
    with op.batch_alter_table("blacklist_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blacklist_entry_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_blacklist_entry_kind"))
        batch_op.drop_index(batch_op.f("ix_blacklist_entry_expires_on"))
        batch_op.drop_index(batch_op.f("ix_blacklist_entry_division_code"))

    op.drop_table("blacklist_entry")
    with op.batch_alter_table("inspection_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_plan_division_code"))

    op.drop_table("inspection_plan")

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("controller_phone")
        batch_op.drop_column("controller_name")

    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.drop_column("deadline_consented_by")
        batch_op.drop_column("requested_deadline")
        batch_op.drop_column("deadline_reason")

    with op.batch_alter_table("hazard_accountability", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hazard_accountability_signed_off_by"))
        batch_op.drop_index(batch_op.f("ix_hazard_accountability_hazard_id"))

    op.drop_table("hazard_accountability")


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

"""mine supervision registers (seed 002): mine profiles (depth, rock-burst monitoring, territorial supervisor),
hidden-disaster-factor censuses and findings, goafs in four colours, milestone deadlines, site warnings, pond
dispositions, capacity-increase requests, standardisation history, liability policies and insurer inspections,
third-party agencies and their evaluations, equipment files, the plan's evaluations

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("services", sa.String(length=200), nullable=False),
        sa.Column("negative", sa.Boolean(), nullable=False),
        sa.Column("negative_reason", sa.Text(), nullable=True),
        sa.Column("listed_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_service_agency_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_agency")),
        sa.UniqueConstraint("name", name=op.f("uq_service_agency_name")),
    )
    with op.batch_alter_table("service_agency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_agency_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_agency_negative"), ["negative"], unique=False)

    op.create_table(
        "liability_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("insurer", sa.String(length=120), nullable=False),
        sa.Column("policy_no", sa.String(length=60), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_liability_policy_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_liability_policy_enterprise_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_liability_policy")),
        sa.UniqueConstraint("insurer", "policy_no", name=op.f("uq_liability_policy_insurer")),
    )
    with op.batch_alter_table("liability_policy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_liability_policy_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_liability_policy_enterprise_id"), ["enterprise_id"], unique=False)

    op.create_table(
        "service_agency_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evaluated_by", sa.String(length=64), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["service_agency.id"], name=op.f("fk_service_agency_evaluation_agency_id_service_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_agency_evaluation")),
        sa.UniqueConstraint("agency_id", "year", name=op.f("uq_service_agency_evaluation_agency_id")),
    )
    with op.batch_alter_table("service_agency_evaluation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_agency_evaluation_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "insurer_inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["liability_policy.id"], name=op.f("fk_insurer_inspection_policy_id_liability_policy")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurer_inspection")),
    )
    with op.batch_alter_table("insurer_inspection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurer_inspection_policy_id"), ["policy_id"], unique=False)

    op.create_table(
        "capacity_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mine_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("current_t", sa.Integer(), nullable=True),
        sa.Column("requested_t", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("applied", "approved", "refused", name="capacitystate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("applied_by", sa.String(length=64), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_capacity_request_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_capacity_request_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(["mine_id"], ["mine.id"], name=op.f("fk_capacity_request_mine_id_mine")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_request")),
    )
    with op.batch_alter_table("capacity_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capacity_request_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_capacity_request_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_capacity_request_mine_id"), ["mine_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_capacity_request_state"), ["state"], unique=False)

    op.create_table(
        "goaf",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mine_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.Enum("goaf", "support", name="goafkind", native_enum=False, length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "colour",
            sa.Enum("red", "orange", "yellow", "blue", name="riskcolour", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum("identified", "treating", "treated", name="goafstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("volume_m3", sa.Float(), nullable=True),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.Column("is_key", sa.Boolean(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["division_code"], ["division.code"], name=op.f("fk_goaf_division_code_division")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_goaf_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(["mine_id"], ["mine.id"], name=op.f("fk_goaf_mine_id_mine")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goaf")),
    )
    with op.batch_alter_table("goaf", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goaf_colour"), ["colour"], unique=False)
        batch_op.create_index(batch_op.f("ix_goaf_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_goaf_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goaf_mine_id"), ["mine_id"], unique=False)

    op.create_table(
        "hidden_factor_census",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mine_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("in_progress", "completed", name="censusstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("conducted_by", sa.String(length=120), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["service_agency.id"], name=op.f("fk_hidden_factor_census_agency_id_service_agency")
        ),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_hidden_factor_census_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_hidden_factor_census_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(["mine_id"], ["mine.id"], name=op.f("fk_hidden_factor_census_mine_id_mine")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hidden_factor_census")),
        sa.UniqueConstraint("mine_id", "year", name=op.f("uq_hidden_factor_census_mine_id")),
    )
    with op.batch_alter_table("hidden_factor_census", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hidden_factor_census_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_hidden_factor_census_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hidden_factor_census_mine_id"), ["mine_id"], unique=False)

    op.create_table(
        "mine_deadline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mine_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_mine_deadline_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_mine_deadline_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(["mine_id"], ["mine.id"], name=op.f("fk_mine_deadline_mine_id_mine")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mine_deadline")),
        sa.UniqueConstraint("mine_id", "code", name=op.f("uq_mine_deadline_mine_id")),
    )
    with op.batch_alter_table("mine_deadline", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mine_deadline_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_mine_deadline_due"), ["due"], unique=False)
        batch_op.create_index(batch_op.f("ix_mine_deadline_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mine_deadline_mine_id"), ["mine_id"], unique=False)

    op.create_table(
        "mine_equipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mine_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "hoist",
                "transport",
                "ventilation",
                "drainage",
                "power",
                "compressed_air",
                "mining",
                "loading",
                name="equipmentcategory",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=True),
        sa.Column("serial_no", sa.String(length=80), nullable=True),
        sa.Column("installed_on", sa.Date(), nullable=True),
        sa.Column("last_inspected_on", sa.Date(), nullable=True),
        sa.Column(
            "condition",
            sa.Enum("normal", "faulty", "retired", name="equipmentcondition", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("in_service", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_mine_equipment_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_mine_equipment_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(["mine_id"], ["mine.id"], name=op.f("fk_mine_equipment_mine_id_mine")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mine_equipment")),
    )
    with op.batch_alter_table("mine_equipment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mine_equipment_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_mine_equipment_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mine_equipment_mine_id"), ["mine_id"], unique=False)

    op.create_table(
        "mine_profile",
        sa.Column("mine_id", sa.Integer(), nullable=False),
        sa.Column("depth_m", sa.Float(), nullable=True),
        sa.Column("rock_burst_monitoring", sa.Boolean(), nullable=False),
        sa.Column("state_owned_large", sa.Boolean(), nullable=False),
        sa.Column("central_enterprise", sa.Boolean(), nullable=False),
        sa.Column("territorial_org_id", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["mine_id"], ["mine.id"], name=op.f("fk_mine_profile_mine_id_mine")),
        sa.ForeignKeyConstraint(
            ["territorial_org_id"], ["organisation.id"], name=op.f("fk_mine_profile_territorial_org_id_organisation")
        ),
        sa.PrimaryKeyConstraint("mine_id", name=op.f("pk_mine_profile")),
    )
    op.create_table(
        "pond_disposition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pond_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "up_to_standard", "suspend", "close_and_cancel", name="ponddisposition", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum("assigned", "submitted", "accepted", name="dispositionstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_pond_disposition_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_pond_disposition_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["pond_id"], ["tailings_pond.id"], name=op.f("fk_pond_disposition_pond_id_tailings_pond")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pond_disposition")),
        sa.UniqueConstraint("pond_id", name=op.f("uq_pond_disposition_pond_id")),
    )
    with op.batch_alter_table("pond_disposition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pond_disposition_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_pond_disposition_enterprise_id"), ["enterprise_id"], unique=False)

    op.create_table(
        "standardisation_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mine_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column(
            "grade",
            sa.Enum("level_1", "level_2", "level_3", "none", name="standardisationgrade", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_standardisation_event_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_standardisation_event_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(["mine_id"], ["mine.id"], name=op.f("fk_standardisation_event_mine_id_mine")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standardisation_event")),
    )
    with op.batch_alter_table("standardisation_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_standardisation_event_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_standardisation_event_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_standardisation_event_mine_id"), ["mine_id"], unique=False)

    op.create_table(
        "hidden_factor_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("census_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "frozen_slope",
                "old_water",
                "goaf",
                "pond_ice",
                "other",
                name="factorkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("treatment", sa.Text(), nullable=True),
        sa.Column("treated_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["census_id"],
            ["hidden_factor_census.id"],
            name=op.f("fk_hidden_factor_finding_census_id_hidden_factor_census"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hidden_factor_finding")),
    )
    with op.batch_alter_table("hidden_factor_finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hidden_factor_finding_census_id"), ["census_id"], unique=False)

    op.create_table(
        "site_warning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mine_id", sa.Integer(), nullable=True),
        sa.Column("pond_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("assessment", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("pushed", "responded", "closed", name="warningstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("pushed_by", sa.String(length=64), nullable=False),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("respond_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("close_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("responded_by", sa.String(length=64), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alarm_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["alarm_id"], ["alarm.id"], name=op.f("fk_site_warning_alarm_id_alarm")),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_site_warning_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_site_warning_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(["mine_id"], ["mine.id"], name=op.f("fk_site_warning_mine_id_mine")),
        sa.ForeignKeyConstraint(["pond_id"], ["tailings_pond.id"], name=op.f("fk_site_warning_pond_id_tailings_pond")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_warning")),
    )
    with op.batch_alter_table("site_warning", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_warning_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_site_warning_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_site_warning_mine_id"), ["mine_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_site_warning_pond_id"), ["pond_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_site_warning_state"), ["state"], unique=False)
    op.create_table(
        "plan_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum("mid_term", "final", name="evaluationkind", native_enum=False, length=32), nullable=False
        ),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column(
            "state",
            sa.Enum("drafting", "submitted", "concluded", name="evaluationstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("concluded_by", sa.String(length=64), nullable=True),
        sa.Column("concluded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("conclusion", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_plan_evaluation_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_evaluation")),
        sa.UniqueConstraint("kind", "division_code", name=op.f("uq_plan_evaluation_kind")),
    )
    with op.batch_alter_table("plan_evaluation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_evaluation_division_code"), ["division_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_evaluation_division_code"))

    op.drop_table("plan_evaluation")
    with op.batch_alter_table("site_warning", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_warning_state"))
        batch_op.drop_index(batch_op.f("ix_site_warning_pond_id"))
        batch_op.drop_index(batch_op.f("ix_site_warning_mine_id"))
        batch_op.drop_index(batch_op.f("ix_site_warning_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_site_warning_division_code"))

    op.drop_table("site_warning")
    with op.batch_alter_table("hidden_factor_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hidden_factor_finding_census_id"))

    op.drop_table("hidden_factor_finding")
    with op.batch_alter_table("standardisation_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standardisation_event_mine_id"))
        batch_op.drop_index(batch_op.f("ix_standardisation_event_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_standardisation_event_division_code"))

    op.drop_table("standardisation_event")
    with op.batch_alter_table("pond_disposition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pond_disposition_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_pond_disposition_division_code"))

    op.drop_table("pond_disposition")
    op.drop_table("mine_profile")
    with op.batch_alter_table("mine_equipment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mine_equipment_mine_id"))
        batch_op.drop_index(batch_op.f("ix_mine_equipment_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_mine_equipment_division_code"))

    op.drop_table("mine_equipment")
    with op.batch_alter_table("mine_deadline", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mine_deadline_mine_id"))
        batch_op.drop_index(batch_op.f("ix_mine_deadline_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_mine_deadline_due"))
        batch_op.drop_index(batch_op.f("ix_mine_deadline_division_code"))

    op.drop_table("mine_deadline")
    with op.batch_alter_table("hidden_factor_census", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hidden_factor_census_mine_id"))
        batch_op.drop_index(batch_op.f("ix_hidden_factor_census_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_hidden_factor_census_division_code"))

    op.drop_table("hidden_factor_census")
    with op.batch_alter_table("goaf", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goaf_mine_id"))
        batch_op.drop_index(batch_op.f("ix_goaf_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_goaf_division_code"))
        batch_op.drop_index(batch_op.f("ix_goaf_colour"))

    op.drop_table("goaf")
    with op.batch_alter_table("capacity_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capacity_request_state"))
        batch_op.drop_index(batch_op.f("ix_capacity_request_mine_id"))
        batch_op.drop_index(batch_op.f("ix_capacity_request_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_capacity_request_division_code"))

    op.drop_table("capacity_request")
    with op.batch_alter_table("insurer_inspection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurer_inspection_policy_id"))

    op.drop_table("insurer_inspection")
    with op.batch_alter_table("service_agency_evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_agency_evaluation_agency_id"))

    op.drop_table("service_agency_evaluation")
    with op.batch_alter_table("liability_policy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_liability_policy_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_liability_policy_division_code"))

    op.drop_table("liability_policy")
    with op.batch_alter_table("service_agency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_agency_negative"))
        batch_op.drop_index(batch_op.f("ix_service_agency_division_code"))

    op.drop_table("service_agency")

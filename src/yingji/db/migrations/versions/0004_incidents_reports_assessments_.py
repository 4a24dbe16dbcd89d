"""Incidents, reports, assessments, obligations, responses, tasks, timeline

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 01:43:11.662987
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column(
            "sector",
            sa.Enum(
                "coal_mine",
                "non_coal_mine",
                "industry_trade",
                "other",
                name="accidentsector",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("accident_type", sa.String(length=40), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("mine_id", sa.Integer(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("known_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum("reported", "responding", "ended", name="incidentstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("plan_ids", sa.JSON(), nullable=False),
        sa.Column("plan_override", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["division_code"], ["division.code"], name=op.f("fk_incident_division_code_division")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_incident_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(["mine_id"], ["mine.id"], name=op.f("fk_incident_mine_id_mine")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_enterprise_id"), ["enterprise_id"], unique=False)

    op.create_table(
        "incident_dispatch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("resource_kind", sa.String(length=20), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("resource_name", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("dispatched_by", sa.String(length=120), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_dispatch_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_dispatch")),
    )
    with op.batch_alter_table("incident_dispatch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_dispatch_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "incident_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], name=op.f("fk_incident_event_incident_id_incident")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_event")),
        sa.UniqueConstraint("incident_id", "seq", name=op.f("uq_incident_event_incident_id")),
    )
    with op.batch_alter_table("incident_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_event_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "incident_obligation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "report",
                "supplementary_window",
                "evaluation_report",
                "post_event",
                name="obligationkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("from_body", sa.String(length=200), nullable=False),
        sa.Column("to_body", sa.String(length=200), nullable=False),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_minutes", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=120), nullable=True),
        sa.Column("overdue_flagged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_obligation_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_obligation")),
        sa.UniqueConstraint(
            "incident_id",
            "plan_id",
            "kind",
            "from_body",
            "to_body",
            "form",
            name=op.f("uq_incident_obligation_incident_id"),
        ),
    )
    with op.batch_alter_table("incident_obligation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_obligation_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_obligation_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "incident_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("initial", "follow_up", "final", name="reportkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("client_key", sa.String(length=80), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("submitted_by", sa.String(length=120), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], name=op.f("fk_incident_report_incident_id_incident")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_report")),
        sa.UniqueConstraint("client_key", name=op.f("uq_incident_report_client_key")),
    )
    with op.batch_alter_table("incident_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_report_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "incident_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("started_by", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("has_onsite_hq", sa.Boolean(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_response_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_response")),
    )
    with op.batch_alter_table("incident_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_response_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "incident_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("in_scope", sa.Boolean(), nullable=False),
        sa.Column("response_level", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("lead_body", sa.String(length=200), nullable=True),
        sa.Column("release_authority", sa.String(length=200), nullable=True),
        sa.Column("upgrade_to", sa.Integer(), nullable=True),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_assessment_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["incident_report.id"], name=op.f("fk_incident_assessment_report_id_incident_report")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_assessment")),
    )
    with op.batch_alter_table("incident_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_assessment_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "incident_end_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("condition", sa.String(length=200), nullable=False),
        sa.Column("confirmed_by", sa.String(length=120), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"], ["incident_response.id"], name=op.f("fk_incident_end_check_response_id_incident_response")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_end_check")),
        sa.UniqueConstraint("response_id", "condition", name=op.f("uq_incident_end_check_response_id")),
    )
    with op.batch_alter_table("incident_end_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_end_check_response_id"), ["response_id"], unique=False)

    op.create_table(
        "incident_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum("member_duty", "level_action", "working_group", name="tasksource", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("group_name", sa.String(length=60), nullable=True),
        sa.Column("owner_unit", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "in_progress", "done", name="taskstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], name=op.f("fk_incident_task_incident_id_incident")),
        sa.ForeignKeyConstraint(
            ["response_id"], ["incident_response.id"], name=op.f("fk_incident_task_response_id_incident_response")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_task")),
    )
    with op.batch_alter_table("incident_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_task_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_task_response_id"), ["response_id"], unique=False)

    _timeline_append_only()


def _timeline_append_only() -> None:
    """The timeline is evidence: like the audit log it refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION incident_event_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'incident_event is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER incident_event_no_change BEFORE UPDATE OR DELETE ON incident_event "
            "FOR EACH ROW EXECUTE FUNCTION incident_event_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER incident_event_no_{verb.lower()} BEFORE {verb} ON incident_event "
                "BEGIN SELECT RAISE(ABORT, 'incident_event is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER incident_event_no_change ON incident_event")
        op.execute("DROP FUNCTION incident_event_append_only()")
    with op.batch_alter_table("incident_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_task_response_id"))
        batch_op.drop_index(batch_op.f("ix_incident_task_incident_id"))

    op.drop_table("incident_task")
    with op.batch_alter_table("incident_end_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_end_check_response_id"))

    op.drop_table("incident_end_check")
    with op.batch_alter_table("incident_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_assessment_incident_id"))

    op.drop_table("incident_assessment")
    with op.batch_alter_table("incident_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_response_incident_id"))

    op.drop_table("incident_response")
    with op.batch_alter_table("incident_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_report_incident_id"))

    op.drop_table("incident_report")
    with op.batch_alter_table("incident_obligation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_obligation_incident_id"))
        batch_op.drop_index(batch_op.f("ix_incident_obligation_due_at"))

    op.drop_table("incident_obligation")
    with op.batch_alter_table("incident_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_event_incident_id"))

    op.drop_table("incident_event")
    with op.batch_alter_table("incident_dispatch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_dispatch_incident_id"))

    op.drop_table("incident_dispatch")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_incident_division_code"))

    op.drop_table("incident")

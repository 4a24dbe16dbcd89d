"""Plan registry: plans and their dated activities

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 04:45:59.029184
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("doc_no", sa.String(length=80), nullable=True),
        sa.Column(
            "holder_kind",
            sa.Enum("government", "department", "enterprise", name="holderkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("holder_name", sa.String(length=120), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column(
            "plan_type",
            sa.Enum(
                "overall",
                "special",
                "department",
                "comprehensive",
                "enterprise_special",
                "on_site",
                name="plantype",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("production_safety", sa.Boolean(), nullable=False),
        sa.Column("high_risk", sa.Boolean(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("filed_with", sa.String(length=120), nullable=True),
        sa.Column("bundled_plan_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_plan_record_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_plan_record_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_record")),
        sa.UniqueConstraint("bundled_plan_id", name=op.f("uq_plan_record_bundled_plan_id")),
        sa.UniqueConstraint("doc_no", name=op.f("uq_plan_record_doc_no")),
    )
    with op.batch_alter_table("plan_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_record_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_record_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "plan_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "filing", "drill", "evaluation", "revision_trigger", name="activitykind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan_record.id"], name=op.f("fk_plan_activity_plan_id_plan_record")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_activity")),
    )
    with op.batch_alter_table("plan_activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_activity_plan_id"), ["plan_id"], unique=False)
    _activities_append_only()


def _activities_append_only() -> None:
    """A plan's filings, drills and evaluations are a record: UPDATE and DELETE are refused."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION plan_activity_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'plan_activity is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER plan_activity_no_change BEFORE UPDATE OR DELETE ON plan_activity "
            "FOR EACH ROW EXECUTE FUNCTION plan_activity_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER plan_activity_no_{verb.lower()} BEFORE {verb} ON plan_activity "
                "BEGIN SELECT RAISE(ABORT, 'plan_activity is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER plan_activity_no_change ON plan_activity")
        op.execute("DROP FUNCTION plan_activity_append_only()")
    with op.batch_alter_table("plan_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_activity_plan_id"))

    op.drop_table("plan_activity")
    with op.batch_alter_table("plan_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_record_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_plan_record_division_code"))

    op.drop_table("plan_record")

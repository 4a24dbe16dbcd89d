"""the quality award's cultivation pool (培育库, 000#L93-L95) with its support records, and the two-way ratings of
evaluators and applicants (双向监督反馈评价机制, 000#L169)

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None

APPEND_ONLY = ("programme_cultivation_support", "programme_rating")


def upgrade() -> None:
    op.create_table(
        "programme_cultivation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.String(length=40), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("subject_name", sa.String(length=120), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("route", sa.String(length=20), nullable=False),
        sa.Column("recommender", sa.String(length=120), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("pending", "admitted", "declined", name="cultivationstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("filed_by", sa.String(length=80), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_programme_cultivation_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_cultivation")),
    )
    with op.batch_alter_table("programme_cultivation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_cultivation_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_programme_cultivation_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programme_cultivation_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programme_cultivation_state"), ["state"], unique=False)

    op.create_table(
        "programme_cultivation_support",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cultivation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cultivation_id"],
            ["programme_cultivation.id"],
            name=op.f("fk_programme_cultivation_support_cultivation_id_programme_cultivation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_cultivation_support")),
    )
    with op.batch_alter_table("programme_cultivation_support", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_cultivation_support_cultivation_id"), ["cultivation_id"], unique=False
        )

    op.create_table(
        "programme_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("of_evaluator", "of_applicant", name="ratingdirection", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("misconduct", sa.Boolean(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("rated_by", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["programme_application.id"],
            name=op.f("fk_programme_rating_application_id_programme_application"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["programme_panel_member.id"],
            name=op.f("fk_programme_rating_member_id_programme_panel_member"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["programme_round.id"], name=op.f("fk_programme_rating_round_id_programme_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_rating")),
        sa.UniqueConstraint(
            "application_id", "member_id", "direction", name=op.f("uq_programme_rating_application_id")
        ),
    )
    with op.batch_alter_table("programme_rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_rating_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programme_rating_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programme_rating_round_id"), ["round_id"], unique=False)

    _create_append_only(APPEND_ONLY)


def downgrade() -> None:
    _drop_append_only(APPEND_ONLY)
    with op.batch_alter_table("programme_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_rating_round_id"))
        batch_op.drop_index(batch_op.f("ix_programme_rating_member_id"))
        batch_op.drop_index(batch_op.f("ix_programme_rating_application_id"))

    op.drop_table("programme_rating")
    with op.batch_alter_table("programme_cultivation_support", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_cultivation_support_cultivation_id"))

    op.drop_table("programme_cultivation_support")
    with op.batch_alter_table("programme_cultivation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_cultivation_state"))
        batch_op.drop_index(batch_op.f("ix_programme_cultivation_programme_id"))
        batch_op.drop_index(batch_op.f("ix_programme_cultivation_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_programme_cultivation_division_code"))

    op.drop_table("programme_cultivation")


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

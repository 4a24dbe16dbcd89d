"""hazard rules from seed 004 (the week's deadline and its consent, fake rectification's accountability, the actual
controller) and the enforcement chain

Revision ID: 0026_enforcement
Revises: 0024
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026_enforcement"
down_revision = "0024"
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

    _create_append_only(APPEND_ONLY)


def downgrade() -> None:
    _drop_append_only(APPEND_ONLY)
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

"""duty desk 值班: roster, duty log (append-only), shift handover

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

APPEND_ONLY = ("duty_log_entry",)  # a correction is a new entry naming the old one


def upgrade() -> None:
    op.create_table(
        "duty_handover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column(
            "state",
            sa.Enum("pending", "accepted", "withdrawn", name="handoverstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("from_officer", sa.String(length=64), nullable=False),
        sa.Column("to_officer", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("handed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accept_note", sa.Text(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["body_id"], ["organisation.id"], name=op.f("fk_duty_handover_body_id_organisation")),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_duty_handover_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_handover")),
    )
    with op.batch_alter_table("duty_handover", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duty_handover_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_duty_handover_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_duty_handover_state"), ["state"], unique=False)

    op.create_table(
        "duty_log_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column(
            "kind", sa.Enum("call", "action", "note", name="logkind", native_enum=False, length=32), nullable=False
        ),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("caller", sa.String(length=120), nullable=True),
        sa.Column("caller_phone", sa.String(length=40), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("officer", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["organisation.id"], name=op.f("fk_duty_log_entry_body_id_organisation")),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["duty_log_entry.id"], name=op.f("fk_duty_log_entry_corrects_id_duty_log_entry")
        ),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_duty_log_entry_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_log_entry")),
    )
    with op.batch_alter_table("duty_log_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duty_log_entry_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_duty_log_entry_corrects_id"), ["corrects_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_duty_log_entry_division_code"), ["division_code"], unique=False)

    op.create_table(
        "duty_shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("officer", sa.String(length=64), nullable=False),
        sa.Column("leader_name", sa.String(length=40), nullable=False),
        sa.Column("leader_phone", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_duty_shift_shift_order")),
        sa.ForeignKeyConstraint(["body_id"], ["organisation.id"], name=op.f("fk_duty_shift_body_id_organisation")),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_duty_shift_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_shift")),
    )
    with op.batch_alter_table("duty_shift", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duty_shift_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_duty_shift_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_duty_shift_starts_at"), ["starts_at"], unique=False)

    _create_append_only(APPEND_ONLY)


def downgrade() -> None:
    _drop_append_only(APPEND_ONLY)
    with op.batch_alter_table("duty_shift", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duty_shift_starts_at"))
        batch_op.drop_index(batch_op.f("ix_duty_shift_division_code"))
        batch_op.drop_index(batch_op.f("ix_duty_shift_body_id"))

    op.drop_table("duty_shift")
    with op.batch_alter_table("duty_log_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duty_log_entry_division_code"))
        batch_op.drop_index(batch_op.f("ix_duty_log_entry_corrects_id"))
        batch_op.drop_index(batch_op.f("ix_duty_log_entry_body_id"))

    op.drop_table("duty_log_entry")
    with op.batch_alter_table("duty_handover", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duty_handover_state"))
        batch_op.drop_index(batch_op.f("ix_duty_handover_division_code"))
        batch_op.drop_index(batch_op.f("ix_duty_handover_body_id"))

    op.drop_table("duty_handover")


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

"""Monitoring points, alarms, alarm events and groups, per-minute readings

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 03:20:52.801681
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alarm_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_key", sa.String(length=40), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarm_group")),
    )
    with op.batch_alter_table("alarm_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alarm_group_site_key"), ["site_key"], unique=False)

    op.create_table(
        "monitor_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "CH4",
                "CO",
                "O2",
                "CO2",
                "WIND",
                "TEMP",
                "DUST",
                "GROUND_PRESSURE",
                "PHREATIC_LINE",
                "DRY_BEACH",
                "POND_LEVEL",
                "DAM_DISPLACEMENT",
                "RAINFALL",
                "FREEBOARD",
                "LANDSLIDE",
                name="sensorkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("location_class", sa.String(length=60), nullable=True),
        sa.Column("site_kind", sa.Enum("mine", "pond", name="sitekind", native_enum=False, length=32), nullable=False),
        sa.Column("mine_id", sa.Integer(), nullable=True),
        sa.Column("pond_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column("design", sa.JSON(), nullable=True),
        sa.Column("clear_margin", sa.Float(), nullable=False),
        sa.Column("polling_s", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(mine_id IS NULL) <> (pond_id IS NULL)", name=op.f("ck_monitor_point_one_site")),
        sa.CheckConstraint("polling_s > 0 AND polling_s <= 3600", name=op.f("ck_monitor_point_polling_range")),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_monitor_point_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_monitor_point_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(["mine_id"], ["mine.id"], name=op.f("fk_monitor_point_mine_id_mine")),
        sa.ForeignKeyConstraint(["pond_id"], ["tailings_pond.id"], name=op.f("fk_monitor_point_pond_id_tailings_pond")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_point")),
        sa.UniqueConstraint("enterprise_id", "code", name=op.f("uq_monitor_point_enterprise_id")),
    )
    with op.batch_alter_table("monitor_point", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitor_point_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitor_point_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitor_point_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitor_point_mine_id"), ["mine_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitor_point_pond_id"), ["pond_id"], unique=False)

    op.create_table(
        "alarm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("open_key", sa.String(length=120), nullable=True),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column(
            "condition",
            sa.Enum("level", "offline", "stuck", "rate", name="alarmcondition", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("site_key", sa.String(length=40), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("peak_level", sa.Integer(), nullable=False),
        sa.Column("level_name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acked_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shelved_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shelved_by", sa.String(length=64), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("escalation_step", sa.Integer(), nullable=False),
        sa.Column("raise_count", sa.Integer(), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["division_code"], ["division.code"], name=op.f("fk_alarm_division_code_division")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_alarm_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(["group_id"], ["alarm_group.id"], name=op.f("fk_alarm_group_id_alarm_group")),
        sa.ForeignKeyConstraint(["point_id"], ["monitor_point.id"], name=op.f("fk_alarm_point_id_monitor_point")),
        sa.ForeignKeyConstraint(["warning_id"], ["early_warning.id"], name=op.f("fk_alarm_warning_id_early_warning")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarm")),
        sa.UniqueConstraint("open_key", name=op.f("uq_alarm_open_key")),
    )
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alarm_active"), ["active"], unique=False)
        batch_op.create_index(batch_op.f("ix_alarm_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_alarm_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alarm_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alarm_point_id"), ["point_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alarm_site_key"), ["site_key"], unique=False)

    op.create_table(
        "reading_minute",
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("minute", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("vmin", sa.Float(), nullable=False),
        sa.Column("vmax", sa.Float(), nullable=False),
        sa.Column("vsum", sa.Float(), nullable=False),
        sa.Column("last_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["point_id"], ["monitor_point.id"], name=op.f("fk_reading_minute_point_id_monitor_point")
        ),
        sa.PrimaryKeyConstraint("point_id", "minute", name=op.f("pk_reading_minute")),
    )
    op.create_table(
        "alarm_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alarm_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["alarm_id"], ["alarm.id"], name=op.f("fk_alarm_event_alarm_id_alarm")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarm_event")),
    )
    with op.batch_alter_table("alarm_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alarm_event_alarm_id"), ["alarm_id"], unique=False)

    _alarm_history_append_only()


def _alarm_history_append_only() -> None:
    """An alarm's history is the record of who saw what when: it refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION alarm_event_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'alarm_event is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER alarm_event_no_change BEFORE UPDATE OR DELETE ON alarm_event "
            "FOR EACH ROW EXECUTE FUNCTION alarm_event_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER alarm_event_no_{verb.lower()} BEFORE {verb} ON alarm_event "
                "BEGIN SELECT RAISE(ABORT, 'alarm_event is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER alarm_event_no_change ON alarm_event")
        op.execute("DROP FUNCTION alarm_event_append_only()")
    with op.batch_alter_table("alarm_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alarm_event_alarm_id"))

    op.drop_table("alarm_event")
    op.drop_table("reading_minute")
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alarm_site_key"))
        batch_op.drop_index(batch_op.f("ix_alarm_point_id"))
        batch_op.drop_index(batch_op.f("ix_alarm_group_id"))
        batch_op.drop_index(batch_op.f("ix_alarm_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_alarm_division_code"))
        batch_op.drop_index(batch_op.f("ix_alarm_active"))

    op.drop_table("alarm")
    with op.batch_alter_table("monitor_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitor_point_pond_id"))
        batch_op.drop_index(batch_op.f("ix_monitor_point_mine_id"))
        batch_op.drop_index(batch_op.f("ix_monitor_point_kind"))
        batch_op.drop_index(batch_op.f("ix_monitor_point_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_monitor_point_division_code"))

    op.drop_table("monitor_point")
    with op.batch_alter_table("alarm_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alarm_group_site_key"))

    op.drop_table("alarm_group")

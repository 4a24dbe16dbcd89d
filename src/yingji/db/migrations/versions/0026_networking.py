"""mine networking files 联网数据文件: feeds, files taken in, declared limits, switch points and changes, the
mines' 5-minute statistics and alarm records

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "networking_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mine_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("profile", sa.String(length=64), nullable=False),
        sa.Column("cycle_s", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_file_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_data_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stale_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_networking_feed_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_networking_feed_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(["mine_id"], ["mine.id"], name=op.f("fk_networking_feed_mine_id_mine")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_networking_feed")),
        sa.UniqueConstraint("code", name=op.f("uq_networking_feed_code")),
        sa.UniqueConstraint("mine_id", name=op.f("uq_networking_feed_mine_id")),
    )
    with op.batch_alter_table("networking_feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_networking_feed_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_networking_feed_enterprise_id"), ["enterprise_id"], unique=False)

    op.create_table(
        "networking_declared_limit",
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("sensor_type", sa.String(length=16), nullable=False),
        sa.Column("location", sa.String(length=120), nullable=False),
        sa.Column("range_low", sa.Float(), nullable=True),
        sa.Column("range_high", sa.Float(), nullable=True),
        sa.Column("alarm_high", sa.Float(), nullable=True),
        sa.Column("alarm_low", sa.Float(), nullable=True),
        sa.Column("power_cut", sa.Float(), nullable=True),
        sa.Column("recovery", sa.Float(), nullable=True),
        sa.Column("power_cut_area", sa.String(length=200), nullable=True),
        sa.Column("lax", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["networking_feed.id"], name=op.f("fk_networking_declared_limit_feed_id_networking_feed")
        ),
        sa.ForeignKeyConstraint(
            ["point_id"], ["monitor_point.id"], name=op.f("fk_networking_declared_limit_point_id_monitor_point")
        ),
        sa.PrimaryKeyConstraint("point_id", name=op.f("pk_networking_declared_limit")),
    )
    with op.batch_alter_table("networking_declared_limit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_networking_declared_limit_feed_id"), ["feed_id"], unique=False)

    op.create_table(
        "networking_feed_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["networking_feed.id"], name=op.f("fk_networking_feed_event_feed_id_networking_feed")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_networking_feed_event")),
    )
    with op.batch_alter_table("networking_feed_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_networking_feed_event_feed_id"), ["feed_id"], unique=False)

    op.create_table(
        "networking_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "source", sa.Enum("http", "drop", "cli", name="filesource", native_enum=False, length=32), nullable=False
        ),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("encoding", sa.String(length=16), nullable=False),
        sa.Column("file_types", sa.JSON(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["networking_feed.id"], name=op.f("fk_networking_file_feed_id_networking_feed")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_networking_file")),
    )
    with op.batch_alter_table("networking_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_networking_file_feed_id"), ["feed_id"], unique=False)

    op.create_table(
        "networking_point_statistic",
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vmax", sa.Float(), nullable=False),
        sa.Column("vmax_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("vmin", sa.Float(), nullable=False),
        sa.Column("vmin_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("vmean", sa.Float(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["point_id"], ["monitor_point.id"], name=op.f("fk_networking_point_statistic_point_id_monitor_point")
        ),
        sa.PrimaryKeyConstraint("point_id", "period_end", name=op.f("pk_networking_point_statistic")),
    )
    op.create_table(
        "networking_switch_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("location", sa.String(length=120), nullable=False),
        sa.Column("switch_type", sa.String(length=16), nullable=False),
        sa.Column("type_name", sa.String(length=40), nullable=False),
        sa.Column("state0", sa.String(length=20), nullable=True),
        sa.Column("state1", sa.String(length=20), nullable=True),
        sa.Column("alarm_state", sa.Integer(), nullable=True),
        sa.Column("power_cut_area", sa.String(length=200), nullable=True),
        sa.Column("last_state", sa.Integer(), nullable=True),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["networking_feed.id"], name=op.f("fk_networking_switch_point_feed_id_networking_feed")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_networking_switch_point")),
        sa.UniqueConstraint("feed_id", "code", name=op.f("uq_networking_switch_point_feed_id")),
    )
    with op.batch_alter_table("networking_switch_point", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_networking_switch_point_feed_id"), ["feed_id"], unique=False)

    op.create_table(
        "networking_mine_alarm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("point_code", sa.String(length=40), nullable=False),
        sa.Column("alarm_type", sa.String(length=16), nullable=False),
        sa.Column("alarm_name", sa.String(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("max_value", sa.Float(), nullable=True),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column(
            "agreement",
            sa.Enum(
                "agrees",
                "engine_silent",
                "not_compared",
                "unknown_point",
                name="agreement",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("engine_alarm_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["engine_alarm_id"], ["alarm.id"], name=op.f("fk_networking_mine_alarm_engine_alarm_id_alarm")
        ),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["networking_feed.id"], name=op.f("fk_networking_mine_alarm_feed_id_networking_feed")
        ),
        sa.ForeignKeyConstraint(
            ["point_id"], ["monitor_point.id"], name=op.f("fk_networking_mine_alarm_point_id_monitor_point")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_networking_mine_alarm")),
        sa.UniqueConstraint(
            "feed_id", "point_code", "alarm_type", "started_at", name=op.f("uq_networking_mine_alarm_feed_id")
        ),
    )
    with op.batch_alter_table("networking_mine_alarm", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_networking_mine_alarm_feed_id"), ["feed_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_networking_mine_alarm_point_id"), ["point_id"], unique=False)

    op.create_table(
        "networking_switch_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("switch_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("alarm", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["switch_id"],
            ["networking_switch_point.id"],
            name=op.f("fk_networking_switch_change_switch_id_networking_switch_point"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_networking_switch_change")),
        sa.UniqueConstraint("switch_id", "at", name=op.f("uq_networking_switch_change_switch_id")),
    )
    with op.batch_alter_table("networking_switch_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_networking_switch_change_switch_id"), ["switch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("networking_switch_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_networking_switch_change_switch_id"))

    op.drop_table("networking_switch_change")
    with op.batch_alter_table("networking_mine_alarm", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_networking_mine_alarm_point_id"))
        batch_op.drop_index(batch_op.f("ix_networking_mine_alarm_feed_id"))

    op.drop_table("networking_mine_alarm")
    with op.batch_alter_table("networking_switch_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_networking_switch_point_feed_id"))

    op.drop_table("networking_switch_point")
    op.drop_table("networking_point_statistic")
    with op.batch_alter_table("networking_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_networking_file_feed_id"))

    op.drop_table("networking_file")
    with op.batch_alter_table("networking_feed_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_networking_feed_event_feed_id"))

    op.drop_table("networking_feed_event")
    with op.batch_alter_table("networking_declared_limit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_networking_declared_limit_feed_id"))

    op.drop_table("networking_declared_limit")
    with op.batch_alter_table("networking_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_networking_feed_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_networking_feed_division_code"))

    op.drop_table("networking_feed")

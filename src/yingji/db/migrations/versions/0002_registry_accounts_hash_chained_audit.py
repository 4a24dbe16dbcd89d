"""Registry, accounts and sessions, and the hash-chained audit log.

Existing audit entries are chained in id order; the append-only triggers are lifted only for that backfill.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 01:05:02.705604
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "division",
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column(
            "level",
            sa.Enum("province", "city", "county", "town", name="divisionlevel", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("parent_code", sa.String(length=9), nullable=True),
        sa.ForeignKeyConstraint(["parent_code"], ["division.code"], name=op.f("fk_division_parent_code_division")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_division")),
    )
    with op.batch_alter_table("division", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_division_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "registry_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_revision")),
    )
    op.create_table(
        "depot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "national",
                "regional",
                "city",
                "county",
                "enterprise",
                name="resourcelevel",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column("contact_person", sa.String(length=40), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["division_code"], ["division.code"], name=op.f("fk_depot_division_code_division")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_depot")),
        sa.UniqueConstraint("name", name=op.f("uq_depot_name")),
    )
    with op.batch_alter_table("depot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_depot_division_code"), ["division_code"], unique=False)

    op.create_table(
        "expert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("specialties", sa.JSON(), nullable=False),
        sa.Column("unit_name", sa.String(length=120), nullable=True),
        sa.Column("title", sa.String(length=60), nullable=True),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["division_code"], ["division.code"], name=op.f("fk_expert_division_code_division")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert")),
    )
    with op.batch_alter_table("expert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_division_code"), ["division_code"], unique=False)

    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "government",
                "department",
                "enterprise",
                "rescue",
                "other",
                name="organisationkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column(
            "sector",
            sa.Enum(
                "coal_mine",
                "non_coal_mine",
                "hazardous_chemicals",
                "industry_trade",
                "other",
                name="enterprisesector",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("duty_phone", sa.String(length=40), nullable=True),
        sa.Column("contact_person", sa.String(length=40), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_organisation_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_organisation_credit_code")),
        sa.UniqueConstraint("name", "division_code", name=op.f("uq_organisation_name")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_organisation_name"), ["name"], unique=False)

    op.create_table(
        "shelter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "kind", sa.Enum("indoor", "outdoor", name="shelterkind", native_enum=False, length=32), nullable=False
        ),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["division_code"], ["division.code"], name=op.f("fk_shelter_division_code_division")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shelter")),
        sa.UniqueConstraint("name", name=op.f("uq_shelter_name")),
    )
    with op.batch_alter_table("shelter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shelter_division_code"), ["division_code"], unique=False)

    op.create_table(
        "transport_resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("vehicle_type", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_name", sa.String(length=120), nullable=True),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column("contact_person", sa.String(length=40), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_transport_resource_division_code_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transport_resource")),
        sa.UniqueConstraint("name", name=op.f("uq_transport_resource_name")),
    )
    with op.batch_alter_table("transport_resource", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transport_resource_division_code"), ["division_code"], unique=False)

    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "enterprise_reporter",
                "county_officer",
                "city_officer",
                "hq_commander",
                "expert",
                "admin",
                name="role",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("division_code", sa.String(length=9), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["division_code"], ["division.code"], name=op.f("fk_app_user_division_code_division")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_app_user_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_app_user_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "hazard_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("substances", sa.String(length=200), nullable=True),
        sa.Column("supervising_org_id", sa.Integer(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.CheckConstraint("grade BETWEEN 1 AND 4", name=op.f("ck_hazard_source_grade_range")),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_hazard_source_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_hazard_source_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["supervising_org_id"], ["organisation.id"], name=op.f("fk_hazard_source_supervising_org_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_source")),
        sa.UniqueConstraint("name", name=op.f("uq_hazard_source_name")),
    )
    with op.batch_alter_table("hazard_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hazard_source_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazard_source_enterprise_id"), ["enterprise_id"], unique=False)

    op.create_table(
        "material_stock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("depot_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=80), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_material_stock_quantity_non_negative")),
        sa.ForeignKeyConstraint(
            ["depot_id"], ["depot.id"], name=op.f("fk_material_stock_depot_id_depot"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_stock")),
        sa.UniqueConstraint("depot_id", "item", name=op.f("uq_material_stock_depot_id")),
    )
    with op.batch_alter_table("material_stock", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_material_stock_depot_id"), ["depot_id"], unique=False)

    op.create_table(
        "rescue_team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "mine_rescue",
                "fire",
                "hazmat",
                "medical",
                "engineering",
                "social",
                "other",
                name="teamkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "level",
            sa.Enum(
                "national",
                "regional",
                "city",
                "county",
                "enterprise",
                name="resourcelevel",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("unit_name", sa.String(length=120), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("contact_person", sa.String(length=40), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_rescue_team_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_rescue_team_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rescue_team")),
        sa.UniqueConstraint("name", name=op.f("uq_rescue_team_name")),
    )
    with op.batch_alter_table("rescue_team", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rescue_team_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_rescue_team_kind"), ["kind"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_api_token_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_login_session_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_session_token_hash")),
    )
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "mine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "coal_underground",
                "coal_open_pit",
                "non_coal_underground",
                "non_coal_open_pit",
                name="minekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "producing", "construction", "suspended", "closed", name="minestatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column("supervising_org_id", sa.Integer(), nullable=True),
        sa.Column(
            "standardisation_grade",
            sa.Enum("level_1", "level_2", "level_3", "none", name="standardisationgrade", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("annual_capacity_t", sa.Integer(), nullable=True),
        sa.Column("contracted_team_id", sa.Integer(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contracted_team_id"], ["rescue_team.id"], name=op.f("fk_mine_contracted_team_id_rescue_team")
        ),
        sa.ForeignKeyConstraint(["division_code"], ["division.code"], name=op.f("fk_mine_division_code_division")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_mine_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["supervising_org_id"], ["organisation.id"], name=op.f("fk_mine_supervising_org_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mine")),
        sa.UniqueConstraint("name", name=op.f("uq_mine_name")),
    )
    with op.batch_alter_table("mine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mine_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_mine_enterprise_id"), ["enterprise_id"], unique=False)

    op.create_table(
        "tailings_pond",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=9), nullable=False),
        sa.Column("pond_grade", sa.Integer(), nullable=False),
        sa.Column("is_overhead", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "operating", "standby", "closing", "closed", "sealed", name="pondstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("supervising_org_id", sa.Integer(), nullable=True),
        sa.Column("contracted_team_id", sa.Integer(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.CheckConstraint("pond_grade BETWEEN 1 AND 5", name=op.f("ck_tailings_pond_pond_grade_range")),
        sa.ForeignKeyConstraint(
            ["contracted_team_id"], ["rescue_team.id"], name=op.f("fk_tailings_pond_contracted_team_id_rescue_team")
        ),
        sa.ForeignKeyConstraint(
            ["division_code"], ["division.code"], name=op.f("fk_tailings_pond_division_code_division")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["organisation.id"], name=op.f("fk_tailings_pond_enterprise_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["supervising_org_id"], ["organisation.id"], name=op.f("fk_tailings_pond_supervising_org_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tailings_pond")),
        sa.UniqueConstraint("name", name=op.f("uq_tailings_pond_name")),
    )
    with op.batch_alter_table("tailings_pond", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tailings_pond_division_code"), ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_tailings_pond_enterprise_id"), ["enterprise_id"], unique=False)

    _drop_append_only()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("before", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("after", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing_entries()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("seq", nullable=False)
        batch_op.alter_column("prev_hash", nullable=False)
        batch_op.alter_column("hash", nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_log_seq"), ["seq"])
    _create_append_only()


AUDIT = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("target_kind", sa.String),
    sa.column("target_key", sa.String),
    sa.column("detail", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
HEAD = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.Integer), sa.column("hash", sa.String))


# Frozen here (issue 20): the chain's genesis and hash as yingji.audit.chain defined them when this revision was
# written, so that a later change to the live module cannot change what this backfill computes.
GENESIS = "0" * 64


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target_kind: str,
    target_key: str,
    detail: dict[str, Any] | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    prev_hash: str,
) -> str:
    body = {
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "target_kind": target_kind,
        "target_key": target_key,
        "detail": detail or {},
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _utc(value: datetime) -> datetime:
    """Read a time as the application's column type did: SQLite keeps no zone, so a naive value is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _chain_existing_entries() -> None:
    bind = op.get_bind()
    prev, seq = GENESIS, 0
    for row in bind.execute(sa.select(AUDIT).order_by(AUDIT.c.id)).mappings().all():
        seq += 1
        digest = entry_hash(
            seq=seq,
            at=_utc(row["at"]),
            actor=row["actor"],
            action=row["action"],
            target_kind=row["target_kind"],
            target_key=row["target_key"],
            detail=row["detail"],
            before=None,
            after=None,
            prev_hash=prev,
        )
        bind.execute(sa.update(AUDIT).where(AUDIT.c.id == row["id"]).values(seq=seq, prev_hash=prev, hash=digest))
        prev = digest
    bind.execute(sa.insert(HEAD).values(id=1, seq=seq, hash=prev))


def _drop_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_update ON audit_log")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")


def _create_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )


def downgrade() -> None:
    _drop_append_only()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_log_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("after")
        batch_op.drop_column("before")
        batch_op.drop_column("seq")
    _create_append_only()

    with op.batch_alter_table("tailings_pond", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tailings_pond_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_tailings_pond_division_code"))

    op.drop_table("tailings_pond")
    with op.batch_alter_table("mine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mine_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_mine_division_code"))

    op.drop_table("mine")
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_session_user_id"))

    op.drop_table("login_session")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    with op.batch_alter_table("rescue_team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rescue_team_kind"))
        batch_op.drop_index(batch_op.f("ix_rescue_team_division_code"))

    op.drop_table("rescue_team")
    with op.batch_alter_table("material_stock", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_material_stock_depot_id"))

    op.drop_table("material_stock")
    with op.batch_alter_table("hazard_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hazard_source_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_hazard_source_division_code"))

    op.drop_table("hazard_source")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_app_user_division_code"))

    op.drop_table("app_user")
    with op.batch_alter_table("transport_resource", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transport_resource_division_code"))

    op.drop_table("transport_resource")
    with op.batch_alter_table("shelter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shelter_division_code"))

    op.drop_table("shelter")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_name"))
        batch_op.drop_index(batch_op.f("ix_organisation_division_code"))

    op.drop_table("organisation")
    with op.batch_alter_table("expert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_division_code"))

    op.drop_table("expert")
    with op.batch_alter_table("depot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_depot_division_code"))

    op.drop_table("depot")
    op.drop_table("registry_revision")
    with op.batch_alter_table("division", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_division_parent_code"))

    op.drop_table("division")
    op.drop_table("audit_head")

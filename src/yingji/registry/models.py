"""Registry tables. Locations are WGS-84 longitude/latitude; every row keeps its division for scoping."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from yingji.db.base import Base, str_enum
from yingji.registry.enums import (
    DivisionLevel,
    EnterpriseSector,
    MineKind,
    MineStatus,
    OrganisationKind,
    PondStatus,
    ResourceLevel,
    ShelterKind,
    StandardisationGrade,
    TeamKind,
)


class Division(Base):
    """行政区划 (GB/T 2260; towns and communities by their 9- and 12-digit statistical codes)."""

    __tablename__ = "division"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[DivisionLevel] = mapped_column(str_enum(DivisionLevel))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"), index=True)


class Located:
    """Columns every placed record shares."""

    lon: Mapped[float | None]
    lat: Mapped[float | None]
    is_synthetic: Mapped[bool] = mapped_column(default=False)  # 演示用合成数据


class Organisation(Located, Base):
    """单位: a government, a department (HQ member unit), an enterprise, a rescue organisation."""

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("name", "division_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)  # 统一社会信用代码
    sector: Mapped[EnterpriseSector | None] = mapped_column(str_enum(EnterpriseSector))
    duty_phone: Mapped[str | None] = mapped_column(String(40))  # 24小时值班电话
    contact_person: Mapped[str | None] = mapped_column(String(40))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    principal_name: Mapped[str | None] = mapped_column(String(40))  # 主要负责人（重大隐患告知对象）
    principal_phone: Mapped[str | None] = mapped_column(String(40))
    controller_name: Mapped[str | None] = mapped_column(String(40))  # 实际控制人（重大隐患告知对象，004#L748）
    controller_phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(200))


class RescueTeam(Located, Base):
    """救援队伍."""

    __tablename__ = "rescue_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[TeamKind] = mapped_column(str_enum(TeamKind), index=True)
    level: Mapped[ResourceLevel] = mapped_column(str_enum(ResourceLevel))
    unit_name: Mapped[str | None] = mapped_column(String(120))  # 所在单位
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    headcount: Mapped[int | None]
    contact_person: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(40))


class Mine(Located, Base):
    """矿山."""

    __tablename__ = "mine"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[MineKind] = mapped_column(str_enum(MineKind))
    status: Mapped[MineStatus] = mapped_column(str_enum(MineStatus))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    supervising_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    standardisation_grade: Mapped[StandardisationGrade] = mapped_column(str_enum(StandardisationGrade))
    annual_capacity_t: Mapped[int | None]  # 核定（设计）生产能力，吨/年
    contracted_team_id: Mapped[int | None] = mapped_column(ForeignKey("rescue_team.id"))  # 协议救护队


class TailingsPond(Located, Base):
    """尾矿库."""

    __tablename__ = "tailings_pond"
    __table_args__ = (CheckConstraint("pond_grade BETWEEN 1 AND 5", name="pond_grade_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    pond_grade: Mapped[int]  # 等别 1–5
    is_overhead: Mapped[bool] = mapped_column(default=False)  # 头顶库
    has_emergency_broadcast: Mapped[bool] = mapped_column(default=False, server_default=false())  # 000#L650 应急广播
    status: Mapped[PondStatus] = mapped_column(str_enum(PondStatus))
    supervising_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    contracted_team_id: Mapped[int | None] = mapped_column(ForeignKey("rescue_team.id"))


class HazardSource(Located, Base):
    """重大危险源."""

    __tablename__ = "hazard_source"
    __table_args__ = (CheckConstraint("grade BETWEEN 1 AND 4", name="grade_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    grade: Mapped[int]  # 一级 (1) … 四级 (4)
    substances: Mapped[str | None] = mapped_column(String(200))
    supervising_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))


class Expert(Located, Base):
    """专家."""

    __tablename__ = "expert"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    specialties: Mapped[list[str]] = mapped_column(JSON, default=list)
    unit_name: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(60))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))


class Depot(Located, Base):
    """应急物资储备库."""

    __tablename__ = "depot"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    level: Mapped[ResourceLevel] = mapped_column(str_enum(ResourceLevel))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    contact_person: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(40))


class MaterialStock(Base):
    """储备物资: one item in one depot."""

    __tablename__ = "material_stock"
    __table_args__ = (
        UniqueConstraint("depot_id", "item"),
        CheckConstraint("quantity >= 0", name="quantity_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    depot_id: Mapped[int] = mapped_column(ForeignKey("depot.id", ondelete="CASCADE"), index=True)
    item: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[int]
    unit: Mapped[str] = mapped_column(String(16))
    expires_on: Mapped[date | None]
    is_synthetic: Mapped[bool] = mapped_column(default=False)


class Shelter(Located, Base):
    """应急避难场所."""

    __tablename__ = "shelter"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[ShelterKind] = mapped_column(str_enum(ShelterKind))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    capacity: Mapped[int]  # 可容纳人数


class TransportResource(Located, Base):
    """运输保障资源: vehicles and heavy equipment available on call."""

    __tablename__ = "transport_resource"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    vehicle_type: Mapped[str] = mapped_column(String(40))  # 如 大型客车、吊车、挖掘机、救护车
    quantity: Mapped[int]
    unit_name: Mapped[str | None] = mapped_column(String(120))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    contact_person: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(40))


class RegistryRevision(Base):
    """One row counting registry writes, so every process knows when its in-memory resource index is stale."""

    __tablename__ = "registry_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime | None]

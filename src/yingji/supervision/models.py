"""Mine supervision registers (seed 002), in tables of their own keyed by the registry's mine and pond ids."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.db.base import Base, str_enum
from yingji.rules.supervision import (
    CensusState,
    DispositionState,
    FactorKind,
    GoafKind,
    GoafState,
    PondDisposition,
    RiskColour,
    WarningState,
)


class MineProfile(Base):
    """The supervision facts of one mine the registry does not hold: depth, rock-burst monitoring, ownership class
    and the territorial supervisor of a central-enterprise mine (the daily body is the registry's
    ``mine.supervising_org_id``)."""

    __tablename__ = "mine_profile"

    mine_id: Mapped[int] = mapped_column(ForeignKey("mine.id"), primary_key=True)
    depth_m: Mapped[float | None] = mapped_column(Float)  # 采深（最深开采水平距地表），米
    rock_burst_monitoring: Mapped[bool] = mapped_column(default=False)  # 已落实冲击地压监测
    state_owned_large: Mapped[bool] = mapped_column(default=False)  # 国有大型/高风险矿山
    central_enterprise: Mapped[bool] = mapped_column(default=False)  # 中央驻市矿山企业
    territorial_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))  # 属地监管部门
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class Census(Base):
    """隐蔽致灾因素普查: one per mine and year."""

    __tablename__ = "hidden_factor_census"
    __table_args__ = (UniqueConstraint("mine_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mine_id: Mapped[int] = mapped_column(ForeignKey("mine.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    year: Mapped[int]
    state: Mapped[CensusState] = mapped_column(str_enum(CensusState))
    started_on: Mapped[date]
    completed_on: Mapped[date | None]
    conducted_by: Mapped[str | None] = mapped_column(String(120))  # 普查单位
    summary: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class CensusFinding(Base):
    """One hidden disaster-causing factor a census found, and its engineering treatment (工程化治理)."""

    __tablename__ = "hidden_factor_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    census_id: Mapped[int] = mapped_column(ForeignKey("hidden_factor_census.id"), index=True)
    kind: Mapped[FactorKind] = mapped_column(str_enum(FactorKind))
    description: Mapped[str] = mapped_column(Text)
    treatment: Mapped[str | None] = mapped_column(Text)
    treated_on: Mapped[date | None]
    created_at: Mapped[datetime]


class Goaf(Base):
    """采空区 or 支护 register entry with its four-colour risk, measures and a point for the map."""

    __tablename__ = "goaf"

    id: Mapped[int] = mapped_column(primary_key=True)
    mine_id: Mapped[int] = mapped_column(ForeignKey("mine.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    kind: Mapped[GoafKind] = mapped_column(str_enum(GoafKind))
    name: Mapped[str] = mapped_column(String(120))
    colour: Mapped[RiskColour] = mapped_column(str_enum(RiskColour), index=True)
    state: Mapped[GoafState] = mapped_column(str_enum(GoafState))
    volume_m3: Mapped[float | None] = mapped_column(Float)
    measures: Mapped[list[str]] = mapped_column(JSON)
    is_key: Mapped[bool] = mapped_column(default=False)  # 重点采空区
    assessed_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text)
    lon: Mapped[float | None]
    lat: Mapped[float | None]
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class MineDeadline(Base):
    """A plan milestone as one mine's deadline (generated), and when it was met."""

    __tablename__ = "mine_deadline"
    __table_args__ = (UniqueConstraint("mine_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mine_id: Mapped[int] = mapped_column(ForeignKey("mine.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    due: Mapped[date] = mapped_column(index=True)
    done_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class SiteWarning(Base):
    """A risk warning pushed to an enterprise: its response and the closing feedback, each with a deadline."""

    __tablename__ = "site_warning"

    id: Mapped[int] = mapped_column(primary_key=True)
    mine_id: Mapped[int | None] = mapped_column(ForeignKey("mine.id"), index=True)
    pond_id: Mapped[int | None] = mapped_column(ForeignKey("tailings_pond.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    assessment: Mapped[str] = mapped_column(Text)  # 风险研判
    state: Mapped[WarningState] = mapped_column(str_enum(WarningState), index=True)
    pushed_by: Mapped[str] = mapped_column(String(64))
    pushed_at: Mapped[datetime]
    respond_by: Mapped[datetime]
    close_by: Mapped[datetime]
    response: Mapped[str | None] = mapped_column(Text)
    responded_by: Mapped[str | None] = mapped_column(String(64))
    responded_at: Mapped[datetime | None]
    feedback: Mapped[str | None] = mapped_column(Text)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None]
    alarm_id: Mapped[int | None] = mapped_column(ForeignKey("alarm.id"))  # the monitoring alarm it came from, if any


class PondDispositionRecord(Base):
    """尾矿库分类治理, one per pond (达标整治/停用整改/闭库销号): the enterprise submits, the bureau accepts."""

    __tablename__ = "pond_disposition"

    id: Mapped[int] = mapped_column(primary_key=True)
    pond_id: Mapped[int] = mapped_column(ForeignKey("tailings_pond.id"), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    category: Mapped[PondDisposition] = mapped_column(str_enum(PondDisposition))
    state: Mapped[DispositionState] = mapped_column(str_enum(DispositionState))
    due: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    decided_by: Mapped[str] = mapped_column(String(64))
    accepted_on: Mapped[date | None]
    updated_at: Mapped[datetime]

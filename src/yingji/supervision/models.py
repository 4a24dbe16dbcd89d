"""Mine supervision registers (seed 002), in tables of their own keyed by the registry's mine and pond ids."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.db.base import Base, str_enum
from yingji.registry.enums import StandardisationGrade
from yingji.rules.supervision import (
    CapacityState,
    CensusState,
    DispositionState,
    EquipmentCategory,
    EquipmentCondition,
    EvaluationKind,
    EvaluationState,
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
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("service_agency.id"))  # when a registered agency
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


class CapacityRequest(Base):
    """煤矿产能核增: the application, the prior assessment of the three rigid conditions, and the decision."""

    __tablename__ = "capacity_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    mine_id: Mapped[int] = mapped_column(ForeignKey("mine.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    current_t: Mapped[int | None]
    requested_t: Mapped[int]
    state: Mapped[CapacityState] = mapped_column(str_enum(CapacityState), index=True)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON)  # condition → {"met": bool, "note": str}
    reason: Mapped[str] = mapped_column(Text)
    applied_by: Mapped[str] = mapped_column(String(64))
    applied_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)


class StandardisationEvent(Base):
    """A mine's standardisation grade awarded (or withdrawn) and the half-yearly spot checks after it."""

    __tablename__ = "standardisation_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    mine_id: Mapped[int] = mapped_column(ForeignKey("mine.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # grade / spot_check
    grade: Mapped[StandardisationGrade] = mapped_column(str_enum(StandardisationGrade))
    on: Mapped[date]
    passed: Mapped[bool | None]  # spot checks: held up or slid
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]


class InsurancePolicy(Base):
    """安责险 policy of a mine enterprise."""

    __tablename__ = "liability_policy"
    __table_args__ = (UniqueConstraint("insurer", "policy_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    insurer: Mapped[str] = mapped_column(String(120))
    policy_no: Mapped[str] = mapped_column(String(60))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]


class InsurerInspection(Base):
    """保险机构现场隐患排查 under a policy."""

    __tablename__ = "insurer_inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("liability_policy.id"), index=True)
    on: Mapped[date]
    findings: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]


class Agency(Base):
    """第三方技术服务机构: integrity evaluations and the negative list (行业禁入)."""

    __tablename__ = "service_agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    services: Mapped[str] = mapped_column(String(200))
    negative: Mapped[bool] = mapped_column(default=False, index=True)
    negative_reason: Mapped[str | None] = mapped_column(Text)
    listed_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class AgencyEvaluation(Base):
    """One integrity evaluation (诚信评价) of an agency: a score out of 100 for a year."""

    __tablename__ = "service_agency_evaluation"
    __table_args__ = (UniqueConstraint("agency_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("service_agency.id"), index=True)
    year: Mapped[int]
    score: Mapped[int]
    note: Mapped[str | None] = mapped_column(Text)
    evaluated_by: Mapped[str] = mapped_column(String(64))
    evaluated_at: Mapped[datetime]


class Equipment(Base):
    """一机一档: one key machine of a mine and its condition."""

    __tablename__ = "mine_equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    mine_id: Mapped[int] = mapped_column(ForeignKey("mine.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    category: Mapped[EquipmentCategory] = mapped_column(str_enum(EquipmentCategory))
    name: Mapped[str] = mapped_column(String(120))
    model: Mapped[str | None] = mapped_column(String(80))
    serial_no: Mapped[str | None] = mapped_column(String(80))
    installed_on: Mapped[date | None]
    last_inspected_on: Mapped[date | None]
    condition: Mapped[EquipmentCondition] = mapped_column(str_enum(EquipmentCondition))
    in_service: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class PlanEvaluation(Base):
    """The plan's mid-term (2028) or final (2030) evaluation of one county or the city: the self-assessment with the
    registers' figures at the time, and the conclusion of the level above."""

    __tablename__ = "plan_evaluation"
    __table_args__ = (UniqueConstraint("kind", "division_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EvaluationKind] = mapped_column(str_enum(EvaluationKind))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    state: Mapped[EvaluationState] = mapped_column(str_enum(EvaluationState))
    report: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    concluded_by: Mapped[str | None] = mapped_column(String(64))
    concluded_at: Mapped[datetime | None]
    conclusion: Mapped[str | None] = mapped_column(Text)

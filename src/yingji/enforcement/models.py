"""Enforcement tables: inspection plans and records, findings and their photos, violations with their decisions,
referrals to the competent department, and blacklist entries."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum
from yingji.rules.enforcement import Liability, ListKind, Measure, ReferralState, ViolationState


class InspectionPlan(Base):
    """执法检查计划: which enterprises a division's inspectors will check in a period, against which checklist."""

    __tablename__ = "inspection_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    checklist: Mapped[list[str]] = mapped_column(JSON)  # 检查项目
    enterprise_ids: Mapped[list[int]] = mapped_column(JSON)  # 检查对象
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class InspectionRecord(Base):
    """执法检查记录: who inspected which enterprise where and when, the checklist as ticked, and a summary."""

    __tablename__ = "inspection_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_plan.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    place: Mapped[str] = mapped_column(String(200))
    inspected_at: Mapped[datetime] = mapped_column(index=True)
    inspectors: Mapped[list[str]] = mapped_column(JSON)  # 执法人员
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{item, result, note}]
    summary: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Finding(Base):
    """One problem an inspection found; it may become a hazard (隐患), a violation (违法行为), or a referral."""

    __tablename__ = "inspection_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("inspection_record.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    place: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class FindingPhoto(Base):
    """A photo or document of a finding, kept in the database like a hazard's attachments (same checks)."""

    __tablename__ = "inspection_finding_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("inspection_finding.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ViolationSource(LabelledEnum):
    INSPECTION = "inspection", "执法检查发现"
    HAZARD = "hazard", "隐患查处"
    ACCIDENT_RULE = "accident_rule", "事故后依规停产整顿"


class Violation(Base):
    """违法行为: its legal basis, the proposed measure and the decision with the body that took it."""

    __tablename__ = "violation"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[ViolationSource] = mapped_column(str_enum(ViolationSource))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_finding.id"), unique=True)
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id"), index=True)
    trigger_key: Mapped[str | None] = mapped_column(String(200), unique=True)  # the accidents that triggered it
    incident_ids: Mapped[list[int]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)  # 法律依据
    liability: Mapped[Liability] = mapped_column(str_enum(Liability))
    proposed_measure: Mapped[Measure] = mapped_column(str_enum(Measure))
    proposed_fine_yuan: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    state: Mapped[ViolationState] = mapped_column(str_enum(ViolationState), index=True)
    decided_measure: Mapped[Measure | None] = mapped_column(str_enum(Measure))
    decided_fine_yuan: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    deciding_body_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    decision_no: Mapped[str | None] = mapped_column(String(80))  # 决定书文号
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    proposed_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Referral(Base):
    """移交: a matter handed to the competent department, tracked until it replies (by ``reply_due``)."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_finding.id"), index=True)
    violation_id: Mapped[int | None] = mapped_column(ForeignKey("violation.id"), index=True)
    to_body_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    to_division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    matter: Mapped[str] = mapped_column(Text)
    reply_due: Mapped[date] = mapped_column(index=True)
    state: Mapped[ReferralState] = mapped_column(str_enum(ReferralState), index=True)
    sent_by: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime]
    reply: Mapped[str | None] = mapped_column(Text)
    replied_by: Mapped[str | None] = mapped_column(String(64))
    replied_at: Mapped[datetime | None]


class BlacklistEntry(Base):
    """An enterprise on a blacklist or 失信 list: the reason, the legal basis, and from when until when."""

    __tablename__ = "blacklist_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    kind: Mapped[ListKind] = mapped_column(str_enum(ListKind), index=True)
    reason: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text)  # 依据
    listed_on: Mapped[date]
    expires_on: Mapped[date] = mapped_column(index=True)
    listing_body_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    listed_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    removed_on: Mapped[date | None]
    removed_by: Mapped[str | None] = mapped_column(String(64))
    removal_reason: Mapped[str | None] = mapped_column(Text)


class Entrustment(Base):
    """委托执法: a listed body entrusts an organisation with enforcement powers by a written agreement, announces it and
    files it with the justice bureau within the days the register's notice sets (003#L14)."""

    __tablename__ = "enforcement_entrustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)  # the register's level
    entrusting_body: Mapped[str] = mapped_column(String(120))  # as the register names it
    entrusted_party: Mapped[str] = mapped_column(String(120))
    powers: Mapped[str] = mapped_column(Text)  # 委托的行政执法权限
    signed_on: Mapped[date]
    announced_on: Mapped[date | None]
    filed_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]

"""Subsidy case tables: the case and its state, and beside it what never changes once written — its events, its
documents, its quality checks and acceptances, its stored calculations and the payments made against them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum
from yingji.rules.subsidy_cases import CaseState, CheckKind

APPEND_ONLY = (
    "subsidy_case_event",
    "subsidy_case_document",
    "subsidy_case_check",
    "subsidy_case_calculation",
    "subsidy_case_payment",
)


class DocumentKind(LabelledEnum):
    SURVEY_FORM = "survey_form", "入户摸底调查表"
    APPLICATION = "application", "申请书"
    DESIGN = "design", "设计图纸或改造方案"
    APPROVAL = "approval", "批复文件"
    CONSTRUCTION_PERMIT = "construction_permit", "施工许可证"
    SITE_PHOTO = "site_photo", "现场照片"
    INSPECTION = "inspection", "质量抽查记录"
    ACCEPTANCE_REPORT = "acceptance_report", "验收意见"
    QUANTITY_CHECK = "quantity_check", "工程量（退线面积）核对表"
    ROSTER = "roster", "补贴花名册"
    PAYMENT_VOUCHER = "payment_voucher", "支付凭证"
    CONTRACT = "contract", "技术许可（转让）合同"
    REGISTRATION = "registration", "技术合同登记证明"
    PREMIUM_RECEIPT = "premium_receipt", "担保或保险缴费凭证"
    OTHER = "other", "其他材料"


class SubsidyCase(Base):
    """One household's (or one licence contract's) case: where it is, whose it is, what was declared at the survey,
    and where the workflow stands. Everything that happened to it is in its events."""

    __tablename__ = "subsidy_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[str] = mapped_column(String(60), index=True)
    track: Mapped[str] = mapped_column(String(30))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    name: Mapped[str] = mapped_column(String(100))  # 户主 / 项目名称
    reference: Mapped[str] = mapped_column(String(200), index=True)  # 房屋位置（门牌） / 合同编号
    parties: Mapped[dict[str, str]] = mapped_column(JSON)  # who is paid: household / licensor / licensee
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)  # what was declared at the survey
    route: Mapped[str | None] = mapped_column(String(40))  # a new build's approval route
    contractor: Mapped[str | None] = mapped_column(String(200), index=True)  # 施工企业
    state: Mapped[CaseState] = mapped_column(str_enum(CaseState), index=True)
    rework: Mapped[bool] = mapped_column(default=False)  # 责令返工 (or 清场) not yet answered by a new request
    failed_checks: Mapped[int] = mapped_column(default=0)
    milestones: Mapped[dict[str, str]] = mapped_column(JSON)  # milestone id → the day it was verified
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)  # the last thing recorded (stalled cases)
    closed_at: Mapped[datetime | None]


class CaseEvent(Base):
    """One step of a case: never updated or deleted (the audit log holds the same, hash-chained)."""

    __tablename__ = "subsidy_case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("subsidy_case.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    basis: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class CaseDocument(Base):
    """A document of a stage (the state the case was in when it was added), kept in the database like a hazard's
    attachments, with the same checks."""

    __tablename__ = "subsidy_case_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("subsidy_case.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind))
    stage: Mapped[CaseState] = mapped_column(str_enum(CaseState))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class CaseCheck(Base):
    """A quality spot check, a materials check or an acceptance, with its findings; a failed one counts against the
    contractor named on it (two clear it from the programme)."""

    __tablename__ = "subsidy_case_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("subsidy_case.id"), index=True)
    kind: Mapped[CheckKind] = mapped_column(str_enum(CheckKind))
    contractor: Mapped[str | None] = mapped_column(String(200), index=True)
    passed: Mapped[bool]
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    checked_by: Mapped[str] = mapped_column(String(64))
    checked_at: Mapped[datetime]


class CaseCalculation(Base):
    """A calculator's answer on the verified facts, stored whole: inputs, components, schedule, basis and the
    reading it was made under. The latest of a calculator is the one in force; payments point at it."""

    __tablename__ = "subsidy_case_calculation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("subsidy_case.id"), index=True)
    calculator: Mapped[str] = mapped_column(String(40))
    reading: Mapped[str | None] = mapped_column(String(40))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)
    total_yuan: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    note: Mapped[str | None] = mapped_column(Text)
    verified_by: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime]


class CasePayment(Base):
    """One payment to the household (or party): the calculation and instalment it settles, never above it."""

    __tablename__ = "subsidy_case_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("subsidy_case.id"), index=True)
    calculation_id: Mapped[int] = mapped_column(ForeignKey("subsidy_case_calculation.id"), index=True)
    stage: Mapped[str] = mapped_column(String(40))
    payee: Mapped[str] = mapped_column(String(100))
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    voucher_no: Mapped[str] = mapped_column(String(80))
    paid_on: Mapped[date]
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]

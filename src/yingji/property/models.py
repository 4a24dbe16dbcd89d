"""Property-service supervision tables: companies, compounds, contracts, fund requests, complaints, credit, the
quarterly inspections and meetings, disclosure checks and the survey items a bureau adds."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum
from yingji.rules.property import ComplaintState, Level


class Management(LabelledEnum):
    PROFESSIONAL = "professional", "专业化物业管理"
    QUASI = "quasi", "准物业管理"
    NONE = "none", "无物业"


class Committee(LabelledEnum):
    NONE = "none", "未组建"
    OWNERS = "owners", "业主委员会"
    MANAGEMENT = "management", "物业管理委员会"


class PropertyCompany(Base):
    """物业服务企业: licence data, Party organisation and staff training counts (the staff targets' inputs)."""

    __tablename__ = "property_company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)  # 统一社会信用代码（营业执照）
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)  # 注册地
    legal_person: Mapped[str | None] = mapped_column(String(40))
    licence_date: Mapped[date | None]  # 营业执照核发日期
    phone: Mapped[str | None] = mapped_column(String(40))
    party_members: Mapped[int]
    party_branch: Mapped[bool]  # 已成立党支部
    staff: Mapped[int]
    staff_pre_job_trained: Mapped[int]
    professional_post_staff: Mapped[int]
    professional_post_staff_continuing_educated: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Compound(Base):
    """住宅小区（含单体楼）: the Annex 1 survey row plus what the targets count; added survey items in ``extra``."""

    __tablename__ = "compound"
    __table_args__ = (UniqueConstraint("division_code", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)  # community, else street
    address: Mapped[str | None] = mapped_column(String(200))
    buildings: Mapped[int]
    households: Mapped[int]
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    year_built: Mapped[int | None]
    is_new: Mapped[bool]  # 新建住宅小区
    is_old: Mapped[bool]  # 老旧小区
    management: Mapped[Management] = mapped_column(str_enum(Management))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("property_company.id"), index=True)
    committee: Mapped[Committee] = mapped_column(str_enum(Committee))
    committee_formed_on: Mapped[date | None]
    committee_eligible: Mapped[bool]  # 符合组建业委会条件
    committee_members: Mapped[int | None]
    committee_party_members: Mapped[int | None]
    red_property: Mapped[bool]  # “红色物业”小区
    service_grade: Mapped[int | None]  # DB15/T970-2016 一级、二级、三级
    region_excellent: Mapped[bool]  # 自治区级优秀、示范项目
    has_public_income: Mapped[bool]  # 有共用部位经营收益
    separate_income_account: Mapped[bool]  # 公共收益单独列账
    income_account: Mapped[str | None] = mapped_column(String(100))  # 开户行及账号（单独账户）
    fixed_parking_spaces: Mapped[int]
    spaces_with_charging: Mapped[int]
    fee_standard: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))  # 元/平方米/月
    collection_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # %
    extra: Mapped[dict[str, Any]] = mapped_column(JSON)  # values of survey items added by the bureau
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SurveyItem(Base):
    """A survey column the bureau added (Annex 1: 可增加统计项目, never remove); append-only."""

    __tablename__ = "property_survey_item"
    __table_args__ = (UniqueConstraint("programme", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(60))
    type: Mapped[str] = mapped_column(String(10))  # text / int / decimal / date / bool
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime]


class ContractKind(LabelledEnum):
    PRELIMINARY = "preliminary", "前期物业服务合同"  # 建设单位选聘
    REGULAR = "regular", "物业服务合同"  # 业主大会选聘


class ServiceContract(Base):
    """物业服务合同 and its filing 备案."""

    __tablename__ = "property_contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("property_company.id"), index=True)
    kind: Mapped[ContractKind] = mapped_column(str_enum(ContractKind))
    signed_on: Mapped[date]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    fee_standard: Mapped[Decimal] = mapped_column(Numeric(8, 2))  # 元/平方米/月
    filing_due: Mapped[date]
    filing_basis: Mapped[str] = mapped_column(String(200))
    filed_on: Mapped[date | None]
    filed_with: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]


class FundRequest(Base):
    """专项维修资金使用申请 (simplified: emergency repairs of lifts, fire hazards and the like)."""

    __tablename__ = "property_fund_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    item: Mapped[str] = mapped_column(String(20))  # lift / fire / roof / pipe / other
    emergency: Mapped[bool]
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    description: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12))  # submitted / approved / rejected
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)


class Complaint(Base):
    """诉求: an owner's complaint about a compound, routed by remit; the owner follows it with number and secret."""

    __tablename__ = "property_complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the owner's query code
    channel: Mapped[str] = mapped_column(String(10))  # web / hotline
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("property_company.id"), index=True)
    programme: Mapped[str] = mapped_column(String(64))
    remit: Mapped[str] = mapped_column(String(30))
    route_rule: Mapped[str] = mapped_column(String(40))
    level: Mapped[Level] = mapped_column(str_enum(Level))
    handler_division: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    dispatcher: Mapped[str | None] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(100))  # the functional department a dispatch names
    category: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text)
    owner_name: Mapped[str | None] = mapped_column(String(40))
    owner_phone: Mapped[str] = mapped_column(String(40))
    state: Mapped[ComplaintState] = mapped_column(str_enum(ComplaintState), index=True)
    filed_at: Mapped[datetime] = mapped_column(index=True)
    response_due: Mapped[datetime]
    completion_due: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)
    substantiated: Mapped[bool | None]  # 投诉属实（对物业服务企业）
    escalations: Mapped[int]
    overdue_since: Mapped[datetime | None]  # overdue at the top level, where it cannot escalate further
    updated_at: Mapped[datetime]


class ComplaintEvent(Base):
    """One step of a complaint (filed, routed, responded, escalated, resolved, confirmed, reopened); append-only."""

    __tablename__ = "property_complaint_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("property_complaint.id"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[Level] = mapped_column(str_enum(Level))
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)


class CreditMethod(Base):
    """A version of the credit scoring method (weights, bands, list criteria); versions are never edited."""

    __tablename__ = "property_credit_method"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20), unique=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class CreditEventRow(Base):
    """A dated credit input about a company; append-only (a correction is a new event with opposite points)."""

    __tablename__ = "property_credit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("property_company.id"), index=True)
    on: Mapped[date] = mapped_column(index=True)
    input: Mapped[str] = mapped_column(String(40))
    points: Mapped[float]
    serious: Mapped[bool]  # 严重失信
    note: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(60))  # manual / complaint:<id> / inspection:<id>
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class CreditResult(Base):
    """A published yearly credit result, with the list it puts the company on and the consequences that follow."""

    __tablename__ = "property_credit_result"
    __table_args__ = (UniqueConstraint("company_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("property_company.id"), index=True)
    year: Mapped[int]
    method_version: Mapped[str] = mapped_column(String(20))
    score: Mapped[float]
    grade: Mapped[str] = mapped_column(String(3))
    roster: Mapped[str | None] = mapped_column(String(8))  # red / black
    serious: Mapped[bool]
    consequences: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # [{what, rule, seed, text}]
    contributions: Mapped[dict[str, float]] = mapped_column(JSON)
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime]


class Duty(Base):
    """A scheduled obligation of a street (quarterly joint inspection, joint meeting) from a programme rule."""

    __tablename__ = "property_duty"
    __table_args__ = (UniqueConstraint("rule", "division_code", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(40))
    activity: Mapped[str] = mapped_column(String(30))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    period: Mapped[str] = mapped_column(String(8))  # 2026-Q3, 2026-07, 2026
    starts_on: Mapped[date]
    due_on: Mapped[date]
    min_times: Mapped[int]
    seed: Mapped[str] = mapped_column(String(40))


class DutyRecord(Base):
    """An inspection held or a meeting convened, with its findings (each finding may become a credit event)."""

    __tablename__ = "property_duty_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("property_duty.id"), index=True)
    held_on: Mapped[date]
    participants: Mapped[list[str]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{compound_id, company_id, severity, text}]
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class DisclosureCheck(Base):
    """A check of a compound's “12+N” disclosure board: core categories shown and each listed item."""

    __tablename__ = "property_disclosure_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    checked_on: Mapped[date]
    core_shown: Mapped[int]
    items: Mapped[dict[str, bool]] = mapped_column(JSON)
    complete: Mapped[bool]
    note: Mapped[str] = mapped_column(Text)
    checked_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class CountyProfile(Base):
    """Facts held per county that the targets count: the county-level property-industry Party committee."""

    __tablename__ = "property_county"

    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), primary_key=True)
    industry_party_committee_on: Mapped[date | None]
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class CommitteeTraining(Base):
    """A training session an owners' committee held (业委会每年开展不少于2次培训, 000#L262), recorded by the street or
    community that supervises it."""

    __tablename__ = "property_committee_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    held_on: Mapped[date]
    topic: Mapped[str] = mapped_column(String(200))
    attendees: Mapped[int]
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]

"""Programme tables: rounds, applications with their append-only step history, objections, expert pools and panels
with recusals and scores, conferred titles with follow-up visits and yearly evaluations, the cultivation pool with its
support records, the two-way ratings of evaluators and applicants, and work-injury rehabilitation (agreement
institutions, cases, claims and the cost alerts raised from them)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum


class AppState(LabelledEnum):
    ACTIVE = "active", "办理中"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "未通过"
    NOT_SELECTED = "not_selected", "未入选"
    DISQUALIFIED = "disqualified", "异议成立，取消资格"
    WITHDRAWN = "withdrawn", "已撤回"
    CONFERRED = "conferred", "已授予"


class Round(Base):
    """One round (届 / 批) of a programme, opened on the approval of its implementation plan and its notice."""

    __tablename__ = "programme_round"
    __table_args__ = (UniqueConstraint("programme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[str] = mapped_column(String(40), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    approval_ref: Mapped[str] = mapped_column(String(120))  # 实施方案批准文号
    approved_on: Mapped[date]
    notice_on: Mapped[date]  # 申报通知发布日
    apply_until: Mapped[date]
    closed_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]


class Application(Base):
    __tablename__ = "programme_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("programme_round.id"), index=True)
    programme_id: Mapped[str] = mapped_column(String(40), index=True)
    subject_name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    person_key: Mapped[str | None] = mapped_column(String(64), index=True)  # SHA-256 of the ID number
    person_label: Mapped[str | None] = mapped_column(String(40))  # masked ID number for display
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    category: Mapped[str | None] = mapped_column(String(40))
    item_name: Mapped[str | None] = mapped_column(String(120))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    events: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[kind, "YYYY-MM-DD", note]]
    materials: Mapped[list[str]] = mapped_column(JSON, default=list)
    stage: Mapped[str] = mapped_column(String(40))
    state: Mapped[AppState] = mapped_column(str_enum(AppState), index=True)
    stage_entered_on: Mapped[date]
    period_ends_on: Mapped[date | None]
    period_estimated: Mapped[bool] = mapped_column(default=False)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    composite: Mapped[float | None]
    submitted_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Step(LabelledEnum):
    """What a history row of an application records."""

    SUBMIT = "submit", "申报"
    PASS = "pass", "通过"
    RETURN = "return", "退回修改"
    REJECT = "reject", "不予通过"
    RESUBMIT = "resubmit", "重新报送"
    SELECT = "select", "入选"
    NOT_SELECTED = "not_selected", "未入选"
    WITHDRAW = "withdraw", "撤回"
    OBJECTION = "objection", "登记异议"
    OBJECTION_RESOLVED = "objection_resolved", "异议复核"
    DISQUALIFY = "disqualify", "异议成立，取消资格"
    CONFER = "confer", "公布授予"


class ApplicationEvent(Base):
    """Append-only step history of an application (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "programme_application_event"
    __table_args__ = (UniqueConstraint("application_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("programme_application.id"), index=True)
    seq: Mapped[int]
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    from_stage: Mapped[str | None] = mapped_column(String(40))
    to_stage: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[list[Any]] = mapped_column(JSON, default=list)


class ObjectionState(LabelledEnum):
    OPEN = "open", "待复核"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


class Objection(Base):
    __tablename__ = "programme_objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("programme_application.id"), index=True)
    stage: Mapped[str] = mapped_column(String(40))
    received_on: Mapped[date]
    objector: Mapped[str] = mapped_column(String(80))
    contact: Mapped[str | None] = mapped_column(String(80))
    written: Mapped[bool]
    content: Mapped[str] = mapped_column(Text)
    reply_due: Mapped[date | None]
    state: Mapped[ObjectionState] = mapped_column(str_enum(ObjectionState))
    reply: Mapped[str | None] = mapped_column(Text)
    replied_on: Mapped[date | None]
    replied_by: Mapped[str | None] = mapped_column(String(80))
    recorded_by: Mapped[str] = mapped_column(String(80))


class PoolMember(Base):
    """An expert's membership of a programme's expert pool (非遗保护专家库, 工伤康复专家库), with its term."""

    __tablename__ = "expert_pool_member"
    __table_args__ = (UniqueConstraint("pool", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool: Mapped[str] = mapped_column(String(40), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"))
    username: Mapped[str | None] = mapped_column(String(80))  # the expert's account, to score
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    qualifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    appointed_on: Mapped[date]
    term_ends_on: Mapped[date | None]
    created_at: Mapped[datetime]


class PanelMethod(LabelledEnum):
    RANDOM = "random", "从专家库随机抽选"
    APPOINTED = "appointed", "主管部门指定"


class PanelRow(Base):
    __tablename__ = "programme_panel"
    __table_args__ = (UniqueConstraint("round_id", "panel_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("programme_round.id"), index=True)
    panel_code: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(16))  # random | appointed
    formed_by: Mapped[str] = mapped_column(String(80))
    formed_at: Mapped[datetime]
    pool_size: Mapped[int | None]


class PanelMember(Base):
    __tablename__ = "programme_panel_member"
    __table_args__ = (UniqueConstraint("panel_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("programme_panel.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"))
    name: Mapped[str] = mapped_column(String(40))
    username: Mapped[str | None] = mapped_column(String(80), index=True)
    leader: Mapped[bool] = mapped_column(default=False)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)


class Recusal(Base):
    __tablename__ = "programme_recusal"
    __table_args__ = (UniqueConstraint("member_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("programme_panel_member.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("programme_application.id"))
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]


class Score(Base):
    __tablename__ = "programme_score"
    __table_args__ = (UniqueConstraint("member_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("programme_panel_member.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("programme_application.id"), index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    opinion: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]


class TitleState(LabelledEnum):
    ACTIVE = "active", "有效"
    REVOKED = "revoked", "已撤销"
    HONORARY = "honorary", "荣誉传承人"
    DECEASED = "deceased", "已去世"
    WAIVED = "waived", "自愿放弃"
    CANCELLED = "cancelled", "已取消资格"


class Title(Base):
    """What a conferred application becomes: the award (市长质量奖) or the status (市级传承人)."""

    __tablename__ = "programme_title"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_application.id"), unique=True
    )  # None: past
    programme_id: Mapped[str] = mapped_column(String(40), index=True)
    round_number: Mapped[int]
    subject_name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    person_key: Mapped[str | None] = mapped_column(String(64), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    category: Mapped[str | None] = mapped_column(String(40))
    item_name: Mapped[str | None] = mapped_column(String(120))
    birth_year: Mapped[int | None]
    conferred_on: Mapped[date]
    state: Mapped[TitleState] = mapped_column(str_enum(TitleState))
    ended_on: Mapped[date | None]
    end_ground: Mapped[str | None] = mapped_column(String(40))
    end_reason: Mapped[str | None] = mapped_column(Text)
    age_at_end: Mapped[int | None]


class Visit(Base):
    __tablename__ = "programme_visit"
    __table_args__ = (UniqueConstraint("title_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("programme_title.id"), index=True)
    due_on: Mapped[date]
    visited_on: Mapped[date | None]
    visitor: Mapped[str | None] = mapped_column(String(80))
    notes: Mapped[str | None] = mapped_column(Text)


class Evaluation(Base):
    """A bearer's annual evaluation (传承活动评估): one per year."""

    __tablename__ = "programme_evaluation"
    __table_args__ = (UniqueConstraint("title_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("programme_title.id"), index=True)
    year: Mapped[int]
    grade: Mapped[str] = mapped_column(String(20))
    circumstances: Mapped[list[str]] = mapped_column(JSON, default=list)
    publicity_starts_on: Mapped[date]
    publicity_ends_on: Mapped[date]
    remarks: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]


class CultivationState(LabelledEnum):
    PENDING = "pending", "待纳入"
    ADMITTED = "admitted", "已纳入培育库"
    DECLINED = "declined", "未纳入"


class Cultivation(Base):
    """An enterprise's entry into a programme's cultivation pool (市长质量奖培育库): how it came (自行申报, 旗县区推荐,
    部门推荐), why, and the authority's decision; the year is the year it was admitted (or filed, while pending)."""

    __tablename__ = "programme_cultivation"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[str] = mapped_column(String(40), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    subject_name: Mapped[str] = mapped_column(String(120))
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    route: Mapped[str] = mapped_column(String(20))
    recommender: Mapped[str | None] = mapped_column(String(120))  # the recommending county office or department
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[CultivationState] = mapped_column(str_enum(CultivationState), index=True)
    year: Mapped[int]
    filed_on: Mapped[date]
    filed_by: Mapped[str] = mapped_column(String(80))
    decided_on: Mapped[date | None]
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class CultivationSupport(Base):
    """What the pool is for: free performance-excellence training and guidance given to a member (append-only)."""

    __tablename__ = "programme_cultivation_support"

    id: Mapped[int] = mapped_column(primary_key=True)
    cultivation_id: Mapped[int] = mapped_column(ForeignKey("programme_cultivation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    given_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]


class RatingDirection(LabelledEnum):
    """双向监督反馈评价: the applicant rates an evaluator's discipline, an evaluator the applicant's."""

    OF_EVALUATOR = "of_evaluator", "申报单位评价评审人员纪律执行情况"
    OF_APPLICANT = "of_applicant", "评审人员评价申报单位守纪情况"


class Rating(Base):
    """One rating between an application's applicant and one panel seat that evaluated it (append-only); it never
    enters a score."""

    __tablename__ = "programme_rating"
    __table_args__ = (UniqueConstraint("application_id", "member_id", "direction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("programme_round.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("programme_application.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("programme_panel_member.id"), index=True)
    direction: Mapped[RatingDirection] = mapped_column(str_enum(RatingDirection))
    score: Mapped[int]
    misconduct: Mapped[bool] = mapped_column(default=False)  # 弄虚作假、索取或收受财物等不正当行为 reported
    remarks: Mapped[str | None] = mapped_column(Text)
    rated_by: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]


# --- work-injury rehabilitation ------------------------------------------------------------------------------------


class Institution(Base):
    """工伤康复协议机构."""

    __tablename__ = "rehab_institution"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)
    night_rehab: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]


class AssessmentResult(LabelledEnum):
    PASSED = "passed", "考核通过"
    FAILED = "failed", "考核未通过"


class MonitorRule(LabelledEnum):
    """The cost-monitoring rules that raise an alert (a refused claim raises one under its refusal's code)."""

    DAILY_LIMIT = "daily_limit", "单日费用超限"
    CASE_LIMIT = "case_limit", "累计费用超限"
    DUPLICATE = "duplicate", "重复上传"


class Agreement(Base):
    """The yearly 《包头市工伤保险康复服务协议》 with its annual assessment."""

    __tablename__ = "rehab_agreement"
    __table_args__ = (UniqueConstraint("institution_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("rehab_institution.id"), index=True)
    year: Mapped[int]
    signed_on: Mapped[date]
    assessment: Mapped[str | None] = mapped_column(String(16))  # passed | failed
    assessed_on: Mapped[date | None]
    remarks: Mapped[str | None] = mapped_column(Text)


class CaseState(LabelledEnum):
    PROPOSED = "proposed", "待备案或评估"
    APPROVED = "approved", "已批准康复"
    REFUSED = "refused", "不予康复"
    ENDED = "ended", "康复结束"


class RehabCase(Base):
    __tablename__ = "rehab_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_name: Mapped[str] = mapped_column(String(40))
    person_key: Mapped[str] = mapped_column(String(64), index=True)
    employer: Mapped[str] = mapped_column(String(120))
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    injury_ref: Mapped[str] = mapped_column(String(60))  # 工伤认定决定书编号
    injured_parts: Mapped[list[str]] = mapped_column(JSON, default=list)
    department: Mapped[str | None] = mapped_column(String(40))  # 主治科室
    mode: Mapped[str] = mapped_column(String(30))
    institution_id: Mapped[int] = mapped_column(ForeignKey("rehab_institution.id"), index=True)
    state: Mapped[CaseState] = mapped_column(str_enum(CaseState), index=True)
    proposed_on: Mapped[date]
    filed_on: Mapped[date | None]
    evaluated_by: Mapped[int | None] = mapped_column(ForeignKey("expert_pool_member.id"))
    evaluation: Mapped[str | None] = mapped_column(Text)
    approved_on: Mapped[date | None]
    ends_on: Mapped[date | None]  # 康复期满
    discharged_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]


class Claim(Base):
    """One billed item of a case (联网结算), kept with what the fund pays and why not."""

    __tablename__ = "rehab_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("rehab_case.id"), index=True)
    service_on: Mapped[date]
    category: Mapped[str] = mapped_column(String(30))
    body_part: Mapped[str | None] = mapped_column(String(40))
    item: Mapped[str] = mapped_column(String(120))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    payable: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    refusal: Mapped[str | None] = mapped_column(String(40))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]


class Alert(Base):
    """A cost-monitoring warning (费用监测预警) raised from claims."""

    __tablename__ = "rehab_alert"
    __table_args__ = (UniqueConstraint("case_id", "rule", "claim_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("rehab_case.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("rehab_claim.id"))
    rule: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime]
    closed_by: Mapped[str | None] = mapped_column(String(80))
    closed_note: Mapped[str | None] = mapped_column(Text)

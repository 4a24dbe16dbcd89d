"""Enforcement request bodies, list filters and read models (codes beside their Chinese labels, the caller's
allowed actions)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, Field, model_validator
from sqlalchemy import ColumnElement

from yingji.core.divisions import CODE_PATTERN
from yingji.core.labels import LabelledEnum
from yingji.core.paging import Filters
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.enforcement.models import BlacklistEntry, InspectionRecord, Referral, Violation, ViolationSource
from yingji.rules.enforcement import (
    Liability,
    ListKind,
    Measure,
    ReferralState,
    ViolationAction,
    ViolationState,
)

Text = Annotated[str, Field(min_length=2, max_length=4000)]
Short = Annotated[str, Field(min_length=2, max_length=200)]
Note = Annotated[str, Field(max_length=2000)]
Yuan = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]


# --- actions --------------------------------------------------------------------------------------------------------


class RecordAction(LabelledEnum):
    ADD_FINDING = "add_finding", "补充发现问题"


class FindingAction(LabelledEnum):
    TO_HAZARD = "to_hazard", "登记为隐患"
    TO_VIOLATION = "to_violation", "立案为违法行为"
    REFER = "refer", "移交有关部门"
    ADD_PHOTO = "add_photo", "上传照片"


class ReferralAction(LabelledEnum):
    REPLY = "reply", "登记回复"


class BlacklistAction(LabelledEnum):
    REMOVE = "remove", "提前移出"


class EntrustmentAction(LabelledEnum):
    ANNOUNCE = "announce", "登记网站公告"
    FILE = "file", "登记备案"


# --- inputs ---------------------------------------------------------------------------------------------------------


class PlanIn(YingjiModel):
    """执法检查计划：辖区、期间、检查项目与检查对象。"""

    title: Short
    division_code: Annotated[str, Field(pattern=CODE_PATTERN)]
    starts_on: date
    ends_on: date
    checklist: Annotated[list[Short], Field(min_length=1, max_length=200)]
    enterprise_ids: Annotated[list[RowId], Field(min_length=1, max_length=500)]

    @model_validator(mode="after")
    def _period(self) -> PlanIn:
        if self.ends_on < self.starts_on:
            raise ValueError("计划结束日期不能早于开始日期")
        return self


class CheckResult(LabelledEnum):
    PASS = "pass", "符合"
    FAIL = "fail", "不符合"
    NOT_APPLICABLE = "na", "不适用"


class CheckItemIn(YingjiModel):
    item: Short
    result: CheckResult
    note: Note | None = None


class FindingIn(YingjiModel):
    """检查发现的问题。"""

    description: Text
    place: Short | None = Field(default=None, description="具体位置（默认为检查地点）")


class RecordIn(YingjiModel):
    """执法检查记录：检查人员、企业、地点、时间、检查项目及结果、发现的问题。"""

    plan_id: RowId | None = None
    organisation_id: RowId
    place: Short
    inspected_at: AwareDatetime
    inspectors: Annotated[list[Annotated[str, Field(min_length=2, max_length=40)]], Field(min_length=1, max_length=10)]
    checklist: Annotated[list[CheckItemIn], Field(max_length=200)] = Field(default_factory=list)
    summary: Annotated[str, Field(max_length=4000)] | None = None
    findings: Annotated[list[FindingIn], Field(max_length=50)] = Field(default_factory=list)


class ToHazardIn(YingjiModel):
    """把发现的问题登记为隐患（监管检查渠道），照片随附。"""

    category: Annotated[str, Field(min_length=2, max_length=60)]
    criteria: Annotated[list[str], Field(max_length=20)] = Field(default_factory=list)
    grade_note: Note | None = None


class ViolationIn(YingjiModel):
    """违法行为立案：法律依据与拟采取的措施（罚款须写金额）。"""

    legal_basis: Text
    measure: Measure
    fine_yuan: Yuan | None = None
    description: Text | None = None


class HazardViolationIn(ViolationIn):
    """就一条隐患立案（企业自查上报并整改的隐患依法不予行政处罚，只能责令改正）。"""

    hazard_id: RowId


class DecisionIn(YingjiModel):
    """作出决定：措施、罚款金额、作出决定的机关和文号；暂扣、吊销证照须移交发证机关。"""

    measure: Measure
    fine_yuan: Yuan | None = None
    deciding_body_id: RowId
    decision_no: Annotated[str, Field(min_length=2, max_length=80)]
    note: Note | None = None
    refer_to_id: RowId | None = Field(default=None, description="暂扣、吊销证照时的发证机关")


class WithdrawIn(YingjiModel):
    reason: Text


class ReferralIn(YingjiModel):
    """移交有关部门：所涉发现或违法行为、接收部门、事项、回复期限（默认 15 日，平台默认值）。"""

    finding_id: RowId | None = None
    violation_id: RowId | None = None
    to_body_id: RowId
    matter: Text
    reply_days: Annotated[int, Field(ge=1, le=90)] | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> ReferralIn:
        if (self.finding_id is None) == (self.violation_id is None):
            raise ValueError("须指明一个发现问题（finding_id）或一个违法行为（violation_id）")
        return self


class ReplyIn(YingjiModel):
    reply: Text


class BlacklistIn(YingjiModel):
    """列入黑名单或失信名单：原因、依据、列入日期、截止日期（林草黑名单为 3 年，自动计算）。"""

    organisation_id: RowId
    kind: ListKind
    reason: Text
    basis: Text
    listed_on: date
    expires_on: date | None = None
    listing_body_id: RowId | None = None


class RemoveIn(YingjiModel):
    reason: Text


# --- filters --------------------------------------------------------------------------------------------------------


class RecordFilters(Filters):
    organisation_id: RowId | None = Field(default=None, description="企业编号")
    plan_id: RowId | None = Field(default=None, description="检查计划编号")

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.organisation_id is not None:
            found.append(InspectionRecord.organisation_id == self.organisation_id)
        if self.plan_id is not None:
            found.append(InspectionRecord.plan_id == self.plan_id)
        return found


class ViolationFilters(Filters):
    organisation_id: RowId | None = Field(default=None, description="企业编号")
    state: ViolationState | None = None
    source: ViolationSource | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.organisation_id is not None:
            found.append(Violation.organisation_id == self.organisation_id)
        if self.state is not None:
            found.append(Violation.state == self.state)
        if self.source is not None:
            found.append(Violation.source == self.source)
        return found


class ReferralFilters(Filters):
    organisation_id: RowId | None = Field(default=None, description="企业编号")
    state: ReferralState | None = None
    overdue: bool = Field(default=False, description="只列逾期未回复")

    def clauses(self, today: date) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.organisation_id is not None:
            found.append(Referral.organisation_id == self.organisation_id)
        if self.state is not None:
            found.append(Referral.state == self.state)
        if self.overdue:  # rules.enforcement.referral_overdue, in SQL
            found.extend([Referral.state == ReferralState.SENT, Referral.reply_due < today])
        return found


class BlacklistFilters(Filters):
    organisation_id: RowId | None = Field(default=None, description="企业编号")
    kind: ListKind | None = None
    active: bool = Field(default=False, description="只列当前有效")

    def clauses(self, today: date) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.organisation_id is not None:
            found.append(BlacklistEntry.organisation_id == self.organisation_id)
        if self.kind is not None:
            found.append(BlacklistEntry.kind == self.kind)
        if self.active:  # rules.enforcement.is_listed, in SQL
            found.extend(
                [
                    BlacklistEntry.listed_on <= today,
                    BlacklistEntry.expires_on > today,
                    (BlacklistEntry.removed_on.is_(None)) | (BlacklistEntry.removed_on > today),
                ]
            )
        return found


# --- reads ----------------------------------------------------------------------------------------------------------


class BasisRead(YingjiModel):
    rule: str
    clause: str
    seed: str | None


class PlanRead(YingjiModel):
    id: int
    title: str
    division_code: str
    division_name: str
    starts_on: date
    ends_on: date
    checklist: list[str]
    enterprise_ids: list[int]
    enterprises: list[str] = Field(description="检查对象名称")
    records: int = Field(description="已有检查记录数")
    created_by: str
    created_at: datetime


class PhotoRead(YingjiModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    created_at: datetime


class FindingRead(YingjiModel):
    id: int
    record_id: int
    place: str
    description: str
    hazard_id: int | None = Field(description="登记的隐患")
    violation_id: int | None = Field(description="立案的违法行为")
    referral_ids: list[int] = Field(description="移交记录")
    photos: list[PhotoRead]
    allowed_actions: list[FindingAction]


class CheckItemRead(YingjiModel):
    item: str
    result: CheckResult
    result_label: str
    note: str | None


class RecordRead(YingjiModel):
    """One inspection record, names beside ids, with the blacklists the enterprise is on."""

    id: int
    plan_id: int | None
    organisation_id: int
    enterprise: str | None
    enterprise_lists: list[str] = Field(description="企业当前所在的黑名单、失信名单")
    division_code: str
    division_name: str
    place: str
    inspected_at: datetime
    inspectors: list[str]
    findings_count: int
    recorded_by: str
    allowed_actions: list[RecordAction]


class RecordDetail(RecordRead):
    checklist: list[CheckItemRead]
    summary: str | None
    findings: list[FindingRead]


class ViolationRead(YingjiModel):
    """A violation with its legal basis, the measure proposed and decided, and the deciding body."""

    id: int
    source: ViolationSource
    source_label: str
    organisation_id: int
    enterprise: str | None
    enterprise_lists: list[str]
    division_code: str
    division_name: str
    finding_id: int | None
    hazard_id: int | None
    incident_ids: list[int]
    description: str
    legal_basis: str
    liability: Liability
    liability_label: str
    proposed_measure: Measure
    proposed_measure_label: str
    proposed_fine_yuan: str | None
    state: ViolationState
    state_label: str
    decided_measure: Measure | None
    decided_measure_label: str | None
    decided_fine_yuan: str | None
    deciding_body_id: int | None
    deciding_body: str | None = Field(description="作出决定的机关")
    decision_no: str | None
    decision_note: str | None
    decided_by: str | None
    decided_at: datetime | None
    withdrawn_reason: str | None
    proposed_by: str
    created_at: datetime
    allowed_actions: list[ViolationAction]


class ReferralRead(YingjiModel):
    id: int
    organisation_id: int
    enterprise: str | None
    finding_id: int | None
    violation_id: int | None
    to_body_id: int
    to_body: str | None = Field(description="接收部门")
    matter: str
    reply_due: date
    reply_days_default: bool = Field(description="回复期限为平台默认值（种子未规定）")
    state: ReferralState
    state_label: str
    overdue: bool
    sent_by: str
    sent_at: datetime
    reply: str | None
    replied_by: str | None
    replied_at: datetime | None
    basis: BasisRead
    allowed_actions: list[ReferralAction]


class BlacklistRead(YingjiModel):
    id: int
    organisation_id: int
    enterprise: str | None
    kind: ListKind
    kind_label: str
    reason: str
    basis: str
    term_basis: BasisRead = Field(description="名单期限的依据")
    listed_on: date
    expires_on: date
    active: bool
    listing_body: str | None
    listed_by: str
    removed_on: date | None
    removal_reason: str | None
    allowed_actions: list[BlacklistAction]


class TriggerRead(YingjiModel):
    incident_ids: list[int]
    occurred_on: date
    reason: str
    violation_id: int | None = Field(description="据此提出的停产整顿（违法行为编号）")


class SuspensionRead(YingjiModel):
    """The 180-day rule evaluated from the enterprise's accident history (004#L5955-L5959)."""

    applicable: bool
    notes: list[str]
    accidents_considered: int
    ungraded_incidents: list[int] = Field(description="尚未研判事故等级、未计入的事故")
    triggers: list[TriggerRead]
    basis: BasisRead


class EnterpriseEnforcementRead(YingjiModel):
    """Where the enterprise appears for enforcement: its people to notify, lists, cases and the 180-day rule."""

    organisation_id: int
    name: str
    division_code: str
    division_name: str
    sector: str | None
    sector_label: str | None
    principal_name: str | None
    principal_phone: str | None
    controller_name: str | None = Field(description="实际控制人")
    controller_phone: str | None
    active_lists: list[str]
    blacklist: list[BlacklistRead]
    violations_by_state: dict[str, int]
    open_referrals: int
    hazards_by_liability: dict[str, int] = Field(description="隐患：自查从宽 / 依法处罚 / 待定")
    suspension: SuspensionRead


# --- 行政执法主体与委托执法 (003#L14) ---------------------------------------------------------------------------------


class EntrustmentIn(YingjiModel):
    division_code: Annotated[str, Field(pattern=r"^\d{6}$", description="公布执法主体的行政区划（市本级）")]
    entrusting_body: Annotated[str, Field(min_length=2, max_length=120, description="委托机关（须为公布的执法主体）")]
    entrusted_party: Annotated[str, Field(min_length=2, max_length=120, description="受委托的行政机关或组织")]
    powers: Annotated[str, Field(min_length=2, max_length=2000, description="委托的行政执法权限")]
    signed_on: date = Field(description="委托书签订日期")


class EntrustmentDateIn(YingjiModel):
    on: date


class BodyRead(YingjiModel):
    name: str
    kind_label: str
    aliases: list[str]
    entrustments: int = Field(description="本平台登记的委托执法数")


class BodyRegisterRead(YingjiModel):
    division_code: str
    title: str
    doc_no: str
    issued_on: date
    statutory: int
    authorised: int
    entrustment_rule: str
    bodies: list[BodyRead]
    basis: BasisRead


class EntrustmentRead(YingjiModel):
    id: int
    division_code: str
    entrusting_body: str
    entrusted_party: str
    powers: str
    signed_on: date
    announced_on: date | None
    filed_on: date | None
    filing_due: date = Field(description="备案期限（签订之日起10日）")
    filing_overdue: bool
    filed_late: bool
    status_label: str = Field(description="备案与公告情况（中文）")
    created_by: str
    allowed_actions: list[EntrustmentAction]

"""Hazard read models (what the API, the console and the CLI render) and the list's filters."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict, Field
from sqlalchemy import ColumnElement, or_, select

from yingji.core import divisions
from yingji.core.divisions import CODE_PATTERN
from yingji.core.labels import LabelledEnum
from yingji.core.paging import Filters
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.hazards.models import Channel, Hazard
from yingji.hazards.schema import AppliesTo, Confidence, CriterionItem
from yingji.registry.enums import EnterpriseSector
from yingji.registry.models import Organisation
from yingji.rules.enforcement import Liability
from yingji.rules.hazards import DeadlineBasis, HazardAction, HazardGrade, HazardState, RectificationFault


class HazardOrder(LabelledEnum):
    """How a hazard list is ordered: newest first (the API's default) or the most urgent first (the console's)."""

    NEW = "new", "新的在前"
    URGENT = "urgent", "逾期、督办、重大在前"


class HazardFilters(Filters):
    """What a hazard list is narrowed by: words, state, grade, channel, division, enterprise, overdue, date found."""

    q: str | None = Field(default=None, max_length=60, description="检索：地点、描述、类别或企业名称")
    order: HazardOrder = Field(default=HazardOrder.NEW, description="排序：new 新的在前，urgent 逾期、督办、重大在前")
    state: HazardState | None = None
    grade: HazardGrade | None = None
    channel: Channel | None = None
    division: str | None = Field(default=None, pattern=CODE_PATTERN, description="行政区划代码（含下级）")
    organisation_id: RowId | None = Field(default=None, description="企业编号")
    overdue: bool = Field(default=False, description="只列整改逾期")
    found_from: date | None = Field(default=None, description="发现日期不早于")
    found_to: date | None = Field(default=None, description="发现日期不晚于")

    def clauses(self, today: date) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.q:
            named = select(Organisation.id).where(Organisation.name.contains(self.q, autoescape=True))
            found.append(
                or_(
                    Hazard.place.contains(self.q, autoescape=True),
                    Hazard.description.contains(self.q, autoescape=True),
                    Hazard.category.contains(self.q, autoescape=True),
                    Hazard.organisation_id.in_(named),
                )
            )
        if self.state is not None:
            found.append(Hazard.state == self.state)
        if self.grade is not None:
            found.append(Hazard.grade == self.grade)
        if self.channel is not None:
            found.append(Hazard.channel == self.channel)
        if self.division is not None:
            found.append(Hazard.division_code.startswith(divisions.stem(self.division), autoescape=True))
        if self.organisation_id is not None:
            found.append(Hazard.organisation_id == self.organisation_id)
        if self.overdue:  # the same reading as rules.hazards.is_overdue, in SQL
            found.extend([Hazard.state == HazardState.RECTIFYING, Hazard.deadline < today])
        if self.found_from is not None:
            found.append(Hazard.found_on >= self.found_from)
        if self.found_to is not None:
            found.append(Hazard.found_on <= self.found_to)
        return found


class EventKind(LabelledEnum):
    """What a hazard event records (escalation rungs are named by the ladder's own labels)."""

    REPORT = "report", "上报"
    CONFIRM = "confirm", "确认"
    DISMISS = "dismiss", "核实不属实"
    RECTIFY = "rectify", "落实整改"
    SUBMIT = "submit", "申请验收"
    ACCEPT = "accept", "验收销号"
    REJECT = "reject", "验收不合格退回"
    EXTEND = "extend", "同意延期整改"
    EXTEND_REFUSED = "extend_refused", "不同意延期整改"
    REOPEN = "reopen", "认定虚假整改并重新整改"
    ATTACH = "attach", "上传附件"
    NOTIFY_UNREACHABLE = "notify_unreachable", "未能通知"


class HazardRead(YingjiModel):
    """One row of the hazard ledger, names beside codes, with the steps this caller may take now."""

    id: int
    channel: Channel
    channel_label: str
    organisation_id: int
    enterprise: str | None = Field(description="企业名称")
    division_code: str
    division_name: str
    sector: EnterpriseSector | None
    sector_label: str | None
    mine_id: int | None
    mine_name: str | None
    place: str
    category: str
    grade: HazardGrade
    grade_label: str
    state: HazardState
    state_label: str
    found_on: date
    deadline: date | None
    deadline_basis: DeadlineBasis = Field(description="整改时限的依据")
    deadline_basis_label: str
    week_deadline: date | None = Field(description="一般隐患一周整改的最迟日期（004#L4254）")
    requested_deadline: date | None = Field(description="企业申请延期的整改时限（待监管部门同意）")
    overdue: bool
    escalation: list[str] = Field(description="已采取的督办措施")
    fake_rectification: bool = Field(description="曾被认定虚假整改、纸面整改或整改不到位")
    liability: Liability = Field(description="自查从宽或依法处罚（004#L5467-L5475）")
    liability_label: str
    allowed_actions: list[HazardAction]


class CriterionRead(YingjiModel):
    code: str
    text: str | None
    clause: str | None
    source: str | None
    verified: bool


class FiveRead(YingjiModel):
    """五落实 as recorded."""

    responsible: str | None
    measures: str | None
    funds_yuan: str | None
    deadline: date | None
    contingency_plan: str | None


class HazardEventRead(YingjiModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    action: str
    action_label: str
    from_state: str | None = Field(alias="from")
    from_label: str | None
    to_state: str | None = Field(alias="to")
    to_label: str | None
    note: str | None
    actor: str
    at: datetime


class AttachmentRead(YingjiModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    created_at: datetime


class AccountabilityRead(YingjiModel):
    """A closed hazard found unrectified, and whom the accountability is recorded against."""

    fault: RectificationFault
    fault_label: str
    finding: str
    signed_off_by: str | None = Field(description="验收销号人")
    signed_off_at: datetime | None
    submitted_by: str | None = Field(description="申请验收人")
    responsible: str | None = Field(description="整改责任人")
    principal: str | None = Field(description="企业主要负责人")
    recorded_by: str
    recorded_at: datetime


class LadderRungRead(YingjiModel):
    """One rung of the overdue ladder: the measure from the seed, the day count a platform default unless cited."""

    action: str
    label: str
    after_days: int
    seed: str | None = Field(description="种子中规定该措施的行")
    days_seed: str | None = Field(description="种子中规定天数的行；为空表示平台默认值")
    days_are_default: bool = Field(description="天数为平台默认值（种子未规定）")
    days_label: str


class HazardDetail(HazardRead):
    """One hazard with its grading basis, 五落实, history and files."""

    description: str
    deadline_reason: str | None = Field(description="整改时限超过一周的理由")
    deadline_consented_by: str | None = Field(description="同意延期的监管人员")
    accountability: list[AccountabilityRead]
    criteria: list[CriterionRead]
    grade_note: str | None
    five: FiveRead
    supervising_org_id: int | None
    supervising_org_name: str | None
    reported_by: str
    closed_at: datetime | None
    events: list[HazardEventRead]
    attachments: list[AttachmentRead]
    may_attach: bool = Field(description="本账号现在可以上传照片或文件")
    may_regrade: bool = Field(description="本账号确认时可以改定等级（仅监管部门）")


class ChecklistRead(YingjiModel):
    """A judging standard with its items and whether its text is verified (confidence A)."""

    id: str
    title: str
    source: str
    in_force: date | None
    applies_to: AppliesTo
    reference: str
    confidence: Confidence
    items: list[CriterionItem]
    verified: bool = Field(description="A：已核实原文")


# --- the board ---------------------------------------------------------------------------------------------------


class MilestoneStatus(LabelledEnum):
    MET = "met", "已清零"
    MISSED = "missed", "未清零"
    PENDING = "pending", "未到期"


class Counts(YingjiModel):
    total: int
    open: int
    overdue: int
    closed: int
    major_open: int


class BoardRow(Counts):
    division_code: str
    division: str = Field(description="旗县区名称")
    sector: str
    sector_label: str


class MilestoneRead(YingjiModel):
    due: date
    text: str
    as_of: date
    open_major: int
    status: MilestoneStatus
    status_label: str
    seed: str


class ZeroClearingRead(YingjiModel):
    campaign: str
    title: str
    milestones: list[MilestoneRead]
    open_major_now: int


class BoardRead(YingjiModel):
    """Counts per county and sector, and 重大事故隐患动态清零 against each campaign's milestones."""

    as_of: date
    rows: list[BoardRow]
    totals: Counts
    zero_clearing: list[ZeroClearingRead]

"""Ledger read models (tasks with their computed status, targets with theirs) and the lists' filters."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from pydantic import Field
from sqlalchemy import ColumnElement, String, cast, or_

from yingji.core import divisions
from yingji.core.divisions import CODE_PATTERN
from yingji.core.labels import LabelledEnum
from yingji.core.paging import Filters
from yingji.core.schemas import YingjiModel
from yingji.hazards.schemas import MilestoneRead
from yingji.ledger.models import LedgerTask, Target
from yingji.ledger.policy import TargetAction, TaskAction
from yingji.rules.fire_rescue import Beneficiary, Death, Outcome, Status, Team, Test
from yingji.rules.kpi import Direction, KpiStatus


class TaskStatus(LabelledEnum):
    """A task's status, computed from its deadline and its newest progress report."""

    DONE = "done", "已完成"
    OVERDUE = "overdue", "逾期未完成"
    DUE_SOON = "due_soon", "临近期限"
    IN_PROGRESS = "in_progress", "推进中"
    NOT_STARTED = "not_started", "未报进展"


class TargetKind(LabelledEnum):
    BINDING = "binding", "约束性"
    EXPECTED = "expected", "预期性"


class TaskFilters(Filters):
    q: str | None = Field(default=None, max_length=60, description="检索编号、任务内容、牵头或责任单位")
    programme: str | None = Field(default=None, max_length=64, description="专项行动或规划编号")
    subplan: str | None = Field(default=None, max_length=64, description="子方案编号（部门实施方案）")
    department: str | None = Field(default=None, max_length=100, description="子方案所属部门（名称）")
    status: TaskStatus | None = None
    division: str | None = Field(default=None, pattern=CODE_PATTERN, description="行政区划代码（含下级）")
    due_from: date | None = Field(default=None, description="期限不早于")
    due_to: date | None = Field(default=None, description="期限不晚于")

    def clauses(self) -> list[ColumnElement[bool]]:
        """Every filter but ``status`` (computed from progress: the service adds it)."""
        found: list[ColumnElement[bool]] = []
        if self.q:
            found.append(
                or_(
                    LedgerTask.code == self.q,
                    LedgerTask.title.contains(self.q, autoescape=True),
                    LedgerTask.section.contains(self.q, autoescape=True),
                    LedgerTask.lead.contains(self.q, autoescape=True),
                    # the JSON list as stored (non-ASCII escaped by the default serializer), matched the same way
                    cast(LedgerTask.responsible, String).contains(json.dumps(self.q)[1:-1], autoescape=True),
                )
            )
        if self.programme is not None:
            found.append(LedgerTask.programme == self.programme)
        if self.subplan is not None:
            found.append(LedgerTask.subplan == self.subplan)
        if self.department is not None:
            found.append(LedgerTask.department == self.department)
        if self.division is not None:
            found.append(LedgerTask.division_code.startswith(divisions.stem(self.division), autoescape=True))
        if self.due_from is not None:
            found.append(LedgerTask.due >= self.due_from)
        if self.due_to is not None:
            found.append(LedgerTask.due <= self.due_to)
        return found


class TargetFilters(Filters):
    programme: str | None = Field(default=None, max_length=64, description="规划编号")
    subplan: str | None = Field(default=None, max_length=64, description="子方案编号")
    division: str | None = Field(default=None, pattern=CODE_PATTERN, description="行政区划代码（含下级）")

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.programme is not None:
            found.append(Target.programme == self.programme)
        if self.subplan is not None:
            found.append(Target.subplan == self.subplan)
        if self.division is not None:
            found.append(Target.division_code.startswith(divisions.stem(self.division), autoescape=True))
        return found


class TaskMilestoneRead(YingjiModel):
    due: date
    text: str
    done: bool
    overdue: bool


class ProblemRead(YingjiModel):
    """A listed problem a task rectifies, with the list it comes from."""

    code: str
    source: str
    text: str
    seed: str


class TaskRead(YingjiModel):
    """A measure or key project of a campaign or plan, with its status and what this caller may record."""

    id: int
    programme: str
    programme_title: str
    subplan: str | None = Field(description="子方案编号（部门实施方案；空为方案本身的措施）")
    subplan_title: str | None = Field(description="子方案简称")
    department: str | None = Field(description="子方案所属部门")
    code: str
    number: str = Field(description="原文中的序号（子方案措施不含子方案前缀）")
    section: str | None
    title: str
    lead: str | None = Field(description="牵头单位")
    leader: str | None = Field(description="责任领导")
    responsible: list[str] = Field(description="责任单位")
    fixes: list[ProblemRead] = Field(description="整改的问题")
    division_code: str
    division_name: str
    due: date | None
    status: TaskStatus
    status_label: str
    percent: int
    last_report: date | None
    last_note: str | None = Field(description="最近一次进展说明")
    last_reporter: str | None
    milestones: list[TaskMilestoneRead]
    seed: str | None
    allowed_actions: list[TaskAction]


class TargetRead(YingjiModel):
    """A KPI target with its goal and where the latest value stands."""

    id: int
    programme: str
    programme_title: str
    subplan: str | None
    subplan_title: str | None
    code: str
    name: str
    unit: str
    kind: str | None
    kind_label: str | None
    direction: Direction
    direction_label: str
    division_code: str
    division_name: str
    baseline_year: int | None
    baseline_value: float | None
    change_percent: float | None
    target_value: float | None
    target_year: int
    goal: float | None
    latest_year: int | None
    latest_value: float | None
    expected_now: float | None
    status: KpiStatus
    status_label: str
    values: dict[str, float]
    seed: str | None
    allowed_actions: list[TargetAction]


class SubPlanMilestoneRead(YingjiModel):
    due: date
    text: str
    seed: str


class SubPlanRead(YingjiModel):
    """A department's sub-plan of a campaign, with how its tasks stand today (in the caller's scope)."""

    id: str
    programme: str
    programme_title: str
    number: int = Field(description="在方案子方案目录中的序号")
    title: str
    short_title: str
    department: str
    seed: str
    measures: int = Field(description="措施数（数据文件）")
    targets: int = Field(description="量化指标数")
    milestones: list[SubPlanMilestoneRead]
    tasks: int = Field(description="已载入且可见的任务数")
    overdue: int
    done: int


class SubPlanFilters(Filters):
    programme: str | None = Field(default=None, max_length=64, description="上级方案编号")
    department: str | None = Field(default=None, max_length=100, description="部门（名称）")


# --- the campaign report (its JSON form; HTML, PDF and the spreadsheet render the same) ---------------------------


class ReportKind(LabelledEnum):
    WEEKLY = "weekly", "周进展表"
    MONTHLY = "monthly", "月度报告"


class CampaignRef(YingjiModel):
    id: str
    title: str
    doc_no: str | None
    issuer: str | None


class DutyRead(YingjiModel):
    label: str
    to: str | None
    seed: str


class PeriodRead(YingjiModel):
    start: date
    end: date
    as_of: date


class HazardFigures(YingjiModel):
    new: int
    new_major: int
    closed: int
    open: int
    open_major: int
    overdue: int
    rectification_rate: float | None = Field(description="累计整改率（%）")


class MajorHazardRow(YingjiModel):
    id: int
    enterprise: str
    place: str
    channel: str = Field(description="来源（中文）")
    state: str = Field(description="状态（中文）")
    responsible: str
    deadline: date | None
    overdue: bool


class TaskFigures(YingjiModel):
    total: int
    by_status: dict[str, int] = Field(description="状态（中文）→ 项数")
    overdue: list[TaskRead]
    due_soon: list[TaskRead]


class CampaignReport(YingjiModel):
    campaign: CampaignRef
    kind: ReportKind
    kind_label: str
    duty: DutyRead | None
    period: PeriodRead
    due: date | None
    generated_at: str
    hazards: HazardFigures
    zero_clearing: list[MilestoneRead]
    major: list[MajorHazardRow]
    tasks: TaskFigures


# --- fire-rescue benefits (杭政办发〔2024〕32号) ----------------------------------------------------------------


class BenefitIn(YingjiModel):
    """一名消防救援人员（或已故人员）的情况：队伍、身份、户籍、入职年限，出行时同行家属人数。"""

    team: Team = Field(description="所在队伍：国家综合性、政府专职、企业专职、志愿消防队伍或其他")
    status: Status = Field(description="在职、残疾、离退休或已故")
    in_banner: bool = Field(default=True, description="属于全旗（杭锦旗）的队伍")
    clerk: bool = Field(default=False, description="消防文员")
    hukou_in_banner: bool = Field(default=False, description="户籍所在地为杭锦旗")
    service_years: Decimal = Field(
        default=Decimal(0), ge=0, le=60, max_digits=4, decimal_places=1, description="入职年限"
    )
    death: Death | None = Field(default=None, description="已故人员的去世情形：消防烈士、因公牺牲、病故、其他")
    companions: int = Field(default=0, ge=0, le=20, description="随同出行的家属人数")


class BenefitBasisRead(YingjiModel):
    clause: str
    seed: str
    quote: str


class BenefitRowRead(YingjiModel):
    """一项优待：所属措施、享受者，及判定方式。"""

    code: str
    measure: str
    measure_title: str
    label: str
    beneficiary: Beneficiary
    beneficiary_label: str
    test: Test
    test_label: str
    years: int | None
    companions: int | None
    basis: list[BenefitBasisRead]


class BenefitRulesRead(YingjiModel):
    """优待对象、各项优待及其原文依据。"""

    campaign_id: str
    title: str
    doc_no: str | None
    teams: list[str]
    statuses: list[str]
    clerk_statuses: list[str]
    subjects_basis: BenefitBasisRead
    fallback_basis: BenefitBasisRead
    rows: list[BenefitRowRead]


class BenefitFindingRead(BenefitRowRead):
    outcome: Outcome
    outcome_label: str
    detail: str | None


class BenefitCheckRead(YingjiModel):
    """优待资格核对：是否属于优待对象，以及逐项是否享受（均附原文）。"""

    campaign_id: str
    title: str
    doc_no: str | None
    inputs: dict[str, str]
    coverage: Outcome
    coverage_label: str
    reason: str
    subjects_basis: BenefitBasisRead
    fallback_basis: BenefitBasisRead
    findings: list[BenefitFindingRead]

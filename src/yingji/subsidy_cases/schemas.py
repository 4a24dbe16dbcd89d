"""Subsidy case request bodies, list filters and read models (codes beside their Chinese labels, the caller's allowed
actions, every step with its seed basis)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import ColumnElement, or_

from yingji.core.divisions import CODE_PATTERN
from yingji.core.labels import LabelledEnum
from yingji.core.paging import Filters
from yingji.core.schemas import YingjiModel
from yingji.rules.subsidy_cases import CaseAction, CaseState, CheckKind, Roof, Windows
from yingji.subsidies.schemas import BasisRead, PingfangIn
from yingji.subsidy_cases.models import SubsidyCase

Short = Annotated[str, Field(min_length=2, max_length=200)]
Name = Annotated[str, Field(min_length=2, max_length=100)]
Note = Annotated[str, Field(max_length=2000)]
Text = Annotated[str, Field(min_length=2, max_length=2000)]
Yuan = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
Measure = Annotated[Decimal, Field(ge=0, le=1000, decimal_places=2)]
Area = Annotated[Decimal, Field(ge=0, le=100_000, decimal_places=2)]


# --- inputs ---------------------------------------------------------------------------------------------------------


class CaseIn(YingjiModel):
    """摸底登记：方案、办理流程、所在区划、户主（或项目）、房屋位置（或合同编号）、摸底时申报的情况。"""

    programme: Annotated[str, Field(min_length=2, max_length=60)]
    track: Annotated[str, Field(min_length=2, max_length=30)]
    division_code: Annotated[str, Field(pattern=CODE_PATTERN)]
    name: Name
    reference: Short
    parties: dict[Annotated[str, Field(max_length=30)], Name] = Field(
        default_factory=dict, description="收款方姓名或名称（如许可方、被许可方）；户主默认为 name"
    )
    survey: PingfangIn | None = Field(default=None, description="南平房区：摸底时申报的改造更新方式、等级和面积")
    middle_household: bool = Field(default=False, description="中间住户")
    whole_row: bool = Field(default=False, description="整栋连排共同申请")
    lane_rule: bool = Field(
        default=False, description="中间住户主房B级及以上、凉房C级及以下，新建凉房（须保证巷道6米宽）"
    )
    contractor: Short | None = Field(default=None, description="施工企业（入围企业）")
    note: Note | None = None


class StepIn(YingjiModel):
    note: Note | None = None


class ReasonIn(YingjiModel):
    reason: Text


class ApproveIn(YingjiModel):
    """批复；中间住户单独申请的，须写明一事一议的研究决定。"""

    note: Note | None = None
    deliberation: Text | None = Field(default=None, description="一事一议研究决定")


class StartIn(YingjiModel):
    contractor: Short | None = Field(default=None, description="施工企业（入围企业）；居民自建的可不填")
    note: Note | None = None


class SpotCheckIn(YingjiModel):
    """质量抽查：施工质量或居民自购材料；不合格的责令返工（材料：责令清场），计入施工企业的不合格次数。"""

    kind: CheckKind = CheckKind.QUALITY
    passed: bool
    findings: Text
    contractor: Short | None = Field(default=None, description="被抽查的施工企业（默认为本案登记的施工企业）")


class MilestoneIn(YingjiModel):
    milestone: Annotated[str, Field(min_length=2, max_length=40)]
    on: date | None = Field(default=None, description="现场核实日期（默认今天）")
    note: Note | None = None


class PartIn(YingjiModel):
    windows: Windows
    roof: Roof
    soft_porcelain: bool = False
    insulated: bool = Field(default=True, description="有保温需求（凉房）")
    polystyrene: bool = Field(default=False, description="外墙保温材料为聚苯阻燃")
    insulation_cm: Measure | None = None
    density_kg_m3: Measure | None = None


class RenovationIn(YingjiModel):
    """既有建筑改造验收：主房、凉房、大门、院墙、杂乱差整治；C级房屋另验独立卫浴和安全加固。"""

    main: PartIn
    shed: PartIn | None = None
    gate_colour: bool = False
    gate_pier: bool = False
    house_number: bool = False
    wall_porcelain: bool = False
    wall_cap: bool = False
    eaves: bool = False
    broken_walls: bool = False
    lines: bool = False
    bathroom: bool = False
    reinforced: bool = False


class NewBuildIn(YingjiModel):
    """新建竣工核实：实测主房、附属用房面积；须保证巷道6米宽的，实测巷道宽度。"""

    main_area_m2: Area | None = None
    ancillary_area_m2: Area | None = None
    lane_width_m: Measure | None = None


class TechReviewIn(YingjiModel):
    """奖补审核：合同生效日、约定首次支付许可费之日、首次形成市场化收入之日。"""

    effective_on: date
    first_fee_on: date
    revenue_on: date | None = None


class AcceptIn(YingjiModel):
    """验收（或奖补审核）：按办理流程填写对应的一项。"""

    renovation: RenovationIn | None = None
    new_build: NewBuildIn | None = None
    tech: TechReviewIn | None = None
    note: Note | None = None


class CalculationIn(YingjiModel):
    """核定补贴：计算器与现场核实后的输入（与 /api/subsidies 的请求体相同）。"""

    calculator: Annotated[str, Field(min_length=2, max_length=40)]
    inputs: dict[str, Any]
    note: Note | None = None


class PaymentIn(YingjiModel):
    """支付：所依据的核定结果和款项、金额、收款人、凭证号和支付日期。"""

    calculation_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    stage: Annotated[str, Field(min_length=2, max_length=40)]
    amount_yuan: Yuan
    payee: Name
    voucher_no: Annotated[str, Field(min_length=2, max_length=80)]
    paid_on: date


class CaseOrder(LabelledEnum):
    URGENT = "urgent", "需要注意的在前（停滞、责令返工，其余按最久未办理）"
    NEWEST = "newest", "新登记的在前"


class CaseFilters(Filters):
    programme: Annotated[str, Field(max_length=60)] | None = None
    state: CaseState | None = None
    q: Annotated[str, Field(max_length=100)] | None = Field(default=None, description="户主、房屋位置或施工企业")
    open_only: bool = Field(default=False, description="只看未办结的")

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.programme:
            found.append(SubsidyCase.programme_id == self.programme)
        if self.state is not None:
            found.append(SubsidyCase.state == self.state)
        if self.open_only:
            found.append(SubsidyCase.state.not_in([CaseState.SETTLED, CaseState.REJECTED, CaseState.WITHDRAWN]))
        if self.q:
            found.append(
                or_(
                    SubsidyCase.name.contains(self.q, autoescape=True),
                    SubsidyCase.reference.contains(self.q, autoescape=True),
                    SubsidyCase.contractor.contains(self.q, autoescape=True),
                )
            )
        return found


# --- read models ----------------------------------------------------------------------------------------------------


class Cite(YingjiModel):
    seed: str
    quote: str


class StepRead(YingjiModel):
    """办理流程中的一步：谁办、需要哪些材料、依据。"""

    action: CaseAction
    label: str
    body: str
    documents: list[str]
    basis: Cite


class FactRead(YingjiModel):
    label: str
    value: str


class PartyRead(YingjiModel):
    key: str
    label: str
    name: str


class EventRead(YingjiModel):
    id: int
    action: str
    action_label: str
    from_state: str | None
    from_label: str | None
    to_state: str | None
    to_label: str | None
    note: str | None
    detail: list[FactRead]
    basis: list[BasisRead]
    actor: str
    at: datetime


class DocumentRead(YingjiModel):
    id: int
    kind: str
    kind_label: str
    stage: CaseState
    stage_label: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    created_at: datetime


class FindingRead(YingjiModel):
    code: str
    label: str
    passed: bool
    found: str
    seed: str | None
    quote: str | None


class CheckRead(YingjiModel):
    id: int
    kind: CheckKind
    kind_label: str
    contractor: str | None
    passed: bool
    order: str | None  # what a failed check ordered (返工 / 清场)
    findings: list[FindingRead]
    note: str | None
    checked_by: str
    checked_at: datetime


class ComponentRead(YingjiModel):
    key: str
    label: str
    formula: str
    amount_yuan: str


class CalculationRead(YingjiModel):
    """一次核定：计算器、输入、各项金额、合计、所采用的理解、是否现行（同一计算器最近一次为现行）。"""

    id: int
    calculator: str
    title: str
    formula: str
    inputs: dict[str, str]
    components: list[ComponentRead]
    total_yuan: str
    reading: str | None
    reading_label: str | None
    notes: list[str]
    basis: list[BasisRead]
    in_force: bool
    note: str | None
    verified_by: str
    verified_at: datetime


class InstalmentRead(YingjiModel):
    """现行核定中的一笔款项：支付条件是否达到、核定金额、已付、尚可支付、收款人。"""

    calculation_id: int
    stage: str
    label: str
    gate: str
    reached: bool
    amount_yuan: str
    paid_yuan: str
    remaining_yuan: str
    payee: str


class PaymentRead(YingjiModel):
    id: int
    calculation_id: int
    stage: str
    stage_label: str
    payee: str
    amount_yuan: str
    voucher_no: str
    paid_on: date
    recorded_by: str
    recorded_at: datetime


class MilestoneRead(YingjiModel):
    id: str
    label: str
    done_on: date | None
    seed: str


class ContractorRead(YingjiModel):
    """施工企业：不合格次数与是否已清退（两次以上不符合质量标准的清退，004#L9528-L9530）。"""

    name: str
    failures: int
    cleared: bool
    basis: list[BasisRead]


class CaseRead(YingjiModel):
    """案件列表中的一行：所处环节（方案自己的说法）、停滞与返工等需要注意的情况、款项与当前用户可办的事。"""

    id: int
    programme: str
    programme_title: str
    track: str
    track_label: str
    division_code: str
    division_name: str
    name: str
    reference: str
    state: CaseState
    state_label: str
    contractor: str | None
    rework: bool
    failed_checks: int
    stalled: bool
    idle_days: int
    attention: list[str]
    calculated_yuan: str | None
    paid_yuan: str
    payable_yuan: str
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[CaseAction]


class CaseDetail(CaseRead):
    """一户（一个项目）的案件：申报情况、流程与依据、时间线、各环节材料、抽查与验收、核定、款项与支付。"""

    name_label: str
    reference_label: str
    parties: list[PartyRead]
    facts: list[FactRead]
    route: str | None
    route_label: str | None
    steps: list[StepRead]
    milestones: list[MilestoneRead]
    missing_documents: dict[str, list[str]]  # action → documents still missing for it
    timeline: list[EventRead]
    documents: list[DocumentRead]
    checks: list[CheckRead]
    calculations: list[CalculationRead]
    instalments: list[InstalmentRead]
    payments: list[PaymentRead]
    contractor_status: ContractorRead | None
    reading_in_force: str | None
    calculators: list[str]
    stall_days: int

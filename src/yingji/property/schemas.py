"""Input bodies of the property-service API (field names are the API's; labels in the descriptions)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from yingji.core.divisions import CODE_PATTERN
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.property.models import Committee, ContractKind, Management
from yingji.property.policy import ComplaintStep, CompoundAction
from yingji.rules.property import ComplaintState, Level

Name = Annotated[str, Field(min_length=2, max_length=200)]
Text = Annotated[str, Field(min_length=2, max_length=4000)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Phone = Annotated[str, Field(pattern=r"^[0-9+\-（）() 转]{5,40}$")]
DivisionCode = Annotated[str, Field(pattern=CODE_PATTERN)]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
Fee = Annotated[Decimal, Field(ge=0, le=100, max_digits=8, decimal_places=2)]


class CompanyIn(YingjiModel):
    """物业服务企业：名称、统一社会信用代码、注册地、党员与从业人员培训情况。"""

    name: Name
    credit_code: Annotated[str, Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    division_code: DivisionCode
    legal_person: Annotated[str, Field(max_length=40)] | None = None
    licence_date: date | None = None
    phone: Phone | None = None
    party_members: Count = 0
    party_branch: bool = False
    staff: Count = 0
    staff_pre_job_trained: Count = 0
    professional_post_staff: Count = 0
    professional_post_staff_continuing_educated: Count = 0

    @model_validator(mode="after")
    def _counts(self) -> CompanyIn:
        if self.staff_pre_job_trained > self.staff:
            raise ValueError("staff_pre_job_trained：岗前培训人数不能多于从业人员数")
        if self.professional_post_staff > self.staff:
            raise ValueError("professional_post_staff：专业岗位人数不能多于从业人员数")
        if self.professional_post_staff_continuing_educated > self.professional_post_staff:
            raise ValueError("professional_post_staff_continuing_educated：继续教育人数不能多于专业岗位人数")
        if self.party_branch and self.party_members < 3:
            raise ValueError("party_branch：成立党支部须有3名以上正式党员（东政发〔2024〕18号，001#L112-L114）")
        return self


class CompoundIn(YingjiModel):
    """住宅小区（含单体楼）：附件1统计表各项，以及指标所需的登记事项。"""

    name: Name
    division_code: DivisionCode  # 所在社区（12位）或街道（9位）
    address: Annotated[str, Field(max_length=200)] | None = None
    buildings: Count
    households: Count
    area_m2: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None
    year_built: Annotated[int, Field(ge=1900, le=2100)] | None = None
    is_new: bool = False
    is_old: bool = False
    management: Management
    company: Name | None = None  # 物业服务企业名称
    committee: Committee = Committee.NONE
    committee_formed_on: date | None = None
    committee_eligible: bool = True
    committee_members: Count | None = None
    committee_party_members: Count | None = None
    red_property: bool = False
    service_grade: Annotated[int, Field(ge=1, le=3)] | None = None
    region_excellent: bool = False
    has_public_income: bool = False
    separate_income_account: bool = False
    income_account: Annotated[str, Field(max_length=100)] | None = None
    fixed_parking_spaces: Count = 0
    spaces_with_charging: Count = 0
    fee_standard: Fee | None = None
    collection_rate: Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)] | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> CompoundIn:
        if self.management is Management.NONE and self.company:
            raise ValueError("company：“无物业”的小区不能填写物业服务企业")
        if self.management is Management.PROFESSIONAL and not self.company:
            raise ValueError("company：专业化物业管理的小区须填写物业服务企业")
        if self.committee is Committee.NONE and (self.committee_formed_on or self.committee_members):
            raise ValueError("committee：未组建业委会（物管会）的小区不能填写组建日期或委员人数")
        if (self.committee_party_members or 0) > (self.committee_members or 0):
            raise ValueError("committee_party_members：党员人数不能多于委员人数")
        if self.spaces_with_charging > self.fixed_parking_spaces:
            raise ValueError("spaces_with_charging：配建充电设施的车位不能多于固定车位")
        if self.separate_income_account and not self.has_public_income:
            raise ValueError("separate_income_account：无共用部位经营收益的小区无需单独列账")
        if self.is_new and self.is_old:
            raise ValueError("is_old：新建小区不能同时为老旧小区")
        return self


class ContractIn(YingjiModel):
    """物业服务合同：小区、企业、类别、期限、收费标准。"""

    compound_id: RowId
    company: Name
    kind: ContractKind = ContractKind.REGULAR
    signed_on: date
    starts_on: date
    ends_on: date
    fee_standard: Fee

    @model_validator(mode="after")
    def _term(self) -> ContractIn:
        if self.ends_on <= self.starts_on:
            raise ValueError("ends_on：合同期限的结束日期须晚于开始日期")
        return self


class FilingIn(YingjiModel):
    filed_on: date


class FundRequestIn(YingjiModel):
    """专项维修资金使用申请（应急维修：电梯、消防隐患等）。"""

    compound_id: RowId
    item: Literal["lift", "fire", "roof", "pipe", "other"]
    emergency: bool = True
    amount_yuan: Money
    description: Text


class DecisionIn(YingjiModel):
    approve: bool
    note: Text


class CountyIn(YingjiModel):
    """旗县区物业行业党委成立日期（无则为空）。"""

    industry_party_committee_on: date | None


class DisclosureIn(YingjiModel):
    """“12+N”公示检查：公开的核心信息类数与各列明事项是否公开。"""

    compound_id: RowId
    checked_on: date
    core_shown: Annotated[int, Field(ge=0, le=50)]
    items: dict[str, bool] = Field(default_factory=dict)
    note: Annotated[str, Field(max_length=2000)] = ""


class SurveyItemIn(YingjiModel):
    """增加统计项目（附件1：可增加，不得删减）。"""

    programme: Annotated[str, Field(max_length=64)]
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    label: Annotated[str, Field(min_length=1, max_length=60)]
    type: Literal["text", "int", "decimal", "date", "bool"]


class YearIn(YingjiModel):
    year: Annotated[int, Field(ge=2000, le=2100)]


# --- read models ------------------------------------------------------------------------------------------------


class CompanyRead(YingjiModel):
    """物业服务企业，注册地名称在代码旁。"""

    id: int
    name: str
    credit_code: str
    division_code: str
    division_name: str
    legal_person: str | None
    licence_date: date | None
    phone: str | None
    party_members: int
    party_branch: bool
    staff: int
    staff_pre_job_trained: int
    professional_post_staff: int
    professional_post_staff_continuing_educated: int
    created_at: datetime
    updated_at: datetime


class CreditResultRead(YingjiModel):
    """公布的年度信用评价结果（等级、红黑榜及其后果）。"""

    id: int
    company_id: int
    company_name: str
    year: int
    method_version: str
    score: float
    grade: str
    roster: str | None
    roster_label: str
    serious: bool
    consequences: list[dict[str, str]]
    contributions: dict[str, float]
    published_by: str
    published_at: datetime


class CompanyDetail(CompanyRead):
    results: list[CreditResultRead]
    compounds: list[int]
    compound_names: list[str]


class CompoundRead(YingjiModel):
    """住宅小区：附件1各项，管理方式与业委会的中文，所在街道社区与物业服务企业的名称，本账号可办的事项。"""

    id: int
    name: str
    division_code: str
    division_name: str  # “街道 · 社区”
    address: str | None
    buildings: int
    households: int
    area_m2: Decimal | None
    year_built: int | None
    is_new: bool
    is_old: bool
    management: Management
    management_label: str
    company_id: int | None
    company: str | None
    committee: Committee
    committee_label: str
    committee_formed_on: date | None
    committee_eligible: bool
    committee_members: int | None
    committee_party_members: int | None
    red_property: bool
    service_grade: int | None
    region_excellent: bool
    has_public_income: bool
    separate_income_account: bool
    income_account: str | None
    fixed_parking_spaces: int
    spaces_with_charging: int
    fee_standard: Decimal | None
    collection_rate: Decimal | None
    extra: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[CompoundAction]


class ContractRead(YingjiModel):
    id: int
    compound_id: int
    compound_name: str
    company_id: int
    company_name: str
    kind: ContractKind
    kind_label: str
    signed_on: date
    starts_on: date
    ends_on: date
    fee_standard: Decimal
    filing_due: date
    filing_basis: str
    filed_on: date | None
    filed_with: str | None
    created_at: datetime
    filing_state: str
    filing_state_label: str


class DisclosureRead(YingjiModel):
    id: int
    compound_id: int
    compound_name: str
    checked_on: date
    core_shown: int
    items: dict[str, bool]
    complete: bool
    note: str
    checked_by: str
    created_at: datetime


class CompoundDetail(CompoundRead):
    contracts: list[ContractRead]
    disclosure: DisclosureRead | None


class FundRequestRead(YingjiModel):
    id: int
    compound_id: int
    compound_name: str
    item: str
    item_label: str
    emergency: bool
    amount_yuan: Decimal
    description: str
    state: str
    state_label: str
    submitted_by: str
    submitted_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


class CountyRead(YingjiModel):
    division_code: str
    division_name: str
    industry_party_committee_on: date | None
    updated_by: str
    updated_at: datetime


class SurveyItemRead(YingjiModel):
    id: int
    programme: str
    key: str
    label: str
    type: str
    added_by: str
    added_at: datetime


class SurveyColumnRead(YingjiModel):
    key: str
    label: str
    type: str


class SurveyRead(YingjiModel):
    programme: str
    title: str
    columns: list[SurveyColumnRead]


class RowProblemRead(YingjiModel):
    line: int
    field: str
    problem: str


class ImportRead(YingjiModel):
    entity: str
    created: int
    updated: int
    rejected: int
    problems: list[RowProblemRead]


class PublicCompoundRead(YingjiModel):
    id: int
    name: str
    division_code: str


class PublicPlaceRead(YingjiModel):
    code: str
    name: str
    parent: str


class PublicCreditRead(YingjiModel):
    company: str
    year: int
    grade: str
    roster: str | None
    consequences: list[str]


class OwnerEventRead(YingjiModel):
    at: datetime
    kind: str
    label: str
    level: str  # 办理层级的中文
    note: str


class EventRead(OwnerEventRead):
    actor: str


class OwnerComplaintRead(YingjiModel):
    """业主看到的诉求：不含办理人员和联系方式。"""

    number: str
    compound: str | None
    category: str
    content: str
    state: ComplaintState
    state_label: str
    level: Level
    level_label: str
    handler: str
    dispatcher: str | None
    filed_at: datetime
    response_due: datetime
    completion_due: datetime
    overdue: str | None
    escalations: int
    answer: str | None
    events: list[OwnerEventRead]


class OwnerFiled(OwnerComplaintRead):
    code: str  # 查询码，只显示这一次


class ComplaintRead(YingjiModel):
    """办理人员看到的诉求：小区、企业、办理单位的名称，事权与渠道的中文，本账号可办的步骤。"""

    id: int
    number: str
    compound: str | None
    compound_id: int
    place: str  # 小区所在“街道 · 社区”
    company_id: int | None
    company_name: str | None
    category: str
    content: str
    state: ComplaintState
    state_label: str
    level: Level
    level_label: str
    handler: str
    handler_division: str
    dispatcher: str | None
    department: str | None
    programme: str
    remit: str
    remit_label: str
    route_rule: str
    channel: str
    channel_label: str
    owner_name: str | None
    owner_phone: str
    filed_at: datetime
    response_due: datetime
    completion_due: datetime
    overdue: str | None
    overdue_since: datetime | None
    responded_at: datetime | None
    resolved_at: datetime | None
    escalations: int
    answer: str | None
    substantiated: bool | None
    events: list[EventRead]
    allowed_actions: list[ComplaintStep]


class HotlineFiled(ComplaintRead):
    code: str  # 查询码，由受理人员告知业主


class MonthlyCompoundRow(YingjiModel):
    compound_id: int
    compound: str
    division_code: str
    division_name: str
    company_id: int | None
    company_name: str | None
    households: int
    complaints: int
    unaccepted: int
    rate: float
    key: bool


class MonthlyCompanyRow(YingjiModel):
    company_id: int
    company_name: str
    households: int
    complaints: int
    key_compounds: int
    rate: float


class MonthlyRead(YingjiModel):
    month: str
    thresholds: dict[str, float]
    counted: str
    basis: str
    compounds: list[MonthlyCompoundRow]
    companies: list[MonthlyCompanyRow]


class CreditMethodRead(YingjiModel):
    id: int
    version: str
    body: dict[str, Any]
    note: str
    created_by: str
    created_at: datetime


class CreditEventRead(YingjiModel):
    id: int
    company_id: int
    on: date
    input: str
    input_label: str
    points: float
    serious: bool
    note: str
    source: str
    recorded_by: str
    created_at: datetime


class StandingRead(YingjiModel):
    company_id: int
    company_name: str
    year: int
    based_on: int | None
    grade: str | None
    roster: str | None
    awards_allowed: bool
    reward_eligible: bool
    key_rectification: bool
    consequences: list[dict[str, str]]


class PreviewRead(YingjiModel):
    company_id: int
    company_name: str
    year: int
    method: str
    score: float
    grade: str
    roster: str | None
    contributions: dict[str, float]
    events: list[CreditEventRead]


class DutyRead(YingjiModel):
    id: int
    programme: str
    rule: str
    activity: str
    activity_label: str
    division_code: str
    street: str
    period: str
    due_on: date
    min_times: int
    held: int
    state: str
    state_label: str
    seed: str


class DutyRecordRead(YingjiModel):
    id: int
    duty_id: int
    held_on: date
    participants: list[str]
    summary: str
    findings: list[dict[str, Any]]
    recorded_by: str
    created_at: datetime


class TargetRow(YingjiModel):
    target: str
    name: str
    unit: str
    year: int
    goal: float | None
    full: bool
    within: list[str]
    value: float | None
    met: bool | None
    seed: str


class ProgrammeTargets(YingjiModel):
    programme: str
    title: str
    doc_no: str
    rows: list[TargetRow]


class SyncRead(YingjiModel):
    loaded: int
    values: int

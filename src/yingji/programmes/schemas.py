"""Request bodies of /api/programmes and /api/rehab: strict, bounded, with Chinese field errors."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from yingji.core.divisions import CODE_PATTERN
from yingji.core.paging import Filters
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.programmes.models import (
    AppState,
    AssessmentResult,
    CaseState,
    CultivationState,
    ObjectionState,
    RatingDirection,
    TitleState,
)
from yingji.programmes.policy import (
    AgreementAction,
    AlertAction,
    ApplicationAction,
    CaseAction,
    CultivationAction,
    InstitutionAction,
    ObjectionAction,
    ProgrammeAction,
    RoundAction,
    TitleAction,
)
from yingji.programmes.schema import Gate, Programme, Stage, StageActor, StageKind
from yingji.rules.programmes import CadenceStatus

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
DivisionCode = Annotated[str, Field(pattern=CODE_PATTERN)]
IdNumber = Annotated[str, Field(pattern=r"^\d{17}[\dX]$")]  # 公民身份号码 GB 11643
Fact = bool | Annotated[float, Field(allow_inf_nan=False, ge=0, le=1000)]


class RoundIn(YingjiModel):
    programme: Short
    number: Annotated[int, Field(ge=1, le=1000)]
    title: Name
    approval_ref: Name
    approved_on: date
    notice_on: date
    apply_until: date

    @model_validator(mode="after")
    def _order(self) -> RoundIn:
        if self.notice_on < self.approved_on:
            raise ValueError("notice_on：申报通知须在实施方案批准之后发布")
        if self.apply_until < self.notice_on:
            raise ValueError("apply_until：申报截止日不能早于通知发布日")
        return self


class EventIn(YingjiModel):
    kind: Key
    on: date
    note: Annotated[str, StringConstraints(max_length=200)] | None = None


class PersonIn(YingjiModel):
    id_number: IdNumber
    birth_year: Annotated[int, Field(ge=1900, le=2100)]
    ethnicity: Short | None = None


class ApplicationIn(YingjiModel):
    round_id: RowId
    subject_name: Name | None = None  # enterprises: taken from the registry
    organisation_id: RowId | None = None
    person: PersonIn | None = None
    division_code: DivisionCode | None = None
    category: Short | None = None
    item_name: Name | None = None
    facts: dict[Key, Fact] = Field(default_factory=dict, max_length=40)
    events: list[EventIn] = Field(default_factory=list, max_length=100)
    materials: list[Key] = Field(default_factory=list, max_length=40)


class ResubmitIn(YingjiModel):
    facts: dict[Key, Fact] = Field(default_factory=dict, max_length=40)
    events: list[EventIn] = Field(default_factory=list, max_length=100)
    materials: list[Key] = Field(default_factory=list, max_length=40)


class AdvanceIn(YingjiModel):
    outcome: Literal["pass", "return", "reject"] = "pass"
    reason: Text | None = None
    expected_stage: Key | None = None  # guards against acting on a stage someone else has just moved

    @model_validator(mode="after")
    def _reason(self) -> AdvanceIn:
        if self.outcome != "pass" and self.reason is None:
            raise ValueError("reason：退回或不予通过须说明理由")
        return self


class SelectIn(YingjiModel):
    winners: list[RowId] = Field(default_factory=list, max_length=200)
    reason: Text


class ObjectionIn(YingjiModel):
    objector: Short
    contact: Short | None = None
    written: bool
    content: Text
    received_on: date | None = None


class ResolveIn(YingjiModel):
    upheld: bool
    reply: Text


class MemberIn(YingjiModel):
    expert_id: RowId
    username: Short | None = None
    leader: bool = False


class PanelIn(YingjiModel):
    panel: Key
    members: list[MemberIn] = Field(min_length=1, max_length=60)


class DrawIn(YingjiModel):
    panel: Key
    exclude: list[RowId] = Field(default_factory=list, max_length=200)


class RecusalIn(YingjiModel):
    application_id: int
    reason: Text


class ScoreIn(YingjiModel):
    score: Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
    opinion: Text


class PoolMemberIn(YingjiModel):
    expert_id: RowId
    username: Short | None = None
    categories: list[Short] = Field(default_factory=list, max_length=10)
    qualifications: list[Key] = Field(default_factory=list, max_length=10)
    appointed_on: date


class RevokeIn(YingjiModel):
    ground: Key
    event_on: date
    reason: Text


class EndIn(YingjiModel):
    kind: Literal["deceased", "waived", "honorary"]
    on: date
    reason: Text


class EvaluationIn(YingjiModel):
    year: Annotated[int, Field(ge=2000, le=2100)]
    grade: Key
    circumstances: list[Key] = Field(default_factory=list, max_length=10)
    remarks: Text | None = None


class VisitIn(YingjiModel):
    visited_on: date
    notes: Text


class CultivationIn(YingjiModel):
    """申请或推荐入培育库：企业、入库方式（自行申报、旗县区推荐、部门推荐）、推荐单位、理由。"""

    organisation_id: RowId
    route: Key
    recommender: Name | None = None
    reason: Text


class DecideIn(YingjiModel):
    admit: bool
    note: Text


class SupportIn(YingjiModel):
    kind: Key
    given_on: date
    note: Text


class RatingIn(YingjiModel):
    """双向评价：申报单位评价一名评审人员（member_id 必填），或评审人员评价申报单位。"""

    member_id: RowId | None = None
    score: Annotated[int, Field(ge=0, le=10)]
    misconduct: bool = False  # 申报单位反映评审人员有弄虚作假、索取或收受财物等不正当行为
    remarks: Text | None = None


class PastTitleIn(YingjiModel):
    """A title conferred before the platform (for the re-application gap and revocation windows)."""

    organisation_id: RowId | None = None
    subject_name: Name | None = None
    division_code: DivisionCode | None = None
    round_number: Annotated[int, Field(ge=1, le=1000)]
    conferred_on: date
    category: Short | None = None
    item_name: Name | None = None
    birth_year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    id_number: IdNumber | None = None


# --- list filters -------------------------------------------------------------------------------------------------

ProgrammeId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
DivisionFilter = Annotated[str, Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$")]


class RoundFilters(Filters):
    programme_id: ProgrammeId | None = None
    open: bool | None = None  # 未结束（true）或已结束（false）
    year: Annotated[int, Field(ge=2000, le=2100)] | None = None  # 申报通知发布年度


class ApplicationFilters(Filters):
    programme_id: ProgrammeId | None = None
    round_id: RowId | None = None
    state: AppState | None = None
    stage: Key | None = None
    division: DivisionFilter | None = None


class CultivationFilters(Filters):
    state: CultivationState | None = None
    year: Annotated[int, Field(ge=2000, le=2100)] | None = None  # 入库年度
    division: DivisionFilter | None = None


class TitleFilters(Filters):
    state: TitleState | None = None
    division: DivisionFilter | None = None
    round_number: Annotated[int, Field(ge=1, le=1000)] | None = None


class InstitutionFilters(Filters):
    division: DivisionFilter | None = None


class CaseFilters(Filters):
    state: CaseState | None = None
    division: DivisionFilter | None = None
    institution_id: RowId | None = None
    mode: Key | None = None


class AlertFilters(Filters):
    all: bool = False  # 含已关闭的预警
    case_id: RowId | None = None
    division: DivisionFilter | None = None


# --- read models --------------------------------------------------------------------------------------------------


class BasisRead(YingjiModel):
    """One citation: plan, clause, seed line and the words there."""

    rule: str
    plan: str
    clause: str
    seed: str | None = None
    quote: str | None = None
    source: str | None = None


class CadenceRead(YingjiModel):
    """认定周期（每2—4年一批）：上一批、下一批可开展的期间、是否逾期，及原文依据。"""

    status: CadenceStatus
    status_label: str
    summary: str
    previous_number: int | None
    previous_on: date | None
    earliest: date | None
    latest: date | None
    overdue: bool
    basis: list[BasisRead]


class StageRead(Stage):
    kind_label: str
    actor_label: str


class ProgrammeRead(Programme):
    """A programme with its stages (办理人、期限 in words), its authority's area by name, and what the caller may do."""

    stages: list[StageRead]  # type: ignore[assignment]
    division_name: str
    subject_label: str
    cadence_state: CadenceRead | None = None  # where the programme stands today against its cadence
    allowed_actions: list[ProgrammeAction]


class FindingRead(YingjiModel):
    code: str
    label: str
    holds: bool | None
    seed: str
    quote: str
    detail: str | None


class CheckRead(YingjiModel):
    """申报前自查：逐条对照申报条件和不得申报情形。"""

    eligible: bool
    requirements: list[FindingRead]
    exclusions: list[FindingRead]


class RoundRead(YingjiModel):
    id: int
    programme_id: str
    programme_title: str
    number: int
    title: str
    division_code: str
    division_name: str
    approval_ref: str
    approved_on: date
    notice_on: date
    apply_until: date
    closed_on: date | None
    created_by: str
    created_at: datetime
    accepting: bool
    status_label: str  # 受理申报中 / 评审中 / 已结束
    cadence: CadenceRead | None = None  # this round against the one before it (programmes with a cadence)
    allowed_actions: list[RoundAction]


class PanelMemberRead(YingjiModel):
    id: int
    panel_id: int
    expert_id: int
    name: str
    username: str | None
    leader: bool
    categories: list[str]


class PanelRead(YingjiModel):
    id: int
    round_id: int
    panel_code: str
    panel_label: str
    method: str
    method_label: str
    formed_by: str
    formed_at: datetime
    pool_size: int | None
    members: list[PanelMemberRead]


FactValue = bool | int | float | str | None


class ApplicationRead(YingjiModel):
    """申报：项目、环节、状态的中文，所在区划的名称，本账号现在可办的事项。"""

    id: int
    round_id: int
    programme_id: str
    programme_title: str
    subject_name: str
    organisation_id: int | None
    person_label: str | None
    division_code: str
    division_name: str
    category: str | None
    item_name: str | None
    facts: dict[str, FactValue]
    events: list[list[str | None]]
    materials: list[str]
    stage: str
    stage_label: str
    stage_kind: StageKind
    stage_kind_label: str
    stage_actor: StageActor
    stage_actor_label: str
    state: AppState
    state_label: str
    stage_entered_on: date
    period_ends_on: date | None
    period_estimated: bool
    period_over: bool
    scores: dict[str, float | None]
    composite: float | None
    submitted_by: str
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[ApplicationAction]


class StepRead(YingjiModel):
    """One step of an application's history, with the action and stages in words."""

    id: int
    application_id: int
    seq: int
    at: datetime
    actor: str
    action: str
    action_label: str
    from_stage: str | None
    from_label: str | None
    to_stage: str | None
    to_label: str | None
    reason: str | None
    basis: list[BasisRead]


class ObjectionRead(YingjiModel):
    id: int
    application_id: int
    stage: str
    received_on: date
    objector: str
    contact: str | None
    written: bool
    content: str
    reply_due: date | None
    reply_overdue: bool
    state: ObjectionState
    state_label: str
    reply: str | None
    replied_on: date | None
    replied_by: str | None
    recorded_by: str
    allowed_actions: list[ObjectionAction]


class ScoreRead(YingjiModel):
    id: int
    member_id: int
    application_id: int
    member: str
    score: Decimal
    opinion: str
    at: datetime


class RecusalRead(YingjiModel):
    id: int
    member_id: int
    application_id: int
    reason: str
    at: datetime


class SupportRead(YingjiModel):
    id: int
    cultivation_id: int
    kind: str
    kind_label: str
    given_on: date
    note: str
    recorded_by: str
    at: datetime


class CultivationRead(YingjiModel):
    """培育库成员（或待纳入的申请、推荐）：企业、所在区划、入库方式与推荐单位、理由、年度、状态，及所受培训和指导帮扶。"""

    id: int
    programme_id: str
    programme_title: str
    organisation_id: int
    subject_name: str
    division_code: str
    division_name: str
    route: str
    route_label: str
    recommender: str | None
    reason: str
    state: CultivationState
    state_label: str
    year: int
    filed_on: date
    filed_by: str
    decided_on: date | None
    decided_by: str | None
    decision_note: str | None
    created_at: datetime
    support: list[SupportRead]
    allowed_actions: list[CultivationAction]


class PoolApplicantRead(YingjiModel):
    """A pool member against a round: whether it has applied (申报动员 while the round accepts applications)."""

    cultivation_id: int
    organisation_id: int
    subject_name: str
    division_name: str
    route_label: str
    recommender: str | None
    year: int
    application_id: int | None


class RatingRead(YingjiModel):
    id: int
    round_id: int
    application_id: int
    member_id: int
    member_name: str
    panel_label: str
    direction: RatingDirection
    direction_label: str
    score: int
    score_label: str
    misconduct: bool
    remarks: str | None
    rated_by: str
    at: datetime


class RateableRead(YingjiModel):
    """A seat the caller may still rate on this application (the applicant: each evaluator who scored it; an
    evaluator: the applicant, once per seat that scored it)."""

    member_id: int
    member_name: str
    panel_label: str
    direction: RatingDirection
    direction_label: str


class EvaluatorRatingRead(YingjiModel):
    """一名评审人员在本届所受评价（纪律执行情况）：次数、平均、反映不正当行为的次数，及其在本项目历届的平均。"""

    member_id: int
    expert_id: int
    name: str
    panel_label: str
    count: int
    average: float | None
    misconduct_reports: int
    overall_count: int
    overall_average: float | None


class ApplicantRatingRead(YingjiModel):
    application_id: int
    subject_name: str
    count: int
    average: float | None


class RatingSummaryRead(YingjiModel):
    """本届双向评价汇总（仅主管部门）：评审人员纪律执行情况的平均，申报单位守纪情况的平均。"""

    round_id: int
    scale: dict[int, str]
    evaluators: list[EvaluatorRatingRead]
    applicants: list[ApplicantRatingRead]
    basis: list[BasisRead]


class ApplicationDetail(ApplicationRead):
    history: list[StepRead]
    objections: list[ObjectionRead]
    scores_detail: list[ScoreRead]
    ratings_given: list[RatingRead] = Field(default_factory=list)  # the caller's own
    rateable: list[RateableRead] = Field(default_factory=list)
    cultivation: CultivationRead | None = None  # the applicant's pool entry, where the programme has a pool


class RoundDetail(RoundRead):
    applications: list[ApplicationRead]
    panels: list[PanelRead]
    pool: list[PoolApplicantRead] = Field(default_factory=list)  # 培育库成员在本届的申报情况


class PoolMemberRead(YingjiModel):
    """专家库成员：姓名、单位、聘期，资格的中文。"""

    id: int
    pool: str
    expert_id: int
    name: str
    unit_name: str | None
    username: str | None
    categories: list[str]
    qualifications: list[str]
    qualification_labels: list[str]
    appointed_on: date
    term_ends_on: date | None
    in_term: bool
    created_at: datetime


class TitleRead(YingjiModel):
    """获奖（认定）记录：状态的中文，所在区划的名称，本账号可办的事项。"""

    id: int
    application_id: int | None
    programme_id: str
    programme_title: str
    round_number: int
    subject_name: str
    organisation_id: int | None
    division_code: str
    division_name: str
    category: str | None
    item_name: str | None
    birth_year: int | None
    conferred_on: date
    state: TitleState
    state_label: str
    ended_on: date | None
    end_ground: str | None
    end_ground_label: str | None
    end_reason: str | None
    age_at_end: int | None
    allowed_actions: list[TitleAction]


class VisitRead(YingjiModel):
    id: int
    title_id: int
    due_on: date
    visited_on: date | None
    visitor: str | None
    notes: str | None
    late: bool


class EvaluationRead(YingjiModel):
    id: int
    title_id: int
    year: int
    grade: str
    grade_label: str
    circumstances: list[str]
    circumstance_labels: list[str]
    publicity_starts_on: date
    publicity_ends_on: date
    remarks: str | None
    recorded_by: str
    created_at: datetime


class StandingRead(YingjiModel):
    """某年度是否发放传习补助经费、是否在整改期、可否向上推荐。"""

    year: int
    subsidy: bool | None
    subsidy_reason: str
    in_rectification: bool
    recommend: bool | None
    recommend_reason: str
    grades: dict[str, str]
    basis: list[BasisRead]
    recommend_basis: list[BasisRead]


class TitleDetail(TitleRead):
    visits: list[VisitRead]
    evaluations: list[EvaluationRead]
    standing: StandingRead | None = None


class EvaluatedRead(YingjiModel):
    evaluation: EvaluationRead
    title: TitleRead


# --- rehabilitation ---------------------------------------------------------------------------------------------


class AgreementRead(YingjiModel):
    id: int
    institution_id: int
    year: int
    signed_on: date
    assessment: AssessmentResult | None
    assessment_label: str | None
    assessed_on: date | None
    remarks: str | None
    allowed_actions: list[AgreementAction]


class InstitutionRead(YingjiModel):
    """协议机构：所在区划名称、具备条件的中文、历年协议及考核。"""

    id: int
    name: str
    kind: str
    division_code: str
    division_name: str
    conditions: list[str]
    condition_labels: list[str]
    night_rehab: bool
    address: str | None
    created_at: datetime
    agreements: list[AgreementRead]
    allowed_actions: list[InstitutionAction]


class ClaimRead(YingjiModel):
    id: int
    case_id: int
    service_on: date
    category: str
    category_label: str
    body_part: str | None
    item: str
    amount: Decimal
    payable: Decimal
    refusal: str | None
    refusal_label: str | None
    created_by: str
    created_at: datetime


class AlertRead(YingjiModel):
    id: int
    case_id: int
    claim_id: int | None
    worker_name: str
    division_code: str
    division_name: str
    rule: str
    rule_label: str
    message: str
    raised_at: datetime
    closed_by: str | None
    closed_note: str | None
    allowed_actions: list[AlertAction]


class CaseRead(YingjiModel):
    """康复病例：模式、前置程序、状态的中文，协议机构与区划的名称，费用与预警，本账号可办的事项。"""

    id: int
    worker_name: str
    employer: str
    division_code: str
    division_name: str
    injury_ref: str
    injured_parts: list[str]
    department: str | None
    mode: str
    mode_label: str
    gate: Gate
    gate_label: str
    institution_id: int
    institution_name: str
    state: CaseState
    state_label: str
    proposed_on: date
    filed_on: date | None
    evaluated_by: int | None
    evaluator_name: str | None
    evaluation: str | None
    approved_on: date | None
    ends_on: date | None
    discharged_on: date | None
    created_by: str
    created_at: datetime
    claims: list[ClaimRead]
    total: Decimal
    payable: Decimal
    alerts: list[AlertRead]
    allowed_actions: list[CaseAction]


class ClaimResult(YingjiModel):
    claim: ClaimRead
    alerts: list[AlertRead]

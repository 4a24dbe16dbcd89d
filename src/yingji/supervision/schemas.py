"""Bodies and read models of the mine supervision registers: codes beside their Chinese labels, actions listed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field, model_validator

from yingji.core.divisions import CODE_PATTERN
from yingji.core.paging import Filters
from yingji.core.params import RowId, Year
from yingji.core.schemas import YingjiModel
from yingji.registry.enums import StandardisationGrade
from yingji.registry.schemas import Lat, Lon
from yingji.rules.basis import Basis
from yingji.rules.supervision import (
    CapacityCondition,
    CapacityState,
    CensusState,
    DispositionAction,
    DispositionState,
    EquipmentCategory,
    EquipmentCondition,
    EvaluationAction,
    EvaluationKind,
    EvaluationState,
    FactorKind,
    GoafKind,
    GoafMeasure,
    GoafState,
    PondDisposition,
    RiskColour,
    RockBurst,
    SiteClass,
    WarningAction,
    WarningState,
)
from yingji.supervision.policy import AgencyAction, EntryAction, MineAction, PondAction

Note = str | None
LongText = Field(min_length=1, max_length=4000)


class BasisRead(YingjiModel):
    rule: str
    plan: str
    clause: str
    seed: str | None

    @classmethod
    def of(cls, basis: Basis) -> BasisRead:
        return cls(rule=basis.rule, plan=basis.plan, clause=basis.clause, seed=basis.seed)


# --- bodies ----------------------------------------------------------------------------------------------------------


class ProfileIn(YingjiModel):
    depth_m: float | None = Field(default=None, ge=0, le=3000, description="采深（米）；未知时留空")
    rock_burst_monitoring: bool = Field(default=False, description="已落实冲击地压监测")
    state_owned_large: bool = Field(default=False, description="国有大型/高风险矿山（2027年底前采掘外包清零）")
    central_enterprise: bool = Field(default=False, description="中央驻市矿山企业")


class SupervisorsIn(YingjiModel):
    supervising_org_id: RowId | None = Field(default=None, description="日常监管主体（单位编号）")
    territorial_org_id: RowId | None = Field(default=None, description="属地监管部门（中央驻市矿山企业）")
    note: str = Field(min_length=1, max_length=500, description="调整理由")


class CensusIn(YingjiModel):
    year: Year
    started_on: date
    conducted_by: str | None = Field(default=None, max_length=120, description="普查单位")
    agency_id: RowId | None = Field(default=None, description="登记在册的第三方技术服务机构（负面清单内的不予接受）")
    summary: str | None = Field(default=None, max_length=4000)


class FindingIn(YingjiModel):
    kind: FactorKind
    description: str = LongText


class TreatmentIn(YingjiModel):
    treatment: str = LongText
    treated_on: date


class CompleteIn(YingjiModel):
    completed_on: date
    summary: str | None = Field(default=None, max_length=4000)


class ResumeIn(YingjiModel):
    note: str | None = Field(default=None, max_length=500)


class GoafIn(YingjiModel):
    kind: GoafKind
    name: str = Field(min_length=1, max_length=120)
    colour: RiskColour
    state: GoafState = GoafState.IDENTIFIED
    volume_m3: float | None = Field(default=None, ge=0)
    measures: list[GoafMeasure] = Field(default_factory=list, max_length=5)
    is_key: bool = Field(default=False, description="重点采空区")
    assessed_on: date
    note: str | None = Field(default=None, max_length=2000)
    lon: Lon = None
    lat: Lat = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> GoafIn:
        if (self.lon is None) != (self.lat is None):
            raise ValueError("lon/lat：经纬度须同时填写或同时留空")
        return self


class DeadlineDoneIn(YingjiModel):
    done_on: date
    note: str | None = Field(default=None, max_length=500)


class WarningIn(YingjiModel):
    mine_id: RowId | None = None
    pond_id: RowId | None = None
    title: str = Field(min_length=1, max_length=200)
    assessment: str = LongText
    respond_within_h: int = Field(ge=1, le=720, description="响应时限（小时）")
    close_within_h: int = Field(ge=1, le=8760, description="闭环反馈时限（小时，自推送起）")
    alarm_id: RowId | None = None

    @model_validator(mode="after")
    def _one_site(self) -> WarningIn:
        if (self.mine_id is None) == (self.pond_id is None):
            raise ValueError("mine_id/pond_id：须且只须指明一处矿山或尾矿库")
        if self.close_within_h < self.respond_within_h:
            raise ValueError("close_within_h：闭环时限不能早于响应时限")
        return self


class WarningStepIn(YingjiModel):
    text: str = LongText


class DispositionIn(YingjiModel):
    category: PondDisposition
    due: date
    note: str | None = Field(default=None, max_length=2000)


class DispositionStepIn(YingjiModel):
    note: str | None = Field(default=None, max_length=2000)


# --- filters ---------------------------------------------------------------------------------------------------------


class DeadlineFilters(Filters):
    overdue: bool = Field(default=False, description="只列逾期")
    mine_id: RowId | None = None
    code: str | None = Field(default=None, max_length=40)


class GoafFilters(Filters):
    colour: RiskColour | None = None
    mine_id: RowId | None = None
    kind: GoafKind | None = None


class WarningFilters(Filters):
    state: WarningState | None = None
    overdue: bool = False
    mine_id: RowId | None = None
    pond_id: RowId | None = None
    urgent: bool = Field(default=False, description="逾期的在前，其次未闭环的（否则新的在前）")


# --- reads -----------------------------------------------------------------------------------------------------------


class FindingRead(YingjiModel):
    id: int
    kind: FactorKind
    kind_label: str
    description: str
    treatment: str | None
    treated_on: date | None
    treated: bool


class CensusRead(YingjiModel):
    id: int
    mine_id: int
    mine_name: str
    year: int
    state: CensusState
    state_label: str
    started_on: date
    completed_on: date | None
    conducted_by: str | None
    summary: str | None
    findings: list[FindingRead]
    untreated: int
    allowed_actions: list[str]


class ResumeCheckRead(YingjiModel):
    mine_id: int
    year: int
    may_resume: bool
    subcode: str | None
    reason: str | None
    basis: list[BasisRead]


class DeadlineRead(YingjiModel):
    id: int
    mine_id: int
    mine_name: str
    code: str
    label: str
    due: date
    done_on: date | None
    overdue: bool
    status_label: str
    note: str | None
    basis: BasisRead
    allowed_actions: list[EntryAction]


class GoafRead(YingjiModel):
    id: int
    mine_id: int
    mine_name: str
    kind: GoafKind
    kind_label: str
    name: str
    colour: RiskColour
    colour_label: str
    state: GoafState
    state_label: str
    volume_m3: float | None
    measures: list[GoafMeasure]
    measure_labels: list[str]
    is_key: bool
    assessed_on: date
    note: str | None
    lon: float | None
    lat: float | None
    allowed_actions: list[EntryAction]


class MineSupervisionRead(YingjiModel):
    """One mine's supervision status in words: census, depth and rock burst, deadlines, networking, goafs."""

    mine_id: int
    name: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    enterprise_id: int
    enterprise_name: str
    division_code: str
    division_name: str
    depth_m: float | None
    rock_burst_monitoring: bool = Field(description="已落实冲击地压监测（企业或监管部门登记）")
    state_owned_large: bool = Field(description="国有大型/高风险矿山")
    rock_burst: RockBurst
    rock_burst_label: str
    rock_burst_flagged: bool
    census_year: int
    census_state: CensusState | None
    census_label: str
    census_due: bool
    supervising_org_id: int | None
    supervising_org_name: str | None
    central_enterprise: bool
    territorial_org_id: int | None
    territorial_org_name: str | None
    territorial_missing: bool
    deadlines_overdue: int
    next_deadline: str | None
    networked: bool | None
    networking_label: str
    worst_goaf_colour: RiskColour | None
    worst_goaf_label: str | None
    rescue_cover_missing: bool = Field(description="既未签订救援协议，也无本企业矿山救护队（000#L1405、L632）")
    flags: list[str] = Field(description="需关注的事项（中文）")
    allowed_actions: list[MineAction]


class PondSupervisionRead(YingjiModel):
    """One tailings pond's standing checks in words: networking (三等及以上), rescue cover, a 头顶库's broadcast."""

    pond_id: int
    name: str
    enterprise_name: str
    division_name: str
    pond_grade: int
    status_label: str
    is_overhead: bool
    has_emergency_broadcast: bool
    contracted_team_name: str | None
    networking_label: str
    flags: list[str] = Field(description="需关注的事项（中文）")
    basis: list[BasisRead]
    allowed_actions: list[PondAction]


class NetworkingRow(YingjiModel):
    site_class: SiteClass
    label: str
    total: int
    networked: int
    share: float | None
    target_share: float
    due: date
    not_networked: list[str]


class NetworkingCarried(YingjiModel):
    target: str
    year: int
    value: float
    source: str


class NetworkingRead(YingjiModel):
    at: datetime
    rows: list[NetworkingRow]
    basis: BasisRead


class WarningRead(YingjiModel):
    id: int
    site: str
    site_name: str
    enterprise_id: int
    enterprise_name: str
    title: str
    assessment: str
    state: WarningState
    state_label: str
    pushed_by: str
    pushed_at: datetime
    respond_by: datetime
    close_by: datetime
    response: str | None
    responded_at: datetime | None
    feedback: str | None
    closed_at: datetime | None
    overdue: bool
    allowed_actions: list[WarningAction]


class DispositionRead(YingjiModel):
    id: int
    pond_id: int
    pond_name: str
    pond_grade: int
    category: PondDisposition
    category_label: str
    state: DispositionState
    state_label: str
    due: date
    overdue: bool
    note: str | None
    accepted_on: date | None
    history: list[dict[str, str]]
    allowed_actions: list[DispositionAction]


class ReachRow(YingjiModel):
    site: str
    site_name: str
    division_name: str
    team_minutes: int | None = Field(description="最近矿山救护队估算行车分钟")
    team_name: str | None
    depot_minutes: int | None = Field(description="最近物资储备库估算行车分钟")
    depot_name: str | None
    team_reached: bool
    depot_reached: bool


class ReachRead(YingjiModel):
    hours: float
    unreached: list[ReachRow]
    sites_checked: int
    unplaced: list[str] = Field(description="未登记坐标、无法计算的场所")
    basis: BasisRead
    note: str


# --- capacity, standardisation, insurance, agencies, equipment ------------------------------------------------------


class CapacityIn(YingjiModel):
    requested_t: int = Field(ge=1, le=200_000_000, description="申请核增后的生产能力（吨/年）")
    reason: str = LongText


class ConditionIn(YingjiModel):
    condition: CapacityCondition
    met: bool
    note: str = Field(min_length=1, max_length=2000, description="评估依据")


class AssessmentIn(YingjiModel):
    conditions: list[ConditionIn] = Field(min_length=1, max_length=3)


class DecisionIn(YingjiModel):
    note: str | None = Field(default=None, max_length=2000)


class GradeIn(YingjiModel):
    grade: StandardisationGrade
    on: date
    note: str | None = Field(default=None, max_length=2000)


class SpotCheckIn(YingjiModel):
    on: date
    passed: bool = Field(description="抽查是否保持原等级（否：滑坡）")
    note: str | None = Field(default=None, max_length=2000)


class PolicyIn(YingjiModel):
    enterprise_id: RowId | None = Field(default=None, description="监管部门代录时指明企业")
    insurer: str = Field(min_length=2, max_length=120)
    policy_no: str = Field(min_length=1, max_length=60)
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _order(self) -> PolicyIn:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on：保险期间终止日不能早于起始日")
        return self


class InspectionIn(YingjiModel):
    on: date
    findings: str = LongText


class AgencyIn(YingjiModel):
    name: str = Field(min_length=2, max_length=120)
    division_code: str = Field(pattern=CODE_PATTERN)
    services: str = Field(min_length=1, max_length=200, description="服务范围，如 安全评价、检测检验、隐蔽致灾因素普查")


class EvaluationIn(YingjiModel):
    year: Year
    score: int = Field(ge=0, le=100)
    note: str | None = Field(default=None, max_length=2000)


class NegativeIn(YingjiModel):
    negative: bool
    reason: str = Field(min_length=1, max_length=2000, description="列入或移出负面清单的理由")


class EquipmentIn(YingjiModel):
    category: EquipmentCategory
    name: str = Field(min_length=1, max_length=120)
    model: str | None = Field(default=None, max_length=80)
    serial_no: str | None = Field(default=None, max_length=80)
    installed_on: date | None = None
    last_inspected_on: date | None = None
    condition: EquipmentCondition = EquipmentCondition.NORMAL
    in_service: bool = True
    note: str | None = Field(default=None, max_length=2000)


class EquipmentFilters(Filters):
    mine_id: RowId | None = None
    faulty_running: bool = Field(default=False, description="只列带病运行")


class ConditionRead(YingjiModel):
    condition: CapacityCondition
    label: str
    met: bool | None
    note: str | None


class CapacityRead(YingjiModel):
    id: int
    mine_id: int
    mine_name: str
    current_t: int | None
    requested_t: int
    state: CapacityState
    state_label: str
    reason: str
    conditions: list[ConditionRead]
    decision_note: str | None
    decided_at: datetime | None
    allowed_actions: list[str]


class StandardisationEventRead(YingjiModel):
    id: int
    kind: str
    kind_label: str
    grade: StandardisationGrade
    grade_label: str
    on: date
    passed: bool | None
    note: str | None


class StandardisationMineRead(YingjiModel):
    mine_id: int
    mine_name: str
    grade: StandardisationGrade
    grade_label: str
    graded_on: date | None
    last_spot_check: date | None
    spot_check_due: date | None
    spot_check_overdue: bool
    history: list[StandardisationEventRead]
    allowed_actions: list[MineAction]


class StandardisationShareRead(YingjiModel):
    coal_mines: int
    coal_level_1: int
    coal_level_1_share: float | None
    coal_level_1_target: float
    coal_below_level_2: list[str]
    non_coal_producing_ungraded: list[str]
    spot_checks_overdue: list[str]
    basis: BasisRead


class PolicyRead(YingjiModel):
    id: int
    enterprise_id: int
    enterprise_name: str
    insurer: str
    policy_no: str
    starts_on: date
    ends_on: date
    in_force: bool
    inspections_this_year: int
    inspections_short: bool
    allowed_actions: list[EntryAction]


class InsuranceRead(YingjiModel):
    year: int
    mine_enterprises: int
    covered: int
    share: float | None
    due: date
    uncovered: list[str]
    policies: list[PolicyRead]
    basis: list[BasisRead]


class AgencyRead(YingjiModel):
    id: int
    name: str
    division_code: str
    division_name: str
    services: str
    negative: bool
    negative_label: str
    negative_reason: str | None
    listed_on: date | None
    latest_score: int | None
    latest_year: int | None
    scores: dict[int, int]
    allowed_actions: list[AgencyAction]


class EquipmentRead(YingjiModel):
    id: int
    mine_id: int
    mine_name: str
    category: EquipmentCategory
    category_label: str
    name: str
    model: str | None
    serial_no: str | None
    installed_on: date | None
    last_inspected_on: date | None
    condition: EquipmentCondition
    condition_label: str
    in_service: bool
    runs_faulty: bool
    note: str | None
    allowed_actions: list[EntryAction]


class EvaluationOpenIn(YingjiModel):
    kind: EvaluationKind
    division_code: str = Field(pattern=CODE_PATTERN, description="被评估的旗县区或市")


class EvaluationStepIn(YingjiModel):
    text: str = Field(min_length=1, max_length=20000, description="自评报告、审定结论或退回理由")


class EvaluationRead(YingjiModel):
    id: int
    kind: EvaluationKind
    kind_label: str
    year: int
    division_code: str
    division_name: str
    state: EvaluationState
    state_label: str
    report: str | None
    evidence: dict[str, object] = Field(
        description="开展与报送时台账的数据（联网率、普查完成、逾期节点、安责险覆盖、标准化）"
    )
    submitted_at: datetime | None
    conclusion: str | None
    concluded_by: str | None
    concluded_at: datetime | None
    allowed_actions: list[EvaluationAction]
    basis: BasisRead


class GoafPointGeometry(YingjiModel):
    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(min_length=2, max_length=2, description="[经度, 纬度]")


class GoafFeatureProperties(YingjiModel):
    name: str
    mine_name: str
    kind_label: str
    colour: str
    colour_label: str
    fill: str = Field(description="四色的填充色")
    state_label: str


class GoafFeature(YingjiModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: GoafPointGeometry
    properties: GoafFeatureProperties


class GoafLayer(YingjiModel):
    """The four-colour list as a GeoJSON FeatureCollection (placed entries only)."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[GoafFeature]


class DeadlinesGenerated(YingjiModel):
    created: int = Field(description="新生成的改造时限条数（已有的不重复生成）")

"""The typed schema of an emergency plan: every value a rule reads carries its seed citation.

A plan difference is a field here, never an ``if`` in a rule. ``schema_version`` only rises.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from yingji.core.labels import LabelledEnum
from yingji.core.schemas import YingjiModel
from yingji.rules.basis import Basis
from yingji.rules.levels import Condition, Grade, WarningLevel

SCHEMA_VERSION = 1

SEED_PATTERN = re.compile(r"^(?P<seed>\d{3})#L(?P<line>\d+)$")

Body = Annotated[str, Field(min_length=2, max_length=120, description="机构或职务名称")]
Text = Annotated[str, Field(min_length=1)]
LevelNo = Annotated[int, Field(ge=1, le=4)]
DivisionCode = Annotated[str, Field(pattern=r"^\d{6}$", description="GB/T 2260 行政区划代码")]


class SeedRef(YingjiModel):
    """A citation into a seed gazette: the line must hold ``quote`` (checked by the citation test)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, coerce_numbers_to_str=True)

    seed: str = Field(description="种子文件与行号，如 000#L713")
    clause: str = Field(min_length=1, description="条款，如 附件1 一")
    quote: str = Field(min_length=2, description="该行中的原文摘录")
    reading: str | None = Field(default=None, description="原文有歧义时采用的解读及理由")

    @field_validator("seed")
    @classmethod
    def _seed_format(cls, value: str) -> str:
        if not SEED_PATTERN.match(value):
            raise ValueError("应为 三位种子编号#L行号，如 000#L713")
        return value

    def to_basis(self, *, rule: str, plan: str) -> Basis:
        return Basis(rule=rule, plan=plan, clause=self.clause, seed=self.seed, quote=self.quote)


class Cited(YingjiModel):
    """Base for parts that cite one or more seed lines."""

    basis: list[SeedRef] = Field(min_length=1)


class CitedText(Cited):
    text: Text


# --- metadata -------------------------------------------------------------------------------------------------------


class PlanKind(LabelledEnum):
    ACCIDENT = "accident", "生产安全事故应急预案"
    METEOROLOGICAL = "meteorological", "气象灾害应急预案"


class Sector(LabelledEnum):
    """Which accidents a plan covers; the incident intake chooses plans by division and sector."""

    COAL_MINE = "coal_mine", "煤矿"
    NON_COAL_MINE = "non_coal_mine", "非煤矿山"  # 含尾矿库
    INDUSTRY_TRADE = "industry_trade", "工贸行业"
    ALL_PRODUCTION = "all_production", "各类生产安全事故"  # 区级综合预案
    WEATHER = "weather", "气象灾害"


class GovernmentLevel(StrEnum):
    COUNTY = "county"  # 旗县区
    CITY = "city"  # 盟市
    REGION = "region"  # 自治区
    NATION = "nation"  # 国家


class Metadata(Cited):
    title: Text
    doc_no: Text = Field(description="文号")
    issuer: Body
    issued_on: date
    jurisdiction: DivisionCode
    jurisdiction_name: Text
    government_level: GovernmentLevel
    kind: PlanKind
    sectors: list[Sector] = Field(min_length=1)
    repeals: list[str] = Field(default_factory=list, description="废止的预案文号")
    interpreted_by: Body | None = None
    duty_phone: str | None = Field(default=None, description="24小时值班电话")


class Scope(Cited):
    """适用范围: the cases the plan covers and the ones it excludes."""

    covers: list[Text] = Field(min_length=1)
    excludes: list[Text] = Field(default_factory=list)
    min_grade: Grade | None = Field(default=None, description="本级预案适用的最低事故等级；None 表示各等级均适用")
    applies_on: list[Condition] = Field(default_factory=list, description="低于最低等级时仍适用本预案的情形")
    covers_persons_at_risk: bool = Field(default=False, description="有涉险、被困、失联人员的事故（涉险事故）亦适用")


# --- grading --------------------------------------------------------------------------------------------------------


class Measure(StrEnum):
    DEATHS = "deaths"  # 死亡人数
    SERIOUS_INJURIES = "serious_injuries"  # 重伤（含急性工业中毒）
    DIRECT_LOSS_YUAN = "direct_loss_yuan"  # 直接经济损失（元）
    SOCIAL_IMPACT = "social_impact"  # 社会影响（由值班人员研判）


class GradingCriterion(YingjiModel):
    """One alternative of a band: ``measure ≥ at_least`` ("以上"含本数); social impact reaches the band's grade."""

    measure: Measure
    at_least: int | None = Field(default=None, ge=1)
    basis: SeedRef

    @model_validator(mode="after")
    def _threshold_matches_measure(self) -> GradingCriterion:
        if self.measure is Measure.SOCIAL_IMPACT and self.at_least is not None:
            raise ValueError("社会影响标准不设数量阈值（at_least 应省略）")
        if self.measure is not Measure.SOCIAL_IMPACT and self.at_least is None:
            raise ValueError("数量标准必须给出 at_least")
        return self


class GradingBand(YingjiModel):
    grade: Grade
    criteria: list[GradingCriterion] = Field(min_length=1)


class Grading(YingjiModel):
    """事故分级: bands from 特别重大 down to 较大; anything below is 一般."""

    bands: list[GradingBand] = Field(min_length=3, max_length=3)
    ordinary: SeedRef = Field(description="一般事故的条款")
    inclusive_rule: SeedRef = Field(description="“以上”含本数，“以下”不含本数")
    missing_and_trapped_count_as_deaths: bool = False
    missing_and_trapped_basis: SeedRef | None = None
    serious_injuries_include_poisoning: bool = True
    possibly_caused_counts: bool = Field(default=False, description="“造成或可能造成”：预计数字亦可定级")

    @model_validator(mode="after")
    def _bands_in_order(self) -> Grading:
        grades = [band.grade for band in self.bands]
        if grades != [Grade.EXTRAORDINARY, Grade.MAJOR, Grade.LARGER]:
            raise ValueError("bands 必须依次为 特别重大(1)、重大(2)、较大(3)")
        for measure in Measure:
            thresholds = [c.at_least for b in self.bands for c in b.criteria if c.measure is measure and c.at_least]
            if thresholds != sorted(thresholds, reverse=True) or len(set(thresholds)) != len(thresholds):
                raise ValueError(f"{measure.value} 的阈值必须随等级降低而严格递减")
        if self.missing_and_trapped_count_as_deaths and self.missing_and_trapped_basis is None:
            raise ValueError("missing_and_trapped_count_as_deaths 为真时必须给出 missing_and_trapped_basis")
        return self

    @property
    def measures(self) -> frozenset[Measure]:
        return frozenset(c.measure for band in self.bands for c in band.criteria)


# --- response -------------------------------------------------------------------------------------------------------


class TriggerKind(StrEnum):
    GRADE_AT_LEAST = "grade_at_least"  # 事故等级达到
    PERSONS_AT_RISK_AT_LEAST = "persons_at_risk_at_least"  # 涉险、被困、失联人数达到
    CONDITION = "condition"  # 情形（超出能力、跨区域等）


class Trigger(YingjiModel):
    kind: TriggerKind
    grade: Grade | None = None
    count: int | None = Field(default=None, ge=1)
    condition: Condition | None = None
    basis: SeedRef

    @model_validator(mode="after")
    def _one_parameter(self) -> Trigger:
        wanted = {
            TriggerKind.GRADE_AT_LEAST: ("grade", self.grade),
            TriggerKind.PERSONS_AT_RISK_AT_LEAST: ("count", self.count),
            TriggerKind.CONDITION: ("condition", self.condition),
        }
        name, value = wanted[self.kind]
        if value is None:
            raise ValueError(f"{self.kind.value} 触发条件必须给出 {name}")
        given = [n for n, v in (("grade", self.grade), ("count", self.count), ("condition", self.condition)) if v]
        if given != [name]:
            raise ValueError(f"{self.kind.value} 触发条件只能给出 {name}")
        return self


class Role(Cited):
    """A body with a role at a response level (决定/启动、进入响应状态、牵头)."""

    body: Body
    note: str | None = None


class ResponseLevel(YingjiModel):
    level: LevelNo
    name: Text = Field(description="如 一级、Ⅱ级")
    triggers: list[Trigger] = Field(default_factory=list, description="任一满足即启动")
    discretion: CitedText | None = Field(default=None, description="指挥部研判认为需要启动的其他情形")
    decided_by: Role
    state_holder: Role
    lead_body: Role
    actions: list[Text] = Field(default_factory=list)
    actions_basis: list[SeedRef] = Field(default_factory=list)
    reports_to: list[Body] = Field(default_factory=list)


class Authority(StrEnum):
    """What kind of body decides a response level; the account layer maps it to the roles that may act for it."""

    GOVERNMENT = "government"  # 人民政府（或其防灾减灾救灾委员会）
    COMMANDER = "commander"  # 指挥部总指挥
    HQ = "hq"  # 指挥部
    DEPUTY_COMMANDER = "deputy_commander"  # 副总指挥
    HQ_OFFICE = "hq_office"  # 指挥部办公室
    DEPARTMENT = "department"  # 应急管理局等部门
    HIGHER = "higher"  # 上级指挥部：本级预案不启动该级响应


class Upgrade(Cited):
    """提级: a sensitive case may be raised one level, by approval."""

    conditions: list[Condition] = Field(min_length=1)
    steps: int = Field(default=1, ge=1, le=3)
    decided_by: Body | None = Field(default=None, description="None 表示由提级后级别的决定机关批准")
    requires_approval: bool = True


class ChangeReport(Cited):
    """A report the plan requires within hours after a response is lowered or lifted (e.g. 003#L6 4.8: 24 小时内)."""

    within_hours: int = Field(ge=1, le=240)
    by: Body
    to: list[Body] = Field(min_length=1)


class Response(YingjiModel):
    levels: list[ResponseLevel] = Field(min_length=3, max_length=4)
    authority: dict[int, Authority] = Field(description="各级响应的决定机关类别（与 decided_by 对应）")
    onsite_hq_levels: list[int] = Field(default_factory=list, description="启动后须成立现场指挥部的响应级别")
    onsite_hq_basis: list[SeedRef] = Field(default_factory=list)
    grade_mapping_reading: SeedRef | None = Field(default=None, description="原文未给出等级→响应映射时的解读")
    upgrade: Upgrade | None = None
    adjusted_by: Role | None = None
    ended_by_starter: SeedRef = Field(description="谁启动谁终止")
    change_report: ChangeReport | None = Field(default=None, description="降低或解除响应后限时报告")

    @model_validator(mode="after")
    def _contiguous(self) -> Response:
        numbers = [lvl.level for lvl in self.levels]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("响应级别必须从 1 开始连续编号并按 1（最高）到最低排列")
        if sorted(self.authority) != numbers:
            raise ValueError("authority 必须恰好为每一响应级别给出决定机关类别")
        if not set(self.onsite_hq_levels) <= set(numbers):
            raise ValueError("onsite_hq_levels 只能列出本预案的响应级别")
        if self.onsite_hq_levels and not self.onsite_hq_basis:
            raise ValueError("onsite_hq_levels 须给出 onsite_hq_basis")
        return self


# --- warnings -------------------------------------------------------------------------------------------------------


class IssuingAuthority(StrEnum):
    """Which kind of body makes and issues a colour of warning; the account layer says who may act for it."""

    GOVERNMENT = "government"  # 人民政府及其指挥部（指挥员、本级值班员）
    METEOROLOGICAL = "meteorological"  # 气象主管部门：其它任何组织不得制作和发布（003#L6 3.3.2）


class WarningLevelSpec(YingjiModel):
    level: WarningLevel
    name: Text
    criterion: Text
    issuers: list[Body] = Field(min_length=1, description="有权发布该级预警的机关（任一）")
    issuer_levels: list[GovernmentLevel] = Field(
        min_length=1, description="发布机关所在的政府层级（旗县区、市、自治区）：据此确定可代表其发布的账号"
    )
    issuer_authority: IssuingAuthority = Field(
        default=IssuingAuthority.GOVERNMENT,
        description="制作并发布该级预警的机关类别；government 以发布地的人民政府署名，其他类别以所列唯一机关署名",
    )
    issuer_authority_basis: SeedRef | None = None
    actions: list[Text] = Field(default_factory=list, description="该级新增的预警行动（累加）")
    basis: list[SeedRef] = Field(min_length=1)

    @model_validator(mode="after")
    def _named_issuer_outside_government(self) -> WarningLevelSpec:
        if self.issuer_authority is IssuingAuthority.GOVERNMENT:
            return self
        if self.issuer_authority_basis is None:
            raise ValueError("issuer_authority 不是 government 时须给出 issuer_authority_basis")
        if len(self.issuers) != 1:
            raise ValueError("issuer_authority 不是 government 时 issuers 须只列一个机关（发布单位即以其署名）")
        return self


class Warning(YingjiModel):
    levels: list[WarningLevelSpec] = Field(min_length=1, max_length=4)
    actions_cumulative: bool = True
    issue_fields: list[Text] = Field(min_length=1)
    lift_fields: list[Text] = Field(default_factory=list)
    fields_basis: list[SeedRef] = Field(min_length=1)
    channels: list[Text] = Field(default_factory=list)
    lifted_by_issuer: SeedRef = Field(description="谁发布谁解除")
    adjustable: bool = True

    @model_validator(mode="after")
    def _levels_unique(self) -> Warning:
        numbers = [lvl.level for lvl in self.levels]
        if len(set(numbers)) != len(numbers) or numbers != sorted(numbers):
            raise ValueError("预警级别不得重复，并按 红(1) 到 蓝(4) 排列")
        return self


# --- reporting ------------------------------------------------------------------------------------------------------


class ReportForm(StrEnum):
    ANY = "any"  # 报告（未限定方式）
    PHONE = "phone"  # 电话报告
    WRITTEN = "written"  # 书面报告


class Timing(StrEnum):
    IMMEDIATELY = "immediately"  # 立即 / 第一时间
    PROMPTLY = "promptly"  # 及时
    WITHIN = "within"  # N 分钟内


class ReportStep(YingjiModel):
    """One hop of the reporting chain; its clock starts when ``from_body`` receives the report."""

    from_body: Body = Field(alias="from")
    to: list[Body] = Field(min_length=1)
    timing: Timing
    within_minutes: int | None = Field(default=None, ge=1)
    form: ReportForm = ReportForm.ANY
    min_grade: Grade | None = Field(default=None, description="仅当事故等级达到该级时适用")
    level_up: bool = Field(
        default=False, description="政府部门间逐级上报的一级；原文只说“立即”“及时”时按条例第十一条以2小时为限"
    )
    unit_report: bool = Field(
        default=False, description="事故单位（负责人）向政府部门的报告；原文只说“立即”时按条例第九条以1小时为限"
    )
    note: str | None = None
    basis: SeedRef

    @model_validator(mode="after")
    def _minutes_match_timing(self) -> ReportStep:
        if (self.timing is Timing.WITHIN) != (self.within_minutes is not None):
            raise ValueError("timing 为 within 时必须且只能此时给出 within_minutes")
        return self


class ReportKind(LabelledEnum):
    INITIAL = "initial", "初报"  # 初报 / 首报
    FOLLOW_UP = "follow_up", "续报"
    FINAL = "final", "终报"  # 终报 / 总结报告


class ReportContent(Cited):
    kind: ReportKind
    name: Text
    fields: list[Text] = Field(min_length=1)


class BodyLevel(StrEnum):
    """Where a body of the reporting chain stands: inside the accident unit or at a level of government."""

    UNIT = "unit"  # 事故单位（现场人员、单位负责人）
    COUNTY = "county"  # 旗县区
    CITY = "city"  # 盟市
    REGION = "region"  # 自治区
    NATION = "nation"  # 国家（含国家矿山安全监察局及其派出机构）


class Reporting(YingjiModel):
    first_reporter: Body = Field(description="链条起点，通常为事故现场有关人员")
    steps: list[ReportStep] = Field(min_length=1)
    body_levels: dict[Body, BodyLevel] = Field(
        min_length=1,
        description="链条上（及总结评估报告接收方）每个机关所在的层级：据此确定由哪一级的账号确认接收",
    )
    skip_level: CitedText | None = Field(default=None, description="越级上报")
    contents: list[ReportContent] = Field(default_factory=list)
    prohibited: CitedText | None = Field(default=None, description="不得迟报、漏报、谎报、瞒报")

    @model_validator(mode="after")
    def _chain_is_connected(self) -> Reporting:
        reached = {self.first_reporter}
        for index, step in enumerate(self.steps):
            if step.from_body not in reached:
                raise ValueError(f"steps[{index}] 的 from「{step.from_body}」此前没有收到报告（链条断开）")
            reached.update(step.to)
        return self

    @model_validator(mode="after")
    def _every_body_has_a_level(self) -> Reporting:
        named = [self.first_reporter] + [b for step in self.steps for b in (step.from_body, *step.to)]
        missing = [b for b in dict.fromkeys(named) if b not in self.body_levels]
        if missing:
            raise ValueError(f"body_levels 缺少：{'、'.join(missing)}")
        return self


class ReleaseRule(YingjiModel):
    """信息发布: who releases for which grades; sensitive lower-grade cases may move up."""

    grades: list[Grade] = Field(min_length=1)
    sensitive_grades: list[Grade] = Field(default_factory=list, description="敏感时也由本条机关发布的较低等级")
    body: Body
    level: GovernmentLevel = Field(description="发布机关所在的政府层级（事发地旗县区、市、自治区）")
    authorised_by: Body | None = None
    basis: SeedRef


class PublicRelease(YingjiModel):
    rules: list[ReleaseRule] = Field(min_length=1)
    prohibited: CitedText | None = None


# --- command --------------------------------------------------------------------------------------------------------


class Headquarters(Cited):
    name: Text
    commander: Body
    deputy_commanders: list[Body] = Field(default_factory=list)
    office: Body
    office_director: Body | None = None
    duties: list[Text] = Field(default_factory=list)


class MemberUnit(YingjiModel):
    name: Body
    duties: list[Text] = Field(default_factory=list)
    duty_phone: str | None = None


class MemberUnits(Cited):
    units: list[MemberUnit] = Field(min_length=1)
    contextual_bodies: list[Body] = Field(
        default_factory=list, description="依事发地而定的单位，如 事发地旗县区人民政府、事故发生单位"
    )
    liaison_officers: CitedText | None = Field(
        default=None, description="预案建立的应急联络员制度（各成员单位确定联络员）；未建立的为空"
    )


class WorkingGroup(YingjiModel):
    name: Text
    lead: list[Body] = Field(default_factory=list)
    members: list[Body] = Field(default_factory=list)
    duties: list[Text] = Field(min_length=1)


class OnsiteCommand(Cited):
    set_up_by: Body
    working_groups: list[WorkingGroup] = Field(default_factory=list)
    groups_adjustable: bool = True


class EndConditions(Cited):
    all_of: list[Text] = Field(min_length=1)
    declared_by: Text


class PostEvent(Cited):
    evaluation_report_days: int | None = Field(
        default=None, ge=1, description="应急结束后提交总结评估报告的天数；原文只说“及时”时为空"
    )
    evaluation_report_to: list[Body] = Field(default_factory=list)
    obligations: list[Text] = Field(default_factory=list)


class PlanManagement(Cited):
    drill_every_months: int | None = Field(default=None, ge=1, description="政府（部门）演练周期")
    enterprise_drill_every_months: int | None = Field(default=None, ge=1)
    review_every_years: int | None = Field(default=None, ge=1)
    revision_triggers: list[Text] = Field(default_factory=list)
    filed_with: list[Body] = Field(default_factory=list)


# --- meteorological -------------------------------------------------------------------------------------------------


class Comparison(StrEnum):
    GE = "ge"
    GT = "gt"
    LE = "le"
    LT = "lt"


class ShareOf(StrEnum):
    AREA = "area"  # 全市面积
    STATIONS = "stations"  # 气象监测站点
    FARMLAND = "farmland"  # 农牧业区域


class ThresholdCondition(YingjiModel):
    """``measure op value`` holding over ``share_of`` at least (or above) ``share`` of the city."""

    measure: Text = Field(description="如 forecast_precip_24h_mm, gust_beaufort, visibility_m")
    op: Comparison
    value: float
    unit: Text
    share_of: ShareOf | None = None
    share_min: float | None = Field(default=None, ge=0, le=1)
    share_min_exclusive: bool = False
    share_max: float | None = Field(default=None, ge=0, le=1, description="上限（不含），用于“30%—40%”这类区间")


class ThresholdAlternative(YingjiModel):
    """All conditions must hold (AND); a level holds when any alternative holds (OR)."""

    all_of: list[ThresholdCondition] = Field(min_length=1)


class HazardLevel(YingjiModel):
    level: WarningLevel
    any_of: list[ThresholdAlternative] = Field(min_length=1)
    requires: list[Text] = Field(default_factory=list, description="不可量化的附加条件（如 持续或加重）")
    basis: SeedRef


class SeasonWindow(YingjiModel):
    start_month: int = Field(ge=1, le=12)
    start_day: int = Field(ge=1, le=31)
    end_month: int = Field(ge=1, le=12)
    end_day: int = Field(ge=1, le=31)
    label: Text


class Hazard(YingjiModel):
    id: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    name: Text
    definition: CitedText | None = None
    allowed_levels: list[WarningLevel] = Field(min_length=1)
    levels: list[HazardLevel] = Field(min_length=1)
    season_windows: list[SeasonWindow] = Field(default_factory=list)
    requires_network_sms: bool = False

    @model_validator(mode="after")
    def _levels_match_allowed(self) -> Hazard:
        if sorted(lvl.level for lvl in self.levels) != sorted(self.allowed_levels):
            raise ValueError(f"{self.id}: levels 中的级别必须与 allowed_levels 一致")
        return self


class SigningRule(YingjiModel):
    levels: list[WarningLevel] = Field(min_length=1)
    signed_by: Body
    basis: SeedRef


class WarningReportRule(YingjiModel):
    levels: list[WarningLevel] = Field(min_length=1)
    report_to: list[Body] = Field(min_length=1)
    basis: SeedRef


class Meteorological(YingjiModel):
    hazards: list[Hazard] = Field(min_length=1)
    allowed_levels_basis: SeedRef
    signing: list[SigningRule] = Field(min_length=1)
    response_decided_by: Role
    multi_hazard: CitedText
    network_sms_basis: SeedRef
    warning_reports: list[WarningReportRule] = Field(default_factory=list)
    downgrade_report_hours: int | None = Field(default=None, ge=1)
    downgrade_report_basis: SeedRef | None = None

    @model_validator(mode="after")
    def _every_level_signed(self) -> Meteorological:
        signed = [lvl for rule in self.signing for lvl in rule.levels]
        if sorted(signed) != list(WarningLevel):
            raise ValueError("signing 必须恰好覆盖 Ⅰ–Ⅳ 每一级")
        ids = [h.id for h in self.hazards]
        if len(set(ids)) != len(ids):
            raise ValueError("hazards 的 id 不得重复")
        return self


# --- the plan -------------------------------------------------------------------------------------------------------


class Ambiguity(YingjiModel):
    """An ambiguity or contradiction in the seed, and the reading this data file takes."""

    topic: Text
    reading: Text
    basis: list[SeedRef] = Field(min_length=1)


class Plan(YingjiModel):
    schema_version: Literal[1]
    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    metadata: Metadata
    scope: Scope
    grading: Grading | None = None
    response: Response
    warning: Warning | None = None
    reporting: Reporting | None = None
    public_release: PublicRelease | None = None
    headquarters: Headquarters
    member_units: MemberUnits
    onsite_command: OnsiteCommand | None = None
    end_conditions: EndConditions
    post_event: PostEvent
    plan_management: PlanManagement
    meteorological: Meteorological | None = None
    ambiguities: list[Ambiguity] = Field(default_factory=list)

    @model_validator(mode="after")
    def _kind_has_its_parts(self) -> Plan:
        if self.metadata.kind is PlanKind.ACCIDENT:
            for part in ("grading", "reporting", "public_release", "warning"):
                if getattr(self, part) is None:
                    raise ValueError(f"事故类预案必须包含 {part}")
        if self.metadata.kind is PlanKind.METEOROLOGICAL and self.meteorological is None:
            raise ValueError("气象灾害预案必须包含 meteorological")
        return self

    @model_validator(mode="after")
    def _evaluation_recipients_have_levels(self) -> Plan:
        if self.reporting is None:
            return self
        missing = [b for b in self.post_event.evaluation_report_to if b not in self.reporting.body_levels]
        if missing:
            raise ValueError(f"reporting.body_levels 缺少总结评估报告接收方：{'、'.join(missing)}")
        return self

    @model_validator(mode="after")
    def _groups_name_member_units(self) -> Plan:
        known = {u.name for u in self.member_units.units} | set(self.member_units.contextual_bodies)
        if self.onsite_command is None:
            return self
        for index, group in enumerate(self.onsite_command.working_groups):
            for body in (*group.lead, *group.members):
                if body not in known:
                    raise ValueError(
                        f"onsite_command.working_groups[{index}]（{group.name}）中的「{body}」"
                        "不是成员单位，也不在 member_units.contextual_bodies 中"
                    )
        return self

    def seed_refs(self) -> list[SeedRef]:
        """Return every citation in the plan, for the citation test."""
        found: list[SeedRef] = []

        def walk(node: object) -> None:
            if isinstance(node, SeedRef):
                found.append(node)
            elif isinstance(node, YingjiModel):
                for name in type(node).model_fields:
                    walk(getattr(node, name))
            elif isinstance(node, list | tuple):
                for item in node:
                    walk(item)

        walk(self)
        return found

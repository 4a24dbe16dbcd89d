"""The property-service programme files (data/*.yaml): yearly targets computed from registry data, numbered tasks, the
rules the platform enforces and the survey form; every row cites its seed lines with a verbatim quote."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from yingji.core import yamlfile
from yingji.core.errors import NotFound, PlanInvalid
from yingji.core.schemas import YingjiModel
from yingji.ledger.schema import Cited, Code, DivisionCode
from yingji.ledger.schema import Measure as LedgerMeasure
from yingji.plans.loader import validation_details
from yingji.rules.kpi import Direction

DATA = Path(__file__).parent / "data"
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Year = Annotated[int, Field(ge=2000, le=2100)]
YearMonth = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0)]
Count = Annotated[int, Field(strict=True, ge=1)]

# What a target or threshold counts in the registry (the closed vocabulary the computation understands).
Quantity = Literal[
    "compounds",  # 住宅小区（含单体楼）
    "eligible_compounds",  # 符合组建业委会条件的小区
    "compounds_with_committee",  # 已组建业主委员会或物业管理委员会的小区
    "compounds_with_property_service",  # 物业管理现状为专业化物业管理或准物业管理（非“无物业”）
    "professionally_managed_compounds",  # 物业管理现状为专业化物业管理
    "new_compounds",  # 新建住宅小区
    "professionally_managed_new_compounds",
    "old_compounds",  # 老旧小区
    "old_compounds_with_property_service",
    "red_property_compounds",  # “红色物业”小区
    "compounds_with_public_income",  # 有共用部位经营收益的小区
    "compounds_with_separate_income_account",  # 公共收益单独列账
    "new_compound_fixed_parking_spaces",
    "new_compound_spaces_with_charging",  # 配建充电设施或预留建设安装条件
    "aa_or_above_companies",  # 信用等级AA级以上的物业服务企业
    "grade_two_or_above_projects",  # 符合DB15/T970-2016二级以上（含二级）的物业服务项目
    "region_excellent_projects",  # 自治区级优秀、示范项目
    "counties",  # 旗县区及稀土高新区
    "counties_with_industry_party_committee",  # 已成立区（旗、县）级物业行业党委
    "staff",  # 物业从业人员
    "staff_pre_job_trained",
    "professional_post_staff",  # 专业岗位从业人员
    "professional_post_staff_continuing_educated",
    "streets",  # 街道（苏木乡镇）
    "streets_with_joint_meeting",  # 已建立联席会议制度
    "committee_members",  # 业委会委员
    "committee_party_members",
]


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what}「{value}」重复")
        seen.add(value)


class TargetMeasure(YingjiModel):
    """How a value is computed from registry data: a share in % (numerator over denominator) or a count."""

    kind: Literal["share", "count"]
    numerator: Quantity | None = None
    denominator: Quantity | None = None
    of: Quantity | None = None
    each: Literal["county", "committee"] | None = None  # evaluated for each such unit, not over the whole division

    @model_validator(mode="after")
    def _shape(self) -> TargetMeasure:
        if self.kind == "share":
            if self.numerator is None or self.denominator is None or self.of is not None:
                raise ValueError("占比须给出 numerator 与 denominator，不得给出 of")
            if self.numerator == self.denominator:
                raise ValueError("占比的分子与分母不能相同")
        elif self.of is None or self.numerator is not None or self.denominator is not None:
            raise ValueError("计数须给出 of，不得给出 numerator 或 denominator")
        return self


def _check_scale(measure: TargetMeasure, unit: str, values: list[float]) -> None:
    if measure.kind == "share":
        if unit != "%":
            raise ValueError("占比的单位须为 %")
        if any(v > 100 for v in values):
            raise ValueError("占比不能超过 100")
    else:
        if unit == "%":
            raise ValueError("计数的单位不能为 %")
        if any(v != int(v) for v in values):
            raise ValueError("计数须为整数")


class YearValue(Cited):
    """One year's goal: a number, or full coverage (全覆盖 / 应建尽建) of the measure's denominator."""

    year: Year
    value: Number | None = None
    full: bool = False
    within: list[str] = Field(default_factory=list)  # the divisions the year's goal names; empty: the whole division
    within_codes: list[DivisionCode] = Field(default_factory=list)  # their codes, in the same order

    @model_validator(mode="after")
    def _one_goal(self) -> YearValue:
        if (self.value is None) == (not self.full):
            raise ValueError("value 与 full 须且只能给出其一")
        if len(self.within_codes) != len(self.within):
            raise ValueError("within_codes 须逐一给出 within 所列区划的代码")
        return self


class Target(Cited):
    id: Code
    name: str
    unit: str
    direction: Direction = Direction.AT_LEAST
    measure: TargetMeasure
    values: Annotated[list[YearValue], Field(min_length=1)]

    @field_validator("values")
    @classmethod
    def _ascending(cls, values: list[YearValue]) -> list[YearValue]:
        years = [v.year for v in values]
        if any(a >= b for a, b in pairwise(years)):
            raise ValueError(f"年份须严格递增：{years}")
        return values

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        _check_scale(self.measure, self.unit, [v.value for v in self.values if v.value is not None])
        if self.measure.kind == "count" and any(v.full for v in self.values):
            raise ValueError("计数指标不能写“全覆盖”（full）")
        return self


class Task(LedgerMeasure):
    """A numbered task: ledger measure fields (code, section, title, lead, responsible, due) plus its text."""

    text: Annotated[str, Field(min_length=2)]


Level = Literal["community", "street", "county", "department"]


class ComplaintRoute(Cited):
    """Which level handles a complaint of a given remit (Baotou task 10; Dongsheng 接诉即办 dispatch)."""

    kind: Literal["complaint_route"]
    id: Code
    text: str
    levels: Annotated[list[Level], Field(min_length=1)]
    remit: Literal[
        "simple", "complex", "major_or_difficult", "street_or_community", "functional_department", "hard_to_resolve"
    ]
    handler: str
    dispatcher: str | None = None
    mechanism: str | None = None
    response_hours: Annotated[int, Field(gt=0)] | None = None  # null: the seed gives no figure
    completion_days: Annotated[int, Field(gt=0)] | None = None


class ComplaintPolicy(Cited):
    kind: Literal["complaint_policy"]
    id: Code
    text: str
    every_case_answered: bool = False
    time_limits_required: bool = False
    hotline: bool = False
    response_hours: Annotated[int, Field(gt=0)] | None = None
    completion_days: Annotated[int, Field(gt=0)] | None = None


class ContractFiling(Cited):
    """备案: which documents are filed with whom, by when."""

    kind: Literal["contract_filing"]
    id: Code
    text: str
    applies_to: str
    documents: Annotated[list[str], Field(min_length=1)]
    filed_with: str | None = None
    deadline: date | None = None
    performance_publicity: bool = False


class Recurring(Cited):
    """A scheduled obligation: at least min_times per cadence period."""

    kind: Literal["recurring"]
    id: Code
    text: str
    activity: Literal[
        "joint_inspection",
        "joint_meeting",
        "complaint_analysis",
        "coverage_monitoring",
        "committee_training",
        "emergency_drill",
        "staff_training_plan",
    ]
    cadence: Literal["monthly", "quarterly", "yearly"]
    min_times: Count = 1
    by: Annotated[list[str], Field(min_length=1)]
    scope: str | None = None
    in_principle: bool = False  # “原则上”


class CreditGrade(Cited):
    kind: Literal["credit_grade"]
    id: Code
    text: str
    grade: Annotated[str, Field(pattern=r"^[A-E]{1,3}$")]
    or_above: bool = False


class CreditInputs(Cited):
    kind: Literal["credit_inputs"]
    id: Code
    text: str
    inputs: Annotated[
        list[
            Literal[
                "contract_performance",
                "complaint_handling",
                "daily_inspection",
                "street_community_opinion",
                "administrative_penalty",
            ]
        ],
        Field(min_length=1),
    ]
    collected_by: list[str] = Field(default_factory=list)

    @field_validator("inputs")
    @classmethod
    def _distinct(cls, inputs: list[str]) -> list[str]:
        _unique(inputs, "信用信息来源")
        return inputs


class CreditUses(Cited):
    kind: Literal["credit_uses"]
    id: Code
    text: str
    uses: Annotated[
        list[
            Literal[
                "tender_basis",
                "joint_punishment",
                "procurement_reference",
                "preliminary_tender",
                "owners_selection",
                "government_procurement",
                "model_project_selection",
                "public_query",
            ]
        ],
        Field(min_length=1),
    ]
    shared_with: list[str] = Field(default_factory=list)


class Publication(Cited):
    kind: Literal["publication"]
    id: Code
    text: str
    what: Literal["credit_results", "red_black_list"]
    channels: list[str] = Field(default_factory=list)
    regular: bool = False  # “定期”, no interval given


class ListRule(Cited):
    """Red list / black list / dishonest list: what puts a subject on it, and what follows."""

    kind: Literal["list_rule"]
    id: Code
    text: str
    roster: Literal["red", "black", "dishonest_staff"]
    subject: Literal["company", "staff"]
    when: Literal["seriously_dishonest", "black_listed", "excellent_or_high_credit_or_red_listed", "unspecified"]
    consecutive_years: Count | None = None
    then: list[
        Literal["black_list", "key_rectification", "no_awards", "media_exposure", "reward_in_lieu_of_subsidy"]
    ] = Field(default_factory=list)


class PartyRule(Cited):
    kind: Literal["party_organisation"]
    id: Code
    text: str
    subject: Literal["company", "owners_committee", "industry"]
    requires: Literal[
        "party_branch", "party_organisation", "party_work_coverage", "party_member_chair", "party_member_share"
    ]
    min_party_members: Count | None = None
    min_share_percent: Number | None = None
    strive: bool = False  # “力争”


class DisclosureItem(Cited):
    key: Key
    label: str
    core: bool = True  # False: a “+N” convenience item


class Disclosure(Cited):
    kind: Literal["disclosure"]
    id: Code
    text: str
    core_categories: Count | None = None  # how many core categories the text announces, listed or not
    open_ended: bool = False  # the list ends in “等” or “其他……信息”
    channels: list[str] = Field(default_factory=list)
    checked_by: list[str] = Field(default_factory=list)
    items: list[DisclosureItem] = Field(default_factory=list)

    @field_validator("items")
    @classmethod
    def _keys(cls, items: list[DisclosureItem]) -> list[DisclosureItem]:
        _unique([i.key for i in items], "公开事项")
        return items


class PublicIncome(Cited):
    kind: Literal["public_income"]
    id: Code
    text: str
    separate_account: bool
    publish_regularly: bool = False


class Fund(Cited):
    kind: Literal["fund"]
    id: Code
    text: str
    yuan_per_year: Annotated[int, Field(strict=True, gt=0)]
    consecutive_years: Count
    by: str


class Staffing(Cited):
    kind: Literal["staffing"]
    id: Code
    text: str
    streets_per_zone: Count
    staff_per_zone: Count
    by: list[str] = Field(default_factory=list)


class Threshold(Cited):
    """A standing minimum the text sets without a year (e.g. joint meetings in ≥ 30 % of streets)."""

    kind: Literal["threshold"]
    id: Code
    text: str
    measure: TargetMeasure
    at_least: Number
    unit: str
    strive: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Threshold:
        _check_scale(self.measure, self.unit, [self.at_least])
        return self


Rule = Annotated[
    ComplaintRoute
    | ComplaintPolicy
    | ContractFiling
    | Recurring
    | CreditGrade
    | CreditInputs
    | CreditUses
    | Publication
    | ListRule
    | PartyRule
    | Disclosure
    | PublicIncome
    | Fund
    | Staffing
    | Threshold,
    Field(discriminator="kind"),
]


class SurveyField(Cited):
    key: Key
    label: str
    type: Literal["text", "int", "decimal", "date", "bool", "choice"]
    choices: list[str] = Field(default_factory=list)
    unit: str | None = None
    group: str | None = None

    @model_validator(mode="after")
    def _choices(self) -> SurveyField:
        if (self.type == "choice") != bool(self.choices):
            raise ValueError("choice 类型须且只能给出 choices")
        _unique(self.choices, "选项")
        return self


class SurveyLine(Cited):
    label: str


class SurveyPolicy(Cited):
    may_add: bool
    may_remove: bool


class Survey(Cited):
    id: Code
    title: str
    annex: str
    header: list[SurveyField] = Field(default_factory=list)
    columns: Annotated[list[SurveyField], Field(min_length=1)]
    totals_row: SurveyLine | None = None
    policy: SurveyPolicy

    @model_validator(mode="after")
    def _keys(self) -> Survey:
        _unique([f.key for f in [*self.header, *self.columns]], "字段")
        return self


class Phase(Cited):
    name: str
    start: YearMonth
    end: YearMonth

    @model_validator(mode="after")
    def _order(self) -> Phase:
        if self.end < self.start:
            raise ValueError("阶段结束月份早于开始月份")
        return self


class Ambiguity(Cited):
    """A place where the seed can be read more than one way, and the reading the data takes."""

    id: Code
    # what it concerns: "programme", "target:<id>", "task:<code>", "rule:<id>" or "survey:<key>"
    about: Annotated[list[str], Field(min_length=1)]
    reading: str


class Programme(Cited):
    """One plan; its own seed/quote cite the document number."""

    id: Code
    title: str
    doc_no: str
    issuer: str
    issued: date | None = None
    division_code: DivisionCode
    years: Annotated[list[Year], Field(min_length=1)]
    phases: list[Phase] = Field(default_factory=list)
    targets: Annotated[list[Target], Field(min_length=1)]
    tasks: Annotated[list[Task], Field(min_length=1)]
    rules: list[Rule] = Field(default_factory=list)
    survey: Survey | None = None
    ambiguities: list[Ambiguity] = Field(default_factory=list)

    @field_validator("years")
    @classmethod
    def _years(cls, years: list[int]) -> list[int]:
        if any(a >= b for a, b in pairwise(years)):
            raise ValueError(f"年份须严格递增：{years}")
        return years

    @field_validator("targets")
    @classmethod
    def _target_ids(cls, targets: list[Target]) -> list[Target]:
        _unique([t.id for t in targets], "指标")
        return targets

    @field_validator("tasks")
    @classmethod
    def _task_codes(cls, tasks: list[Task]) -> list[Task]:
        _unique([t.code for t in tasks], "任务")
        return tasks

    @field_validator("rules")
    @classmethod
    def _rule_ids(cls, rules: list[Rule]) -> list[Rule]:
        _unique([r.id for r in rules], "规则")
        return rules

    @field_validator("ambiguities")
    @classmethod
    def _ambiguity_ids(cls, ambiguities: list[Ambiguity]) -> list[Ambiguity]:
        _unique([a.id for a in ambiguities], "歧义")
        return ambiguities

    @model_validator(mode="after")
    def _references(self) -> Programme:
        for target in self.targets:
            outside = [v.year for v in target.values if v.year not in self.years]
            if outside:
                raise ValueError(f"指标「{target.id}」的年份 {outside} 不在方案年份 {self.years} 内")
        known = {"programme"}
        known |= {f"target:{t.id}" for t in self.targets} | {f"task:{t.code}" for t in self.tasks}
        known |= {f"rule:{r.id}" for r in self.rules}
        if self.survey is not None:
            known |= {f"survey:{f.key}" for f in [*self.survey.header, *self.survey.columns]}
        for ambiguity in self.ambiguities:
            unknown = [a for a in ambiguity.about if a not in known]
            if unknown:
                raise ValueError(f"歧义「{ambiguity.id}」指向不存在的条目 {unknown}")
        return self

    def citations(self) -> list[tuple[str, Cited]]:
        """Every cited row in the file, each with a path naming it (the programme itself first)."""
        return list(_cited(self, self.id))


def _cited(model: BaseModel, path: str) -> Iterator[tuple[str, Cited]]:
    if isinstance(model, Cited):
        yield path, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from _cited(value, f"{path}.{name}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _cited(item, f"{path}.{name}[{index}]")


def load_file(path: Path) -> Programme:
    """Read and validate one programme file; its id must be the file's stem."""
    try:
        raw = yamlfile.read(path)
    except yaml.YAMLError as err:
        raise PlanInvalid(field=None, reason=f"{path.name}：YAML 无法解析（{err}）") from err
    if not isinstance(raw, dict):
        raise PlanInvalid(field=None, reason=f"{path.name}：顶层必须是映射（键: 值）")
    try:
        programme = Programme.model_validate(raw)
    except ValidationError as err:
        details = validation_details(err)
        first = details[0]
        raise PlanInvalid(
            field=first["field"],
            reason=f"{path.name}：共 {len(details)} 处错误，首处 {first['field']}：{first['problem']}",
            details=details,
        ) from err
    if programme.id != path.stem:
        raise PlanInvalid(field="id", reason=f"{path.name}：id「{programme.id}」须与文件名一致")
    return programme


@cache
def all_programmes() -> dict[str, Programme]:
    """Every bundled programme by id."""
    return {p.id: p for p in (load_file(path) for path in sorted(DATA.glob("*.yaml")))}


@cache
def load(programme_id: str) -> Programme:
    """One bundled programme; NotFound for an unknown id."""
    try:
        return all_programmes()[programme_id]
    except KeyError:
        raise NotFound(kind="物业服务监管方案", key=programme_id) from None

"""Administrative programmes as data (data/*.yaml): stages and who acts at each, materials, eligibility and exclusion
checks with look-back windows, publicity and objection timers, expert panels and their composition rules, winner
limits, revocation grounds and follow-up visits — every figure cites its seed lines with a verbatim quote."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from yingji.core import yamlfile
from yingji.core.errors import NotFound, PlanInvalid
from yingji.core.labels import LabelledEnum
from yingji.core.schemas import YingjiModel
from yingji.ledger.schema import Cited, Code, DivisionCode
from yingji.plans.loader import validation_details

DATA = Path(__file__).parent / "data"
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Count = Annotated[int, Field(strict=True, ge=1)]


class StageActor(LabelledEnum):
    """Who acts at a stage: the applicant (or the county intake office for people), the county office of the
    applicant's division, the programme's own authority (city), or the drawn experts of the stage's panel."""

    APPLICANT = "applicant", "申报人"
    COUNTY = "county", "旗县区主管部门"
    CITY = "city", "市主管部门"
    EXPERT = "expert", "专家组"


class StageKind(LabelledEnum):
    """submit: materials and eligibility checked; review: pass / return / reject; publicity: a timed notice with
    objections; panel: members score, then the authority decides; select: the authority picks the winners of a
    round; confer: the result is announced and the award, title or status exists from then on."""

    SUBMIT = "submit", "申报"
    REVIEW = "review", "审查"
    PUBLICITY = "publicity", "公示"
    PANEL = "panel", "专家评审"
    SELECT = "select", "名单决定"
    CONFER = "confer", "公布"


class Subject(LabelledEnum):
    ENTERPRISE = "enterprise", "企业"
    PERSON = "person", "个人"


class Gate(LabelledEnum):
    """A rehabilitation mode's gate before a case is approved."""

    FILING = "filing", "经办机构备案"
    EXPERT = "expert", "康复专家库成员评估"
    NONE = "none", "无前置程序"


class Material(Cited):
    code: Key
    label: str


class Check(Cited):
    """One eligibility requirement or exclusion over the applicant's declared facts and dated records.

    ``fact`` + ``min`` / ``equals`` test a declared value; ``any_of`` holds when one of its parts holds;
    ``event`` + ``within_years`` looks back over dated records (e.g. 较大及以上事故 in the last 3 years).
    """

    code: Key
    label: str
    fact: Key | None = None
    min: float | None = None
    equals: bool | None = None
    any_of: list[Part] = Field(default_factory=list)
    event: Key | None = None
    within_years: Count | None = None
    only_if: Key | None = None  # the check applies only when this boolean fact is true (执业资格 for special items)

    @model_validator(mode="after")
    def _one_test(self) -> Check:
        tests = [self.fact is not None, bool(self.any_of), self.event is not None]
        if sum(tests) != 1:
            raise ValueError("每项条件须且只能给出 fact、any_of、event 之一")
        if self.fact is not None and (self.min is None) == (self.equals is None):
            raise ValueError("fact 条件须且只能给出 min 或 equals 之一")
        if self.event is not None and self.within_years is None:
            raise ValueError("event 条件须给出回溯年数 within_years")
        return self


class Part(YingjiModel):
    fact: Key
    min: float | None = None
    equals: bool | None = None


class Timer(Cited):
    """A notice period: at least ``days`` working or calendar days, counted from the day after it starts."""

    days: Count
    unit: Literal["working", "calendar"]


class ObjectionRule(Cited):
    written_real_name: bool = False  # 书面形式实名
    reply_within_days: Count | None = None  # 收到意见之日起N日内书面答复
    reply_unit: Literal["working", "calendar"] = "calendar"
    upheld_effect: Literal["disqualify"] = "disqualify"


class Stage(Cited):
    code: Key
    label: str
    kind: StageKind
    actor: StageActor
    timer: Timer | None = None
    objections: ObjectionRule | None = None
    panel: Key | None = None
    score: Key | None = None  # the score this panel gives (材料评审分数, 现场评审分数)
    can_return: bool = False  # 退回修改 back to the submit stage

    @model_validator(mode="after")
    def _shape(self) -> Stage:
        if self.kind == "publicity" and self.timer is None:
            raise ValueError(f"{self.code}: 公示环节须给出期限")
        if self.kind == "panel" and self.panel is None:
            raise ValueError(f"{self.code}: 评审环节须指明专家组")
        if self.objections is not None and self.kind != "publicity":
            raise ValueError(f"{self.code}: 只有公示环节受理异议")
        return self


class CategoryMinimum(Cited):
    category: str
    min_members: Count


class Panel(Cited):
    code: Key
    label: str
    min_members: Count | None = None
    odd: bool = False
    leader_required: bool = False  # 组长负责制
    draw: Literal["random", "appointed"] = "appointed"
    pool: Key | None = None  # the expert pool drawn from
    per_category_min: Count | None = None  # every category of the round's candidates
    category_minimums: list[CategoryMinimum] = Field(default_factory=list)
    recusal: Cited | None = None
    dissolves_with_round: bool = True


class Limit(Cited):
    count: Count
    vacancy_allowed: bool = True


class Ground(Cited):
    code: Key
    label: str
    within_years: Count | None = None  # None: at any time (e.g. fraud)


class FollowUp(Cited):
    years: Count
    visits_per_year: Count = 1  # 定期寻访: the seed names no frequency; once a year is the platform's reading


class Cadence(Cited):
    """每2—4年组织开展一批: a new round's notice comes at least ``min_years`` and at most ``max_years`` after the
    previous round's (earlier is refused, later is flagged overdue)."""

    min_years: Count
    max_years: Count

    @model_validator(mode="after")
    def _order(self) -> Cadence:
        if self.max_years < self.min_years:
            raise ValueError("max_years 不能小于 min_years")
        return self


class Route(Cited):
    """A way into the cultivation pool and who files it: the enterprise itself, its county office, or the authority
    (recording a department's recommendation)."""

    code: Key
    label: str
    by: StageActor
    recommender_required: bool = False


class Cultivation(Cited):
    """培育库: who keeps it and what it is for (the quote), the ways in, and the support its members receive."""

    label: str
    members: Cited  # who may join (包头市内有意向申报的各类企业)
    routes: Annotated[list[Route], Field(min_length=1)]
    support: Annotated[list[Material], Field(min_length=1)]  # 免费卓越绩效管理培训, 指导帮扶
    supporters: Cited  # who gives the support in their area (旗县区 …)

    def route(self, code: str) -> Route:
        for route in self.routes:
            if route.code == code:
                return route
        raise NotFound(field="route", kind="入库方式", key=code)


class Scale(YingjiModel):
    """A rating scale: the seed names none, so the platform's (1–5) is data with its words."""

    min: Annotated[int, Field(ge=0)]
    max: Annotated[int, Field(ge=1, le=10)]
    labels: dict[int, str]

    @model_validator(mode="after")
    def _labels(self) -> Scale:
        if sorted(self.labels) != list(range(self.min, self.max + 1)):
            raise ValueError("评价等级须逐级给出文字")
        return self


class TwoWayRating(Cited):
    """双向监督反馈评价机制: applicants rate evaluators' discipline, evaluators rate applicants'."""

    applicant_rates: Material  # 评审人员纪律执行情况
    evaluator_rates: Material  # 申报单位守纪情况
    misconduct: Material  # 弄虚作假、索取或收受财物 → 取消评审员资格
    scale: Scale


class Grade(Cited):
    code: Key
    label: str
    subsidy: bool


class Figure(Cited):
    value: Count


class BearerRules(YingjiModel):
    """What follows recognition for a person's title: annual evaluation grades and what each does."""

    grades: Annotated[list[Grade], Field(min_length=2)]
    unqualified: Key
    incapable: Key
    disqualified: Key
    subsidy: Cited  # 合格及以上发放传习补助经费
    rectification_years: Figure
    honorary_subsidy_age: Figure
    stop_next_year: Cited
    recommendation_lookback_years: Figure
    evaluation_publicity: Timer
    automatic_unqualified: list[Material] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known(self) -> BearerRules:
        codes = {g.code for g in self.grades}
        for key in (self.unqualified, self.incapable, self.disqualified):
            if key not in codes:
                raise ValueError(f"未定义的评估等次 {key}")
        return self

    def grade(self, code: str) -> Grade:
        for grade in self.grades:
            if grade.code == code:
                return grade
        raise NotFound(field="grade", kind="评估等次", key=code)


class Programme(YingjiModel):
    id: Code
    title: str
    doc_no: str
    authority: str  # who runs it (市政府质量工作主管部门, 包头市文化旅游广电局)
    division_code: DivisionCode
    subject: Subject
    category_label: str | None = None  # 非遗项目类别 …: the field a panel's category rule reads
    categories: list[str] = Field(default_factory=list)
    seed: str
    materials: list[Material] = Field(default_factory=list)
    requirements: list[Check] = Field(default_factory=list)
    exclusions: list[Check] = Field(default_factory=list)
    stages: Annotated[list[Stage], Field(min_length=2)]
    panels: list[Panel] = Field(default_factory=list)
    max_awards: Limit | None = None
    reapply_gap_rounds: Limit | None = None  # 获奖单位再次申报应当间隔三届
    one_title_per_person: Cited | None = None  # 已公布的市级传承人不得申报另一项
    cadence: Cadence | None = None  # 每2—4年组织开展一批
    cultivation: Cultivation | None = None  # 培育库
    two_way_rating: TwoWayRating | None = None  # 双向监督反馈评价机制
    score_weights: dict[Key, float] = Field(default_factory=dict)
    revocation: list[Ground] = Field(default_factory=list)
    follow_up: FollowUp | None = None
    bearer: BearerRules | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Programme:
        codes = [s.code for s in self.stages]
        if len(set(codes)) != len(codes):
            raise ValueError("环节编号重复")
        if self.stages[0].kind != "submit" or self.stages[-1].kind != "confer":
            raise ValueError("第一个环节须为申报（submit），最后一个须为公布（confer）")
        panels = {p.code for p in self.panels}
        for stage in self.stages:
            if stage.panel is not None and stage.panel not in panels:
                raise ValueError(f"{stage.code}: 未定义的专家组 {stage.panel}")
        for key in self.score_weights:
            if key not in {s.score for s in self.stages if s.score}:
                raise ValueError(f"score_weights: 没有环节给出 {key} 分数")
        return self

    def stage(self, code: str) -> Stage:
        for stage in self.stages:
            if stage.code == code:
                return stage
        raise NotFound(kind="环节", key=code)

    def next_stage(self, code: str) -> Stage | None:
        codes = [s.code for s in self.stages]
        index = codes.index(code)
        return self.stages[index + 1] if index + 1 < len(self.stages) else None

    def panel(self, code: str) -> Panel:
        for panel in self.panels:
            if panel.code == code:
                return panel
        raise NotFound(kind="专家组", key=code)


Check.model_rebuild()


def _validate(path: Path) -> Programme:
    try:
        return Programme.model_validate(yamlfile.read(path))
    except ValidationError as err:
        raise PlanInvalid(field=path.name, reason=f"{path.name} 不合法", details=validation_details(err)) from err


@cache
def programmes() -> dict[str, Programme]:
    found = [_validate(p) for p in sorted(DATA.glob("*.yaml"))]
    return {p.id: p for p in found}


def programme(programme_id: str) -> Programme:
    found = programmes().get(programme_id)
    if found is None:
        raise NotFound(field="programme", kind="评审项目", key=programme_id)
    return found


# --- work-injury rehabilitation ------------------------------------------------------------------------------------


class Qualification(Cited):
    code: Key
    label: str


class RehabPool(Cited):
    code: Key
    term_years: Count
    qualifications: list[Qualification]


class Mode(Cited):
    code: Key
    label: str
    gate: Gate
    departments: list[str] = Field(default_factory=list)  # only these attending departments (先康复后鉴定)


class ClaimCategory(YingjiModel):
    code: Key
    label: str
    non_payable: Key | None = None


class Monitoring(Cited):
    daily_limit: Annotated[float, Field(gt=0)]
    case_limit: Annotated[float, Field(gt=0)]
    platform_default: bool


class RehabRules(YingjiModel):
    id: Code
    title: str
    doc_no: str
    authority: str
    division_code: DivisionCode
    seed: str
    pool: RehabPool
    institution_kinds: list[str]
    conditions: list[Material]
    night_rehab_preferred: Cited
    agreement: Cited
    renewal: Cited
    modes: list[Mode]
    non_payable: list[Material]
    monitoring: Monitoring
    deduction: Cited
    claim_categories: list[ClaimCategory]

    @model_validator(mode="after")
    def _known(self) -> RehabRules:
        refusals = {n.code for n in self.non_payable}
        for needed in ("living_items", "non_injury_part", "after_end", "unapproved", "other"):
            if needed not in refusals:
                raise ValueError(f"non_payable 缺少 {needed}")
        for category in self.claim_categories:
            if category.non_payable is not None and category.non_payable not in refusals:
                raise ValueError(f"{category.code}: 未定义的不予支付类别 {category.non_payable}")
        return self

    def mode(self, code: str) -> Mode:
        for mode in self.modes:
            if mode.code == code:
                return mode
        raise NotFound(field="mode", kind="康复模式", key=code)

    def refusal(self, code: str) -> Material:
        return next(n for n in self.non_payable if n.code == code)


@cache
def rehab_rules() -> RehabRules:
    path = Path(__file__).parent / "rehab.yaml"
    try:
        return RehabRules.model_validate(yamlfile.read(path))
    except ValidationError as err:
        raise PlanInvalid(field=path.name, reason=f"{path.name} 不合法", details=validation_details(err)) from err

"""The campaign, sub-plan and target data files (data/*.yaml): every row cites its seed lines with a verbatim quote.

A sub-plan (``*-subplan.yaml``) is a department's implementation plan of a campaign: its measures and targets load
under the parent campaign's programme, marked with the sub-plan, so the campaign's lists and reports cover them and
filter by sub-plan or department. Its codes carry the sub-plan's prefix and are unique within the parent."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import Field, ValidationError, model_validator

from yingji.core import yamlfile
from yingji.core.errors import PlanInvalid
from yingji.core.schemas import YingjiModel
from yingji.plans.loader import validation_details
from yingji.rules.fire_rescue import Beneficiary, Status, Team, Test
from yingji.rules.kpi import Direction

DATA = Path(__file__).parent / "data"
M = TypeVar("M", bound=YingjiModel)
Seed = Annotated[str, Field(pattern=r"^\d{3}#L\d+(-L\d+)?$")]
Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]{1,40}$")]
DivisionCode = Annotated[str, Field(pattern=r"^\d{6}$")]


class Cited(YingjiModel):
    seed: Seed
    quote: Annotated[str, Field(min_length=2)]


class Milestone(Cited):
    due: date
    text: str
    kind: Literal["zero_clearing", "stage"]


class ReportDuty(Cited):
    id: Code
    label: str
    cadence: Literal["weekly", "monthly", "quarterly", "yearly"]
    due_weekday: Annotated[int, Field(ge=1, le=7)] | None = None
    due_day: Annotated[int, Field(ge=1, le=31)] | None = None
    before_due_day: bool = False
    to: str | None = None


class Step(YingjiModel):
    due: date
    text: str


class Measure(Cited):
    code: Code
    section: str | None = None
    title: str
    lead: str | None = None
    leader: str | None = None  # 责任领导 (a person), where the plan names one
    responsible: list[str] = Field(default_factory=list)
    due: date | None = None
    milestones: list[Step] = Field(default_factory=list)
    fixes: list[Code] = Field(default_factory=list)  # the campaign's problems this task rectifies


class Problem(Cited):
    """A listed problem a plan's tasks rectify (e.g. a risk assessment's findings)."""

    code: Code
    source: str  # the list it comes from, as titled in the plan
    text: str


class Subjects(Cited):
    """Who the benefits are for: team kinds, statuses, and the statuses under which clerks are named."""

    teams: Annotated[list[Team], Field(min_length=1)]
    statuses: Annotated[list[Status], Field(min_length=1)]
    clerk_statuses: list[Status] = Field(default_factory=list)


class BenefitRow(Cited):
    """One benefit of a measure: who enjoys it and how it is decided (rules/fire_rescue.py)."""

    code: Code
    measure: Code
    label: str
    beneficiary: Beneficiary
    test: Test
    years: Annotated[int, Field(ge=1, le=60)] | None = None  # plaque: years of work; medal: years since joining
    companions: Annotated[int, Field(ge=1, le=20)] | None = None  # family members travelling along, in principle

    @model_validator(mode="after")
    def _figures(self) -> BenefitRow:
        if (self.years is not None) != (self.test in (Test.PLAQUE, Test.MEDAL)):
            raise ValueError(f"{self.code}: 门牌和纪念章须给出年限，其他优待不给")
        return self


class BenefitRules(YingjiModel):
    subjects: Subjects
    fallback: Cited  # what the notice leaves open follows the region's and city's rules
    rows: Annotated[list[BenefitRow], Field(min_length=1)]


class TargetRow(Cited):
    code: Code
    name: str
    unit: str
    kind: Literal["binding", "expected"] | None = None
    direction: Direction
    baseline_year: int | None = None
    baseline_value: float | None = None
    change_percent: float | None = None
    target_value: float | None = None
    target_year: int

    @model_validator(mode="after")
    def _goal(self) -> TargetRow:
        if (self.target_value is None) == (self.change_percent is None):
            raise ValueError("目标值与相对基期变化率须且只能给出其一")
        if self.change_percent is not None and self.baseline_year is None:
            raise ValueError("相对变化率须有基期年份")
        return self


def _unique(codes: list[str], what: str) -> None:
    if len(set(codes)) != len(codes):
        raise ValueError(f"{what}编号重复")


def _fixes(measures: list[Measure], problems: list[Problem]) -> None:
    _unique([p.code for p in problems], "问题")
    known = {p.code for p in problems}
    unknown = [code for m in measures for code in m.fixes if code not in known]
    if unknown:
        raise ValueError(f"任务所整改的问题 {unknown[0]} 不在问题清单中")


class Campaign(YingjiModel):
    id: Code
    title: str
    doc_no: str | None = None
    issuer: str | None = None
    division_code: DivisionCode
    seed: Seed
    milestones: list[Milestone] = Field(default_factory=list)
    reports: list[ReportDuty] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    measures: Annotated[list[Measure], Field(min_length=1)]
    targets: list[TargetRow] = Field(default_factory=list)
    benefits: BenefitRules | None = None  # who enjoys which measure (a benefits notice)

    @model_validator(mode="after")
    def _codes(self) -> Campaign:
        _unique([m.code for m in self.measures], "措施")
        _unique([r.id for r in self.reports], "报告")
        _unique([t.code for t in self.targets], "指标")
        _fixes(self.measures, self.problems)
        if self.benefits is not None:
            _unique([b.code for b in self.benefits.rows], "优待")
            known = {m.code for m in self.measures}
            stray = sorted({b.measure for b in self.benefits.rows} - known)
            if stray:
                raise ValueError(f"优待所属措施 {stray} 不在 measures 中")
        return self


class SubPlan(Cited):
    """A department's sub-plan of a campaign: its own milestones, measures and targets."""

    id: Code
    parent: Code
    number: Annotated[int, Field(ge=1)]  # its number in the campaign's list of sub-plans (目录序号)
    title: str
    short_title: str
    department: str
    milestones: list[Milestone] = Field(default_factory=list)
    measures: Annotated[list[Measure], Field(min_length=1)]
    targets: list[TargetRow] = Field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"S{self.number:02d}-"

    @model_validator(mode="after")
    def _codes(self) -> SubPlan:
        _unique([m.code for m in self.measures], "措施")
        _unique([t.code for t in self.targets], "指标")
        wrong = [
            c for c in [m.code for m in self.measures] + [t.code for t in self.targets] if not c.startswith(self.prefix)
        ]
        if wrong:
            raise ValueError(f"编号须以 {self.prefix} 开头：{wrong[0]}")
        _fixes(self.measures, [])
        return self


class Project(Cited):
    code: Code
    name: str
    due: date | None = None
    goal: str | None = None


class Evaluation(Cited):
    year: int
    kind: Literal["mid_term", "final"]


class TargetPlan(YingjiModel):
    id: Code
    title: str
    division_code: DivisionCode
    base_year: int | None = None
    evaluations: list[Evaluation] = Field(default_factory=list)
    targets: Annotated[list[TargetRow], Field(min_length=1)]
    projects: list[Project] = Field(default_factory=list)

    @model_validator(mode="after")
    def _codes(self) -> TargetPlan:
        _unique([t.code for t in self.targets], "指标")
        _unique([p.code for p in self.projects], "工程")
        return self


def _read(path: Path) -> object:
    return yamlfile.read(path)


def _validate(model: type[M], path: Path) -> M:
    try:
        return model.model_validate(_read(path))
    except ValidationError as err:
        raise PlanInvalid(field=path.name, reason=f"{path.name} 不合法", details=validation_details(err)) from err


@cache
def campaigns() -> dict[str, Campaign]:
    found = [_validate(Campaign, p) for p in sorted(DATA.glob("*-campaign.yaml"))]
    return {c.id: c for c in found}


@cache
def subplans() -> dict[str, SubPlan]:
    """The sub-plans by id, in their campaign's order; each names a loaded campaign and keeps the parent's codes
    unique (measures against the campaign's and its other sub-plans', targets likewise)."""
    found = sorted((_validate(SubPlan, p) for p in DATA.glob("*-subplan.yaml")), key=lambda s: (s.parent, s.number))
    parents = campaigns()
    missing = [s for s in found if s.parent not in parents]
    if missing:
        raise PlanInvalid(field=missing[0].id, reason=f"子方案 {missing[0].id} 的上级方案 {missing[0].parent} 不存在")
    for parent_id in {s.parent for s in found}:
        parent, family = parents[parent_id], [s for s in found if s.parent == parent_id]
        _unique_across(parent_id, [m.code for m in parent.measures], [[m.code for m in s.measures] for s in family])
        _unique_across(parent_id, [t.code for t in parent.targets], [[t.code for t in s.targets] for s in family])
        if len({s.number for s in family}) != len(family):
            raise PlanInvalid(field=parent_id, reason=f"{parent_id} 的子方案序号重复")
    return {s.id: s for s in found}


def _unique_across(parent: str, own: list[str], others: list[list[str]]) -> None:
    codes = own + [c for codes in others for c in codes]
    if len(set(codes)) != len(codes):
        raise PlanInvalid(field=parent, reason=f"{parent} 与其子方案的编号重复")


@cache
def target_plans() -> dict[str, TargetPlan]:
    found = [_validate(TargetPlan, p) for p in sorted(DATA.glob("*-targets.yaml"))]
    return {t.id: t for t in found}

"""The campaign and target data files (data/*.yaml): every row cites its seed lines with a verbatim quote."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Literal, TypeVar

import yaml
from pydantic import Field, ValidationError, model_validator

from yingji.core.errors import PlanInvalid
from yingji.core.schemas import YingjiModel
from yingji.plans.loader import validation_details
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
    responsible: list[str] = Field(default_factory=list)
    due: date | None = None
    milestones: list[Step] = Field(default_factory=list)


def _unique(codes: list[str], what: str) -> None:
    if len(set(codes)) != len(codes):
        raise ValueError(f"{what}编号重复")


class Campaign(YingjiModel):
    id: Code
    title: str
    doc_no: str | None = None
    issuer: str | None = None
    division_code: DivisionCode
    seed: Seed
    milestones: list[Milestone] = Field(default_factory=list)
    reports: list[ReportDuty] = Field(default_factory=list)
    measures: Annotated[list[Measure], Field(min_length=1)]

    @model_validator(mode="after")
    def _codes(self) -> Campaign:
        _unique([m.code for m in self.measures], "措施")
        _unique([r.id for r in self.reports], "报告")
        return self


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
    return yaml.safe_load(path.read_text(encoding="utf-8"))


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
def target_plans() -> dict[str, TargetPlan]:
    found = [_validate(TargetPlan, p) for p in sorted(DATA.glob("*-targets.yaml"))]
    return {t.id: t for t in found}

"""Recurring-duty definitions as validated data (data/*-duties.yaml): who owes what how often, due when, to whom —
each duty and each named unit citing its seed lines with a verbatim quote."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from yingji.core import yamlfile
from yingji.core.errors import PlanInvalid
from yingji.core.labels import LabelledEnum
from yingji.core.schemas import YingjiModel
from yingji.plans.loader import validation_details
from yingji.registry.enums import EnterpriseSector
from yingji.rules.duties import Cadence, DueRule

DATA = Path(__file__).parent / "data"
Seed = Annotated[str, Field(pattern=r"^\d{3}#L\d+(-L\d+)?$")]
Code = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$")]
DivisionCode = Annotated[str, Field(pattern=r"^\d{6}$")]
Days = Annotated[int, Field(ge=0, le=60)]


class DutyKind(LabelledEnum):
    REPORT = "report", "进展报送"
    PRINCIPAL_INSPECTION = "principal_inspection", "主要负责人带队检查"
    SECTOR_INSPECTION = "sector_inspection", "行业部门检查"
    LEADERSHIP_REVIEW = "leadership_review", "听取工作汇报"
    DRILL = "drill", "疏散逃生演练"
    MONITORING = "monitoring", "监测评估"


class Form(LabelledEnum):
    """What the unit hands in: the weekly table (附件4), the monthly report (附件3) or a record of what was held."""

    WEEKLY_TABLE = "weekly_table", "进展情况调度表"
    MONTHLY_REPORT = "monthly_report", "进展情况工作报告"
    RECORD = "record", "开展情况记录"


class Cited(YingjiModel):
    seed: Seed
    quote: Annotated[str, Field(min_length=2)]
    reading: str | None = None  # how an ambiguous line was read, or that a value is a platform default


class Unit(Cited):
    """A named unit: a department or government, created in the registry when missing (matched by name)."""

    code: Code
    name: Annotated[str, Field(min_length=2, max_length=120)]
    kind: Literal["department", "government"]
    division_code: DivisionCode
    aliases: list[str] = Field(default_factory=list)  # the names the seed and the ledger also use


class AppliesTo(YingjiModel):
    """Who owes the duty: named units, every 苏木镇 (and the development zone) of a county, every county government of
    a city, or the enterprises of some sectors in the file's division."""

    units: list[Code] = Field(default_factory=list)
    towns_of: DivisionCode | None = None
    counties_of: DivisionCode | None = None
    sectors: list[EnterpriseSector] = Field(default_factory=list)

    @model_validator(mode="after")
    def _some(self) -> AppliesTo:
        if not (self.units or self.towns_of or self.counties_of or self.sectors):
            raise ValueError("须指明承担单位：units、towns_of、counties_of 或 sectors")
        return self


class Due(YingjiModel):
    day_of_month: Annotated[int, Field(ge=1, le=31)] | None = None
    before: bool = False  # “…日前”: the day before
    last_working_day: bool = False
    working_day: Annotated[int, Field(ge=1, le=23)] | None = None

    @model_validator(mode="after")
    def _one(self) -> Due:
        if sum((self.day_of_month is not None, self.last_working_day, self.working_day is not None)) > 1:
            raise ValueError("期限只能取一种：每月某日、最后一个工作日或第N个工作日")
        if self.before and self.day_of_month is None:
            raise ValueError("before 只用于每月某日")
        return self

    def rule(self) -> DueRule:
        return DueRule(
            day_of_month=self.day_of_month,
            before=self.before,
            last_working_day=self.last_working_day,
            working_day=self.working_day,
        )


class PropertySource(YingjiModel):
    """A duty the property programme states (its recurring rule): label, cadence, count and citation come from it."""

    programme: Annotated[str, Field(min_length=2, max_length=64)]
    rule: Code


class LedgerSource(YingjiModel):
    """A report the ledger campaign already lists (its ``reports:`` row): title, cadence, due day and citation come
    from it; the duty may shorten the title and give the due rule the ledger leaves open."""

    campaign: Annotated[str, Field(min_length=2, max_length=64)]
    report: Annotated[str, Field(min_length=1, max_length=40)]


class Duty(YingjiModel):
    id: Code
    kind: DutyKind
    label: str | None = None
    cadence: Cadence | None = None
    min_times: Annotated[int, Field(ge=1, le=12)] = 1
    due: Due = Field(default_factory=Due)
    applies_to: AppliesTo
    department: Code  # the unit whose sub-plan states it, which oversees it and to which it is reported
    form: Form = Form.RECORD
    active_from: date | None = None
    active_until: date | None = None
    seed: Seed | None = None
    quote: Annotated[str, Field(min_length=2)] | None = None
    reading: str | None = None
    source: PropertySource | None = None
    ledger: LedgerSource | None = None

    @model_validator(mode="after")
    def _cited(self) -> Duty:
        borrowed = self.source is not None or self.ledger is not None
        if not borrowed and (self.seed is None or self.quote is None or self.cadence is None or not self.label):
            raise ValueError(
                "须给出 label、cadence、seed、quote，或引用物业方案的常态化规则（source）或台账的报送要求（ledger）"
            )
        if self.source is not None and self.ledger is not None:
            raise ValueError("source 与 ledger 只能取其一")
        if self.due.day_of_month is not None and self.cadence not in (None, Cadence.MONTHLY):
            raise ValueError("每月某日的期限只用于按月的任务")
        if self.active_from and self.active_until and self.active_from > self.active_until:
            raise ValueError("active_from 晚于 active_until")
        return self


class RemindDefaults(YingjiModel):
    """Days before the due day a reminder goes out, per cadence: platform defaults (the seed sets none)."""

    weekly: Days = 1
    monthly: Days = 3
    quarterly: Days = 7
    half_yearly: Days = 10
    yearly: Days = 15

    def of(self, cadence: Cadence) -> int:
        return int(getattr(self, cadence.value))


class DutyFile(YingjiModel):
    schema_version: Literal[1]
    id: Annotated[str, Field(pattern=r"^[a-z0-9\-]{2,64}$")]
    title: str
    campaign: str | None = None  # the ledger campaign whose tasks the monthly report counts
    division_code: DivisionCode
    office: Code  # the unit reports go to and that issues the bulletin (旗安委办)
    seed: Seed
    remind_days_before: RemindDefaults = Field(default_factory=RemindDefaults)
    units: list[Unit] = Field(default_factory=list)
    duties: Annotated[list[Duty], Field(min_length=1)]

    @model_validator(mode="after")
    def _references(self) -> DutyFile:
        codes = [u.code for u in self.units]
        if len(set(codes)) != len(codes):
            raise ValueError("单位编号重复")
        ids = [d.id for d in self.duties]
        if len(set(ids)) != len(ids):
            raise ValueError("任务编号重复")
        known = set(codes)
        for duty in self.duties:
            missing = [c for c in [*duty.applies_to.units, duty.department] if c not in known]
            if missing:
                raise ValueError(f"{duty.id}：未定义的单位 {'、'.join(missing)}")
        if self.office not in known:
            raise ValueError(f"未定义的单位 {self.office}")
        return self

    def unit(self, code: str) -> Unit:
        return next(u for u in self.units if u.code == code)


class ResolvedDuty(YingjiModel):
    """A duty with everything filled in (from the property programme where it says so): what the engine runs."""

    file: str
    id: Code
    kind: DutyKind
    label: str
    cadence: Cadence
    min_times: int
    due: Due
    applies_to: AppliesTo
    department: Code
    form: Form
    active_from: date | None
    active_until: date | None
    seed: Seed
    quote: str
    reading: str | None
    remind_days: int

    @property
    def key(self) -> str:
        return f"{self.file}/{self.id}"

    def active_on(self, day: date) -> bool:
        return (self.active_from is None or day >= self.active_from) and (
            self.active_until is None or day <= self.active_until
        )


def _validate(path: Path) -> DutyFile:
    try:
        return DutyFile.model_validate(yamlfile.read(path))
    except ValidationError as err:
        raise PlanInvalid(field=path.name, reason=f"{path.name} 不合法", details=validation_details(err)) from err


@cache
def files() -> dict[str, DutyFile]:
    found = [_validate(p) for p in sorted(DATA.glob("*-duties.yaml"))]
    return {f.id: f for f in found}


def _resolve(file: DutyFile, duty: Duty) -> ResolvedDuty:
    label, cadence, min_times, due = duty.label, duty.cadence, duty.min_times, duty.due
    seed, quote = duty.seed, duty.quote
    if duty.ledger is not None:
        from yingji.ledger.schema import campaigns

        campaign = campaigns().get(duty.ledger.campaign)
        row = next((r for r in campaign.reports if r.id == duty.ledger.report), None) if campaign else None
        if row is None:
            raise PlanInvalid(field=file.id, reason=f"{duty.id}：台账中没有报送要求 {duty.ledger.report}")
        label, cadence = label or row.label, cadence or Cadence(row.cadence)
        seed, quote = seed or row.seed, quote or row.quote
        if due == Due() and row.due_day is not None:
            due = Due(day_of_month=row.due_day, before=row.before_due_day)
    if duty.source is not None:
        from yingji.property.schema import Recurring, all_programmes

        programme = all_programmes().get(duty.source.programme)
        rules = [r for r in programme.rules if isinstance(r, Recurring)] if programme else []
        rule = next((r for r in rules if r.id == duty.source.rule), None)
        if rule is None:
            raise PlanInvalid(field=file.id, reason=f"{duty.id}：物业方案中没有常态化规则 {duty.source.rule}")
        label, cadence, min_times = label or rule.text, cadence or Cadence(rule.cadence), rule.min_times
        seed, quote = seed or rule.seed, quote or rule.quote
    assert label and cadence and seed and quote  # checked by Duty._cited
    return ResolvedDuty(
        file=file.id,
        id=duty.id,
        kind=duty.kind,
        label=label,
        cadence=cadence,
        min_times=min_times,
        due=due,
        applies_to=duty.applies_to,
        department=duty.department,
        form=duty.form,
        active_from=duty.active_from,
        active_until=duty.active_until,
        seed=seed,
        quote=quote,
        reading=duty.reading,
        remind_days=file.remind_days_before.of(cadence),
    )


@cache
def duties() -> dict[str, ResolvedDuty]:
    """Every duty of every file by its key (file/id)."""
    found = [_resolve(f, d) for f in files().values() for d in f.duties]
    return {d.key: d for d in found}


def file_of(duty: ResolvedDuty) -> DutyFile:
    return files()[duty.file]

"""Checklists of major-hazard criteria and the overdue ladder (data files), and the request bodies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from yingji.config import get_settings
from yingji.core import yamlfile
from yingji.core.errors import PlanInvalid
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.hazards.models import Channel
from yingji.plans.loader import validation_details
from yingji.registry.enums import EnterpriseSector
from yingji.rules.hazards import LadderStep, RectificationFault

DATA = Path(__file__).parent / "data"
Reference = Annotated[str, Field(pattern=r"^regulations\.md#L\d+(-L\d+)?$")]
Confidence = Literal["A", "B", "C"]


class CriterionItem(YingjiModel):
    code: Annotated[str, Field(pattern=r"^[a-z]+(-[a-z]+)*-\d{2}$")]
    part: str | None = None
    clause: Annotated[str, Field(min_length=2)]
    text: Annotated[str, Field(min_length=4)]
    confidence: Confidence
    reference: Reference


class AppliesTo(YingjiModel):
    sectors: Annotated[list[EnterpriseSector], Field(min_length=1)]


class Checklist(YingjiModel):
    """One judging standard: its source, what it applies to and its items, each with a confidence mark."""

    id: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    title: str
    source: str
    in_force: date | None = None
    applies_to: AppliesTo
    reference: Reference
    confidence: Confidence
    items: Annotated[list[CriterionItem], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_codes(self) -> Checklist:
        codes = [i.code for i in self.items]
        if len(set(codes)) != len(codes):
            raise ValueError("判定标准条目编号重复")
        return self

    @property
    def verified(self) -> bool:
        return self.confidence == "A"


def _load(path: Path, model: type[Checklist]) -> Checklist:
    try:
        return model.model_validate(yamlfile.read(path))
    except ValidationError as err:
        raise PlanInvalid(field=path.name, reason=f"{path.name} 不合法", details=validation_details(err)) from err


@cache
def checklists() -> dict[str, Checklist]:
    """Every checklist in data/criteria, by id; a sector is covered by at most one."""
    found = {c.id: c for c in (_load(p, Checklist) for p in sorted((DATA / "criteria").glob("*.yaml")))}
    sectors = [s for c in found.values() for s in c.applies_to.sectors]
    if len(set(sectors)) != len(sectors):
        raise PlanInvalid(field="applies_to", reason="同一行业只能适用一份重大事故隐患判定标准")
    return found


def checklist_for(sector: EnterpriseSector | None) -> Checklist | None:
    return next((c for c in checklists().values() if sector in c.applies_to.sectors), None)


SeedRef = Annotated[str, Field(pattern=r"^00\d#L\d+(-L\d+)?$")]


class LadderRow(YingjiModel):
    action: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    label: Annotated[str, Field(min_length=2)]
    after_days: Annotated[int, Field(ge=0, le=3650)]
    seed: SeedRef | None = None  # where the seed names this measure
    days_seed: SeedRef | None = None  # where the seed sets the day count; absent: a platform default


def parse_ladder(rows: object, name: str) -> tuple[LadderStep, ...]:
    try:
        parsed = [LadderRow.model_validate(r) for r in (rows if isinstance(rows, list) else [rows])]
    except ValidationError as err:
        raise PlanInvalid(field=name, reason=f"{name} 不合法", details=validation_details(err)) from err
    steps = tuple(
        LadderStep(action=r.action, label=r.label, after_days=r.after_days, seed=r.seed, days_seed=r.days_seed)
        for r in parsed
    )
    if not steps or any(b.after_days <= a.after_days for a, b in pairwise(steps)):
        raise PlanInvalid(field=name, reason=f"{name}：督办阶梯至少一级，天数须严格递增")
    return steps


@cache
def ladder() -> tuple[LadderStep, ...]:
    """The overdue ladder: Settings.hazard_ladder (YINGJI_HAZARD_LADDER) or the bundled file, read once."""
    path = get_settings().hazard_ladder or DATA / "ladder.yaml"
    return parse_ladder(yamlfile.read(path), path.name)


Text = Annotated[str, Field(min_length=2, max_length=4000)]
Short = Annotated[str, Field(min_length=2, max_length=200)]


class HazardIn(YingjiModel):
    """上报隐患。企业账号只能自查上报本企业；监管人员的检查发现须指明企业。"""

    channel: Literal[Channel.SELF_CHECK, Channel.INSPECTION]
    organisation_id: RowId | None = None
    mine_id: RowId | None = None
    place: Short
    description: Text
    category: Annotated[str, Field(min_length=2, max_length=60)]
    criteria: Annotated[list[str], Field(max_length=20)] = Field(default_factory=list)
    grade_note: Annotated[str, Field(max_length=2000)] | None = None
    found_on: date


class ConfirmIn(YingjiModel):
    """确认隐患；监管部门可在确认时改定等级（判定依据）。"""

    criteria: Annotated[list[str], Field(max_length=20)] | None = None
    grade_note: Annotated[str, Field(max_length=2000)] | None = None
    note: Annotated[str, Field(max_length=2000)] | None = None


class RectificationIn(YingjiModel):
    """五落实：整改责任人、措施、资金、时限、预案（缺一不可）。"""

    responsible: Annotated[str, Field(max_length=80)] | None = None
    measures: Annotated[str, Field(max_length=4000)] | None = None
    funds_yuan: Annotated[Decimal, Field(max_digits=14, decimal_places=2)] | None = None
    deadline: date | None = None
    contingency_plan: Annotated[str, Field(max_length=4000)] | None = None
    deadline_reason: Annotated[str, Field(max_length=2000)] | None = Field(
        default=None, description="一般隐患整改时限超过一周的理由（须经监管部门同意）"
    )


class ExtensionIn(YingjiModel):
    """审批延期：同意（采用企业申请的整改时限）或不同意（须写明理由，仍按一周时限）。"""

    approve: bool
    note: Annotated[str, Field(max_length=2000)] | None = None


class ReopenIn(YingjiModel):
    """已销号隐患经核查未整改：认定虚假整改（或纸面整改、整改不到位），重新整改并记录责任。"""

    fault: RectificationFault
    finding: Annotated[str, Field(min_length=2, max_length=4000, description="核查发现的情况")]
    deadline: date = Field(description="重新整改时限")


class StepIn(YingjiModel):
    """核实不属实、申请验收、验收合格、验收不合格：附说明；验收不合格须重定整改时限。"""

    note: Annotated[str, Field(max_length=2000)] | None = None
    deadline: date | None = None

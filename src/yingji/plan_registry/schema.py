"""The cadence table (data/cadence.yaml) and the request bodies."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from yingji.core import yamlfile
from yingji.core.divisions import CODE_PATTERN
from yingji.core.errors import PlanInvalid
from yingji.core.schemas import YingjiModel
from yingji.plan_registry.models import ActivityKind, HolderKind, PlanType
from yingji.plans.loader import validation_details
from yingji.rules.basis import Basis
from yingji.rules.plan_calendar import Cadence

CADENCE_FILE = Path(__file__).parent / "data" / "cadence.yaml"


class CadenceBasis(YingjiModel):
    clause: Annotated[str, Field(min_length=4)]
    reference: Annotated[str, Field(pattern=r"^regulations\.md#L\d+$")]


class CadenceRow(YingjiModel):
    id: Annotated[str, Field(pattern=r"^[a-z-]{3,60}$")]
    holders: Annotated[list[HolderKind], Field(min_length=1)]
    plan_types: list[PlanType] | None = None
    production_safety: bool | None = None
    high_risk: bool | None = None
    drill_months: Annotated[int, Field(ge=1, le=60)] | None = None
    evaluation_months: Annotated[int, Field(ge=1, le=120)] | None = None
    filing_working_days: Annotated[int, Field(ge=1, le=60)] | None = None
    basis: Annotated[list[CadenceBasis], Field(min_length=1)]

    def cadence(self) -> Cadence:
        return Cadence(
            id=self.id,
            holders=frozenset(h.value for h in self.holders),
            plan_types=frozenset(t.value for t in self.plan_types) if self.plan_types else None,
            production_safety=self.production_safety,
            high_risk=self.high_risk,
            drill_months=self.drill_months,
            evaluation_months=self.evaluation_months,
            filing_working_days=self.filing_working_days,
            basis=tuple(
                Basis(rule="plan_calendar", plan="national", clause=b.clause, source=b.reference) for b in self.basis
            ),
        )


@cache
def cadence_table() -> tuple[Cadence, ...]:
    raw = yamlfile.read(CADENCE_FILE)
    try:
        return tuple(CadenceRow.model_validate(row).cadence() for row in raw)
    except ValidationError as err:
        raise PlanInvalid(reason=f"{CADENCE_FILE.name} 不合法", details=validation_details(err)) from err


class PlanRecordIn(YingjiModel):
    """预案登记。"""

    title: Annotated[str, Field(min_length=4, max_length=200)]
    doc_no: Annotated[str, Field(min_length=2, max_length=80)] | None = None
    holder_kind: HolderKind
    holder_name: Annotated[str, Field(min_length=2, max_length=120)]
    division_code: Annotated[str, Field(pattern=CODE_PATTERN)]
    plan_type: PlanType
    production_safety: bool = True
    high_risk: bool = Field(default=False, description="矿山、危险化学品、金属冶炼等高危单位（708号 第八条）")
    version: Annotated[str, Field(min_length=1, max_length=40)] = "1"
    issued_on: date


class ActivityIn(YingjiModel):
    kind: ActivityKind
    on: date
    detail: Annotated[str, Field(min_length=2, max_length=200, description="备案机关 / 演练方式 / 评估结论 / 修订情形")]
    note: Annotated[str, Field(max_length=2000)] | None = None

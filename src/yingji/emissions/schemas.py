"""The key-enterprise emission ledger in and out."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from yingji.core.labels import LabelledEnum
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.emissions.models import EmissionSector

Tonnes = Annotated[Decimal, Field(ge=0, le=Decimal("1e11"), max_digits=16, decimal_places=3)]


class EmissionAction(LabelledEnum):
    CORRECT = "correct", "更正"


class EntryIn(YingjiModel):
    organisation_id: RowId = Field(description="重点企业")
    year: int = Field(ge=2000, le=2100)
    sector: EmissionSector
    nox_t: Tonnes = Field(description="氮氧化物排放量（吨）")
    vocs_t: Tonnes = Field(description="挥发性有机物排放量（吨）")
    co2_t: Tonnes = Field(description="二氧化碳排放量（吨）")
    facility_efficiency_pct: Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)] = Field(
        description="环保设施运行效率（%）"
    )
    source: Annotated[str, Field(min_length=2, max_length=200, description="统计口径或监测来源")]


class EntryRead(YingjiModel):
    id: int
    organisation_id: int
    enterprise: str
    division_name: str
    year: int
    sector: EmissionSector
    sector_label: str
    nox_t: Decimal
    vocs_t: Decimal
    co2_t: Decimal
    facility_efficiency_pct: Decimal
    source: str
    recorded_by: str
    recorded_at: datetime
    allowed_actions: list[EmissionAction]


class YearSummary(YingjiModel):
    """A year's totals over the key enterprises, and against 2023 over the enterprises reporting both years."""

    year: int
    enterprises: int
    nox_t: Decimal
    vocs_t: Decimal
    co2_t: Decimal
    mean_efficiency_pct: Decimal | None
    compared: int = Field(description="2023年与本年均有台账的企业数（同口径比较）")
    nox_cut_vs_2023_t: Decimal | None = Field(description="同口径较2023年减少的NOx（吨），负数为增加")
    vocs_cut_vs_2023_t: Decimal | None
    efficiency_change_vs_2023_pct: Decimal | None = Field(description="同口径环保设施运行效率较2023年的相对变化（%）")


class LedgerSummary(YingjiModel):
    years: list[YearSummary]
    note: str


class ToTargetsRead(YingjiModel):
    year: int
    value: Decimal
    targets: list[str] = Field(description="计入的指标")

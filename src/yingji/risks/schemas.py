"""Weather risk entries in and out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from yingji.core.divisions import CODE_PATTERN
from yingji.core.paging import Filters
from yingji.core.schemas import YingjiModel
from yingji.risks.models import RiskLevel, RiskSource


class RiskIn(YingjiModel):
    division_code: Annotated[str, Field(pattern=CODE_PATTERN, description="所在行政区划")]
    hazard: Annotated[
        str, Field(pattern=r"^[a-z_]{2,40}$", description="灾种（气象灾害应急预案的灾种编号，如 rainstorm）")
    ]
    level: RiskLevel
    place: Annotated[str, Field(min_length=2, max_length=200, description="风险点或区域")]
    exposure: Annotated[str | None, Field(max_length=2000, description="承灾体")] = None
    source: RiskSource
    year: Annotated[int, Field(ge=2000, le=2100)]


class RiskRead(YingjiModel):
    id: int
    division_code: str
    division_name: str
    hazard: str
    hazard_name: str
    level: RiskLevel
    level_label: str
    place: str
    exposure: str | None
    source: RiskSource
    source_label: str
    year: int
    recorded_by: str
    recorded_at: datetime


class RiskFilters(Filters):
    hazard: Annotated[str | None, Field(pattern=r"^[a-z_]{2,40}$")] = None
    within: Annotated[str | None, Field(pattern=CODE_PATTERN, description="只列此区划及其下级的")] = None

"""Warning request bodies."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, Field

from yingji.core.divisions import CODE_PATTERN
from yingji.core.schemas import YingjiModel
from yingji.warnings.models import WarningKind

Code = Annotated[str, Field(pattern=CODE_PATTERN)]
# Text that XML 1.0 can carry (CAP is XML): no control characters except tab and line breaks.
XML_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*$"
Line = Annotated[str, Field(pattern=r"^[^\x00-\x1f\ufffe\uffff]*$")]
Text = Annotated[str, Field(max_length=4000, pattern=XML_TEXT)]


class WarningDraft(YingjiModel):
    """预警草稿：按预案填写必备内容（如 发布单位、发布时间 由系统填写）。"""

    kind: WarningKind
    plan_id: str = Field(min_length=1, max_length=64)
    level: int = Field(ge=1, le=4, description="1 红 2 橙 3 黄 4 蓝")
    hazard: str | None = Field(default=None, max_length=40, description="气象灾种 id，如 rainstorm")
    category: Line = Field(min_length=2, max_length=60, description="可能发生的事故类别 / 灾种")
    title: Line = Field(min_length=4, max_length=200)
    division_codes: list[Code] = Field(min_length=1, max_length=50, description="影响区域（行政区划代码）")
    fields: dict[Line, Text] = Field(default_factory=dict)
    is_exercise: bool = Field(default=False, description="演练（CAP status=Exercise）")
    expires_at: AwareDatetime | None = None
    source: str | None = Field(default=None, max_length=200, description="提出来源，如 monitoring:alarm:42")
    note: str | None = Field(default=None, max_length=2000)


class WarningChange(YingjiModel):
    level: int | None = Field(default=None, ge=1, le=4)
    fields: dict[Line, Text] = Field(default_factory=dict)
    reason: str = Field(min_length=4, max_length=500)


class WarningCompletion(YingjiModel):
    """发布时补全的内容（预警建议常缺少部分必备内容）。"""

    fields: dict[Line, Text] = Field(default_factory=dict)


class WarningDecision(YingjiModel):
    reason: str = Field(min_length=2, max_length=500)


class HazardObservationIn(YingjiModel):
    """一个灾种的监测/预报数据：每个量在各格点（面积）或站点上的数值。"""

    hazard: str = Field(pattern=r"^[a-z_]+$", description="灾种 id，如 rainstorm、gale、fog")
    on: date = Field(description="日期（霜冻按季节窗口判断）")
    samples: dict[str, list[float]] = Field(description="量 → 各等面积格点（或单值）上的数值")
    stations: dict[str, list[float]] | None = Field(default=None, description="量 → 各站点数值（与格点同名时使用）")
    confirmed: list[str] = Field(default_factory=list, description="预报员已确认的附加条件原文（如 持续或加重）")


class WeatherAssessment(YingjiModel):
    plan_id: str = "ordos-weather-2024"
    observations: list[HazardObservationIn] = Field(min_length=1, max_length=9)

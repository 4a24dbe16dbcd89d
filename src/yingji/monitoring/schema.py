"""Threshold rules as data (测点阈值规则): each row carries its legal basis and a ``verified`` flag.

regulations.md §4 warns that the primary texts of AQ 1029-2019 and the 煤矿安全规程 table were not public, so every
bundled row ships ``verified: false`` and confidence B or C; an operator confirms a row against the printed standard.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from yingji.core import yamlfile
from yingji.core.errors import InvalidInput, NotFound, PlanInvalid
from yingji.core.labels import LabelledEnum
from yingji.core.schemas import YingjiModel
from yingji.plans.loader import validation_details
from yingji.rules.thresholds import LevelSpec, RuleTable, check_spec

# An operator's own rules file (a province's values) replaces the bundled one; it is validated the same way.
DATA_FILE = Path(os.environ.get("YINGJI_THRESHOLD_RULES") or Path(__file__).parent / "data" / "thresholds.yaml")
RANGES_FILE = Path(__file__).parent / "data" / "sensor_ranges.yaml"


class SensorKind(LabelledEnum):
    """Measured quantity; tailings-pond kinds follow GB 50863 §5.5.2 (regulations.md#L398)."""

    CH4 = "CH4", "瓦斯"
    CO = "CO", "一氧化碳"
    O2 = "O2", "氧气"
    CO2 = "CO2", "二氧化碳"
    WIND = "WIND", "风速"
    TEMP = "TEMP", "温度"
    DUST = "DUST", "粉尘"
    GROUND_PRESSURE = "GROUND_PRESSURE", "矿压"
    PHREATIC_LINE = "PHREATIC_LINE", "浸润线"
    DRY_BEACH = "DRY_BEACH", "干滩长度"
    POND_LEVEL = "POND_LEVEL", "库水位"
    DAM_DISPLACEMENT = "DAM_DISPLACEMENT", "坝体位移"
    RAINFALL = "RAINFALL", "降雨量"
    FREEBOARD = "FREEBOARD", "安全超高"
    LANDSLIDE = "LANDSLIDE", "滑坡体位移"


class RuleBasis(YingjiModel):
    source: Annotated[str, Field(min_length=2)]
    reference: Annotated[str, Field(pattern=r"^regulations\.md#L\d+(-L\d+)?$")]
    confidence: Literal["A", "B", "C"]


class RuleLevel(YingjiModel):
    name: Annotated[str, Field(min_length=1, max_length=40)]
    raise_at: float
    clear_at: float
    power_cut: bool = False


class ThresholdRule(YingjiModel):
    """One rule for a sensor kind at a location class; methane rows hold the alarm / power-cut / recovery triple."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9-]{3,64}$")]
    kind: SensorKind
    unit: Annotated[str, Field(min_length=1, max_length=16)]
    location_class: Annotated[str, Field(min_length=2, max_length=60)]
    condition: Annotated[str, Field(min_length=2, max_length=20)] = "超限"
    direction: Literal["high", "low"] = "high"
    strict: bool = False
    levels: Annotated[list[RuleLevel], Field(min_length=1, max_length=4)]
    power_cut_scope: str | None = None
    on_delay_s: Annotated[float, Field(ge=0, le=3600)] = 0
    rate_of_rise_per_min: Annotated[float, Field(gt=0)] | None = None
    basis: RuleBasis
    verified: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ThresholdRule:
        if any(level.power_cut for level in self.levels) and not self.power_cut_scope and self.basis.confidence != "C":
            raise ValueError("断电级别必须写明断电范围（power_cut_scope）")
        if self.basis.confidence == "C" and self.verified:
            raise ValueError("置信度 C 的规则不能标记为已核实：先按正式文本改为 A 或 B")
        check_spec(self.spec(), "levels")  # nesting and hysteresis direction, as the engine relies on
        return self

    def spec(self) -> LevelSpec:
        return LevelSpec(
            levels=[(level.raise_at, level.clear_at) for level in self.levels],
            direction=self.direction,
            strict=self.strict,
            on_delay_ms=round(self.on_delay_s * 1000),
            rate_of_rise_per_min=self.rate_of_rise_per_min,
        )

    def power_cut_level(self) -> int | None:
        """1-based level at which power is cut, if the rule cuts power at all."""
        return next((n for n, level in enumerate(self.levels, start=1) if level.power_cut), None)


def parse_rules(raw: object, source: str) -> list[ThresholdRule]:
    if not isinstance(raw, list):
        raise PlanInvalid(reason=f"{source}：顶层必须是规则列表")
    rules: list[ThresholdRule] = []
    for index, row in enumerate(raw):
        try:
            rules.append(ThresholdRule.model_validate(row))
        except ValidationError as err:
            raise PlanInvalid(reason=f"{source} 第 {index + 1} 条规则不合法", details=validation_details(err)) from err
        except InvalidInput as err:
            raise PlanInvalid(reason=f"{source} 第 {index + 1} 条规则：{err.render()}") from err
    ids = [rule.id for rule in rules]
    if len(set(ids)) != len(ids):
        raise PlanInvalid(reason=f"{source}：规则 id 重复")
    keys = [(rule.kind, rule.location_class, rule.condition) for rule in rules]
    if len(set(keys)) != len(keys):
        raise PlanInvalid(reason=f"{source}：同一种类、地点和条件只能有一条规则")
    return rules


class SensorRange(YingjiModel):
    """The physical range of a kind's readings (物理量程): outside it a value is a fault, not a measurement."""

    kind: SensorKind
    unit: Annotated[str, Field(min_length=1, max_length=16)]
    low: Annotated[float, Field(allow_inf_nan=False)]
    high: Annotated[float, Field(allow_inf_nan=False)]
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SensorRange:
        if not self.low < self.high:
            raise ValueError("low 必须小于 high")
        return self

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@cache
def sensor_ranges() -> dict[SensorKind, SensorRange]:
    """The bundled range of every sensor kind, validated once per process."""
    raw = yamlfile.read(RANGES_FILE)
    if not isinstance(raw, list):
        raise PlanInvalid(reason=f"{RANGES_FILE.name}：顶层必须是列表")
    try:
        rows = [SensorRange.model_validate(row) for row in raw]
    except ValidationError as err:
        raise PlanInvalid(reason=f"{RANGES_FILE.name} 不合法", details=validation_details(err)) from err
    ranges = {row.kind: row for row in rows}
    if len(ranges) != len(rows) or set(ranges) != set(SensorKind):
        raise PlanInvalid(reason=f"{RANGES_FILE.name}：每种传感器须有且只有一行量程")
    return ranges


def check_in_range(rules: list[ThresholdRule]) -> None:
    """Each rule speaks its kind's unit and its levels lie inside the kind's physical range."""
    ranges = sensor_ranges()
    for rule in rules:
        bounds = ranges[rule.kind]
        if rule.unit != bounds.unit:
            raise PlanInvalid(reason=f"规则 {rule.id} 的单位 {rule.unit} 与量程表的 {bounds.unit} 不一致")
        values = [v for level in rule.levels for v in (level.raise_at, level.clear_at)]
        if not all(bounds.contains(v) for v in values):
            raise PlanInvalid(reason=f"规则 {rule.id} 的阈值超出 {rule.kind.value} 的量程 {bounds.low}–{bounds.high}")


@cache
def default_rules() -> tuple[ThresholdRule, ...]:
    """The bundled defaults, validated once per process (and against the sensor ranges)."""
    rules = parse_rules(yamlfile.read(DATA_FILE), DATA_FILE.name)
    check_in_range(rules)
    return tuple(rules)


def find_rules(
    kind: SensorKind | None = None, location_class: str | None = None, verified: bool | None = None
) -> list[ThresholdRule]:
    """The bundled rules matching every filter given."""
    return [
        rule
        for rule in default_rules()
        if (kind is None or rule.kind == kind)
        and (location_class is None or rule.location_class == location_class)
        and (verified is None or rule.verified == verified)
    ]


def rule_by_id(rule_id: str) -> ThresholdRule:
    found = next((rule for rule in default_rules() if rule.id == rule_id), None)
    if found is None:
        raise NotFound(kind="阈值规则", key=rule_id)
    return found


def rules_for(kind: SensorKind, location_class: str) -> list[ThresholdRule]:
    """Every rule that applies to a point of this kind at this location class (wind speed has two)."""
    found = find_rules(kind, location_class)
    if not found:
        raise InvalidInput(field="location_class", reason=f"没有 {kind.value} 在“{location_class}”的阈值规则")
    return found


def compile_rules(rules: tuple[ThresholdRule, ...] | list[ThresholdRule]) -> RuleTable:
    return RuleTable.build([rule.spec() for rule in rules])

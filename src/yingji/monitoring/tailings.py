"""Tailings-pond point rules from the pond's design values (尾矿库在线监测预警阈值).

GB 50863 §5.5.4 makes the design institute give each item's value per colour (regulations.md#L403); GB 51108 §8.3
fixes two of them relative to red (#L411 phreatic line: orange = 1.1 × red burial depth; #L415 landslide:
orange = 0.8 × red displacement). A derived colour may be left out of the design values and is filled in; a design
value that contradicts the derivation is refused. Direction follows the quantity: a shallower phreatic line, a
shorter dry beach or a smaller freeboard is worse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from yingji.core.errors import InvalidInput
from yingji.monitoring.schema import SensorKind
from yingji.rules.levels import WarningLevel
from yingji.rules.thresholds import LevelSpec, check_spec

MILDEST_FIRST = (WarningLevel.BLUE, WarningLevel.YELLOW, WarningLevel.ORANGE, WarningLevel.RED)


@dataclass(frozen=True)
class PondItem:
    direction: str
    unit: str
    derived: Mapping[WarningLevel, tuple[WarningLevel, float, str]] = field(default_factory=dict)


POND_ITEMS: dict[SensorKind, PondItem] = {
    SensorKind.PHREATIC_LINE: PondItem(
        "low", "m", {WarningLevel.ORANGE: (WarningLevel.RED, 1.1, "regulations.md#L411")}
    ),
    SensorKind.DRY_BEACH: PondItem("low", "m"),
    SensorKind.FREEBOARD: PondItem("low", "m"),
    SensorKind.POND_LEVEL: PondItem("high", "m"),
    SensorKind.DAM_DISPLACEMENT: PondItem("high", "mm"),
    SensorKind.LANDSLIDE: PondItem("high", "mm", {WarningLevel.ORANGE: (WarningLevel.RED, 0.8, "regulations.md#L415")}),
    SensorKind.RAINFALL: PondItem("high", "mm"),
}


@dataclass(frozen=True)
class PondRule:
    """A point's engine rule and the colour of each engine level (level 1 is ``colours[0]``)."""

    spec: LevelSpec
    colours: tuple[WarningLevel, ...]

    def aggregation_level(self, engine_level: int) -> int:
        """The 0 (none) … 4 (red) scale ``aggregate_item_level`` counts in."""
        return 0 if engine_level == 0 else 5 - int(self.colours[engine_level - 1])


def colour_of(aggregation_level: int) -> WarningLevel | None:
    """The inverse: 0 (none) … 4 (red) back to the warning colour (1 red … 4 blue)."""
    return WarningLevel(5 - aggregation_level) if aggregation_level else None


def pond_rule(kind: SensorKind, design: Mapping[WarningLevel, float], clear_margin: float = 0.0) -> PondRule:
    """Build a point rule from design values; ``clear_margin`` is the hysteresis band in the item's unit."""
    item = POND_ITEMS.get(kind)
    if item is None:
        raise InvalidInput(field="kind", reason=f"{kind.value} 不是尾矿库监测项目")
    if WarningLevel.RED not in design:
        raise InvalidInput(field="design.red", reason="设计单位必须给出红色预警值（GB 50863 §5.5.4）")
    if clear_margin < 0:
        raise InvalidInput(field="clear_margin", reason="回差不能为负")
    values = dict(design)
    for colour, (base, factor, basis) in item.derived.items():
        derived = values[base] * factor
        if colour in values and abs(values[colour] - derived) > 1e-9 * max(1.0, abs(derived)):
            raise InvalidInput(
                field=f"design.{colour.name.lower()}",
                reason=f"{colour.label}预警值应为{base.label}值的 {factor:g} 倍（{derived:g}，依据 {basis}）",
            )
        values[colour] = derived
    colours = tuple(c for c in MILDEST_FIRST if c in values)
    sign = 1.0 if item.direction == "high" else -1.0
    spec = LevelSpec(levels=[(values[c], values[c] - sign * clear_margin) for c in colours], direction=item.direction)
    try:
        check_spec(spec, "design")
    except InvalidInput as err:
        raise InvalidInput(field="design", reason="各色预警值必须由蓝到红逐级加重") from err
    return PondRule(spec=spec, colours=colours)

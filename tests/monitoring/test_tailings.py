"""Tailings-pond point rules from design values, evaluated by the engine and aggregated per item."""

from __future__ import annotations

import numpy as np
import pytest

from yingji.core.errors import InvalidInput
from yingji.monitoring.schema import SensorKind
from yingji.monitoring.tailings import pond_rule
from yingji.rules.levels import WarningLevel as W
from yingji.rules.thresholds import ChannelState, RuleTable, aggregate_item_level, evaluate


def _levels(kind: SensorKind, design: dict[W, float], values: list[float], margin: float = 0.0) -> list[int]:
    rule = pond_rule(kind, design, margin)
    table = RuleTable.build([rule.spec])
    state = ChannelState.new([0], registered_at_ms=0)
    out = []
    for n, value in enumerate(values, start=1):
        evaluate(state, table, np.array([0]), np.array([n * 1000]), np.array([value]))
        out.append(rule.aggregation_level(int(state.level[0])))
    return out


def test_phreatic_orange_is_derived_from_red() -> None:
    # regulations.md#L411: orange = 1.1 × the red (minimum) burial depth; shallower is worse.
    rule = pond_rule(SensorKind.PHREATIC_LINE, {W.RED: 6.0, W.YELLOW: 8.0})
    assert rule.colours == (W.YELLOW, W.ORANGE, W.RED)
    assert [raised for raised, _ in rule.spec.levels] == [8.0, pytest.approx(6.6), 6.0]
    assert _levels(SensorKind.PHREATIC_LINE, {W.RED: 6.0, W.YELLOW: 8.0}, [9.0, 8.0, 6.6, 6.0, 7.0]) == [
        0,
        2,
        3,
        4,
        2,
    ]


def test_landslide_orange_is_eighty_percent_of_red() -> None:
    # regulations.md#L415
    rule = pond_rule(SensorKind.LANDSLIDE, {W.RED: 50.0})
    assert rule.colours == (W.ORANGE, W.RED)
    assert _levels(SensorKind.LANDSLIDE, {W.RED: 50.0}, [39.9, 40.0, 50.0]) == [0, 3, 4]


def test_hysteresis_margin_keeps_the_colour() -> None:
    design = {W.BLUE: 2.0, W.YELLOW: 3.0, W.RED: 5.0}
    # yellow raised at 3.0 holds down to 2.9; blue then holds down to 1.9
    assert _levels(SensorKind.POND_LEVEL, design, [3.0, 2.95, 2.9, 2.89, 1.9, 1.89], margin=0.1) == [2, 2, 2, 1, 1, 0]
    # without a margin the level falls back to blue at once
    assert _levels(SensorKind.POND_LEVEL, design, [3.0, 2.95], margin=0.0) == [2, 1]


def test_point_colours_aggregate_per_item() -> None:
    rule = pond_rule(SensorKind.DAM_DISPLACEMENT, {W.BLUE: 10.0, W.YELLOW: 20.0, W.ORANGE: 30.0, W.RED: 40.0})
    points = [rule.aggregation_level(level) for level in (1, 1, 1, 1, 0)]
    assert aggregate_item_level(points) == 2  # four blue points → yellow item (regulations.md#L405)


@pytest.mark.parametrize(
    ("kind", "design", "field"),
    [
        (SensorKind.CH4, {W.RED: 1.0}, "kind"),
        (SensorKind.DRY_BEACH, {W.ORANGE: 80.0}, "design.red"),
        (SensorKind.PHREATIC_LINE, {W.RED: 6.0, W.ORANGE: 7.0}, "design.orange"),
        (SensorKind.POND_LEVEL, {W.YELLOW: 5.0, W.RED: 3.0}, "design"),  # red must be the most severe
        (SensorKind.DRY_BEACH, {W.YELLOW: 60.0, W.RED: 80.0}, "design"),  # shorter beach is worse
    ],
)
def test_bad_design_values_are_refused(kind: SensorKind, design: dict[W, float], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        pond_rule(kind, design)
    assert err.value.field == field


def test_negative_margin_is_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        pond_rule(SensorKind.RAINFALL, {W.RED: 100.0}, clear_margin=-1)
    assert err.value.field == "clear_margin"

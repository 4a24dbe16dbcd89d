"""The vectorised threshold engine: seed-table boundaries, hysteresis, timing conditions, and equality with the
naive per-reading specification under random batches."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.core.errors import InvalidInput
from yingji.monitoring.schema import SensorKind, compile_rules, default_rules, rules_for
from yingji.rules import thresholds_kernel as kernel
from yingji.rules.thresholds import (
    ChannelState,
    Condition,
    EngineConfig,
    LevelSpec,
    RuleTable,
    aggregate_item_level,
    check_offline,
    evaluate,
)
from yingji.rules.thresholds_naive import NaiveChannel, naive_evaluate

RULES = default_rules()
TABLE = compile_rules(RULES)
RULE_INDEX = {rule.id: n for n, rule in enumerate(RULES)}


def _state(*rule_ids: str) -> ChannelState:
    return ChannelState.new([RULE_INDEX[r] for r in rule_ids], registered_at_ms=0)


def _feed(
    state: ChannelState, values: list[float], channel: int = 0, start_ms: int = 1000, step_ms: int = 1000
) -> list[int]:
    """Feed one channel a series of readings, one batch each; return the level after each."""
    levels = []
    for n, v in enumerate(values):
        evaluate(state, TABLE, np.array([channel]), np.array([start_ms + n * step_ms]), np.array([v]))
        levels.append(int(state.level[channel]))
    return levels


# regulations.md §4.2 (lines 223-237): alarm / power-cut / recovery by location. Level 1 = 报警, 2 = 断电.
METHANE_TABLE = [
    ("ch4-coal-face-upper-corner", 0.99, 0),  # L223: alarm ≥1.0
    ("ch4-coal-face-upper-corner", 1.0, 1),
    ("ch4-coal-face-upper-corner", 1.49, 1),
    ("ch4-coal-face-upper-corner", 1.5, 2),  # L223: power cut ≥1.5
    ("ch4-coal-face", 1.5, 2),  # L224
    ("ch4-coal-face-return-airway", 0.99, 0),  # L226: alarm = power cut = 1.0
    ("ch4-coal-face-return-airway", 1.0, 2),
    ("ch4-coal-face-intake-airway", 0.49, 0),  # L227: 0.5
    ("ch4-coal-face-intake-airway", 0.5, 2),
    ("ch4-gas-drainage-roadway", 2.49, 0),  # L229: 2.5
    ("ch4-gas-drainage-roadway", 2.5, 2),
    ("ch4-shearer", 1.2, 1),  # L232
    ("ch4-heading-face", 1.5, 2),  # L233
    ("ch4-series-heading-fan", 0.5, 2),  # L235: 0.5 cuts the heading
    ("ch4-series-heading-fan", 1.5, 3),  # L236: ≥1.5 cuts including the local fan
    ("ch4-main-return-airway", 0.75, 1),  # L244 [C]: alarm only
]


@pytest.mark.parametrize(("rule_id", "value", "level"), METHANE_TABLE)
def test_methane_levels_from_the_seed_table(rule_id: str, value: float, level: int) -> None:
    assert _feed(_state(rule_id), [value]) == [level]


def test_power_cut_holds_until_the_recovery_concentration() -> None:
    # Upper corner: power cut at 1.5, recovery below 1.0 (L223); 1.2 between them keeps the cut.
    assert _feed(_state("ch4-coal-face-upper-corner"), [1.5, 1.2, 1.0, 0.99]) == [2, 2, 2, 0]


def test_alarm_between_clear_and_raise_stays_active() -> None:
    assert _feed(_state("temp-working-face"), [26.5, 26.0, 25.9]) == [1, 0, 0]
    assert _feed(_state("ch4-coal-face"), [1.2, 1.0, 0.999]) == [1, 1, 0]


@pytest.mark.parametrize(
    ("rule_id", "values", "levels"),
    [
        ("wind-face-max", [4.0, 4.01, 4.0], [0, 1, 0]),  # L273: 0.25–4 m/s permitted, strict beyond
        ("wind-face-min", [0.25, 0.24, 0.25], [0, 1, 0]),
        ("o2-intake", [20.0, 19.9, 20.0], [0, 1, 0]),  # L261: O2 ≥20%
        ("co-general", [23.9, 24.0], [0, 1]),  # L262: 24 ppm
    ],
)
def test_directions_and_strict_limits(rule_id: str, values: list[float], levels: list[int]) -> None:
    assert _feed(_state(rule_id), values) == levels


@pytest.mark.parametrize(
    ("location", "scope"),
    [
        ("采煤工作面上隅角", "工作面及其回风巷内全部非本质安全型电气设备"),
        ("煤与瓦斯突出矿井采煤工作面", "工作面及其进、回风巷内全部非本质安全型电气设备"),
        ("采煤机", "采煤机电源"),
        ("专用排瓦斯巷", "工作面内全部非本质安全型电气设备"),
    ],
)
def test_power_cut_scope_by_location(location: str, scope: str) -> None:
    (rule,) = rules_for(SensorKind.CH4, location)
    assert rule.power_cut_scope == scope
    assert rule.power_cut_level() is not None


def test_unknown_location_is_refused() -> None:
    with pytest.raises(InvalidInput):
        rules_for(SensorKind.CH4, "食堂")


def test_every_bundled_rule_is_unverified_with_a_basis() -> None:
    assert RULES and all(not rule.verified and rule.basis.reference.startswith("regulations.md#L") for rule in RULES)


def test_on_delay_waits_for_persistence() -> None:
    table = RuleTable.build([LevelSpec(levels=[(1.0, 1.0)], on_delay_ms=5000)])
    state = ChannelState.new([0], registered_at_ms=0)
    levels = []
    for t, v in [(1000, 1.2), (3000, 1.3), (5000, 0.5), (6000, 1.1), (10_999, 1.1), (11_000, 1.1)]:
        evaluate(state, table, np.array([0]), np.array([t]), np.array([v]))
        levels.append(int(state.level[0]))
    assert levels == [0, 0, 0, 0, 0, 1]  # the dip at 5000 restarts the delay


def test_offline_after_silence_and_back_with_the_next_reading() -> None:
    config = EngineConfig(offline_after_ms=90_000)
    state = _state("ch4-coal-face", "ch4-coal-face")
    evaluate(state, TABLE, np.array([0]), np.array([60_000]), np.array([0.3]), config)
    assert len(check_offline(state, 90_000, config)) == 0
    silent = check_offline(state, 90_001, config)
    assert [row[:5] for row in silent.rows()] == [(1, 90_001, Condition.OFFLINE, 0, 1)]
    assert len(check_offline(state, 200_000, config)) == 1  # channel 0 now silent too; channel 1 not repeated
    back = evaluate(state, TABLE, np.array([1]), np.array([210_000]), np.array([0.2]), config).transitions
    assert [(r[0], r[2], r[3], r[4]) for r in back.rows()] == [(1, Condition.OFFLINE, 1, 0)]


def test_stuck_value_and_recovery() -> None:
    config = EngineConfig(stuck_after_ms=60_000)
    state = _state("co-general")
    events = []
    for t, v in [(1000, 5.0), (30_000, 5.0), (61_000, 5.0), (62_000, 5.0), (70_000, 6.0)]:
        result = evaluate(state, TABLE, np.array([0]), np.array([t]), np.array([v]), config)
        events += [(r[1], r[2], r[4]) for r in result.transitions.rows()]
    assert events == [(61_000, Condition.STUCK, 1), (70_000, Condition.STUCK, 0)]


def test_methane_rate_of_rise() -> None:
    state = _state("ch4-coal-face-upper-corner")  # 0.1 %/min configured (confidence B row, unverified)
    events = []
    for t, v in [(60_000, 0.30), (120_000, 0.35), (180_000, 0.50), (240_000, 0.52)]:
        result = evaluate(state, TABLE, np.array([0]), np.array([t]), np.array([v]))
        events += [(r[1], r[4]) for r in result.transitions.rows() if r[2] == Condition.RATE]
    assert events == [(180_000, 1), (240_000, 0)]


def test_rate_of_rise_ignores_reading_to_reading_noise() -> None:
    """±0.025 % jitter every 10 s is 0.3 %/min between neighbours but no rise over the one-minute window."""
    state = _state("ch4-coal-face-upper-corner")
    times = np.arange(1, 31) * 10_000
    values = np.where(np.arange(30) % 2 == 0, 0.30, 0.35)
    for t, v in zip(times, values, strict=True):
        result = evaluate(state, TABLE, np.array([0]), np.array([t]), np.array([v]))
        assert [r for r in result.transitions.rows() if r[2] == Condition.RATE] == []


def test_readings_in_one_batch_apply_in_time_order_and_stale_ones_are_refused() -> None:
    state = _state("ch4-coal-face")
    result = evaluate(
        state,
        TABLE,
        np.array([0, 0, 0, 0]),
        np.array([3000, 1000, 2000, 2000]),
        np.array([0.2, 1.6, 1.2, 9.9]),
    )
    assert [(r[1], r[3], r[4]) for r in result.transitions.rows() if r[2] == Condition.LEVEL] == [
        (1000, 0, 2),
        (3000, 2, 0),
    ]
    assert result.accepted.tolist() == [True, True, True, False]  # the second reading at 2000 is a duplicate
    stale = evaluate(state, TABLE, np.array([0]), np.array([3000]), np.array([5.0]))
    assert stale.accepted.tolist() == [False] and int(state.level[0]) == 0


@pytest.mark.parametrize(
    ("channel", "time_ms", "value", "field"),
    [
        ([0, 1], [1], [1.0], "batch"),
        ([5], [1], [1.0], "batch.channel"),
        ([0], [1], [float("nan")], "batch.value"),
    ],
)
def test_malformed_batches_are_refused_without_state_change(
    channel: list[int], time_ms: list[int], value: list[float], field: str
) -> None:
    state = _state("ch4-coal-face")
    with pytest.raises(InvalidInput) as err:
        evaluate(state, TABLE, np.array(channel), np.array(time_ms), np.array(value))
    assert err.value.field == field
    assert int(state.last_time[0]) == 0 and int(state.level[0]) == 0


@pytest.mark.parametrize(
    ("levels", "field"),
    [
        ([(1.0, 1.2)], "rules[0].levels[1]"),  # clear beyond raise: no hysteresis
        ([(1.5, 1.0), (1.0, 1.0)], "rules[0].levels[2]"),  # levels not nested
        ([(float("inf"), 1.0)], "rules[0].levels[1]"),
        ([], "rules[0].levels"),
    ],
)
def test_rule_table_refuses_inconsistent_rules(levels: list[tuple[float, float]], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        RuleTable.build([LevelSpec(levels=levels)])
    assert err.value.field == field


def test_kernel_condition_codes_match_the_enum() -> None:
    assert tuple(Condition) == (kernel.LEVEL, kernel.OFFLINE, kernel.STUCK, kernel.RATE)


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (LevelSpec(levels=[(1.0, 1.0)], direction="sideways"), "rules[0].direction"),
        (LevelSpec(levels=[(1.0, 1.0)], on_delay_ms=-1), "rules[0].on_delay_ms"),
        (LevelSpec(levels=[(1.0, 1.2)], direction="low"), None),  # low: clearing above the raise value is right
        (LevelSpec(levels=[(1.0, 0.8)], direction="low"), "rules[0].levels[1]"),
    ],
)
def test_rule_table_checks_direction_and_delay(spec: LevelSpec, field: str | None) -> None:
    if field is None:
        assert RuleTable.build([spec]).hold_at[0, 0] == -1.2
        return
    with pytest.raises(InvalidInput) as err:
        RuleTable.build([spec])
    assert err.value.field == field


def test_rule_table_needs_a_rule() -> None:
    with pytest.raises(InvalidInput) as err:
        RuleTable.build([])
    assert err.value.field == "rules"


def test_state_is_small() -> None:
    assert _state("ch4-coal-face").nbytes_per_channel <= 64


# GB 50863 §5.5.4 (regulations.md lines 405-407): 4 blue → yellow, 3 yellow → orange, 2 orange → red.
@pytest.mark.parametrize(
    ("points", "item"),
    [
        ([], 0),
        ([0, 0, 0], 0),
        ([1, 1, 1], 1),
        ([1, 1, 1, 1], 2),
        ([2, 2], 2),
        ([2, 2, 2], 3),
        ([1, 1, 1, 1, 2, 2], 3),  # four blue count as a third yellow
        ([3], 3),
        ([3, 3], 4),
        ([4, 0], 4),
    ],
)
def test_tailings_item_aggregation(points: list[int], item: int) -> None:
    assert aggregate_item_level(points) == item


def test_tailings_levels_out_of_range_are_refused() -> None:
    with pytest.raises(InvalidInput):
        aggregate_item_level([5])


# ---- property: vectorised engine == naive specification ---------------------------------------------------------

_level_pairs = st.lists(
    st.tuples(st.integers(0, 20), st.integers(0, 5)), min_size=1, max_size=3
)  # (raise in tenths, hysteresis gap in tenths)


@st.composite
def _specs(draw: st.DrawFn) -> LevelSpec:
    raw = sorted(draw(_level_pairs))
    levels: list[tuple[float, float]] = []
    for raise_tenths, gap in raw:
        raise_at = raise_tenths / 10
        clear_at = raise_at - gap / 10
        if levels:
            clear_at = max(clear_at, levels[-1][1])
        levels.append((raise_at, clear_at))
    direction = draw(st.sampled_from(["high", "low"]))
    if direction == "low":
        levels = [(-r, -c) for r, c in levels]
    return LevelSpec(
        levels=levels,
        direction=direction,
        strict=draw(st.booleans()),
        on_delay_ms=draw(st.sampled_from([0, 0, 2000, 5000])),
        rate_of_rise_per_min=draw(st.sampled_from([None, 0.5, 2.0])),
    )


@settings(max_examples=150, deadline=None)
@given(
    specs=st.lists(_specs(), min_size=1, max_size=3),
    data=st.data(),
)
def test_vectorised_engine_matches_naive_specification(specs: list[LevelSpec], data: st.DataObject) -> None:
    config = EngineConfig(offline_after_ms=10_000, stuck_after_ms=4000, stuck_tolerance=0.0, rate_window_ms=3000)
    n_channels = data.draw(st.integers(1, 4))
    rules = [data.draw(st.integers(0, len(specs) - 1)) for _ in range(n_channels)]
    table = RuleTable.build(specs)
    state = ChannelState.new(rules, registered_at_ms=0)
    naive = [NaiveChannel(rule=r) for r in rules]
    reading = st.tuples(
        st.integers(0, n_channels - 1),
        st.integers(0, 30).map(lambda s: s * 1000),
        st.integers(-25, 25).map(lambda d: d / 10),
    )
    for batch in data.draw(st.lists(st.lists(reading, max_size=8), min_size=1, max_size=4)):
        expected = naive_evaluate(naive, specs, batch, config)
        arrays = np.array(batch, dtype=float).reshape(-1, 3)
        got = evaluate(state, table, arrays[:, 0].astype(np.int64), arrays[:, 1].astype(np.int64), arrays[:, 2], config)
        assert got.transitions.rows() == expected
        assert state.level.tolist() == [c.level for c in naive]

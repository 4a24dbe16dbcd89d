"""KPI status (rules/kpi.py): each status, the goal from a published or an entered baseline, the boundaries on the
goal and on the straight line, and properties of the order missed < behind < on_track < achieved."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.core.errors import InvalidInput
from yingji.rules.kpi import Direction, KpiResult, KpiStatus, KpiTarget, goal_of, kpi_status

# 呼伦贝尔市“十五五”矿山安全生产规划 专栏1 (seed 002#L118-L121): 矿山生产安全事故起数下降6%，2030年与2025年对比.
ACCIDENTS = KpiTarget(direction=Direction.DECREASE, target_year=2030, baseline_year=2025, change_percent=-6)
PUBLISHED = KpiTarget(
    direction=Direction.DECREASE, target_year=2030, baseline_year=2025, baseline_value=100.0, change_percent=-6
)
# 专栏1 第6项 (seed 002#L143-L146): 地方监管专业人员比例 75%，按“不低于75%”读作下限; no baseline year.
SPECIALISTS = KpiTarget(direction=Direction.AT_LEAST, target_year=2030, target_value=75.0)
# A made-up increase target (提高10%) so the other direction is exercised too.
RAISE = KpiTarget(direction=Direction.INCREASE, target_year=2030, baseline_year=2025, change_percent=10)

S = KpiStatus
CASES: list[tuple[str, KpiTarget, dict[int, float], KpiStatus, float | None]] = [
    # (id, target, values, status, goal)
    ("accidents-nothing-entered", ACCIDENTS, {}, S.NO_DATA, None),
    ("accidents-only-the-baseline-year", ACCIDENTS, {2025: 100.0}, S.NO_DATA, 94.0),
    ("accidents-no-baseline-entry", ACCIDENTS, {2026: 5.0}, S.NO_DATA, None),
    ("accidents-before-the-baseline-only", ACCIDENTS, {2023: 80.0, 2024: 90.0}, S.NO_DATA, None),
    ("accidents-2026-below-the-line", ACCIDENTS, {2025: 100.0, 2026: 98.0}, S.ON_TRACK, 94.0),
    ("accidents-2026-above-the-line", ACCIDENTS, {2025: 100.0, 2026: 99.0}, S.BEHIND, 94.0),
    ("accidents-2026-on-the-line", ACCIDENTS, {2025: 100.0, 2026: 98.8}, S.ON_TRACK, 94.0),
    ("accidents-2027-on-the-line", ACCIDENTS, {2025: 100.0, 2027: 97.6}, S.ON_TRACK, 94.0),
    ("accidents-2027-just-above-the-line", ACCIDENTS, {2025: 100.0, 2027: 97.61}, S.BEHIND, 94.0),
    ("accidents-latest-year-counts", ACCIDENTS, {2025: 100.0, 2026: 99.0, 2027: 90.0}, S.ON_TRACK, 94.0),
    ("accidents-2030-on-the-goal", ACCIDENTS, {2025: 100.0, 2030: 94.0}, S.ACHIEVED, 94.0),
    ("accidents-2030-above-the-goal", ACCIDENTS, {2025: 100.0, 2030: 94.01}, S.MISSED, 94.0),
    ("accidents-2030-well-below", ACCIDENTS, {2025: 100.0, 2028: 120.0, 2030: 60.0}, S.ACHIEVED, 94.0),
    ("accidents-after-the-target-year", ACCIDENTS, {2025: 100.0, 2031: 95.0}, S.MISSED, 94.0),
    ("published-baseline-on-track", PUBLISHED, {2026: 98.0}, S.ON_TRACK, 94.0),
    ("published-baseline-behind", PUBLISHED, {2026: 99.0}, S.BEHIND, 94.0),
    ("published-baseline-wins-over-entry", PUBLISHED, {2025: 200.0, 2030: 94.0}, S.ACHIEVED, 94.0),
    ("published-baseline-missed", PUBLISHED, {2030: 100.0}, S.MISSED, 94.0),
    ("specialists-nothing-entered", SPECIALISTS, {}, S.NO_DATA, 75.0),
    ("specialists-below-before-2030", SPECIALISTS, {2026: 70.0}, S.BEHIND, 75.0),
    ("specialists-on-the-goal-before-2030", SPECIALISTS, {2026: 75.0}, S.ON_TRACK, 75.0),
    ("specialists-on-the-goal-in-2030", SPECIALISTS, {2026: 60.0, 2030: 75.0}, S.ACHIEVED, 75.0),
    ("specialists-short-in-2030", SPECIALISTS, {2030: 74.9}, S.MISSED, 75.0),
    ("specialists-after-2030", SPECIALISTS, {2031: 80.0}, S.ACHIEVED, 75.0),
    ("raise-on-track", RAISE, {2025: 50.0, 2026: 52.0}, S.ON_TRACK, 55.0),
    ("raise-behind", RAISE, {2025: 50.0, 2026: 50.5}, S.BEHIND, 55.0),
    ("raise-achieved", RAISE, {2025: 50.0, 2030: 56.0}, S.ACHIEVED, 55.0),
    ("raise-missed", RAISE, {2025: 50.0, 2030: 54.0}, S.MISSED, 55.0),
]


@pytest.mark.parametrize(("target", "values", "status", "goal"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_status_table(target: KpiTarget, values: dict[int, float], status: KpiStatus, goal: float | None) -> None:
    result = kpi_status(target, values)
    assert result.status is status
    assert result.goal == (None if goal is None else pytest.approx(goal))


def test_every_status_is_covered_by_the_table() -> None:
    assert {c[3] for c in CASES} == set(KpiStatus)


def test_the_result_names_the_latest_value_and_the_line() -> None:
    result = kpi_status(ACCIDENTS, {2025: 100.0, 2026: 99.0, 2027: 97.0})
    assert (result.latest_year, result.latest_value) == (2027, 97.0)
    assert result.expected_now == pytest.approx(97.6)  # 100 − 6 × 2/5
    assert result.label == "进度正常"
    missed = kpi_status(ACCIDENTS, {2025: 100.0, 2030: 95.0})
    assert missed.expected_now == missed.goal and missed.label == "未达成"
    empty = kpi_status(ACCIDENTS, {2025: 100.0})
    assert (empty.latest_year, empty.latest_value, empty.expected_now, empty.label) == (None, None, None, "尚无数据")


def test_without_a_baseline_the_goal_itself_is_the_line() -> None:
    result = kpi_status(SPECIALISTS, {2026: 75.0})
    assert result.expected_now is None and result.status is KpiStatus.ON_TRACK


def test_goal_from_a_published_baseline_and_from_the_baseline_year_entry() -> None:
    for target, values, goal, baseline in [
        (PUBLISHED, {}, 94.0, 100.0),
        (PUBLISHED, {2025: 300.0}, 94.0, 100.0),  # the published one wins over the entry
        (ACCIDENTS, {2025: 50.0}, 47.0, 50.0),
    ]:
        computed, used = goal_of(target, values)
        assert computed == pytest.approx(goal) and used == baseline
    assert goal_of(ACCIDENTS, {2026: 50.0}) == (None, None)
    assert goal_of(SPECIALISTS, {2025: 10.0}) == (75.0, None)


def test_a_target_needs_a_goal_or_a_change() -> None:
    with pytest.raises(InvalidInput) as refused:
        goal_of(KpiTarget(direction=Direction.AT_MOST, target_year=2030, baseline_year=2025), {2025: 1.0})
    assert refused.value.field == "target"


# Values a statistics office types in, exactly on the decimal goal. 0.06 × 0.95 and 10 × 0.94 are not exact in
# binary floating point: the computed goal lands just below the typed value, which must still count as met.
@pytest.mark.parametrize(("baseline", "change", "value"), [(0.06, -5.0, 0.057), (10.0, -6.0, 9.4), (5.0, -6.0, 4.7)])
def test_a_value_exactly_on_a_decimal_goal_is_achieved(baseline: float, change: float, value: float) -> None:
    target = KpiTarget(direction=Direction.DECREASE, target_year=2030, baseline_year=2025, change_percent=change)
    assert kpi_status(target, {2025: baseline, 2030: value}).status is KpiStatus.ACHIEVED


# --- properties -----------------------------------------------------------------------------------------------------

ORDER = [KpiStatus.MISSED, KpiStatus.BEHIND, KpiStatus.ON_TRACK, KpiStatus.ACHIEVED]
amounts = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
changes = st.floats(min_value=-99, max_value=99, allow_nan=False, allow_infinity=False)


@st.composite
def decrease_targets(draw: st.DrawFn) -> KpiTarget:
    baseline_year = draw(st.integers(2000, 2040))
    published = draw(st.none() | amounts)
    absolute = draw(st.booleans())
    return KpiTarget(
        direction=draw(st.sampled_from([Direction.DECREASE, Direction.AT_MOST])),
        target_year=baseline_year + draw(st.integers(1, 15)),
        baseline_year=baseline_year,
        baseline_value=published,
        change_percent=None if absolute else draw(changes),
        target_value=draw(amounts) if absolute else None,
    )


@settings(max_examples=300, deadline=None)
@given(decrease_targets(), amounts, st.integers(1, 20), amounts, amounts)
def test_a_lower_latest_value_never_worsens_a_decrease_target(
    target: KpiTarget, entered_baseline: float, offset: int, first: float, second: float
) -> None:
    assert target.baseline_year is not None
    year = target.baseline_year + offset
    lower, higher = sorted([first, second])
    base = {target.baseline_year: entered_baseline}
    better = kpi_status(target, base | {year: lower})
    worse = kpi_status(target, base | {year: higher})
    assert better.status is not KpiStatus.NO_DATA and worse.status is not KpiStatus.NO_DATA
    assert ORDER.index(better.status) >= ORDER.index(worse.status), (better, worse)


@given(st.integers(2000, 2040), amounts, changes, st.booleans())
def test_the_goal_is_the_baseline_changed_by_the_percentage(
    baseline_year: int, baseline: float, change: float, published: bool
) -> None:
    target = KpiTarget(
        direction=Direction.DECREASE if change < 0 else Direction.INCREASE,
        target_year=baseline_year + 5,
        baseline_year=baseline_year,
        baseline_value=baseline if published else None,
        change_percent=change,
    )
    values = {} if published else {baseline_year: baseline}
    expected = baseline * (1 + change / 100)
    assert goal_of(target, values) == (expected, baseline)
    assert kpi_status(target, values).goal == expected


@st.composite
def any_targets(draw: st.DrawFn) -> KpiTarget:
    baseline_year = draw(st.integers(2000, 2040))
    absolute = draw(st.booleans())
    return KpiTarget(
        direction=draw(st.sampled_from(Direction)),
        target_year=baseline_year + draw(st.integers(-3, 15)),
        baseline_year=baseline_year,
        baseline_value=draw(st.none() | amounts),
        change_percent=None if absolute else draw(changes),
        target_value=draw(amounts) if absolute else None,
    )


@given(any_targets(), st.lists(st.tuples(st.integers(0, 30), amounts), max_size=8))
def test_values_up_to_the_baseline_year_are_no_data(target: KpiTarget, entries: list[tuple[int, float]]) -> None:
    assert target.baseline_year is not None
    values = {target.baseline_year - back: value for back, value in entries}
    result: KpiResult = kpi_status(target, values)
    assert result.status is KpiStatus.NO_DATA and result.latest_year is None


def test_a_value_exactly_on_the_straight_line_is_on_track() -> None:
    """Baseline 17 in 2025, −6 % by 2030: the 2028 line is 17 − 1.02 × 3/5 = 16.388, which is on track."""
    target = KpiTarget(direction=Direction.DECREASE, target_year=2030, baseline_year=2025, change_percent=-6)
    result = kpi_status(target, {2025: 17.0, 2028: 16.388})
    assert result.status is KpiStatus.ON_TRACK
    assert kpi_status(target, {2025: 17.0, 2028: 16.389}).status is KpiStatus.BEHIND

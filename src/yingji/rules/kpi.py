"""KPI status from the values entered: the goal (absolute, or a change against the baseline year) and where
the latest value stands against it — achieved, on track, behind, missed, or no data yet.

Before the target year a value is on track when it is at least as good as the straight line from the baseline
to the goal for that year (a platform reading: the plans give only the end point and, for Hulunbuir, a 2028
mid-term evaluation).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from yingji.core.errors import InvalidInput
from yingji.core.labels import LabelledEnum


class Direction(LabelledEnum):
    DECREASE = "decrease", "下降"  # 相对基期
    INCREASE = "increase", "提高"  # 相对基期
    AT_MOST = "at_most", "不高于"
    AT_LEAST = "at_least", "不低于"


class KpiStatus(LabelledEnum):
    NO_DATA = "no_data", "尚无数据"
    ACHIEVED = "achieved", "已达成"  # 目标年
    ON_TRACK = "on_track", "进度正常"
    BEHIND = "behind", "进度滞后"
    MISSED = "missed", "未达成"  # 目标年已过


@dataclass(frozen=True, kw_only=True)
class KpiTarget:
    direction: Direction
    target_year: int
    baseline_year: int | None = None
    baseline_value: float | None = None  # as published; else the value entered for the baseline year
    change_percent: float | None = None  # e.g. −6 for “下降6%”
    target_value: float | None = None


@dataclass(frozen=True)
class KpiResult:
    status: KpiStatus
    goal: float | None  # the value to reach in the target year
    latest_year: int | None
    latest_value: float | None
    expected_now: float | None  # the straight-line value for the latest year (None without a baseline)

    @property
    def label(self) -> str:
        return self.status.label


def _good(value: float, goal: float, direction: Direction) -> bool:
    """At least as good as the goal; a value equal to it up to float rounding (0.06 × 0.95) counts as reaching it."""
    if math.isclose(value, goal, rel_tol=1e-9, abs_tol=1e-12):
        return True
    lower_is_better = direction in (Direction.DECREASE, Direction.AT_MOST)
    return value <= goal if lower_is_better else value >= goal


def goal_of(target: KpiTarget, values: Mapping[int, float]) -> tuple[float | None, float | None]:
    """(goal, baseline) — a percentage change needs a baseline: the published one or the baseline year's entry."""
    baseline = target.baseline_value
    if baseline is None and target.baseline_year is not None:
        baseline = values.get(target.baseline_year)
    if target.target_value is not None:
        return target.target_value, baseline
    if target.change_percent is None:
        raise InvalidInput(field="target", reason="指标须给出目标值或相对基期的变化率")
    if baseline is None:
        return None, None
    return baseline * (1 + target.change_percent / 100), baseline


def kpi_status(target: KpiTarget, values: Mapping[int, float]) -> KpiResult:
    """Where the latest entered value (after the baseline year) stands against the goal."""
    goal, baseline = goal_of(target, values)
    after = {y: v for y, v in values.items() if target.baseline_year is None or y > target.baseline_year}
    if not after or goal is None:
        return KpiResult(KpiStatus.NO_DATA, goal, None, None, None)
    year = max(after)
    value = after[year]
    if year >= target.target_year:
        status = KpiStatus.ACHIEVED if _good(value, goal, target.direction) else KpiStatus.MISSED
        return KpiResult(status, goal, year, value, goal)
    expected = None
    if baseline is not None and target.baseline_year is not None:
        share = (year - target.baseline_year) / (target.target_year - target.baseline_year)
        expected = baseline + (goal - baseline) * share
    line = goal if expected is None else expected
    status = KpiStatus.ON_TRACK if _good(value, line, target.direction) else KpiStatus.BEHIND
    return KpiResult(status, goal, year, value, expected)

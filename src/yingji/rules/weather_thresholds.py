"""hazard_level(): which 8.2 warning level (气象灾害预警分级标准) the forecast and observed fields reach.

A plan's criteria are data (``Meteorological.hazards``): a level holds when any one alternative holds, and an
alternative holds when all its conditions hold. A condition ``measure op value`` with a ``share_of`` holds when the
share of samples meeting ``op value`` lies within ``[share_min, share_max)`` (``share_min_exclusive`` makes the lower
bound strict); without ``share_of`` it compares the most extreme sample (the maximum for ge/gt, the minimum for
le/lt). Samples are equal-area grid cells (``share_of`` area or farmland) or stations (``share_of`` stations).

Non-numeric requirements (``requires``, e.g. 降雨仍将持续) must be confirmed by a forecaster; an unconfirmed level is
not reached and the decision says so. A decision is provisional when a missing measure or an unconfirmed requirement
could still raise the level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from yingji.core.errors import InvalidInput
from yingji.plans.schema import (
    Comparison,
    Hazard,
    HazardLevel,
    Meteorological,
    ShareOf,
    ThresholdAlternative,
    ThresholdCondition,
)
from yingji.rules.basis import Basis, Decision
from yingji.rules.levels import WarningLevel
from yingji.rules.meteorological import combined_level, hazard

RULE = "hazard_level"

ROMAN = {WarningLevel.RED: "Ⅰ", WarningLevel.ORANGE: "Ⅱ", WarningLevel.YELLOW: "Ⅲ", WarningLevel.BLUE: "Ⅳ"}
OP_SIGNS = {Comparison.GE: "≥", Comparison.GT: ">", Comparison.LE: "≤", Comparison.LT: "<"}
SHARE_LABELS = {ShareOf.AREA: "区域", ShareOf.STATIONS: "气象监测站点", ShareOf.FARMLAND: "农牧业区域"}


@dataclass(frozen=True, kw_only=True)
class HazardObservation:
    """The forecast and observed fields for one hazard on one day.

    ``samples`` maps each measure name to its values over equal-area grid cells (``share_of`` area or farmland,
    and conditions without ``share_of``) or over stations. ``stations`` is optional: a ``share_of: stations``
    condition reads ``stations[measure]`` when ``stations`` holds that measure and ``samples[measure]`` otherwise,
    so a caller whose grid and station fields share a measure name can keep them apart, while the Ordos data, whose
    station measures have their own names (``observed_*``), can put everything in ``samples``. ``confirmed`` holds
    the ``requires`` texts a forecaster has confirmed (e.g. 降雨仍将持续，范围仍在扩大). ``on`` is the forecast or
    observation date, used for season windows (霜冻).
    """

    hazard: str
    on: date
    samples: Mapping[str, Sequence[float]]
    stations: Mapping[str, Sequence[float]] | None = None
    confirmed: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for part, fields in (("samples", self.samples), ("stations", self.stations or {})):
            for measure, values in fields.items():
                try:
                    array = np.asarray(values, dtype=np.float64)
                except (TypeError, ValueError) as err:
                    raise InvalidInput(field=f"{part}.{measure}", reason="样本应为数值序列") from err
                if array.ndim != 1:
                    raise InvalidInput(field=f"{part}.{measure}", reason="样本应为一维数值序列")
                if not bool(np.all(np.isfinite(array))):
                    raise InvalidInput(field=f"{part}.{measure}", reason="样本含有 NaN 或无穷值")


@dataclass(frozen=True)
class _Check:
    """One condition against the samples: whether it holds, and why (or that its measure is missing)."""

    holds: bool
    missing: bool
    detail: str


def _number(value: float) -> str:
    return f"{value:g}"


def _percent(share: float, digits: int = 6) -> str:
    return f"{round(share * 100, digits):g}%"


def _level_name(spec: Hazard, level: WarningLevel) -> str:
    return f"{spec.name}{ROMAN[level]}级（{level.label}）"


def _samples(observation: HazardObservation, condition: ThresholdCondition) -> NDArray[np.float64] | None:
    source = observation.samples
    stations = observation.stations
    if condition.share_of is ShareOf.STATIONS and stations is not None and condition.measure in stations:
        source = stations
    values = source.get(condition.measure)
    if values is None or len(values) == 0:
        return None
    return np.asarray(values, dtype=np.float64)


def _meets(values: NDArray[np.float64], op: Comparison, threshold: float) -> NDArray[np.bool_]:
    """Compare every sample at once ("以上""以下"含本数 → ge/le; "小于""超过"不含 → lt/gt)."""
    if op is Comparison.GE:
        return np.greater_equal(values, threshold)
    if op is Comparison.GT:
        return np.greater(values, threshold)
    if op is Comparison.LE:
        return np.less_equal(values, threshold)
    return np.less(values, threshold)


def _share_in_bounds(share: float, condition: ThresholdCondition) -> bool:
    """``share`` against ``[share_min, share_max)``; without ``share_min`` any positive share counts."""
    if condition.share_min is None:
        above = share > 0.0
    elif condition.share_min_exclusive:
        above = share > condition.share_min
    else:
        above = share >= condition.share_min
    return above and (condition.share_max is None or share < condition.share_max)


def _bounds_text(condition: ThresholdCondition) -> str:
    if condition.share_min is None:
        low = "> 0%"
    else:
        low = f"{'>' if condition.share_min_exclusive else '≥'} {_percent(condition.share_min)}"
    high = "" if condition.share_max is None else f" 且 < {_percent(condition.share_max)}"
    return low + high


def _check(observation: HazardObservation, condition: ThresholdCondition) -> _Check:
    criterion = f"{condition.measure} {OP_SIGNS[condition.op]} {_number(condition.value)} {condition.unit}"
    values = _samples(observation, condition)
    if values is None:
        return _Check(False, True, f"{criterion}：缺少度量 {condition.measure}")
    if condition.share_of is None:
        extreme = float(values.max() if condition.op in (Comparison.GE, Comparison.GT) else values.min())
        holds = bool(_meets(np.array([extreme]), condition.op, condition.value)[0])
        which = "最大值" if condition.op in (Comparison.GE, Comparison.GT) else "最小值"
        return _Check(holds, False, f"{criterion}：{which} {_number(extreme)} {condition.unit}")
    share = np.count_nonzero(_meets(values, condition.op, condition.value)) / values.size
    label = SHARE_LABELS[condition.share_of]
    detail = f"{criterion} 的{label}占 {_percent(share, 3)}（标准 {_bounds_text(condition)}）"
    return _Check(_share_in_bounds(share, condition), False, detail)


def _alternative(observation: HazardObservation, alternative: ThresholdAlternative) -> list[_Check]:
    return [_check(observation, condition) for condition in alternative.all_of]


def in_season(spec: Hazard, on: date) -> bool:
    """Return whether ``on`` falls in one of the hazard's season windows (both ends included); no windows = always."""
    if not spec.season_windows:
        return True
    day = (on.month, on.day)
    for window in spec.season_windows:
        start, end = (window.start_month, window.start_day), (window.end_month, window.end_day)
        inside = start <= day <= end if start <= end else (day >= start or day <= end)  # a window may span new year
        if inside:
            return True
    return False


def hazard_level(
    weather: Meteorological, observation: HazardObservation, *, plan_id: str
) -> Decision[WarningLevel | None]:
    """Return the most severe allowed level of the hazard whose criteria hold and whose requirements are confirmed.

    None when no level is reached, or the date is outside the hazard's season windows; the notes say why. A missing
    measure fails its condition and is noted; the decision is provisional when it, or an unconfirmed requirement,
    could have raised the level.
    """
    spec = hazard(weather, observation.hazard)
    levels: list[HazardLevel] = sorted(
        (lvl for lvl in spec.levels if lvl.level in spec.allowed_levels), key=lambda lvl: lvl.level
    )
    examined: tuple[Basis, ...] = tuple(lvl.basis.to_basis(rule=RULE, plan=plan_id) for lvl in levels)
    if not in_season(spec, observation.on):
        windows = "、".join(w.label for w in spec.season_windows)
        note = f"{spec.name}只在{windows}内发布预警；{observation.on.isoformat()} 不在季节窗口内"
        return Decision(None, examined, notes=(note,))

    notes: list[str] = []
    noted_missing: set[str] = set()
    could_rise = unconfirmed = False
    for level in levels:
        name = _level_name(spec, level.level)
        checks = [_alternative(observation, alt) for alt in level.any_of]
        for alt, results in zip(level.any_of, checks, strict=True):
            for condition, result in zip(alt.all_of, results, strict=True):
                if result.missing and condition.measure not in noted_missing:
                    noted_missing.add(condition.measure)
                    notes.append(f"{spec.name}：缺少度量 {condition.measure}，依赖它的条件按未达到处理")
        met = next((results for results in checks if all(r.holds for r in results)), None)
        if met is None:
            # Only a missing measure in an otherwise satisfied alternative could have reached this level.
            if any(
                all(r.holds or r.missing for r in results) and any(r.missing for r in results) for results in checks
            ):
                could_rise = True
            continue
        detail = "；".join(r.detail for r in met)
        pending = [text for text in level.requires if text not in observation.confirmed]
        if pending:
            could_rise = unconfirmed = True
            notes.append(f"{name}：指标已达到（{detail}），但尚待预报员确认：{'；'.join(pending)}；未定为该级")
            continue
        notes.append(f"{name}：{detail}")
        return Decision(level.level, (level.basis.to_basis(rule=RULE, plan=plan_id),), could_rise, tuple(notes))
    notes.append(f"{spec.name}暂不定级：达到指标的级别尚待确认" if unconfirmed else f"{spec.name}未达到任何级别的标准")
    return Decision(None, examined, could_rise, tuple(notes))


def levels_for(
    weather: Meteorological, observations: Sequence[HazardObservation], *, plan_id: str
) -> dict[str, Decision[WarningLevel | None]]:
    """Return each observed hazard's level by hazard id; one observation per hazard."""
    decisions: dict[str, Decision[WarningLevel | None]] = {}
    for observation in observations:
        if observation.hazard in decisions:
            raise InvalidInput(field="hazard", reason=f"灾种 {observation.hazard} 有多条观测，应合并为一条")
        decisions[observation.hazard] = hazard_level(weather, observation, plan_id=plan_id)
    return decisions


def combined_level_for(
    weather: Meteorological, observations: Sequence[HazardObservation], *, plan_id: str
) -> Decision[WarningLevel | None]:
    """Return the level for several hazards at once (4.3: the hazard with the highest level), via combined_level.

    The basis is the multi-hazard clause followed by the criteria of the hazard(s) at that level; the notes carry
    every hazard's notes. Provisional when a provisional hazard could still rise above the combined level.
    """
    decisions = levels_for(weather, observations, plan_id=plan_id)
    reached = {hazard_id: d.value for hazard_id, d in decisions.items() if d.value is not None}
    combined = combined_level(weather, reached, plan_id=plan_id)
    winners = [hazard_id for hazard_id, level in reached.items() if level == combined.value]
    basis = (*combined.basis, *(b for hazard_id in winners for b in decisions[hazard_id].basis))
    notes = (*(n for d in decisions.values() for n in d.notes), *combined.notes)
    ceiling = combined.value if combined.value is not None else max(WarningLevel) + 1
    provisional = any(
        d.provisional and min(hazard(weather, hazard_id).allowed_levels) < ceiling for hazard_id, d in decisions.items()
    )
    return Decision(combined.value, basis, provisional, notes)

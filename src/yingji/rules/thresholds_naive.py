"""The threshold engine written the obvious way: one Python step per reading.

It is the executable specification the vectorised ``thresholds.evaluate`` is property-tested against, and the
"naive loop" baseline of ``bench/monitoring``. Never use it on the hot path.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from yingji.rules.thresholds import DEFAULT_CONFIG, Condition, EngineConfig, LevelSpec


@dataclass
class NaiveChannel:
    rule: int
    level: int = 0
    pending: int = 0
    pending_since: int = 0
    last_value: float = math.nan
    last_time: int = 0
    changed_at: int = 0
    offline: bool = False
    stuck: bool = False
    rising: bool = False
    anchor_value: float = math.nan
    anchor_time: int = 0


def _holds(value: float, threshold: float, spec: LevelSpec) -> bool:
    """Whether ``value`` is at or beyond ``threshold`` in the rule's direction and strictness."""
    if spec.direction == "high":
        return value > threshold if spec.strict else value >= threshold
    return value < threshold if spec.strict else value <= threshold


Row = tuple[int, int, Condition, int, int, float]


def naive_step(index: int, channel: NaiveChannel, spec: LevelSpec, t: int, v: float, config: EngineConfig) -> list[Row]:
    """Apply one reading to one channel; returns its transitions (stale readings return none and change nothing)."""
    if t <= channel.last_time:
        return []
    out: list[Row] = []
    raised = sum(1 for raise_at, _ in spec.levels if _holds(v, raise_at, spec))
    held = sum(1 for k, (_, clear_at) in enumerate(spec.levels) if k < channel.level and _holds(v, clear_at, spec))
    target = max(raised, held)
    before = channel.level
    if target > before:
        if channel.pending != target:
            channel.pending_since = t
        if t - channel.pending_since >= spec.on_delay_ms:
            channel.level, channel.pending = target, 0
        else:
            channel.pending = target
    else:
        channel.level, channel.pending = target, 0
    if channel.level != before:
        out.append((index, t, Condition.LEVEL, before, channel.level, v))

    sign = 1.0 if spec.direction == "high" else -1.0
    rising = channel.rising
    if math.isnan(channel.anchor_value):
        channel.anchor_value, channel.anchor_time = v, t
    elif t - channel.anchor_time >= config.rate_window_ms:
        rate = (v - channel.anchor_value) * sign / ((t - channel.anchor_time) / 60_000.0)
        rising = spec.rate_of_rise_per_min is not None and rate >= spec.rate_of_rise_per_min
        channel.anchor_value, channel.anchor_time = v, t
    if not abs(v - channel.last_value) <= config.stuck_tolerance:
        channel.changed_at = t
    stuck = t - channel.changed_at >= config.stuck_after_ms
    for condition, old, new in (
        (Condition.OFFLINE, channel.offline, False),
        (Condition.STUCK, channel.stuck, stuck),
        (Condition.RATE, channel.rising, rising),
    ):
        if old != new:
            out.append((index, t, condition, int(old), int(new), v))
    channel.offline, channel.stuck, channel.rising = False, stuck, rising
    channel.last_value, channel.last_time = v, t
    return out


def naive_evaluate(
    channels: list[NaiveChannel],
    specs: Sequence[LevelSpec],
    readings: Sequence[tuple[int, int, float]],
    config: EngineConfig = DEFAULT_CONFIG,
) -> list[Row]:
    """Apply ``(channel, time_ms, value)`` readings in per-channel time order, as the vectorised engine does."""
    out: list[Row] = []
    for index, t, v in sorted(readings, key=lambda r: (r[0], r[1])):
        channel = channels[index]
        out.extend(naive_step(index, channel, specs[channel.rule], t, v, config))
    return sorted(out, key=lambda row: (row[1], row[0], row[2]))

"""Sensor threshold evaluation (测点阈值), vectorised with numpy so a batch costs O(batch).

Each *channel* is one measurement point under one threshold rule (a wind-speed point has a maximum and a minimum
rule, so two channels). Per channel the engine keeps a small state — level, pending level and since-when, last value
and time, time the value last changed, condition flags — and emits only **transitions**:

* ``LEVEL``: hysteresis levels. Level k is raised when the value reaches ``raise_at[k]`` and held while it stays at
  ``clear_at[k]`` or beyond, so a value between clear and raise keeps an active level (regulations.md §4.2: methane
  alarm / power-cut raise values and the recovery value 复电浓度). A rise waits ``on_delay_ms`` of persistence; a fall
  applies at once.
* ``OFFLINE``: no reading within ``offline_after_ms`` (a multiple of the polling cycle, ≤30 s by GB 50581 §3.1.4,
  regulations.md#L287); cleared by the next reading.
* ``STUCK``: the value has not changed by more than ``stuck_tolerance`` for ``stuck_after_ms``.
* ``RATE``: rate of rise per minute at or above the rule's limit (methane rate-of-rise rules), measured as the slope
  from the start of a window of at least ``rate_window_ms`` and held until the next window closes.

A batch runs in one compiled pass (``thresholds_kernel``, numba): no per-reading Python loop and one touch of each
channel's state per reading. Readings of one channel apply oldest first; a reading not newer than the channel's last
time is stale and refused. Direction ``low`` rules (oxygen, minimum wind speed) are evaluated on negated values;
``strict`` rules (``> limit``) use the next representable float so one ``>=`` comparison serves both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from yingji.core.errors import InvalidInput
from yingji.rules import thresholds_kernel as kernel

RULE = "thresholds"


class Condition(IntEnum):
    """What a transition is about; one active alarm exists per (channel, condition)."""

    LEVEL = 0
    OFFLINE = 1
    STUCK = 2
    RATE = 3


@dataclass(frozen=True)
class LevelSpec:
    """One rule as plain numbers: ``levels`` is ``[(raise_at, clear_at), …]`` from the lowest level up."""

    levels: Sequence[tuple[float, float]]
    direction: str = "high"
    strict: bool = False
    on_delay_ms: int = 0
    rate_of_rise_per_min: float | None = None


@dataclass(frozen=True)
class EngineConfig:
    """Timing parameters shared by all channels (milliseconds)."""

    offline_after_ms: int = 3 * 30_000
    stuck_after_ms: int = 30 * 60_000
    stuck_tolerance: float = 0.0
    rate_window_ms: int = 60_000  # rate of rise is a slope over at least this long, so sensor noise cannot trip it


DEFAULT_CONFIG = EngineConfig()


def _oriented(value: float, sign: float, strict: bool) -> float:
    """Threshold in the "higher is worse" orientation; strict comparisons move to the next float beyond."""
    oriented = value * sign
    return float(np.nextafter(oriented, np.inf)) if strict else oriented


@dataclass(frozen=True)
class RuleTable:
    """Compiled rules: padded (n_rules, max_levels) arrays; unused levels never raise (+inf)."""

    raise_at: NDArray[np.float64]
    hold_at: NDArray[np.float64]
    sign: NDArray[np.float64]
    on_delay_ms: NDArray[np.int64]
    rate_per_min: NDArray[np.float64]

    @classmethod
    def build(cls, specs: Sequence[LevelSpec]) -> RuleTable:
        if not specs:
            raise InvalidInput(field="rules", reason="至少需要一条阈值规则")
        width = max(len(spec.levels) for spec in specs)
        raise_at = np.full((len(specs), width), np.inf)
        hold_at = np.full((len(specs), width), np.inf)
        for row, spec in enumerate(specs):
            check_spec(spec, f"rules[{row}]")
            sign = 1.0 if spec.direction == "high" else -1.0
            for col, (raised, cleared) in enumerate(spec.levels):
                raise_at[row, col] = _oriented(raised, sign, spec.strict)
                hold_at[row, col] = _oriented(cleared, sign, spec.strict)
        return cls(
            raise_at=raise_at,
            hold_at=hold_at,
            sign=np.array([1.0 if s.direction == "high" else -1.0 for s in specs]),
            on_delay_ms=np.array([s.on_delay_ms for s in specs], dtype=np.int64),
            rate_per_min=np.array(
                [np.nan if s.rate_of_rise_per_min is None else s.rate_of_rise_per_min for s in specs]
            ),
        )


def check_spec(spec: LevelSpec, where: str) -> None:
    """Reject rules the kernel cannot evaluate faithfully (levels must nest, clear may not exceed raise)."""
    if spec.direction not in ("high", "low"):
        raise InvalidInput(field=f"{where}.direction", reason="方向只能是 high 或 low")
    if not spec.levels:
        raise InvalidInput(field=f"{where}.levels", reason="至少需要一个级别")
    if spec.on_delay_ms < 0:
        raise InvalidInput(field=f"{where}.on_delay_ms", reason="延时不能为负")
    sign = 1.0 if spec.direction == "high" else -1.0
    previous: tuple[float, float] | None = None
    for level, (raised, cleared) in enumerate(spec.levels, start=1):
        if not (np.isfinite(raised) and np.isfinite(cleared)):
            raise InvalidInput(field=f"{where}.levels[{level}]", reason="阈值必须是有限数")
        if cleared * sign > raised * sign:
            raise InvalidInput(field=f"{where}.levels[{level}]", reason="解除值不得越过触发值（回差方向错误）")
        if previous and (raised * sign < previous[0] * sign or cleared * sign < previous[1] * sign):
            raise InvalidInput(field=f"{where}.levels[{level}]", reason="高级别的触发值和解除值不得低于低级别")
        previous = (raised, cleared)


STATE_FIELDS = (
    "rule",
    "level",
    "pending",
    "pending_since",
    "last_value",
    "last_time",
    "changed_at",
    "flags",
    "anchor_value",
    "anchor_time",
)  # the order of ChannelState.kernel_arrays()


@dataclass
class ChannelState:
    """Struct-of-arrays state, one slot per channel; ``nbytes_per_channel`` is the memory a channel costs."""

    rule: NDArray[np.int32]
    level: NDArray[np.int8]
    pending: NDArray[np.int8]
    pending_since: NDArray[np.int64]
    last_value: NDArray[np.float64]
    last_time: NDArray[np.int64]
    changed_at: NDArray[np.int64]
    flags: NDArray[np.uint8]
    anchor_value: NDArray[np.float64]  # start of the current rate-of-rise window
    anchor_time: NDArray[np.int64]
    scratch: NDArray[np.int32]  # batch positions, for the O(batch) duplicate check in _order

    @classmethod
    def new(cls, rules: NDArray[np.int32] | Sequence[int], registered_at_ms: int) -> ChannelState:
        """Fresh channels count as heard at registration, so a point that never reports goes offline.

        Arrays are filled rather than lazily zeroed so their pages fault in now, not during the first batches.
        """
        rule = np.asarray(rules, dtype=np.int32)
        n = rule.size
        return cls(
            rule=rule,
            level=np.full(n, 0, np.int8),
            pending=np.full(n, 0, np.int8),
            pending_since=np.full(n, 0, np.int64),
            last_value=np.full(n, np.nan),
            last_time=np.full(n, registered_at_ms, np.int64),
            changed_at=np.full(n, registered_at_ms, np.int64),
            flags=np.full(n, 0, np.uint8),
            anchor_value=np.full(n, np.nan),
            anchor_time=np.full(n, 0, np.int64),
            scratch=np.full(n, 0, np.int32),
        )

    def kernel_arrays(self) -> tuple[NDArray[Any], ...]:
        """The per-channel arrays in the order ``thresholds_kernel.run`` unpacks them."""
        return tuple(getattr(self, name) for name in STATE_FIELDS)

    @property
    def nbytes_per_channel(self) -> int:
        return sum(a.itemsize for a in (*self.kernel_arrays(), self.scratch))


@dataclass(frozen=True)
class Transitions:
    """Changes to persist, one row each: channel, when, which condition, level (or flag) before and after, value."""

    channel: NDArray[np.int64]
    time_ms: NDArray[np.int64]
    condition: NDArray[np.int8]
    before: NDArray[np.int8]
    after: NDArray[np.int8]
    value: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.channel.size)

    def rows(self) -> list[tuple[int, int, Condition, int, int, float]]:
        """Plain tuples ordered by (time, channel, condition): for persistence and comparisons."""
        order = np.lexsort((self.condition, self.channel, self.time_ms))
        return [
            (
                int(self.channel[i]),
                int(self.time_ms[i]),
                Condition(int(self.condition[i])),
                int(self.before[i]),
                int(self.after[i]),
                float(self.value[i]),
            )
            for i in order
        ]


EMPTY = Transitions(
    np.zeros(0, np.int64),
    np.zeros(0, np.int64),
    np.zeros(0, np.int8),
    np.zeros(0, np.int8),
    np.zeros(0, np.int8),
    np.zeros(0),
)
OFFLINE_BIT = np.uint8(kernel.OFFLINE_BIT)


@dataclass(frozen=True)
class BatchResult:
    transitions: Transitions
    accepted: NDArray[np.bool_]


def evaluate(
    state: ChannelState,
    table: RuleTable,
    channel: NDArray[np.int64],
    time_ms: NDArray[np.int64],
    value: NDArray[np.float64],
    config: EngineConfig = DEFAULT_CONFIG,
) -> BatchResult:
    """Apply one decoded batch; mutates ``state`` and returns the transitions and which readings were accepted."""
    channel = np.asarray(channel, dtype=np.int64)
    time_ms = np.asarray(time_ms, dtype=np.int64)
    value = np.asarray(value, dtype=np.float64)
    if not (channel.shape == time_ms.shape == value.shape) or channel.ndim != 1:
        raise InvalidInput(field="batch", reason="测点、时间和数值的个数必须一致")
    accepted = np.zeros(channel.size, np.bool_)
    if channel.size == 0:
        return BatchResult(EMPTY, accepted)
    if channel.min() < 0 or channel.max() >= state.rule.size:
        raise InvalidInput(field="batch.channel", reason="测点序号越界")
    if not np.isfinite(value).all():
        raise InvalidInput(field="batch.value", reason="数值必须是有限数")
    room = 4 * channel.size  # a reading changes at most its level and three flags
    out = (
        np.empty(room, np.int64),
        np.empty(room, np.int64),
        np.empty(room, np.int8),
        np.empty(room, np.int8),
        np.empty(room, np.int8),
        np.empty(room, np.float64),
    )
    found = kernel.run(
        _order(state, channel, time_ms),
        channel,
        time_ms,
        value,
        state.kernel_arrays(),
        (table.raise_at, table.hold_at, table.sign, table.on_delay_ms, table.rate_per_min),
        config.stuck_after_ms,
        config.stuck_tolerance,
        config.rate_window_ms,
        accepted,
        out,
    )
    channels, times, conditions, before, after, values = out
    found_rows = Transitions(
        channels[:found], times[:found], conditions[:found], before[:found], after[:found], values[:found]
    )
    return BatchResult(found_rows, accepted)


def _order(state: ChannelState, channel: NDArray[np.int64], time_ms: NDArray[np.int64]) -> NDArray[np.int64]:
    """Processing order: as given when every channel appears once (checked in O(batch) with the scratch array),
    else by time so each channel's readings apply oldest first (stable, so equal times keep arrival order)."""
    index = np.arange(channel.size, dtype=np.int64)
    state.scratch[channel] = index
    if np.array_equal(state.scratch[channel], index):
        return index
    return np.argsort(time_ms, kind="stable")


def warm_up() -> None:
    """Load (or compile, the first time on a machine) the kernel now rather than inside the first real batch."""
    table = RuleTable.build([LevelSpec(levels=[(1.0, 1.0)])])
    evaluate(ChannelState.new([0], 0), table, np.array([0]), np.array([1]), np.array([0.5]))


def check_offline(
    state: ChannelState,
    now_ms: int,
    config: EngineConfig = DEFAULT_CONFIG,
    limit_ms: NDArray[np.int64] | None = None,
) -> Transitions:
    """Flag channels silent for longer than ``offline_after_ms`` (run on the polling clock, not per batch).

    ``limit_ms`` gives each channel its own limit (N of its point's polling cycles) instead of the shared one.
    """
    silent = (now_ms - state.last_time) > (config.offline_after_ms if limit_ms is None else limit_ms)
    newly = np.flatnonzero(silent & ((state.flags & OFFLINE_BIT) == 0))
    state.flags[newly] |= OFFLINE_BIT
    return Transitions(
        channel=newly.astype(np.int64),
        time_ms=np.full(newly.size, now_ms, np.int64),
        condition=np.full(newly.size, Condition.OFFLINE, np.int8),
        before=np.zeros(newly.size, np.int8),
        after=np.ones(newly.size, np.int8),
        value=state.last_value[newly],
    )


def aggregate_item_level(point_levels: Sequence[int] | NDArray[np.int64], promote: Sequence[int] = (4, 3, 2)) -> int:
    """Tailings-pond item level from its points' levels (0 none, 1 blue … 4 red).

    GB 50863 §5.5.4 (regulations.md#L404-L408): 4 points at blue count as one yellow, 3 at yellow as one orange,
    2 at orange as one red. Promoted counts carry upward, so 4 blue + 2 yellow make 3 yellow and the item is orange.
    """
    levels = np.asarray(point_levels, dtype=np.int64)
    if levels.size and (levels.min() < 0 or levels.max() > len(promote) + 1):
        raise InvalidInput(field="point_levels", reason=f"级别只能是 0–{len(promote) + 1}")
    counts = np.bincount(levels, minlength=len(promote) + 2)
    for level, needed in enumerate(promote, start=1):
        counts[level + 1] += counts[level] // needed
    present = np.flatnonzero(counts[1:]) + 1
    return int(present.max()) if present.size else 0

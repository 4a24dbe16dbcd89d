"""The compiled inner loop of ``thresholds.evaluate``: one fused pass over a batch in machine code (numba).

numpy needs ~50 whole-array passes with scattered gathers per batch; this touches each channel's state once per
reading, which is what brings the engine near the bare compare kernel (bench/monitoring). Semantics are those of
``thresholds_naive`` exactly; the property test holds the two together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numba
import numpy as np

OFFLINE_BIT, STUCK_BIT, RATE_BIT = 1, 2, 4
LEVEL, OFFLINE, STUCK, RATE = 0, 1, 2, 3  # thresholds.Condition values (numba needs plain ints)


def _emit(out: tuple[np.ndarray, ...], n: int, c: int, t: int, cond: int, before: int, after: int, v: float) -> int:
    out[0][n], out[1][n], out[2][n], out[3][n], out[4][n], out[5][n] = c, t, cond, before, after, v
    return n + 1


def _run(
    order: np.ndarray,
    channel: np.ndarray,
    time_ms: np.ndarray,
    value: np.ndarray,
    state: tuple[np.ndarray, ...],
    rules: tuple[np.ndarray, ...],
    stuck_after_ms: int,
    stuck_tolerance: float,
    rate_window_ms: int,
    accepted: np.ndarray,
    out: tuple[np.ndarray, ...],
) -> int:
    rule, level, pending, pending_since, last_value, last_time, changed_at, flags, anchor_value, anchor_time = state
    raise_at, hold_at, sign, on_delay, rate_per_min = rules
    width = raise_at.shape[1]
    n = 0
    for j in range(order.size):
        i = order[j]
        c = channel[i]
        t = time_ms[i]
        v = value[i]
        if t <= last_time[c]:
            continue
        accepted[i] = True
        r = rule[c]
        s = sign[r]
        x = v * s
        current = level[c]
        raised = 0
        held = 0
        for k in range(width):
            if x >= raise_at[r, k]:
                raised += 1
            if k < current and x >= hold_at[r, k]:
                held += 1
        target = max(raised, held)
        new_level = target
        if target > current:
            if pending[c] != target:
                pending_since[c] = t
            if t - pending_since[c] >= on_delay[r]:
                pending[c] = 0
            else:
                pending[c] = target
                new_level = current
        else:
            pending[c] = 0
        if new_level != current:
            level[c] = new_level
            n = _emit(out, n, c, t, LEVEL, current, new_level, v)

        previous = last_value[c]
        rising = (flags[c] & RATE_BIT) != 0
        if np.isnan(anchor_value[c]):
            anchor_value[c], anchor_time[c] = v, t
        elif t - anchor_time[c] >= rate_window_ms:  # a slope over at least the window, not reading-to-reading noise
            rising = (x - anchor_value[c] * s) / ((t - anchor_time[c]) / 60_000.0) >= rate_per_min[r]
            anchor_value[c], anchor_time[c] = v, t
        if not abs(v - previous) <= stuck_tolerance:
            changed_at[c] = t
        stuck = t - changed_at[c] >= stuck_after_ms
        last_value[c] = v
        last_time[c] = t
        old = flags[c]
        new = (STUCK_BIT if stuck else 0) | (RATE_BIT if rising else 0)  # a reading always clears OFFLINE
        flags[c] = new
        if old != new:
            for cond, bit in ((OFFLINE, OFFLINE_BIT), (STUCK, STUCK_BIT), (RATE, RATE_BIT)):
                if (old & bit) != (new & bit):
                    n = _emit(out, n, c, t, cond, 1 if old & bit else 0, 1 if new & bit else 0, v)
    return n


_emit = numba.njit(cache=True, nogil=True, inline="always")(_emit)
run = cast(Callable[..., int], numba.njit(cache=True, nogil=True)(_run))

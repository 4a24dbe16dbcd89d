"""Throttling as a pure rule: from the times of recent events (failed logins, anonymous submissions) to how long the
next attempt must wait. The figures come from Settings (docs/decisions.md)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_DOUBLINGS = 20  # 2**20 × any lock-out already exceeds every cap; keeps the arithmetic small


@dataclass(frozen=True)
class Limit:
    """``count`` events are allowed within ``window``. Without ``lockout`` the next one waits until the oldest of the
    last ``count`` leaves the window; with it, the limit-th event locks further attempts out for ``lockout``, doubling
    with each later event, up to ``lockout_max`` (default: the window). A count of 0 sets no limit."""

    count: int
    window: timedelta
    lockout: timedelta | None = None
    lockout_max: timedelta | None = None


def wait(limit: Limit, events: Sequence[datetime], now: datetime) -> timedelta | None:
    """How long the next attempt must wait (None: it may go ahead); ``events`` in any order, older ones ignored."""
    recent = sorted(at for at in events if now - limit.window < at <= now)
    if limit.count < 1 or len(recent) < limit.count:
        return None
    if limit.lockout is None:
        until = recent[-limit.count] + limit.window
    else:
        doublings = min(len(recent) - limit.count, MAX_DOUBLINGS)
        until = recent[-1] + min(limit.lockout * 2**doublings, limit.lockout_max or limit.window)
    return until - now if until > now else None


def seconds(delay: timedelta) -> int:
    """A Retry-After value: whole seconds, rounded up, at least one."""
    return max(1, math.ceil(delay.total_seconds()))

"""Clocks: the only place that reads the system time, so rules and services take time as an argument."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock tests move by hand instead of sleeping."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at

    def now(self) -> datetime:
        return self._at

    def advance(self, **delta: float) -> None:
        self._at += timedelta(**delta)


def to_ms(moment: datetime) -> int:
    """Unix milliseconds: the time unit of sensor readings and the threshold engine."""
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def to_local(at: datetime) -> datetime:
    """Return the time as shown to users (Asia/Shanghai); storage stays UTC."""
    return at.astimezone(LOCAL_TZ)


def local_today(clock: Clock) -> date:
    """Today's date in Beijing: the day deadlines, notices and evaluation years are counted in."""
    return to_local(clock.now()).date()

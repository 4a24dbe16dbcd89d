"""WorkCalendar: China's statutory holidays and make-up working days for "N 个工作日" deadlines.

The ``holidays`` package carries the State Council schedule for published years. A year it has no make-up days for
is treated as not yet published: dates then come from the fixed holidays alone and are marked estimated, unless an
administrator has loaded the published schedule (``yingji calendar load``), which always wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from holidays.countries.china import China

from yingji.rules.basis import Basis, Decision

SOURCE = "国务院办公厅关于部分节假日安排的通知（holidays 软件包 China 日历）"


@dataclass(frozen=True, kw_only=True)
class YearSchedule:
    """One year's published schedule: days off on weekdays and make-up working days on weekends."""

    year: int
    days_off: frozenset[date]
    working_weekends: frozenset[date]
    source: str

    def __post_init__(self) -> None:
        stray = [d for d in (*self.days_off, *self.working_weekends) if d.year != self.year]
        if stray:
            raise ValueError(f"dates outside {self.year}: {sorted(stray)[:3]}")
        if self.days_off & self.working_weekends:
            raise ValueError("a date cannot be both a day off and a make-up working day")


def _china(year: int) -> China:
    return China(years=year)  # type: ignore[no-untyped-call]  # holidays leaves __init__ unannotated


@cache
def _package_schedule(year: int) -> YearSchedule | None:
    china = _china(year)
    working = frozenset(d for d in china.weekend_workdays if d.year == year)
    if not working:
        return None
    return YearSchedule(year=year, days_off=frozenset(china.keys()), working_weekends=working, source=SOURCE)


@cache
def _estimated_days_off(year: int) -> frozenset[date]:
    return frozenset(_china(year).keys())


class WorkCalendar:
    """Answers "is this a working day" and "which day is N working days after" for mainland China."""

    def __init__(self, loaded: Iterable[YearSchedule] = ()) -> None:
        self._loaded: Mapping[int, YearSchedule] = {s.year: s for s in loaded}

    def schedule(self, year: int) -> YearSchedule | None:
        """Return the published schedule for a year (administrator-loaded first), or None if unpublished."""
        return self._loaded.get(year) or _package_schedule(year)

    def is_estimated(self, year: int) -> bool:
        return self.schedule(year) is None

    def is_working_day(self, day: date) -> bool:
        schedule = self.schedule(day.year)
        if schedule is None:
            return day.weekday() < 5 and day not in _estimated_days_off(day.year)
        if day in schedule.working_weekends:
            return True
        return day.weekday() < 5 and day not in schedule.days_off

    def add_working_days(self, start: date, count: int) -> Decision[date]:
        """Return the ``count``-th working day after ``start`` (the start day itself is not counted).

        "自…之日起N个工作日内" counts from the next day, as time limits in Chinese administrative law do.
        The decision is provisional when any year crossed has no published schedule.
        """
        if count < 0:
            raise ValueError("count must not be negative")
        day, left, estimated = start, count, self.is_estimated(start.year)
        while left:
            day += timedelta(days=1)
            estimated = estimated or self.is_estimated(day.year)
            if self.is_working_day(day):
                left -= 1
        basis = Basis(rule="add_working_days", plan="national", clause="法定节假日及调休安排", source=self._source(day))
        notes = ("所涉年度的节假日安排尚未发布，日期为估算",) if estimated else ()
        return Decision(day, (basis,), provisional=estimated, notes=notes)

    def _source(self, day: date) -> str:
        schedule = self.schedule(day.year)
        return schedule.source if schedule else f"{SOURCE}（{day.year} 年未发布，按法定节日估算）"

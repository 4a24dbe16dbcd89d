"""Working days: statutory holidays, make-up working days, unpublished years marked estimated."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.rules.calendar import WorkCalendar, YearSchedule

CALENDAR = WorkCalendar()

CASES = [
    # 2026 National Day: 10-01..10-07 off; 09-20 (Sun) and 10-10 (Sat) are make-up working days.
    (date(2026, 9, 30), 1, date(2026, 10, 8)),
    (date(2026, 9, 28), 5, date(2026, 10, 10)),
    (date(2026, 9, 18), 1, date(2026, 9, 20)),
    # 2026 Spring Festival: 02-15..02-23 off; 02-14 (Sat) and 02-28 (Sat) are working.
    (date(2026, 2, 13), 1, date(2026, 2, 14)),
    (date(2026, 2, 14), 1, date(2026, 2, 24)),
    # An ordinary week.
    (date(2026, 11, 20), 1, date(2026, 11, 23)),
    (date(2026, 11, 23), 20, date(2026, 12, 21)),
    (date(2026, 11, 23), 0, date(2026, 11, 23)),
]


@pytest.mark.parametrize(("start", "count", "expected"), CASES)
def test_add_working_days(start: date, count: int, expected: date) -> None:
    decision = CALENDAR.add_working_days(start, count)
    assert decision.value == expected
    assert not decision.provisional


def test_unpublished_year_is_estimated_not_an_error() -> None:
    decision = CALENDAR.add_working_days(date(2031, 9, 28), 5)
    assert decision.provisional
    assert decision.notes
    assert CALENDAR.is_estimated(2031)
    assert not CALENDAR.is_working_day(date(2031, 10, 1))  # fixed holidays still count in an estimate


def test_loaded_schedule_wins_over_the_package() -> None:
    schedule = YearSchedule(
        year=2026, days_off=frozenset({date(2026, 11, 24)}), working_weekends=frozenset(), source="测试"
    )
    calendar = WorkCalendar([schedule])
    assert not calendar.is_working_day(date(2026, 11, 24))
    assert calendar.is_working_day(date(2026, 10, 1))  # the loaded schedule replaces the year entirely


def test_schedule_rejects_dates_of_another_year() -> None:
    with pytest.raises(ValueError, match="outside 2026"):
        YearSchedule(year=2026, days_off=frozenset({date(2027, 1, 1)}), working_weekends=frozenset(), source="x")


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.add_working_days(date(2026, 1, 5), -1)


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 1)), count=st.integers(1, 40))
def test_result_is_the_countth_working_day(start: date, count: int) -> None:
    end = CALENDAR.add_working_days(start, count).value
    assert CALENDAR.is_working_day(end)
    days = [date.fromordinal(o) for o in range(start.toordinal() + 1, end.toordinal() + 1)]
    assert sum(CALENDAR.is_working_day(d) for d in days) == count

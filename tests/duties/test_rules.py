"""Periods, due days, states and the ranking (rules.duties): boundaries by table, invariants by hypothesis."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.rules.calendar import WorkCalendar
from yingji.rules.duties import (
    Cadence,
    DueRule,
    DutyState,
    Period,
    Tally,
    due_on,
    next_period,
    period_of,
    ranked,
    remind_on,
    state_of,
    tally,
)

CALENDAR = WorkCalendar()
DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31))
RULES = st.one_of(
    st.builds(DueRule),
    st.builds(DueRule, day_of_month=st.integers(1, 31), before=st.booleans()),
    st.builds(DueRule, last_working_day=st.just(True)),
    st.builds(DueRule, working_day=st.integers(1, 23)),
)


@settings(max_examples=50, deadline=None)
@given(day=DAYS, cadence=st.sampled_from(Cadence))
def test_periods_hold_the_day_and_tile_the_calendar(day: date, cadence: Cadence) -> None:
    period = period_of(cadence, day)
    assert period.starts_on <= day <= period.ends_on
    assert period_of(cadence, period.starts_on) == period == period_of(cadence, period.ends_on)
    following = next_period(cadence, period)
    assert following.starts_on == period.ends_on + timedelta(days=1) and following.key != period.key


@settings(max_examples=50, deadline=None)
@given(day=DAYS, cadence=st.sampled_from(Cadence), rule=RULES, days=st.integers(0, 60))
def test_the_due_day_and_reminder_lie_in_the_period(day: date, cadence: Cadence, rule: DueRule, days: int) -> None:
    period = period_of(cadence, day)
    due = due_on(rule, period, CALENDAR)
    assert period.starts_on <= due <= period.ends_on
    assert period.starts_on <= remind_on(due, days, period) <= due
    if rule.last_working_day and any(
        CALENDAR.is_working_day(period.starts_on + timedelta(days=n))
        for n in range((period.ends_on - period.starts_on).days + 1)
    ):
        assert CALENDAR.is_working_day(due)
        assert not any(
            CALENDAR.is_working_day(due + timedelta(days=n)) for n in range(1, (period.ends_on - due).days + 1)
        )


CASES = [  # (cadence, day, key, start, end)
    pytest.param(Cadence.WEEKLY, date(2026, 11, 23), "2026-W48", date(2026, 11, 23), date(2026, 11, 29), id="week Mon"),
    pytest.param(
        Cadence.WEEKLY,
        date(2027, 1, 3),
        "2026-W53",
        date(2026, 12, 28),
        date(2027, 1, 3),
        id="ISO week across the year",
    ),
    pytest.param(
        Cadence.MONTHLY, date(2024, 2, 29), "2024-02", date(2024, 2, 1), date(2024, 2, 29), id="leap February"
    ),
    pytest.param(
        Cadence.QUARTERLY, date(2026, 12, 31), "2026-Q4", date(2026, 10, 1), date(2026, 12, 31), id="quarter end"
    ),
    pytest.param(
        Cadence.HALF_YEARLY, date(2026, 7, 1), "2026-H2", date(2026, 7, 1), date(2026, 12, 31), id="second half"
    ),
    pytest.param(Cadence.YEARLY, date(2025, 6, 30), "2025", date(2025, 1, 1), date(2025, 12, 31), id="year"),
]


@pytest.mark.parametrize(("cadence", "day", "key", "start", "end"), CASES)
def test_period_boundaries(cadence: Cadence, day: date, key: str, start: date, end: date) -> None:
    assert period_of(cadence, day) == Period(key=key, starts_on=start, ends_on=end)


def test_due_days() -> None:
    november = period_of(Cadence.MONTHLY, date(2026, 11, 5))
    assert due_on(DueRule(day_of_month=25, before=True), november, CALENDAR) == date(2026, 11, 24)  # 每月25日前
    assert due_on(DueRule(day_of_month=31), november, CALENDAR) == date(2026, 11, 30)  # past the month's end
    assert due_on(DueRule(), november, CALENDAR) == date(2026, 11, 30)
    national_day = period_of(Cadence.WEEKLY, date(2025, 10, 1))  # 2025-09-29 … 10-05: 10-01 to 10-05 are off
    assert due_on(DueRule(last_working_day=True), national_day, CALENDAR) == date(2025, 9, 30)
    spring = period_of(Cadence.MONTHLY, date(2026, 2, 1))
    assert due_on(DueRule(working_day=30), spring, CALENDAR) == date(2026, 2, 28)  # no 30th working day


def test_states_around_the_due_day() -> None:
    due, remind = date(2026, 11, 24), date(2026, 11, 21)

    def at(today: date, completed_on: date | None = None, waived: bool = False) -> DutyState:
        return state_of(due=due, remind=remind, completed_on=completed_on, waived=waived, today=today)

    assert at(date(2026, 11, 20)) is DutyState.PENDING
    assert at(remind) is DutyState.DUE_SOON and at(due) is DutyState.DUE_SOON
    assert at(due + timedelta(days=1)) is DutyState.OVERDUE
    assert at(date(2026, 12, 1), completed_on=due) is DutyState.DONE
    assert at(date(2026, 12, 1), completed_on=due + timedelta(days=1)) is DutyState.LATE
    assert at(date(2026, 12, 1), waived=True) is DutyState.WAIVED


def test_ranking_puts_the_late_units_last_and_shares_ranks() -> None:
    done, late, overdue = (DutyState.DONE, 0), (DutyState.LATE, 2), (DutyState.OVERDUE, 5)
    rows = [
        tally("乙", [done, late]),
        tally("甲", [done, done]),
        tally("丙", [done, done]),
        tally("丁", [overdue]),
        tally("戊", [(DutyState.PENDING, 0)]),
    ]
    order = [(rank, t.unit) for rank, t in ranked(rows)]
    assert order == [(1, "丙"), (1, "甲"), (3, "乙"), (4, "丁"), (0, "戊")]
    assert [t.unit for t in rows if t.is_late] == ["乙", "丁"]
    assert rows[0] == Tally(unit="乙", due=2, on_time=1, late=1, late_days=2) and rows[0].rate == 50.0

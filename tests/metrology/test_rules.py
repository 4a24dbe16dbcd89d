"""Due dates (month ends included), due-state boundaries and status changes, as pure rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from yingji.metrology.enums import CalibrationResult, DueState, InstrumentStatus
from yingji.metrology.rules import add_months, due_state, next_due, status_after, status_change_refusal

PASS, LIMITED, FAIL = CalibrationResult.PASS, CalibrationResult.LIMITED, CalibrationResult.FAIL
IN_USE, SUSPENDED, SCRAPPED = InstrumentStatus.IN_USE, InstrumentStatus.SUSPENDED, InstrumentStatus.SCRAPPED


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param(date(2026, 1, 31), 1, date(2026, 2, 28), id="Jan 31 + 1 → Feb 28"),
        pytest.param(date(2028, 1, 31), 1, date(2028, 2, 29), id="leap year: Jan 31 + 1 → Feb 29"),
        pytest.param(date(2026, 3, 31), 1, date(2026, 4, 30), id="Mar 31 + 1 → Apr 30"),
        pytest.param(date(2026, 8, 31), 6, date(2027, 2, 28), id="Aug 31 + 6 → Feb 28 next year"),
        pytest.param(date(2028, 2, 29), 12, date(2029, 2, 28), id="Feb 29 + 12 → Feb 28"),
        pytest.param(date(2026, 2, 28), 1, date(2026, 3, 28), id="Feb 28 + 1 stays on the 28th"),
        pytest.param(date(2026, 12, 15), 1, date(2027, 1, 15), id="December rolls the year"),
        pytest.param(date(2026, 11, 23), 120, date(2036, 11, 23), id="ten years"),
        pytest.param(date(2026, 3, 31), -1, date(2026, 2, 28), id="backwards"),
        pytest.param(date(2026, 1, 15), -13, date(2024, 12, 15), id="backwards over a year"),
    ],
)
def test_add_months_clamps_to_the_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_next_due_is_the_calibration_date_plus_the_interval_and_none_after_a_failure() -> None:
    assert next_due(date(2026, 1, 31), 12, PASS) == date(2027, 1, 31)
    assert next_due(date(2026, 1, 31), 1, LIMITED) == date(2026, 2, 28)
    assert next_due(date(2026, 1, 31), 12, FAIL) is None


DUE = date(2026, 12, 23)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(DUE - timedelta(days=31), DueState.VALID, id="31 days before"),
        pytest.param(DUE - timedelta(days=30), DueState.DUE_SOON, id="30 days before"),
        pytest.param(DUE, DueState.DUE_SOON, id="on the due date (last valid day)"),
        pytest.param(DUE + timedelta(days=1), DueState.OVERDUE, id="the day after"),
    ],
)
def test_due_state_boundaries(today: date, expected: DueState) -> None:
    assert due_state(IN_USE, DUE, today, 30) is expected


def test_due_state_of_instruments_never_calibrated_or_out_of_use() -> None:
    assert due_state(IN_USE, None, DUE, 30) is DueState.UNCALIBRATED
    assert due_state(SUSPENDED, DUE - timedelta(days=400), DUE, 30) is DueState.INACTIVE
    assert due_state(SCRAPPED, None, DUE, 30) is DueState.INACTIVE
    assert due_state(IN_USE, DUE, DUE - timedelta(days=1), 0) is DueState.VALID  # a zero window: only overdue counts


@pytest.mark.parametrize(
    ("status", "last", "result", "expected"),
    [
        pytest.param(IN_USE, PASS, FAIL, SUSPENDED, id="a failure suspends"),
        pytest.param(IN_USE, None, LIMITED, IN_USE, id="准用 keeps it in use"),
        pytest.param(SUSPENDED, FAIL, PASS, IN_USE, id="a pass lifts a failure's suspension"),
        pytest.param(SUSPENDED, FAIL, LIMITED, IN_USE, id="准用 lifts it too"),
        pytest.param(SUSPENDED, PASS, PASS, SUSPENDED, id="a pass does not lift a manual suspension"),
        pytest.param(SUSPENDED, FAIL, FAIL, SUSPENDED, id="failing again stays suspended"),
    ],
)
def test_status_after_a_result(
    status: InstrumentStatus, last: CalibrationResult | None, result: CalibrationResult, expected: InstrumentStatus
) -> None:
    assert status_after(status, last, result) is expected


def test_manual_status_changes() -> None:
    assert status_change_refusal(IN_USE, SUSPENDED, PASS) is None
    assert status_change_refusal(SUSPENDED, IN_USE, PASS) is None
    assert status_change_refusal(SUSPENDED, IN_USE, None) is None
    assert status_change_refusal(IN_USE, SCRAPPED, FAIL) is None
    assert status_change_refusal(SCRAPPED, SCRAPPED, None) is None
    assert status_change_refusal(SUSPENDED, IN_USE, FAIL)  # only a passing calibration brings it back
    assert status_change_refusal(SCRAPPED, IN_USE, PASS)  # 报废 is final
    assert status_change_refusal(SCRAPPED, SUSPENDED, PASS)

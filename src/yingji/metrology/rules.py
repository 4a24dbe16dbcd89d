"""Pure rules of the instrument registry: due dates, due states and status changes (no database, no clock).

Where 鄂府发〔2024〕64号 is silent (it asks only to “跟踪计量器具检定校准结果”, 003#L2), national metrology practice
applies: the user fixes each instrument's interval (JJF 1139《计量器具检定周期确定原则和方法》), an instrument not
verified as required or that failed may not be used (计量法第九条: “未按照规定申请检定或者检定不合格的，不得使用”), and
the three labels 合格/准用/停用 of enterprise metrological confirmation mark what a result allows. See
docs/decisions.md, “Carbon-metrology instruments”.
"""

from __future__ import annotations

import calendar
from datetime import date

from yingji.metrology.enums import CalibrationResult, DueState, InstrumentStatus

PASSING = frozenset({CalibrationResult.PASS, CalibrationResult.LIMITED})


def add_months(start: date, months: int) -> date:
    """Return the same day ``months`` later, or that month's last day when it has none (1月31日 + 1个月 → 2月末)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def next_due(calibrated_on: date, interval_months: int, result: CalibrationResult) -> date | None:
    """Return the next due date: calibration date + interval; none after a failure (the instrument is out of use)."""
    if result not in PASSING:
        return None
    return add_months(calibrated_on, interval_months)


def due_state(status: InstrumentStatus, next_due_on: date | None, today: date, due_soon_days: int) -> DueState:
    """Return where an instrument stands on ``today``; the due date itself is the last valid day."""
    if status is not InstrumentStatus.IN_USE:
        return DueState.INACTIVE
    if next_due_on is None:
        return DueState.UNCALIBRATED
    if today > next_due_on:
        return DueState.OVERDUE
    if (next_due_on - today).days <= due_soon_days:
        return DueState.DUE_SOON
    return DueState.VALID


def status_after(
    status: InstrumentStatus, last_result: CalibrationResult | None, result: CalibrationResult
) -> InstrumentStatus:
    """Return the status a new result leaves: a failure suspends (停用); a pass lifts only a failure's suspension."""
    if result not in PASSING:
        return InstrumentStatus.SUSPENDED
    if status is InstrumentStatus.SUSPENDED and last_result is CalibrationResult.FAIL:
        return InstrumentStatus.IN_USE
    return status


# Manual status changes: (from, to) → allowed. 报废 is final; the rest may change by hand, except below.
STATUS_CHANGES: dict[InstrumentStatus, frozenset[InstrumentStatus]] = {
    InstrumentStatus.IN_USE: frozenset({InstrumentStatus.SUSPENDED, InstrumentStatus.SCRAPPED}),
    InstrumentStatus.SUSPENDED: frozenset({InstrumentStatus.IN_USE, InstrumentStatus.SCRAPPED}),
    InstrumentStatus.SCRAPPED: frozenset(),
}


def status_change_refusal(
    current: InstrumentStatus, wanted: InstrumentStatus, last_result: CalibrationResult | None
) -> str | None:
    """Return why a manual status change is refused, or None when it is allowed (no change is always allowed)."""
    if wanted is current:
        return None
    if wanted not in STATUS_CHANGES[current]:
        return "已报废的计量器具不能恢复使用或停用"
    if wanted is InstrumentStatus.IN_USE and last_result is CalibrationResult.FAIL:
        return "最近一次检定校准不合格，须经检定校准合格（或准用）后方可恢复在用"
    return None

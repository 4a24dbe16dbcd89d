"""Recurring duties: the period a day falls in, the day a duty is due in it, an instance's state and the ranking of
units by how they met their duties (the “周调度、月通报” and “定期晾晒通报” of 004#L216-L218).

Pure functions of dates: the working-day question is asked of a ``WorkCalendar`` passed in.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from yingji.core.labels import LabelledEnum
from yingji.rules.calendar import WorkCalendar


class Cadence(LabelledEnum):
    WEEKLY = "weekly", "每周"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    HALF_YEARLY = "half_yearly", "每半年"
    YEARLY = "yearly", "每年"


MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3, Cadence.HALF_YEARLY: 6, Cadence.YEARLY: 12}


class DutyState(LabelledEnum):
    PENDING = "pending", "待报送"
    DUE_SOON = "due_soon", "临近期限"
    OVERDUE = "overdue", "逾期未报"
    DONE = "done", "按时完成"
    LATE = "late", "逾期完成"
    WAIVED = "waived", "免报"


OPEN_STATES = (DutyState.PENDING, DutyState.DUE_SOON, DutyState.OVERDUE)
CLOSED_STATES = (DutyState.DONE, DutyState.LATE, DutyState.WAIVED)


@dataclass(frozen=True, kw_only=True)
class Period:
    """One period of a cadence: a stable key (2026-W48, 2026-11, 2026-Q4, 2026-H2, 2026) and its first and last day."""

    key: str
    starts_on: date
    ends_on: date

    @property
    def label(self) -> str:
        """How a person reads the period (2026年11月, 2026年第四季度 …)."""
        start = self.starts_on
        if "W" in self.key:
            return f"{start.isoformat()} 至 {self.ends_on.isoformat()}（{self.key[:4]}年第{int(self.key[6:])}周）"
        if "Q" in self.key:
            return f"{self.key[:4]}年第{'一二三四'[int(self.key[-1]) - 1]}季度"
        if "H" in self.key:
            return f"{self.key[:4]}年{'上下'[int(self.key[-1]) - 1]}半年"
        if "-" in self.key:
            return f"{start.year}年{start.month}月"
        return f"{self.key}年"


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def period_of(cadence: Cadence, day: date) -> Period:
    """The period of ``cadence`` that holds ``day``: ISO weeks (Monday–Sunday), calendar months, quarters, halves and
    years."""
    if cadence is Cadence.WEEKLY:
        start = day - timedelta(days=day.weekday())
        iso = start.isocalendar()
        return Period(key=f"{iso.year}-W{iso.week:02d}", starts_on=start, ends_on=start + timedelta(days=6))
    months = MONTHS[cadence]
    first = (day.month - 1) // months * months + 1
    last = first + months - 1
    start, end = date(day.year, first, 1), _month_end(day.year, last)
    if cadence is Cadence.MONTHLY:
        key = f"{day.year}-{first:02d}"
    elif cadence is Cadence.QUARTERLY:
        key = f"{day.year}-Q{(first - 1) // 3 + 1}"
    elif cadence is Cadence.HALF_YEARLY:
        key = f"{day.year}-H{(first - 1) // 6 + 1}"
    else:
        key = str(day.year)
    return Period(key=key, starts_on=start, ends_on=end)


def next_period(cadence: Cadence, period: Period) -> Period:
    return period_of(cadence, period.ends_on + timedelta(days=1))


@dataclass(frozen=True, kw_only=True)
class DueRule:
    """When in its period a duty is due. At most one of: a day of the month (“每月25日前”: ``before`` moves it to the
    day before), the period's last working day, or its N-th working day; none means the period's last day."""

    day_of_month: int | None = None
    before: bool = False
    last_working_day: bool = False
    working_day: int | None = None


def due_on(rule: DueRule, period: Period, calendar: WorkCalendar) -> date:
    """The day an instance of the period is due: never outside the period (a day of the month past the month's end
    is its last day; a period without the N-th working day is due on its last day)."""
    if rule.day_of_month is not None:
        month_end = _month_end(period.starts_on.year, period.starts_on.month)
        day = period.starts_on.replace(day=min(rule.day_of_month, month_end.day))
        if rule.before:
            day -= timedelta(days=1)
        return min(max(day, period.starts_on), period.ends_on)
    if rule.last_working_day:
        day = period.ends_on
        while day > period.starts_on and not calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day
    if rule.working_day is not None:
        day, seen = period.starts_on, 0
        while day <= period.ends_on:
            if calendar.is_working_day(day):
                seen += 1
                if seen == rule.working_day:
                    return day
            day += timedelta(days=1)
    return period.ends_on


def remind_on(due: date, remind_days: int, period: Period) -> date:
    """The day the reminder goes out: ``remind_days`` before the due day, never before the period starts."""
    return max(period.starts_on, due - timedelta(days=remind_days))


def state_of(*, due: date, remind: date, completed_on: date | None, waived: bool, today: date) -> DutyState:
    """An instance's state: waived, done on or before the due day, done late, overdue, due soon (from the reminder
    day) or pending."""
    if waived:
        return DutyState.WAIVED
    if completed_on is not None:
        return DutyState.DONE if completed_on <= due else DutyState.LATE
    if today > due:
        return DutyState.OVERDUE
    if today >= remind:
        return DutyState.DUE_SOON
    return DutyState.PENDING


def days_late(*, due: date, completed_on: date | None, today: date) -> int:
    """Days past the due day: until completion, or until today while still open."""
    end = completed_on if completed_on is not None else today
    return max(0, (end - due).days)


@dataclass(frozen=True, kw_only=True)
class Tally:
    """One unit's instances due in a window, by outcome (waived ones are not counted)."""

    unit: str
    due: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0
    late_days: int = 0

    @property
    def settled(self) -> int:
        """Instances whose outcome is known: done (on time or late) or overdue."""
        return self.on_time + self.late + self.overdue

    @property
    def rate(self) -> float | None:
        """On-time rate (%) over the settled instances; None while nothing is settled."""
        return round(100 * self.on_time / self.settled, 1) if self.settled else None

    @property
    def is_late(self) -> bool:
        """A unit to name in the bulletin: something done late or still overdue."""
        return bool(self.late or self.overdue)


def tally(unit: str, states: list[tuple[DutyState, int]]) -> Tally:
    """Count a unit's instances (state, days late) into a Tally."""
    counts = {s: 0 for s in DutyState}
    for state, _ in states:
        counts[state] += 1
    return Tally(
        unit=unit,
        due=len(states) - counts[DutyState.WAIVED],
        on_time=counts[DutyState.DONE],
        late=counts[DutyState.LATE],
        overdue=counts[DutyState.OVERDUE],
        pending=counts[DutyState.PENDING] + counts[DutyState.DUE_SOON],
        late_days=sum(days for state, days in states if state is not DutyState.WAIVED),
    )


def ranked(tallies: list[Tally]) -> list[tuple[int, Tally]]:
    """Rank units for the 晾晒通报: the highest on-time rate first, then fewer overdue, fewer days late, then the
    name; equal records share a rank. Units with nothing settled come last, unranked (rank 0)."""
    settled = [t for t in tallies if t.settled]
    order = sorted(settled, key=lambda t: (-(t.rate or 0.0), t.overdue, t.late_days, t.unit))
    out: list[tuple[int, Tally]] = []
    for index, item in enumerate(order):
        previous = out[-1] if out else None
        same = previous is not None and (previous[1].rate, previous[1].overdue, previous[1].late_days) == (
            item.rate,
            item.overdue,
            item.late_days,
        )
        out.append((previous[0] if same and previous else index + 1, item))
    out += [(0, t) for t in sorted((t for t in tallies if not t.settled), key=lambda t: t.unit)]
    return out

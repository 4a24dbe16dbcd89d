"""The legal calendar of an emergency plan: filing, drill and evaluation due dates from its type and holder.

Three frequency regimes must not be mixed up (regulations.md#L172): production-safety plans of governments and
departments drill every 2 years (国务院令第708号 第八条), other government special and department plans every 3 years
(国办发〔2024〕5号 第三十二条), enterprises yearly / half-yearly (应急管理部令第2号 第三十三条). The table is data
(plan_registry/data/cadence.yaml); this module only matches a plan to its row and counts.
"""

from __future__ import annotations

import calendar as gregorian
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from yingji.core.errors import PlanInvalid
from yingji.rules.basis import Basis
from yingji.rules.calendar import WorkCalendar


@dataclass(frozen=True)
class Cadence:
    """One row of the cadence table; ``None`` in a condition matches anything."""

    id: str
    holders: frozenset[str]
    plan_types: frozenset[str] | None
    production_safety: bool | None
    high_risk: bool | None
    drill_months: int | None
    evaluation_months: int | None
    filing_working_days: int | None
    basis: tuple[Basis, ...]


@dataclass(frozen=True)
class PlanFacts:
    holder: str  # government / department / enterprise
    plan_type: str
    production_safety: bool
    high_risk: bool
    issued_on: date
    filed_on: date | None
    last_drill_on: date | None
    last_evaluation_on: date | None


@dataclass(frozen=True)
class Due:
    on: date | None
    done_on: date | None
    overdue: bool
    provisional: bool = False  # a working-day count crossed a year whose holiday schedule is not published


@dataclass(frozen=True)
class PlanCalendar:
    cadence: Cadence
    filing: Due
    next_drill: Due
    next_evaluation: Due


def cadence_for(facts: PlanFacts, table: Sequence[Cadence]) -> Cadence:
    """The first row whose every condition matches (the table lists the most specific rows first)."""
    for row in table:
        if (
            facts.holder in row.holders
            and (row.plan_types is None or facts.plan_type in row.plan_types)
            and (row.production_safety is None or row.production_safety == facts.production_safety)
            and (row.high_risk is None or row.high_risk == facts.high_risk)
        ):
            return row
    raise PlanInvalid(reason=f"cadence.yaml 没有适用于{facts.holder}/{facts.plan_type}预案的周期规则")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has none (31 Aug + 6 months → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, gregorian.monthrange(year, month + 1)[1]))


def _every(months: int | None, since: date, today: date) -> Due:
    if months is None:
        return Due(on=None, done_on=since, overdue=False)
    due = add_months(since, months)
    return Due(on=due, done_on=since, overdue=today > due)


def plan_calendar(facts: PlanFacts, table: Sequence[Cadence], calendar: WorkCalendar, today: date) -> PlanCalendar:
    """Filing due N working days after issue (overdue while not filed); next drill and evaluation one period after
    the last one, or after issue when there has been none."""
    row = cadence_for(facts, table)
    if row.filing_working_days is None:
        filing = Due(on=None, done_on=facts.filed_on, overdue=False)
    else:
        deadline = calendar.add_working_days(facts.issued_on, row.filing_working_days)
        late = (facts.filed_on or today) > deadline.value
        filing = Due(on=deadline.value, done_on=facts.filed_on, overdue=late, provisional=deadline.provisional)
    return PlanCalendar(
        cadence=row,
        filing=filing,
        next_drill=_every(row.drill_months, facts.last_drill_on or facts.issued_on, today),
        next_evaluation=_every(row.evaluation_months, facts.last_evaluation_on or facts.issued_on, today),
    )

"""The application-and-review rules every administrative programme shares: eligibility and exclusions with look-back
windows, notice periods in working or calendar days, objection deadlines, panel composition and the random draw,
winner limits, the re-application gap, revocation windows and the cadence of rounds. Pure: the programme's data and
today are passed in."""

from __future__ import annotations

import random
from calendar import monthrange
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from yingji.core.labels import LabelledEnum
from yingji.rules.calendar import WorkCalendar


class Cited(Protocol):
    @property
    def seed(self) -> str: ...
    @property
    def quote(self) -> str: ...


class PartLike(Protocol):
    @property
    def fact(self) -> str: ...
    @property
    def min(self) -> float | None: ...
    @property
    def equals(self) -> bool | None: ...


class CheckLike(Cited, Protocol):
    @property
    def code(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def fact(self) -> str | None: ...
    @property
    def min(self) -> float | None: ...
    @property
    def equals(self) -> bool | None: ...
    @property
    def any_of(self) -> Sequence[PartLike]: ...
    @property
    def event(self) -> str | None: ...
    @property
    def within_years(self) -> int | None: ...
    @property
    def only_if(self) -> str | None: ...


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One check's answer. ``holds`` is None when the applicant has not declared the fact it needs."""

    code: str
    label: str
    holds: bool | None
    seed: str
    quote: str
    detail: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "label": self.label,
            "holds": self.holds,
            "seed": self.seed,
            "quote": self.quote,
            "detail": self.detail,
        }


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _fact_holds(value: object, minimum: float | None, equals: bool | None) -> bool | None:
    if value is None:
        return None
    if minimum is not None:
        return isinstance(value, int | float) and not isinstance(value, bool) and value >= minimum
    return value is equals


def evaluate(check: CheckLike, facts: Mapping[str, object], events: Sequence[tuple[str, date]], on: date) -> Finding:
    """Whether a check's condition is present: for a requirement that means eligible, for an exclusion barred.

    A look-back window of N years covers events on or after the same day N years before ``on`` ("近3年").
    """
    detail = None
    if check.only_if is not None and facts.get(check.only_if) is not True:
        holds: bool | None = True
        detail = f"不适用（{check.only_if} 为否）"
    elif check.fact is not None:
        holds = _fact_holds(facts.get(check.fact), check.min, check.equals)
    elif check.event is not None and check.within_years is not None:
        since = years_before(on, check.within_years)
        hits = sorted(d for kind, d in events if kind == check.event and since <= d <= on)
        holds = bool(hits)
        detail = f"{since.isoformat()} 以来：{', '.join(d.isoformat() for d in hits)}" if hits else None
    else:
        parts = [_fact_holds(facts.get(p.fact), p.min, p.equals) for p in check.any_of]
        holds = True if any(parts) else (None if None in parts else False)
    return Finding(code=check.code, label=check.label, holds=holds, seed=check.seed, quote=check.quote, detail=detail)


@dataclass(frozen=True, kw_only=True)
class Eligibility:
    requirements: tuple[Finding, ...]
    exclusions: tuple[Finding, ...]

    @property
    def unmet(self) -> tuple[Finding, ...]:
        """Requirements not shown to hold, and exclusions present or not declared."""
        return tuple(f for f in self.requirements if f.holds is not True) + tuple(
            f for f in self.exclusions if f.holds is not False
        )

    @property
    def eligible(self) -> bool:
        return not self.unmet


def eligibility(
    requirements: Sequence[CheckLike],
    exclusions: Sequence[CheckLike],
    facts: Mapping[str, object],
    events: Sequence[tuple[str, date]],
    on: date,
) -> Eligibility:
    return Eligibility(
        requirements=tuple(evaluate(c, facts, events, on) for c in requirements),
        exclusions=tuple(evaluate(c, facts, events, on) for c in exclusions),
    )


def period_end(start: date, days: int, unit: str, calendar: WorkCalendar) -> tuple[date, bool]:
    """The last day of a notice period of ``days`` counted from the day after ``start``; and whether it is estimated.

    "公示时间不少于5个工作日": the notice may close once that day has passed.
    """
    if unit == "working":
        decision = calendar.add_working_days(start, days)
        return decision.value, decision.provisional
    return start + timedelta(days=days), False


def period_over(end: date, today: date) -> bool:
    return today > end


@dataclass(frozen=True, kw_only=True)
class Member:
    expert_id: int
    categories: frozenset[str]
    leader: bool = False


@dataclass(frozen=True, kw_only=True)
class Composition:
    """A panel's composition rule (see the programme data): sizes, parity, leader and per-category minimums."""

    min_members: int | None
    odd: bool
    leader_required: bool
    per_category_min: int | None
    category_minimums: Mapping[str, int]


def composition_faults(rule: Composition, members: Sequence[Member], categories: Collection[str]) -> list[str]:
    """Every way a panel breaks its rule, in Chinese; empty when it is lawful.

    ``categories`` are the categories of the round's candidates (a category rule counts experts of each).
    """
    faults = []
    ids = [m.expert_id for m in members]
    if len(set(ids)) != len(ids):
        faults.append("同一专家重复入组")
    size = len(members)
    if rule.min_members is not None and size < rule.min_members:
        faults.append(f"成员{size}人，少于{rule.min_members}人")
    if rule.odd and size % 2 == 0:
        faults.append(f"成员{size}人，总人数应为奇数")
    leaders = sum(m.leader for m in members)
    if rule.leader_required and leaders != 1:
        faults.append(f"须有且只有1名组长（现{leaders}名）")
    for category in sorted(categories):
        need = rule.category_minimums.get(category, rule.per_category_min)
        if need is None:
            continue
        have = sum(category in m.categories for m in members)
        if have < need:
            faults.append(f"{category}类专家{have}人，少于{need}人")
    return faults


def draw(
    rule: Composition,
    pool: Sequence[Member],
    categories: Collection[str],
    excluded: Collection[int],
    rng: random.Random,
) -> list[Member]:
    """Draw a lawful panel at random: first each category's minimum, then others up to the size, made odd.

    Raises ValueError naming the shortfall when the pool cannot meet the rule.
    """
    available = [m for m in pool if m.expert_id not in excluded]
    rng.shuffle(available)
    chosen: list[Member] = []
    for category in sorted(categories):
        need = rule.category_minimums.get(category, rule.per_category_min) or 0
        have = sum(category in m.categories for m in chosen)
        candidates = [m for m in available if category in m.categories and m not in chosen]
        if len(candidates) < need - have:
            raise ValueError(f"专家库中{category}类专家不足{need}人")
        chosen += candidates[: max(0, need - have)]
    size = max(rule.min_members or 0, len(chosen))
    if rule.odd and size % 2 == 0:
        size += 1
    rest = [m for m in available if m not in chosen]
    if len(chosen) + len(rest) < size:
        raise ValueError(f"专家库可抽选专家不足{size}人")
    chosen += rest[: size - len(chosen)]
    return chosen


def rounds_gap_ok(won_round: int, applying_round: int, gap: int) -> bool:
    """ "获奖单位再次申报应当间隔三届": a winner of round n may apply again from round n + gap + 1."""
    return applying_round - won_round > gap


def revocation_open(conferred_on: date, within_years: int | None, event_on: date) -> bool:
    """Whether a ground that must arise "获得奖励后N年内" arose in time (None: any time)."""
    if event_on < conferred_on:
        return False
    return within_years is None or event_on <= years_after(conferred_on, within_years)


def visit_schedule(conferred_on: date, years: int, per_year: int) -> list[date]:
    """Due dates of the follow-up visits within ``years`` after the award, evenly spread (month ends kept)."""
    step = 12 // per_year
    due = []
    for index in range(1, years * per_year + 1):
        months = conferred_on.month - 1 + index * step
        year, month = conferred_on.year + months // 12, months % 12 + 1
        due.append(date(year, month, min(conferred_on.day, monthrange(year, month)[1])))
    return due


class CadenceStatus(LabelledEnum):
    """Where a day falls against a programme's cadence after its previous round (每2—4年组织开展一批)."""

    FIRST = "first", "首批（无上一批记录）"
    TOO_SOON = "too_soon", "距上一批不足规定年限"
    DUE = "due", "在规定间隔内"
    OVERDUE = "overdue", "超过规定间隔"


@dataclass(frozen=True, kw_only=True)
class CadenceCheck:
    status: CadenceStatus
    previous: date | None
    earliest: date | None  # the first day a next round may start
    latest: date | None  # the last day it may start without being overdue


def cadence(previous: date | None, on: date, min_years: int, max_years: int) -> CadenceCheck:
    """A round starting ``on`` after one that started ``previous``: earlier than ``min_years`` later is too soon, later
    than ``max_years`` overdue; both bounds are the same calendar day (29 February falls back to the 28th).

    For a programme today (no new round yet), TOO_SOON reads "not due yet" and OVERDUE "a round is overdue".
    """
    if previous is None:
        return CadenceCheck(status=CadenceStatus.FIRST, previous=None, earliest=None, latest=None)
    earliest, latest = years_after(previous, min_years), years_after(previous, max_years)
    if on < earliest:
        status = CadenceStatus.TOO_SOON
    elif on > latest:
        status = CadenceStatus.OVERDUE
    else:
        status = CadenceStatus.DUE
    return CadenceCheck(status=status, previous=previous, earliest=earliest, latest=latest)

"""Property-service supervision as pure rules: complaint routing by remit, deadlines and escalation, credit scoring
and the red/black list consequences.

Routing follows the programme's data (Baotou task 10 “社区调简单、街道调复杂、旗县区调重大疑难”, seed 000#L272;
Dongsheng “就地解决 / 区政务服务局……接诉即办……派单 / 上报区人民政府”, seeds 001#L246-L252, 001#L753-L755).
Neither seed gives a number of hours or days, so deadlines come from the platform defaults (property/defaults.yaml),
which the data files may override per route. Scores follow a versioned method (data): the seeds name the inputs,
never the weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from yingji.core.clock import LOCAL_TZ
from yingji.core.errors import InvalidInput, InvalidState
from yingji.core.labels import LabelledEnum
from yingji.rules.calendar import WorkCalendar


class Level(LabelledEnum):
    COMMUNITY = "community", "社区"  # 社区（嘎查村）
    STREET = "street", "街道"  # 街道（苏木乡镇）
    COUNTY = "county", "旗县区"  # 旗县区人民政府
    DEPARTMENT = "department", "职能部门"  # 职能部门（政务服务局派单）


# One step up when a complaint is overdue; a county (or a department's dispatch) escalates to the county government.
ESCALATES_TO = {
    Level.COMMUNITY: Level.STREET,
    Level.STREET: Level.COUNTY,
    Level.DEPARTMENT: Level.COUNTY,
    Level.COUNTY: None,
}


class ComplaintState(LabelledEnum):
    OPEN = "open", "待响应"
    RESPONDED = "responded", "办理中"  # 已响应
    RESOLVED = "resolved", "待确认"  # 已办结，待业主确认
    CLOSED = "closed", "已办结"  # 业主已确认（或确认期满）
    REOPENED = "reopened", "重新办理"  # 业主不满意


class ComplaintAction(LabelledEnum):
    RESPOND = "respond", "响应"
    RESOLVE = "resolve", "办结答复"
    CONFIRM = "confirm", "确认办结"
    REOPEN = "reopen", "不满意重办"


TRANSITIONS: dict[ComplaintState, dict[ComplaintAction, ComplaintState]] = {
    ComplaintState.OPEN: {ComplaintAction.RESPOND: ComplaintState.RESPONDED},
    ComplaintState.REOPENED: {ComplaintAction.RESPOND: ComplaintState.RESPONDED},
    ComplaintState.RESPONDED: {ComplaintAction.RESOLVE: ComplaintState.RESOLVED},
    ComplaintState.RESOLVED: {
        ComplaintAction.CONFIRM: ComplaintState.CLOSED,
        ComplaintAction.REOPEN: ComplaintState.REOPENED,
    },
    ComplaintState.CLOSED: {},
}


def complaint_transition(state: ComplaintState, action: ComplaintAction) -> ComplaintState:
    """The next state, or InvalidState (409) naming what the complaint's state allows."""
    allowed = TRANSITIONS[state]
    if action not in allowed:
        steps = "、".join(a.label for a in allowed) or "无（已办结）"
        raise InvalidState(
            reason=f"“{state.label}”的诉求不能{action.label}；可执行：{steps}",
            subcode=f"property.complaint.{action.value}.state",
        )
    return allowed[action]


@dataclass(frozen=True)
class Route:
    """One routing rule of a programme: the remit it covers, the levels that handle it and its time limits."""

    rule_id: str
    remit: str
    levels: tuple[Level, ...]
    handler: str
    seed: str
    dispatcher: str | None = None
    response_hours: int | None = None
    completion_days: int | None = None


@dataclass(frozen=True)
class Limits:
    """Platform defaults where the seed sets none: hours to respond, working days to complete, per level."""

    response_hours: Mapping[Level, int]
    completion_days: Mapping[Level, int]


def route(routes: Sequence[Route], remit: str, aliases: Mapping[str, str]) -> tuple[Route, Level]:
    """The programme's route for a remit and the level that takes the complaint.

    A remit the programme does not grade (Dongsheng has no 简单/复杂/重大疑难) is read through ``aliases``. Where one
    route names several levels (Dongsheng “街道（镇）和社区……就地解决”), a simple case goes to the most local one and
    any other to the first named.
    """
    wanted = remit if any(r.remit == remit for r in routes) else aliases.get(remit, remit)
    for candidate in routes:
        if candidate.remit == wanted:
            local = remit == "simple" and Level.COMMUNITY in candidate.levels
            return candidate, Level.COMMUNITY if local else candidate.levels[0]
    known = "、".join(r.remit for r in routes) or "（无）"
    raise InvalidInput(field="remit", reason=f"remit：本方案的诉求分级只有 {known}，没有“{remit}”")


def handler_division(level: Level, compound_division: str) -> str:
    """The division whose officers handle a complaint at ``level`` for a compound in ``compound_division``.

    A compound sits in a community (12 digits) or directly in a street (9 digits); its street is the first 9
    digits, its county the first 6. A community-level complaint of a compound registered only down to its street is
    handled by the street.
    """
    if level is Level.COMMUNITY:
        return compound_division
    if level is Level.STREET:
        return compound_division[:9]
    return compound_division[:6]


def deadlines(
    start: datetime, level: Level, limits: Limits, calendar: WorkCalendar, chosen: Route | None = None
) -> tuple[datetime, datetime]:
    """(response due, completion due) from ``start``: the route's own figures, else the platform's for the level.

    Completion counts working days from the next day, to the same clock time (Chinese administrative practice).
    """
    hours = (chosen.response_hours if chosen else None) or limits.response_hours[level]
    days = (chosen.completion_days if chosen else None) or limits.completion_days[level]
    local = start.astimezone(LOCAL_TZ).date()  # working days are Beijing days, whatever the UTC date
    last_day = calendar.add_working_days(local, days).value
    return start + timedelta(hours=hours), start + (last_day - local)


def overdue(state: ComplaintState, response_due: datetime, completion_due: datetime, now: datetime) -> str | None:
    """Which clock has run out ("response" or "completion"), or None."""
    if state in (ComplaintState.OPEN, ComplaintState.REOPENED) and now > response_due:
        return "response"
    if state in (ComplaintState.OPEN, ComplaintState.REOPENED, ComplaintState.RESPONDED) and now > completion_due:
        return "completion"
    return None


# --- credit -----------------------------------------------------------------------------------------------------

GRADE_ORDER = ("AAA", "AA", "A", "B", "C")  # best first


def at_least(grade: str, floor: str) -> bool:
    """Whether ``grade`` is ``floor`` or better (“AA级以上” includes AAA)."""
    return GRADE_ORDER.index(grade) <= GRADE_ORDER.index(floor)


@dataclass(frozen=True)
class Method:
    """A credit scoring method version: base score, weight per input, grade floors, list criteria."""

    version: str
    base: float
    weights: Mapping[str, float]
    bands: Sequence[tuple[str, float]]  # (grade, lowest score) best first
    red_grades: frozenset[str]
    black_grades: frozenset[str]
    black_on_serious: bool


@dataclass(frozen=True)
class CreditEvent:
    input: str
    points: float
    serious: bool = False


@dataclass(frozen=True)
class Score:
    score: float
    grade: str
    roster: str | None  # "red", "black" or None
    contributions: dict[str, float] = field(default_factory=dict)
    serious: bool = False


def score(method: Method, events: Sequence[CreditEvent]) -> Score:
    """Base plus weighted points of the year's events, clamped to 0–100; grade by band; red/black by the method."""
    contributions: dict[str, float] = {}
    for event in events:
        if event.input not in method.weights:
            raise InvalidInput(field="input", reason=f"input：评价方法 {method.version} 没有“{event.input}”这一项")
        contributions[event.input] = contributions.get(event.input, 0.0) + method.weights[event.input] * event.points
    total = round(min(100.0, max(0.0, method.base + sum(contributions.values()))), 2)
    grade = next(g for g, floor in method.bands if total >= floor)
    serious = any(e.serious for e in events)
    roster: str | None = None
    if grade in method.black_grades or (method.black_on_serious and serious):
        roster = "black"
    elif grade in method.red_grades:
        roster = "red"
    return Score(total, grade, roster, {k: round(v, 2) for k, v in contributions.items()}, serious)


@dataclass(frozen=True)
class ListRule:
    """A programme's list rule (data): which roster, how many years running, what follows, with its seed line."""

    rule_id: str
    roster: str
    when: str
    consecutive_years: int | None
    then: tuple[str, ...]
    seed: str
    text: str


@dataclass(frozen=True)
class YearResult:
    grade: str
    roster: str | None
    serious: bool = False


def consequences(rules: Sequence[ListRule], history: Mapping[int, YearResult], year: int) -> list[tuple[str, ListRule]]:
    """What follows for a company in ``year`` from its published results: (consequence, rule) pairs.

    Black list rules need the company black-listed in each of the ``consecutive_years`` ending with ``year``
    (Dongsheng: 连续两年被评为黑榜); red rules apply to the red-listed or the excellent (AA and above).
    """
    current = history.get(year)
    if current is None:
        return []
    out: list[tuple[str, ListRule]] = []
    for rule in rules:
        if rule.when == "black_listed":
            span = rule.consecutive_years or 1
            hit = all((r := history.get(year - k)) is not None and r.roster == "black" for k in range(span))
        elif rule.when == "seriously_dishonest":
            hit = current.serious
        elif rule.when == "excellent_or_high_credit_or_red_listed":
            hit = current.roster == "red" or (current.roster != "black" and at_least(current.grade, "AA"))
        else:
            hit = False
        if hit:
            out += [(consequence, rule) for consequence in rule.then]
    return out


def month_rate(complaints: int, households: int) -> float:
    """Complaints per 100 households in a month (诉求率); a compound with no households recorded has none."""
    return round(complaints * 100 / households, 2) if households > 0 else 0.0

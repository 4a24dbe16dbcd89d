"""Pure property rules: routing by remit from the programmes' data, deadlines in working days, escalation steps,
credit scoring and the list rules across consecutive years (Dongsheng 001#L586-L590)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.core.errors import InvalidInput, InvalidState
from yingji.property import settings
from yingji.property.schema import load
from yingji.rules import property as rules
from yingji.rules.calendar import WorkCalendar
from yingji.rules.property import ComplaintAction, ComplaintState, Level

BAOTOU = settings.routes(load("baotou-property-2025"))
DONGSHENG = settings.routes(load("dongsheng-property-2024"))
ALIASES = settings.defaults().complaints.remit_aliases


@pytest.mark.parametrize(
    ("routes", "remit", "level", "rule", "seed"),
    [
        # 包府办发〔2025〕59号任务10：社区调简单、街道调复杂、旗县区调重大疑难（000#L272）
        (BAOTOU, "simple", Level.COMMUNITY, "mediation_community", "000#L272"),
        (BAOTOU, "complex", Level.STREET, "mediation_street", "000#L272"),
        (BAOTOU, "major_or_difficult", Level.COUNTY, "mediation_county", "000#L272"),
        # 东政发〔2024〕18号：属于街道（镇）和社区职责范围的，就地解决；职能部门的由区政务服务局派单；较难的上报区政府
        (DONGSHENG, "simple", Level.COMMUNITY, "route_local", None),
        (DONGSHENG, "complex", Level.STREET, "route_local", None),
        (DONGSHENG, "functional_department", Level.DEPARTMENT, "route_department", None),
        (DONGSHENG, "major_or_difficult", Level.COUNTY, "route_district", None),
        (DONGSHENG, "hard_to_resolve", Level.COUNTY, "route_district", None),
    ],
)
def test_routing_by_remit(routes: list[rules.Route], remit: str, level: Level, rule: str, seed: str | None) -> None:
    chosen, got = rules.route(routes, remit, ALIASES)
    assert (got, chosen.rule_id) == (level, rule)
    if seed:
        assert chosen.seed == seed


def test_department_dispatch_names_the_government_service_bureau() -> None:
    chosen, _ = rules.route(DONGSHENG, "functional_department", ALIASES)
    assert chosen.dispatcher == "区政务服务局"


def test_a_remit_the_programme_does_not_know_is_refused_with_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as err:
        rules.route(BAOTOU, "functional_department", ALIASES)
    assert err.value.field == "remit" and "simple" in err.value.render()


@pytest.mark.parametrize(
    ("level", "place", "handler"),
    [
        (Level.COMMUNITY, "150602001002", "150602001002"),
        (Level.COMMUNITY, "150602001", "150602001"),  # a compound registered only to its street
        (Level.STREET, "150602001002", "150602001"),
        (Level.COUNTY, "150602001002", "150602"),
        (Level.DEPARTMENT, "150203012027", "150203"),
    ],
)
def test_handler_division(level: Level, place: str, handler: str) -> None:
    assert rules.handler_division(level, place) == handler


def test_escalation_ladder_ends_at_the_county() -> None:
    assert rules.ESCALATES_TO[Level.COMMUNITY] is Level.STREET
    assert rules.ESCALATES_TO[Level.STREET] is Level.COUNTY
    assert rules.ESCALATES_TO[Level.DEPARTMENT] is Level.COUNTY
    assert rules.ESCALATES_TO[Level.COUNTY] is None


LIMITS = settings.defaults().limits()


def test_deadlines_count_working_days_across_the_national_day_holiday() -> None:
    # Filed on 2026-09-30 (Wed) 10:00 Beijing: 1–7 October are off, so three working days end on 9 October
    # (the package calendar has no make-up Saturday inside that window for 2026 — checked by is_working_day).
    calendar = WorkCalendar()
    start = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)
    response, completion = rules.deadlines(start, Level.COMMUNITY, LIMITS, calendar)
    assert response == datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    expected = calendar.add_working_days(date(2026, 9, 30), 3).value
    assert completion.date() == expected and expected > date(2026, 10, 7)


def test_a_route_figure_overrides_the_platform_default() -> None:
    own = rules.Route("r", "simple", (Level.COMMUNITY,), "社区", "000#L1", response_hours=2, completion_days=1)
    start = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday
    response, completion = rules.deadlines(start, Level.COMMUNITY, LIMITS, WorkCalendar(), own)
    assert response == datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
    assert completion == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("state", "now_hours", "expected"),
    [
        (ComplaintState.OPEN, 23, None),
        (ComplaintState.OPEN, 25, "response"),
        (ComplaintState.RESPONDED, 25, None),  # responded: only the completion clock runs
        (ComplaintState.RESPONDED, 24 * 9, None),  # due 2 December 10:00 exactly: not yet late
        (ComplaintState.RESPONDED, 24 * 9 + 1, "completion"),
        (ComplaintState.REOPENED, 25, "response"),
        (ComplaintState.RESOLVED, 24 * 30, None),
        (ComplaintState.CLOSED, 24 * 30, None),
    ],
)
def test_which_clock_ran_out(state: ComplaintState, now_hours: int, expected: str | None) -> None:
    start = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    response, completion = rules.deadlines(start, Level.STREET, LIMITS, WorkCalendar())
    now = start + timedelta(hours=now_hours)
    assert rules.overdue(state, response, completion, now) == expected


def test_transitions_refuse_with_what_is_allowed() -> None:
    assert rules.complaint_transition(ComplaintState.OPEN, ComplaintAction.RESPOND) is ComplaintState.RESPONDED
    assert rules.complaint_transition(ComplaintState.RESOLVED, ComplaintAction.REOPEN) is ComplaintState.REOPENED
    with pytest.raises(InvalidState) as err:
        rules.complaint_transition(ComplaintState.OPEN, ComplaintAction.CONFIRM)
    assert "响应" in err.value.render() and err.value.subcode == "property.complaint.confirm.state"
    with pytest.raises(InvalidState):
        rules.complaint_transition(ComplaintState.CLOSED, ComplaintAction.REOPEN)


# --- credit -------------------------------------------------------------------------------------------------------

METHOD = settings.defaults().credit.method.method()


@pytest.mark.parametrize(
    ("events", "score", "grade", "roster"),
    [
        ([], 80.0, "A", None),
        ([("contract_performance", 10), ("street_community_opinion", 5)], 95.0, "AAA", "red"),
        ([("contract_performance", 5)], 85.0, "AA", None),  # the AA floor itself
        ([("contract_performance", 4.99)], 84.99, "A", None),
        ([("daily_inspection", -20)], 60.0, "B", None),
        ([("administrative_penalty", -14)], 59.0, "C", "black"),  # penalties weigh 1.5
        ([("administrative_penalty", -30)] * 3, 0.0, "C", "black"),  # clamped at 0
        ([("contract_performance", 10)] * 5, 100.0, "AAA", "red"),  # clamped at 100
    ],
)
def test_default_method_scores(events: list[tuple[str, float]], score: float, grade: str, roster: str | None) -> None:
    result = rules.score(METHOD, [rules.CreditEvent(i, p) for i, p in events])
    assert (result.score, result.grade, result.roster) == (score, grade, roster)


def test_a_serious_event_black_lists_whatever_the_score() -> None:
    result = rules.score(
        METHOD,
        [
            rules.CreditEvent("contract_performance", 10, serious=False),
            rules.CreditEvent("administrative_penalty", -1, serious=True),
        ],
    )
    assert result.grade == "AA" and result.roster == "black"


def test_an_input_outside_the_method_is_refused() -> None:
    with pytest.raises(InvalidInput):
        rules.score(METHOD, [rules.CreditEvent("rumour", -5)])


@given(st.lists(st.tuples(st.sampled_from(settings.INPUTS), st.floats(-30, 10)), max_size=40))
def test_score_is_bounded_and_the_grade_matches_its_band(events: list[tuple[str, float]]) -> None:
    result = rules.score(METHOD, [rules.CreditEvent(i, p) for i, p in events])
    assert 0 <= result.score <= 100
    floor = dict(METHOD.bands)[result.grade]
    better = [f for g, f in METHOD.bands if rules.GRADE_ORDER.index(g) < rules.GRADE_ORDER.index(result.grade)]
    assert result.score >= floor and all(result.score < f for f in better)


@given(
    st.lists(st.tuples(st.sampled_from(settings.INPUTS), st.floats(0, 10)), max_size=20),
    st.sampled_from(settings.INPUTS),
    st.floats(0.01, 30),
)
def test_a_deduction_never_raises_the_score(events: list[tuple[str, float]], kind: str, loss: float) -> None:
    base = [rules.CreditEvent(i, p) for i, p in events]
    assert rules.score(METHOD, [*base, rules.CreditEvent(kind, -loss)]).score <= rules.score(METHOD, base).score


DONGSHENG_LISTS = settings.list_rules(load("dongsheng-property-2024"))
BAOTOU_LISTS = settings.list_rules(load("baotou-property-2025"))
BLACK = rules.YearResult("C", "black")
PLAIN = rules.YearResult("A", None)
RED = rules.YearResult("AAA", "red")


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ({2025: BLACK, 2026: BLACK}, {"key_rectification", "no_awards", "media_exposure"}),  # 连续两年黑榜
        ({2026: BLACK}, set()),  # one year only
        ({2024: BLACK, 2026: BLACK}, set()),  # not consecutive
        ({2025: PLAIN, 2026: BLACK}, set()),
        ({2025: BLACK, 2026: PLAIN}, set()),  # it is 2026's result that counts
        ({2026: RED}, {"reward_in_lieu_of_subsidy"}),  # 红榜 → 以奖代补
        ({2026: rules.YearResult("AA", None)}, {"reward_in_lieu_of_subsidy"}),  # 信用等级高
        ({2026: PLAIN}, set()),
    ],
)
def test_dongsheng_list_rules_across_years(history: dict[int, rules.YearResult], expected: set[str]) -> None:
    got = rules.consequences(DONGSHENG_LISTS, history, 2026)
    assert {what for what, _ in got} == expected
    assert all(rule.seed.startswith("001#") for _, rule in got)


def test_baotou_black_lists_the_seriously_dishonest() -> None:
    got = rules.consequences(BAOTOU_LISTS, {2026: rules.YearResult("B", "black", serious=True)}, 2026)
    assert [(what, rule.rule_id) for what, rule in got] == [("black_list", "black_list")]
    assert rules.consequences(BAOTOU_LISTS, {2026: BLACK}, 2026) == []


@pytest.mark.parametrize(("households", "complaints", "rate"), [(200, 6, 3.0), (0, 4, 0.0), (1600, 1, 0.06)])
def test_month_rate(households: int, complaints: int, rate: float) -> None:
    assert rules.month_rate(complaints, households) == rate

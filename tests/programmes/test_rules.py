"""The shared programme rules (rules/programmes.py, rules/heritage.py, rules/rehab.py) without a database: look-back
windows, notice periods across the 2025 National Day holiday, panel composition and the random draw (properties),
the re-application gap, revocation windows, the bearer's subsidy years and the rehabilitation refusals."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.programmes.schema import programme
from yingji.rules import heritage, rehab
from yingji.rules import programmes as rules
from yingji.rules.calendar import WorkCalendar

AWARD = programme("baotou-quality-award")
ICH = programme("baotou-ich-bearers")
CALENDAR = WorkCalendar()


@pytest.mark.parametrize(
    ("start", "days", "unit", "end"),
    [
        (date(2026, 11, 23), 5, "working", date(2026, 11, 30)),  # Mon + 5 working days: next Monday
        (date(2026, 11, 27), 5, "working", date(2026, 12, 4)),  # Fri: the weekend is not counted
        # 2025-09-30: 1–8 Oct off; 11 Oct (Saturday) is a make-up working day → 9, 10, 11, 13, 14 Oct
        (date(2025, 9, 30), 5, "working", date(2025, 10, 14)),
        (date(2025, 9, 30), 7, "working", date(2025, 10, 16)),  # 拟授奖名单公示期为7个工作日 (000#L159)
        (date(2026, 11, 23), 20, "calendar", date(2026, 12, 13)),  # 公示期不少于20日 (000#L1921)
    ],
)
def test_notice_periods(start: date, days: int, unit: str, end: date) -> None:
    assert rules.period_end(start, days, unit, CALENDAR) == (end, False)
    assert not rules.period_over(end, end) and rules.period_over(end, end + timedelta(days=1))


def test_the_look_back_window_is_three_years_to_the_day() -> None:
    check = next(c for c in AWARD.exclusions if c.code == "major_accident")
    on = date(2026, 11, 23)
    assert rules.evaluate(check, {}, [("major_accident", date(2023, 11, 23))], on).holds is True
    assert rules.evaluate(check, {}, [("major_accident", date(2023, 11, 22))], on).holds is False
    assert rules.evaluate(check, {}, [("tax_violation", date(2025, 1, 1))], on).holds is False
    assert rules.years_before(date(2028, 2, 29), 3) == date(2025, 2, 28)


def test_requirements_any_of_and_only_if() -> None:
    residence = next(c for c in ICH.requirements if c.code == "residence")
    assert rules.evaluate(residence, {"household_registered": True}, [], date(2026, 1, 1)).holds is True
    assert rules.evaluate(residence, {"residence_years": 10}, [], date(2026, 1, 1)).holds is True
    assert (
        rules.evaluate(residence, {"residence_years": 9.9, "household_registered": False}, [], date(2026, 1, 1)).holds
        is False
    )
    assert rules.evaluate(residence, {}, [], date(2026, 1, 1)).holds is None
    licence = next(c for c in ICH.requirements if c.code == "licence")
    assert rules.evaluate(licence, {"licence_required": False}, [], date(2026, 1, 1)).holds is True
    assert rules.evaluate(licence, {"licence_required": True}, [], date(2026, 1, 1)).holds is None
    assert rules.evaluate(licence, {"licence_required": True, "licence_held": True}, [], date(2026, 1, 1)).holds is True
    years = next(c for c in ICH.requirements if c.code == "practice_years")
    assert (
        rules.evaluate(years, {"practice_years": True}, [], date(2026, 1, 1)).holds is False
    )  # a flag is not a number


EXPERTS = rules.Composition(
    min_members=7, odd=True, leader_required=False, per_category_min=1, category_minimums={"传统医药": 2}
)


def member(expert_id: int, *categories: str, leader: bool = False) -> rules.Member:
    return rules.Member(expert_id=expert_id, categories=frozenset(categories), leader=leader)


@pytest.mark.parametrize(
    ("members", "faults"),
    [
        ([member(i, "传统技艺") for i in range(6)] + [member(9, "传统医药")], ["传统医药类专家1人，少于2人"]),
        ([member(i, "传统医药") for i in range(6)], ["成员6人，少于7人", "成员6人，总人数应为奇数"]),
        ([member(i, "传统医药") for i in range(8)], ["成员8人，总人数应为奇数"]),
        ([member(i, "传统医药") for i in range(7)], []),
        ([member(1, "传统医药")] * 7, ["同一专家重复入组"]),
    ],
)
def test_composition(members: list[rules.Member], faults: list[str]) -> None:
    assert rules.composition_faults(EXPERTS, members, {"传统医药"}) == faults


def test_a_leader_is_required_for_the_award_panels() -> None:
    panel = rules.Composition(
        min_members=None, odd=False, leader_required=True, per_category_min=None, category_minimums={}
    )
    assert rules.composition_faults(panel, [member(1), member(2)], set()) == ["须有且只有1名组长（现0名）"]
    assert rules.composition_faults(panel, [member(1, leader=True), member(2)], set()) == []


CATEGORIES = ["传统医药", "传统技艺", "传统音乐", "民俗"]


@given(
    pool=st.lists(st.sets(st.sampled_from(CATEGORIES), min_size=1, max_size=2), min_size=0, max_size=30),
    wanted=st.sets(st.sampled_from(CATEGORIES)),
    excluded=st.sets(st.integers(0, 29), max_size=5),
    seed=st.integers(0, 2**32),
)
def test_a_draw_is_lawful_or_refused(pool: list[set[str]], wanted: set[str], excluded: set[int], seed: int) -> None:
    members = [rules.Member(expert_id=i, categories=frozenset(c)) for i, c in enumerate(pool)]
    try:
        chosen = rules.draw(EXPERTS, members, wanted, excluded, random.Random(seed))
    except ValueError as err:
        assert "不足" in str(err)
        return
    assert rules.composition_faults(EXPERTS, chosen, wanted) == []
    assert not {m.expert_id for m in chosen} & excluded


@pytest.mark.parametrize(("won", "applying", "ok"), [(1, 2, False), (1, 4, False), (1, 5, True), (3, 9, True)])
def test_three_rounds_between_wins(won: int, applying: int, ok: bool) -> None:
    """获奖单位再次申报应当间隔三届 (000#L62)."""
    assert rules.rounds_gap_ok(won, applying, 3) is ok


@pytest.mark.parametrize(
    ("event", "within", "ok"),
    [
        (date(2029, 12, 19), 3, True),
        (date(2029, 12, 20), 3, False),
        (date(2026, 12, 18), 3, False),
        (date(2040, 1, 1), None, True),
    ],
)
def test_revocation_windows(event: date, within: int | None, ok: bool) -> None:
    assert rules.revocation_open(date(2026, 12, 19), within, event) is ok


def test_visits_spread_over_the_years() -> None:
    assert rules.visit_schedule(date(2026, 1, 31), 3, 1) == [date(2027, 1, 31), date(2028, 1, 31), date(2029, 1, 31)]
    assert rules.visit_schedule(date(2026, 6, 15), 1, 2) == [date(2026, 12, 15), date(2027, 6, 15)]
    assert rules.visit_schedule(date(2027, 8, 31), 1, 2) == [date(2028, 2, 29), date(2028, 8, 31)]


BEARER = heritage.BearerRules(
    subsidy_grades=frozenset({"优秀", "合格"}),
    unqualified="不合格",
    incapable="丧失传承能力",
    disqualified="取消资格",
    rectification_years=1,
    honorary_subsidy_age=65,
    lookback_years=3,
)


@pytest.mark.parametrize(
    ("grades", "ended", "year", "paid"),
    [
        ({2026: "合格"}, None, 2026, True),
        ({2026: "优秀"}, None, 2026, True),
        ({2026: "不合格"}, None, 2026, False),
        ({2025: "不合格"}, None, 2026, False),  # rectification year without a new result
        ({2025: "不合格", 2026: "合格"}, None, 2026, True),
        ({2026: "丧失传承能力"}, None, 2026, False),
        ({}, None, 2026, None),
        ({2026: "合格"}, ("deceased", 2026), 2026, True),
        ({2026: "合格"}, ("deceased", 2026), 2027, False),
        ({2026: "合格"}, ("waived", 2026), 2027, False),
        ({2026: "合格"}, ("cancelled", 2026), 2027, False),
    ],
)
def test_subsidy_years(grades: dict[int, str], ended: tuple[str, int] | None, year: int, paid: bool | None) -> None:
    history = heritage.History(
        recognised_year=2022, grades=grades, ended=ended[0] if ended else None, ended_year=ended[1] if ended else None
    )
    assert heritage.subsidy(BEARER, history, year).value is paid


@given(
    grades=st.dictionaries(st.integers(2022, 2030), st.sampled_from(["优秀", "合格", "不合格", "丧失传承能力"])),
    year=st.integers(2022, 2032),
)
def test_no_subsidy_after_an_unqualified_year_without_a_new_pass(grades: dict[int, str], year: int) -> None:
    history = heritage.History(recognised_year=2022, grades=grades)
    answer = heritage.subsidy(BEARER, history, year)
    if answer.value:
        assert grades.get(year) in {"优秀", "合格"}
    recommend = heritage.may_recommend(BEARER, history, year, {None})
    assert recommend.value is not any(grades.get(y) == "不合格" for y in range(year - 2, year + 1))


def test_a_second_unqualified_cancels() -> None:
    history = heritage.History(recognised_year=2022, grades={2025: "不合格"})
    assert heritage.status_after(BEARER, history, 2026, "不合格") == "cancelled"
    assert heritage.status_after(BEARER, history, 2027, "不合格") is None
    assert heritage.status_after(BEARER, history, 2026, "取消资格") == "cancelled"


CASE = rehab.CaseFacts(
    approved_on=date(2026, 11, 1), ends_on=date(2026, 12, 31), injured_parts={"左腿"}, agreement_years={2026}
)


@pytest.mark.parametrize(
    ("service_on", "category_refusal", "part", "refusal"),
    [
        (date(2026, 11, 10), None, "左腿", None),
        (date(2026, 11, 10), "living_items", "左腿", "living_items"),  # 生活用品费用 (000#L2153)
        (date(2026, 11, 10), None, "右臂", "non_injury_part"),  # 非工伤部位 (000#L2155)
        (date(2027, 1, 1), None, "左腿", "after_end"),  # 期满后拒不出院 (000#L2156)
        (date(2026, 10, 31), None, "左腿", "unapproved"),  # 未办理康复审批 (000#L2157)
        (date(2026, 11, 1), None, None, None),  # the approval day itself is covered
    ],
)
def test_what_the_fund_does_not_pay(
    service_on: date, category_refusal: str | None, part: str | None, refusal: str | None
) -> None:
    claim = rehab.ClaimFacts(
        service_on=service_on, category_refusal=category_refusal, body_part=part, amount=Decimal(100)
    )
    assert rehab.refusal(CASE, claim) == refusal


def test_a_year_without_an_agreement_is_not_paid() -> None:
    case = rehab.CaseFacts(approved_on=date(2025, 12, 1), ends_on=None, injured_parts={"左腿"}, agreement_years={2026})
    claim = rehab.ClaimFacts(service_on=date(2025, 12, 2), category_refusal=None, body_part="左腿", amount=Decimal(1))
    assert rehab.refusal(case, claim) == "other"


def test_the_case_limit_warns_once() -> None:
    claim = rehab.ClaimFacts(service_on=date(2026, 11, 10), category_refusal=None, body_part=None, amount=Decimal(10))
    crossing = rehab.warnings(claim, None, None, [Decimal(10)], Decimal(100005), Decimal(3000), Decimal(100000), False)
    assert [w.rule for w in crossing] == ["case_limit"]
    beyond = rehab.warnings(claim, None, None, [Decimal(10)], Decimal(100020), Decimal(3000), Decimal(100000), False)
    assert beyond == []


@pytest.mark.parametrize(
    ("previous", "on", "status"),
    [
        (None, date(2026, 11, 23), rules.CadenceStatus.FIRST),
        (date(2024, 11, 23), date(2026, 11, 22), rules.CadenceStatus.TOO_SOON),  # a day short of 2 years (000#L1848)
        (date(2024, 11, 23), date(2026, 11, 23), rules.CadenceStatus.DUE),  # 2 years to the day
        (date(2024, 11, 23), date(2028, 11, 23), rules.CadenceStatus.DUE),  # 4 years to the day: not yet overdue
        (date(2024, 11, 23), date(2028, 11, 24), rules.CadenceStatus.OVERDUE),  # beyond 4 years: flagged
        (date(2024, 2, 29), date(2026, 2, 28), rules.CadenceStatus.DUE),  # 29 February falls back to the 28th
    ],
)
def test_the_heritage_cadence_of_two_to_four_years(previous: date | None, on: date, status: str) -> None:
    assert ICH.cadence is not None and (ICH.cadence.min_years, ICH.cadence.max_years) == (2, 4)
    found = rules.cadence(previous, on, ICH.cadence.min_years, ICH.cadence.max_years)
    assert found.status == status
    if previous is not None:
        assert found.earliest is not None and found.latest is not None and found.earliest < found.latest
    assert AWARD.cadence is None  # 市长质量奖“适时组织开展” (000#L62): no cadence

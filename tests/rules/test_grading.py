"""事故分级 across every accident plan: Decree 493 boundaries, plan variants, provisional grades, properties."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.rules.strategies import known_facts, worse_facts
from yingji.plans.loader import all_plans
from yingji.plans.schema import Measure, Plan
from yingji.rules.facts import AccidentFacts
from yingji.rules.grading import grade_accident
from yingji.rules.levels import Grade
from yingji.rules.response import response_level

ACCIDENT_PLANS = [p for p in all_plans().values() if p.grading is not None]
PLAN_IDS = [p.id for p in ACCIDENT_PLANS]

# Decree 493 第三条 and every plan's 附件1: "以上"含本数, "以下"不含本数 (e.g. 000#L727, 000#L1508).
BOUNDARIES = [
    ("deaths", 2, Grade.ORDINARY),
    ("deaths", 3, Grade.LARGER),
    ("deaths", 9, Grade.LARGER),
    ("deaths", 10, Grade.MAJOR),
    ("deaths", 29, Grade.MAJOR),
    ("deaths", 30, Grade.EXTRAORDINARY),
    ("serious_injuries", 9, Grade.ORDINARY),
    ("serious_injuries", 10, Grade.LARGER),
    ("serious_injuries", 49, Grade.LARGER),
    ("serious_injuries", 50, Grade.MAJOR),
    ("serious_injuries", 99, Grade.MAJOR),
    ("serious_injuries", 100, Grade.EXTRAORDINARY),
    ("direct_loss_yuan", 9_999_999, Grade.ORDINARY),
    ("direct_loss_yuan", 10_000_000, Grade.LARGER),
    ("direct_loss_yuan", 49_999_999, Grade.LARGER),
    ("direct_loss_yuan", 50_000_000, Grade.MAJOR),
    ("direct_loss_yuan", 99_999_999, Grade.MAJOR),
    ("direct_loss_yuan", 100_000_000, Grade.EXTRAORDINARY),
]

ZERO = AccidentFacts(deaths=0, serious_injuries=0, direct_loss_yuan=0)


def band_seeds(plan: Plan, grade: Grade, measure: Measure) -> set[str]:
    assert plan.grading is not None
    if grade is Grade.ORDINARY:
        return {plan.grading.ordinary.seed}
    band = next(b for b in plan.grading.bands if b.grade == grade)
    return {c.basis.seed for c in band.criteria if c.measure is measure}


@pytest.mark.parametrize("plan", ACCIDENT_PLANS, ids=PLAN_IDS)
@pytest.mark.parametrize(("measure", "value", "expected"), BOUNDARIES, ids=[f"{m}={v}" for m, v, _ in BOUNDARIES])
def test_decree_493_boundaries(plan: Plan, measure: str, value: int, expected: Grade) -> None:
    assert plan.grading is not None
    decision = grade_accident(
        plan.grading, dataclasses.replace(ZERO, **cast(dict[str, Any], {measure: value})), plan_id=plan.id
    )
    assert decision.value is expected
    assert not decision.provisional
    cited = {b.seed for b in decision.basis}
    assert band_seeds(plan, expected, Measure(measure)) & cited, "the deciding clause must be cited"
    assert plan.grading.inclusive_rule.seed in cited


@pytest.mark.parametrize("plan", ACCIDENT_PLANS, ids=PLAN_IDS)
@pytest.mark.parametrize(("deaths", "missing", "trapped"), [(1, 2, 0), (0, 0, 3), (2, 0, 1)])
def test_missing_and_trapped_count_only_where_the_plan_says(
    plan: Plan, deaths: int, missing: int, trapped: int
) -> None:
    """Non-coal plans count 失踪/受困 with deaths (000#L713, 003#L16 附件1); Decree-493 plans do not."""
    assert plan.grading is not None
    facts = dataclasses.replace(ZERO, deaths=deaths, missing=missing, trapped=trapped)
    decision = grade_accident(plan.grading, facts, plan_id=plan.id)
    expected = Grade.LARGER if plan.grading.missing_and_trapped_count_as_deaths else Grade.ORDINARY
    assert decision.value is expected


@pytest.mark.parametrize("plan", ACCIDENT_PLANS, ids=PLAN_IDS)
@pytest.mark.parametrize("impact", list(Grade))
def test_social_impact_grades_only_where_the_plan_lists_it(plan: Plan, impact: Grade) -> None:
    assert plan.grading is not None
    decision = grade_accident(plan.grading, dataclasses.replace(ZERO, social_impact=impact), plan_id=plan.id)
    expected = impact if Measure.SOCIAL_IMPACT in plan.grading.measures else Grade.ORDINARY
    assert decision.value is expected


def test_unknown_counts_make_the_grade_provisional() -> None:
    plan = all_plans()["baotou-noncoal-2025"]
    assert plan.grading is not None
    facts = AccidentFacts(deaths=3, serious_injuries=None, direct_loss_yuan=0)
    decision = grade_accident(plan.grading, facts, plan_id=plan.id)
    assert decision.value is Grade.LARGER
    assert decision.provisional


@pytest.mark.parametrize(
    ("deaths", "missing", "trapped", "expected", "provisional"),
    [
        (1, None, 2, Grade.LARGER, True),  # 1 + 2 known already reach 3 (较大): the unknown missing can only add
        (1, None, 1, Grade.ORDINARY, True),  # 2 known: below 3, and the unknown could still lift it
        (None, None, None, Grade.ORDINARY, True),
        (1, 0, 2, Grade.LARGER, False),
        (2, None, 28, Grade.EXTRAORDINARY, False),  # 30 known: nothing unknown can change the most severe grade
    ],
)
def test_known_missing_and_trapped_are_a_lower_bound(
    deaths: int | None, missing: int | None, trapped: int | None, expected: Grade, provisional: bool
) -> None:
    """Non-coal plans count 失踪/受困 with deaths (000#L713): an unknown part leaves a lower bound."""
    plan = all_plans()["baotou-noncoal-2025"]
    assert plan.grading is not None and plan.grading.missing_and_trapped_count_as_deaths
    facts = AccidentFacts(deaths=deaths, missing=missing, trapped=trapped, serious_injuries=0, direct_loss_yuan=0)
    decision = grade_accident(plan.grading, facts, plan_id=plan.id)
    assert (decision.value, decision.provisional) == (expected, provisional)


def test_most_severe_grade_is_final_even_with_unknowns() -> None:
    plan = all_plans()["baotou-noncoal-2025"]
    assert plan.grading is not None
    decision = grade_accident(plan.grading, AccidentFacts(deaths=30, serious_injuries=None), plan_id=plan.id)
    assert decision.value is Grade.EXTRAORDINARY
    assert not decision.provisional


def _level_rank(plan: Plan, facts: AccidentFacts) -> int:
    assert plan.grading is not None
    grade = grade_accident(plan.grading, facts, plan_id=plan.id)
    level = response_level(plan.response, grade, facts, plan_id=plan.id).value
    return 99 if level is None else level.level


@pytest.mark.parametrize("plan", ACCIDENT_PLANS, ids=PLAN_IDS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_more_harm_never_lowers_grade_or_level(plan: Plan, data: st.DataObject) -> None:
    assert plan.grading is not None
    base = data.draw(known_facts())
    worse = data.draw(worse_facts(base))
    assert (
        grade_accident(plan.grading, worse, plan_id=plan.id).value
        <= grade_accident(plan.grading, base, plan_id=plan.id).value
    )
    assert _level_rank(plan, worse) <= _level_rank(plan, base)


@pytest.mark.parametrize("plan", ACCIDENT_PLANS, ids=PLAN_IDS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_provisional_grade_only_rises(plan: Plan, data: st.DataObject) -> None:
    assert plan.grading is not None
    complete = data.draw(known_facts())
    hidden = data.draw(st.sets(st.sampled_from(["deaths", "serious_injuries", "direct_loss_yuan", "missing"])))
    partial = dataclasses.replace(complete, **cast(dict[str, Any], dict.fromkeys(hidden)))
    provisional = grade_accident(plan.grading, partial, plan_id=plan.id)
    final = grade_accident(plan.grading, complete, plan_id=plan.id)
    assert final.value <= provisional.value
    if not provisional.provisional:
        assert final.value == provisional.value


@pytest.mark.parametrize("plan", ACCIDENT_PLANS, ids=PLAN_IDS)
@settings(max_examples=100, deadline=None)
@given(facts=known_facts())
def test_every_decision_cites_a_seed_line(plan: Plan, facts: AccidentFacts) -> None:
    assert plan.grading is not None
    grade = grade_accident(plan.grading, facts, plan_id=plan.id)
    assert grade.basis and all(b.seed for b in grade.basis)
    level = response_level(plan.response, grade, facts, plan_id=plan.id)
    if level.value is not None:
        assert level.basis and all(b.seed for b in level.basis)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        AccidentFacts(deaths=-1)

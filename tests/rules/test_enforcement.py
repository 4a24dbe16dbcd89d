"""The enforcement rules (rules/enforcement.py) against seed 004: the 180-day rule (004#L5955-L5959) at its
boundaries and as a property, leniency vs penalty (004#L5467-L5475), the measures, the blacklists' terms."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.seeds import assert_quoted
from yingji.core.errors import Forbidden, InvalidInput, InvalidState
from yingji.rules import enforcement as rules
from yingji.rules import hazards as hazard_rules
from yingji.rules.basis import Basis
from yingji.rules.enforcement import (
    Accident,
    HazardRecord,
    Liability,
    ListKind,
    Measure,
    ViolationAction,
    ViolationState,
    check_measure,
    hazard_liability,
    list_expiry,
    suspension_triggers,
    violation_step,
    within_window,
)
from yingji.rules.levels import Grade

D0 = date(2025, 3, 1)


@pytest.mark.parametrize(
    "basis",
    [
        rules.LENIENCY_BASIS,
        rules.PENALTY_BASIS,
        rules.SUSPENSION_BASIS,
        rules.REFERRAL_BASIS,
        rules.LIST_TERMS[ListKind.FORESTRY].basis,
        rules.LIST_TERMS[ListKind.FIRE].basis,
        hazard_rules.WEEK_BASIS,
        hazard_rules.FAKE_BASIS,
    ],
    ids=lambda b: f"{b.rule}@{b.seed}",
)
def test_every_clause_is_the_seeds_wording_on_the_cited_lines(basis: Basis) -> None:
    assert basis.seed is not None
    assert_quoted(basis.seed, basis.clause)


def _a(incident_id: int, days: int, grade: Grade) -> Accident:
    return Accident(incident_id, D0 + timedelta(days=days), grade)


# 004#L5955-L5959: 对发生较大及以上生产安全事故或180日内发生2起及以上一般生产安全事故的工贸和非煤矿山企业，
# 依法依规责令停产停业整顿. 以内 includes its number (the first day not counted): 180 days apart is within.
CASES = [
    ("one ordinary", "industry_trade", [_a(1, 0, Grade.ORDINARY)], []),
    ("two ordinary, day 180", "industry_trade", [_a(1, 0, Grade.ORDINARY), _a(2, 180, Grade.ORDINARY)], [(1, 2)]),
    ("two ordinary, day 181", "industry_trade", [_a(1, 0, Grade.ORDINARY), _a(2, 181, Grade.ORDINARY)], []),
    ("two ordinary, same day", "non_coal_mine", [_a(1, 0, Grade.ORDINARY), _a(2, 0, Grade.ORDINARY)], [(1, 2)]),
    ("one larger", "non_coal_mine", [_a(7, 0, Grade.LARGER)], [(7,)]),
    ("one major", "industry_trade", [_a(7, 0, Grade.MAJOR)], [(7,)]),
    (
        "three ordinary in a row",
        "industry_trade",
        [_a(1, 0, Grade.ORDINARY), _a(2, 100, Grade.ORDINARY), _a(3, 200, Grade.ORDINARY)],
        [(1, 2), (2, 3)],  # the third is 200 days after the first: only the second counts with it
    ),
    ("unordered input", "industry_trade", [_a(2, 90, Grade.ORDINARY), _a(1, 0, Grade.ORDINARY)], [(1, 2)]),
]


@pytest.mark.parametrize(("name", "sector", "accidents", "expected"), CASES, ids=[c[0] for c in CASES])
def test_the_180_day_rule(name: str, sector: str, accidents: list[Accident], expected: list[tuple[int, ...]]) -> None:
    decision = suspension_triggers(sector, accidents)
    assert decision.value is not None
    assert [t.incident_ids for t in decision.value] == expected
    assert decision.basis[0].seed == "004#L5955-L5959"


@pytest.mark.parametrize("sector", ["coal_mine", "hazardous_chemicals", "other", None])
def test_the_180_day_rule_is_for_industry_and_trade_and_non_coal_mines(sector: str | None) -> None:
    decision = suspension_triggers(sector, [_a(1, 0, Grade.LARGER)])
    assert decision.value is None and decision.notes


@pytest.mark.parametrize(("gap", "inside"), [(0, True), (179, True), (180, True), (181, False), (-1, False)])
def test_the_window(gap: int, inside: bool) -> None:
    assert within_window(D0, D0 + timedelta(days=gap)) is inside


ACCIDENTS = st.lists(
    st.builds(
        Accident,
        incident_id=st.integers(1, 10_000),
        occurred_on=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
        grade=st.sampled_from(list(Grade)),
    ),
    max_size=8,
    unique_by=lambda a: a.incident_id,
)


@given(ACCIDENTS)
def test_a_trigger_exists_exactly_when_the_seed_says_so(accidents: list[Accident]) -> None:
    """Property: suspension is due iff a 较大-or-worse accident happened, or two 一般 ones within 180 days."""
    decision = suspension_triggers("industry_trade", accidents)
    assert decision.value is not None
    ordinary = sorted(a.occurred_on for a in accidents if a.grade is Grade.ORDINARY)
    severe = any(a.grade <= Grade.LARGER for a in accidents)
    close = any((b - a).days <= 180 for a, b in pairwise(ordinary))
    assert bool(decision.value) == (severe or close)
    for trigger in decision.value:  # every trigger names accidents of the input, the completing one last
        named = {a.incident_id: a for a in accidents}
        assert all(i in named for i in trigger.incident_ids)
        assert named[trigger.incident_ids[-1]].occurred_on == trigger.occurred_on


@given(ACCIDENTS, st.builds(Accident, st.integers(20_000, 30_000), st.dates(), st.sampled_from(list(Grade))))
def test_another_accident_never_takes_a_trigger_away(accidents: list[Accident], extra: Accident) -> None:
    before = suspension_triggers("non_coal_mine", accidents).value or ()
    after = suspension_triggers("non_coal_mine", [*accidents, extra]).value or ()
    assert {t.incident_ids[-1] for t in before} <= {t.incident_ids[-1] for t in after}


@pytest.mark.parametrize(
    ("record", "liability"),
    [
        (HazardRecord(True, "rectifying", False, False), Liability.LENIENCY),  # 004#L5467-L5469
        (HazardRecord(True, "awaiting_acceptance", False, False), Liability.LENIENCY),
        (HazardRecord(True, "closed", False, False), Liability.LENIENCY),
        (HazardRecord(True, "reported", False, False), Liability.PENDING),
        (HazardRecord(True, "rectifying", True, False), Liability.PENALTY),  # 查出后拒不整改 (overdue)
        (HazardRecord(False, "rectifying", False, False), Liability.PENALTY),  # 明明有问题却查不出 (004#L5471)
        (HazardRecord(True, "rectifying", False, True), Liability.PENALTY),  # 虚假整改、纸面整改 (004#L5473-L5475)
        (HazardRecord(False, "dismissed", False, False), Liability.NONE),
    ],
)
def test_leniency_or_penalty(record: HazardRecord, liability: Liability) -> None:
    decision = hazard_liability(record)
    assert decision.value is liability
    if liability is Liability.LENIENCY:
        assert decision.basis[0].seed == "004#L5467-L5469"
    if liability is Liability.PENALTY:
        assert decision.basis[0].seed == "004#L5471-L5475"


def test_measures() -> None:
    check_measure(Measure.FINE, 20_000.0, Liability.PENALTY)
    check_measure(Measure.CORRECT, None, Liability.LENIENCY)  # 责令改正 is not a penalty
    for measure, fine, liability, field in [
        (Measure.FINE, None, Liability.PENALTY, "fine_yuan"),
        (Measure.FINE, 0.0, Liability.PENALTY, "fine_yuan"),
        (Measure.CORRECT, 100.0, Liability.PENALTY, "fine_yuan"),
        (Measure.FINE, 100.0, Liability.LENIENCY, "measure"),
        (Measure.SUSPEND, None, Liability.LENIENCY, "measure"),
        (Measure.LICENCE, None, Liability.LENIENCY, "measure"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            check_measure(measure, fine, liability)
        assert refused.value.field == field


def test_violation_steps() -> None:
    assert violation_step(ViolationState.PROPOSED, ViolationAction.DECIDE, supervisor=True) is ViolationState.DECIDED
    assert (
        violation_step(ViolationState.PROPOSED, ViolationAction.WITHDRAW, supervisor=True) is ViolationState.WITHDRAWN
    )
    with pytest.raises(Forbidden):
        violation_step(ViolationState.PROPOSED, ViolationAction.DECIDE, supervisor=False)
    for state in (ViolationState.DECIDED, ViolationState.WITHDRAWN):
        for action in ViolationAction:
            with pytest.raises(InvalidState) as refused:
                violation_step(state, action, supervisor=True)
            assert refused.value.subcode == f"enforcement.violation.{action.value}.state"


def test_blacklist_terms() -> None:
    # forestry: 3 years by the seed (004#L8219-L8223); an entered date must agree
    assert list_expiry(ListKind.FORESTRY, date(2025, 6, 1), None) == date(2028, 6, 1)
    assert list_expiry(ListKind.FORESTRY, date(2024, 2, 29), None) == date(2027, 2, 28)
    with pytest.raises(InvalidInput):
        list_expiry(ListKind.FORESTRY, date(2025, 6, 1), date(2026, 6, 1))
    # fire 失信: no term in the seed (004#L8712-L8722), so the expiry is entered
    with pytest.raises(InvalidInput) as missing:
        list_expiry(ListKind.FIRE, date(2025, 6, 1), None)
    assert missing.value.subcode == "enforcement.blacklist.expiry_required"
    assert list_expiry(ListKind.FIRE, date(2025, 6, 1), date(2026, 6, 1)) == date(2026, 6, 1)
    with pytest.raises(InvalidInput):
        list_expiry(ListKind.OTHER, date(2025, 6, 1), date(2025, 6, 1))
    assert rules.is_listed(date(2025, 6, 1), date(2028, 6, 1), None, date(2028, 5, 31))
    assert not rules.is_listed(date(2025, 6, 1), date(2028, 6, 1), None, date(2028, 6, 1))
    assert not rules.is_listed(date(2025, 6, 1), date(2028, 6, 1), date(2026, 1, 1), date(2026, 1, 1))


@pytest.mark.parametrize(
    ("found_on", "deadline", "needs"),
    [(D0, D0 + timedelta(days=7), False), (D0, D0 + timedelta(days=8), True), (D0, D0, False)],
)
def test_the_week(found_on: date, deadline: date, needs: bool) -> None:
    """004#L4254: 一般隐患原则上一周内完成整改 — day 7 is within the week, day 8 needs consent; major hazards never."""
    assert hazard_rules.needs_consent(hazard_rules.HazardGrade.GENERAL, found_on, deadline) is needs
    assert hazard_rules.needs_consent(hazard_rules.HazardGrade.MAJOR, found_on, deadline) is False

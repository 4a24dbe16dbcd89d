"""The hazard closed loop (rules/hazards.py): each legal step, every illegal one refused, 五落实, the overdue ladder."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.core.errors import Forbidden, InvalidInput, InvalidState
from yingji.rules.hazards import (
    FiveImplementations,
    HazardAction,
    HazardState,
    LadderStep,
    Party,
    check_five,
    ladder_step,
    transition,
)

S, A, P = HazardState, HazardAction, Party
# Written out from issue 7 and seed 004#L7947-L7949 (验收销号 by the supervising department), not from the table.
LEGAL = {
    (S.REPORTED, A.CONFIRM, P.SUPERVISOR): S.CONFIRMED,
    (S.REPORTED, A.CONFIRM, P.ENTERPRISE): S.CONFIRMED,  # an enterprise confirms its own self-check finding
    (S.REPORTED, A.DISMISS, P.SUPERVISOR): S.DISMISSED,
    (S.CONFIRMED, A.PLAN, P.ENTERPRISE): S.RECTIFYING,
    (S.CONFIRMED, A.PLAN, P.SUPERVISOR): S.RECTIFYING,
    (S.RECTIFYING, A.SUBMIT, P.ENTERPRISE): S.AWAITING_ACCEPTANCE,
    (S.RECTIFYING, A.SUBMIT, P.SUPERVISOR): S.AWAITING_ACCEPTANCE,
    (S.AWAITING_ACCEPTANCE, A.ACCEPT, P.SUPERVISOR): S.CLOSED,
    (S.AWAITING_ACCEPTANCE, A.REJECT, P.SUPERVISOR): S.RECTIFYING,
    # consent to a longer deadline: the supervisor's, while rectifying (004#L4254 "原则上一周内")
    (S.RECTIFYING, A.EXTEND, P.SUPERVISOR): S.RECTIFYING,
    # a closed hazard found unrectified is re-opened by the supervisor (004#L718-L724)
    (S.CLOSED, A.REOPEN, P.SUPERVISOR): S.RECTIFYING,
}


@pytest.mark.parametrize(("state", "action", "party"), list(LEGAL), ids=str)
def test_legal_steps(state: HazardState, action: HazardAction, party: Party) -> None:
    assert transition(state, action, party) is LEGAL[(state, action, party)]


ILLEGAL = [(s, a, p) for s in S for a in A for p in P if (s, a, p) not in LEGAL]
SUPERVISOR_ONLY = {A.DISMISS, A.ACCEPT, A.REJECT, A.EXTEND, A.REOPEN}  # the enterprise never takes these, in any state


@pytest.mark.parametrize(("state", "action", "party"), ILLEGAL, ids=str)
def test_every_other_step_is_refused_with_its_basis(state: HazardState, action: HazardAction, party: Party) -> None:
    """The wrong party is 403 whatever the state; the right party in the wrong state is 409."""
    wrong_party = party is P.ENTERPRISE and action in SUPERVISOR_ONLY
    with pytest.raises(Forbidden if wrong_party else InvalidState) as refused:
        transition(state, action, party)
    assert refused.value.status == (403 if wrong_party else 409)
    reason = "not_supervisor" if wrong_party else "state"
    assert refused.value.subcode == f"hazard.{action.value}.{reason}"
    assert refused.value.basis and refused.value.basis[0].seed == "004#L7947-L7949"
    assert action.label in refused.value.render() and action.value not in refused.value.render()


def test_an_enterprise_cannot_close_its_own_hazard() -> None:
    with pytest.raises(Forbidden) as refused:
        transition(S.AWAITING_ACCEPTANCE, A.ACCEPT, P.ENTERPRISE)
    assert "负有监管职责的部门" in refused.value.render() and refused.value.subcode == "hazard.accept.not_supervisor"


FULL = FiveImplementations(
    "张三（矿长）", "更换主扇、加密巡检", 120_000.0, date(2026, 12, 31), "停产撤人，启动现场处置方案"
)


@pytest.mark.parametrize("missing", ["responsible", "measures", "funds_yuan", "deadline", "contingency_plan"])
def test_five_implementations_are_all_required(missing: str) -> None:
    plan = FiveImplementations(**{**FULL.__dict__, missing: None})
    with pytest.raises(InvalidInput) as refused:
        check_five(plan, today=date(2026, 11, 23))
    assert refused.value.field == missing and "五落实" in refused.value.render()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"measures": "   "}, "measures"),
        ({"funds_yuan": -1.0}, "funds_yuan"),
        ({"deadline": date(2026, 11, 22)}, "deadline"),
    ],
)
def test_five_implementations_values(change: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_five(FiveImplementations(**{**FULL.__dict__, **change}), today=date(2026, 11, 23))
    assert refused.value.field == field


def test_a_complete_plan_passes_including_zero_funds_and_a_deadline_today() -> None:
    check_five(
        FiveImplementations(**{**FULL.__dict__, "funds_yuan": 0.0, "deadline": date(2026, 11, 23)}), date(2026, 11, 23)
    )


LADDER = [
    LadderStep("letter", "函告", 0),
    LadderStep("circular", "通报", 7),
    LadderStep("summons", "约谈", 15),
    LadderStep("exposure", "曝光", 30),
]


@pytest.mark.parametrize(
    ("today", "rungs"),
    [
        (date(2026, 12, 30), 0),  # before the deadline
        (date(2026, 12, 31), 1),  # on the deadline day: a reminder
        (date(2027, 1, 6), 1),
        (date(2027, 1, 7), 2),  # 7 days overdue: listed supervision
        (date(2027, 1, 15), 3),
        (date(2027, 1, 30), 4),
    ],
)
def test_overdue_ladder(today: date, rungs: int) -> None:
    assert ladder_step(date(2026, 12, 31), today, LADDER) == rungs


def test_the_ladder_must_ascend() -> None:
    with pytest.raises(InvalidInput):
        ladder_step(date(2026, 1, 1), date(2026, 2, 1), [LADDER[1], LADDER[0]])


@given(st.dates(), st.integers(0, 400))
def test_the_ladder_never_goes_down_as_days_pass(deadline: date, days: int) -> None:
    from datetime import timedelta

    try:
        earlier, later = deadline + timedelta(days=days), deadline + timedelta(days=days + 1)
    except OverflowError:
        return
    assert ladder_step(deadline, earlier, LADDER) <= ladder_step(deadline, later, LADDER)

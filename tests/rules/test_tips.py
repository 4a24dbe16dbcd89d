"""The tip loop (rules/tips.py): 受理 → 核查 → 反馈 → 销号, every other step refused, and the reward checks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.core.errors import InvalidInput, InvalidState
from yingji.rules.basis import Basis
from yingji.rules.tips import TipAction, TipState, check_reward, tip_transition
from yingji.tips.schema import reward_cap

S, A = TipState, TipAction
# Written out from seed 002#L260 (“受理-核查-反馈-销号”全闭环), not copied from TIP_TRANSITIONS.
LEGAL = {
    (S.RECEIVED, A.ACCEPT): S.ACCEPTED,
    (S.ACCEPTED, A.VERIFY): S.VERIFIED,
    (S.VERIFIED, A.ANSWER): S.ANSWERED,
    (S.ANSWERED, A.CLOSE): S.CLOSED,
}
ILLEGAL = [(s, a) for s in S for a in A if (s, a) not in LEGAL]


def test_the_pairs_cover_every_state_and_action() -> None:
    assert len(LEGAL) + len(ILLEGAL) == len(S) * len(A) == 20


@pytest.mark.parametrize(("state", "action"), list(LEGAL), ids=str)
def test_legal_steps(state: TipState, action: TipAction) -> None:
    assert tip_transition(state, action) is LEGAL[(state, action)]


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=str)
def test_every_other_step_is_refused_with_its_basis(state: TipState, action: TipAction) -> None:
    with pytest.raises(InvalidState) as refused:
        tip_transition(state, action)
    assert refused.value.status == 409 and refused.value.subcode == f"tip.{action.value}.state"
    assert refused.value.basis and refused.value.basis[0].seed == "002#L272"
    assert f"不能{action.label}" in refused.value.render()  # named in Chinese


def test_a_closed_tip_takes_no_step() -> None:
    with pytest.raises(InvalidState) as refused:
        tip_transition(S.CLOSED, A.CLOSE)
    assert "已销号" in refused.value.render()


def test_the_whole_loop_in_order() -> None:
    state = S.RECEIVED
    for action in (A.ACCEPT, A.VERIFY, A.ANSWER, A.CLOSE):
        state = tip_transition(state, action)
    assert state is S.CLOSED


# --- rewards --------------------------------------------------------------------------------------------------------

BASIS = [Basis(rule="tip_reward", plan="hulunbuir-max-reward", clause="最高奖励30万元", seed="002#L272")]
CAP = Decimal(300000)


def test_a_negative_reward_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_reward(Decimal("-0.01"), substantiated=True, cap=CAP, basis=BASIS)
    assert refused.value.field == "reward_yuan"


def test_no_reward_for_an_unsubstantiated_tip() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_reward(Decimal("0.01"), substantiated=False, cap=CAP, basis=BASIS)
    assert refused.value.field == "reward_yuan" and "不属实" in refused.value.render()
    check_reward(Decimal(0), substantiated=False, cap=CAP, basis=BASIS)  # closing without a reward is fine


def test_exactly_the_cap_is_accepted_and_a_cent_more_refused() -> None:
    cap, basis = reward_cap("150702")  # 海拉尔区, inside Hulunbuir: 最高奖励30万元 (seed 002#L272)
    assert cap == CAP
    check_reward(cap, substantiated=True, cap=cap, basis=basis)
    with pytest.raises(InvalidInput) as refused:
        check_reward(cap + Decimal("0.01"), substantiated=True, cap=cap, basis=basis)
    assert refused.value.field == "reward_yuan" and "300,000" in refused.value.render()


@given(st.decimals(min_value=0, max_value=Decimal("1e12"), allow_nan=False, allow_infinity=False, places=2))
def test_without_a_cap_any_non_negative_amount_is_accepted(amount: Decimal) -> None:
    check_reward(amount, substantiated=True, cap=None, basis=[])


@given(st.decimals(max_value=Decimal("-0.01"), allow_nan=False, allow_infinity=False, places=2))
def test_without_a_cap_a_negative_amount_is_still_refused(amount: Decimal) -> None:
    with pytest.raises(InvalidInput):
        check_reward(amount, substantiated=True, cap=None, basis=[])

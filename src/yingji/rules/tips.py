"""The public tip 举报 loop as pure rules: (收到 →) 受理 → 核查 → 反馈 → 销号 and the reward cap.

Hulunbuir's plan (seed 002#L272): “最高奖励30万元；畅通12350等举报渠道，实现全闭环管理”; the loop's four steps are the
notes' reading of “受理-核查-反馈-销号”. A reward is decided at closing, only for a substantiated tip, within the cap
the reward rules (data) give.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from yingji.core.errors import InvalidInput, InvalidState
from yingji.core.labels import LabelledEnum
from yingji.rules.basis import Basis

LOOP_BASIS = Basis(
    rule="tip_closed_loop",
    plan="hulunbuir-mines-15th",
    clause="最高奖励30万元；畅通12350等举报渠道，实现全闭环管理",
    seed="002#L272",
)


class TipState(LabelledEnum):
    RECEIVED = "received", "待受理"  # 已收到（公众网上提交）
    ACCEPTED = "accepted", "已受理"
    VERIFIED = "verified", "已核查"
    ANSWERED = "answered", "已反馈"
    CLOSED = "closed", "已销号"


class TipAction(LabelledEnum):
    ACCEPT = "accept", "受理"  # 受理人即经办人
    VERIFY = "verify", "核查"  # 属实/不属实
    ANSWER = "answer", "反馈"  # 向举报人反馈
    CLOSE = "close", "销号"  # 含奖励决定


TIP_TRANSITIONS: dict[TipState, dict[TipAction, TipState]] = {
    TipState.RECEIVED: {TipAction.ACCEPT: TipState.ACCEPTED},
    TipState.ACCEPTED: {TipAction.VERIFY: TipState.VERIFIED},
    TipState.VERIFIED: {TipAction.ANSWER: TipState.ANSWERED},
    TipState.ANSWERED: {TipAction.CLOSE: TipState.CLOSED},
    TipState.CLOSED: {},
}


def tip_transition(state: TipState, action: TipAction) -> TipState:
    allowed = TIP_TRANSITIONS[state]
    if action not in allowed:
        steps = "、".join(a.label for a in allowed) or "无（已销号）"
        raise InvalidState(
            field="state",
            subcode=f"tip.{action.value}.state",
            reason=f"“{state.label}”的举报不能{action.label}；可执行：{steps}",
            basis=[LOOP_BASIS],
        )
    return allowed[action]


def check_reward(amount: Decimal, *, substantiated: bool, cap: Decimal | None, basis: Sequence[Basis]) -> None:
    """A reward is non-negative, only for a substantiated tip, and never above the cap (None: no amount in the
    rules covering the tip; the decision then rests on the note the handler writes)."""
    if amount < 0:
        raise InvalidInput(field="reward_yuan", reason="奖励金额不能为负")
    if amount > 0 and not substantiated:
        raise InvalidInput(field="reward_yuan", reason="举报经核查不属实，不予奖励", basis=basis)
    if cap is not None and amount > cap:
        raise InvalidInput(field="reward_yuan", reason=f"奖励金额超过上限 {cap:,.0f} 元", basis=basis)

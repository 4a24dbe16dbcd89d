"""The hazard 隐患 closed loop as pure rules: states, who may take which step, 五落实, and the overdue ladder.

reported → confirmed → rectifying → awaiting acceptance → closed 销号, with rejection back to rectifying and a
reported hazard that verification finds untrue dismissed. Rectification needs all of 五落实 — 整改责任、措施、资金、时限
和预案 (seed 004#L7947-L7949, 杭锦旗 three-year campaign) — and only the supervising department accepts and closes
("验收销号闭环管理", same lines). Overdue rectification climbs a ladder whose steps and delays are data: the
steps and their order are the seed's (函告、通报、约谈、曝光, 004#L734-L736, L5937), the day counts are platform
defaults. A general hazard is rectified within one week of being found unless the supervisor consents to more
(004#L4254); a closed hazard found unrectified is re-opened as fake rectification (004#L718-L724).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from yingji.core.errors import Forbidden, InvalidInput, InvalidState
from yingji.core.labels import LabelledEnum
from yingji.rules.basis import Basis

FIVE_BASIS = Basis(
    rule="hazard_five_implementations",
    plan="hangjin-campaign",
    clause="做到整改责任、措施、资金、时限和预案“五落实”，要实行验收销号闭环管理",
    seed="004#L7947-L7949",
)


class HazardState(LabelledEnum):
    REPORTED = "reported", "已上报"
    CONFIRMED = "confirmed", "已确认"
    RECTIFYING = "rectifying", "整改中"
    AWAITING_ACCEPTANCE = "awaiting_acceptance", "待验收"
    CLOSED = "closed", "已销号"
    DISMISSED = "dismissed", "核实不属实"


class HazardAction(LabelledEnum):
    CONFIRM = "confirm", "确认"
    DISMISS = "dismiss", "核实不属实"
    PLAN = "plan", "落实整改"  # 五落实
    SUBMIT = "submit", "申请验收"  # 整改完成
    ACCEPT = "accept", "验收销号"
    REJECT = "reject", "验收不合格退回"
    EXTEND = "extend", "审批延期整改"  # the supervisor's consent to a deadline beyond the week (004#L4254)
    REOPEN = "reopen", "认定虚假整改并重新整改"  # a closed hazard found unrectified (004#L718-L724)


class Party(LabelledEnum):
    ENTERPRISE = "enterprise", "企业"  # the enterprise that must rectify
    SUPERVISOR = "supervisor", "负有监管职责的部门"  # the supervising department (officers in scope)


# state → action → (next state, who may act)
TRANSITIONS: dict[HazardState, dict[HazardAction, tuple[HazardState, frozenset[Party]]]] = {
    HazardState.REPORTED: {
        HazardAction.CONFIRM: (HazardState.CONFIRMED, frozenset({Party.SUPERVISOR, Party.ENTERPRISE})),
        HazardAction.DISMISS: (HazardState.DISMISSED, frozenset({Party.SUPERVISOR})),
    },
    HazardState.CONFIRMED: {
        HazardAction.PLAN: (HazardState.RECTIFYING, frozenset({Party.ENTERPRISE, Party.SUPERVISOR})),
    },
    HazardState.RECTIFYING: {
        # the supervisor may submit for an enterprise without an account (with a note; see hazards.service)
        HazardAction.SUBMIT: (HazardState.AWAITING_ACCEPTANCE, frozenset({Party.ENTERPRISE, Party.SUPERVISOR})),
        # consent to (or refusal of) a requested longer deadline: the hazard stays in rectification
        HazardAction.EXTEND: (HazardState.RECTIFYING, frozenset({Party.SUPERVISOR})),
    },
    HazardState.AWAITING_ACCEPTANCE: {
        HazardAction.ACCEPT: (HazardState.CLOSED, frozenset({Party.SUPERVISOR})),
        HazardAction.REJECT: (HazardState.RECTIFYING, frozenset({Party.SUPERVISOR})),
    },
    HazardState.CLOSED: {
        HazardAction.REOPEN: (HazardState.RECTIFYING, frozenset({Party.SUPERVISOR})),
    },
    HazardState.DISMISSED: {},
}


def may_take(state: HazardState, action: HazardAction, party: Party) -> bool:
    step = TRANSITIONS[state].get(action)
    return step is not None and party in step[1]


def steps(state: HazardState, party: Party) -> list[HazardAction]:
    """The steps ``party`` may take on a hazard in ``state`` now, in workflow order."""
    return [action for action, (_, parties) in TRANSITIONS[state].items() if party in parties]


def parties_of(action: HazardAction) -> frozenset[Party]:
    """Every party that takes ``action`` in some state."""
    return frozenset(p for moves in TRANSITIONS.values() if action in moves for p in moves[action][1])


def transition(state: HazardState, action: HazardAction, party: Party) -> HazardState:
    """The next state; Forbidden (403) when this party never takes the step, InvalidState (409) when the hazard's
    state does not allow it now."""
    parties = parties_of(action)
    if party not in parties:
        who = (
            "supervisor"
            if parties == {Party.SUPERVISOR}
            else "enterprise"
            if parties == {Party.ENTERPRISE}
            else "party"
        )
        raise Forbidden(
            subcode=f"hazard.{action.value}.not_{who}",
            reason=f"{action.label}只能由{'、'.join(p.label for p in sorted(parties))}执行",
            basis=[FIVE_BASIS],
        )
    allowed = TRANSITIONS[state]
    if action not in allowed or party not in allowed[action][1]:
        options = "、".join(a.label for a in steps(state, party)) or "无（流程已结束）"
        raise InvalidState(
            field="state",
            subcode=f"hazard.{action.value}.state",
            reason=f"“{state.label}”的隐患不能{action.label}；可执行：{options}",
            basis=[FIVE_BASIS],
        )
    return allowed[action][0]


@dataclass(frozen=True)
class FiveImplementations:
    """五落实: responsible person, measures, funds (yuan), deadline, contingency plan — every one required."""

    responsible: str | None
    measures: str | None
    funds_yuan: float | None
    deadline: date | None
    contingency_plan: str | None


FIVE_LABELS = {
    "responsible": "整改责任人",
    "measures": "整改措施",
    "funds_yuan": "整改资金",
    "deadline": "整改时限",
    "contingency_plan": "应急预案（整改期间的防范措施）",
}


def check_five(plan: FiveImplementations, today: date) -> None:
    """Refuse a rectification plan missing any of the five, with negative funds (zero is allowed: measures that
    cost nothing), or a past deadline."""
    missing = [
        name
        for name in FIVE_LABELS
        if getattr(plan, name) is None or (isinstance(getattr(plan, name), str) and not getattr(plan, name).strip())
    ]
    if missing:
        raise InvalidInput(
            field=missing[0],
            reason=f"整改须“五落实”，缺少：{'、'.join(FIVE_LABELS[m] for m in missing)}",
            basis=[FIVE_BASIS],
            details=[{"field": m, "problem": "必填"} for m in missing],
        )
    if plan.funds_yuan is not None and plan.funds_yuan < 0:
        raise InvalidInput(field="funds_yuan", reason="整改资金不能为负", basis=[FIVE_BASIS])
    if plan.deadline is not None and plan.deadline < today:
        raise InvalidInput(field="deadline", reason="整改时限不能早于今天", basis=[FIVE_BASIS])


def is_overdue(state: HazardState, deadline: date | None, on: date) -> bool:
    """Still being rectified after its deadline day (the deadline day itself is in time)."""
    return state is HazardState.RECTIFYING and deadline is not None and deadline < on


@dataclass(frozen=True)
class LadderStep:
    """One rung of the overdue ladder: taken when rectification is ``after_days`` past its deadline. The measure and
    its place in the order cite the seed; ``after_days`` is a platform default unless ``days_seed`` cites a line."""

    action: str  # letter / circular / summons / exposure
    label: str
    after_days: int
    seed: str | None = None  # where the seed names the measure
    days_seed: str | None = None  # None: the day count is a platform default, not a seed fact


def ladder_step(deadline: date, today: date, ladder: Sequence[LadderStep]) -> int:
    """How many rungs are due (0: not overdue yet). Rungs must be in ascending order of ``after_days``."""
    if any(b.after_days <= a.after_days for a, b in pairwise(ladder)):
        raise InvalidInput(field="ladder", reason="督办阶梯的天数必须严格递增")
    late = (today - deadline).days
    return sum(1 for step in ladder if late >= step.after_days)


class HazardGrade(LabelledEnum):
    GENERAL = "general", "一般"  # 一般事故隐患
    MAJOR = "major", "重大"  # 重大事故隐患


# --- the rectification deadline -------------------------------------------------------------------------------------

GENERAL_RECTIFICATION_DAYS = 7
WEEK_BASIS = Basis(
    rule="general_hazard_week",
    plan="hangjin-campaign",
    clause="一般隐患原则上一周内完成整改，重大问题隐患限期完成",
    seed="004#L4254",
    quote="一般隐患原则上一周内完成整改，重大问题隐患限期完成",
)


class DeadlineBasis(LabelledEnum):
    """Why a hazard's rectification deadline is what it is."""

    UNSET = "unset", "未定整改时限"
    WEEK = "week", "一般隐患一周内整改"
    EXTENSION_PENDING = "extension_pending", "申请延期，待监管部门同意（暂按一周时限）"
    EXTENDED = "extended", "超过一周，经监管部门同意"
    MAJOR = "major", "重大隐患限期整改"


def week_deadline(found_on: date) -> date:
    """The latest deadline a general hazard gets without consent: one week after the day it was found."""
    return found_on + timedelta(days=GENERAL_RECTIFICATION_DAYS)


def needs_consent(grade: HazardGrade, found_on: date, deadline: date) -> bool:
    """Whether a deadline is beyond the week a general hazard has in principle (major hazards have a set term)."""
    return grade is HazardGrade.GENERAL and deadline > week_deadline(found_on)


def require_reason(grade: HazardGrade, found_on: date, deadline: date, reason: str | None) -> None:
    """A general hazard's deadline beyond the week needs its reason written down (422 otherwise)."""
    if needs_consent(grade, found_on, deadline) and not (reason or "").strip():
        raise InvalidInput(
            field="deadline_reason",
            subcode="hazard.rectify.reason_required",
            reason=f"一般隐患原则上一周内完成整改（发现之日起至 {week_deadline(found_on)}）；"
            "更长的整改时限须写明理由，并经监管部门同意",
            basis=[WEEK_BASIS],
        )


# --- fake rectification ---------------------------------------------------------------------------------------------

FAKE_BASIS = Basis(
    rule="fake_rectification",
    plan="hangjin-campaign",
    clause="重大事故隐患整改不到位、虚假整改、“纸面整改”的，参照事故调查处理，查清问题并依法依规严肃追究责任",
    seed="004#L718-L724",
)


class RectificationFault(LabelledEnum):
    """How a closed hazard turned out not to be rectified (004#L720-L722)."""

    FAKE = "fake", "虚假整改"
    PAPER = "paper", "纸面整改"
    INCOMPLETE = "incomplete", "整改不到位"


def determine_grade(criteria: Sequence[str], applicable: frozenset[str], note: str | None) -> HazardGrade:
    """Major exactly when a judging criterion applies: a code from the enterprise's checklist, or — where no
    checklist covers its sector — a written basis. Unknown codes and criteria without a checklist are refused."""
    unknown = [c for c in criteria if c not in applicable]
    if unknown:
        known = "；".join(sorted(applicable)[:3]) + ("……" if len(applicable) > 3 else "")
        raise InvalidInput(
            field="criteria",
            reason=f"判定依据「{unknown[0]}」不在该企业适用的重大事故隐患判定标准中"
            + (f"（如：{known}）" if known else ""),
        )
    if criteria:
        return HazardGrade.MAJOR
    if note and note.strip() and not applicable:
        return HazardGrade.MAJOR
    return HazardGrade.GENERAL

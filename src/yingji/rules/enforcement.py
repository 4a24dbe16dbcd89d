"""Enforcement as pure rules: leniency or penalty for a hazard, the 180-day accident rule, the violation and
referral steps, and the blacklists' terms.

- A major hazard the enterprise found itself, reported and is eliminating with effective measures is not penalised
  ("依法不予行政处罚", 004#L5467-L5469); one found by inspectors ("明明有问题却查不出"), left unrectified, or faked or
  rectified on paper is penalised, the enterprise and its principal both (004#L5471-L5475).
- An industry-and-trade or non-coal-mine enterprise with a 较大 or worse accident, or two or more 一般 accidents within
  180 days, is ordered to suspend production for rectification (责令停产停业整顿, 004#L5955-L5959).
- Hazards outside a department's remit are passed (抄告、移交) to the competent department (004#L4424-L4427, the
  culture-and-tourism sub-plan's wording, applied here to every inspecting department).
- Blacklists: forestry's bars an entity from Hangjin forestry and grassland projects for 3 years (004#L8219-L8223);
  fire's 失信 list has no term in the seed, so its expiry is entered with each listing (004#L8712-L8722).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from yingji.core.errors import Forbidden, InvalidInput, InvalidState
from yingji.core.labels import LabelledEnum
from yingji.rules.basis import Basis, Decision
from yingji.rules.levels import Grade

PLAN = "hangjin-campaign"

LENIENCY_BASIS = Basis(
    rule="hazard_liability",
    plan=PLAN,
    clause="对企业自查后查出的重大事故隐患，已按规定报告并正在采取有效措施消除的，依法不予行政处罚",
    seed="004#L5467-L5469",
)
PENALTY_BASIS = Basis(
    rule="hazard_liability",
    plan=PLAN,
    clause="未开展排查、明明有问题却查不出或者查出后拒不整改等导致重大事故隐患长期存在的，以及重大事故隐患整改不到位、"
    "虚假整改、“纸面整改”的，要依法对企业和企业主要负责人实施处罚",
    seed="004#L5471-L5475",
)
SUSPENSION_BASIS = Basis(
    rule="accident_suspension",
    plan=PLAN,
    clause="对发生较大及以上生产安全事故或180日内发生2起及以上一般生产安全事故的工贸和非煤矿山企业，依法依规责令停产停业整顿",
    seed="004#L5955-L5959",
)
REFERRAL_BASIS = Basis(
    rule="referral",
    plan=PLAN,
    clause="日常检查工作中发现的安全生产隐患问题，不属于文化和旅游职责的，要按照安全生产、消防、特种设备等法律法规，及时抄告、"
    "移交有关部门",
    seed="004#L4424-L4427",
)


# --- leniency or penalty --------------------------------------------------------------------------------------------


class Liability(LabelledEnum):
    LENIENCY = "leniency", "自查上报并整改，依法不予行政处罚"
    PENALTY = "penalty", "依法处罚（企业及其主要负责人）"
    PENDING = "pending", "待定（尚未落实整改）"
    NONE = "none", "不适用"


@dataclass(frozen=True)
class HazardRecord:
    """What the liability rule needs of a hazard (rules stay free of the hazard tables)."""

    self_reported: bool  # found by the enterprise's own check and reported by it (企业自查上报)
    state: str  # a rules.hazards.HazardState value
    overdue: bool  # still rectifying past its deadline
    faulted: bool  # re-opened as fake / paper / incomplete rectification


EFFECTIVE = frozenset({"rectifying", "awaiting_acceptance", "closed"})  # 正在采取有效措施消除 (or done)


def hazard_liability(record: HazardRecord) -> Decision[Liability]:
    """Leniency for a self-reported hazard being (or already) rectified in time; penalty for one inspectors or the
    public found, one faked, or a self-reported one whose rectification is overdue; pending before 五落实."""
    if record.state == "dismissed":
        return Decision(Liability.NONE, (), notes=("核实不属实，不是隐患",))
    if record.faulted:
        return Decision(Liability.PENALTY, (PENALTY_BASIS,), notes=("虚假整改、纸面整改或整改不到位",))
    if not record.self_reported:
        return Decision(Liability.PENALTY, (PENALTY_BASIS,), notes=("企业未自查发现（监管检查或举报查实）",))
    if record.state in EFFECTIVE and not record.overdue:
        return Decision(Liability.LENIENCY, (LENIENCY_BASIS,))
    if record.overdue:
        return Decision(Liability.PENALTY, (PENALTY_BASIS,), notes=("自查上报但逾期未整改",))
    return Decision(Liability.PENDING, (LENIENCY_BASIS,), notes=("自查上报，落实整改后不予行政处罚",))


# --- the 180-day rule -----------------------------------------------------------------------------------------------

SUSPENSION_WINDOW_DAYS = 180
SUSPENSION_SECTORS = frozenset({"industry_trade", "non_coal_mine"})  # 工贸和非煤矿山企业


@dataclass(frozen=True)
class Accident:
    """One graded accident of an enterprise: its incident id, the day it happened and its grade (事故等级)."""

    incident_id: int
    occurred_on: date
    grade: Grade


@dataclass(frozen=True)
class SuspensionTrigger:
    """What makes a suspension due: a 较大-or-worse accident, or the 一般 accidents within 180 days of each other."""

    incident_ids: tuple[int, ...]
    occurred_on: date  # the day of the accident that completed the trigger
    reason: str


def within_window(earlier: date, later: date) -> bool:
    """Whether ``later`` falls within 180 days of ``earlier``: the day of the first accident is not counted and the
    180th day is (以内 includes its number), so 180 days apart is within and 181 is not."""
    return 0 <= (later - earlier).days <= SUSPENSION_WINDOW_DAYS


def suspension_triggers(
    sector: str | None, accidents: Sequence[Accident]
) -> Decision[tuple[SuspensionTrigger, ...] | None]:
    """Every accident that makes 停产停业整顿 due, in order: each 较大 or worse accident, and each 一般 accident with
    another 一般 accident on or before it within 180 days. Not applicable outside 工贸 and 非煤矿山 (value None)."""
    if sector not in SUSPENSION_SECTORS:
        return Decision(None, (SUSPENSION_BASIS,), notes=("仅适用于工贸和非煤矿山企业",))
    found: list[SuspensionTrigger] = []
    ordered = sorted(accidents, key=lambda a: (a.occurred_on, a.incident_id))
    for index, accident in enumerate(ordered):
        if accident.grade <= Grade.LARGER:
            found.append(
                SuspensionTrigger((accident.incident_id,), accident.occurred_on, f"发生{accident.grade.label}事故")
            )
            continue
        if accident.grade is not Grade.ORDINARY:
            continue
        earlier = [
            a.incident_id
            for a in ordered[:index]
            if a.grade is Grade.ORDINARY and within_window(a.occurred_on, accident.occurred_on)
        ]
        if earlier:
            ids = (*earlier, accident.incident_id)
            found.append(
                SuspensionTrigger(ids, accident.occurred_on, f"{SUSPENSION_WINDOW_DAYS}日内发生{len(ids)}起一般事故")
            )
    return Decision(tuple(found), (SUSPENSION_BASIS,))


# --- violations -----------------------------------------------------------------------------------------------------


class Measure(LabelledEnum):
    """The measure proposed for (and decided on) a violation."""

    CORRECT = "correct", "责令改正"
    FINE = "fine", "罚款"
    SUSPEND = "suspend", "责令停产停业整顿"
    LICENCE = "licence", "暂扣、吊销证照（移送发证机关）"


PENALTIES = frozenset({Measure.FINE, Measure.SUSPEND, Measure.LICENCE})  # 责令改正 is an order, not a penalty


def check_measure(measure: Measure, fine_yuan: float | None, liability: Liability) -> None:
    """A fine has a positive amount and only a fine has one; no penalty where leniency applies (004#L5467-L5469)."""
    if measure is Measure.FINE and (fine_yuan is None or fine_yuan <= 0):
        raise InvalidInput(field="fine_yuan", subcode="enforcement.measure.fine_amount", reason="罚款须写明金额（元）")
    if measure is not Measure.FINE and fine_yuan is not None:
        raise InvalidInput(
            field="fine_yuan", subcode="enforcement.measure.fine_amount", reason=f"{measure.label}不填罚款金额"
        )
    if liability is Liability.LENIENCY and measure in PENALTIES:
        raise InvalidInput(
            field="measure",
            subcode="enforcement.measure.leniency",
            reason="企业自查上报并正在整改的隐患依法不予行政处罚，只能责令改正",
            basis=[LENIENCY_BASIS],
        )


class ViolationState(LabelledEnum):
    PROPOSED = "proposed", "拟处理"
    DECIDED = "decided", "已决定"
    WITHDRAWN = "withdrawn", "已撤销"


class ViolationAction(LabelledEnum):
    DECIDE = "decide", "作出决定"
    WITHDRAW = "withdraw", "撤销"


VIOLATION_STEPS: dict[ViolationState, dict[ViolationAction, ViolationState]] = {
    ViolationState.PROPOSED: {
        ViolationAction.DECIDE: ViolationState.DECIDED,
        ViolationAction.WITHDRAW: ViolationState.WITHDRAWN,
    },
    ViolationState.DECIDED: {},
    ViolationState.WITHDRAWN: {},
}


def violation_step(state: ViolationState, action: ViolationAction, *, supervisor: bool) -> ViolationState:
    """Only the supervising department decides or withdraws (403); a decided or withdrawn case is final (409)."""
    if not supervisor:
        raise Forbidden(
            subcode=f"enforcement.violation.{action.value}.not_supervisor", reason="只有辖区监管部门可以办理"
        )
    after = VIOLATION_STEPS[state].get(action)
    if after is None:
        raise InvalidState(
            field="state",
            subcode=f"enforcement.violation.{action.value}.state",
            reason=f"“{state.label}”的违法行为不能{action.label}",
        )
    return after


# --- referrals ------------------------------------------------------------------------------------------------------

REFERRAL_REPLY_DAYS = 15  # platform default: the seed sets no reply term for 抄告、移交


class ReferralState(LabelledEnum):
    SENT = "sent", "已移交，待回复"
    REPLIED = "replied", "已回复"


def referral_overdue(state: ReferralState, reply_due: date, on: date) -> bool:
    """Unanswered after its reply day (the day itself is in time)."""
    return state is ReferralState.SENT and reply_due < on


# --- blacklists -----------------------------------------------------------------------------------------------------


class ListKind(LabelledEnum):
    FORESTRY = "forestry", "林草领域黑名单（3年内不得承接、参与林草生态保护建设工程）"
    FIRE = "fire", "消防安全领域失信行为"
    OTHER = "other", "其他失信惩戒名单"


@dataclass(frozen=True)
class ListTerm:
    years: int | None  # None: the seed sets no term; the listing body enters the expiry
    basis: Basis


LIST_TERMS: dict[ListKind, ListTerm] = {
    ListKind.FORESTRY: ListTerm(
        3,
        Basis(
            rule="blacklist_term",
            plan=PLAN,
            clause="进入黑名单的生产经营与施工作业主体3年内不得承接、参与杭锦旗各级、各类林草生态保护建设工程项目",
            seed="004#L8219-L8223",
        ),
    ),
    ListKind.FIRE: ListTerm(
        None,
        Basis(
            rule="blacklist_term",
            plan=PLAN,
            clause="对重大火灾隐患逾期不改的单位、技术服务结果失实的消防技术服务机构及其主要负责人，列入消防安全领域失信行为",
            seed="004#L8712-L8722",
        ),
    ),
    ListKind.OTHER: ListTerm(None, Basis(rule="blacklist_term", plan=PLAN, clause="依据录入时写明的法规条款")),
}


def list_expiry(kind: ListKind, listed_on: date, expires_on: date | None) -> date:
    """The day a listing ends: the seed's term where it sets one (an entered date must agree), else the entered one."""
    term = LIST_TERMS[kind]
    if term.years is not None:
        due = _add_years(listed_on, term.years)
        if expires_on is not None and expires_on != due:
            raise InvalidInput(
                field="expires_on",
                subcode="enforcement.blacklist.term",
                reason=f"{kind.label}期限为{term.years}年，应至 {due}",
                basis=[term.basis],
            )
        return due
    if expires_on is None:
        raise InvalidInput(
            field="expires_on", subcode="enforcement.blacklist.expiry_required", reason="该名单须写明期限（截止日期）"
        )
    if expires_on <= listed_on:
        raise InvalidInput(field="expires_on", subcode="enforcement.blacklist.expiry", reason="截止日期须晚于列入日期")
    return expires_on


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def is_listed(listed_on: date, expires_on: date, removed_on: date | None, on: date) -> bool:
    """In force from the listing day up to (not including) the expiry day, unless removed earlier."""
    return listed_on <= on < expires_on and (removed_on is None or on < removed_on)


# --- entrusted enforcement (委托执法, 003#L14) -----------------------------------------------------------------------


@dataclass(frozen=True)
class EntrustmentStatus:
    filing_due: date
    filing_overdue: bool  # not filed and the day has passed
    filed_late: bool
    announced: bool


def entrustment_status(
    *, signed_on: date, filed_on: date | None, announced_on: date | None, filing_days: int, today: date
) -> EntrustmentStatus:
    """“于委托书签订之日起10日内……备案”: the signing day plus the days (calendar days: the notice says 日)."""
    due = signed_on + timedelta(days=filing_days)
    return EntrustmentStatus(
        filing_due=due,
        filing_overdue=filed_on is None and today > due,
        filed_late=filed_on is not None and filed_on > due,
        announced=announced_on is not None,
    )


def check_entrustment_dates(*, signed_on: date, on: date, today: date, field: str) -> None:
    """A filing or announcement happens on or after the signing and not in the future."""
    if on > today:
        raise InvalidInput(field=field, reason="日期不能晚于今天", subcode="enforcement.entrustment.date.future")
    if on < signed_on:
        raise InvalidInput(
            field=field, reason="日期不能早于委托书签订日期", subcode="enforcement.entrustment.date.early"
        )

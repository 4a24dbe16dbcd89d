"""Hulunbuir's mine supervision registers as pure rules (seed 002): the yearly hidden-disaster census and the
resumption gate, the 400 m rock-burst rule, the goaf four-colour list, the plan's dated milestones per mine, networking
shares, the warning feedback loop, the tailings-pond dispositions and the 12-hour reach.

Every refusal carries the seed line it rests on. Where the plan gives no number (the colours' criteria, the warning
loop's hours) the number is the caller's data, not invented here.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from yingji.core.errors import InvalidState
from yingji.core.labels import LabelledEnum
from yingji.rules.basis import Basis

PLAN = "hulunbuir-15th-fyp-mines"


def _basis(rule: str, clause: str, seed: str) -> Basis:
    return Basis(rule=rule, plan=PLAN, clause=clause, seed=seed)


CENSUS_BASIS = (
    _basis(
        "hidden_disaster_census", "所有在产在建矿山每年开展1次动态普查，停工停产矿山复工前完成工程化治理", "002#L183"
    ),
    _basis("hidden_disaster_census", "隐蔽致灾因素普查工程……全面建立矿山隐蔽致灾因素普查数据库", "002#L281"),
)
ROCK_BURST_BASIS = (
    _basis("rock_burst_depth", "水文地质条件复杂、采深超400米煤矿冲击地压", "002#L186"),
    _basis("rock_burst_depth", "对采深超400米矿井全面落实冲击地压监测、卸压解危措施", "002#L285"),
)
GOAF_BASIS = (
    _basis("goaf_four_colours", "2029年底前完成重点采空区分类治理，建立“红橙黄蓝”四级风险清单", "002#L213"),
    _basis(
        "goaf_four_colours",
        "建立支护质量、采空区基础台账……建立红橙黄蓝四级风险管控清单，分类采取充填、封闭、隔离、监测、巡查等治理措施",
        "002#L289",
    ),
)
NETWORKING_BASIS = _basis(
    "networking_share", "2030年底前实现所有煤矿、金属非金属地下矿山、三等及以上尾矿库监测系统100%联网", "002#L193"
)
WARNING_LOOP_BASIS = _basis("warning_feedback_loop", "完善风险研判、预警推送、响应处置和闭环反馈机制", "002#L302")
POND_BASIS = _basis("pond_disposition", "全面排查全市尾矿库安全隐患，分类推进达标整治、停用整改、闭库销号", "002#L293")
REACH_BASIS = _basis("reach_12h", "在偏远矿区设立前置储备点，确保12小时内物资送达", "002#L255")
SUPERVISOR_BASIS = (
    _basis("territorial_supervision", "明确中央驻市矿山企业属地监管责任，消除监管盲区", "002#L154"),
    _basis("daily_supervising_body", "动态调整每座矿山日常监管主体", "002#L159"),
)


# --- mine facts ------------------------------------------------------------------------------------------------------


class MineClass(StrEnum):
    """The plan's own classes of mine (registry MineKind values map onto them)."""

    COAL_UNDERGROUND = "coal_underground"
    COAL_OPEN_PIT = "coal_open_pit"
    NON_COAL_UNDERGROUND = "non_coal_underground"
    NON_COAL_OPEN_PIT = "non_coal_open_pit"


class Activity(StrEnum):
    """Producing/under construction (census every year) or stopped (census and treatment before resuming)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


# --- 1. the census and the resumption gate (002#L183, L281) ----------------------------------------------------------


class CensusState(LabelledEnum):
    IN_PROGRESS = "in_progress", "普查中"
    COMPLETED = "completed", "已完成"


class FactorKind(LabelledEnum):
    """What the census looks for first (002#L183: 重点普查…); anything else is ``other``."""

    FROZEN_SLOPE = "frozen_slope", "高寒冻融区边坡"
    OLD_WATER = "old_water", "老空水"
    GOAF = "goaf", "采空区"
    POND_ICE = "pond_ice", "尾矿库冰下隐患"
    OTHER = "other", "其他隐蔽致灾因素"


@dataclass(frozen=True)
class CensusFacts:
    """One mine's census record for one year: whether completed, and how many findings still await treatment."""

    year: int
    completed: bool
    untreated: int


def census_for(year: int, censuses: Iterable[CensusFacts]) -> CensusFacts | None:
    return next((c for c in censuses if c.year == year), None)


def census_due(activity: Activity, year: int, censuses: Iterable[CensusFacts]) -> bool:
    """A producing or building mine owes this year's census until it is completed (002#L183 每年开展1次)."""
    found = census_for(year, censuses)
    return activity is Activity.ACTIVE and (found is None or not found.completed)


def resumption_refusal(year: int, censuses: Iterable[CensusFacts]) -> tuple[str, str] | None:
    """Why a stopped mine may not resume now — (subcode tail, reason) — or None.

    The plan: a stopped mine completes the engineering treatment before it resumes (002#L183); the census is yearly,
    so the census that counts is this year's, completed, with every finding treated.
    """
    found = census_for(year, censuses)
    if found is None:
        return "no_census", f"本年度（{year}年）未开展隐蔽致灾因素普查"
    if not found.completed:
        return "census_open", f"本年度（{year}年）隐蔽致灾因素普查尚未完成"
    if found.untreated:
        return "untreated", f"普查发现的 {found.untreated} 项隐蔽致灾因素尚未完成工程化治理"
    return None


def check_resumption(activity: Activity, year: int, censuses: Iterable[CensusFacts]) -> None:
    """Raise 409 with the seed basis unless a stopped mine may resume production now."""
    if activity is not Activity.SUSPENDED:
        raise InvalidState(
            field="status",
            subcode="supervision.resume.not_suspended",
            reason="只有停工停产的矿山才需办理复工",
            basis=CENSUS_BASIS,
        )
    refusal = resumption_refusal(year, list(censuses))
    if refusal is not None:
        tail, reason = refusal
        raise InvalidState(
            field="census", subcode=f"supervision.resume.{tail}", reason=f"不得复工：{reason}", basis=CENSUS_BASIS
        )


# --- 2. depth and rock burst (002#L186, L285) ------------------------------------------------------------------------

ROCK_BURST_DEPTH_M = 400  # 采深超400米: strictly deeper than 400 m


class RockBurst(LabelledEnum):
    NOT_REQUIRED = "not_required", "不要求冲击地压监测"
    UNKNOWN = "unknown", "采深未登记，无法判定"
    MET = "met", "已落实冲击地压监测"
    MISSING = "missing", "采深超400米，未落实冲击地压监测"


def needs_rock_burst_monitoring(mine: MineClass, depth_m: float | None) -> bool | None:
    """Whether the 400 m rule asks this mine for rock-burst monitoring; None when an underground coal mine's depth
    is unknown. The plan names it for coal mines (煤矿冲击地压, 002#L186) in the coal project (002#L285), and depth of
    working (采深) is an underground measure, so open pits and non-coal mines are outside the rule."""
    if mine is not MineClass.COAL_UNDERGROUND:
        return False
    if depth_m is None:
        return None
    return depth_m > ROCK_BURST_DEPTH_M


def rock_burst(mine: MineClass, depth_m: float | None, monitored: bool) -> RockBurst:
    needed = needs_rock_burst_monitoring(mine, depth_m)
    if needed is None:
        return RockBurst.UNKNOWN
    if not needed:
        return RockBurst.NOT_REQUIRED
    return RockBurst.MET if monitored else RockBurst.MISSING


# --- 3. goafs and support, the four colours (002#L213, L287–L290) ---------------------------------------------------


class RiskColour(LabelledEnum):
    """The four-level list, most severe first (the colours' criteria are the assessment's, not the plan's)."""

    RED = "red", "红色（重大风险）"
    ORANGE = "orange", "橙色（较大风险）"
    YELLOW = "yellow", "黄色（一般风险）"
    BLUE = "blue", "蓝色（低风险）"

    @property
    def rank(self) -> int:
        return list(RiskColour).index(self)


class GoafKind(LabelledEnum):
    GOAF = "goaf", "采空区"
    SUPPORT = "support", "巷道支护"  # 支护质量台账


class GoafMeasure(LabelledEnum):
    """Treatments the plan lists (002#L289)."""

    BACKFILL = "backfill", "充填"
    SEAL = "seal", "封闭"
    ISOLATE = "isolate", "隔离"
    MONITOR = "monitor", "监测"
    PATROL = "patrol", "巡查"


class GoafState(LabelledEnum):
    IDENTIFIED = "identified", "已摸排"
    TREATING = "treating", "治理中"
    TREATED = "treated", "已完成分类治理"


def worst_colour(colours: Iterable[RiskColour]) -> RiskColour | None:
    found = list(colours)
    return min(found, key=lambda c: c.rank) if found else None


# --- 4. the plan's milestones per mine (002#L161, L209, L213, L285) --------------------------------------------------


@dataclass(frozen=True)
class MineFacts:
    """What a milestone's applicability reads from a mine."""

    mine: MineClass
    activity: Activity
    state_owned_large: bool  # 国有大型/高风险矿山
    depth_m: float | None


@dataclass(frozen=True)
class Milestone:
    code: str
    label: str
    due: date
    basis: Basis

    def applies(self, facts: MineFacts) -> bool:
        if facts.activity is Activity.CLOSED:
            return False
        underground_non_coal = facts.mine is MineClass.NON_COAL_UNDERGROUND
        match self.code:
            case "hoist_multi_rope" | "outsourcing_all":
                return underground_non_coal
            case "support_retrofit":
                return underground_non_coal and facts.activity is Activity.ACTIVE  # 在产非煤地下矿山
            case "outsourcing_state_large":
                return facts.state_owned_large
            case "dual_power":
                return True
            case "rock_burst_monitoring":
                return bool(needs_rock_burst_monitoring(facts.mine, facts.depth_m))
        return False


MILESTONES: tuple[Milestone, ...] = (
    Milestone(
        "hoist_multi_rope",
        "单绳提升机改造为多绳摩擦式",
        date(2026, 12, 31),
        _basis("milestone", "2026年底前非煤地下矿山单绳提升机全部改造为多绳摩擦式", "002#L209"),
    ),
    Milestone(
        "outsourcing_state_large",
        "采掘外包清零（国有大型/高风险矿山）",
        date(2027, 12, 31),
        _basis("milestone", "2027年底前国有大型/高风险矿山完成采掘外包清零", "002#L161"),
    ),
    Milestone(
        "support_retrofit",
        "支护质量评估与改造",
        date(2028, 12, 31),
        _basis("milestone", "2028年底前完成所有在产非煤地下矿山支护质量评估与改造", "002#L213"),
    ),
    Milestone(
        "outsourcing_all",
        "采掘外包清零（金属非金属地下矿山）",
        date(2029, 12, 31),
        _basis("milestone", "2029年底前全市金属非金属地下矿山全部清零", "002#L161"),
    ),
    Milestone(
        "dual_power",
        "双回路供电",
        date(2030, 12, 31),
        _basis("milestone", "2030年底前所有矿山至少实现双回路供电", "002#L209"),
    ),
    Milestone(
        "rock_burst_monitoring",
        "冲击地压监测、卸压解危措施",
        date(2030, 12, 31),
        _basis(
            "milestone", "对采深超400米矿井全面落实冲击地压监测、卸压解危措施（计划完成时间：2030年底前）", "002#L285"
        ),
    ),
)
MILESTONE_BY_CODE = {m.code: m for m in MILESTONES}


def milestones_for(facts: MineFacts) -> list[Milestone]:
    return [m for m in MILESTONES if m.applies(facts)]


def is_overdue(due: date, done_on: date | None, today: date) -> bool:
    """Overdue the day after the due date while not done (年底前: the 31 December itself is still in time)."""
    return done_on is None and today > due


# --- 5. networking (002#L193) ----------------------------------------------------------------------------------------

NETWORKING_TARGET_SHARE = 1.0
NETWORKING_DUE = date(2030, 12, 31)
NETWORKED_POND_GRADE = 3  # 三等及以上: grades 1, 2 and 3


class SiteClass(LabelledEnum):
    """The three kinds of site the plan's networking target counts."""

    COAL_MINE = "coal_mine", "煤矿"
    UNDERGROUND_NON_COAL = "underground_non_coal", "金属非金属地下矿山"
    POND = "pond", "三等及以上尾矿库"


def mine_site_class(mine: MineClass) -> SiteClass | None:
    if mine in (MineClass.COAL_UNDERGROUND, MineClass.COAL_OPEN_PIT):
        return SiteClass.COAL_MINE
    if mine is MineClass.NON_COAL_UNDERGROUND:
        return SiteClass.UNDERGROUND_NON_COAL
    return None


def pond_counts(pond_grade: int) -> bool:
    return pond_grade <= NETWORKED_POND_GRADE


def is_live(last_heard: datetime | None, now: datetime, window_s: float) -> bool:
    """A feed is live when something was heard within its own window (cycles × period) and not in the future."""
    if last_heard is None:
        return False
    age = (now - last_heard).total_seconds()
    return -60 <= age <= window_s


def share(networked: int, total: int) -> float | None:
    return None if total == 0 else networked / total


# --- 6. the warning feedback loop (002#L300–L303) --------------------------------------------------------------------


class WarningState(LabelledEnum):
    PUSHED = "pushed", "已推送待响应"
    RESPONDED = "responded", "已响应待反馈"
    CLOSED = "closed", "已闭环"


class WarningAction(LabelledEnum):
    RESPOND = "respond", "响应处置"  # the enterprise
    CLOSE = "close", "闭环反馈"  # the supervisor, on the enterprise's feedback


WARNING_STEPS: dict[WarningState, dict[WarningAction, WarningState]] = {
    WarningState.PUSHED: {WarningAction.RESPOND: WarningState.RESPONDED},
    WarningState.RESPONDED: {WarningAction.CLOSE: WarningState.CLOSED},
    WarningState.CLOSED: {},
}


def warning_step(state: WarningState, action: WarningAction) -> WarningState:
    after = WARNING_STEPS[state].get(action)
    if after is None:
        raise InvalidState(
            field="state",
            subcode=f"supervision.warning_{action.value}.state",
            reason=f"“{state.label}”的预警不能{action.label}",
            basis=[WARNING_LOOP_BASIS],
        )
    return after


def warning_overdue(state: WarningState, respond_by: datetime, close_by: datetime, now: datetime) -> bool:
    """Past the response deadline while unanswered, or past the closing deadline while open."""
    if state is WarningState.PUSHED:
        return now > respond_by
    return state is WarningState.RESPONDED and now > close_by


# --- tailings-pond dispositions (002#L291–L294) ---------------------------------------------------------------------


class PondDisposition(LabelledEnum):
    UP_TO_STANDARD = "up_to_standard", "达标整治"
    SUSPEND = "suspend", "停用整改"
    CLOSE_AND_CANCEL = "close_and_cancel", "闭库销号"


class DispositionState(LabelledEnum):
    ASSIGNED = "assigned", "已分类"
    SUBMITTED = "submitted", "已申请验收"
    ACCEPTED = "accepted", "已验收"


class DispositionAction(LabelledEnum):
    SUBMIT = "submit", "申请验收"
    ACCEPT = "accept", "验收"
    REJECT = "reject", "退回"


DISPOSITION_STEPS: dict[DispositionState, dict[DispositionAction, DispositionState]] = {
    DispositionState.ASSIGNED: {DispositionAction.SUBMIT: DispositionState.SUBMITTED},
    DispositionState.SUBMITTED: {
        DispositionAction.ACCEPT: DispositionState.ACCEPTED,
        DispositionAction.REJECT: DispositionState.ASSIGNED,
    },
    DispositionState.ACCEPTED: {},
}


def disposition_step(state: DispositionState, action: DispositionAction) -> DispositionState:
    after = DISPOSITION_STEPS[state].get(action)
    if after is None:
        raise InvalidState(
            field="state",
            subcode=f"supervision.disposition_{action.value}.state",
            reason=f"“{state.label}”的尾矿库分类治理不能{action.label}",
            basis=[POND_BASIS],
        )
    return after


# --- the 12-hour reach (002#L255) ------------------------------------------------------------------------------------

REACH_HOURS = 12


def reached(travel_minutes: Iterable[int], hours: float = REACH_HOURS) -> bool:
    """Whether any resource's estimated travel time is within ``hours``."""
    return any(m <= hours * 60 for m in travel_minutes)


# --- the capacity-increase gate (002#L62, L163) ---------------------------------------------------------------------

CAPACITY_BASIS = (
    _basis(
        "capacity_gate",
        "建立煤矿产能核增安全能力前置评估制度，将灾害治理能力、专业人员配备、智能化水平作为刚性条件",
        "002#L163",
    ),
    _basis("capacity_gate", "如何把产能核增前置到安全条件评估、灾害治理能力评估", "002#L62"),
)


class CapacityCondition(LabelledEnum):
    """The three rigid conditions of the prior assessment (002#L163)."""

    DISASTER_CONTROL = "disaster_control", "灾害治理能力"
    STAFFING = "staffing", "专业人员配备"
    INTELLIGENCE = "intelligence", "智能化水平"


class CapacityState(LabelledEnum):
    APPLIED = "applied", "已申请待评估"
    APPROVED = "approved", "已核增"
    REFUSED = "refused", "不予核增"


def check_capacity(assessed: dict[CapacityCondition, bool]) -> None:
    """Approve only when every rigid condition was assessed and met; else 409 naming those missing or unmet."""
    missing = [c.label for c in CapacityCondition if c not in assessed]
    if missing:
        raise InvalidState(
            field="conditions",
            subcode="supervision.capacity.not_assessed",
            reason=f"产能核增前置评估未完成：{'、'.join(missing)}未评估",
            basis=CAPACITY_BASIS,
        )
    unmet = [c.label for c in CapacityCondition if not assessed[c]]
    if unmet:
        raise InvalidState(
            field="conditions",
            subcode="supervision.capacity.unmet",
            reason=f"刚性条件不满足：{'、'.join(unmet)}",
            basis=CAPACITY_BASIS,
        )


# --- standardisation and its half-yearly spot checks (002#L205) -----------------------------------------------------

STANDARDISATION_BASIS = _basis(
    "standardisation_spot_check",
    "2030年底前，全市煤矿一级标准化占比≥40%，其余全部达二级……达标后每半年开展1次抽查，防止滑坡",
    "002#L205",
)
COAL_LEVEL_1_SHARE = 0.40
SPOT_CHECK_MONTHS = 6


def add_months(on: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (31 Aug + 6 → 28/29 Feb)."""
    index = on.month - 1 + months
    year, month = on.year + index // 12, index % 12 + 1
    return date(year, month, min(on.day, calendar.monthrange(year, month)[1]))


def spot_check_due(graded_on: date | None, last_check: date | None) -> date | None:
    """Half a year after the later of the grading and the last spot check; None for an ungraded mine."""
    if graded_on is None:
        return None
    since = max(graded_on, last_check) if last_check else graded_on
    return add_months(since, SPOT_CHECK_MONTHS)


# --- liability insurance and insurer inspections (002#L258, L357) ---------------------------------------------------

INSURANCE_BASIS = (
    _basis(
        "liability_insurance",
        "2028年底前实现全市矿山企业安责险全覆盖，督促保险机构……每年开展不少于2次现场隐患排查",
        "002#L258",
    ),
    _basis("liability_insurance", "实现全市矿山安责险应保尽保……每年开展不少于2次现场隐患排查", "002#L357"),
)
INSURANCE_DUE = date(2028, 12, 31)
INSURER_INSPECTIONS_PER_YEAR = 2


def in_force(starts_on: date, ends_on: date, on: date) -> bool:
    return starts_on <= on <= ends_on


# --- third-party technical service agencies (002#L262) --------------------------------------------------------------

AGENCY_BASIS = _basis(
    "agency_negative_list",
    "建立第三方技术服务机构诚信评价体系和负面清单制度，对出具虚假报告、弄虚作假的机构实施行业禁入",
    "002#L262",
)


def check_agency_usable(name: str, negative: bool) -> None:
    """A negative-listed agency is barred from the trade (行业禁入): its work is not accepted."""
    if negative:
        raise InvalidState(
            field="agency_id",
            subcode="supervision.agency.negative_listed",
            reason=f"「{name}」已列入负面清单，实施行业禁入",
            basis=[AGENCY_BASIS],
        )


# --- equipment files, 一机一档 (002#L207, L323) ---------------------------------------------------------------------

EQUIPMENT_BASIS = (
    _basis("equipment_file", "建立矿用设备全生命周期管理制度，推广设备数字化档案，严禁带病运行", "002#L207"),
    _basis("equipment_file", "推动矿山企业建立关键机电设备“一机一档”数字化管理制度", "002#L323"),
)


class EquipmentCategory(LabelledEnum):
    """The key equipment the plan names (002#L323)."""

    HOIST = "hoist", "提升"
    TRANSPORT = "transport", "运输"
    VENTILATION = "ventilation", "通风"
    DRAINAGE = "drainage", "排水"
    POWER = "power", "供电"
    COMPRESSED_AIR = "compressed_air", "压风"
    MINING = "mining", "采掘"
    LOADING = "loading", "装运"


class EquipmentCondition(LabelledEnum):
    NORMAL = "normal", "完好"
    FAULTY = "faulty", "带病（故障）"
    RETIRED = "retired", "已报废"


def runs_faulty(condition: EquipmentCondition, in_service: bool) -> bool:
    """严禁带病运行 (002#L207): faulty equipment still in service."""
    return condition is EquipmentCondition.FAULTY and in_service


# --- the plan's evaluations (002#L367) -------------------------------------------------------------------------------

EVALUATION_BASIS = _basis(
    "plan_evaluation",
    "2028年开展中期评估，2030年开展终期考核，将规划实施评估结果与旗市区政府安全生产考核、矿山企业信用评级直接挂钩",
    "002#L367",
)
PLAN_DIVISION = "150700"  # 呼伦贝尔市: the plan's jurisdiction


class EvaluationKind(LabelledEnum):
    MID_TERM = "mid_term", "中期评估"
    FINAL = "final", "终期考核"

    @property
    def year(self) -> int:
        return 2028 if self is EvaluationKind.MID_TERM else 2030


class EvaluationState(LabelledEnum):
    DRAFTING = "drafting", "自评中"
    SUBMITTED = "submitted", "已报送待审定"
    CONCLUDED = "concluded", "已审定"


class EvaluationAction(LabelledEnum):
    SUBMIT = "submit", "报送"  # the evaluated body
    CONCLUDE = "conclude", "审定"  # the level above
    RETURN = "return", "退回补充"  # the level above


EVALUATION_STEPS: dict[EvaluationState, dict[EvaluationAction, EvaluationState]] = {
    EvaluationState.DRAFTING: {EvaluationAction.SUBMIT: EvaluationState.SUBMITTED},
    EvaluationState.SUBMITTED: {
        EvaluationAction.CONCLUDE: EvaluationState.CONCLUDED,
        EvaluationAction.RETURN: EvaluationState.DRAFTING,
    },
    EvaluationState.CONCLUDED: {},
}


def evaluation_step(state: EvaluationState, action: EvaluationAction) -> EvaluationState:
    after = EVALUATION_STEPS[state].get(action)
    if after is None:
        raise InvalidState(
            field="state",
            subcode=f"supervision.evaluation_{action.value}.state",
            reason=f"“{state.label}”的评估不能{action.label}",
            basis=[EVALUATION_BASIS],
        )
    return after


def check_evaluation_year(kind: EvaluationKind, year: int) -> None:
    """An evaluation is held in its year (2028年开展中期评估, 2030年开展终期考核): not opened earlier."""
    if year < kind.year:
        raise InvalidState(
            field="kind",
            subcode="supervision.evaluation.too_early",
            reason=f"{kind.label}于{kind.year}年开展",
            basis=[EVALUATION_BASIS],
        )

"""Household subsidy cases as pure rules: the workflow's states and steps, the 南平房区 acceptance and quality rules of
the technical guidance (杭政办发〔2024〕42号 附件1, 004#L9406-L9673), the use-first-pay-later review rules
(包科发〔2025〕61号, 000#L2184-L2276), and the payment ledger's limits (never above the stored calculation).

Every check answers with the seed lines it rests on; a failed check is a finding, not an exception — an acceptance
that fails is recorded and sends the case back to work (返工). Refusals (a step the state forbids, a payment above
what was calculated) raise, so the service writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from yingji.core.errors import InvalidInput, InvalidState
from yingji.core.labels import LabelledEnum
from yingji.rules.basis import Basis, Decision
from yingji.rules.subsidies import Grade, PaymentTiming, earliest_payment

PINGFANG = "hangjin-pingfang-2024"
TECH = "baotou-tech-use-first-2025"
ZERO = Decimal("0.00")


def _cite(plan: str, rule: str, clause: str, seed: str, quote: str) -> Basis:
    return Basis(rule=f"subsidy_case.{rule}", plan=plan, clause=clause, seed=seed, quote=quote)


# --- the workflow ---------------------------------------------------------------------------------------------------


class CaseState(LabelledEnum):
    """Generic states; each programme's data names them in its own words (a licence is 转化实施中, not 施工中)."""

    SURVEYED = "surveyed", "已摸底登记"
    APPLIED = "applied", "已申请，待批复"
    APPROVED = "approved", "已批复，待开工"
    BUILDING = "building", "施工中"
    INSPECTION = "inspection", "已申请验收"
    ACCEPTED = "accepted", "验收合格"
    SETTLED = "settled", "资金已付清"
    REJECTED = "rejected", "不予批复"
    WITHDRAWN = "withdrawn", "已撤回"


class CaseAction(LabelledEnum):
    APPLY = "apply", "提出申请"
    APPROVE = "approve", "批复"
    REJECT = "reject", "不予批复"
    START = "start", "开工实施"
    SPOT_CHECK = "spot_check", "质量抽查"
    MILESTONE = "milestone", "核实建设进度"
    REQUEST_ACCEPTANCE = "request_acceptance", "申请验收"
    ACCEPT = "accept", "验收"
    VERIFY = "verify", "核定补贴"
    PAY = "pay", "支付"
    WITHDRAW = "withdraw", "撤回"
    ATTACH = "attach", "上传材料"


FINAL = frozenset({CaseState.SETTLED, CaseState.REJECTED, CaseState.WITHDRAWN})

# state → the steps it allows and where each leads (None: the state does not change; accept decides by its result)
STEPS: Mapping[CaseState, Mapping[CaseAction, CaseState | None]] = {
    CaseState.SURVEYED: {CaseAction.APPLY: CaseState.APPLIED, CaseAction.WITHDRAW: CaseState.WITHDRAWN},
    CaseState.APPLIED: {
        CaseAction.APPROVE: CaseState.APPROVED,
        CaseAction.REJECT: CaseState.REJECTED,
        CaseAction.WITHDRAW: CaseState.WITHDRAWN,
    },
    CaseState.APPROVED: {CaseAction.START: CaseState.BUILDING, CaseAction.WITHDRAW: CaseState.WITHDRAWN},
    CaseState.BUILDING: {
        CaseAction.SPOT_CHECK: None,
        CaseAction.MILESTONE: None,
        CaseAction.VERIFY: None,
        CaseAction.PAY: None,
        CaseAction.REQUEST_ACCEPTANCE: CaseState.INSPECTION,
    },
    CaseState.INSPECTION: {
        CaseAction.SPOT_CHECK: None,
        CaseAction.MILESTONE: None,
        CaseAction.VERIFY: None,
        CaseAction.PAY: None,
        CaseAction.ACCEPT: None,
    },
    CaseState.ACCEPTED: {CaseAction.MILESTONE: None, CaseAction.VERIFY: None, CaseAction.PAY: None},
    CaseState.SETTLED: {},
    CaseState.REJECTED: {},
    CaseState.WITHDRAWN: {},
}
WITHDRAWABLE = frozenset({CaseState.SURVEYED, CaseState.APPLIED, CaseState.APPROVED})

PRIOR_APPROVAL = _cite(
    PINGFANG,
    "prior_approval",
    "三（二）先审批后实施",
    "004#L9175-L9176",
    "居民必须先到相关部门完成审批，再按照本方案规定自行实施改造更新",
)


def step(state: CaseState, action: CaseAction, *, subcode: str) -> CaseState | None:
    """Where ``action`` leads from ``state`` (None: the state stays); InvalidState (409) when the state forbids it —
    work never starts before the approval (先审批后实施, 004#L9175-L9176)."""
    if action not in STEPS[state]:
        basis = [PRIOR_APPROVAL] if action is CaseAction.START else []
        raise InvalidState(
            field="state", subcode=subcode, reason=f"“{state.label}”的案件不能{action.label}", basis=basis
        )
    return STEPS[state][action]


def stalled(state: CaseState, last_activity: datetime, now: datetime, days: int) -> bool:
    """An open case with nothing recorded for ``days`` days (a platform default: the seeds set no stage terms)."""
    return state not in FINAL and last_activity < now - timedelta(days=days)


# --- findings -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One checked requirement: met or not, what was found, and the seed words it rests on."""

    code: str
    label: str
    passed: bool
    found: str
    basis: Basis


def passed(findings: Iterable[Finding]) -> bool:
    return all(f.passed for f in findings)


def _finding(code: str, label: str, ok: bool, found: str, basis: Basis) -> Finding:
    return Finding(code=code, label=label, passed=ok, found=found, basis=basis)


# --- 南平房区 renovation acceptance (附件1 二（一）, 004#L9427-L9489) -----------------------------------------------

ENERGY = "二（一）建筑节能与风貌改造"
MAIN_WINDOWS = _cite(
    PINGFANG, "windows", ENERGY, "004#L9443-L9444", "门窗达不到节能保温要求的，更换为断桥铝合金保温节能门窗"
)
MAIN_INSULATION = _cite(
    PINGFANG, "insulation", ENERGY, "004#L9444-L9446", "外墙粘贴聚苯阻燃的保温材料（厚度≥6cm，容重≥20kg/m3）和软瓷"
)
MAIN_ROOF = _cite(
    PINGFANG, "roof", ENERGY, "004#L9446-L9448", "屋顶粉刷统一色彩的高光涂料或铺装符合规划、风貌要求的瓦片、新型材料"
)
SHED_INSULATED = _cite(
    PINGFANG,
    "shed",
    ENERGY,
    "004#L9450-L9454",
    "有保温需求的，且门窗达不到节能保温要求的，更换为断桥铝合金保温节能门窗；外墙粘贴聚苯阻燃的保温材料（厚度≥6cm，容重≥20kg/m3）和软瓷",
)
SHED_PLAIN = _cite(PINGFANG, "shed", ENERGY, "004#L9454-L9456", "无保温需求的，门窗更换为断桥铝合金材质，外墙粘贴软瓷")
SHED_ROOF = _cite(
    PINGFANG, "roof", ENERGY, "004#L9456-L9458", "屋顶粉刷统一色彩的高光涂料或铺装符合规划、风貌要求的瓦片、新型材料"
)
GATE = _cite(
    PINGFANG,
    "gate",
    "二（一）3 大门",
    "004#L9460-L9466",
    "区域内入户大门颜色统一；（2）区域内门垛格式统一；（3）区域内门牌号码统一",
)
YARD_WALL = _cite(
    PINGFANG, "yard_wall", "二（一）4 院墙", "004#L9468-L9474", "不具备的抹灰处理后贴软瓷。（2）院墙做装饰墙帽处理"
)
TIDY = _cite(
    PINGFANG,
    "tidy",
    "二（一）5 杂乱差整治",
    "004#L9476-L9482",
    "对残缺不齐和高低不平的屋檐要修补整齐。（2）对残垣断壁的墙体要拆除、补砌整齐。（3）规范强电、弱电线路和天然气管道等",
)
BATHROOM = _cite(PINGFANG, "bathroom", "二（一）6 室内功能改造", "004#L9483-L9485", "室内功能改造设置独立卫浴房间")
REINFORCE = _cite(PINGFANG, "reinforce", "二（一）7 房屋隐患安全加固", "004#L9487-L9489", "对C级房屋进行安全加固")
C_FIRST = _cite(
    PINGFANG,
    "c_grade",
    "二（一）C级房屋",
    "004#L9435-L9441",
    "先进行建筑安全与功能改造，再进行建筑节能与风貌改造。对存在安全隐患的房屋复核后，由设计部门出具安全加固与完善独立卫浴功能的改造方案",
)

MIN_INSULATION_CM = Decimal(6)  # 厚度≥6cm (004#L9444-L9446)
MIN_DENSITY_KG_M3 = Decimal(20)  # 容重≥20kg/m3 (004#L9446)


class Windows(LabelledEnum):
    COMPLIANT = "compliant", "原门窗已达到节能保温要求"
    BROKEN_BRIDGE = "broken_bridge", "已更换为断桥铝合金保温节能门窗"
    OTHER = "other", "未更换且达不到节能保温要求"


class Roof(LabelledEnum):
    GLOSS = "gloss", "粉刷统一色彩的高光涂料"
    TILE = "tile", "铺装符合规划、风貌要求的瓦片"
    NEW_MATERIAL = "new_material", "铺装符合规划、风貌要求的新型材料"
    NONE = "none", "未处理"


@dataclass(frozen=True, kw_only=True)
class Part:
    """What the acceptance team found on one building of the yard (主房, or the 凉房)."""

    windows: Windows
    roof: Roof
    soft_porcelain: bool  # 外墙粘贴软瓷
    insulated: bool = True  # the 凉房 “有保温需求”; the main house always is
    polystyrene: bool = False  # 聚苯阻燃的保温材料
    insulation_cm: Decimal | None = None
    density_kg_m3: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class RenovationCheck:
    """The acceptance record of an existing building's renovation (验收 by 旗住建局, 004#L9544-L9546)."""

    grade: Grade
    main: Part
    shed: Part | None = None  # 凉房, when the yard has one
    gate_colour: bool = False
    gate_pier: bool = False
    house_number: bool = False
    wall_porcelain: bool = False
    wall_cap: bool = False
    eaves: bool = False
    broken_walls: bool = False
    lines: bool = False
    bathroom: bool = False  # C 级 only
    reinforced: bool = False  # C 级 only


def _measure(value: Decimal | None, unit: str) -> str:
    return "未测" if value is None else f"{value.normalize():f} {unit}"


def _insulation(prefix: str, label: str, part: Part, basis: Basis) -> list[Finding]:
    thick, dense = part.insulation_cm, part.density_kg_m3
    return [
        _finding(
            f"{prefix}.polystyrene",
            f"{label}外墙保温材料为聚苯阻燃",
            part.polystyrene,
            "是" if part.polystyrene else "否",
            basis,
        ),
        _finding(
            f"{prefix}.thickness",
            f"{label}保温层厚度≥6cm",
            thick is not None and thick >= MIN_INSULATION_CM,
            _measure(thick, "cm"),
            basis,
        ),
        _finding(
            f"{prefix}.density",
            f"{label}保温材料容重≥20kg/m3",
            dense is not None and dense >= MIN_DENSITY_KG_M3,
            _measure(dense, "kg/m3"),
            basis,
        ),
    ]


def _part(prefix: str, label: str, part: Part, *, shed: bool) -> list[Finding]:
    roof = SHED_ROOF if shed else MAIN_ROOF
    found: list[Finding] = []
    if shed and not part.insulated:  # 无保温需求: broken-bridge aluminium windows whatever the old ones were
        found.append(
            _finding(
                f"{prefix}.windows",
                f"{label}门窗更换为断桥铝合金材质",
                part.windows is Windows.BROKEN_BRIDGE,
                part.windows.label,
                SHED_PLAIN,
            )
        )
        found.append(
            _finding(
                f"{prefix}.porcelain",
                f"{label}外墙粘贴软瓷",
                part.soft_porcelain,
                _yes(part.soft_porcelain),
                SHED_PLAIN,
            )
        )
    else:
        basis = SHED_INSULATED if shed else MAIN_WINDOWS
        found.append(
            _finding(
                f"{prefix}.windows",
                f"{label}门窗达到节能保温要求（或更换为断桥铝合金保温节能门窗）",
                part.windows is not Windows.OTHER,
                part.windows.label,
                basis,
            )
        )
        insulation = SHED_INSULATED if shed else MAIN_INSULATION
        found += _insulation(prefix, label, part, insulation)
        found.append(
            _finding(
                f"{prefix}.porcelain",
                f"{label}外墙粘贴软瓷",
                part.soft_porcelain,
                _yes(part.soft_porcelain),
                insulation,
            )
        )
    found.append(
        _finding(
            f"{prefix}.roof",
            f"{label}屋顶粉刷统一色彩高光涂料或铺装符合要求的瓦片、新型材料",
            part.roof is not Roof.NONE,
            part.roof.label,
            roof,
        )
    )
    return found


def _yes(value: bool) -> str:
    return "是" if value else "否"


def renovation_acceptance(check: RenovationCheck) -> Decision[tuple[Finding, ...]]:
    """Every requirement of the renovation standard the acceptance team can see: the main house and the 凉房
    (windows, polystyrene insulation ≥ 6 cm and ≥ 20 kg/m³, soft porcelain, roof), the gate, the yard wall, the tidying,
    and for a C house the bathroom and the reinforcement. The case passes when every finding does."""
    if check.grade is Grade.D:
        raise InvalidInput(field="grade", reason="grade：D级房屋为危房，按规范要求需要拆除，不作改造验收")
    found = _part("main", "主房", check.main, shed=False)
    if check.shed is not None:
        found += _part("shed", "凉房", check.shed, shed=True)
    flags = [
        ("gate.colour", "入户大门颜色统一", check.gate_colour, GATE),
        ("gate.pier", "门垛格式统一", check.gate_pier, GATE),
        ("gate.number", "门牌号码统一", check.house_number, GATE),
        ("wall.porcelain", "院墙粘贴软瓷（基底不具备的先抹灰）", check.wall_porcelain, YARD_WALL),
        ("wall.cap", "院墙做装饰墙帽", check.wall_cap, YARD_WALL),
        ("tidy.eaves", "残缺不齐、高低不平的屋檐修补整齐", check.eaves, TIDY),
        ("tidy.walls", "残垣断壁拆除、补砌整齐", check.broken_walls, TIDY),
        ("tidy.lines", "强电、弱电线路和天然气管道规范", check.lines, TIDY),
    ]
    if check.grade is Grade.C:
        flags += [
            ("c.bathroom", "设置独立卫浴房间", check.bathroom, BATHROOM),
            ("c.reinforced", "C级房屋完成安全加固", check.reinforced, REINFORCE),
        ]
    found += [_finding(code, label, ok, _yes(ok), basis) for code, label, ok, basis in flags]
    basis = (*{f.basis: None for f in found}, *((C_FIRST,) if check.grade is Grade.C else ()))
    return Decision(tuple(found), tuple(basis))


# --- 南平房区 new builds (附件1 二（二）、三（三）, 004#L9491-L9563) ------------------------------------------------

LANE_WIDTH_M = Decimal(6)
LANE = _cite(
    PINGFANG,
    "lane",
    "二（二）3 新建房屋建设标准",
    "004#L9501-L9505",
    "中间住户主房安全等级为B级及以上的而凉房为C级及以下的，需要新建凉房的要满足巷道向北退线保证巷道6米宽",
)
VERIFIED_AREAS = _cite(
    PINGFANG,
    "verified_areas",
    "四（二）8 申请资金",
    "004#L9657-L9661",
    "锡尼镇会同旗住建局、自然资源局现场核对退线面积、核实工程量后",
)


@dataclass(frozen=True, kw_only=True)
class NewBuildCheck:
    """The completion check of a new build (竣工核实 or 竣工验收): the areas as built and, for a middle household
    rebuilding its 凉房 behind a sound main house, the lane width left."""

    main_area_m2: Decimal | None
    ancillary_area_m2: Decimal | None
    lane_rule_applies: bool = False  # 中间住户, main house B or better, 凉房 C or worse, building a new 凉房
    lane_width_m: Decimal | None = None


def new_build_acceptance(check: NewBuildCheck) -> Decision[tuple[Finding, ...]]:
    """The new build's areas are measured on site (they are what the subsidy is paid on) and a middle household's
    new 凉房 leaves the lane 6 m wide (以上: 6 m itself passes)."""
    areas = [a for a in (check.main_area_m2, check.ancillary_area_m2) if a is not None]
    shown = "、".join(f"{a.normalize():f} 平方米" for a in areas) or "未核实"
    found = [_finding("areas", "现场核实新建面积", bool(areas) and sum(areas) > 0, shown, VERIFIED_AREAS)]
    if check.lane_rule_applies:
        width = check.lane_width_m
        ok = width is not None and width >= LANE_WIDTH_M
        found.append(_finding("lane", "新建凉房向北退线，巷道宽度不小于6米", ok, _measure(width, "米"), LANE))
    return Decision(tuple(found), tuple({f.basis: None for f in found}))


# --- quality supervision (附件1 三（一）, 004#L9515-L9536) ---------------------------------------------------------

QUALITY = "三（一）质量保障措施"
REWORK = _cite(
    PINGFANG,
    "rework",
    QUALITY,
    "004#L9524-L9528",
    "采取定期不定期抽查入围企业的施工质量情况，对不符合质量标准的，一方面责令其返工建设；另一方面给予处罚处理",
)
CLEARED = _cite(
    PINGFANG,
    "contractor_cleared",
    QUALITY,
    "004#L9528-L9530",
    "对两次以上不符合质量标准的，将相关企业清退出南平房区改造新建项目",
)
MATERIALS = _cite(
    PINGFANG,
    "materials",
    QUALITY,
    "004#L9532-L9536",
    "由住建局对居民自购的材料进行质量抽查，涉及建筑主体或关键部位的材料必须符合国家建设标准，对不符合标准要求的责令清场",
)
CLEARED_AFTER = 2  # “两次以上”: 以上 includes the number, so the second failure clears the enterprise


class CheckKind(LabelledEnum):
    QUALITY = "quality", "施工质量抽查"
    MATERIALS = "materials", "自购材料质量抽查"
    ACCEPTANCE = "acceptance", "验收"


def contractor_cleared(failures: int) -> Decision[bool]:
    """A 入围企业 that failed the quality standard twice or more is cleared from the programme (清退)."""
    return Decision(failures >= CLEARED_AFTER, (CLEARED,))


def failure_order(kind: CheckKind) -> Decision[str]:
    """What a failed check orders: rework and a penalty for work (返工、处罚), clearing the site for materials."""
    if kind is CheckKind.MATERIALS:
        return Decision("责令清场：不符合标准的材料不得用于建筑主体或关键部位", (MATERIALS,))
    return Decision("责令返工，并依规处罚", (REWORK,))


# --- approval (三 改造原则, 附件1 四) ---------------------------------------------------------------------------------

ONE_BY_ONE = _cite(
    PINGFANG,
    "one_by_one",
    "三（三）自愿改造、整栋连排",
    "004#L9178-L9184",
    "整栋连排的居民住户共同申请改造、新建的，优先审批；巷道两端具备新建条件的居民，在不损害相邻住户房屋安全的情况下允许申请新建；中间住户单独申请新建、改建的，一事一议研究决定是否批准",
)
ONE_BUILDING = _cite(
    PINGFANG, "one_building", "三（六）", "004#L9206-L9208", "同一栋房屋不得同时享受改造补贴和新建补贴"
)
PERMIT = _cite(
    PINGFANG,
    "permit",
    "附件1 三（三）2、四（二）3",
    "004#L9630-L9634",
    "统一施工的新建房屋面积在500平方米以上且投资在100万元以上的，旗自然资源局批复用地规划等手续后，旗住建局颁发施工许可",
)


def approval_needs_deliberation(*, middle_household: bool, whole_row: bool) -> Decision[bool]:
    """A middle household applying on its own is approved only after 一事一议 (its decision must be recorded); a
    whole row applying together is approved first."""
    return Decision(middle_household and not whole_row, (ONE_BY_ONE,))


# --- use-first-pay-later review (包科发〔2025〕61号 二、三) --------------------------------------------------------

PILOTS = ("内蒙古科技大学", "内蒙古农业大学职业技术学院", "包头稀土研究院")  # 二、试点范围 (000#L2216)
TECH_SCOPE = _cite(
    TECH, "pilot", "二、试点范围", "000#L2216", "内蒙古科技大学、内蒙古农业大学职业技术学院、包头稀土研究院"
)
TECH_LOCAL = _cite(
    TECH, "local_enterprise", "三、试点内容", "000#L2220", "将已实施成果赋权并单列管理的职务科技成果许可给我市企业使用"
)
TECH_FILED = _cite(
    TECH, "filed", "三（三）合同登记备案", "000#L2234", "合同签订后，成果许可方应及时到技术合同认定登记机构进行登记备案"
)
TECH_TIMING = _cite(
    TECH,
    "pay_later",
    "三、试点内容",
    "000#L2220-L2222",
    "支付时间应在至少在许可合同生效一年或被许可方基于此科技成果形成产品或提供服务形成市场化收入之后",
)


@dataclass(frozen=True, kw_only=True)
class TechCheck:
    """What the review needs of a licence contract: the parties, whether it was filed, and its payment terms."""

    licensor: str
    licensee_local: bool
    filed: bool
    effective_on: date
    first_fee_on: date  # the day the contract lets the first licence fee fall due
    revenue_on: date | None = None


def tech_review(check: TechCheck, timing: PaymentTiming) -> Decision[tuple[Finding, ...]]:
    """A pilot institution licensing to a local enterprise, a filed contract, and a first fee that falls due no
    earlier than the rule allows (“先使用后付费”: otherwise the contract is not of the pilot's kind)."""
    earliest = earliest_payment(timing, effective_on=check.effective_on, revenue_on=check.revenue_on).value.earliest_on
    found = [
        _finding("pilot", "许可方为试点高校院所", check.licensor in PILOTS, check.licensor, TECH_SCOPE),
        _finding("local", "被许可方为本市企业", check.licensee_local, _yes(check.licensee_local), TECH_LOCAL),
        _finding("filed", "合同已登记备案", check.filed, _yes(check.filed), TECH_FILED),
        _finding(
            "pay_later",
            f"首次支付许可费不早于 {earliest.isoformat()}",
            check.first_fee_on >= earliest,
            check.first_fee_on.isoformat(),
            TECH_TIMING,
        ),
    ]
    return Decision(tuple(found), tuple({f.basis: None for f in found}))


# --- the payment ledger -------------------------------------------------------------------------------------------

TO_HOUSEHOLD = _cite(
    PINGFANG,
    "to_household",
    "附件1 四（一）9",
    "004#L9606-L9608",
    "由旗财政局按锡尼镇报送花名册及补贴金额，点对点支付到户",
)


@dataclass(frozen=True, kw_only=True)
class Instalment:
    """One payable part of a stored calculation: its stage, the amount, to whom, and whether its moment has come."""

    calculation_id: int
    stage: str
    label: str
    amount_yuan: Decimal
    payee: str
    reached: bool


def remaining(instalment: Instalment, paid: Mapping[str, Decimal]) -> Decimal:
    return instalment.amount_yuan - paid.get(instalment.stage, ZERO)


def check_payment(
    instalments: Sequence[Instalment],
    paid: Mapping[str, Decimal],
    *,
    calculation_id: int,
    stage: str,
    amount_yuan: Decimal,
    payee: str,
    basis: Sequence[Basis] = (),
) -> Instalment:
    """The instalment a payment settles: of the calculation in force, its moment reached, to its payee, and never
    more than what is left of it — 409 for the moment or an outdated calculation, 422 for the amount or the payee."""
    found = [i for i in instalments if i.calculation_id == calculation_id and i.stage == stage]
    if not found:
        if any(i.stage == stage for i in instalments):
            raise InvalidState(
                field="calculation_id",
                subcode="subsidy_case.pay.outdated",
                reason="该笔款项须按现行（最近一次）核定结果支付",
            )
        raise InvalidInput(
            field="stage", subcode="subsidy_case.pay.stage", reason=f"stage：核定结果中没有“{stage}”这笔款项"
        )
    instalment = found[0]
    if not instalment.reached:
        raise InvalidState(
            field="stage",
            subcode="subsidy_case.pay.not_due",
            reason=f"“{instalment.label}”的支付条件尚未达到",
            basis=list(basis),
        )
    left = remaining(instalment, paid)
    if amount_yuan <= 0 or amount_yuan > left:
        raise InvalidInput(
            field="amount_yuan",
            subcode="subsidy_case.pay.over_calculation",
            reason=f"amount_yuan：“{instalment.label}”核定 {instalment.amount_yuan:f} 元，尚可支付 {left:f} 元",
        )
    if payee.strip() != instalment.payee:
        raise InvalidInput(
            field="payee",
            subcode="subsidy_case.pay.payee",
            reason=f"payee：该笔款项应点对点支付给“{instalment.payee}”",
            basis=[TO_HOUSEHOLD],
        )
    return instalment


def settled(instalments: Sequence[Instalment], paid: Mapping[str, Decimal], *, accepted: bool) -> bool:
    """Nothing is left to pay once the case is accepted (验收合格后全部付清, 004#L9202-L9204): every instalment of the
    calculations in force is paid in full; one of nothing (no 凉房 built, a balance of zero) needs no payment."""
    return (
        accepted
        and bool(instalments)
        and all(remaining(i, paid) <= 0 and (i.reached or i.amount_yuan == 0) for i in instalments)
    )

"""Subsidy calculators as pure arithmetic over cited figures: a share of an amount with a floor, bands and a cap
(包科发〔2025〕61号 四 奖补机制), the earliest licence-fee payment day (三), and the 南平房区 renovation and renewal
subsidies with setback compensation (杭政办发〔2024〕42号 五 and 附件1).

Money is Decimal. Each component is rounded to the fen (ROUND_HALF_UP) and the total is the sum of the rounded
components, a cap included as a negative component, so the parts always add up to the whole. Every answer carries
its formula, the inputs, each component and the seed lines it rests on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from itertools import pairwise

from yingji.core.errors import InvalidInput
from yingji.rules.basis import Basis, Decision

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
# Platform sanity limits, not seed figures: no contract, fee or house in these programmes comes near them.
MAX_YUAN = Decimal(10_000_000_000)  # 100亿元
MAX_AREA_M2 = Decimal(100_000)  # 10万平方米; the whole 南平房区 is about 1074亩 (some 716 000 m²)
MAX_RESULTS = 100  # results in one licence contract
YEARS = (2000, 2100)


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One cited number: a rate (0.1 for 10 %) or an amount in yuan (per m², per household)."""

    value: Decimal
    basis: Basis


@dataclass(frozen=True, kw_only=True)
class Component:
    """One line of a calculation (``key`` is stable English, ``label`` Chinese); components add up to the total."""

    key: str
    label: str
    formula: str
    amount_yuan: Decimal
    basis: tuple[Basis, ...]


@dataclass(frozen=True, kw_only=True)
class Instalment:
    """One payment of a schedule: when it may be claimed and how much."""

    stage: str
    label: str
    amount_yuan: Decimal
    basis: tuple[Basis, ...]


@dataclass(frozen=True, kw_only=True)
class Route:
    """The approval route of a new build (审批路径); ``id`` is "undetermined" where the programme names none."""

    id: str
    label: str
    text: str
    basis: tuple[Basis, ...]


@dataclass(frozen=True, kw_only=True)
class Calculation:
    calculator: str
    title: str
    formula: str
    inputs: Mapping[str, str]
    components: tuple[Component, ...]
    total_yuan: Decimal
    schedule: tuple[Instalment, ...] = ()
    route: Route | None = None


# ---- inputs and formatting ----------------------------------------------------------------------------------------


def parse_number(raw: object) -> Decimal:
    """Return ``raw`` as a finite Decimal; ValueError with a Chinese reason for anything else (text, bool, NaN, ∞)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise ValueError("应为数字")
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except InvalidOperation as err:
        raise ValueError("应为数字") from err
    if not value.is_finite():
        raise ValueError("应为有限的数字")
    return value


def _checked(value: Decimal, field: str, maximum: Decimal, unit: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidInput(field=field, reason=f"{field}：应为数字")
    if value < 0:
        raise InvalidInput(field=field, reason=f"{field}：不能为负数")
    if value > maximum:
        raise InvalidInput(field=field, reason=f"{field}：超出合理范围（不超过 {_plain(maximum)} {unit}）")
    if value != value.quantize(FEN, rounding=ROUND_HALF_UP):
        raise InvalidInput(field=field, reason=f"{field}：最多保留两位小数")
    return value


def check_yuan(value: Decimal, *, field: str) -> Decimal:
    """Return a money input unchanged; InvalidInput naming ``field`` if it is negative, absurd or finer than a fen."""
    return _checked(value, field, MAX_YUAN, "元")


def check_area(value: Decimal, *, field: str) -> Decimal:
    """Return an area in m² unchanged; InvalidInput naming ``field`` if it is negative, absurd or finer than 0.01."""
    return _checked(value, field, MAX_AREA_M2, "平方米")


def check_date(value: date, *, field: str) -> date:
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise InvalidInput(field=field, reason=f"{field}：日期超出合理范围（{YEARS[0]}—{YEARS[1]} 年）")
    return value


def _fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    """A figure as the programmes write it: 30000, 0.8, 673 (no exponent, no trailing zeros)."""
    return f"{value.normalize():f}"


def _money(value: Decimal) -> str:
    return f"{_fen(value):f}"


def _percent(rate: Decimal) -> str:
    return f"{_plain(rate * 100)}%"


def _total(components: Sequence[Component]) -> Decimal:
    return sum((c.amount_yuan for c in components), ZERO)


def _bases(*groups: Sequence[Basis]) -> tuple[Basis, ...]:
    """Every basis once, in first-cited order."""
    seen: dict[tuple[str, str | None, str | None], Basis] = {}
    for basis in (b for group in groups for b in group):
        seen.setdefault((basis.rule, basis.seed, basis.quote), basis)
    return tuple(seen.values())


def _of(components: Sequence[Component]) -> tuple[Basis, ...]:
    return tuple(b for c in components for b in c.basis)


# ---- shares with a floor, bands and a cap (包科发〔2025〕61号 四) ----------------------------------------------------


class LicenceKind(StrEnum):
    EXCLUSIVE = "exclusive"  # 独占许可
    SOLE = "sole"  # 排他许可
    ORDINARY = "ordinary"  # 普通许可
    TRANSFER = "transfer"  # 转让


LICENCE_KIND_LABELS = {
    LicenceKind.EXCLUSIVE: "独占许可",
    LicenceKind.SOLE: "排他许可",
    LicenceKind.ORDINARY: "普通许可",
    LicenceKind.TRANSFER: "转让",
}


@dataclass(frozen=True, kw_only=True)
class Tier:
    """A band of the amount paid at ``rate``; ``up_to_yuan`` is its inclusive top (“3000元(含)以内”), None open."""

    rate: Figure
    up_to_yuan: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class FirstOnly:
    """Only the first licence of a result counts when the licence is one of ``kinds`` (普通许可)."""

    kinds: frozenset[LicenceKind]
    basis: Basis


@dataclass(frozen=True, kw_only=True)
class ShareScheme:
    id: str
    title: str
    amount_label: str
    tiers: tuple[Tier, ...]
    cap_yuan: Figure
    minimum_yuan: Figure | None = None  # the amount must be at least this (不低于: inclusive)
    first_only: FirstOnly | None = None
    basis: tuple[Basis, ...] = ()  # who receives it and what the amount is: cited with every answer


@dataclass(frozen=True, kw_only=True)
class LicensedResult:
    """One result (成果) of a licence or transfer contract."""

    amount_yuan: Decimal
    kind: LicenceKind = LicenceKind.ORDINARY
    is_first_licence: bool = True
    name: str | None = None


def share_formula(scheme: ShareScheme) -> str:
    """Return the scheme's formula, e.g. “补贴 = min(min(x, 3000) × 100% + max(x − 3000, 0) × 80%, 5000) 元”."""
    x, parts, lower = scheme.amount_label, [], Decimal(0)
    for tier in scheme.tiers:
        up = tier.up_to_yuan
        if up is None:
            part = x if lower == 0 else f"max({x} − {_plain(lower)}, 0)"
        elif lower == 0:
            part = f"min({x}, {_plain(up)})"
        else:
            part = f"min(max({x} − {_plain(lower)}, 0), {_plain(up - lower)})"
        parts.append(f"{part} × {_percent(tier.rate.value)}")
        lower = up if up is not None else lower
    body = f"min({' + '.join(parts)}, {_plain(scheme.cap_yuan.value)}) 元"
    if scheme.minimum_yuan is not None:
        body = f"{x} ≥ {_plain(scheme.minimum_yuan.value)} 元时 {body}，否则 0"
    return f"补贴 = {body}"


def band_label(amount_label: str, lower: Decimal, up: Decimal | None) -> str:
    """Name a band of the amount as the programme does: “3000元（含）以内部分”, “超过3000元的部分”."""
    if up is not None:
        return f"{_plain(up)}元（含）以内部分" if lower == 0 else f"{_plain(lower)}—{_plain(up)}元部分"
    return amount_label if lower == 0 else f"超过{_plain(lower)}元的部分"


def _share_parts(scheme: ShareScheme, amount: Decimal, key: str = "", name: str = "") -> list[Component]:
    minimum = scheme.minimum_yuan
    if minimum is not None and amount < minimum.value:
        formula = f"{_money(amount)} < {_plain(minimum.value)}，不予补贴 = 0.00"
        return [
            Component(
                key=f"{key}below_minimum",
                label=f"{name}未达补贴起点",
                formula=formula,
                amount_yuan=ZERO,
                basis=(minimum.basis,),
            )
        ]
    parts: list[Component] = []
    lower = Decimal(0)
    for n, tier in enumerate(scheme.tiers, start=1):
        up = tier.up_to_yuan
        portion = max(amount if up is None else min(amount, up), lower) - lower
        share = _fen(portion * tier.rate.value)
        parts.append(
            Component(
                key=f"{key}band.{n}",
                label=name + band_label(scheme.amount_label, lower, up),
                formula=f"{_money(portion)} × {_percent(tier.rate.value)} = {_money(share)}",
                amount_yuan=share,
                basis=(*((minimum.basis,) if minimum else ()), tier.rate.basis),
            )
        )
        if up is None or amount <= up:
            break
        lower = up
    subtotal, cap = _total(parts), scheme.cap_yuan
    if subtotal > cap.value:
        cut = _fen(cap.value - subtotal)
        formula = f"min({_money(subtotal)}, {_plain(cap.value)}) − {_money(subtotal)} = {_money(cut)}"
        parts.append(
            Component(
                key=f"{key}cap",
                label=f"{name}超过上限部分不予补贴",
                formula=formula,
                amount_yuan=cut,
                basis=(cap.basis,),
            )
        )
    return parts


def share_subsidy(scheme: ShareScheme, amount_yuan: Decimal, *, field: str = "amount_yuan") -> Decision[Calculation]:
    """Return the subsidy for one amount: nothing below the floor, the bands' shares, never above the cap."""
    amount = check_yuan(amount_yuan, field=field)
    parts = tuple(_share_parts(scheme, amount))
    calculation = Calculation(
        calculator=scheme.id,
        title=scheme.title,
        formula=share_formula(scheme),
        inputs={scheme.amount_label: f"{_money(amount)} 元"},
        components=parts,
        total_yuan=_total(parts),
    )
    return Decision(calculation, _bases(scheme.basis, _of(parts)))


def licence_subsidy(scheme: ShareScheme, results: Sequence[LicensedResult]) -> Decision[Calculation]:
    """Return a contract's licence (transfer) subsidy: each result on its own, capped per result, then summed.

    Where the scheme says so, a result licensed again under a non-exclusive licence (普通许可) gets nothing: only its
    first licence is subsidised (000#L2248-L2250).
    """
    if not results:
        raise InvalidInput(field="results", reason="results：至少给出一项成果及其交易金额")
    if len(results) > MAX_RESULTS:
        raise InvalidInput(field="results", reason=f"results：一份合同最多 {MAX_RESULTS} 项成果")
    parts: list[Component] = []
    inputs: dict[str, str] = {}
    only = scheme.first_only
    for i, result in enumerate(results):
        amount = check_yuan(result.amount_yuan, field=f"results.{i}.amount_yuan")
        name = f"成果{i + 1}" + (f"（{result.name}）" if result.name else "")
        kind = LICENCE_KIND_LABELS[result.kind]
        inputs[name] = f"{_money(amount)} 元，{kind}，{'首次许可' if result.is_first_licence else '非首次许可'}"
        if only is not None and result.kind in only.kinds and not result.is_first_licence:
            parts.append(
                Component(
                    key=f"results.{i}.not_first",
                    label=f"{name}：{kind}非首次许可",
                    formula="仅对首次许可给予补贴 = 0.00",
                    amount_yuan=ZERO,
                    basis=(only.basis,),
                )
            )
            continue
        parts += _share_parts(scheme, amount, key=f"results.{i}.", name=f"{name}：")
    calculation = Calculation(
        calculator=scheme.id,
        title=scheme.title,
        formula=f"合同补贴 = Σ 各单项成果补贴；单项成果{share_formula(scheme)}",
        inputs=inputs,
        components=tuple(parts),
        total_yuan=_total(parts),
    )
    return Decision(calculation, _bases(scheme.basis, (only.basis,) if only else (), _of(parts)))


# ---- licence-fee payment day (包科发〔2025〕61号 三) ---------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PaymentTiming:
    id: str
    title: str
    years_after_effective: Figure  # 许可合同生效一年
    after_revenue: Basis  # 或……形成市场化收入之后
    period: Basis  # how a period in years is counted (民法典 第二百零一条、第二百零二条)
    reading: str


@dataclass(frozen=True, kw_only=True)
class Condition:
    key: str
    label: str
    formula: str
    on: date | None  # the first day this condition allows payment; None while it is not met
    basis: tuple[Basis, ...]


@dataclass(frozen=True, kw_only=True)
class TimingAnswer:
    calculator: str
    title: str
    formula: str
    inputs: Mapping[str, str]
    conditions: tuple[Condition, ...]
    earliest_on: date
    may_pay: bool | None = None  # on the proposed day; None when no day was proposed


def add_years(start: date, years: int) -> date:
    """Return the last day of a period of ``years`` years from ``start``: the start day is not counted, and the period
    ends on the corresponding day, or the month's last day when there is none (民法典 第二百零一条、第二百零二条)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def earliest_payment(
    timing: PaymentTiming, *, effective_on: date, revenue_on: date | None = None, proposed_on: date | None = None
) -> Decision[TimingAnswer]:
    """Return the first day the licence fee may be paid: the day after the contract's first year, or the day after the
    licensee first earns market revenue from the result, whichever comes first (“或”: either condition suffices)."""
    check_date(effective_on, field="effective_on")
    if revenue_on is not None and check_date(revenue_on, field="revenue_on") < effective_on:
        raise InvalidInput(field="revenue_on", reason="revenue_on：基于许可成果的市场化收入不能早于许可合同生效日")
    if proposed_on is not None:
        check_date(proposed_on, field="proposed_on")
    years = int(timing.years_after_effective.value)
    year_end = add_years(effective_on, years)
    conditions = (
        Condition(
            key="contract_year",
            label=f"许可合同生效满{years}年",
            formula=f"{effective_on.isoformat()} 生效，期间末日 {year_end.isoformat()}，次日起可支付",
            on=year_end + timedelta(days=1),
            basis=(timing.years_after_effective.basis, timing.period),
        ),
        Condition(
            key="market_revenue",
            label="被许可方基于该成果形成市场化收入",
            formula="尚未形成（或未填报）" if revenue_on is None else f"{revenue_on.isoformat()} 形成，次日起可支付",
            on=None if revenue_on is None else revenue_on + timedelta(days=1),
            basis=(timing.after_revenue,),
        ),
    )
    earliest = min(c.on for c in conditions if c.on is not None)
    inputs = {"许可合同生效日": effective_on.isoformat()}
    if revenue_on is not None:
        inputs["首次形成市场化收入日"] = revenue_on.isoformat()
    if proposed_on is not None:
        inputs["拟支付日"] = proposed_on.isoformat()
    answer = TimingAnswer(
        calculator=timing.id,
        title=timing.title,
        formula=f"最早支付日 = min(生效满{years}年之日的次日, 形成市场化收入之日的次日)",
        inputs=inputs,
        conditions=conditions,
        earliest_on=earliest,
        may_pay=None if proposed_on is None else proposed_on >= earliest,
    )
    later = () if revenue_on is not None else ("被许可方若更早形成市场化收入，最早支付日随之提前",)
    return Decision(answer, _bases(_of_conditions(conditions)), notes=(timing.reading, *later))


def _of_conditions(conditions: Sequence[Condition]) -> tuple[Basis, ...]:
    return tuple(b for c in conditions for b in c.basis)


# ---- 南平房区 renovation and renewal (杭政办发〔2024〕42号 五, 附件1) ----------------------------------------


class Grade(StrEnum):
    B = "B"  # B 级
    C = "C"  # C 级
    D = "D"  # D 级（危房）


class Work(StrEnum):
    RENOVATE = "renovate"  # 既有建筑改造
    DEMOLISH = "demolish"  # 拆除后不新建
    REBUILD = "rebuild"  # 拆除新建
    VACANT_BUILD = "vacant_build"  # 空地新建


class BuildingKind(StrEnum):
    STOREYED = "storeyed"  # 楼房
    BUNGALOW = "bungalow"  # 平房
    ANCILLARY = "ancillary"  # 附属用房（凉房）


class LandUse(StrEnum):
    RESIDENTIAL = "residential"  # 住宅
    COMMERCIAL = "commercial"  # 商业（门面迎主街道）


class Tenure(StrEnum):
    ALLOCATED = "allocated"  # 划拨
    GRANTED = "granted"  # 出让
    UNCERTIFIED = "uncertified"  # 无证（符合无证土地补偿条件）


WORK_LABELS = {
    Work.RENOVATE: "既有建筑改造",
    Work.DEMOLISH: "拆除后不新建",
    Work.REBUILD: "拆除新建",
    Work.VACANT_BUILD: "空地新建",
}
BUILDING_LABELS = {BuildingKind.STOREYED: "楼房", BuildingKind.BUNGALOW: "平房", BuildingKind.ANCILLARY: "附属用房"}
LAND_LABELS = {
    LandUse.RESIDENTIAL: "住宅",
    LandUse.COMMERCIAL: "商业",
    Tenure.ALLOCATED: "划拨",
    Tenure.GRANTED: "出让",
    Tenure.UNCERTIFIED: "无证",
}


def new_build_key(kind: BuildingKind) -> str:
    """The component key of a new building's subsidy, which payment stages name."""
    return f"new_build.{kind}"


@dataclass(frozen=True, kw_only=True)
class LandRate:
    land_use: LandUse
    tenure: Tenure
    location_class: int | None  # 一类/二类/三类地段 (commercial land only)
    rate: Figure  # 元/平方米


@dataclass(frozen=True, kw_only=True)
class ApprovalRoute:
    """A new build's approval route when its floor area and investment are within the bounds; the data states which
    bound includes its number (以上 includes it, 以下 excludes it, 以内 includes it)."""

    id: str
    label: str
    text: str
    basis: tuple[Basis, ...]
    area_below_m2: Decimal | None = None
    area_at_least_m2: Decimal | None = None
    investment_at_most_yuan: Decimal | None = None
    investment_at_least_yuan: Decimal | None = None

    def applies(self, area: Decimal, investment: Decimal) -> bool:
        return (
            (self.area_below_m2 is None or area < self.area_below_m2)
            and (self.area_at_least_m2 is None or area >= self.area_at_least_m2)
            and (self.investment_at_most_yuan is None or investment <= self.investment_at_most_yuan)
            and (self.investment_at_least_yuan is None or investment >= self.investment_at_least_yuan)
        )


@dataclass(frozen=True, kw_only=True)
class Stage:
    """A payment stage: it pays the components whose keys it lists, or (``balance``) what the others left."""

    id: str
    label: str
    basis: tuple[Basis, ...]
    pays: frozenset[str] = frozenset()
    balance: bool = False


class SetbackArea(StrEnum):
    """Which measured area a setback reading multiplies by the rate."""

    PLOT = "plot"  # 退线前土地面积：the whole plot before the setback
    GIVEN_UP = "given_up"  # 退出土地面积：the land given up to public use


@dataclass(frozen=True, kw_only=True)
class SetbackReading:
    """One reading of the setback sentence (004#L9292-L9294): what area the rate is multiplied by, and why."""

    id: str
    label: str
    area: SetbackArea
    basis: tuple[Basis, ...]


@dataclass(frozen=True, kw_only=True)
class RenewalScheme:
    id: str
    title: str
    renovation: Mapping[Grade, Figure]  # 元/平方米 of the existing floor area
    roof: Mapping[Grade, Figure]  # 元/平方米 for a compliant tile or new-material roof
    renovation_basis: tuple[Basis, ...]  # accepted first; the existing floor area counts
    must_demolish: Mapping[Grade, Basis]  # grades that may not be renovated (D 级危房)
    household: Mapping[Grade, Figure]  # 元/户 when demolished and not rebuilt
    household_if_rebuilt: Basis  # …and nothing of it when rebuilt
    rebuild_grades: frozenset[Grade]
    rebuild_basis: Basis
    new_build: Mapping[BuildingKind, Figure]  # 元/平方米 of the new floor area
    exclusive: Basis  # 同一栋房屋不得同时享受改造补贴和新建补贴
    setback: tuple[LandRate, ...]
    setback_basis: tuple[Basis, ...]
    setback_readings: tuple[SetbackReading, ...]
    setback_default: str  # the reading used until an administrator chooses another
    routes: tuple[ApprovalRoute, ...]
    undetermined: Basis
    renovation_payment: Stage
    new_build_stages: tuple[Stage, ...]
    compensation_payment: Stage


@dataclass(frozen=True, kw_only=True)
class SetbackFacts:
    """The setback land: the area given up (退出土地) and the plot before the setback (退线前土地); each reading of
    004#L9292-L9294 needs one of them, and a household's case keeps both."""

    land_use: LandUse
    tenure: Tenure
    area_m2: Decimal | None = None  # the land given up (退出土地)
    plot_area_m2: Decimal | None = None  # the whole plot before the setback (退线前土地面积)
    location_class: int | None = None


@dataclass(frozen=True, kw_only=True)
class RenewalFacts:
    """One household's building: what is done to it and the measured areas."""

    work: Work
    grade: Grade | None = None
    floor_area_m2: Decimal | None = None  # existing building floor area (renovation)
    compliant_roof: bool = False
    main_kind: BuildingKind | None = None  # the new main house: 楼房 or 平房
    main_area_m2: Decimal | None = None
    ancillary_area_m2: Decimal | None = None
    investment_yuan: Decimal | None = None
    setback: SetbackFacts | None = None


_NEW_BUILD = ("main_kind", "main_area_m2", "ancillary_area_m2", "investment_yuan", "setback")
_USES = {  # the inputs each kind of work takes; any other is refused rather than silently ignored
    Work.RENOVATE: {"grade", "floor_area_m2", "compliant_roof"},
    Work.DEMOLISH: {"grade"},
    Work.REBUILD: {"grade", *_NEW_BUILD},
    Work.VACANT_BUILD: set(_NEW_BUILD),
}


def _refuse_unused(scheme: RenewalScheme, facts: RenewalFacts) -> None:
    given = [n for n in ("grade", "floor_area_m2", *_NEW_BUILD) if getattr(facts, n) is not None]
    for name in [*given, *(["compliant_roof"] if facts.compliant_roof else [])]:
        if name in _USES[facts.work]:
            continue
        if facts.work is Work.RENOVATE:  # a renovated building asking for new-build money
            reason = f"{name}：同一栋房屋不得同时享受改造补贴和新建补贴"
            raise InvalidInput(field=name, reason=reason, basis=[scheme.exclusive])
        raise InvalidInput(field=name, reason=f"{name}：{WORK_LABELS[facts.work]}不适用此项")


def _grade(facts: RenewalFacts) -> Grade:
    if facts.grade is None:
        raise InvalidInput(field="grade", reason=f"grade：{WORK_LABELS[facts.work]}须给出房屋结构安全等级（B、C、D）")
    return facts.grade


def _per_m2(key: str, label: str, area: Decimal, rate: Figure, *extra: Basis) -> Component:
    amount = _fen(area * rate.value)
    formula = f"{_money(area)} 平方米 × {_plain(rate.value)} 元/平方米 = {_money(amount)}"
    return Component(key=key, label=label, formula=formula, amount_yuan=amount, basis=(*extra, rate.basis))


def _renovation(scheme: RenewalScheme, facts: RenewalFacts) -> list[Component]:
    grade = _grade(facts)
    if grade in scheme.must_demolish:
        reason = f"grade：{grade} 级房屋为危房，按规范要求需要拆除，不予改造补贴"
        raise InvalidInput(field="grade", reason=reason, basis=[scheme.must_demolish[grade]])
    if (rate := scheme.renovation.get(grade)) is None:
        raise InvalidInput(field="grade", reason=f"grade：方案未规定 {grade} 级房屋的改造补贴标准")
    if facts.floor_area_m2 is None:
        raise InvalidInput(field="floor_area_m2", reason="floor_area_m2：改造补贴按既有房屋建筑面积核算，须给出面积")
    area = check_area(facts.floor_area_m2, field="floor_area_m2")
    parts = [_per_m2("renovation", f"{grade} 级房屋改造补贴", area, rate, *scheme.renovation_basis)]
    if facts.compliant_roof and (roof := scheme.roof.get(grade)) is not None:
        parts.append(_per_m2("roof", "符合规划、风貌要求的瓦顶或新型材料屋顶", area, roof))
    return parts


def _demolition(scheme: RenewalScheme, facts: RenewalFacts) -> list[Component]:
    grade = _grade(facts)
    if (figure := scheme.household.get(grade)) is None:
        cited = tuple(f.basis for f in scheme.household.values())
        formula = f"方案只对 {'、'.join(scheme.household)} 级房屋拆除后不新建给予户补贴 = 0.00"
        return [Component(key="household", label="户补贴", formula=formula, amount_yuan=ZERO, basis=cited)]
    amount = _fen(figure.value)
    formula = f"1 户 × {_plain(figure.value)} 元 = {_money(amount)}"
    label = f"{grade} 级房屋拆除后不新建户补贴"
    return [Component(key="household", label=label, formula=formula, amount_yuan=amount, basis=(figure.basis,))]


def _new_build(scheme: RenewalScheme, facts: RenewalFacts) -> tuple[list[Component], Decimal]:
    if facts.work is Work.REBUILD and (grade := _grade(facts)) not in scheme.rebuild_grades:
        reason = f"grade：方案未规定 {grade} 级房屋拆除新建"
        raise InvalidInput(field="grade", reason=reason, basis=[scheme.rebuild_basis])
    main = Decimal(0) if facts.main_area_m2 is None else check_area(facts.main_area_m2, field="main_area_m2")
    extra = facts.ancillary_area_m2
    ancillary = Decimal(0) if extra is None else check_area(extra, field="ancillary_area_m2")
    if not main and not ancillary:
        reason = "main_area_m2：新建补贴按新建面积核算，须给出主房或附属用房面积"
        raise InvalidInput(field="main_area_m2", reason=reason)
    parts: list[Component] = []
    if main:
        if facts.main_kind is None or facts.main_kind is BuildingKind.ANCILLARY:
            raise InvalidInput(
                field="main_kind", reason="main_kind：须说明新建主房是楼房（storeyed）还是平房（bungalow）"
            )
        label = f"新建{BUILDING_LABELS[facts.main_kind]}（主房）"
        parts.append(_per_m2(new_build_key(facts.main_kind), label, main, scheme.new_build[facts.main_kind]))
    if ancillary:
        kind = BuildingKind.ANCILLARY
        parts.append(_per_m2(new_build_key(kind), "新建附属用房（凉房）", ancillary, scheme.new_build[kind]))
    if facts.work is Work.REBUILD and facts.grade in scheme.household:
        label = f"{facts.grade} 级房屋拆除后新建"
        parts.append(
            Component(
                key="household",
                label=label,
                formula="不享受户补贴，享受新建补贴 = 0.00",
                amount_yuan=ZERO,
                basis=(scheme.household_if_rebuilt,),
            )
        )
    return parts, main + ancillary


def find_reading(scheme: RenewalScheme, reading_id: str | None = None) -> SetbackReading:
    """The reading with this id, or the scheme's default; InvalidInput for an id the data does not hold."""
    wanted = reading_id or scheme.setback_default
    for reading in scheme.setback_readings:
        if reading.id == wanted:
            return reading
    known = "、".join(r.id for r in scheme.setback_readings)
    raise InvalidInput(field="setback_reading", reason=f"setback_reading：只能是 {known}")


AREA_FIELDS = {SetbackArea.PLOT: "plot_area_m2", SetbackArea.GIVEN_UP: "area_m2"}
AREA_LABELS = {SetbackArea.PLOT: "退线前土地面积", SetbackArea.GIVEN_UP: "退出土地面积"}


def _setback_rate(scheme: RenewalScheme, setback: SetbackFacts) -> LandRate:
    same_use = [r for r in scheme.setback if r.land_use is setback.land_use]
    classes = sorted({r.location_class for r in same_use if r.location_class is not None})
    if (setback.location_class is None) != (not classes) or (classes and setback.location_class not in classes):
        reason = f"须给出地段类别（{'、'.join(map(str, classes))}）" if classes else "该用途的土地不分地段类别"
        raise InvalidInput(field="setback.location_class", reason=f"setback.location_class：{reason}")
    found = [r for r in same_use if r.tenure is setback.tenure and r.location_class == setback.location_class]
    if not found:
        what = f"{LAND_LABELS[setback.land_use]}{LAND_LABELS[setback.tenure]}土地"
        raise InvalidInput(field="setback.tenure", reason=f"setback.tenure：方案未规定{what}的退线补偿标准")
    return found[0]


def _setback_areas(setback: SetbackFacts) -> dict[SetbackArea, Decimal]:
    """The areas given, checked; the land given up is part of the plot, so it cannot be larger."""
    areas = {
        kind: check_area(value, field=f"setback.{AREA_FIELDS[kind]}")
        for kind, value in ((SetbackArea.PLOT, setback.plot_area_m2), (SetbackArea.GIVEN_UP, setback.area_m2))
        if value is not None
    }
    plot, given_up = areas.get(SetbackArea.PLOT), areas.get(SetbackArea.GIVEN_UP)
    if plot is not None and given_up is not None and given_up > plot:
        raise InvalidInput(field="setback.area_m2", reason="setback.area_m2：退出土地面积不能大于退线前土地面积")
    return areas


def _setback(scheme: RenewalScheme, setback: SetbackFacts, reading: SetbackReading) -> tuple[Component, list[str]]:
    """The compensation under the reading in force; a note gives the amount under each other reading whose area is
    known, so a reader sees what the choice changes."""
    areas = _setback_areas(setback)
    if reading.area not in areas:
        field = f"setback.{AREA_FIELDS[reading.area]}"
        reason = f"{field}：退线补偿现按“{reading.label}”，须给出{AREA_LABELS[reading.area]}"
        raise InvalidInput(field=field, reason=reason, basis=list(reading.basis))
    rate = _setback_rate(scheme, setback)
    where = "" if setback.location_class is None else f"{setback.location_class}类地段"
    label = f"退线补偿（{where}{LAND_LABELS[setback.land_use]}，{LAND_LABELS[setback.tenure]}土地，{reading.label}）"
    part = _per_m2("setback", label, areas[reading.area], rate.rate, *scheme.setback_basis, *reading.basis)
    notes = [
        f"退线补偿若{other.label}：{_money(areas[other.area])} 平方米 × {_plain(rate.rate.value)} 元/平方米 = "
        f"{_money(_fen(areas[other.area] * rate.rate.value))} 元（未采用）"
        for other in scheme.setback_readings
        if other.id != reading.id and other.area in areas
    ]
    return part, notes


def _route(scheme: RenewalScheme, area: Decimal, investment: Decimal) -> Route:
    for route in scheme.routes:
        if route.applies(area, investment):
            return Route(id=route.id, label=route.label, text=route.text, basis=route.basis)
    text = "新建面积与投资额不在同一档，方案未规定审批路径：遵照主管部门要求办理"
    return Route(id="undetermined", label="方案未规定的情形", text=text, basis=(scheme.undetermined,))


def _schedule(scheme: RenewalScheme, work: Work, parts: Sequence[Component]) -> tuple[Instalment, ...]:
    if work is Work.DEMOLISH:
        return ()
    if work is Work.RENOVATE:
        stage = scheme.renovation_payment
        return (Instalment(stage=stage.id, label=stage.label, amount_yuan=_total(parts), basis=stage.basis),)
    subsidy = _total([p for p in parts if p.key.startswith("new_build.")])
    paid, schedule = ZERO, []
    for stage in scheme.new_build_stages:
        amount = subsidy - paid if stage.balance else _total([p for p in parts if p.key in stage.pays])
        paid += amount
        schedule.append(Instalment(stage=stage.id, label=stage.label, amount_yuan=amount, basis=stage.basis))
    if compensation := [p for p in parts if p.key == "setback"]:
        stage = scheme.compensation_payment
        schedule.append(
            Instalment(stage=stage.id, label=stage.label, amount_yuan=_total(compensation), basis=stage.basis)
        )
    return tuple(schedule)


FORMULAS = {
    Work.RENOVATE: "改造补贴 = 既有房屋建筑面积 × 等级补贴标准"
    " + 既有房屋建筑面积 × 屋顶补贴标准（符合要求的瓦顶或新型材料屋顶）",
    Work.DEMOLISH: "户补贴 = 1 户 × 户补贴标准（方案规定的等级）",
    Work.REBUILD: "新建补贴 = 主房面积 × 楼房或平房标准 + 附属用房面积 × 附属用房标准"
    "；退线补偿 = {area} × 土地补偿单价",
}
ANY_AREA = "补偿面积（按选定的理解：退线前土地面积或退出土地面积）"


def renewal_formula(work: Work | None = None, reading: SetbackReading | None = None) -> str:
    """The formula of one kind of work (all of them when None), the setback area named by the reading in force."""
    area = ANY_AREA if reading is None else f"{AREA_LABELS[reading.area]}（{reading.label}）"
    chosen = FORMULAS.values() if work is None else [FORMULAS.get(work, FORMULAS[Work.REBUILD])]
    return "；".join(chosen).format(area=area)


def renewal_subsidy(
    scheme: RenewalScheme, facts: RenewalFacts, *, setback_reading: str | None = None
) -> Decision[Calculation]:
    """Return one household building's subsidy and compensation, the payment schedule and, for a new build whose
    investment is given, the approval route. The setback is compensated under ``setback_reading`` (the
    administrator's choice), the scheme's default when None."""
    _refuse_unused(scheme, facts)
    reading = find_reading(scheme, setback_reading)
    route: Route | None = None
    notes: list[str] = []
    if facts.work is Work.RENOVATE:
        parts = _renovation(scheme, facts)
    elif facts.work is Work.DEMOLISH:
        parts = _demolition(scheme, facts)
        notes.append("方案未规定户补贴的支付时点")
    else:
        parts, area = _new_build(scheme, facts)
        if facts.setback is not None:
            part, other = _setback(scheme, facts.setback, reading)
            parts.append(part)
            notes += other
        if facts.investment_yuan is None:
            notes.append("未给出投资额，未判定审批路径")
        else:
            route = _route(scheme, area, check_yuan(facts.investment_yuan, field="investment_yuan"))
    schedule = _schedule(scheme, facts.work, parts)
    calculation = Calculation(
        calculator=scheme.id,
        title=scheme.title,
        formula=renewal_formula(facts.work, reading),
        inputs=_renewal_inputs(facts),
        components=tuple(parts),
        total_yuan=_total(parts),
        schedule=schedule,
        route=route,
    )
    exclusive = () if facts.work is Work.DEMOLISH else (scheme.exclusive,)
    staged = tuple(b for i in schedule for b in i.basis)
    return Decision(
        calculation, _bases(_of(parts), exclusive, staged, route.basis if route else ()), notes=tuple(notes)
    )


def _renewal_inputs(facts: RenewalFacts) -> dict[str, str]:
    shown = {"改造更新方式": WORK_LABELS[facts.work]}
    if facts.grade is not None:
        shown["结构安全等级"] = f"{facts.grade} 级"
    if facts.floor_area_m2 is not None:
        shown["既有房屋建筑面积"] = f"{_money(facts.floor_area_m2)} 平方米"
    if facts.work is Work.RENOVATE:
        shown["符合要求的屋顶"] = "是" if facts.compliant_roof else "否"
    if facts.main_kind is not None:
        shown["新建主房类型"] = BUILDING_LABELS[facts.main_kind]
    if facts.main_area_m2 is not None:
        shown["新建主房面积"] = f"{_money(facts.main_area_m2)} 平方米"
    if facts.ancillary_area_m2 is not None:
        shown["新建附属用房面积"] = f"{_money(facts.ancillary_area_m2)} 平方米"
    if facts.investment_yuan is not None:
        shown["投资额"] = f"{_money(facts.investment_yuan)} 元"
    if (s := facts.setback) is not None:
        where = "" if s.location_class is None else f"{s.location_class}类地段"
        shown["退线土地"] = f"{where}{LAND_LABELS[s.land_use]}，{LAND_LABELS[s.tenure]}"
        if s.plot_area_m2 is not None:
            shown["退线前土地面积"] = f"{_money(s.plot_area_m2)} 平方米"
        if s.area_m2 is not None:
            shown["退出土地面积"] = f"{_money(s.area_m2)} 平方米"
    return shown


# ---- equipment-renewal loan interest subsidy (鄂府发〔2024〕60号 一（四）) -------------------------------------------

MAX_REPAYMENTS = 240  # principal repayments of one loan (monthly over 20 years): a sanity limit, not a seed figure


@dataclass(frozen=True, kw_only=True)
class InterestScheme:
    """An interest subsidy on a loan's principal: ``rate`` a year (0.015), for ``years`` from the loan's start."""

    id: str
    title: str
    rate: Figure
    years: Figure
    eligible: Basis  # which loans
    base: Basis  # on what (the principal)
    no_cap: Basis  # the seed sets no cap
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Repayment:
    """Principal repaid on ``on``: from that day the subsidy runs on what is left."""

    on: date
    amount_yuan: Decimal


def interest_formula(scheme: InterestScheme) -> str:
    years = int(scheme.years.value)
    return (
        f"贴息 = Σ 未还本金 × {_percent(scheme.rate.value)} × 贴息年数"
        f"（自放款日起、至到期日止，不超过{years}年；不足一个贷款年度的按该年度实际天数折算）"
    )


def _checked_repayments(
    repayments: Sequence[Repayment], principal: Decimal, loan_on: date, due_on: date
) -> list[Repayment]:
    if len(repayments) > MAX_REPAYMENTS:
        raise InvalidInput(field="repayments", reason=f"repayments：一笔贷款最多 {MAX_REPAYMENTS} 次还本")
    for i, paid in enumerate(repayments):
        amount, on = f"repayments.{i}.amount_yuan", f"repayments.{i}.on"
        if check_yuan(paid.amount_yuan, field=amount) == 0:
            raise InvalidInput(field=amount, reason=f"{amount}：还本金额须大于0")
        if not loan_on < check_date(paid.on, field=on) <= due_on:
            raise InvalidInput(field=on, reason=f"{on}：还本日须在放款日之后、到期日（含）之前")
    if sum((p.amount_yuan for p in repayments), ZERO) > principal:
        raise InvalidInput(field="repayments", reason="repayments：累计还本超过贷款本金")
    return sorted(repayments, key=lambda p: p.on)


def interest_subsidy(
    scheme: InterestScheme,
    *,
    eligible: bool,
    principal_yuan: Decimal,
    loan_on: date,
    due_on: date,
    repayments: Sequence[Repayment] = (),
) -> Decision[Calculation]:
    """Return the subsidy on a loan: the outstanding principal × the rate × the loan years it runs within the term.

    A loan year runs from the start day to the day before its anniversary; a part of one counts its days over that
    year's days (365 or 366), the start day counted and the end day not, so a loan held the whole term gets exactly
    rate × years of its principal. Nothing is paid beyond the term or the due day, or on a loan the scheme excludes.
    """
    principal = check_yuan(principal_yuan, field="principal_yuan")
    if principal == 0:
        raise InvalidInput(field="principal_yuan", reason="principal_yuan：贷款本金须大于0")
    check_date(loan_on, field="loan_on")
    if check_date(due_on, field="due_on") <= loan_on:
        raise InvalidInput(field="due_on", reason="due_on：到期日须晚于放款日")
    paid = _checked_repayments(repayments, principal, loan_on, due_on)
    years = int(scheme.years.value)
    inputs = {
        "符合财金〔2024〕54号的经营主体银行贷款": "是" if eligible else "否",
        "贷款本金": f"{_money(principal)} 元",
        "放款（起息）日": loan_on.isoformat(),
        "到期日": due_on.isoformat(),
    }
    if paid:
        inputs["提前还本"] = "；".join(f"{p.on.isoformat()} {_money(p.amount_yuan)} 元" for p in paid)
    rule = (scheme.base, scheme.rate.basis, scheme.years.basis)
    parts: list[Component] = []
    if not eligible:
        parts.append(
            Component(
                key="not_eligible",
                label="不属于贴息对象",
                formula="不符合财金〔2024〕54号的经营主体银行贷款，不予贴息 = 0.00",
                amount_yuan=ZERO,
                basis=(scheme.eligible,),
            )
        )
    else:
        end = min(due_on, add_years(loan_on, years))  # exclusive: the subsidy runs on [loan_on, end)
        starts = [add_years(loan_on, k) for k in range(years + 1)]
        points = sorted({loan_on, end, *(p.on for p in paid if p.on < end), *(s for s in starts[1:] if s < end)})
        for a, b in pairwise(points):
            left = principal - sum((p.amount_yuan for p in paid if p.on <= a), ZERO)
            if left == 0:
                break
            k = max(i for i, s in enumerate(starts[:-1]) if s <= a)
            days, in_year = (b - a).days, (starts[k + 1] - starts[k]).days
            amount = _fen(left * scheme.rate.value * days / in_year)
            parts.append(
                Component(
                    key=f"year.{k + 1}.{a.isoformat()}",
                    label=f"第{k + 1}个贷款年度 {a.isoformat()} 至 {(b - timedelta(days=1)).isoformat()}",
                    formula=f"{_money(left)} × {_percent(scheme.rate.value)} × {days}/{in_year} = {_money(amount)}",
                    amount_yuan=amount,
                    basis=rule,
                )
            )
        if due_on > end:
            parts.append(
                Component(
                    key="beyond_term",
                    label=f"贴息期限{years}年以外 {end.isoformat()} 至 {(due_on - timedelta(days=1)).isoformat()}",
                    formula=f"超过贴息期限{years}年的部分不予贴息 = 0.00",
                    amount_yuan=ZERO,
                    basis=(scheme.years.basis,),
                )
            )
    calculation = Calculation(
        calculator=scheme.id,
        title=scheme.title,
        formula=interest_formula(scheme),
        inputs=inputs,
        components=tuple(parts),
        total_yuan=_total(parts),
    )
    return Decision(calculation, _bases((scheme.eligible, *rule, scheme.no_cap), _of(parts)), notes=scheme.notes)

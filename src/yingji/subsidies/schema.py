"""The subsidy programme files (data/*.yaml): every rate, cap and threshold cites its seed lines with a verbatim quote,
and each calculator turns into the frozen scheme the pure rules in rules/subsidies.py compute with."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from yingji.core import yamlfile
from yingji.core.errors import NotFound, PlanInvalid
from yingji.core.schemas import YingjiModel
from yingji.plans.loader import validation_details
from yingji.rules import subsidies as rules
from yingji.rules.basis import Basis
from yingji.rules.subsidies import BuildingKind, Grade, LandUse, LicenceKind, SetbackArea, Tenure

DATA = Path(__file__).parent / "data"
Seed = Annotated[str, Field(pattern=r"^\d{3}#L\d+(-L\d+)?$")]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,60}$")]
Yuan = Annotated[Decimal, Field(gt=0, le=rules.MAX_YUAN)]
PerM2 = Annotated[Decimal, Field(gt=0, le=100_000)]


class Cite(YingjiModel):
    """A seed line range and the words there that carry the value; ``reading`` where the words are ambiguous."""

    seed: Seed
    quote: Annotated[str, Field(min_length=2)]
    reading: str | None = None

    def basis(self, rule: str, plan: str, clause: str) -> Basis:
        return Basis(rule=rule, plan=plan, clause=clause, seed=self.seed, quote=self.quote)


class Text(Cite):
    text: str


class Amount(Cite):
    yuan: Yuan


class Band(Cite):
    percent: Annotated[Decimal, Field(gt=0, le=100)]
    up_to_yuan: Yuan | None = None


class FirstLicence(Cite):
    kinds: Annotated[list[LicenceKind], Field(min_length=1)]


class Share(YingjiModel):
    """A share of an amount: a floor the amount must reach, bands with their rates, and a cap."""

    id: Id
    title: str
    clause: str
    recipient: Text
    amount_label: str
    amount: Cite | None = None
    per_result: Cite | None = None  # the amount is per result of a contract, each capped on its own
    minimum: Amount | None = None
    tiers: Annotated[list[Band], Field(min_length=1)]
    cap: Amount
    first_licence_only: FirstLicence | None = None

    @model_validator(mode="after")
    def _bands(self) -> Share:
        tops = [t.up_to_yuan for t in self.tiers]
        if any(top is None for top in tops[:-1]):
            raise ValueError("只有最后一档可以不设上限")
        bounded = [top for top in tops if top is not None]
        if bounded != sorted(set(bounded)):
            raise ValueError("各档上限须递增")
        if self.first_licence_only is not None and self.per_result is None:
            raise ValueError("首次许可限制只适用于按单项成果计算的补贴")
        return self

    def scheme(self, plan: str) -> rules.ShareScheme:
        rule = f"subsidy.{self.id}"
        cited = [self.recipient, *(c for c in (self.amount, self.per_result) if c is not None)]
        only = self.first_licence_only
        return rules.ShareScheme(
            id=self.id,
            title=self.title,
            amount_label=self.amount_label,
            tiers=tuple(
                rules.Tier(
                    rate=rules.Figure(value=t.percent / 100, basis=t.basis(rule, plan, self.clause)),
                    up_to_yuan=t.up_to_yuan,
                )
                for t in self.tiers
            ),
            cap_yuan=rules.Figure(value=self.cap.yuan, basis=self.cap.basis(rule, plan, self.clause)),
            minimum_yuan=None
            if self.minimum is None
            else rules.Figure(value=self.minimum.yuan, basis=self.minimum.basis(rule, plan, self.clause)),
            first_only=None
            if only is None
            else rules.FirstOnly(kinds=frozenset(only.kinds), basis=only.basis(rule, plan, self.clause)),
            basis=tuple(c.basis(rule, plan, self.clause) for c in cited),
        )

    def parameters(self) -> list[dict[str, Any]]:
        rows = []
        if self.minimum is not None:
            rows.append(_param("起点（不低于）", self.minimum.yuan, "元", self.minimum, self.clause))
        lower = Decimal(0)
        for tier in self.tiers:
            band = rules.band_label(self.amount_label, lower, tier.up_to_yuan)
            rows.append(_param(f"补贴比例（{band}）", tier.percent, "%", tier, self.clause))
            lower = tier.up_to_yuan or lower
        rows.append(_param("补贴上限", self.cap.yuan, "元", self.cap, self.clause))
        if self.first_licence_only is not None:
            kinds = "、".join(rules.LICENCE_KIND_LABELS[k] for k in self.first_licence_only.kinds)
            rows.append(_param(f"仅首次许可（{kinds}）", None, None, self.first_licence_only, self.clause))
        return rows


class Years(Cite):
    years: Annotated[int, Field(ge=1, le=10)]


class Source(YingjiModel):
    source: str
    text: str


class Timing(YingjiModel):
    """When a licence fee may first be paid."""

    id: Id
    title: str
    clause: str
    after_effective: Years
    after_revenue: Cite
    reading: str
    period: Source

    def scheme(self, plan: str) -> rules.PaymentTiming:
        rule = f"subsidy.{self.id}"
        return rules.PaymentTiming(
            id=self.id,
            title=self.title,
            years_after_effective=rules.Figure(
                value=Decimal(self.after_effective.years), basis=self.after_effective.basis(rule, plan, self.clause)
            ),
            after_revenue=self.after_revenue.basis(rule, plan, self.clause),
            period=Basis(rule=rule, plan=plan, clause=self.period.text, source=self.period.source),
            reading=self.reading,
        )

    def parameters(self) -> list[dict[str, Any]]:
        return [
            _param("许可合同生效后", self.after_effective.years, "年", self.after_effective, self.clause),
            _param("或形成市场化收入之后", None, None, self.after_revenue, self.clause),
        ]


class GradeCite(Cite):
    grade: Grade


class GradeRate(GradeCite):
    yuan_per_m2: PerM2


class GradeAmount(GradeCite):
    yuan: Yuan


class Grades(Cite):
    grades: Annotated[list[Grade], Field(min_length=1)]


class KindRate(Cite):
    kind: BuildingKind
    yuan_per_m2: PerM2


class LandRow(Cite):
    land_use: LandUse
    tenure: Tenure
    location_class: Annotated[int, Field(ge=1, le=9)] | None = None
    yuan_per_m2: PerM2


class Renovation(YingjiModel):
    clause: str
    conditions: list[Cite]
    rates: Annotated[list[GradeRate], Field(min_length=1)]
    roof: list[GradeRate] = Field(default_factory=list)
    must_demolish: list[GradeCite] = Field(default_factory=list)


class Demolition(YingjiModel):
    clause: str
    household: list[GradeAmount]
    if_rebuilt: Cite


class NewBuild(YingjiModel):
    clause: str
    grades: Grades
    rates: list[KindRate]

    @model_validator(mode="after")
    def _every_kind(self) -> NewBuild:
        kinds = [r.kind for r in self.rates]
        if sorted(kinds) != sorted(BuildingKind):
            raise ValueError("新建补贴须对楼房、平房、附属用房各给出一个标准")
        return self


class ReadingOption(Cite):
    """One reading of a contested sentence: its words, what it multiplies, and the argument for it."""

    id: Id
    label: str
    area: SetbackArea
    reading: Annotated[str, Field(min_length=10)]  # the argument for it


class Readings(YingjiModel):
    """A contested sentence read two ways: the data holds both, the administrator chooses (``question`` names the
    choice), and ``default`` holds until then, for the reason ``why``."""

    question: Id
    title: str
    default: Id
    why: str
    options: Annotated[list[ReadingOption], Field(min_length=2)]

    @model_validator(mode="after")
    def _default_is_an_option(self) -> Readings:
        ids = [o.id for o in self.options]
        if len(set(ids)) != len(ids) or self.default not in ids:
            raise ValueError("各理解的编号不得重复，默认理解须是其中之一")
        if len({o.area for o in self.options}) != len(self.options):
            raise ValueError("各理解须对应不同的补偿面积")
        return self


class Setback(YingjiModel):
    clause: str
    conditions: list[Cite]
    readings: Readings
    rates: Annotated[list[LandRow], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self) -> Setback:
        keys = [(r.land_use, r.tenure, r.location_class) for r in self.rates]
        if len(set(keys)) != len(keys):
            raise ValueError("同一用途、权属和地段的补偿单价重复")
        return self


class RouteRow(YingjiModel):
    id: Id
    label: str
    text: str
    area_below_m2: PerM2 | None = None
    area_at_least_m2: PerM2 | None = None
    investment_at_most_yuan: Yuan | None = None
    investment_at_least_yuan: Yuan | None = None
    cited: Annotated[list[Cite], Field(min_length=1)]


class Approval(YingjiModel):
    clause: str
    reading: str
    routes: Annotated[list[RouteRow], Field(min_length=1)]
    undetermined: Cite


class StageRow(YingjiModel):
    id: Id
    label: str
    pays: list[BuildingKind] = Field(default_factory=list)
    balance: bool = False
    cited: Annotated[list[Cite], Field(min_length=1)]


class NewBuildPayment(YingjiModel):
    reading: str
    stages: Annotated[list[StageRow], Field(min_length=1)]

    @model_validator(mode="after")
    def _each_kind_once(self) -> NewBuildPayment:
        paid = [k for s in self.stages for k in s.pays]
        if len(set(paid)) != len(paid) or [s.balance for s in self.stages].count(True) > 1:
            raise ValueError("每类新建房屋只能在一个阶段支付，结清阶段至多一个")
        return self


class Payment(YingjiModel):
    clause: str
    renovation: StageRow
    new_build: NewBuildPayment
    compensation: StageRow


class Renewal(YingjiModel):
    """Renovation and renewal of old bungalows: subsidies per grade and m², per household, setback compensation."""

    id: Id
    title: str
    clause: str
    exclusive: Cite
    renovation: Renovation
    demolition: Demolition
    new_build: NewBuild
    setback: Setback
    approval: Approval
    payment: Payment

    @model_validator(mode="after")
    def _grades(self) -> Renewal:
        renovated = {r.grade for r in self.renovation.rates}
        if renovated & {g.grade for g in self.renovation.must_demolish}:
            raise ValueError("须拆除的等级不能同时有改造补贴标准")
        if not {r.grade for r in self.renovation.roof} <= renovated:
            raise ValueError("屋顶补贴只适用于有改造补贴标准的等级")
        return self

    def scheme(self, plan: str) -> rules.RenewalScheme:
        rule = f"subsidy.{self.id}"

        def basis(cite: Cite, clause: str) -> Basis:
            return cite.basis(rule, plan, clause)

        def stage(row: StageRow, clause: str) -> rules.Stage:
            pays = frozenset(rules.new_build_key(k) for k in row.pays)
            cited = tuple(basis(c, clause) for c in row.cited)
            return rules.Stage(id=row.id, label=row.label, basis=cited, pays=pays, balance=row.balance)

        ren, dem, new, back = self.renovation, self.demolition, self.new_build, self.setback
        pay = self.payment.clause
        return rules.RenewalScheme(
            id=self.id,
            title=self.title,
            renovation={r.grade: rules.Figure(value=r.yuan_per_m2, basis=basis(r, ren.clause)) for r in ren.rates},
            roof={r.grade: rules.Figure(value=r.yuan_per_m2, basis=basis(r, ren.clause)) for r in ren.roof},
            renovation_basis=tuple(basis(c, ren.clause) for c in ren.conditions),
            must_demolish={g.grade: basis(g, ren.clause) for g in ren.must_demolish},
            household={h.grade: rules.Figure(value=h.yuan, basis=basis(h, dem.clause)) for h in dem.household},
            household_if_rebuilt=basis(dem.if_rebuilt, dem.clause),
            rebuild_grades=frozenset(new.grades.grades),
            rebuild_basis=basis(new.grades, new.clause),
            new_build={r.kind: rules.Figure(value=r.yuan_per_m2, basis=basis(r, new.clause)) for r in new.rates},
            exclusive=basis(self.exclusive, self.clause),
            setback=tuple(
                rules.LandRate(
                    land_use=r.land_use,
                    tenure=r.tenure,
                    location_class=r.location_class,
                    rate=rules.Figure(value=r.yuan_per_m2, basis=basis(r, back.clause)),
                )
                for r in back.rates
            ),
            setback_basis=tuple(basis(c, back.clause) for c in back.conditions),
            setback_readings=tuple(
                rules.SetbackReading(id=o.id, label=o.label, area=o.area, basis=(basis(o, back.clause),))
                for o in back.readings.options
            ),
            setback_default=back.readings.default,
            routes=tuple(
                rules.ApprovalRoute(
                    id=r.id,
                    label=r.label,
                    text=r.text,
                    basis=tuple(basis(c, self.approval.clause) for c in r.cited),
                    area_below_m2=r.area_below_m2,
                    area_at_least_m2=r.area_at_least_m2,
                    investment_at_most_yuan=r.investment_at_most_yuan,
                    investment_at_least_yuan=r.investment_at_least_yuan,
                )
                for r in self.approval.routes
            ),
            undetermined=basis(self.approval.undetermined, self.approval.clause),
            renovation_payment=stage(self.payment.renovation, pay),
            new_build_stages=tuple(stage(s, pay) for s in self.payment.new_build.stages),
            compensation_payment=stage(self.payment.compensation, pay),
        )

    def parameters(self) -> list[dict[str, Any]]:
        ren, new, back = self.renovation, self.new_build, self.setback
        rows = [_param(f"{r.grade} 级房屋改造补贴", r.yuan_per_m2, "元/平方米", r, ren.clause) for r in ren.rates]
        rows += [_param(f"{r.grade} 级屋顶补贴", r.yuan_per_m2, "元/平方米", r, ren.clause) for r in ren.roof]
        rows += [
            _param(f"{h.grade} 级拆除后不新建户补贴", h.yuan, "元/户", h, self.demolition.clause)
            for h in self.demolition.household
        ]
        rows += [
            _param(f"新建{rules.BUILDING_LABELS[r.kind]}补贴", r.yuan_per_m2, "元/平方米", r, new.clause)
            for r in new.rates
        ]
        for r in back.rates:
            where = "" if r.location_class is None else f"{r.location_class}类地段"
            label = f"退线补偿：{where}{rules.LAND_LABELS[r.land_use]}{rules.LAND_LABELS[r.tenure]}土地"
            rows.append(_param(label, r.yuan_per_m2, "元/平方米", r, back.clause))
        for o in back.readings.options:
            default = "（默认）" if o.id == back.readings.default else ""
            rows.append(_param(f"退线补偿面积：{o.label}{default}", None, None, o, back.clause))
        for route in self.approval.routes:
            bounds = {
                "面积以下（不含）": (route.area_below_m2, "平方米"),
                "面积以上（含）": (route.area_at_least_m2, "平方米"),
                "投资以内（含）": (route.investment_at_most_yuan, "元"),
                "投资以上（含）": (route.investment_at_least_yuan, "元"),
            }
            for name, (value, unit) in bounds.items():
                if value is not None:
                    rows.append(_param(f"{route.label}：{name}", value, unit, route.cited[0], self.approval.clause))
        return rows


class Percent(Cite):
    percent: Annotated[Decimal, Field(gt=0, le=100)]


class Interest(YingjiModel):
    """A loan-interest subsidy: which loans, the rate on their principal, and for how long (鄂府发〔2024〕60号)."""

    id: Id
    title: str
    clause: str
    eligible: Text
    base: Cite
    rate: Percent
    raised_from: Percent | None = None  # the former rate, shown for the record
    term: Years
    no_cap: Cite  # the seed sets no cap: cited so the answer says so
    day_count: str
    responsible: Text

    def scheme(self, plan: str) -> rules.InterestScheme:
        rule = f"subsidy.{self.id}"
        return rules.InterestScheme(
            id=self.id,
            title=self.title,
            rate=rules.Figure(value=self.rate.percent / 100, basis=self.rate.basis(rule, plan, self.clause)),
            years=rules.Figure(value=Decimal(self.term.years), basis=self.term.basis(rule, plan, self.clause)),
            eligible=self.eligible.basis(rule, plan, self.clause),
            base=self.base.basis(rule, plan, self.clause),
            no_cap=self.no_cap.basis(rule, plan, self.clause),
            notes=tuple(r for r in (self.rate.reading, self.no_cap.reading, self.day_count) if r),
        )

    def parameters(self) -> list[dict[str, Any]]:
        rows = [_param("贴息对象", None, None, self.eligible, self.clause)]
        rows.append(_param("贴息基数：银行贷款本金", None, None, self.base, self.clause))
        rows.append(_param("贴息比例（按年）", self.rate.percent, "个百分点", self.rate, self.clause))
        if self.raised_from is not None:
            rows.append(_param("原贴息比例", self.raised_from.percent, "个百分点", self.raised_from, self.clause))
        rows.append(_param("贴息期限", self.term.years, "年", self.term, self.clause))
        rows.append(_param("贴息上限", None, None, self.no_cap, self.clause))
        return rows


Calculator = Share | Timing | Renewal | Interest


class Programme(YingjiModel):
    schema_version: Literal[1]
    id: Id
    title: str
    doc_no: str
    issuer: str
    issued_on: date
    division_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    seed: Seed
    funder: Text
    shares: list[Share] = Field(default_factory=list)
    timing: Timing | None = None
    renewal: Renewal | None = None
    interest: Interest | None = None

    @model_validator(mode="after")
    def _some_calculator(self) -> Programme:
        ids = [c.id for c in self.calculators()]
        if not ids or len(set(ids)) != len(ids):
            raise ValueError("方案须至少有一个计算器，编号不得重复")
        return self

    def calculators(self) -> list[Calculator]:
        found: list[Calculator] = [*self.shares]
        return found + [c for c in (self.timing, self.renewal, self.interest) if c is not None]

    def summary(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "doc_no": self.doc_no, "issuer": self.issuer}


def _param(name: str, value: object, unit: str | None, cite: Cite, clause: str) -> dict[str, Any]:
    shown = f"{value.normalize():f}" if isinstance(value, Decimal) else value
    return {
        "name": name,
        "value": shown,
        "unit": unit,
        "clause": clause,
        "seed": cite.seed,
        "quote": cite.quote,
        "reading": cite.reading,
    }


@cache
def programmes() -> dict[str, Programme]:
    """Every programme file, validated; a broken file is PlanInvalid naming the file and the YAML path."""
    found: dict[str, Programme] = {}
    for path in sorted(DATA.glob("*.yaml")):
        try:
            programme = Programme.model_validate(yamlfile.read(path))
        except ValidationError as err:
            raise PlanInvalid(field=path.name, reason=f"{path.name} 不合法", details=validation_details(err)) from err
        found[programme.id] = programme
    ids = [c.id for p in found.values() for c in p.calculators()]
    if len(set(ids)) != len(ids):
        raise PlanInvalid(field="subsidies/data", reason="补贴计算器编号在不同方案间重复")
    return found


def calculator(calculator_id: str) -> tuple[Programme, Calculator]:
    """The programme and the calculator with this id; NotFound otherwise."""
    for programme in programmes().values():
        for found in programme.calculators():
            if found.id == calculator_id:
                return programme, found
    raise NotFound(kind="补贴计算器", key=calculator_id)

"""The calculators over the programme data: build the rule inputs from a request, compute, and render the answer as
JSON (money as strings to the fen, so no float ever rounds it). Nothing is stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TypeVar

from yingji.core.errors import InvalidInput, PlanInvalid
from yingji.rules import subsidies as rules
from yingji.rules.basis import Decision
from yingji.subsidies import schemas
from yingji.subsidies.schema import Calculator, Interest, Programme, Renewal, Share, Timing, calculator, programmes

TECH_LICENCE = "tech-licence"
TECH_ACCEPTANCE = "tech-acceptance"
TECH_INSURANCE = "tech-insurance"
TECH_PAYMENT = "tech-payment"
PINGFANG = "pingfang"
EQUIPMENT_INTEREST = "equipment-interest"
PREFIX = "/api/subsidies"
C = TypeVar("C", Share, Timing, Renewal, Interest)


def _get(calculator_id: str, kind: type[C]) -> tuple[Programme, C]:
    programme, found = calculator(calculator_id)
    if not isinstance(found, kind):
        raise PlanInvalid(field=calculator_id, reason=f"补贴计算器 {calculator_id} 的类型与接口不符")
    return programme, found


def _required(value: Decimal | None, field: str) -> Decimal:
    if value is None:
        raise InvalidInput(field=field, reason=f"{field}：必填")
    return value


def licence(data: schemas.LicenceIn) -> schemas.CalculationRead:
    """许可（转让）补贴 of a contract, per result."""
    programme, share = _get(TECH_LICENCE, Share)
    results = [
        rules.LicensedResult(
            amount_yuan=_required(r.amount_yuan, f"results.{i}.amount_yuan"),
            kind=r.kind,
            is_first_licence=r.is_first_licence,
            name=r.name,
        )
        for i, r in enumerate(data.results)
    ]
    return render(programme, rules.licence_subsidy(share.scheme(programme.id), results))


def acceptance(data: schemas.AcceptanceIn) -> schemas.CalculationRead:
    """承接补贴 of one licence contract."""
    programme, share = _get(TECH_ACCEPTANCE, Share)
    amount = _required(data.contract_amount_yuan, "contract_amount_yuan")
    return render(programme, rules.share_subsidy(share.scheme(programme.id), amount, field="contract_amount_yuan"))


def insurance(data: schemas.InsuranceIn) -> schemas.CalculationRead:
    """保险担保补贴 of one project's guarantee or insurance fees."""
    programme, share = _get(TECH_INSURANCE, Share)
    amount = _required(data.fee_yuan, "fee_yuan")
    return render(programme, rules.share_subsidy(share.scheme(programme.id), amount, field="fee_yuan"))


def payment(data: schemas.PaymentIn) -> schemas.PaymentRead:
    """The earliest day the licence fee may be paid, and whether a proposed day may."""
    programme, timing = _get(TECH_PAYMENT, Timing)
    if data.effective_on is None:
        raise InvalidInput(field="effective_on", reason="effective_on：必填")
    decision = rules.earliest_payment(
        timing.scheme(programme.id),
        effective_on=data.effective_on,
        revenue_on=data.revenue_on,
        proposed_on=data.proposed_on,
    )
    answer = decision.value
    return schemas.PaymentRead.model_validate(
        {
            "calculator": answer.calculator,
            "title": answer.title,
            "programme": programme.summary(),
            "formula": answer.formula,
            "inputs": dict(answer.inputs),
            "conditions": [
                {
                    "key": c.key,
                    "label": c.label,
                    "formula": c.formula,
                    "on": c.on,
                    "basis": [b.as_dict() for b in c.basis],
                }
                for c in answer.conditions
            ],
            "earliest_on": answer.earliest_on,
            "may_pay": answer.may_pay,
            "notes": list(decision.notes),
            "basis": [b.as_dict() for b in decision.basis],
        }
    )


def pingfang(data: schemas.PingfangIn, setback_reading: str | None = None) -> schemas.CalculationRead:
    """南平房区 renovation or renewal subsidy and setback compensation for one household's building, the setback under
    ``setback_reading`` (the administrator's choice; the data's default when None)."""
    programme, renewal = _get(PINGFANG, Renewal)
    setback = data.setback
    facts = rules.RenewalFacts(
        work=data.work,
        grade=data.grade,
        floor_area_m2=data.floor_area_m2,
        compliant_roof=data.compliant_roof,
        main_kind=data.main_kind,
        main_area_m2=data.main_area_m2,
        ancillary_area_m2=data.ancillary_area_m2,
        investment_yuan=data.investment_yuan,
        setback=None
        if setback is None
        else rules.SetbackFacts(
            area_m2=setback.area_m2,
            plot_area_m2=setback.plot_area_m2,
            land_use=setback.land_use,
            tenure=setback.tenure,
            location_class=setback.location_class,
        ),
    )
    decision = rules.renewal_subsidy(renewal.scheme(programme.id), facts, setback_reading=setback_reading)
    return render(programme, decision)


def _day(value: date | None, field: str) -> date:
    if value is None:
        raise InvalidInput(field=field, reason=f"{field}：必填")
    return value


def equipment_interest(data: schemas.InterestIn) -> schemas.CalculationRead:
    """设备更新贷款财政贴息 of one loan (鄂府发〔2024〕60号 一（四））."""
    programme, interest = _get(EQUIPMENT_INTEREST, Interest)
    repayments = [
        rules.Repayment(
            on=_day(r.on, f"repayments.{i}.on"), amount_yuan=_required(r.amount_yuan, f"repayments.{i}.amount_yuan")
        )
        for i, r in enumerate(data.repayments)
    ]
    decision = rules.interest_subsidy(
        interest.scheme(programme.id),
        eligible=data.eligible,
        principal_yuan=_required(data.principal_yuan, "principal_yuan"),
        loan_on=_day(data.loan_on, "loan_on"),
        due_on=_day(data.due_on, "due_on"),
        repayments=repayments,
    )
    return render(programme, decision)


def render(programme: Programme, decision: Decision[rules.Calculation]) -> schemas.CalculationRead:
    """The answer: formula, inputs, components, total, schedule, route, notes and basis."""
    c = decision.value
    route = c.route
    return schemas.CalculationRead.model_validate(
        {
            "calculator": c.calculator,
            "title": c.title,
            "programme": programme.summary(),
            "formula": c.formula,
            "inputs": dict(c.inputs),
            "components": [
                {
                    "key": p.key,
                    "label": p.label,
                    "formula": p.formula,
                    "amount_yuan": f"{p.amount_yuan:f}",
                    "basis": [b.as_dict() for b in p.basis],
                }
                for p in c.components
            ],
            "total_yuan": f"{c.total_yuan:f}",
            "schedule": [
                {
                    "stage": i.stage,
                    "label": i.label,
                    "amount_yuan": f"{i.amount_yuan:f}",
                    "basis": [b.as_dict() for b in i.basis],
                }
                for i in c.schedule
            ],
            "route": None
            if route is None
            else {
                "id": route.id,
                "label": route.label,
                "text": route.text,
                "basis": [b.as_dict() for b in route.basis],
            },
            "notes": list(decision.notes),
            "basis": [b.as_dict() for b in decision.basis],
        }
    )


def _formula(programme: Programme, found: Calculator) -> str:
    if isinstance(found, Share):
        return rules.share_formula(found.scheme(programme.id))
    if isinstance(found, Timing):
        return f"最早支付日 = min(生效满{found.after_effective.years}年之日的次日, 形成市场化收入之日的次日)"
    if isinstance(found, Interest):
        return rules.interest_formula(found.scheme(programme.id))
    return rules.renewal_formula()


def catalogue() -> list[schemas.CalculatorRead]:
    """Every calculator with its programme, endpoint, formula and cited parameters (a handful: never paged in SQL)."""
    return [
        schemas.CalculatorRead.model_validate(
            {
                "id": found.id,
                "title": found.title,
                "programme": programme.summary(),
                "endpoint": f"{PREFIX}/{found.id}",
                "formula": _formula(programme, found),
                "parameters": found.parameters(),
            }
        )
        for programme in programmes().values()
        for found in programme.calculators()
    ]

"""The case rules, table-driven from the seed lines they rest on: the 南平房区 renovation acceptance (附件1 二（一）,
004#L9427-L9489), the new build's lane (004#L9501-L9505), the quality rules (004#L9524-L9536), the approval of a
middle household (004#L9178-L9184), the use-first-pay-later review (000#L2216-L2234), the workflow's steps
(004#L9175-L9176) and the payment ledger's limits (004#L9202-L9206, L9606-L9608)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.support.seeds import assert_quoted
from yingji.core.errors import InvalidInput, InvalidState
from yingji.rules import subsidy_cases as rules
from yingji.rules.basis import Basis
from yingji.rules.subsidies import Grade, PaymentTiming
from yingji.rules.subsidy_cases import CaseAction, CaseState, CheckKind, Part, RenovationCheck, Roof, Windows
from yingji.subsidies.schema import Timing, calculator

D = Decimal
CITED = {name: value for name, value in vars(rules).items() if isinstance(value, Basis)}


@pytest.mark.parametrize("name", sorted(CITED))
def test_every_rule_quotes_its_seed_lines(name: str) -> None:
    basis = CITED[name]
    assert basis.seed and basis.quote
    assert_quoted(basis.seed, basis.quote)


GOOD = Part(
    windows=Windows.BROKEN_BRIDGE,
    roof=Roof.TILE,
    soft_porcelain=True,
    polystyrene=True,
    insulation_cm=D(6),
    density_kg_m3=D(20),
)
SOUND = RenovationCheck(
    grade=Grade.B,
    main=GOOD,
    gate_colour=True,
    gate_pier=True,
    house_number=True,
    wall_porcelain=True,
    wall_cap=True,
    eaves=True,
    broken_walls=True,
    lines=True,
)


def main(**changes: Any) -> RenovationCheck:
    return dataclasses.replace(SOUND, main=dataclasses.replace(GOOD, **changes))


def shed(part: Part) -> RenovationCheck:
    return dataclasses.replace(SOUND, shed=part)


ACCEPTANCE = [  # (seed, the record, the finding that fails — None: passes)
    pytest.param("004#L9444-L9446", SOUND, None, id="004#L9444 6 cm and 20 kg/m3 exactly: ≥ includes them"),
    pytest.param("004#L9444-L9446", main(insulation_cm=D("5.99")), "main.thickness", id="004#L9444 5.99 cm"),
    pytest.param("004#L9444-L9446", main(insulation_cm=None), "main.thickness", id="004#L9444 not measured"),
    pytest.param("004#L9444-L9446", main(density_kg_m3=D("19.5")), "main.density", id="004#L9446 19.5 kg/m3"),
    pytest.param("004#L9444-L9446", main(polystyrene=False), "main.polystyrene", id="004#L9444 not 聚苯阻燃"),
    pytest.param("004#L9444-L9446", main(soft_porcelain=False), "main.porcelain", id="004#L9446 no 软瓷"),
    pytest.param("004#L9443-L9444", main(windows=Windows.COMPLIANT), None, id="004#L9443 windows already compliant"),
    pytest.param("004#L9443-L9444", main(windows=Windows.OTHER), "main.windows", id="004#L9443 old windows kept"),
    pytest.param("004#L9446-L9448", main(roof=Roof.GLOSS), None, id="004#L9446 高光涂料 roof"),
    pytest.param("004#L9446-L9448", main(roof=Roof.NONE), "main.roof", id="004#L9446 roof untouched"),
    pytest.param(
        "004#L9450-L9454",
        shed(dataclasses.replace(GOOD, insulation_cm=D(5))),
        "shed.thickness",
        id="004#L9452 insulated 凉房 5 cm",
    ),
    pytest.param(
        "004#L9454-L9456",
        shed(Part(windows=Windows.COMPLIANT, roof=Roof.GLOSS, soft_porcelain=True, insulated=False)),
        "shed.windows",
        id="004#L9454 uninsulated 凉房 needs 断桥铝合金 whatever the old windows",
    ),
    pytest.param(
        "004#L9454-L9456",
        shed(Part(windows=Windows.BROKEN_BRIDGE, roof=Roof.GLOSS, soft_porcelain=True, insulated=False)),
        None,
        id="004#L9454 uninsulated 凉房 without insulation passes",
    ),
    pytest.param("004#L9460-L9466", dataclasses.replace(SOUND, house_number=False), "gate.number", id="004#L9466 门牌"),
    pytest.param("004#L9460-L9466", dataclasses.replace(SOUND, gate_pier=False), "gate.pier", id="004#L9464 门垛"),
    pytest.param("004#L9468-L9474", dataclasses.replace(SOUND, wall_cap=False), "wall.cap", id="004#L9474 墙帽"),
    pytest.param("004#L9476-L9482", dataclasses.replace(SOUND, lines=False), "tidy.lines", id="004#L9482 线路"),
    pytest.param(
        "004#L9483-L9485",
        dataclasses.replace(SOUND, grade=Grade.C, reinforced=True),
        "c.bathroom",
        id="004#L9485 C without 独立卫浴",
    ),
    pytest.param(
        "004#L9487-L9489",
        dataclasses.replace(SOUND, grade=Grade.C, bathroom=True),
        "c.reinforced",
        id="004#L9489 C not reinforced",
    ),
    pytest.param(
        "004#L9483-L9485", dataclasses.replace(SOUND, bathroom=False), None, id="004#L9485 B needs no bathroom"
    ),
]


@pytest.mark.parametrize(("seed", "check", "failing"), ACCEPTANCE)
def test_renovation_acceptance(seed: str, check: RenovationCheck, failing: str | None) -> None:
    decision = rules.renovation_acceptance(check)
    failed = [f for f in decision.value if not f.passed]
    assert [f.code for f in failed] == ([failing] if failing else [])
    c_only = seed in ("004#L9483-L9485", "004#L9487-L9489")  # 对C级房屋: a B house is not asked
    assert (seed in {f.basis.seed for f in decision.value}) is not (c_only and check.grade is Grade.B)
    if failing:
        assert failed[0].basis.seed == seed and not rules.passed(decision.value)
    if check.grade is Grade.C:
        assert "004#L9435-L9441" in {b.seed for b in decision.basis}  # 先安全与功能、再节能与风貌


def test_a_d_house_is_not_accepted_as_renovated() -> None:
    with pytest.raises(InvalidInput):
        rules.renovation_acceptance(dataclasses.replace(SOUND, grade=Grade.D))


LANE = [  # 004#L9501-L9505: the lane kept 6 m wide (以上 would include 6; “保证…6米宽” read as at least 6)
    pytest.param(True, D(6), True, id="004#L9503 6 m"),
    pytest.param(True, D("5.99"), False, id="004#L9503 5.99 m"),
    pytest.param(True, None, False, id="004#L9503 not measured"),
    pytest.param(False, None, True, id="004#L9501 rule not applying"),
]


@pytest.mark.parametrize(("applies", "width", "ok"), LANE)
def test_the_lane_after_a_new_shed(applies: bool, width: Decimal | None, ok: bool) -> None:
    check = rules.NewBuildCheck(
        main_area_m2=D(100), ancillary_area_m2=D(20), lane_rule_applies=applies, lane_width_m=width
    )
    decision = rules.new_build_acceptance(check)
    assert rules.passed(decision.value) is ok
    assert ("004#L9501-L9505" in {f.basis.seed for f in decision.value}) is applies
    unmeasured = rules.new_build_acceptance(rules.NewBuildCheck(main_area_m2=None, ancillary_area_m2=None))
    assert not rules.passed(unmeasured.value)  # 核实工程量 (004#L9657-L9661)


@pytest.mark.parametrize(
    ("failures", "cleared"),
    [(0, False), (1, False), (2, True), (3, True)],
    ids=["004#L9528 none", "004#L9528 once", "004#L9528 两次 (以上 includes it)", "004#L9528 three times"],
)
def test_a_contractor_failing_twice_is_cleared(failures: int, cleared: bool) -> None:
    decision = rules.contractor_cleared(failures)
    assert decision.value is cleared and decision.basis[0].seed == "004#L9528-L9530"


def test_a_failed_check_orders_rework_or_clearing_the_site() -> None:
    assert rules.failure_order(CheckKind.QUALITY).basis[0].seed == "004#L9524-L9528"
    materials = rules.failure_order(CheckKind.MATERIALS)
    assert "清场" in materials.value and materials.basis[0].seed == "004#L9532-L9536"


@pytest.mark.parametrize(
    ("middle", "row", "needed"),
    [(True, False, True), (True, True, False), (False, False, False)],
    ids=["004#L9182 middle alone: 一事一议", "004#L9178 whole row: priority", "004#L9180 end of lane"],
)
def test_a_middle_household_alone_is_decided_one_by_one(middle: bool, row: bool, needed: bool) -> None:
    decision = rules.approval_needs_deliberation(middle_household=middle, whole_row=row)
    assert decision.value is needed and decision.basis[0].seed == "004#L9178-L9184"


def _timing() -> PaymentTiming:
    programme, found = calculator("tech-payment")
    assert isinstance(found, Timing)
    return found.scheme(programme.id)


TECH = [  # a contract in force from 2025-10-01: its first year ends 2026-10-01, fees from 2026-10-02 (000#L2220-L2222)
    pytest.param("包头稀土研究院", date(2026, 10, 2), None, None, id="000#L2220 fee the day after the first year"),
    pytest.param("包头稀土研究院", date(2026, 10, 1), None, "pay_later", id="000#L2222 fee within the year"),
    pytest.param("包头稀土研究院", date(2026, 3, 2), date(2026, 3, 1), None, id="000#L2222 fee after revenue"),
    pytest.param("内蒙古科技大学", date(2027, 1, 1), None, None, id="000#L2216 a pilot university"),
    pytest.param("某某大学", date(2027, 1, 1), None, "pilot", id="000#L2216 not in the pilot"),
]


@pytest.mark.parametrize(("licensor", "first_fee", "revenue", "failing"), TECH)
def test_the_use_first_pay_later_review(
    licensor: str, first_fee: date, revenue: date | None, failing: str | None
) -> None:
    check = rules.TechCheck(
        licensor=licensor,
        licensee_local=True,
        filed=True,
        effective_on=date(2025, 10, 1),
        first_fee_on=first_fee,
        revenue_on=revenue,
    )
    failed = [f.code for f in rules.tech_review(check, _timing()).value if not f.passed]
    assert failed == ([failing] if failing else [])
    unfiled = rules.tech_review(dataclasses.replace(check, filed=False), _timing()).value
    assert "filed" in [f.code for f in unfiled if not f.passed]  # 000#L2234


STEPS = [
    (CaseState.SURVEYED, CaseAction.APPLY, CaseState.APPLIED),
    (CaseState.APPLIED, CaseAction.APPROVE, CaseState.APPROVED),
    (CaseState.APPLIED, CaseAction.REJECT, CaseState.REJECTED),
    (CaseState.APPROVED, CaseAction.START, CaseState.BUILDING),
    (CaseState.BUILDING, CaseAction.REQUEST_ACCEPTANCE, CaseState.INSPECTION),
    (CaseState.BUILDING, CaseAction.PAY, None),
    (CaseState.ACCEPTED, CaseAction.VERIFY, None),
]


@pytest.mark.parametrize(("state", "action", "after"), STEPS, ids=[f"{s}-{a}" for s, a, _ in STEPS])
def test_the_workflow_steps(state: CaseState, action: CaseAction, after: CaseState | None) -> None:
    assert rules.step(state, action, subcode="t") is after


@pytest.mark.parametrize("state", [CaseState.SURVEYED, CaseState.APPLIED])
def test_no_work_before_the_approval(state: CaseState) -> None:
    with pytest.raises(InvalidState) as refused:
        rules.step(state, CaseAction.START, subcode="t.start")
    assert refused.value.basis[0].seed == "004#L9175-L9176"  # 先审批后实施
    with pytest.raises(InvalidState):
        rules.step(CaseState.SETTLED, CaseAction.PAY, subcode="t.pay")


def due(stage: str, amount: str, reached: bool = True, calc: int = 2) -> rules.Instalment:
    return rules.Instalment(
        calculation_id=calc, stage=stage, label=stage, amount_yuan=D(amount), payee="王建国", reached=reached
    )


LEDGER = [
    due("main_built", "59000"),
    due("ancillary_built", "15000", reached=False),
    due("accepted", "0", reached=False),
]
PAYMENTS = [  # (stage, amount, payee, calculation, error type, subcode)
    pytest.param("main_built", "59000.00", "王建国", 2, None, None, id="the whole instalment"),
    pytest.param(
        "main_built", "59000.01", "王建国", 2, InvalidInput, "subsidy_case.pay.over_calculation", id="one fen over"
    ),
    pytest.param("main_built", "0.00", "王建国", 2, InvalidInput, "subsidy_case.pay.over_calculation", id="nothing"),
    pytest.param(
        "main_built", "100.00", "王建军", 2, InvalidInput, "subsidy_case.pay.payee", id="004#L9606 not to the household"
    ),
    pytest.param(
        "ancillary_built", "1.00", "王建国", 2, InvalidState, "subsidy_case.pay.not_due", id="004#L9661 凉房 not built"
    ),
    pytest.param(
        "main_built", "1.00", "王建国", 1, InvalidState, "subsidy_case.pay.outdated", id="a superseded calculation"
    ),
    pytest.param(
        "setback_accepted", "1.00", "王建国", 2, InvalidInput, "subsidy_case.pay.stage", id="no such instalment"
    ),
]


@pytest.mark.parametrize(("stage", "amount", "payee", "calc", "error", "subcode"), PAYMENTS)
def test_a_payment_never_exceeds_its_calculation(
    stage: str, amount: str, payee: str, calc: int, error: type[Exception] | None, subcode: str | None
) -> None:
    def pay() -> rules.Instalment:
        return rules.check_payment(LEDGER, {}, calculation_id=calc, stage=stage, amount_yuan=D(amount), payee=payee)

    if error is None:
        assert pay().stage == stage
        return
    with pytest.raises(error) as refused:
        pay()
    assert getattr(refused.value, "subcode", None) == subcode


def test_a_case_is_settled_only_after_acceptance_with_nothing_left() -> None:
    paid = {"main_built": D(59000)}
    assert not rules.settled(LEDGER, paid, accepted=False)  # 验收合格后全部付清 (004#L9202-L9204)
    reached = [dataclasses.replace(i, reached=True) for i in LEDGER]
    assert not rules.settled(reached, paid, accepted=True)  # the 凉房's 15000 still due
    assert rules.settled(reached, paid | {"ancillary_built": D(15000)}, accepted=True)
    nothing_built = [LEDGER[0], due("ancillary_built", "0", reached=False), due("accepted", "0")]
    assert rules.settled(nothing_built, paid, accepted=True)  # no 凉房: nothing to wait for

"""Walk-throughs over HTTP: a 南平房区 bungalow rebuilt from the survey to the last payment (three instalments and the
setback compensation, 004#L9657-L9669), a renovation that fails its acceptance and is paid after the rework
(004#L9524-L9530, L9598-L9608), and a use-first-pay-later licence from the contract to the three subsidies
(000#L2220-L2262) — each step by the body the seed names."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.subsidy_cases.conftest import World
from yingji.audit.models import AuditEntry
from yingji.subsidy_cases.models import CaseEvent, CasePayment

pytestmark = pytest.mark.db
CASES = "/api/subsidy-cases"
HOUSEHOLD = "王建国"


def bungalow(**extra: Any) -> dict[str, Any]:
    """A C-grade bungalow in 锡尼镇 to be pulled down and rebuilt as a 平房 with a 凉房, giving up land to the lane."""
    survey = {
        "work": "rebuild",
        "grade": "C",
        "main_kind": "bungalow",
        "main_area_m2": 120,
        "ancillary_area_m2": 30,
        "investment_yuan": 300000,
        "setback": {"plot_area_m2": 400, "area_m2": 24, "land_use": "residential", "tenure": "granted"},
    }
    return {
        "programme": "hangjin-pingfang-2024",
        "track": "new_build",
        "division_code": "150625100",
        "name": HOUSEHOLD,
        "reference": "锡尼镇团结社区二巷7号",
        "survey": survey,
        **extra,
    }


def verified(main: int, ancillary: int | None = None, setback: bool = False) -> dict[str, Any]:
    inputs: dict[str, Any] = {"work": "rebuild", "grade": "C", "main_kind": "bungalow", "main_area_m2": main}
    if ancillary is not None:
        inputs["ancillary_area_m2"] = ancillary
    if setback:
        inputs["setback"] = {"plot_area_m2": 400, "area_m2": 24, "land_use": "residential", "tenure": "granted"}
    return {"calculator": "pingfang", "inputs": inputs, "note": "锡尼镇会同旗住建局现场核对"}


def payment(calculation: int, stage: str, amount: str, payee: str = HOUSEHOLD) -> dict[str, Any]:
    return {
        "calculation_id": calculation,
        "stage": stage,
        "amount_yuan": amount,
        "payee": payee,
        "voucher_no": f"杭财支-{stage}",
        "paid_on": "2026-11-23",
    }


def instalment(case: dict[str, Any], stage: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in case["instalments"] if i["stage"] == stage)
    return found


def test_a_bungalow_case_goes_from_survey_to_payment(world: World, db_session: Session) -> None:
    case = world.post("town", CASES, bungalow(contractor="锡尼镇安居建筑有限公司"), 201)
    cid, path = case["id"], f"{CASES}/{case['id']}"
    assert (case["state"], case["state_label"], case["route"]) == ("surveyed", "已摸底登记", "self_build")
    assert (
        case["timeline"][0]["action_label"] == "摸底工作"
        and case["timeline"][0]["basis"][0]["seed"] == "004#L9612-L9614"
    )
    assert case["missing_documents"] == {"apply": ["申请书"]} and "apply" not in case["allowed_actions"]
    world.upload("town", cid, "application")
    assert "apply" in world.case("town", cid)["allowed_actions"]
    assert world.post("town", f"{path}/apply", {"note": "居民自愿申请"})["state_label"] == "已申请新建，待批复"
    world.upload("county", cid, "approval")
    case = world.post("county", f"{path}/approve", {"note": "旗自然资源局批复"})
    assert case["state"] == "approved" and "start" in world.case("town", cid)["allowed_actions"]
    case = world.post("town", f"{path}/start")
    assert case["state_label"] == "建设中" and case["contractor"] == "锡尼镇安居建筑有限公司"
    world.post("county", f"{path}/spot-checks", {"kind": "quality", "passed": True, "findings": "主体结构施工符合要求"})

    # 主房建成: verified, calculated on the main house, its instalment paid (004#L9661-L9663)
    world.post("town", f"{path}/milestones", {"milestone": "main_built"})
    world.upload("town", cid, "quantity_check")
    first = world.post("town", f"{path}/calculations", verified(118), 201)
    main_stage = instalment(first, "main_built")
    assert (main_stage["amount_yuan"], main_stage["reached"]) == ("59000.00", True)  # 118 m² × 500 (004#L9282-L9284)
    assert instalment(first, "ancillary_built")["reached"] is False
    calc_1 = first["calculations"][0]["id"]
    assert "pay" not in first["allowed_actions"] and "pay" in world.case("county", cid)["allowed_actions"]  # 旗财政局
    paid = world.post("county", f"{path}/payments", payment(calc_1, "main_built", "59000.00"), 201)
    assert paid["paid_yuan"] == "59000.00" and paid["state"] == "building"

    # 附属或凉房建成, then the setback accepted; the new calculation is the one in force
    world.post("town", f"{path}/milestones", {"milestone": "ancillary_built"})
    world.post("town", f"{path}/milestones", {"milestone": "setback_accepted"})
    second = world.post("town", f"{path}/calculations", verified(118, 30, setback=True), 201)
    calc_2 = second["calculations"][0]["id"]
    assert [c["in_force"] for c in second["calculations"]] == [True, False]
    assert second["calculations"][0]["reading"] == "pre_setback_plot"  # the seed's words until an admin chooses
    assert instalment(second, "main_built")["remaining_yuan"] == "0.00"  # already paid under the first
    assert instalment(second, "setback_accepted")["amount_yuan"] == "269200.00"  # 400 m² × 673 (004#L9292-L9296)
    status, error = world.refused("county", f"{path}/payments", payment(calc_1, "ancillary_built", "15000.00"))
    assert (status, error["subcode"]) == (409, "subsidy_case.pay.outdated")
    world.post("county", f"{path}/payments", payment(calc_2, "ancillary_built", "15000.00"), 201)
    status, error = world.refused("county", f"{path}/payments", payment(calc_2, "accepted", "0.01"))
    assert (status, error["subcode"]) == (409, "subsidy_case.pay.not_due")  # 建成验收通过后 only

    # 竣工核实 and the last payment settles the case
    world.post("town", f"{path}/request-acceptance")
    world.upload("county", cid, "acceptance_report")
    accepted = world.post("county", f"{path}/accept", {"new_build": {"main_area_m2": 118, "ancillary_area_m2": 30}})
    assert accepted["state"] == "accepted" and accepted["checks"][-1]["passed"] is True
    done = world.post("county", f"{path}/payments", payment(calc_2, "setback_accepted", "269200.00"), 201)
    assert (done["state"], done["state_label"]) == ("settled", "补贴、补偿已支付到户")
    assert done["paid_yuan"] == "343200.00" and done["payable_yuan"] == "0.00" and done["allowed_actions"] == []
    assert [p["stage_label"] for p in done["payments"]] == [
        "主房建成后",
        "附属或凉房建成后",
        "凉房建成经退线验收通过后支付补偿",
    ]
    actions = [e["action"] for e in done["timeline"]]
    assert actions.count("pay") == 3 and actions.count("milestone") == 3 and actions[-1] == "pay"
    assert done["timeline"][-1]["to_label"] == "补贴、补偿已支付到户"
    assert db_session.scalar(select(func.count()).select_from(CasePayment)) == 3
    logged = db_session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.target_kind == "subsidy_case")
    )
    assert logged == db_session.scalar(select(func.count()).select_from(CaseEvent)) == len(done["timeline"])
    assert world.call("town", "GET", f"{path}/documents/{done['documents'][0]['id']}").content.startswith(b"\x89PNG")


def renovation(reference: str, contractor: str | None = None) -> dict[str, Any]:
    survey = {"work": "renovate", "grade": "B", "floor_area_m2": 80, "compliant_roof": True}
    body: dict[str, Any] = {
        "programme": "hangjin-pingfang-2024",
        "track": "renovation",
        "division_code": "150625100",
        "name": "李淑芬",
        "reference": reference,
        "survey": survey,
    }
    return body | ({"contractor": contractor} if contractor else {})


PART = {"windows": "broken_bridge", "roof": "tile", "soft_porcelain": True, "polystyrene": True, "density_kg_m3": 22}
YARD = {
    "gate_colour": True,
    "gate_pier": True,
    "house_number": True,
    "wall_porcelain": True,
    "wall_cap": True,
    "eaves": True,
    "broken_walls": True,
    "lines": True,
}


def to_building(world: World, body: dict[str, Any]) -> tuple[int, str]:
    case = world.post("town", CASES, body, 201)
    cid, path = case["id"], f"{CASES}/{case['id']}"
    world.upload("town", cid, "application")
    world.post("town", f"{path}/apply")
    world.upload("county", cid, "approval")
    world.post("county", f"{path}/approve")
    world.post("town", f"{path}/start")
    return cid, path


def test_a_failed_acceptance_orders_rework_and_the_second_failure_clears_the_contractor(world: World) -> None:
    builder = "杭锦旗速成装饰有限公司"
    cid, path = to_building(world, renovation("锡尼镇新华社区五巷3号", builder))
    world.post("town", f"{path}/request-acceptance")
    world.upload("county", cid, "acceptance_report")
    thin = {"renovation": {"main": PART | {"insulation_cm": 5}, **YARD}, "note": "保温层偏薄"}
    failed = world.post("county", f"{path}/accept", thin)
    assert (failed["state"], failed["rework"], failed["failed_checks"]) == ("building", True, 1)
    check = failed["checks"][-1]
    (thickness,) = [f for f in check["findings"] if not f["passed"]]
    assert (thickness["code"], thickness["found"], thickness["seed"]) == ("main.thickness", "5 cm", "004#L9444-L9446")
    assert check["order"] == "责令返工，并依规处罚" and "责令返工，待整改后重新申请验收" in failed["attention"]
    assert failed["timeline"][-1]["action_label"] == "验收不合格，责令返工"
    assert failed["contractor_status"] == failed["contractor_status"] | {"failures": 1, "cleared": False}
    spot = {"kind": "quality", "passed": False, "findings": "墙面软瓷空鼓"}
    cleared = world.post("county", f"{path}/spot-checks", spot)["contractor_status"]
    assert (cleared["failures"], cleared["cleared"], cleared["basis"][0]["seed"]) == (2, True, "004#L9528-L9530")
    listed = world.call("county", "GET", f"{CASES}/contractors").json()["items"]
    assert [(c["name"], c["failures"], c["cleared"]) for c in listed] == [(builder, 2, True)]

    other = world.post("town", CASES, renovation("锡尼镇新华社区五巷5号", builder), 201)
    opath = f"{CASES}/{other['id']}"
    world.upload("town", other["id"], "application")
    world.post("town", f"{opath}/apply")
    world.upload("county", other["id"], "approval")
    world.post("county", f"{opath}/approve")
    status, error = world.refused("town", f"{opath}/start")
    assert (status, error["subcode"]) == (409, "subsidy_case.start.contractor_cleared")
    assert error["basis"][0]["seed"] == "004#L9528-L9530"
    assert world.post("town", f"{opath}/start", {"contractor": "锡尼镇安居建筑有限公司"})["state"] == "building"

    # the rework done, the acceptance passes; the renovation is paid at once (004#L9202, L9606-L9608)
    world.post("town", f"{path}/request-acceptance")
    passed = world.post("county", f"{path}/accept", {"renovation": {"main": PART | {"insulation_cm": 6}, **YARD}})
    assert passed["state_label"] == "验收合格" and passed["rework"] is False
    world.upload("town", cid, "quantity_check")
    body = {
        "calculator": "pingfang",
        "inputs": {"work": "renovate", "grade": "B", "floor_area_m2": 80, "compliant_roof": True},
    }
    calculated = world.post("town", f"{path}/calculations", body, 201)
    due = instalment(calculated, "renovation_accepted")
    assert (due["amount_yuan"], due["reached"]) == ("18400.00", True)  # 80 × (200 + 30), 004#L9263-L9266
    paid = world.post(
        "county",
        f"{path}/payments",
        payment(calculated["calculations"][0]["id"], "renovation_accepted", "18400.00", "李淑芬"),
        201,
    )
    assert paid["state_label"] == "补贴已支付到户"


def test_a_use_first_pay_later_licence_from_contract_to_its_subsidies(world: World) -> None:
    body = {
        "programme": "baotou-tech-use-first-2025",
        "track": "licence",
        "division_code": "150203",
        "name": "稀土永磁材料制备技术",
        "reference": "2026-包-许可-018",
        "parties": {"licensor": "包头稀土研究院", "licensee": "包头昆区磁材科技有限公司"},
    }
    case = world.post("kun", CASES, body, 201)
    cid, path = case["id"], f"{CASES}/{case['id']}"
    assert case["state_label"] == "已登记成果与对接"
    world.upload("kun", cid, "contract")
    world.post("kun", f"{path}/apply")
    status, error = world.refused("kun", f"{path}/approve")
    assert (status, error["subcode"]) == (403, "subsidy_case.approve.not_body")  # 登记备案: the city's
    world.upload("baotou", cid, "registration")
    assert world.post("baotou", f"{path}/approve")["state_label"] == "已登记备案"
    world.post("kun", f"{path}/start")
    world.post("kun", f"{path}/request-acceptance")
    early = {"tech": {"effective_on": "2025-10-01", "first_fee_on": "2026-03-01"}}
    failed = world.post("baotou", f"{path}/accept", early)  # a fee due within the year, no revenue: not pay-later
    (late,) = [f for f in failed["checks"][-1]["findings"] if not f["passed"]]
    assert (late["code"], late["seed"], failed["state"]) == ("pay_later", "000#L2220-L2222", "building")
    world.post("kun", f"{path}/request-acceptance")
    fair = {"tech": {"effective_on": "2025-10-01", "first_fee_on": "2026-03-01", "revenue_on": "2026-02-01"}}
    assert world.post("baotou", f"{path}/accept", fair)["state_label"] == "审核通过"
    world.post(
        "baotou",
        f"{path}/calculations",
        {"calculator": "tech-licence", "inputs": {"results": [{"amount_yuan": 150000}]}},
        201,
    )
    answer = world.post(
        "baotou",
        f"{path}/calculations",
        {"calculator": "tech-acceptance", "inputs": {"contract_amount_yuan": 300000}},
        201,
    )
    licence, acceptance = instalment(answer, "tech-licence"), instalment(answer, "tech-acceptance")
    assert (licence["amount_yuan"], licence["payee"]) == ("10000.00", "包头稀土研究院")  # capped at 1万 (000#L2248)
    assert (acceptance["amount_yuan"], acceptance["payee"]) == ("20000.00", "包头昆区磁材科技有限公司")  # 000#L2256
    wrong = payment(licence["calculation_id"], "tech-licence", "10000.00", "包头昆区磁材科技有限公司")
    status, error = world.refused("baotou", f"{path}/payments", wrong)
    assert (status, error["subcode"]) == (422, "subsidy_case.pay.payee")
    world.post(
        "baotou",
        f"{path}/payments",
        payment(licence["calculation_id"], "tech-licence", "10000.00", "包头稀土研究院"),
        201,
    )
    done = world.post(
        "baotou",
        f"{path}/payments",
        payment(acceptance["calculation_id"], "tech-acceptance", "20000.00", "包头昆区磁材科技有限公司"),
        201,
    )
    assert done["state_label"] == "补贴已拨付" and done["paid_yuan"] == "30000.00"

"""/api/subsidy-cases error paths and lists: the wrong party is 403 (404 outside the jurisdiction), a step the state
or the missing documents forbid is 409, bad data is 422 — each with its subcode and, where the seed says why, its
lines; a refused step leaves nothing behind; lists put stalled and rework cases first. And the setback reading an
administrator chooses (004#L9292-L9294)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests import factories
from tests.subsidy_cases.conftest import PNG, World
from tests.subsidy_cases.test_walkthrough import CASES, bungalow, payment, renovation, to_building, verified
from yingji.audit.models import AuditEntry
from yingji.auth.roles import Role
from yingji.subsidy_cases.models import CaseDocument, CaseEvent, CasePayment, SubsidyCase

pytestmark = pytest.mark.db


def counts(db_session: Session) -> tuple[int, ...]:
    tables = (CasePayment, CaseEvent, CaseDocument, AuditEntry)
    return tuple(db_session.scalar(select(func.count()).select_from(t)) or 0 for t in tables)


def test_who_reads_and_who_acts(world: World, db_session: Session) -> None:
    case = world.post("town", CASES, bungalow(), 201)
    path = f"{CASES}/{case['id']}"
    assert world.call("commander", "GET", CASES).status_code == 403  # no subsidy-case permission
    assert world.call("other_county", "GET", path).status_code == 404  # another county: absent
    assert world.call("city", "GET", path).status_code == 200  # the city reads its counties' cases …
    world.upload("town", case["id"], "application")
    world.post("town", f"{path}/apply")
    world.upload("county", case["id"], "approval")
    for who in ("city", "town"):  # … but is not the banner's bureau, nor is the town
        status, error = world.refused(who, f"{path}/approve")
        assert (status, error["subcode"]) == (403, "subsidy_case.approve.not_body"), who
    status, error = world.refused("other_county", CASES, bungalow(reference="另一处"))
    assert (status, error["subcode"]) == (403, "subsidy_case.create.not_body")
    firm = factories.enterprise(db_session, "杭锦旗测试建材有限公司", "150625")
    factories.user(db_session, "case_firm", Role.ENTERPRISE_REPORTER, organisation_id=firm.id)
    headers = {"Authorization": f"Bearer {factories.token_for(db_session, 'case_firm')}"}
    assert world.api.get(CASES, headers=headers).status_code == 403


def test_steps_the_state_or_the_documents_forbid_are_409(world: World) -> None:
    case = world.post("town", CASES, bungalow(), 201)
    path = f"{CASES}/{case['id']}"
    status, error = world.refused("town", f"{path}/apply")
    assert (status, error["subcode"]) == (409, "subsidy_case.apply.documents") and "申请书" in error["message"]
    world.upload("town", case["id"], "application")
    world.post("town", f"{path}/apply")
    status, error = world.refused("town", f"{path}/start")  # 先审批后实施
    assert (status, error["subcode"]) == (409, "subsidy_case.start.state")
    assert error["basis"][0]["seed"] == "004#L9175-L9176"
    status, error = world.refused("town", CASES, bungalow())  # the same building again
    assert (status, error["subcode"]) == (409, "subsidy_case.create.one_building")
    assert error["basis"][0]["seed"] == "004#L9206-L9208"
    status, error = world.refused("county", f"{path}/accept", {"new_build": {"main_area_m2": 100}})
    assert (status, error["subcode"]) == (409, "subsidy_case.accept.state")


def test_a_permit_route_build_starts_only_with_its_permit(world: World) -> None:
    large = bungalow(reference="锡尼镇胜利社区一巷1号")
    large["survey"] |= {
        "main_kind": "storeyed",
        "main_area_m2": 480,
        "ancillary_area_m2": 40,
        "investment_yuan": 1200000,
    }
    case = world.post("town", CASES, large, 201)
    assert case["route"] == "construction_permit"
    path = f"{CASES}/{case['id']}"
    world.upload("town", case["id"], "application")
    world.post("town", f"{path}/apply")
    world.upload("county", case["id"], "approval")
    world.post("county", f"{path}/approve")
    status, error = world.refused("town", f"{path}/start")
    assert (status, error["subcode"]) == (409, "subsidy_case.start.documents")
    assert "004#L9630-L9634" in {b["seed"] for b in error["basis"]} and "施工许可证" in error["message"]


BAD: list[tuple[str, dict[str, Any], str]] = [
    (
        "demolition: no flow in the seed (004#L9671-L9673)",
        bungalow(survey={"work": "demolish", "grade": "D"}),
        "survey.work",
    ),
    (
        "D house renovated (004#L9229-L9231)",
        renovation("x号") | {"survey": {"work": "renovate", "grade": "D", "floor_area_m2": 50}},
        "grade",
    ),
    ("a new build on the renovation track", bungalow(track="renovation"), "survey.work"),
    ("outside 南平房区's banner", bungalow(division_code="150602001"), "division_code"),
    ("no survey facts", bungalow(survey=None), "survey"),
    ("unknown programme", bungalow(programme="nowhere"), "programme"),
]


def test_bad_surveys_are_422_naming_the_field(world: World) -> None:
    for name, body, field in BAD:
        status, error = world.refused("town", CASES, body)
        assert (status, error["code"], error["field"]) == (422, "invalid_input", field), name


def test_a_middle_household_alone_needs_its_one_by_one_decision(world: World) -> None:
    case = world.post("town", CASES, bungalow(middle_household=True), 201)
    path = f"{CASES}/{case['id']}"
    world.upload("town", case["id"], "application")
    world.post("town", f"{path}/apply")
    world.upload("county", case["id"], "approval")
    status, error = world.refused("county", f"{path}/approve")
    assert (status, error["subcode"], error["basis"][0]["seed"]) == (
        422,
        "subsidy_case.approve.deliberation",
        "004#L9178-L9184",
    )
    approved = world.post("county", f"{path}/approve", {"deliberation": "经旗住建局会同锡尼镇一事一议，相邻住户同意"})
    assert approved["timeline"][-1]["detail"][0]["value"].startswith("经旗住建局")


def test_payment_over_the_calculation_is_refused_and_leaves_nothing_behind(world: World, db_session: Session) -> None:
    cid, path = to_building(world, bungalow())
    world.post("town", f"{path}/milestones", {"milestone": "main_built"})
    world.upload("town", cid, "quantity_check")
    calc = world.post("town", f"{path}/calculations", verified(100), 201)["calculations"][0]["id"]
    before, case_before = counts(db_session), world.case("county", cid)
    for body, subcode in (
        (payment(calc, "main_built", "50000.01"), "subsidy_case.pay.over_calculation"),  # 100 m² × 500 = 50000
        (payment(calc, "main_built", "100.00", "王建军"), "subsidy_case.pay.payee"),  # 点对点支付到户
        (payment(calc, "setback_accepted", "1.00"), "subsidy_case.pay.stage"),  # nothing of it calculated yet
    ):
        status, error = world.refused("county", f"{path}/payments", body)
        assert (status, error["subcode"]) == (422, subcode)
    status, error = world.refused("county", f"{path}/payments", payment(calc, "accepted", "0.01"))
    assert status == 409
    assert counts(db_session) == before
    after = world.case("county", cid)
    assert (after["state"], after["updated_at"], after["paid_yuan"]) == (
        case_before["state"],
        case_before["updated_at"],
        "0.00",
    )
    world.post("county", f"{path}/payments", payment(calc, "main_built", "30000.00"), 201)
    status, error = world.refused("county", f"{path}/payments", payment(calc, "main_built", "20000.01"))
    assert (status, error["subcode"]) == (422, "subsidy_case.pay.over_calculation") and "20000.00" in error["message"]
    status, error = world.refused("town", f"{path}/payments", payment(calc, "main_built", "1.00"))
    assert (status, error["subcode"]) == (403, "subsidy_case.pay.not_body")  # 旗财政局 pays, not the town


def test_a_verification_keeps_to_the_surveyed_work_and_a_bad_upload_stores_nothing(
    world: World, db_session: Session
) -> None:
    cid, path = to_building(world, bungalow())
    world.post("town", f"{path}/milestones", {"milestone": "main_built"})
    world.upload("town", cid, "quantity_check")
    before = counts(db_session)
    body = {"calculator": "pingfang", "inputs": {"work": "renovate", "grade": "C", "floor_area_m2": 80}}
    status, error = world.refused("town", f"{path}/calculations", body)
    assert (status, error["subcode"], error["basis"][0]["seed"]) == (422, "subsidy_case.verify.work", "004#L9206-L9208")
    status, error = world.refused("town", f"{path}/calculations", {"calculator": "pingfang", "inputs": {"work": "x"}})
    assert (status, error["field"]) == (422, "inputs.work")
    response = world.api.post(
        f"{CASES}/{cid}/documents/site_photo",
        params={"filename": "a.png"},
        content=b"GIF89a not a png",
        headers=world.headers["town"] | {"Content-Type": "image/png"},
    )
    assert response.status_code == 422
    status, error = world.refused("town", f"{path}/milestones", {"milestone": "setback_accepted"})
    assert (status, error["subcode"]) == (409, "subsidy_case.milestone.order")  # 凉房建成 first (004#L9663-L9665)
    assert counts(db_session) == before
    assert PNG.startswith(b"\x89PNG")


def test_the_list_puts_stalled_and_rework_cases_first(world: World, db_session: Session) -> None:
    fresh = world.post("town", CASES, bungalow(reference="一号"), 201)["id"]
    rework = world.post("town", CASES, bungalow(reference="二号"), 201)["id"]
    stalled = world.post("town", CASES, bungalow(reference="三号"), 201)["id"]
    gone = world.post("town", CASES, bungalow(reference="四号"), 201)["id"]
    world.post("town", f"{CASES}/{gone}/withdraw", {"reason": "居民放弃"})
    old = factories.CLOCK.now() - timedelta(days=40)
    db_session.execute(update(SubsidyCase).where(SubsidyCase.id == stalled).values(updated_at=old))
    db_session.execute(update(SubsidyCase).where(SubsidyCase.id == rework).values(rework=True))
    db_session.flush()
    page = world.call("county", "GET", CASES).json()
    assert [r["id"] for r in page["items"]] == [stalled, rework, fresh, gone] and page["total"] == 4
    first = page["items"][0]
    assert first["stalled"] is True and first["attention"] == ["停滞 40 天（超过 30 天无进展）"]
    newest = world.call("county", "GET", CASES, params={"order": "newest", "open_only": True}).json()
    assert [r["id"] for r in newest["items"]] == [stalled, rework, fresh]
    assert world.call("county", "GET", CASES, params={"q": "二号"}).json()["total"] == 1


def test_the_administrator_chooses_the_setback_reading(world: World) -> None:
    cid, path = to_building(world, bungalow())
    for milestone in ("main_built", "ancillary_built", "setback_accepted"):
        world.post("town", f"{path}/milestones", {"milestone": milestone})
    world.upload("town", cid, "quantity_check")
    under_default = world.post("town", f"{path}/calculations", verified(118, 30, setback=True), 201)
    readings = "/api/subsidies/readings"
    listed = world.call("county", "GET", readings).json()["items"]
    assert [(q["in_force"], q["may_choose"]) for q in listed] == [("pre_setback_plot", False)]
    choose = f"{readings}/hangjin-pingfang-2024/setback_area"
    status, error = world.refused("county", choose, {"option": "land_given_up", "reason": "旗自然资源局解释"})
    assert (status, error["subcode"]) == (403, "subsidies.reading.not_admin")
    status, error = world.refused("admin", choose, {"option": "half", "reason": "试试"})
    assert (status, error["field"]) == (422, "option")
    chosen = world.post("admin", choose, {"option": "land_given_up", "reason": "旗自然资源局书面解释：按退出土地面积"})
    assert chosen["in_force"] == "land_given_up" and chosen["history"][0]["chosen_by"] == "case_admin"
    later = world.post("town", f"{path}/calculations", verified(118, 30, setback=True), 201)
    now, then = later["calculations"][0], later["calculations"][1]
    assert (now["reading"], then["reading"]) == ("land_given_up", "pre_setback_plot")  # the stored one unchanged
    setback = {c["key"]: c["amount_yuan"] for c in now["components"]}["setback"]
    assert setback == "16152.00" and under_default["calculations"][0]["total_yuan"] == then["total_yuan"]  # 24 × 673
    answer = world.post("county", "/api/subsidies/pingfang", verified(118, 30, setback=True)["inputs"])
    assert any("按退线前土地面积计算" in n and "269200.00" in n for n in answer["notes"])  # the other reading beside it

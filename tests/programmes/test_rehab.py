"""Work-injury rehabilitation over HTTP, on both engines (包人社办发〔2025〕20号, seed 000 L2073-L2180): agreement
institutions and renewal, the expert pool, mode gates, non-payable costs and the cost-monitoring warnings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.programmes.conftest import World

pytestmark = pytest.mark.db

CONDITIONS = ["licensed", "premises", "transport", "compliance"]


def institution(world: World, name: str = "包头市第四医院（测试）", **changes: Any) -> Any:
    body = {"name": name, "kind": "综合医院", "division_code": "150203", "conditions": CONDITIONS, **changes}
    return world.call("city", "POST", "/api/rehab/institutions", body, 201 if "expect" not in changes else None)


def sign(world: World, inst: int, year: int, expect: int = 201) -> Any:
    body = {"year": year, "signed_on": f"{year - 1}-11-20"}  # signed late in the year before
    return world.call("city", "POST", f"/api/rehab/institutions/{inst}/agreements", body, expect)


def case(world: World, inst: int, mode: str, expect: int = 201, **changes: Any) -> Any:
    body = {
        "worker_name": "赵工",
        "id_number": "150203198001011234",
        "employer": "包头钢铁测试股份有限公司",
        "division_code": "150203",
        "injury_ref": "包人社工认〔2026〕88号",
        "injured_parts": ["左腿"],
        "department": "骨科",
        "mode": mode,
        "institution_id": inst,
        **changes,
    }
    return world.call("kun", "POST", "/api/rehab/cases", body, expect)


def claim(world: World, case_id: int, expect: int = 201, **changes: Any) -> Any:
    body = {
        "service_on": "2026-11-23",
        "category": "treatment",
        "body_part": "左腿",
        "item": "运动疗法",
        "amount": "300",
        **changes,
    }
    return world.call("kun", "POST", f"/api/rehab/cases/{case_id}/claims", body, expect)


def test_institutions_need_every_condition_and_renew_only_after_a_passed_assessment(world: World) -> None:
    refused = world.call(
        "city",
        "POST",
        "/api/rehab/institutions",
        {"name": "某诊所", "kind": "综合医院", "division_code": "150203", "conditions": CONDITIONS[:3]},
        422,
    )["error"]
    assert refused["field"] == "conditions" and "财务会计制度" in refused["message"]
    inst = institution(world)["id"]
    agreement = sign(world, inst, 2026)
    sign(world, inst, 2026, 422)  # 协议每年签订一次 (L2121)
    pending = sign(world, inst, 2027, 422)["error"]
    assert "考核尚未完成" in pending["message"] and pending["basis"][0]["seed"] == "000#L2125"
    world.call(
        "city",
        "POST",
        f"/api/rehab/agreements/{agreement['id']}/assessment",
        {"result": "failed", "assessed_on": "2026-11-20"},
    )
    assert "不予续签" in sign(world, inst, 2027, 422)["error"]["message"]
    assert world.call(
        "qing", "POST", f"/api/rehab/institutions/{inst}/agreements", {"year": 2028, "signed_on": "2028-01-01"}, 404
    )


def test_pool_experts_need_all_three_qualifications_and_serve_three_years(world: World) -> None:
    body = {
        "expert_id": world.experts["expert1"],
        "appointed_on": "2026-01-01",
        "qualifications": ["senior_title", "ethics"],
    }
    assert world.call("city", "POST", "/api/rehab/pool", body, 422)["error"]["field"] == "qualifications"
    body["qualifications"] = ["senior_title", "therapist_certificate", "ethics"]
    member = world.call("city", "POST", "/api/rehab/pool", body, 201)
    assert member["term_ends_on"] == "2029-01-01"  # 聘期一般为3年 (L2099)
    assert world.call("kun", "POST", "/api/rehab/pool", {**body, "expert_id": world.experts["expert2"]}, 403)


def test_modes_have_their_gates(world: World) -> None:
    inst = institution(world)["id"]
    assert case(world, inst, "early", 422)["error"]["field"] == "institution_id"  # no agreement for 2026 yet
    sign(world, inst, 2026)
    early = case(world, inst, "early")
    assert early["state"] == "proposed"
    # 早期介入: 经办机构备案 (L2129-L2131), not an expert's evaluation
    assert world.call(
        "kun",
        "POST",
        f"/api/rehab/cases/{early['id']}/gate",
        {"approve": True, "opinion": "备案", "pool_member_id": 1},
        422,
    )
    filed = world.call("kun", "POST", f"/api/rehab/cases/{early['id']}/gate", {"approve": True, "opinion": "已备案"})
    assert filed["state"] == "approved" and filed["filed_on"] == "2026-11-23"
    # 先康复后鉴定 only for 骨科 and 神经外科 (L2145)
    refused = case(world, inst, "rehab_first", 422, department="内科")["error"]
    assert refused["basis"][0]["seed"] == "000#L2145"
    first = case(world, inst, "rehab_first")
    no_expert = world.call(
        "kun", "POST", f"/api/rehab/cases/{first['id']}/gate", {"approve": True, "opinion": "有康复价值"}, 422
    )
    assert "专家库成员评估" in no_expert["error"]["message"]
    body = {
        "expert_id": world.experts["expert1"],
        "appointed_on": "2026-01-01",
        "qualifications": ["senior_title", "therapist_certificate", "ethics"],
    }
    member = world.call("city", "POST", "/api/rehab/pool", body, 201)
    ok = world.call(
        "kun",
        "POST",
        f"/api/rehab/cases/{first['id']}/gate",
        {"approve": True, "opinion": "伤情具有康复价值", "pool_member_id": member["id"]},
    )
    assert ok["state"] == "approved" and ok["evaluated_by"] == member["id"]
    home = case(world, inst, "home")
    assert home["state"] == "approved"  # 居家康复 has no gate
    assert world.call("ordos", "GET", f"/api/rehab/cases/{home['id']}", expect=404)


def test_claims_the_fund_does_not_pay_and_the_warnings(world: World) -> None:
    inst = institution(world)["id"]
    sign(world, inst, 2026)
    early = case(world, inst, "early")
    before = claim(world, early["id"])
    assert before["claim"]["refusal"] == "unapproved" and before["claim"]["payable"] == "0.00"  # L2157
    world.call("kun", "POST", f"/api/rehab/cases/{early['id']}/gate", {"approve": True, "opinion": "已备案"})
    paid = claim(world, early["id"], item="作业疗法")
    assert paid["claim"]["refusal"] is None and paid["claim"]["payable"] == "300.00" and paid["alerts"] == []
    assert claim(world, early["id"], category="living", item="护理垫")["claim"]["refusal"] == "living_items"  # L2153
    assert claim(world, early["id"], body_part="右臂", item="针灸")["claim"]["refusal"] == "non_injury_part"  # L2155
    dup = claim(world, early["id"], item="作业疗法")
    assert [a["rule"] for a in dup["alerts"]] == ["duplicate"]
    big = claim(world, early["id"], item="康复机器人", amount="2500")
    assert "daily_limit" in [a["rule"] for a in big["alerts"]]  # platform default 3 000 yuan a day
    world.call("kun", "POST", f"/api/rehab/cases/{early['id']}/end", {"ends_on": "2026-11-23"})
    world.at(date(2026, 11, 25))
    after = claim(world, early["id"], service_on="2026-11-24", item="床位费", category="bed")
    assert after["claim"]["refusal"] == "after_end"  # 康复期满后拒不出院 (L2156)
    assert claim(world, early["id"], service_on="2026-11-26", expect=422)["error"]["field"] == "service_on"
    assert claim(world, early["id"], amount="-1", expect=422)["error"]["field"]
    assert claim(world, early["id"], category="spa", expect=422)["error"]["field"] == "category"
    alerts = world.call("kun", "GET", "/api/rehab/alerts")["items"]
    assert {"unapproved", "living_items", "non_injury_part", "duplicate", "daily_limit", "after_end"} <= {
        a["rule"] for a in alerts
    }
    closed = world.call("kun", "POST", f"/api/rehab/alerts/{alerts[0]['id']}/close", {"reason": "已扣除违规费用"})
    assert closed["closed_by"] == "kun_quality"
    detail = world.call("kun", "GET", f"/api/rehab/cases/{early['id']}")
    assert detail["total"] == "4300.00" and detail["payable"] == "3100.00"
    assert world.call("kun_firm", "GET", "/api/rehab/cases", expect=403)

"""The smaller gaps of issue 26 in the Baotou programmes, over HTTP on both engines: the heritage batches' cadence
(每2—4年组织开展一批, 000#L1848), the quality award's cultivation pool (培育库, 000#L93-L95) and the two-way rating
of evaluators and applicants (双向监督反馈评价机制, 000#L169) — each on the API and on the console page."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from tests.programmes.conftest import World
from tests.programmes.test_quality_award import AWARD, advance, apply, open_round, panel, score_all, to_scoring
from yingji.programmes.models import Rating

pytestmark = pytest.mark.db

ICH = "baotou-ich-bearers"


def batch(world: World, number: int, notice_on: str, expect: int = 201) -> Any:
    year = notice_on[:4]
    body = {
        "programme": ICH,
        "number": number,
        "title": f"第{number}批市级传承人认定",
        "approval_ref": f"包文旅广电字〔{year}〕{number}号",
        "approved_on": notice_on,
        "notice_on": notice_on,
        "apply_until": f"{year}-12-31",
    }
    return world.call("city", "POST", "/api/programmes/rounds", body, expect)


def cadence_of(world: World) -> dict[str, Any]:
    return dict(world.call("city", "GET", f"/api/programmes/{ICH}")["cadence_state"])


def test_heritage_batches_keep_two_to_four_years(world: World) -> None:
    """Today is 2026-11-23. A batch of 2020 left alone is overdue after 2024-06-01; a batch closer than two years to
    either neighbour is refused naming 000#L1848; one more than four years after the last is entered but flagged."""
    assert cadence_of(world)["status"] == "first"
    batch(world, 1, "2020-06-01")
    state = cadence_of(world)
    assert (state["status"], state["overdue"], state["latest"]) == ("overdue", True, "2024-06-01")
    assert state["basis"][0]["seed"] == "000#L1848"
    page = world.api.get("/console/programmes", headers=world.headers["city"]).text
    card = page[page.index(f'id="cadence-{ICH}"') :][:800]
    assert "下一批逾期未开展" in card and "2024-06-01" in card and "每2—4年组织开展一批" in card
    third = batch(world, 3, "2026-11-23")
    assert third["cadence"]["overdue"] is True and third["cadence"]["previous_number"] == 1
    state = cadence_of(world)
    assert (state["status"], state["earliest"], state["latest"]) == ("too_soon", "2028-11-23", "2030-11-23")
    assert state["overdue"] is False
    # a missed batch entered afterwards must also keep two years before the batch that follows it
    early = batch(world, 2, "2025-06-01", expect=422)["error"]
    assert (early["subcode"], early["field"], early["basis"][0]["seed"]) == (
        "programmes.round.too_soon",
        "notice_on",
        "000#L1848",
    )
    assert batch(world, 2, "2022-06-01")["cadence"]["status"] == "due"
    soon = batch(world, 4, "2028-11-22", expect=422)["error"]  # a day short of two years after batch 3
    assert soon["subcode"] == "programmes.round.too_soon" and "2028-11-23" in soon["message"]
    page = world.api.get(f"/console/programmes/rounds/{third['id']}", headers=world.headers["city"]).text
    assert 'id="round-cadence"' in page and "逾期" in page[page.index('id="round-cadence"') :][:400]


# --- 培育库 (000#L91-L95) -------------------------------------------------------------------------------------------


def pool_file(world: World, who: str, org: str, route: str, expect: int = 201, **more: Any) -> Any:
    body = {"organisation_id": world.orgs[org], "route": route, "reason": "有意向申报市长质量奖", **more}
    return world.call(who, "POST", f"/api/programmes/{AWARD}/cultivation", body, expect)


def test_the_cultivation_pool(world: World) -> None:
    """Routes and their parties (自行申报, 旗县区推荐, 部门推荐: L95), the authority's decision (“可将……纳入”: L93),
    training and guidance recorded by the authority or the member's county (L91, L95), and the members against a
    round."""
    mine = pool_file(world, "kun_firm", "kun", "self")
    assert (mine["state"], mine["route_label"], mine["recommender"], mine["year"]) == (
        "pending",
        "自行申报",
        None,
        2026,
    )
    assert pool_file(world, "kun_firm", "qing", "self", 404)["error"]["field"] == "organisation_id"  # not its own
    wrong = pool_file(world, "kun", "kun", "self", 403)["error"]  # the county cannot apply for the enterprise
    assert (wrong["subcode"], wrong["basis"][0]["seed"]) == ("programmes.cultivation.not_party", "000#L95")
    assert pool_file(world, "kun", "kun", "department", 403)["error"]["subcode"] == "programmes.cultivation.not_party"
    assert pool_file(world, "kun", "kun", "county", 409)["error"]["subcode"] == "programmes.cultivation.exists"
    assert pool_file(world, "kun", "kun", "lottery", 422)["error"]["field"] == "route"
    qing = pool_file(world, "qing", "qing", "county")
    assert qing["state"] == "pending" and qing["recommender"] == "青山区主管部门"
    decide = f"/api/programmes/cultivation/{mine['id']}/decide"
    refused = world.call("kun", "POST", decide, {"admit": True, "note": "同意"}, 403)["error"]
    assert refused["subcode"] == "programmes.cultivation.not_authority" and refused["basis"][0]["seed"] == "000#L93"
    admitted = world.call("city", "POST", decide, {"admit": True, "note": "纳入2026年培育库"})
    assert admitted["state"] == "admitted" and "support" in admitted["allowed_actions"]
    again = world.call("city", "POST", decide, {"admit": False, "note": "x"}, 409)["error"]
    assert (again["code"], again["subcode"]) == ("invalid_state", "programmes.cultivation.state")
    world.call("city", "POST", f"/api/programmes/cultivation/{qing['id']}/decide", {"admit": False, "note": "材料不足"})
    assert pool_file(world, "city", "qing", "department", 422)["error"]["field"] == "recommender"
    dept = pool_file(world, "city", "qing", "department", recommender="市工业和信息化局")
    assert (dept["state"], dept["recommender"]) == ("admitted", "市工业和信息化局")  # the authority's own entry
    support = f"/api/programmes/cultivation/{mine['id']}/support"
    trained = world.call(
        "kun", "POST", support, {"kind": "training", "given_on": "2026-11-23", "note": "卓越绩效培训"}, 201
    )
    assert [(s["kind_label"], s["recorded_by"]) for s in trained["support"]] == [
        ("免费卓越绩效管理培训", "kun_quality")
    ]
    assert world.call("kun", "POST", support, {"kind": "lunch", "given_on": "2026-11-23", "note": "x"}, 422)
    late = {"kind": "guidance", "given_on": "2026-11-24", "note": "x"}
    assert world.call("city", "POST", support, late, 422)["error"]["field"] == "given_on"
    declined = {"kind": "guidance", "given_on": "2026-11-23", "note": "x"}
    gone = world.call("city", "POST", f"/api/programmes/cultivation/{qing['id']}/support", declined, 409)["error"]
    assert gone["subcode"] == "programmes.cultivation.not_member"
    assert world.call("qing", "POST", support, declined, 404)  # another county's member does not exist for it
    listing = f"/api/programmes/{AWARD}/cultivation"
    assert world.call("city", "GET", listing)["total"] == 3
    assert [e["id"] for e in world.call("kun_firm", "GET", listing)["items"]] == [mine["id"]]
    assert world.call("city", "GET", f"{listing}?state=admitted")["total"] == 2
    assert world.call("expert1", "GET", listing)["total"] == 0
    # the members against a round: visible on the round while applications open (申报动员)
    round_id = open_round(world)
    pool = world.call("city", "GET", f"/api/programmes/rounds/{round_id}")["pool"]
    assert [(p["subject_name"], p["application_id"]) for p in pool] == [
        ("包头钢铁测试股份有限公司", None),
        ("青山测试装备有限公司", None),
    ]
    app_id = apply(world, round_id)["id"]
    pool = world.call("kun", "GET", f"/api/programmes/rounds/{round_id}")["pool"]
    assert [(p["subject_name"], p["application_id"]) for p in pool] == [("包头钢铁测试股份有限公司", app_id)]
    detail = world.call("city", "GET", f"/api/programmes/applications/{app_id}")
    assert detail["cultivation"]["route_label"] == "自行申报" and detail["scores"] == {}  # no bearing on scores
    page = world.api.get(f"/console/programmes/rounds/{round_id}", headers=world.headers["city"]).text
    section = page[page.index('id="pool"') :][:3000]
    assert "培育库" in section and "青山测试装备有限公司" in section and "尚未申报" in section
    page = world.api.get(f"/console/programmes/{AWARD}/cultivation", headers=world.headers["kun"]).text
    assert "旗县区推荐" in page and "免费卓越绩效管理培训" in page and "pending" not in page


# --- 双向监督反馈评价 (000#L169) -----------------------------------------------------------------------------------


def test_two_way_ratings_leave_the_scores_alone(world: World) -> None:
    round_id = open_round(world)
    app_id = apply(world, round_id)["id"]
    material, site = ["expert1", "expert2", "expert3"], ["expert4", "expert5", "expert6"]
    panel(world, round_id, "material", material, "expert1")
    panel(world, round_id, "site", site, "expert4")
    seats = {
        m["username"]: m["id"]
        for p in world.call("city", "GET", f"/api/programmes/rounds/{round_id}")["panels"]
        for m in p["members"]
    }
    to_scoring(world, round_id, app_id)
    score_all(world, app_id, material, 80)
    rate = f"/api/programmes/applications/{app_id}/ratings"
    given = world.call(
        "kun_firm", "POST", rate, {"member_id": seats["expert1"], "score": 5, "remarks": "廉洁守纪"}, 201
    )
    assert (given["direction"], given["member_name"], given["score_label"]) == ("of_evaluator", "专家1", "好")
    assert (
        world.call("kun_firm", "POST", rate, {"member_id": seats["expert1"], "score": 4}, 409)["error"]["subcode"]
        == "programmes.rating.exists"
    )
    early = world.call("kun_firm", "POST", rate, {"member_id": seats["expert4"], "score": 4}, 409)["error"]
    assert (early["code"], early["subcode"]) == ("invalid_state", "programmes.rating.not_evaluated")
    assert world.call("kun_firm", "POST", rate, {"score": 4}, 422)["error"]["field"] == "member_id"
    assert (
        world.call("kun_firm", "POST", rate, {"member_id": seats["expert2"], "score": 6}, 422)["error"]["field"]
        == "score"
    )
    bad = {"member_id": seats["expert2"], "score": 2, "misconduct": True, "remarks": "索要礼品"}
    world.call("kun_firm", "POST", rate, bad, 201)
    assert world.call("expert1", "POST", rate, {"score": 5, "misconduct": True}, 422)["error"]["field"] == "misconduct"
    back = world.call("expert1", "POST", rate, {"score": 4, "remarks": "如实提供材料"}, 201)
    assert back["direction"] == "of_applicant" and back["direction_label"] == "评审人员评价申报单位守纪情况"
    site_first = world.call("expert4", "POST", rate, {"score": 4}, 409)["error"]  # not evaluated it yet
    assert site_first["subcode"] == "programmes.rating.not_evaluated"
    party = world.call("kun", "POST", rate, {"score": 4}, 403)["error"]
    assert (party["subcode"], party["basis"][0]["seed"]) == ("programmes.rating.not_party", "000#L169")
    detail = world.call("kun_firm", "GET", f"/api/programmes/applications/{app_id}")
    assert [r["member_name"] for r in detail["ratings_given"]] == ["专家1", "专家2"]
    assert [r["member_name"] for r in detail["rateable"]] == ["专家3"] and "rate" in detail["allowed_actions"]
    summary = world.call("city", "GET", f"/api/programmes/rounds/{round_id}/ratings")
    shown = {e["name"]: (e["count"], e["average"], e["misconduct_reports"]) for e in summary["evaluators"]}
    assert shown["专家1"] == (1, 5.0, 0) and shown["专家2"] == (1, 2.0, 1) and shown["专家4"] == (0, None, 0)
    assert [(a["subject_name"], a["average"]) for a in summary["applicants"]] == [("包头钢铁测试股份有限公司", 4.0)]
    for who in ("kun_firm", "expert1", "kun"):
        assert world.call(who, "GET", f"/api/programmes/rounds/{round_id}/ratings", expect=403)
    page = world.api.get(f"/console/programmes/rounds/{round_id}", headers=world.headers["city"]).text
    assert 'id="ratings"' in page and "纪律执行情况" in page[page.index('id="ratings"') :]
    page = world.api.get(f"/console/programmes/applications/{app_id}", headers=world.headers["kun_firm"]).text
    assert 'id="rate"' in page and "专家3" in page[page.index('id="rate"') :]
    # the scores are the panel's alone; once the round is over its panels are gone and so is rating
    done = advance(world, "city", app_id, outcome="reject", reason="材料评审未达现场评审线")
    assert done["scores"] == {"material": 80.0} and done["state"] == "rejected"
    world.call("city", "POST", f"/api/programmes/rounds/{round_id}/close")
    closed = world.call("kun_firm", "POST", rate, {"member_id": seats["expert3"], "score": 4}, 409)["error"]
    assert closed["subcode"] == "programmes.rating.round_closed"
    with pytest.raises(DBAPIError, match="append-only"), world.db.begin_nested():  # a rating is kept as given
        world.db.execute(update(Rating).values(score=1))

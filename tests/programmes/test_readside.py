"""The programmes' read side (issue 20) over HTTP, on both engines: lists page with totals and filters in a stable
order, read models carry names and labels beside codes, and ``allowed_actions`` offers each party exactly the steps
the write path accepts from it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.programmes.conftest import World
from tests.programmes.test_quality_award import AWARD, advance, apply, open_round
from tests.programmes.test_rehab import case as open_case
from tests.programmes.test_rehab import claim, institution, sign

pytestmark = pytest.mark.db


def page(world: World, who: str, path: str) -> dict[str, Any]:
    found = world.call(who, "GET", path)
    assert set(found) == {"items", "total", "limit", "offset"}
    return dict(found)


def test_rounds_page_in_a_stable_order_with_filters(world: World) -> None:
    ids = [open_round(world, number) for number in (1, 2, 3)]
    first = page(world, "city", "/api/programmes/rounds?limit=2")
    assert first["total"] == 3 and [r["id"] for r in first["items"]] == ids[::-1][:2]  # newest round first
    second = page(world, "city", "/api/programmes/rounds?limit=2&offset=2")
    assert [r["id"] for r in second["items"]] == [ids[0]] and second["offset"] == 2
    world.call("city", "POST", f"/api/programmes/rounds/{ids[0]}/close", expect=200)
    closed = page(world, "city", "/api/programmes/rounds?open=false")
    assert [r["id"] for r in closed["items"]] == [ids[0]] and closed["items"][0]["status_label"] == "已结束"
    assert page(world, "city", f"/api/programmes/rounds?programme_id={AWARD}&open=true")["total"] == 2
    assert page(world, "city", "/api/programmes/rounds?year=2025")["total"] == 0
    assert page(world, "ordos", "/api/programmes/rounds")["total"] == 0  # another city's programmes
    shown = first["items"][0]
    assert shown["division_name"] == "包头市" and shown["programme_title"] == "包头市市长质量奖"
    assert shown["accepting"] and shown["status_label"] == "受理申报中"
    assert set(shown["allowed_actions"]) == {"form_panel", "select", "close"}  # the authority, not an applicant
    assert world.call("city", "GET", "/api/programmes/rounds?limit=0", expect=422)
    assert world.call("city", "GET", "/api/programmes/rounds?state=bogus&open=maybe", expect=422)


def test_applications_page_and_filter_by_state_stage_and_division(world: World) -> None:
    round_id = open_round(world)
    kun = apply(world, round_id)["id"]
    qing = apply(world, round_id, who="qing_firm", org="qing")["id"]
    listed = page(world, "city", f"/api/programmes/applications?round_id={round_id}&limit=1")
    assert listed["total"] == 2 and [a["id"] for a in listed["items"]] == [kun]
    assert [a["id"] for a in page(world, "city", "/api/programmes/applications?division=150204")["items"]] == [qing]
    assert page(world, "kun", "/api/programmes/applications")["total"] == 1  # the county sees its own
    assert page(world, "kun_firm", "/api/programmes/applications")["total"] == 1  # an enterprise its own
    world.call("kun_firm", "POST", f"/api/programmes/applications/{kun}/withdraw", {"reason": "不再参评"})
    withdrawn = page(world, "city", "/api/programmes/applications?state=withdrawn")
    assert [a["id"] for a in withdrawn["items"]] == [kun]
    assert withdrawn["items"][0]["state_label"] == "已撤回"
    internal = page(world, "city", "/api/programmes/applications?stage=internal_publicity&state=active")
    assert [a["id"] for a in internal["items"]] == [qing]
    assert world.call("city", "GET", "/api/programmes/applications?division=15", expect=422)


def test_an_application_reads_in_words_and_offers_only_the_callers_steps(world: World) -> None:
    round_id = open_round(world)
    app_id = apply(world, round_id)["id"]
    own = world.call("kun_firm", "GET", f"/api/programmes/applications/{app_id}")
    assert own["division_name"] == "昆都仑区" and own["division_code"] == "150203"
    assert own["stage_kind"] == "publicity" and own["stage_kind_label"] == "公示"
    assert own["stage_actor"] == "applicant" and own["stage_actor_label"] == "申报人"
    assert own["state_label"] == "办理中" and not own["period_over"]
    assert own["allowed_actions"] == ["withdraw"]  # the internal notice runs: no pass before it ends
    assert own["history"][0]["action_label"] == "申报" and own["history"][0]["to_label"] == "单位内部公示"
    assert own["history"][0]["basis"][0]["seed"]
    assert world.call("city", "GET", f"/api/programmes/applications/{app_id}")["allowed_actions"] == []
    world.at(date(2026, 12, 1))
    assert world.call("kun_firm", "GET", f"/api/programmes/applications/{app_id}")["allowed_actions"] == [
        "pass",
        "withdraw",
    ]
    advance(world, "kun_firm", app_id)
    county = world.call("kun", "GET", f"/api/programmes/applications/{app_id}")
    assert set(county["allowed_actions"]) == {"pass", "return", "reject"}
    assert world.call("city", "GET", f"/api/programmes/applications/{app_id}")["allowed_actions"] == []
    refused = advance(world, "city", app_id, 403)  # what the read model withholds, the write path refuses
    assert refused["error"]["code"] == "forbidden"


def test_titles_and_pools_page_with_names(world: World) -> None:
    body = {"organisation_id": world.orgs["kun"], "round_number": 1, "conferred_on": "2020-11-20"}
    title = world.call("city", "POST", f"/api/programmes/{AWARD}/titles", body, 201)
    assert title["division_name"] == "昆都仑区" and title["state_label"] == "有效"
    assert "revoke" in title["allowed_actions"]
    world.call("city", "POST", f"/api/programmes/{AWARD}/titles", {**body, "organisation_id": world.orgs["qing"]}, 201)
    listed = page(world, "city", f"/api/programmes/{AWARD}/titles?limit=1&offset=1")
    assert listed["total"] == 2 and listed["items"][0]["subject_name"] == "青山测试装备有限公司"
    assert page(world, "city", f"/api/programmes/{AWARD}/titles?division=150204")["total"] == 1
    assert page(world, "city", f"/api/programmes/{AWARD}/titles?state=revoked")["total"] == 0
    mine = page(world, "kun_firm", f"/api/programmes/{AWARD}/titles")
    assert mine["total"] == 1 and mine["items"][0]["allowed_actions"] == []  # an enterprise reads its award only
    for name in ("expert1", "expert2", "expert3"):
        member = {"expert_id": world.experts[name], "categories": ["传统技艺"], "appointed_on": "2026-01-01"}
        added = world.call("city", "POST", "/api/programmes/pools/ich", member, 201)
        assert added["name"] == f"专家{name[-1]}" and added["in_term"]
    pooled = page(world, "city", "/api/programmes/pools/ich?limit=2")
    assert pooled["total"] == 3 and [m["name"] for m in pooled["items"]] == ["专家1", "专家2"]


def test_rehab_lists_page_and_read_in_words(world: World) -> None:
    inst = institution(world)["id"]
    institution(world, name="包头市康复医院（测试）", division_code="150204")
    sign(world, inst, 2026)
    places = page(world, "city", "/api/rehab/institutions?limit=1")
    assert places["total"] == 2 and places["items"][0]["name"] == "包头市康复医院（测试）"  # by name
    assert page(world, "kun", "/api/rehab/institutions")["total"] == 1  # the county's own
    assert page(world, "city", "/api/rehab/institutions?division=150203")["items"][0]["id"] == inst
    listed = page(world, "kun", "/api/rehab/institutions")["items"][0]
    assert listed["division_name"] == "昆都仑区" and listed["condition_labels"][0].startswith(
        "具有开展工伤康复服务意愿"
    )
    assert listed["allowed_actions"] == ["sign"] and listed["agreements"][0]["allowed_actions"] == ["assess"]
    early = open_case(world, inst, "early")
    home = open_case(world, inst, "home", worker_name="钱工", id_number="150203198001011235")
    assert (
        early["state_label"] == "待备案或评估" and early["gate"] == "filing" and early["gate_label"] == "经办机构备案"
    )
    assert early["institution_name"] == "包头市第四医院（测试）" and early["division_name"] == "昆都仑区"
    assert set(early["allowed_actions"]) == {"gate", "claim"}
    assert home["state"] == "approved" and set(home["allowed_actions"]) == {"end", "claim"}
    cases = page(world, "kun", "/api/rehab/cases?state=approved")
    assert [c["id"] for c in cases["items"]] == [home["id"]] and cases["total"] == 1
    assert page(world, "kun", "/api/rehab/cases?mode=early&limit=1")["items"][0]["id"] == early["id"]
    assert page(world, "qing", "/api/rehab/cases")["total"] == 0  # another county
    raised = claim(world, home["id"], category="living", amount="50")
    assert raised["claim"]["category_label"] and raised["claim"]["refusal_label"]
    assert raised["alerts"][0]["rule_label"].startswith("不予支付：") and raised["alerts"][0]["division_name"]
    alerts = page(world, "kun", f"/api/rehab/alerts?case_id={home['id']}")
    assert alerts["total"] >= 1 and alerts["items"][0]["allowed_actions"] == ["close"]
    assert page(world, "kun", f"/api/rehab/alerts?case_id={early['id']}")["total"] == 0
    assert page(world, "qing", "/api/rehab/alerts")["total"] == 0

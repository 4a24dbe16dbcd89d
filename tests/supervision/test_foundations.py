"""The remaining registers over HTTP: the capacity-increase gate (002#L163), standardisation history and half-yearly
spot checks (002#L205), liability insurance and insurer inspections (002#L258, L357), third-party agencies and the
negative list (002#L262), equipment files (002#L207, L323)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from tests.supervision.conftest import World
from yingji.auth import service as auth
from yingji.auth.actor import SYSTEM
from yingji.auth.roles import Role
from yingji.registry.models import Mine

pytestmark = pytest.mark.db

MET = {"met": True, "note": "评估合格"}


def test_capacity_increase_refused_until_all_rigid_conditions_hold(world: World, db_session: Session) -> None:
    non_coal = world.post(
        f"/api/supervision/mines/{world.stopped_mine}/capacity-requests",
        world.enterprise,
        {"requested_t": 1, "reason": "x"},
    )
    assert non_coal.status_code == 422 and non_coal.json()["error"]["subcode"] == "supervision.capacity.not_coal"
    applied = world.post(
        f"/api/supervision/mines/{world.deep_mine}/capacity-requests",
        world.enterprise,
        {"requested_t": 3_000_000, "reason": "保供任务"},
    )
    assert applied.status_code == 201, applied.text
    rid = applied.json()["id"]
    assert [c["met"] for c in applied.json()["conditions"]] == [None, None, None]
    twice = world.post(
        f"/api/supervision/mines/{world.deep_mine}/capacity-requests",
        world.enterprise,
        {"requested_t": 4_000_000, "reason": "x"},
    )
    assert twice.status_code == 409 and twice.json()["error"]["subcode"] == "supervision.capacity.pending"
    path = f"/api/supervision/capacity-requests/{rid}"
    self_approve = world.post(f"{path}/approve", world.enterprise)
    assert self_approve.status_code == 403
    assert self_approve.json()["error"]["subcode"] == "supervision.capacity.not_supervisor"
    early = world.post(f"{path}/approve", world.officer)
    assert early.status_code == 409 and early.json()["error"]["subcode"] == "supervision.capacity.not_assessed"
    world.put(
        f"{path}/assessment",
        world.officer,
        {
            "conditions": [
                {"condition": "disaster_control"} | MET,
                {"condition": "staffing", "met": False, "note": "专职技术人员不足"},
                {"condition": "intelligence"} | MET,
            ]
        },
    )
    unmet = world.post(f"{path}/approve", world.officer)
    assert unmet.status_code == 409 and unmet.json()["error"]["subcode"] == "supervision.capacity.unmet"
    assert unmet.json()["error"]["basis"][0]["seed"] == "002#L163"
    world.put(f"{path}/assessment", world.officer, {"conditions": [{"condition": "staffing"} | MET]})
    approved = world.post(f"{path}/approve", world.officer, {"note": "同意核增"})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert db_session.scalar(select(Mine.annual_capacity_t).where(Mine.id == world.deep_mine)) == 3_000_000
    assert world.post(f"{path}/refuse", world.officer, {"note": "x"}).status_code == 409


def test_standardisation_history_and_spot_checks(world: World) -> None:
    path = f"/api/supervision/mines/{world.deep_mine}/standardisation"
    assert world.post(f"{path}/spot-checks", world.officer, {"on": "2026-11-01", "passed": True}).status_code == 409
    assert world.post(f"{path}/grade", world.enterprise, {"grade": "level_1", "on": "2026-05-01"}).status_code == 403
    graded = world.post(f"{path}/grade", world.officer, {"grade": "level_1", "on": "2026-05-01"}).json()
    assert graded["grade"] == "level_1" and graded["spot_check_due"] == "2026-11-01" and graded["spot_check_overdue"]
    status = world.get(f"/api/supervision/mines/{world.deep_mine}", world.officer).json()
    assert "标准化抽查逾期（应于 2026-11-01 前）" in status["flags"]
    assert world.post(f"{path}/spot-checks", world.officer, {"on": "2026-11-20", "passed": False}).status_code == 422
    checked = world.post(
        f"{path}/spot-checks", world.officer, {"on": "2026-11-20", "passed": True, "note": "保持一级"}
    ).json()
    assert checked["spot_check_due"] == "2027-05-20" and checked["spot_check_overdue"] is False
    assert [h["kind_label"] for h in checked["history"]] == ["等级评定", "抽查"]
    share = world.get("/api/supervision/standardisation", world.officer).json()
    assert (share["coal_mines"], share["coal_level_1"], share["coal_level_1_share"]) == (1, 1, 1.0)
    assert share["coal_level_1_target"] == 0.4 and share["basis"]["seed"] == "002#L205"
    assert share["spot_checks_overdue"] == []


def test_liability_insurance_coverage_and_inspections(world: World) -> None:
    empty = world.get("/api/supervision/insurance", world.officer).json()
    assert (empty["mine_enterprises"], empty["covered"]) == (1, 0) and empty["uncovered"] == [
        "宝日希勒示例煤业有限公司"
    ]
    policy = {
        "insurer": "示例财产保险公司",
        "policy_no": "AZX-2026-001",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    }
    assert world.post("/api/supervision/insurance", world.officer, policy).status_code == 422  # which enterprise
    added = world.post("/api/supervision/insurance", world.enterprise, policy)
    assert added.status_code == 201, added.text
    body = added.json()
    assert (body["covered"], body["share"], body["due"]) == (1, 1.0, "2028-12-31")
    pid = body["policies"][0]["id"]
    assert body["policies"][0]["inspections_short"] is True
    assert world.post("/api/supervision/insurance", world.enterprise, policy).status_code == 409
    for on in ("2026-04-10", "2026-09-10"):
        body = world.post(
            f"/api/supervision/insurance/{pid}/inspections", world.enterprise, {"on": on, "findings": "排查隐患3项"}
        ).json()
    assert body["policies"][0]["inspections_this_year"] == 2 and body["policies"][0]["inspections_short"] is False
    outside = world.post(
        f"/api/supervision/insurance/{pid}/inspections", world.enterprise, {"on": "2025-12-01", "findings": "x"}
    )
    assert outside.status_code == 422
    assert (
        world.post(
            f"/api/supervision/insurance/{pid}/inspections",
            world.other_enterprise,
            {"on": "2026-10-01", "findings": "x"},
        ).status_code
        == 404
    )


def test_agency_negative_list_bars_its_census(world: World) -> None:
    agency = world.post(
        "/api/supervision/agencies",
        world.officer,
        {"name": "示例安全评价有限公司", "division_code": "150725", "services": "隐蔽致灾因素普查"},
    )
    assert agency.status_code == 201, agency.text
    aid = agency.json()["id"]
    unknown = world.post(
        "/api/supervision/agencies", world.officer, {"name": "甲公司", "division_code": "150725999", "services": "x"}
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "division_code"
    assert (
        world.post(
            "/api/supervision/agencies", world.enterprise, {"name": "x公司", "division_code": "150725", "services": "x"}
        ).status_code
        == 403
    )
    scored = world.post(f"/api/supervision/agencies/{aid}/evaluations", world.officer, {"year": 2026, "score": 58})
    assert scored.json()["latest_score"] == 58
    listed = world.put(
        f"/api/supervision/agencies/{aid}/negative", world.officer, {"negative": True, "reason": "出具虚假报告"}
    )
    assert listed.json()["negative"] is True and listed.json()["listed_on"] == "2026-11-23"
    assert world.get("/api/supervision/agencies", world.enterprise, negative=True).json()["total"] == 1
    census = world.post(
        f"/api/supervision/mines/{world.deep_mine}/censuses",
        world.enterprise,
        {"year": 2026, "started_on": "2026-04-01", "agency_id": aid},
    )
    assert census.status_code == 409 and census.json()["error"]["subcode"] == "supervision.agency.negative_listed"
    assert census.json()["error"]["basis"][0]["seed"] == "002#L262"
    again = world.put(f"/api/supervision/agencies/{aid}/negative", world.officer, {"negative": True, "reason": "x"})
    assert again.status_code == 409


def test_equipment_file_flags_faulty_machines_in_service(world: World) -> None:
    path = f"/api/supervision/mines/{world.deep_mine}/equipment"
    hoist = {"category": "hoist", "name": "主井提升机", "model": "JKMD-4×4", "installed_on": "2015-06-01"}
    created = world.post(path, world.enterprise, hoist)
    assert created.status_code == 201 and created.json()["runs_faulty"] is False
    eid = created.json()["id"]
    faulty = world.put(f"/api/supervision/equipment/{eid}", world.enterprise, hoist | {"condition": "faulty"})
    assert faulty.json()["runs_faulty"] is True
    assert world.get("/api/supervision/equipment", world.officer, faulty_running=True).json()["total"] == 1
    assert (
        "1 台关键设备带病运行" in world.get(f"/api/supervision/mines/{world.deep_mine}", world.officer).json()["flags"]
    )
    stopped = world.put(
        f"/api/supervision/equipment/{eid}", world.enterprise, hoist | {"condition": "faulty", "in_service": False}
    )
    assert stopped.json()["runs_faulty"] is False
    assert world.post(path, world.expert, hoist).status_code == 403
    assert world.put("/api/supervision/equipment/999999", world.enterprise, hoist).status_code == 404


def test_plan_evaluation_in_its_year_concluded_by_the_level_above(world: World, db_session: Session) -> None:
    factories.user(db_session, "hlbe_duty", Role.CITY_OFFICER, division="150700")
    body = {"kind": "mid_term", "division_code": "150725"}
    early = world.post("/api/supervision/evaluations", world.officer, body)
    assert early.status_code == 409 and early.json()["error"]["subcode"] == "supervision.evaluation.too_early"
    assert early.json()["error"]["basis"][0]["seed"] == "002#L367"
    world.clock.advance(days=800)  # 2029-02: a year's API tokens have lapsed, so each signs in afresh

    def fresh(username: str) -> dict[str, str]:
        token = auth.create_api_token(
            db_session=db_session, clock=world.clock, actor=SYSTEM, username=username, name="t"
        )
        return {"Authorization": f"Bearer {token}"}

    world.enterprise, world.officer, world.outsider = fresh("brxl_safety"), fresh("cbe_duty"), fresh("ewk_duty")
    city = fresh("hlbe_duty")
    assert world.post("/api/supervision/evaluations", world.enterprise, body).status_code == 403
    assert (
        world.post("/api/supervision/evaluations", world.officer, body | {"division_code": "150600"}).status_code == 422
    )
    assert world.post("/api/supervision/evaluations", city, body).status_code == 403  # the county assesses itself
    opened = world.post("/api/supervision/evaluations", world.officer, body)
    assert opened.status_code == 201, opened.text
    row = opened.json()
    assert row["year"] == 2028 and row["allowed_actions"] == ["submit"]
    assert row["evidence"]["census_completed"] == "0/1" and row["evidence"]["networking_share"]["coal_mine"] == 0.0
    eid = row["id"]
    path = f"/api/supervision/evaluations/{eid}"
    assert world.post(f"{path}/conclude", world.officer, {"text": "x"}).status_code == 403
    submitted = world.post(f"{path}/submit", world.officer, {"text": "自评：普查未完成，联网率 0"}).json()
    assert submitted["state"] == "submitted"
    own = world.post(f"{path}/conclude", world.officer, {"text": "合格"})
    assert own.status_code == 403 and own.json()["error"]["subcode"] == "supervision.evaluation.not_above"
    assert world.get("/api/supervision/evaluations", city).json()["items"][0]["allowed_actions"] == [
        "conclude",
        "return",
    ]
    concluded = world.post(f"{path}/conclude", city, {"text": "普查和联网滞后，限期整改"}).json()
    assert concluded["state"] == "concluded" and concluded["concluded_by"] == "hlbe_duty"
    assert world.post(f"{path}/return", city, {"text": "x"}).status_code == 409
    assert world.get(path.replace(f"/{eid}", ""), world.outsider).json()["total"] == 0
    assert world.post("/api/supervision/evaluations", world.officer, body).status_code == 409

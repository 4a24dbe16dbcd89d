"""Tips over HTTP: the public form and receipt, accept → verify → answer → close, the reporter hidden from all but
the handler (and from the audit log), a substantiated tip becoming a hazard, and the reward cap by jurisdiction."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from yingji.audit.models import AuditEntry
from yingji.auth.roles import Role

pytestmark = pytest.mark.db

TIP = {
    "division_code": "150702",  # 海拉尔区, Hulunbuir
    "subject": "某煤矿",
    "description": "夜班在瓦斯超限时仍在采煤，监控探头被遮挡",
    "reporter_name": "张三",
    "reporter_phone": "13700000003",
}


@pytest.fixture
def people(client: TestClient, db_session: Session, divisions: int) -> dict[str, Any]:
    mine = factories.enterprise(db_session, "海拉尔示例煤矿有限公司", "150702", sector="coal_mine")
    factories.user(db_session, "mine_safety", Role.ENTERPRISE_REPORTER, organisation_id=mine.id)
    return {
        "handler": factories.bearer(db_session, "hlr_duty", Role.COUNTY_OFFICER, "150702"),
        "colleague": factories.bearer(db_session, "hlr_duty2", Role.COUNTY_OFFICER, "150702"),
        "city": factories.bearer(db_session, "hlbe_duty", Role.CITY_OFFICER, "150700"),
        "hangjin": factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625"),
        "expert": factories.bearer(db_session, "hlr_expert", Role.EXPERT, "150702"),
        "enterprise": {"Authorization": f"Bearer {factories.token_for(db_session, 'mine_safety')}"},
        "mine": mine,
    }


def test_public_tip_through_the_whole_loop(client: TestClient, db_session: Session, people: dict[str, Any]) -> None:
    receipt = client.post("/api/tips/public", json=TIP)
    assert receipt.status_code == 201 and receipt.json()["state"] == "received"
    code = receipt.json()["tracking_code"]
    tip_id = client.get("/api/tips", headers=people["handler"]).json()["items"][0]["id"]
    before = client.get(f"/api/tips/{tip_id}", headers=people["handler"]).json()
    assert before["reporter_name"] == "（保密）"  # nobody handles it yet: nobody sees who reported

    accepted = client.post(f"/api/tips/{tip_id}/accept", headers=people["handler"]).json()
    assert accepted["reporter_name"] == "张三" and accepted["reporter_phone"] == "13700000003"
    for other in ("colleague", "city"):
        seen = client.get(f"/api/tips/{tip_id}", headers=people[other]).json()
        assert seen["reporter_name"] == "（保密）" and seen["reporter_phone"] == "（保密）"
    taken = client.post(
        f"/api/tips/{tip_id}/verify", headers=people["colleague"], json={"substantiated": True, "verification": "x" * 5}
    )
    assert taken.status_code == 403  # only the handler works the tip
    assert taken.json()["error"]["subcode"] == "tip.verify.not_handler"

    verified = client.post(
        f"/api/tips/{tip_id}/verify",
        headers=people["handler"],
        json={
            "substantiated": True,
            "verification": "现场核查属实：监控探头被遮挡",
            "organisation_id": people["mine"].id,
            "place": "3号采煤工作面",
            "description": "3号采煤工作面瓦斯传感器被遮挡",
            "category": "监控系统",
            "criteria": ["coal-11"],
            "found_on": "2026-11-22",
        },
    ).json()
    hazard = client.get(f"/api/hazards/{verified['hazard_id']}", headers=people["handler"]).json()
    assert hazard["channel"] == "tip" and hazard["grade"] == "major" and hazard["state"] == "confirmed"
    # the enterprise sees the hazard it must rectify, never the tip or who made it
    mine_view = client.get(f"/api/hazards/{hazard['id']}", headers=people["enterprise"])
    assert mine_view.status_code == 200 and "张三" not in mine_view.text and "13700000003" not in mine_view.text
    assert TIP["description"] not in mine_view.text  # the tip's own words (which may describe the reporter) stay put
    assert client.get("/api/tips", headers=people["enterprise"]).status_code == 403

    too_early = client.post(f"/api/tips/{tip_id}/close", headers=people["handler"], json={})
    assert too_early.status_code == 409 and too_early.json()["error"]["subcode"] == "tip.close.state"
    client.post(f"/api/tips/{tip_id}/answer", headers=people["handler"], json={"answer": "经核查属实，已责令整改。"})
    assert client.get(f"/api/tips/public/{code}").json()["answer"] == "经核查属实，已责令整改。"

    over = client.post(
        f"/api/tips/{tip_id}/close", headers=people["handler"], json={"reward_yuan": "300000.01", "reward_note": "重奖"}
    )
    assert over.status_code == 422 and over.json()["error"]["basis"][0]["seed"] == "002#L272"
    no_note = client.post(f"/api/tips/{tip_id}/close", headers=people["handler"], json={"reward_yuan": "5000"})
    assert no_note.status_code == 422 and no_note.json()["error"]["field"] == "reward_note"
    closed = client.post(
        f"/api/tips/{tip_id}/close",
        headers=people["handler"],
        json={"reward_yuan": "300000", "reward_note": "举报重大事故隐患查实"},
    ).json()
    assert closed["state"] == "closed" and closed["reward_yuan"] == "300000.00"
    assert client.get(f"/api/tips/public/{code}").json()["state"] == "closed"

    trail = db_session.scalars(select(AuditEntry).where(AuditEntry.target_kind == "tip").order_by(AuditEntry.id)).all()
    assert [a.action for a in trail] == ["tip.receive", "tip.accept", "tip.verify", "tip.answer", "tip.close"]
    assert all("张三" not in str(a.detail) and "13700000003" not in str(a.detail) for a in trail)


def test_unsubstantiated_tip_gets_no_reward(client: TestClient, people: dict[str, Any]) -> None:
    body = TIP | {"channel": "hotline"}
    tip_id = client.post("/api/tips", headers=people["handler"], json=body).json()["id"]
    client.post(
        f"/api/tips/{tip_id}/verify",
        headers=people["handler"],
        json={"substantiated": False, "verification": "现场未发现"},
    )
    client.post(f"/api/tips/{tip_id}/answer", headers=people["handler"], json={"answer": "经核查不属实。"})
    refused = client.post(
        f"/api/tips/{tip_id}/close", headers=people["handler"], json={"reward_yuan": "100", "reward_note": "x"}
    )
    assert refused.status_code == 422 and "不属实" in refused.json()["error"]["message"]
    assert client.post(f"/api/tips/{tip_id}/close", headers=people["handler"], json={}).json()["state"] == "closed"


def test_tip_scope_and_bad_input(client: TestClient, people: dict[str, Any]) -> None:
    tip_id = client.post("/api/tips", headers=people["handler"], json=TIP).json()["id"]
    assert client.get(f"/api/tips/{tip_id}", headers=people["hangjin"]).status_code == 404
    assert client.get("/api/tips", headers=people["hangjin"]).json()["items"] == []
    assert client.get("/api/tips", headers=people["expert"]).status_code == 403
    outside = client.post("/api/tips", headers=people["hangjin"], json=TIP)
    assert outside.status_code == 403
    unknown = client.post("/api/tips/public", json=TIP | {"division_code": "159999"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "division_code"
    short = client.post("/api/tips/public", json=TIP | {"description": "无"})
    assert short.status_code == 422
    assert client.get("/api/tips/public/0000000000000000").status_code == 404
    anonymous = client.post("/api/tips/public", json={k: TIP[k] for k in ("division_code", "subject", "description")})
    assert anonymous.status_code == 201
    listed = client.get("/api/tips", headers=people["handler"]).json()["items"]
    assert any(t["anonymous"] and t["reporter_name"] is None for t in listed)


def test_public_form_refuses_a_huge_body(client: TestClient, people: dict[str, Any]) -> None:
    huge = client.post(
        "/api/tips/public", content=b'{"x":"' + b"a" * 70_000 + b'"}', headers={"Content-Type": "application/json"}
    )
    assert huge.status_code == 413 and huge.json()["error"]["field"] == "body"
    broken = client.post("/api/tips/public", content=b"{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 422


def test_no_reward_where_no_rule_covers_the_division(
    client: TestClient, db_session: Session, people: dict[str, Any]
) -> None:
    baotou = factories.bearer(db_session, "kdl_duty", Role.COUNTY_OFFICER, "150203")  # 昆都仑区: no reward rule
    tip_id = client.post("/api/tips", headers=baotou, json=TIP | {"division_code": "150203"}).json()["id"]
    client.post(
        f"/api/tips/{tip_id}/verify", headers=baotou, json={"substantiated": True, "verification": "核查属实无企业"}
    )
    client.post(f"/api/tips/{tip_id}/answer", headers=baotou, json={"answer": "经核查属实，已处理。"})
    refused = client.post(
        f"/api/tips/{tip_id}/close", headers=baotou, json={"reward_yuan": "100", "reward_note": "奖励"}
    )
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "reward_yuan"
    assert client.post(f"/api/tips/{tip_id}/close", headers=baotou, json={}).json()["state"] == "closed"

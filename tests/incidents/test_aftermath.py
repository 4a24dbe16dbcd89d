"""后期处置 records (issue 26 item 2; 003#L6 §5): the loss account is verified after the response has ended (5.3
“气象灾害应急处置结束后,各级应急管理部门会同有关单位进行气象灾害情况调查及灾情核定工作”), relief and after-care are
recorded (5.4), and requisitioned property is returned or, destroyed or lost, compensated once (5.5 “及时归还因救灾
需要临时征用的房屋、运输工具、通信设备等”)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.incidents.test_weather_response import PLAN, issued_rainstorm, weather_people
from yingji.audit.models import AuditEntry
from yingji.incidents.models import Aftermath

pytestmark = pytest.mark.db


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    return weather_people(db_session)


VERIFIED = {
    "kind": "verification",
    "body": "鄂尔多斯市应急管理局会同有关单位",
    "affected_people": 1200,
    "relocated_people": 86,
    "houses_damaged": 14,
    "crop_hectares": "320.5",
    "direct_loss_10k_yuan": "412.30",
}
RELIEF = {
    "kind": "relief",
    "body": "杭锦旗人民政府",
    "category": "living",
    "content": "发放棉被、食品和饮用水",
    "beneficiaries": 86,
    "amount_yuan": "25800",
    "on": "2026-11-23",
}
TRUCK = {
    "kind": "requisition",
    "body": "杭锦旗人民政府",
    "item": "运输车辆 2 台",
    "owner": "杭锦旗某运输公司",
    "on": "2026-11-23",
}


def responding(client: TestClient, people: dict[str, dict[str, str]]) -> tuple[str, int]:
    warning = issued_rainstorm(client, people)
    incident = client.post(f"/api/incidents/from-warning/{warning}", headers=people["duty"]).json()["id"]
    base = f"/api/incidents/{incident}"
    started = client.post(f"{base}/responses", json={"plan_id": PLAN, "level": 3}, headers=people["commander"])
    assert started.status_code == 201, started.text
    return base, int(started.json()["id"])


def end(client: TestClient, people: dict[str, dict[str, str]], base: str, response: int) -> None:
    for condition in ("气象灾害得到有效处置", "经评估短期内灾害影响不再扩大或已减轻"):
        client.post(
            f"{base}/responses/{response}/end-conditions", json={"condition": condition}, headers=people["commander"]
        )
    ended = client.post(
        f"{base}/responses/{response}/end", json={"reason": "转入灾后救助"}, headers=people["commander"]
    )
    assert ended.status_code == 200, ended.text


def test_requisitions_and_relief_follow_the_start_and_the_loss_account_the_end(
    client: TestClient,
    people: dict[str, dict[str, str]],
    db_session: Session,
) -> None:
    base, response = responding(client, people)
    actions = client.get(base, headers=people["commander"]).json()["allowed_actions"]
    assert "record_aftermath" in actions and "verify_losses" not in actions
    early = client.post(f"{base}/aftermath", json=VERIFIED, headers=people["commander"])
    assert early.status_code == 409 and early.json()["error"]["subcode"] == "incident.aftermath.verification.before_end"
    truck = client.post(f"{base}/aftermath", json=TRUCK, headers=people["duty"])
    assert truck.status_code == 201, truck.text
    assert truck.json()["status"] == "held" and truck.json()["allowed_actions"] == ["settle"]
    section = client.get(f"/console/incidents/{base.rsplit('/', 1)[1]}", headers=people["duty"]).text
    assert "征用财产待归还 1 项" in section and "登记征用财产" in section and "记录核定结果" not in section
    relief = client.post(f"{base}/aftermath", json=RELIEF, headers=people["duty"])
    assert relief.status_code == 201 and "生活救助" in relief.json()["summary"] and "25800" in relief.json()["summary"]
    end(client, people, base, response)
    assert "verify_losses" in client.get(base, headers=people["commander"]).json()["allowed_actions"]
    verified = client.post(f"{base}/aftermath", json=VERIFIED, headers=people["duty"])
    assert verified.status_code == 201, verified.text
    lines = {line["label"]: line["text"] for line in verified.json()["lines"]}
    assert lines["直接经济损失"] == "412.30万元" and lines["紧急转移安置"] == "86人" and lines["死亡"] == "0人"
    listed = client.get(f"{base}/aftermath", headers=people["duty"]).json()
    assert listed["total"] == 3 and listed["items"][0]["kind"] == "requisition"  # the item still owed comes first
    truck_id = truck.json()["id"]
    settled = client.post(
        f"{base}/aftermath/{truck_id}/settle", json={"outcome": "returned", "on": "2026-11-23"}, headers=people["duty"]
    )
    assert settled.status_code == 200 and settled.json()["status_label"] == "已归还"
    assert settled.json()["allowed_actions"] == []
    twice = client.post(
        f"{base}/aftermath/{truck_id}/settle", json={"outcome": "returned", "on": "2026-11-23"}, headers=people["duty"]
    )
    assert twice.status_code == 409 and twice.json()["error"]["subcode"] == "incident.aftermath.settle.done"
    kinds = [
        e["kind"] for e in client.get(f"{base}/timeline", params={"limit": 500}, headers=people["duty"]).json()["items"]
    ]
    assert kinds.count("aftermath.recorded") == 3 and kinds.count("aftermath.settled") == 1
    audited = db_session.scalars(select(AuditEntry).where(AuditEntry.target_kind == "incident_aftermath")).all()
    assert [a.action for a in audited] == ["incident.aftermath.record"] * 3 + ["incident.aftermath.settle"]
    room = client.get(f"/console/incidents/{base.rsplit('/', 1)[1]}", headers=people["duty"]).text
    assert "直接经济损失：412.30万元" in room and "已归还" in room and "待归还" not in room


def test_a_destroyed_item_is_compensated_with_its_amount(
    client: TestClient,
    people: dict[str, dict[str, str]],
) -> None:
    base, _ = responding(client, people)
    truck = client.post(f"{base}/aftermath", json=TRUCK, headers=people["duty"]).json()["id"]
    url = f"{base}/aftermath/{truck}/settle"
    missing = client.post(url, json={"outcome": "compensated", "on": "2026-11-23"}, headers=people["duty"])
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "compensation_yuan"
    early = client.post(
        url, json={"outcome": "compensated", "on": "2026-11-22", "compensation_yuan": "1"}, headers=people["duty"]
    )
    assert early.status_code == 422 and early.json()["error"]["field"] == "on"
    paid = client.post(
        url, json={"outcome": "compensated", "on": "2026-11-23", "compensation_yuan": "68000"}, headers=people["duty"]
    )
    assert paid.status_code == 200 and paid.json()["status"] == "compensated"
    assert {"label": "毁损、灭失，已补偿", "text": "2026-11-23，补偿68000元"} in paid.json()["lines"]


@pytest.mark.parametrize(
    ("who", "body", "status", "subcode"),
    [
        ("met", TRUCK, 403, "incident.aftermath.role"),  # reads the room, does not command
        ("baotou", TRUCK, 404, None),  # another city's incident: as if it did not exist
        ("duty", {**TRUCK, "on": "2099-01-01"}, 422, "incident.aftermath.date.future"),
        ("duty", {**TRUCK, "on": "2020-01-01"}, 422, "incident.aftermath.date.early"),
        ("duty", {**TRUCK, "kind": "payment"}, 422, None),
        ("duty", {**RELIEF, "amount_yuan": "-1"}, 422, None),
        ("duty", {**RELIEF, "category": "unknown"}, 422, None),
        ("duty", {**VERIFIED, "deaths": -1}, 422, None),
        ("duty", {k: v for k, v in TRUCK.items() if k != "owner"}, 422, None),
    ],
)
def test_refusals_leave_nothing_behind(
    client: TestClient,
    people: dict[str, dict[str, str]],
    db_session: Session,
    who: str,
    body: dict[str, Any],
    status: int,
    subcode: str | None,
) -> None:
    base, _ = responding(client, people)
    answer = client.post(f"{base}/aftermath", json=body, headers=people[who])
    assert answer.status_code == status, answer.text
    if subcode is not None:
        assert answer.json()["error"]["subcode"] == subcode
    assert db_session.scalars(select(Aftermath)).all() == []


def test_nothing_is_recorded_before_a_response(
    client: TestClient,
    people: dict[str, dict[str, str]],
) -> None:
    warning = issued_rainstorm(client, people)
    incident = client.post(f"/api/incidents/from-warning/{warning}", headers=people["duty"]).json()["id"]
    refused = client.post(f"/api/incidents/{incident}/aftermath", json=TRUCK, headers=people["duty"])
    assert refused.status_code == 409 and refused.json()["error"]["subcode"] == "incident.aftermath.no_response"
    unknown = client.post(
        f"/api/incidents/{incident}/aftermath/999999/settle",
        json={"outcome": "returned", "on": "2026-11-23"},
        headers=people["duty"],
    )
    assert unknown.status_code == 404


def test_only_a_requisition_is_settled(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    base, _ = responding(client, people)
    relief = client.post(f"{base}/aftermath", json=RELIEF, headers=people["duty"]).json()["id"]
    refused = client.post(
        f"{base}/aftermath/{relief}/settle", json={"outcome": "returned", "on": "2026-11-23"}, headers=people["duty"]
    )
    assert refused.status_code == 409 and refused.json()["error"]["subcode"] == "incident.aftermath.settle.kind"
    truck = client.post(f"{base}/aftermath", json=TRUCK, headers=people["duty"]).json()["id"]
    met = client.post(
        f"{base}/aftermath/{truck}/settle", json={"outcome": "returned", "on": "2026-11-23"}, headers=people["met"]
    )
    assert met.status_code == 403 and met.json()["error"]["subcode"] == "incident.aftermath.role"
    paid_back = client.post(
        f"{base}/aftermath/{truck}/settle",
        json={"outcome": "returned", "on": "2026-11-23", "compensation_yuan": "10"},
        headers=people["duty"],
    )
    assert paid_back.status_code == 422 and paid_back.json()["error"]["field"] == "compensation_yuan"

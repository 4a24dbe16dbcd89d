"""The incident API over HTTP on both engines: a full flow, and every refusal with its status and code."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories.incidents import T0, initial, jiuyuan_people
from yingji.plans.loader import all_plans

pytestmark = pytest.mark.db


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    return jiuyuan_people(db_session)


RECEIPT = {"received_at": T0.isoformat(), "received_by": "王值班"}


def body(**changes: Any) -> dict[str, Any]:
    report = initial(mine="甲矿一号井", lon=109.9, lat=40.6, **changes)
    return report.model_dump(mode="json")


def test_full_flow(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    created = client.post("/api/incidents", json=body(), headers=people["county"])
    assert created.status_code == 201, created.text
    incident = created.json()
    assert incident["assessments"][0]["grade"] == 3
    repeated = client.post("/api/incidents", json=body(), headers=people["county"])
    assert repeated.status_code == 200 and repeated.json()["id"] == incident["id"]
    base = f"/api/incidents/{incident['id']}"

    phone = next(o for o in incident["obligations"] if o["to"] == "国家矿山安全监察局内蒙古局")
    acked = client.post(f"{base}/obligations/{phone['id']}/ack", json=RECEIPT, headers=people["county"])
    assert acked.status_code == 200 and acked.json()["late"] is False
    # the state bureau has no account here: the mine's county registers it, recorded as such (000#L520)
    assert acked.json()["acknowledged_as"] == "sender_superior" and acked.json()["received_by"] == "王值班"

    offered = client.get(f"{base}/dispatch/suggestions", headers=people["city"]).json()
    suggestions = offered["items"]
    assert suggestions[0]["name"] == "九原矿山救护队" and suggestions[0]["is_contracted"]
    assert offered["total"] >= len(suggestions) and suggestions[0]["kind_label"] == "救援队伍"
    assert suggestions[0]["subtype_label"] == "矿山救护" and suggestions[0]["allowed_actions"] == ["dispatch"]
    dispatched = client.post(
        f"{base}/dispatches",
        json={"resource_kind": "rescue_team", "resource_id": suggestions[0]["id"]},
        headers=people["city"],
    )
    assert dispatched.status_code == 201
    sent = dispatched.json()
    assert sent["resource_name"] == "九原矿山救护队" and sent["resource_kind_label"] == "救援队伍"

    started = client.post(
        f"{base}/responses", json={"plan_id": "baotou-noncoal-2025", "level": 3}, headers=people["city"]
    )
    assert started.status_code == 201, started.text
    response_id = started.json()["id"]
    listed = client.get(f"{base}/tasks", params={"limit": 500}, headers=people["city"]).json()
    tasks = listed["items"]
    assert tasks and listed["total"] == len(tasks)
    assert all(t["allowed_actions"] == ["update"] and t["status_label"] == "待办" for t in tasks)
    patched = client.patch(
        f"{base}/tasks/{tasks[0]['id']}", json={"status": "done", "notes": "已落实"}, headers=people["city"]
    )
    assert patched.json()["status"] == "done" and patched.json()["status_label"] == "已完成"
    assert patched.json()["notes"] == "已落实"
    assert (
        client.post(
            f"{base}/rescuers", json={"count": 12, "zone": "井下-120米水平"}, headers=people["city"]
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"{base}/handover",
            json={"from_body": "事故发生单位", "to_body": "包头市现场指挥部"},
            headers=people["city"],
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"{base}/releases",
            json={"plan_id": "baotou-noncoal-2025", "text": "事故情况通报"},
            headers=people["commander"],
        ).status_code
        == 201
    )

    for condition in all_plans()["baotou-noncoal-2025"].end_conditions.all_of:
        confirmed = client.post(
            f"{base}/responses/{response_id}/end-conditions", json={"condition": condition}, headers=people["city"]
        )
        assert confirmed.status_code == 201
    refused = client.post(f"{base}/responses/{response_id}/end", headers=people["city"])
    assert refused.status_code == 409 and refused.json()["error"]["subcode"] == "incident.end.open_items"
    assert any("任务未完成" in d["problem"] for d in refused.json()["error"]["details"])  # open tasks: a reason
    ended = client.post(
        f"{base}/responses/{response_id}/end",
        json={"reason": "险情已消除，余下任务转入后期处置"},
        headers=people["city"],
    )
    assert ended.status_code == 200, ended.text
    assert ended.json()["id"] == response_id and ended.json()["ended_by"] and ended.json()["allowed_actions"] == []

    timeline = client.get(f"{base}/timeline", params={"limit": 500}, headers=people["city"]).json()
    events = timeline["items"]
    assert timeline["total"] == len(events)
    kinds = [e["kind"] for e in events]
    for kind in (
        "report.initial",
        "assessment",
        "dispatch",
        "response.started",
        "tasks.opened",
        "rescuers.in_zone",
        "command.handover",
        "release",
        "response.ended",
        "post_event.opened",
    ):
        assert kind in kinds
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    record = client.get(f"{base}/record", headers=people["city"])
    assert record.status_code == 200 and "生产安全事故应急处置记录" in record.text and "<table>" in record.text
    assert "死亡（人）" in record.text and "deaths" not in record.text
    detail = client.get(base, headers=people["city"]).json()
    evaluation = next(o for o in detail["obligations"] if o["kind"] == "evaluation_report")
    assert evaluation["due_at"] is not None  # 30 days after the end (000#L616)


REFUSALS = [
    ("other", "GET", "", None, 404, "not_found"),
    ("expert", "POST", "/responses", {"plan_id": "baotou-noncoal-2025", "level": 3}, 403, "forbidden"),
    ("county", "POST", "/responses", {"plan_id": "baotou-noncoal-2025", "level": 3}, 403, "forbidden"),
    ("city", "POST", "/responses", {"plan_id": "dongsheng-2024", "level": 4}, 422, "invalid_input"),
    ("city", "POST", "/responses", {"plan_id": "baotou-noncoal-2025", "level": 2}, 403, "forbidden"),
    ("commander", "POST", "/responses", {"plan_id": "baotou-noncoal-2025", "level": 2}, 422, "invalid_input"),
    ("expert", "POST", "/rescuers", {"count": 3, "zone": "井下"}, 403, "forbidden"),
    ("county", "POST", "/releases", {"plan_id": "baotou-noncoal-2025", "text": "通报内容"}, 403, "forbidden"),
    ("other", "POST", "/releases", {"plan_id": "baotou-noncoal-2025", "text": "通报内容"}, 404, "not_found"),
    ("county", "PUT", "/plans", {"plan_ids": ["ordos-weather-2024"], "reason": "测试理由"}, 422, "invalid_input"),
    ("county", "POST", "/obligations/999999/ack", RECEIPT, 404, "not_found"),
    ("county", "POST", "/obligations/999999/ack", {}, 422, "invalid_input"),
    ("county", "POST", "/reports", {"client_key": "report-0009", "deaths": -1}, 422, "invalid_input"),
    ("county", "POST", "/reports", {"client_key": "report-0009", "kind": "initial"}, 422, "invalid_input"),
]


@pytest.mark.parametrize(
    ("who", "method", "path", "payload", "status", "code"),
    REFUSALS,
    ids=[f"{r[0]} {r[1]} {r[2] or '/'} {r[4]}" for r in REFUSALS],
)
def test_refusals(
    client: TestClient,
    people: dict[str, dict[str, str]],
    who: str,
    method: str,
    path: str,
    payload: Any,
    status: int,
    code: str,
) -> None:
    incident = client.post("/api/incidents", json=body(), headers=people["county"]).json()
    response = client.request(method, f"/api/incidents/{incident['id']}{path}", json=payload, headers=people[who])
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])


def test_out_of_scope_report_is_refused(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    response = client.post("/api/incidents", json=body(client_key="report-x-1"), headers=people["other"])
    assert response.status_code == 403
    assert client.get("/api/incidents", headers=people["other"]).json()["items"] == []


def test_counts_not_given_stay_unknown_and_the_assessment_is_provisional(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    """An 初报 that does not know how many are missing or trapped stores no number (never a confident 0)."""
    report = body(client_key="report-unknown", trapped=None)
    report = {k: v for k, v in report.items() if k not in {"missing", "trapped", "endangered"}}
    created = client.post("/api/incidents", json=report, headers=people["county"])
    assert created.status_code == 201, created.text
    facts = created.json()["facts"]
    assert (facts["missing"], facts["trapped"], facts["endangered"]) == (None, None, None)
    assert all(a["provisional"] for a in created.json()["assessments"])


def test_the_form_learns_what_the_plans_demand_in_an_initial_report(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    url = "/api/incidents/initial-requirements"
    answer = client.get(url, params={"division_code": "150207", "sector": "non_coal_mine"}, headers=people["county"])
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["plans"] and found["fields"]
    by_content = {f["content"]: f for f in found["fields"]}
    assert "measures" in by_content and by_content["measures"]["inputs"] == ["measures"]
    assert all(any("：" in words for words in f["demanded_by"]) for f in found["fields"])
    for params, status in [
        ({"division_code": "15x", "sector": "non_coal_mine"}, 422),
        ({"division_code": "150207", "sector": "nuclear"}, 422),
        ({"division_code": "150207"}, 422),
    ]:
        assert client.get(url, params=params, headers=people["county"]).status_code == status
    assert client.get(url, params={"division_code": "150207", "sector": "coal_mine"}).status_code == 401

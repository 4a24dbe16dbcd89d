"""A meteorological disaster on the incident command (issue 26 item 2, seed 003 line 6 = the Ordos weather plan):
an issued rainstorm warning is taken into emergency handling; only the body the plan names (市防灾减灾救灾委员会, for
which the city's commanders act: 4.3 “报市防灾减灾救灾委员会研究决定是否启动应急响应”) starts the Ⅲ response; the member
units' duties become tasks; lowering and lifting are reasoned and each opens the 24-hour report to 市委、市人民政府相关
部门和自治区气象局 (4.8 “并在24小时内向市委、市人民政府相关部门和自治区气象局报告”)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock
from yingji.incidents.clocks import check_clocks

pytestmark = pytest.mark.db
PLAN = "ordos-weather-2024"


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    return weather_people(db_session)


def weather_people(db_session: Session) -> dict[str, dict[str, str]]:
    """The met office, the city's duty officer and commander, a banner's officer and another city's commander."""
    return {
        "met": factories.bearer(db_session, "ordos_met", Role.MET_OFFICER, "150600"),
        "duty": factories.bearer(db_session, "ordos_duty", Role.CITY_OFFICER, "150600"),
        "commander": factories.bearer(db_session, "ordos_commander", Role.HQ_COMMANDER, "150600"),
        "county": factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625"),
        "baotou": factories.bearer(db_session, "baotou_commander", Role.HQ_COMMANDER, "150200"),
    }


def issued_rainstorm(client: TestClient, people: dict[str, dict[str, str]], status: str = "issued") -> int:
    draft: dict[str, Any] = {
        "kind": "meteorological",
        "plan_id": PLAN,
        "level": 3,
        "hazard": "rainstorm",
        "category": "暴雨",
        "title": "鄂尔多斯市暴雨黄色预警",
        "division_codes": ["150600"],
        "fields": {"起始时间": "2026-11-23 11:00", "可能影响范围": "全市", "预警时效": "24小时"},
    }
    made = client.post("/api/warnings", json=draft, headers=people["met"])
    assert made.status_code == 201, made.text
    if status == "issued":
        issued = client.post(f"/api/warnings/{made.json()['id']}/issue", json={"fields": {}}, headers=people["met"])
        assert issued.status_code == 200, issued.text
    return int(made.json()["id"])


def test_a_rainstorm_response_is_decided_worked_lowered_lifted_and_reported(
    client: TestClient, people: dict[str, dict[str, str]], db_session: Session
) -> None:
    warning = issued_rainstorm(client, people)
    offered = client.get(f"/api/warnings/{warning}", headers=people["duty"]).json()["allowed_actions"]
    assert (
        "take_in" in offered
        and "take_in" not in client.get(f"/api/warnings/{warning}", headers=people["met"]).json()["allowed_actions"]
    )
    assert "转入应急处置" in client.get(f"/console/warnings/{warning}", headers=people["duty"]).text
    opened = client.post(f"/api/incidents/from-warning/{warning}", headers=people["duty"])
    assert opened.status_code == 201, opened.text
    event = opened.json()
    assert event["sector_label"] == "气象灾害" and event["plan_ids"] == [PLAN]
    assert client.post(f"/api/incidents/from-warning/{warning}", headers=people["duty"]).status_code == 200  # once
    base = f"/api/incidents/{event['id']}"
    # the duty officer does not decide: the commission does, for which the city's commanders act (4.3)
    assert "start_response" not in event["allowed_actions"]
    refused = client.post(f"{base}/responses", json={"plan_id": PLAN, "level": 3}, headers=people["duty"])
    assert refused.status_code == 403
    # it asks the body that decides (no assessment here: the plan's deciding body, 4.3)
    asked = client.post(f"{base}/notify-decider", headers=people["duty"])
    assert asked.status_code == 200, asked.text
    summaries = [e["summary"] for e in client.get(f"{base}/timeline", headers=people["duty"]).json()["items"]]
    assert any("鄂尔多斯市防灾减灾救灾委员会" in s and "通知决定机关" in s for s in summaries)
    assert (
        "鄂尔多斯市防灾减灾救灾委员会" in client.get(f"/console/incidents/{event['id']}", headers=people["duty"]).text
    )
    room = client.get(base, headers=people["commander"]).json()
    assert room["startable_levels"] == {PLAN: [1, 2, 3, 4]}
    page = client.get(f"/console/incidents/{event['id']}", headers=people["commander"])
    assert page.status_code == 200 and "启动响应" in page.text
    started = client.post(f"{base}/responses", json={"plan_id": PLAN, "level": 3}, headers=people["commander"])
    assert started.status_code == 201, started.text
    response = started.json()["id"]
    tasks = client.get(f"{base}/tasks", params={"limit": 500}, headers=people["commander"]).json()["items"]
    assert tasks and any(t["source"] == "member_duty" for t in tasks)  # the member units' duties (4.4)
    for task in tasks[:3]:
        done = client.patch(f"{base}/tasks/{task['id']}", json={"status": "done"}, headers=people["commander"])
        assert done.status_code == 200
    # lowering needs a reason and opens the 24-hour report; lifting opens its own
    assert (
        client.post(f"{base}/responses/{response}/adjust", json={"level": 4}, headers=people["commander"]).status_code
        == 422
    )
    lowered = client.post(
        f"{base}/responses/{response}/adjust",
        json={"level": 4, "reason": "雨势减弱，影响不再扩大"},
        headers=people["commander"],
    )
    assert lowered.status_code == 200, lowered.text
    clocks = [
        o for o in client.get(base, headers=people["commander"]).json()["obligations"] if o["kind"] == "change_report"
    ]
    assert {o["to"] for o in clocks} == {
        "中共鄂尔多斯市委员会",
        "鄂尔多斯市人民政府相关部门",
        "内蒙古自治区气象局",
    }
    assert all(o["form_label"] == "降级后报告" and o["open"] and o["basis"][0]["seed"] == "003#L6" for o in clocks)
    due = clocks[0]["due_at"]
    for condition in ("气象灾害得到有效处置", "经评估短期内灾害影响不再扩大或已减轻"):
        confirmed = client.post(
            f"{base}/responses/{response}/end-conditions", json={"condition": condition}, headers=people["commander"]
        )
        assert confirmed.status_code in (200, 201), confirmed.text
    ended = client.post(
        f"{base}/responses/{response}/end", json={"reason": "其余任务转入灾后救助"}, headers=people["commander"]
    )
    assert ended.status_code == 200, ended.text
    after = client.get(base, headers=people["commander"]).json()["obligations"]
    assert (
        sorted(o["form_label"] for o in after if o["kind"] == "change_report")
        == ["解除后报告"] * 3 + ["降级后报告"] * 3
    )
    # the report is the HQ's, registered by the city when sent; unregistered past 24 h it is 迟报
    [first] = [o for o in after if o["kind"] == "change_report" and o["due_at"] == due][:1]
    assert first["record_as"] == "sender"
    flagged = check_clocks(db_session=db_session, clock=FixedClock(factories.CLOCK.now() + timedelta(hours=25)))
    assert flagged >= 6


def test_only_an_issued_weather_warning_in_scope_is_taken_in(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    draft = issued_rainstorm(client, people, status="draft")
    refused = client.post(f"/api/incidents/from-warning/{draft}", headers=people["duty"])
    assert refused.status_code == 409 and refused.json()["error"]["subcode"] == "incident.weather.open.state"
    warning = issued_rainstorm(client, people)
    assert client.post(f"/api/incidents/from-warning/{warning}", headers=people["met"]).status_code == 403
    assert client.post(f"/api/incidents/from-warning/{warning}", headers=people["baotou"]).status_code == 404
    assert client.post("/api/incidents/from-warning/999999", headers=people["duty"]).status_code == 404


def test_an_initial_report_is_not_the_way_in_for_weather(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    body = {
        "client_key": "weather-initial-1",
        "title": "暴雨灾害测试",
        "division_code": "150625",
        "sector": "weather",
        "accident_type": "暴雨",
        "place": "杭锦旗",
        "occurred_at": "2026-11-23T10:00:00+08:00",
        "source": "气象台",
        "course": "强降雨",
        "measures": "转移群众",
    }
    refused = client.post("/api/incidents", json=body, headers=people["county"])
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "sector"

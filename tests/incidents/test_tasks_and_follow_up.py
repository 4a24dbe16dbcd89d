"""The rest of the room's work (issue 22): a response's tasks reach their units (inbox of the unit's accounts, SMS
to its duty phone, the rest named), each task gets its assignee and due time and says when it is overdue, a task of
an ended response is no longer updated; while a response runs, the next 续报 is expected and reminded once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from tests.factories.incidents import initial, jiuyuan_people
from yingji.auth.roles import Role
from yingji.db.outbox import OutboxItem
from yingji.incidents import alerts, follow_up
from yingji.incidents.models import Incident

pytestmark = pytest.mark.db
PLAN = "baotou-noncoal-2025"
END_CONDITIONS = [
    "现场应急救援结束",
    "被困人员全部获救",
    "遇难人员全部找到或失踪人员无生还希望",
    "受伤人员得到及时救治",
    "受灾群众得到妥善安置",
    "现场生态环境符合相关要求",
    "导致发生次生、衍生事故隐患全部消除",
]  # 000#L590
UNIT = "包头市委宣传部"  # a member unit of the city plan (000#L… member_units), with a duty phone here


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, Any]:
    found: dict[str, Any] = jiuyuan_people(db_session)
    unit = factories.save(
        db_session, "organisations", name=UNIT, kind="department", division_code="150200", duty_phone="0472-7777777"
    )
    factories.user(db_session, "xuanchuan", Role.ENTERPRISE_REPORTER, organisation_id=unit.id)
    found["unit"] = {"Authorization": f"Bearer {factories.token_for(db_session, 'xuanchuan')}"}
    return found


def started(client: TestClient, people: dict[str, Any]) -> tuple[str, int]:
    body = initial(mine="甲矿一号井", lon=109.9, lat=40.6).model_dump(mode="json")
    incident = client.post("/api/incidents", json=body, headers=people["county"])
    assert incident.status_code == 201, incident.text
    base = f"/api/incidents/{incident.json()['id']}"
    response = client.post(f"{base}/responses", json={"plan_id": PLAN, "level": 3}, headers=people["city"])
    assert response.status_code == 201, response.text
    return base, int(response.json()["id"])


def test_a_units_tasks_reach_it_by_inbox_and_sms_and_the_unreached_are_named(
    client: TestClient, people: dict[str, Any], db_session: Session
) -> None:
    base, _ = started(client, people)
    notices = client.get("/api/inbox", headers=people["unit"]).json()["items"]
    [notice] = [n for n in notices if n["kind"] == "task"]
    assert (
        UNIT in notice["body"] and "协调新闻报道" in notice["body"] and notice["url"].startswith("/console/incidents/")
    )
    sms = db_session.scalars(select(OutboxItem).where(OutboxItem.topic == "incident.tasks")).all()
    assert [(s.recipient, s.payload["to"]) for s in sms] == [("0472-7777777", UNIT)]
    assert "【应急任务】" in sms[0].payload["sms_text"]
    summaries = [e["summary"] for e in client.get(f"{base}/timeline", headers=people["city"]).json()["items"]]
    assert any(UNIT in s and "任务已通知" in s for s in summaries)
    assert any("包头市人民政府办公室" in s and "未能自动通知" in s for s in summaries)  # registered nowhere: named
    assert [n for n in client.get("/api/inbox", headers=people["other"]).json()["items"] if n["kind"] == "task"] == []


def test_a_task_gets_an_assignee_and_a_due_time_and_says_when_it_is_overdue(
    client: TestClient, people: dict[str, Any]
) -> None:
    base, _ = started(client, people)
    task = client.get(f"{base}/tasks", headers=people["city"]).json()["items"][0]
    assert task["assignee"] is None and task["due_at"] is None and task["overdue"] is False
    url = f"{base}/tasks/{task['id']}"
    past = "2020-01-01T08:00:00+08:00"
    patched = client.patch(url, json={"assignee": "张三 13900000000", "due_at": past}, headers=people["city"])
    assert patched.status_code == 200, patched.text
    assert patched.json()["assignee"] == "张三 13900000000" and patched.json()["overdue"] is True
    assert client.patch(url, json={"status": "done"}, headers=people["city"]).json()["overdue"] is False
    kept = client.patch(url, json={"notes": "已落实"}, headers=people["city"]).json()
    assert kept["assignee"] == "张三 13900000000"  # fields not sent stay
    cleared = client.patch(url, json={"assignee": None, "due_at": None}, headers=people["city"]).json()
    assert cleared["assignee"] is None and cleared["due_at"] is None
    for bad in ({"assignee": "张"}, {"due_at": "2026-12-07T08:00:00"}, {"assignee": "x" * 121}):
        refused = client.patch(url, json=bad, headers=people["city"])
        assert refused.status_code == 422, bad
    assert client.patch(url, json={"assignee": "李四"}, headers=people["expert"]).status_code == 403


def test_a_task_of_an_ended_response_is_not_updated(client: TestClient, people: dict[str, Any]) -> None:
    base, response_id = started(client, people)
    task = client.get(f"{base}/tasks", headers=people["city"]).json()["items"][0]
    for condition in END_CONDITIONS:
        confirmed = client.post(
            f"{base}/responses/{response_id}/end-conditions", json={"condition": condition}, headers=people["city"]
        )
        assert confirmed.status_code in (200, 201), confirmed.text
    ended = client.post(f"{base}/responses/{response_id}/end", json={"reason": "测试结束"}, headers=people["city"])
    assert ended.status_code == 200, ended.text
    listed = client.get(f"{base}/tasks", headers=people["city"]).json()["items"]
    assert all(t["allowed_actions"] == [] for t in listed)  # the read says so …
    refused = client.patch(f"{base}/tasks/{task['id']}", json={"status": "done"}, headers=people["city"])
    assert refused.status_code == 409  # … and the write agrees
    assert refused.json()["error"]["subcode"] == "incident.task.response_ended"


def test_the_next_follow_up_report_is_expected_and_reminded_once(
    client: TestClient, people: dict[str, Any], db_session: Session
) -> None:
    base, _ = started(client, people)
    room = client.get(base, headers=people["city"]).json()
    expected = room["follow_up"]
    assert expected is not None and "人员伤亡" in expected["contents"]  # the plan's 续报 content (000#L526)
    assert "平台默认" in expected["note"] and expected["basis"]
    incident = db_session.get_one(Incident, room["id"])
    due = follow_up.due(db_session, incident)
    assert due is not None and due.due_at - due.last_report_at == follow_up.FOLLOW_UP_EVERY
    assert alerts.remind_follow_ups(db_session, due.due_at - timedelta(hours=1)) == 0  # not yet
    near = due.due_at - timedelta(minutes=5)
    assert alerts.remind_follow_ups(db_session, near) == 1
    assert alerts.remind_follow_ups(db_session, near) == 0  # already told: not counted again
    reminders = [n for n in client.get("/api/inbox", headers=people["county"]).json()["items"] if "续报" in n["title"]]
    assert len(reminders) == 1 and "请在" in reminders[0]["body"]  # once per gap
    sent = client.post(
        f"{base}/reports",
        json={"kind": "follow_up", "client_key": "follow-up-1", "content": {"进展情况": "搜救中"}},
        headers=people["county"],
    )
    assert sent.status_code in (200, 201), sent.text
    db_session.expire_all()
    later = follow_up.due(db_session, incident)
    assert later is not None and later.last_report_id != due.last_report_id  # a 续报 restarts the interval
    assert alerts.remind_follow_ups(db_session, later.due_at - timedelta(hours=1)) == 0


def test_no_follow_up_is_expected_before_a_response(client: TestClient, people: dict[str, Any]) -> None:
    body = initial(mine="甲矿一号井", lon=109.9, lat=40.6).model_dump(mode="json")
    incident = client.post("/api/incidents", json=body, headers=people["county"]).json()
    assert client.get(f"/api/incidents/{incident['id']}", headers=people["county"]).json()["follow_up"] is None

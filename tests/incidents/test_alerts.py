"""Telling people (issue 22): an 初报 reaches the inbox of every officer over the place and, by SMS through the
outbox, every body on the reporting chain and each deciding body with a registered duty phone; the others are named
as not reached; clocks remind before they run out and say when they have; the inbox is the account's own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from tests.factories.incidents import T0, initial, jiuyuan_people
from yingji.core.clock import FixedClock
from yingji.db.outbox import OutboxItem
from yingji.incidents import alerts
from yingji.incidents.clocks import check_clocks
from yingji.incidents.models import Obligation

pytestmark = pytest.mark.db


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    found = jiuyuan_people(db_session)
    factories.save(
        db_session,
        "organisations",
        name="包头市应急管理局",
        kind="department",
        division_code="150200",
        duty_phone="0472-1234567",
    )
    return found


def report(client: TestClient, people: dict[str, dict[str, str]], **changes: Any) -> dict[str, Any]:
    body = initial(mine="甲矿一号井", lon=109.9, lat=40.6, **changes).model_dump(mode="json")
    created = client.post("/api/incidents", json=body, headers=people["county"])
    assert created.status_code == 201, created.text
    return dict(created.json())


def inbox(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    answer = client.get("/api/inbox", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_an_initial_report_reaches_the_officers_over_the_place(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    incident = report(client, people, missing=None)
    for who in ("county", "city", "commander"):
        found = inbox(client, people[who])
        [notice] = [n for n in found["items"] if n["kind"] == "incident"]
        assert notice["title"] == "新事故：某矿透水事故" and notice["url"] == f"/console/incidents/{incident['id']}"
        assert "失踪 不详" in notice["body"] and "死亡 1" in notice["body"]  # unknown is 不详, never 0
        assert found["unread"] >= 1
    assert inbox(client, people["other"])["items"] == []  # 东胜区 is not over 九原区


def test_the_reporting_chain_is_sent_an_sms_and_the_unreached_are_named(
    client: TestClient, people: dict[str, dict[str, str]], db_session: Session
) -> None:
    incident = report(client, people)
    sent = db_session.scalars(select(OutboxItem).where(OutboxItem.topic == "incident.reported")).all()
    assert [(i.channel, i.recipient, i.payload["to"]) for i in sent] == [("sms", "0472-1234567", "包头市应急管理局")]
    assert sent[0].payload["link"] == f"/console/incidents/{incident['id']}"
    assert "某矿透水事故" in sent[0].payload["sms_text"]
    timeline = client.get(f"/api/incidents/{incident['id']}/timeline", headers=people["county"]).json()["items"]
    kinds = {e["kind"]: e["summary"] for e in timeline}
    assert "包头市应急管理局" in kinds["notify.sent"]
    assert "未能自动通知" in kinds["notify.unreachable"]  # bodies with no registered duty phone are named


def test_a_clock_reminds_once_before_it_runs_out_and_says_when_it_has(
    client: TestClient, people: dict[str, dict[str, str]], db_session: Session
) -> None:
    incident = report(client, people)
    due = [
        o
        for o in db_session.scalars(select(Obligation).where(Obligation.incident_id == incident["id"]))
        if o.due_at is not None and o.kind.value == "report"
    ]
    first = min(due, key=lambda o: o.due_at or T0)
    assert first.due_at is not None
    early = FixedClock(first.due_at - timedelta(hours=2))
    assert alerts.remind_due(db_session, early) == 0  # not yet
    close = FixedClock(first.due_at - timedelta(minutes=1))
    assert alerts.remind_due(db_session, close) >= 1
    assert alerts.remind_due(db_session, close) == 0  # once
    reminders = [n for n in inbox(client, people["county"])["items"] if n["kind"] == "clock_due"]
    assert reminders and "须在" in reminders[0]["title"]
    late = FixedClock(first.due_at + timedelta(minutes=1))
    assert check_clocks(db_session=db_session, clock=late) >= 1
    overdue = [n for n in inbox(client, people["city"])["items"] if n["kind"] == "clock_overdue"]
    assert overdue and overdue[0]["title"].startswith("已超时")


def test_the_inbox_is_ones_own(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    report(client, people)
    mine = inbox(client, people["county"])
    notice = mine["items"][0]
    assert client.post(f"/api/inbox/{notice['id']}/read", headers=people["city"]).status_code == 404
    assert client.post(f"/api/inbox/{notice['id']}/read", headers=people["county"]).json() == {"marked": 1}
    assert client.post(f"/api/inbox/{notice['id']}/read", headers=people["county"]).json() == {"marked": 0}
    assert inbox(client, people["county"], unread=True)["items"] == []
    assert client.post("/api/inbox/read-all", headers=people["city"]).json()["marked"] >= 1
    assert inbox(client, people["city"])["unread"] == 0
    assert client.get("/api/inbox").status_code == 401
    assert client.post("/api/inbox/0/read", headers=people["county"]).status_code == 404  # no such row


def test_an_officer_who_may_not_start_notifies_the_deciding_body(
    client: TestClient, people: dict[str, dict[str, str]], db_session: Session
) -> None:
    """The county officer is not the deciding body of the city plan: 通知决定机关 instead of 启动响应."""
    incident = report(client, people)
    url = f"/api/incidents/{incident['id']}/notify-decider"
    room = client.get(f"/api/incidents/{incident['id']}", headers=people["county"]).json()
    assert "notify_decider" in room["allowed_actions"] and "start_response" not in room["allowed_actions"]
    done = client.post(url, headers=people["county"])
    assert done.status_code == 200, done.text
    assert done.json()["reached"] == ["包头市应急管理局"]
    sent = db_session.scalars(select(OutboxItem).where(OutboxItem.topic == "incident.decider")).all()
    assert [i.recipient for i in sent] == ["0472-1234567"] and "请研判启动响应" in sent[0].payload["sms_text"]
    timeline = client.get(f"/api/incidents/{incident['id']}/timeline", headers=people["county"]).json()["items"]
    assert any(e["kind"] == "notify.decider" for e in timeline)
    assert client.post(url, headers=people["expert"]).status_code == 403  # reads only
    assert client.post(url, headers=people["other"]).status_code == 404  # not in scope
    commander = client.get(f"/api/incidents/{incident['id']}", headers=people["commander"]).json()
    if "start_response" in commander["allowed_actions"]:  # the one who decides is told to start, not to ask
        refused = client.post(url, headers=people["commander"])
        assert refused.status_code == 409 and refused.json()["error"]["subcode"] == "incident.notify_decider.state"


def test_the_room_lists_open_clocks_first_and_names_the_statutory_limit(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    incident = report(client, people)
    clocks = client.get(f"/api/incidents/{incident['id']}", headers=people["county"]).json()["obligations"]
    flags = [c["open"] for c in clocks]
    assert flags == sorted(flags, reverse=True)  # every open one before any done one
    due = [c["due_at"] for c in clocks if c["open"] and c["due_at"]]
    assert due == sorted(due)
    notes = [c["timing_note"] for c in clocks if c["timing_note"]]
    assert all("立即" in n and "第" in n and "为限" in n for n in notes)

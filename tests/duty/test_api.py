"""值班 over HTTP: the roster says who is on duty now; the duty log only grows (a correction names the entry it
corrects); a handover carries the open items of its moment and is signed once by the named incoming officer; the
phone book searches the registry. Every refusal: 403 wrong party, 404 out of scope, 409 state, 422 bad data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests import factories
from tests.factories.incidents import initial, jiuyuan_people
from yingji.audit.models import AuditEntry
from yingji.auth.roles import Role
from yingji.duty.models import DutyLogEntry

pytestmark = pytest.mark.db

NOW = factories.CLOCK.now()
Headers = dict[str, str]


@pytest.fixture
def desk(client: TestClient, db_session: Session, divisions: int) -> dict[str, Any]:
    people: dict[str, Any] = dict(jiuyuan_people(db_session))
    people["colleague"] = factories.bearer(db_session, "jiuyuan_duty2", Role.COUNTY_OFFICER, "150207")
    bureau = factories.save(
        db_session,
        "organisations",
        name="包头市九原区应急管理局",
        kind="department",
        division_code="150207",
        duty_phone="0472-7150000",
        contact_person="李科长",
        contact_phone="13800000001",
    )
    other = factories.save(
        db_session, "organisations", name="杭锦旗应急管理局", kind="department", division_code="150625"
    )
    mine = factories.enterprise(db_session, "九原示例矿业有限公司", "150207", duty_phone="0472-7159999")
    factories.user(db_session, "jiuyuan_mine", Role.ENTERPRISE_REPORTER, organisation_id=mine.id)
    people["enterprise"] = {"Authorization": f"Bearer {factories.token_for(db_session, 'jiuyuan_mine')}"}
    people["hangjin"] = factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625")
    return {"people": people, "body": bureau.id, "other_body": other.id}


def _code(answer: Any) -> tuple[int, str | None]:
    return answer.status_code, answer.json()["error"].get("subcode")


def _shift(body: int, officer: str, start: timedelta, hours: int = 24) -> dict[str, Any]:
    return {
        "body_id": body,
        "starts_at": (NOW + start).isoformat(),
        "ends_at": (NOW + start + timedelta(hours=hours)).isoformat(),
        "officer": officer,
        "leader_name": "王副局长",
        "leader_phone": "13900000009",
    }


def test_the_roster_says_who_is_on_duty_now(client: TestClient, desk: dict[str, Any]) -> None:
    people, body = desk["people"], desk["body"]
    made = client.post(
        "/api/duty/shifts", json=_shift(body, "jiuyuan_duty", -timedelta(hours=2)), headers=people["county"]
    )
    assert made.status_code == 201, made.text
    assert made.json()["on_now"] is True and made.json()["body_name"] == "包头市九原区应急管理局"
    later = _shift(body, "jiuyuan_duty2", timedelta(hours=22))
    assert client.post("/api/duty/shifts", json=later, headers=people["commander"]).status_code == 403  # city HQ
    assert client.post("/api/duty/shifts", json=later, headers=people["colleague"]).status_code == 201

    seen = client.get(f"/api/duty/bodies/{body}", headers=people["city"]).json()  # the city reads the county's desk
    assert seen["on_duty"]["officer"] == "jiuyuan_duty" and seen["on_duty"]["leader_name"] == "王副局长"
    assert seen["next_shift"]["officer"] == "jiuyuan_duty2"
    assert seen["allowed_actions"] == []  # … but does not keep it
    own = client.get(f"/api/duty/bodies/{body}", headers=people["county"]).json()
    assert set(own["allowed_actions"]) == {"schedule", "write_log", "hand_over"}
    listed = client.get("/api/duty/shifts", params={"body": body, "limit": 1}, headers=people["county"]).json()
    assert listed["total"] == 2 and listed["items"][0]["officer"] == "jiuyuan_duty2"  # latest start first

    refusals = {
        "overlap": (_shift(body, "jiuyuan_duty", timedelta(hours=10)), people["county"]),
        "order": (_shift(body, "jiuyuan_duty", timedelta(hours=60), hours=-1), people["county"]),
        "length": (_shift(body, "jiuyuan_duty", timedelta(hours=60), hours=72), people["county"]),
        "officer": (_shift(body, "baotou_duty", timedelta(hours=60)), people["county"]),  # not this county's
        "not_keeper": (_shift(body, "jiuyuan_duty", timedelta(hours=60)), people["city"]),
    }
    expected = {"overlap": 409, "order": 422, "length": 422, "officer": 422, "not_keeper": 403}
    for reason, (data, headers) in refusals.items():
        answer = client.post("/api/duty/shifts", json=data, headers=headers)
        assert _code(answer) == (expected[reason], f"duty.shift.create.{reason}"), answer.text
    bad = client.post(
        "/api/duty/shifts", json=_shift(body, "Not A User!", timedelta(hours=60)), headers=people["county"]
    )
    assert bad.status_code == 422
    naive = _shift(body, "jiuyuan_duty", timedelta(hours=60)) | {"starts_at": "2026-11-25T08:00:00"}
    assert client.post("/api/duty/shifts", json=naive, headers=people["county"]).status_code == 422

    outside = client.post(
        "/api/duty/shifts", json=_shift(desk["other_body"], "jiuyuan_duty", timedelta()), headers=people["county"]
    )
    assert outside.status_code == 404
    assert client.get(f"/api/duty/bodies/{body}", headers=people["hangjin"]).status_code == 404
    assert client.get(f"/api/duty/shifts/{made.json()['id']}", headers=people["hangjin"]).status_code == 404
    assert _code(client.get("/api/duty/bodies", headers=people["enterprise"])) == (403, "duty.read.enterprise")
    keepers = client.get(f"/api/duty/bodies/{body}/keepers", headers=people["county"]).json()
    assert [k["username"] for k in keepers["items"]] == ["jiuyuan_duty", "jiuyuan_duty2"]


def test_the_duty_log_only_grows(client: TestClient, db_session: Session, desk: dict[str, Any]) -> None:
    people, body = desk["people"], desk["body"]
    call = {
        "body_id": body,
        "kind": "call",
        "text": "九原示例矿业来电：井下一采区涌水量增大",
        "caller": "九原示例矿业调度室",
        "caller_phone": "0472-7159999",
        "occurred_at": (NOW - timedelta(minutes=10)).isoformat(),
    }
    first = client.post("/api/duty/log", json=call, headers=people["county"])
    assert first.status_code == 201, first.text
    entry = first.json()
    assert entry["kind_label"] == "接报来电" and entry["officer"] == "jiuyuan_duty"
    assert entry["allowed_actions"] == ["correct"]
    fix = {"body_id": body, "kind": "note", "text": "更正：来电为二采区", "corrects_id": entry["id"]}
    assert client.post("/api/duty/log", json=fix, headers=people["colleague"]).status_code == 201
    listed = client.get("/api/duty/log", params={"body": body}, headers=people["city"]).json()
    assert listed["total"] == 2
    original = next(e for e in listed["items"] if e["id"] == entry["id"])
    assert original["text"] == call["text"] and len(original["corrected_by"]) == 1  # kept as written
    assert original["allowed_actions"] == []  # the city reads, never writes the county's log

    with pytest.raises(DBAPIError), db_session.begin_nested():  # append-only in the database too
        db_session.execute(update(DutyLogEntry).where(DutyLogEntry.id == entry["id"]).values(text="改写"))

    elsewhere = client.post(
        "/api/duty/log", json={"body_id": desk["other_body"], "kind": "note", "text": "x"}, headers=people["hangjin"]
    )
    assert elsewhere.status_code == 201
    cross = {"body_id": body, "kind": "note", "text": "更正", "corrects_id": elsewhere.json()["id"]}
    assert _code(client.post("/api/duty/log", json=cross, headers=people["county"])) == (
        422,
        "duty.log.create.corrects",
    )
    future = {"body_id": body, "kind": "note", "text": "x", "occurred_at": (NOW + timedelta(hours=1)).isoformat()}
    assert _code(client.post("/api/duty/log", json=future, headers=people["county"])) == (422, "duty.log.create.future")
    old = {"body_id": body, "kind": "note", "text": "x", "occurred_at": (NOW - timedelta(days=8)).isoformat()}
    assert _code(client.post("/api/duty/log", json=old, headers=people["county"])) == (422, "duty.log.create.too_old")
    assert (
        client.post(
            "/api/duty/log", json={"body_id": body, "kind": "gossip", "text": "x"}, headers=people["county"]
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/duty/log", json={"body_id": body, "kind": "note", "text": ""}, headers=people["county"]
        ).status_code
        == 422
    )
    refused = client.post(
        "/api/duty/log", json={"body_id": body, "kind": "note", "text": "x"}, headers=people["expert"]
    )
    assert _code(refused) == (403, "duty.log.create.not_keeper")
    assert client.get(f"/api/duty/log/{entry['id']}", headers=people["hangjin"]).status_code == 404
    assert client.get("/api/duty/log", headers=people["hangjin"]).json()["total"] == 1  # its own entry only
    assert client.get("/api/duty/log", params={"limit": 0}, headers=people["county"]).status_code == 422


def test_a_handover_carries_the_open_items_and_is_signed_once(
    client: TestClient, db_session: Session, desk: dict[str, Any]
) -> None:
    people, body = desk["people"], desk["body"]
    report = initial(mine="甲矿一号井", lon=109.9, lat=40.6).model_dump(mode="json")
    incident = client.post("/api/incidents", json=report, headers=people["county"])
    assert incident.status_code == 201, incident.text
    now_open = client.get(f"/api/duty/bodies/{body}/open-items", headers=people["county"]).json()
    assert now_open["incidents"] == 1 and now_open["clocks"] >= 1 and now_open["alarms"] == 0
    clock_rows = [i for i in now_open["items"] if i["kind"] == "clock"]
    assert clock_rows and all(i["link"] == f"/console/incidents/{incident.json()['id']}" for i in clock_rows)

    hand = {"body_id": body, "to_officer": "jiuyuan_duty2", "note": "透水事故续报待跟进"}
    made = client.post("/api/duty/handovers", json=hand, headers=people["county"])
    assert made.status_code == 201, made.text
    record = made.json()
    assert record["state"] == "pending" and record["items"]["clocks"] == now_open["clocks"]
    assert record["items"]["incidents"] == 1 and record["to_officer_name"] == "jiuyuan_duty2"
    assert record["allowed_actions"] == ["withdraw"]
    assert _code(client.post("/api/duty/handovers", json=hand, headers=people["county"])) == (
        409,
        "duty.handover.create.pending",
    )
    seen = client.get(f"/api/duty/handovers/{record['id']}", headers=people["colleague"]).json()
    assert seen["allowed_actions"] == ["accept"]
    url = f"/api/duty/handovers/{record['id']}"
    assert _code(client.post(f"{url}/accept", json={}, headers=people["county"])) == (
        403,
        "duty.handover.accept.not_incoming",
    )
    assert _code(client.post(f"{url}/accept", json={}, headers=people["city"])) == (
        403,
        "duty.handover.accept.not_incoming",
    )
    assert _code(client.post(f"{url}/withdraw", headers=people["colleague"])) == (
        403,
        "duty.handover.withdraw.not_outgoing",
    )
    assert client.post(f"{url}/accept", json={}, headers=people["hangjin"]).status_code == 404
    assert client.post(f"{url}/accept", json={"note": "x" * 4001}, headers=people["colleague"]).status_code == 422
    signed = client.post(f"{url}/accept", json={"note": "已接班"}, headers=people["colleague"])
    assert signed.status_code == 200 and signed.json()["state"] == "accepted"
    assert signed.json()["accepted_at"] and signed.json()["handed_at"] and signed.json()["allowed_actions"] == []
    assert _code(client.post(f"{url}/accept", json={}, headers=people["colleague"])) == (
        409,
        "duty.handover.accept.state",
    )
    assert _code(client.post(f"{url}/withdraw", headers=people["county"])) == (409, "duty.handover.withdraw.state")

    for target, reason in (("jiuyuan_duty", "self"), ("baotou_duty", "officer"), ("nobody_here", "officer")):
        answer = client.post("/api/duty/handovers", json=hand | {"to_officer": target}, headers=people["county"])
        assert _code(answer) == (422, f"duty.handover.create.{reason}")
    assert _code(client.post("/api/duty/handovers", json=hand, headers=people["city"])) == (
        403,
        "duty.handover.create.not_keeper",
    )
    assert (
        client.post(
            "/api/duty/handovers", json=hand | {"body_id": desk["other_body"]}, headers=people["county"]
        ).status_code
        == 404
    )
    assert client.get("/api/duty/handovers", params={"state": "accepted"}, headers=people["city"]).json()["total"] == 1
    assert client.get("/api/duty/handovers", headers=people["hangjin"]).json()["total"] == 0
    actions = db_session.scalars(select(AuditEntry.action).where(AuditEntry.action.startswith("duty."))).all()
    assert {"duty.handover.create", "duty.handover.accept"} <= set(actions)


def test_the_phone_book_searches_the_registry(client: TestClient, desk: dict[str, Any]) -> None:
    people = desk["people"]
    found = client.get("/api/duty/contacts", params={"q": "九原"}, headers=people["county"]).json()
    names = [c["name"] for c in found["items"]]
    assert names == ["包头市九原区应急管理局", "九原示例矿业有限公司"]  # departments before enterprises
    assert found["items"][0]["duty_phone"] == "0472-7150000" and found["items"][0]["kind_label"] == "政府部门"
    by_phone = client.get("/api/duty/contacts", params={"q": "7159999"}, headers=people["county"]).json()
    assert [c["name"] for c in by_phone["items"]] == ["九原示例矿业有限公司"]
    page = client.get("/api/duty/contacts", params={"limit": 1, "offset": 1}, headers=people["county"]).json()
    assert page["total"] >= 2 and len(page["items"]) == 1
    assert all(
        c["division_code"].startswith("150625")
        for c in client.get("/api/duty/contacts", headers=people["hangjin"]).json()["items"]
    )
    assert client.get("/api/duty/contacts", params={"kind": "castle"}, headers=people["county"]).status_code == 422
    assert _code(client.get("/api/duty/contacts", headers=people["enterprise"])) == (403, "duty.read.enterprise")


def test_the_console_desk_shows_duty_log_items_and_phone_book(client: TestClient, desk: dict[str, Any]) -> None:
    people, body = desk["people"], desk["body"]
    shift = _shift(body, "jiuyuan_duty", -timedelta(hours=1))
    assert client.post("/api/duty/shifts", json=shift, headers=people["county"]).status_code == 201
    note = {"body_id": body, "kind": "call", "text": "矿调度来电报平安", "caller_phone": "0472-7159999"}
    assert client.post("/api/duty/log", json=note, headers=people["county"]).status_code == 201
    html = client.get("/console/duty", headers=people["county"]).text
    assert 'href="/console/duty"' in html  # the navigation offers the desk to a duty officer
    for part in ('id="on-duty"', 'id="open-items"', 'id="log-form"', 'id="handover-form"', 'id="contacts"'):
        assert part in html
    assert "王副局长" in html and 'href="tel:13900000009"' in html and 'href="tel:0472-7150000"' in html
    assert "矿调度来电报平安" in html and "jiuyuan_duty2" in html  # the incoming officer is a choice (its value)
    searched = client.get("/console/duty", params={"q": "示例矿业"}, headers=people["county"]).text
    assert "九原示例矿业有限公司" in searched and "包头市九原区应急管理局</td>" not in searched
    city = client.get("/console/duty", params={"body": body}, headers=people["city"]).text
    assert 'id="log-form"' not in city and 'id="handover-form"' not in city and "矿调度来电报平安" in city
    assert client.get("/console/duty", params={"body": body}, headers=people["hangjin"]).status_code == 404
    assert client.get("/console/duty", headers=people["enterprise"]).status_code == 403
    assert client.get("/console/duty", params={"q": "x" * 100}, headers=people["county"]).status_code == 200

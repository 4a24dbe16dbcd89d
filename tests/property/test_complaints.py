"""Complaints on both engines: the owner's form and follow-up (only their own, by number and code), routing by
remit to the community / street / county, officers acting only where the complaint is handled, overdue escalation
with a fake clock, confirmation, re-opening, automatic closing, a substantiated complaint in credit, monthly rates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from tests.property.conftest import People, Places
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock, to_local
from yingji.property import complaints, settings
from yingji.property.models import Complaint, ComplaintEvent, CreditEventRow
from yingji.rules import property as rules
from yingji.rules.calendar import WorkCalendar
from yingji.rules.property import Level

pytestmark = pytest.mark.db


def _file(
    client: TestClient, compound_id: int, category: str = "环境卫生", phone: str = "13800000001"
) -> dict[str, Any]:
    body = {"compound_id": compound_id, "category": category, "content": "楼道堆放杂物无人清理", "owner_phone": phone}
    response = client.post("/api/property/public/complaints", json=body)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


@pytest.mark.parametrize(
    ("place", "category", "level", "handler"),
    [
        ("jinxiu", "环境卫生", "community", "150602001002"),  # simple → 社区（东胜：就地解决）
        ("jinxiu", "电梯故障", "street", "150602001"),  # complex → 街道
        ("jinxiu", "消防安全", "county", "150602"),  # major → 上报区人民政府
        ("baoli", "环境卫生", "community", "150203012027"),  # 包头任务10：社区调简单
        ("baoli", "物业收费", "street", "150203012"),  # 街道调复杂
        ("baoli", "违章搭建", "county", "150203"),  # 旗县区调重大疑难
    ],
)
def test_public_complaint_is_routed_by_remit(
    client: TestClient, db_session: Session, places: Places, place: str, category: str, level: str, handler: str
) -> None:
    made = _file(client, places[place], category)
    row = db_session.scalar(select(Complaint).where(Complaint.number == made["number"]))
    assert row is not None and (row.level.value, row.handler_division) == (level, handler)
    assert made["state"] == "open" and "owner_phone" not in made and "id" not in made


def test_the_owner_sees_only_their_own_complaint(client: TestClient, places: Places) -> None:
    mine, theirs = _file(client, places["jinxiu"]), _file(client, places["jinxiu"], phone="13900000009")
    ok = client.post(f"/api/property/public/complaints/{mine['number']}/view", json={"code": mine["code"]})
    assert ok.status_code == 200 and ok.json()["number"] == mine["number"]
    wrong = client.post(f"/api/property/public/complaints/{theirs['number']}/view", json={"code": mine["code"]})
    unknown = client.post("/api/property/public/complaints/WY20260000000000/view", json={"code": mine["code"]})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"].replace(
        "WY20260000000000", theirs["number"]
    )
    act = client.post(
        f"/api/property/public/complaints/{theirs['number']}/action", json={"code": mine["code"], "action": "confirm"}
    )
    assert act.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "闲聊"}, "category"),
        ({"content": "短"}, "content"),
        ({"owner_phone": "call me"}, "owner_phone"),
        ({"compound_id": 999999}, "compound_id"),
    ],
)
def test_bad_public_complaints_are_refused(
    client: TestClient, db_session: Session, places: Places, body: dict[str, Any], field: str
) -> None:
    good = {
        "compound_id": places["jinxiu"],
        "category": "环境卫生",
        "content": "楼道堆放杂物无人清理",
        "owner_phone": "13800000001",
    }
    response = client.post("/api/property/public/complaints", json={**good, **body})
    assert response.status_code == 422
    assert field in response.text
    assert db_session.scalar(select(Complaint.id)) is None


def test_the_whole_loop_with_confirmation(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    made = _file(client, places["jinxiu"])
    complaint_id = db_session.scalar(select(Complaint.id).where(Complaint.number == made["number"]))
    url = f"/api/property/complaints/{complaint_id}"
    # the other street neither sees nor acts; the street above may read and act; the community handles it
    assert client.get(url, headers=people["other_street"]).status_code == 404
    assert client.post(f"{url}/respond", json={"note": "已联系业主"}, headers=people["other_street"]).status_code == 404
    seen = client.get(url, headers=people["community"]).json()
    assert seen["owner_phone"] == "13800000001" and seen["level_label"] == "社区"
    early = client.post(f"{url}/resolve", json={"answer": "已清理完毕"}, headers=people["community"])
    assert early.status_code == 409 and early.json()["error"]["subcode"] == "property.complaint.resolve.state"
    assert client.post(f"{url}/respond", json={"note": "已联系业主"}, headers=people["community"]).status_code == 200
    resolved = client.post(
        f"{url}/resolve", json={"answer": "杂物已清理，物业已整改", "substantiated": True}, headers=people["community"]
    )
    assert resolved.json()["state"] == "resolved"
    credit = db_session.scalars(
        select(CreditEventRow).where(CreditEventRow.source == f"complaint:{complaint_id}")
    ).all()
    assert [(c.input, c.points) for c in credit] == [("complaint_handling", -2)]
    action = f"/api/property/public/complaints/{made['number']}/action"
    confirmed = client.post(action, json={"code": made["code"], "action": "confirm"})
    assert confirmed.json()["state"] == "closed"
    closed = client.post(action, json={"code": made["code"], "action": "reopen", "reason": "又堆上了"})
    assert closed.status_code == 409 and closed.json()["error"]["subcode"] == "property.complaint.reopen.state"


def test_reopening_restarts_the_clocks(client: TestClient, db_session: Session, people: People, places: Places) -> None:
    made = _file(client, places["jinxiu"])
    row = db_session.scalar(select(Complaint).where(Complaint.number == made["number"]))
    assert row is not None
    url = f"/api/property/complaints/{row.id}"
    client.post(f"{url}/respond", json={"note": "已联系业主"}, headers=people["community"])
    client.post(f"{url}/resolve", json={"answer": "已处理完毕"}, headers=people["community"])
    action = f"/api/property/public/complaints/{made['number']}/action"
    assert client.post(action, json={"code": made["code"], "action": "reopen"}).status_code == 422  # no reason
    reopened = client.post(action, json={"code": made["code"], "action": "reopen", "reason": "并没有清理"})
    assert reopened.json()["state"] == "reopened"
    db_session.refresh(row)
    assert row.resolved_at is None and row.response_due > row.filed_at


def test_overdue_complaints_climb_one_level_at_a_time(client: TestClient, db_session: Session, places: Places) -> None:
    made = _file(client, places["jinxiu"])  # community, respond within 24 h
    row = db_session.scalar(select(Complaint).where(Complaint.number == made["number"]))
    assert row is not None
    start = factories.CLOCK.now()
    assert complaints.sweep(db_session=db_session, clock=FixedClock(start + timedelta(hours=24))) == []  # due, not late
    first = complaints.sweep(db_session=db_session, clock=FixedClock(start + timedelta(hours=24, seconds=1)))
    assert first == [(row.number, "escalated:street")] and row.handler_division == "150602001"
    later = start + timedelta(hours=49)
    assert complaints.sweep(db_session=db_session, clock=FixedClock(later)) == [(row.number, "escalated:county")]
    assert row.handler_division == "150602" and row.escalations == 2
    top = complaints.sweep(db_session=db_session, clock=FixedClock(later + timedelta(hours=49)))
    assert top == [(row.number, "overdue")] and row.overdue_since is not None
    assert complaints.sweep(db_session=db_session, clock=FixedClock(later + timedelta(hours=99))) == []  # flagged once
    kinds = db_session.scalars(
        select(ComplaintEvent.kind).where(ComplaintEvent.complaint_id == row.id).order_by(ComplaintEvent.id)
    )
    assert list(kinds) == ["filed", "escalated", "escalated", "overdue"]


def test_escalated_complaint_moves_out_of_the_community(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    made = _file(client, places["jinxiu"])
    row = db_session.scalar(select(Complaint).where(Complaint.number == made["number"]))
    assert row is not None
    complaints.sweep(db_session=db_session, clock=FixedClock(factories.CLOCK.now() + timedelta(days=2)))
    refused = client.post(
        f"/api/property/complaints/{row.id}/respond", json={"note": "已联系业主"}, headers=people["community"]
    )
    assert refused.status_code == 403 and "街道" in refused.json()["error"]["message"]
    assert (
        client.post(
            f"/api/property/complaints/{row.id}/respond", json={"note": "已联系业主"}, headers=people["street"]
        ).status_code
        == 200
    )
    mine = client.get("/api/property/complaints?mine=true", headers=people["street"]).json()["items"]
    assert [c["number"] for c in mine] == [row.number]


def test_unconfirmed_answers_close_after_the_window(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    made = _file(client, places["jinxiu"])
    row = db_session.scalar(select(Complaint).where(Complaint.number == made["number"]))
    assert row is not None
    client.post(f"/api/property/complaints/{row.id}/respond", json={"note": "已联系业主"}, headers=people["community"])
    client.post(
        f"/api/property/complaints/{row.id}/resolve", json={"answer": "已处理完毕"}, headers=people["community"]
    )
    assert complaints.sweep(db_session=db_session, clock=FixedClock(factories.CLOCK.now() + timedelta(days=7))) == []
    closed = complaints.sweep(
        db_session=db_session, clock=FixedClock(factories.CLOCK.now() + timedelta(days=7, seconds=1))
    )
    assert closed == [(row.number, "closed")]


def test_hotline_entry_and_reroute_to_a_department(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    body = {
        "compound_id": places["jinxiu"],
        "category": "其他",
        "content": "小区门口路灯损坏，属市政设施",
        "owner_phone": "13800000005",
        "remit": "functional_department",
    }
    made = client.post("/api/property/complaints", json=body, headers=people["street"])
    assert made.status_code == 201 and made.json()["level"] == "department"
    assert made.json()["dispatcher"] == "区政务服务局" and made.json()["channel"] == "hotline"
    url = f"/api/property/complaints/{made.json()['id']}/reroute"
    back = client.post(url, json={"remit": "simple", "reason": "核实为物业管理范围"}, headers=people["dongsheng"])
    assert back.json()["level"] == "community" and back.json()["dispatcher"] is None
    bad = client.post(url, json={"remit": "nonsense", "reason": "测试错误事权"}, headers=people["dongsheng"])
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "remit"


@pytest.mark.parametrize(
    ("accepted", "rate", "key"),
    [
        (0, 0.0, False),  # ten anonymous web complaints nobody took up: not a key compound (issue 21)
        (5, 2.5, False),
        (6, 3.0, True),  # 6 accepted over 200 households = 3 per 100: the key-compound threshold
        (10, 5.0, True),
    ],
)
def test_monthly_rates_and_key_compounds_count_accepted_complaints(
    client: TestClient, db_session: Session, people: People, places: Places, accepted: int, rate: float, key: bool
) -> None:
    numbers = [_file(client, places["jinxiu"], phone=f"138000001{n:02d}")["number"] for n in range(10)]
    for number in numbers[:accepted]:  # the community takes them up
        row = db_session.scalar(select(Complaint).where(Complaint.number == number))
        assert row is not None
        url = f"/api/property/complaints/{row.id}/respond"
        assert client.post(url, json={"note": "已联系业主"}, headers=people["community"]).status_code == 200
    hotline = {"compound_id": places["hangkong"], "category": "环境卫生", "content": "楼道堆放杂物无人清理"}
    entered = client.post(
        "/api/property/complaints", json=hotline | {"owner_phone": "13800000009"}, headers=people["street"]
    )
    assert entered.status_code == 201  # entered by an officer: accepted as it is filed
    report = client.get("/api/property/analysis/monthly?month=2026-11", headers=people["dongsheng"]).json()
    rows = {r["compound"]: r for r in report["compounds"]}
    assert (rows["锦秀苑"]["complaints"], rows["锦秀苑"]["unaccepted"]) == (accepted, 10 - accepted)
    assert (rows["锦秀苑"]["rate"], rows["锦秀苑"]["key"]) == (rate, key)
    assert (rows["航空家园"]["rate"], rows["航空家园"]["key"]) == (0.5, False)
    assert report["companies"][0]["complaints"] == accepted + 1
    assert report["companies"][0]["key_compounds"] == int(key)


def test_monthly_analysis_scope_export_and_month(client: TestClient, people: People, places: Places) -> None:
    _file(client, places["yucai"])
    street = client.get("/api/property/analysis/monthly?month=2026-11", headers=people["other_street"]).json()
    assert [(r["compound"], r["complaints"], r["unaccepted"]) for r in street["compounds"]] == [("育才小区", 0, 1)]
    sheet = client.get("/api/property/analysis/monthly.xlsx?month=2026-11", headers=people["dongsheng"])
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    assert client.get("/api/property/analysis/monthly?month=2026-13", headers=people["dongsheng"]).status_code == 422


def test_review_guards(client: TestClient, db_session: Session, people: People, places: Places) -> None:
    """Re-grading to the same level cannot restart the clocks; reopen cycles count once in credit; the owner's
    contact is for those who handle the complaint."""
    made = _file(client, places["jinxiu"])
    row = db_session.scalar(select(Complaint).where(Complaint.number == made["number"]))
    assert row is not None
    url = f"/api/property/complaints/{row.id}"
    same = client.post(
        f"{url}/reroute", json={"remit": "simple", "reason": "重新计时试试"}, headers=people["community"]
    )
    assert same.status_code == 422 and same.json()["error"]["field"] == "remit"
    other = factories.bearer(db_session, "ds_city", Role.CITY_OFFICER, "150600")
    assert client.get(url, headers=other).json()["owner_phone"] == complaints.MASK
    assert client.get(url, headers=people["community"]).json()["owner_phone"] == "13800000001"
    action = f"/api/property/public/complaints/{made['number']}/action"
    for _ in range(3):
        client.post(f"{url}/respond", json={"note": "已联系业主"}, headers=people["community"])
        client.post(f"{url}/resolve", json={"answer": "已处理完毕", "substantiated": True}, headers=people["community"])
        client.post(action, json={"code": made["code"], "action": "reopen", "reason": "仍未解决"})
    events = db_session.scalars(select(CreditEventRow).where(CreditEventRow.source == f"complaint:{row.id}")).all()
    assert len(events) == 1


def test_clocks_count_beijing_days() -> None:
    """Filed at 07:00 Beijing on Saturday 21 November (still Friday in UTC): three working days end on Wednesday."""
    calendar = WorkCalendar()
    start = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    _, completion = rules.deadlines(start, Level.COMMUNITY, settings.defaults().limits(), calendar)
    assert to_local(completion).date() == date(2026, 11, 25)

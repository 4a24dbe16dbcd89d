"""The hazard closed loop over HTTP: the three channels, grading by checklist, 五落实, 销号 by the supervisor only,
scope, attachments and the major-hazard notification."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from yingji.audit.models import AuditEntry
from yingji.auth.roles import Role
from yingji.config import Settings
from yingji.core import xlsx
from yingji.db.outbox import OutboxItem
from yingji.hazards import service
from yingji.hazards.models import Hazard

pytestmark = pytest.mark.db

COAL_MAJOR = {
    "channel": "self_check",
    "place": "3102综采工作面回风巷",
    "description": "回风巷甲烷传感器位置不符合规定，瓦斯超限后未停止作业",
    "category": "瓦斯",
    "criteria": ["coal-02"],
    "found_on": "2026-11-20",
}
FIVE = {
    "responsible": "王矿长",
    "measures": "调整传感器位置，完善瓦斯超限断电闭锁",
    "funds_yuan": "85000",
    "deadline": "2026-12-10",
    "contingency_plan": "整改期间停止该工作面作业，撤出人员",
}


@pytest.fixture
def site(client: TestClient, db_session: Session, divisions: int) -> dict[str, Any]:
    """A Hangjin coal enterprise with its account, the banner's bureau, and officers inside and outside the banner."""
    mine_owner = factories.enterprise(
        db_session,
        "杭锦旗示例煤业有限公司",
        "150625",
        sector="coal_mine",
        principal_name="李总",
        principal_phone="13800000001",
        controller_name="张董",  # 实际控制人
        controller_phone="13800000002",
    )
    other = factories.enterprise(db_session, "东胜区示例工贸有限公司", "150602", sector="industry_trade")
    bureau = factories.save(
        db_session,
        "organisations",
        name="杭锦旗应急管理局",
        kind="department",
        division_code="150625",
        duty_phone="0477-6911545",
    )
    factories.user(db_session, "coal_safety", Role.ENTERPRISE_REPORTER, organisation_id=mine_owner.id)
    factories.user(db_session, "other_safety", Role.ENTERPRISE_REPORTER, organisation_id=other.id)
    return {
        "enterprise": {"Authorization": f"Bearer {factories.token_for(db_session, 'coal_safety')}"},
        "other_enterprise": {"Authorization": f"Bearer {factories.token_for(db_session, 'other_safety')}"},
        "officer": factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625"),
        "outsider": factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602"),
        "expert": factories.bearer(db_session, "hangjin_expert", Role.EXPERT, "150625"),
        "mine_owner": mine_owner,
        "bureau": bureau,
    }


def _post(client: TestClient, path: str, headers: dict[str, str], body: dict[str, Any] | None = None) -> Any:
    return client.post(path, json=body or {}, headers=headers)


def test_major_hazard_closed_loop(client: TestClient, db_session: Session, site: dict[str, Any]) -> None:
    created = _post(client, "/api/hazards", site["enterprise"], COAL_MAJOR)
    assert created.status_code == 201, created.text
    hazard = created.json()
    hid = hazard["id"]
    assert hazard["grade"] == "major" and hazard["state"] == "reported" and hazard["channel"] == "self_check"
    assert hazard["criteria"][0]["text"] == "瓦斯超限作业" and hazard["criteria"][0]["verified"] is True
    # notified: the principal leader, the actual controller (004#L746-L750) and the banner bureau (its duty phone),
    # in the same transaction
    sent = db_session.scalars(select(OutboxItem).where(OutboxItem.topic == "hazard")).all()
    assert sorted(i.recipient for i in sent) == ["0477-6911545", "13800000001", "13800000002"]
    assert any("实际控制人张董" in i.payload["to"] for i in sent)

    assert _post(client, f"/api/hazards/{hid}/confirm", site["officer"]).status_code == 200
    missing = dict(FIVE, contingency_plan="  ")
    refused = _post(client, f"/api/hazards/{hid}/rectification", site["enterprise"], missing)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "contingency_plan"
    assert refused.json()["error"]["basis"][0]["seed"] == "004#L7947-L7949"
    assert client.get(f"/api/hazards/{hid}", headers=site["officer"]).json()["state"] == "confirmed"  # nothing stored

    assert _post(client, f"/api/hazards/{hid}/rectification", site["enterprise"], FIVE).json()["state"] == "rectifying"
    # the enterprise cannot accept its own work; acceptance and closing are the supervisor's
    early = _post(client, f"/api/hazards/{hid}/accept", site["officer"])  # the right party, the wrong state
    assert early.status_code == 409 and early.json()["error"]["subcode"] == "hazard.accept.state"
    assert _post(client, f"/api/hazards/{hid}/submit", site["enterprise"]).json()["state"] == "awaiting_acceptance"
    self_close = _post(client, f"/api/hazards/{hid}/accept", site["enterprise"])
    assert self_close.status_code == 403 and "负有监管职责的部门" in self_close.json()["error"]["message"]
    assert self_close.json()["error"]["subcode"] == "hazard.accept.not_supervisor"
    no_reason = _post(client, f"/api/hazards/{hid}/reject", site["officer"])
    assert no_reason.status_code == 422 and no_reason.json()["error"]["field"] == "note"
    no_deadline = _post(client, f"/api/hazards/{hid}/reject", site["officer"], {"note": "断电闭锁未试验"})
    assert no_deadline.status_code == 422 and no_deadline.json()["error"]["field"] == "deadline"
    rejected = _post(
        client, f"/api/hazards/{hid}/reject", site["officer"], {"note": "断电闭锁未试验", "deadline": "2026-12-20"}
    )
    assert rejected.json()["state"] == "rectifying"
    _post(client, f"/api/hazards/{hid}/submit", site["enterprise"])
    closed = _post(client, f"/api/hazards/{hid}/accept", site["officer"], {"note": "现场验收合格"}).json()
    assert closed["state"] == "closed" and closed["closed_at"] is not None
    assert [e["action"] for e in closed["events"]] == [
        "report",
        "confirm",
        "rectify",
        "submit",
        "reject",
        "submit",
        "accept",
    ]
    audited = db_session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.target_kind == "hazard", AuditEntry.target_key == str(hid))
        .order_by(AuditEntry.id)
    ).all()
    assert audited == [f"hazard.{e['action']}" for e in closed["events"]]
    after = _post(client, f"/api/hazards/{hid}/reject", site["officer"], {"note": "x", "deadline": "2026-12-31"})
    # closed: the loop is over; the supervisor's one step left is re-opening it as fake rectification (004#L718-L724)
    assert after.status_code == 409 and "认定虚假整改" in after.json()["error"]["message"]
    assert after.json()["error"]["subcode"] == "hazard.reject.state" and closed["allowed_actions"] == ["reopen"]
    assert client.get(f"/api/hazards/{hid}", headers=site["enterprise"]).json()["allowed_actions"] == []


def test_grading_by_checklist(client: TestClient, site: dict[str, Any]) -> None:
    general = _post(client, "/api/hazards", site["enterprise"], dict(COAL_MAJOR, criteria=[]))
    assert general.json()["grade"] == "general"
    wrong = _post(client, "/api/hazards", site["enterprise"], dict(COAL_MAJOR, criteria=["it-05"]))
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "criteria"
    # the supervisor re-grades on confirmation; the enterprise may not
    hid = general.json()["id"]
    own = _post(client, f"/api/hazards/{hid}/confirm", site["enterprise"], {"criteria": ["coal-07"]})
    assert own.status_code == 403 and own.json()["error"]["subcode"] == "hazard.confirm.not_supervisor"
    regraded = _post(client, f"/api/hazards/{hid}/confirm", site["officer"], {"criteria": ["coal-07"]})
    assert regraded.json()["grade"] == "major" and regraded.json()["criteria"][0]["code"] == "coal-07"
    # a major hazard is downgraded only with a written reason
    major = _post(client, "/api/hazards", site["enterprise"], COAL_MAJOR).json()["id"]
    quiet = _post(client, f"/api/hazards/{major}/confirm", site["officer"], {"criteria": []})
    assert quiet.status_code == 422 and quiet.json()["error"]["field"] == "note"
    reasoned = _post(
        client, f"/api/hazards/{major}/confirm", site["officer"], {"criteria": [], "note": "复核：瓦斯未超限"}
    )
    assert reasoned.json()["grade"] == "general"


def test_channels_and_who_may_use_them(client: TestClient, site: dict[str, Any]) -> None:
    inspection = dict(COAL_MAJOR, channel="inspection")
    assert _post(client, "/api/hazards", site["enterprise"], inspection).status_code == 403
    no_enterprise = _post(client, "/api/hazards", site["officer"], inspection)
    assert no_enterprise.status_code == 422 and no_enterprise.json()["error"]["field"] == "organisation_id"
    found = _post(client, "/api/hazards", site["officer"], dict(inspection, organisation_id=site["mine_owner"].id))
    assert found.status_code == 201 and found.json()["channel"] == "inspection"
    # an enterprise without an account: the supervisor carries the loop, submitting only with a written note
    fid = found.json()["id"]
    _post(client, f"/api/hazards/{fid}/confirm", site["officer"])
    assert _post(client, f"/api/hazards/{fid}/rectification", site["officer"], FIVE).json()["state"] == "rectifying"
    silent = _post(client, f"/api/hazards/{fid}/submit", site["officer"])
    assert silent.status_code == 422 and silent.json()["error"]["field"] == "note"
    on_behalf = _post(client, f"/api/hazards/{fid}/submit", site["officer"], {"note": "企业无账号，现场核实已整改"})
    assert on_behalf.json()["state"] == "awaiting_acceptance"
    assert _post(client, "/api/hazards", site["officer"], COAL_MAJOR).status_code == 403  # 自查 is the enterprise's
    elsewhere = _post(client, "/api/hazards", site["outsider"], dict(inspection, organisation_id=site["mine_owner"].id))
    assert elsewhere.status_code == 422  # an enterprise outside the caller's jurisdiction does not exist for them
    future = _post(client, "/api/hazards", site["enterprise"], dict(COAL_MAJOR, found_on="2026-11-24"))
    assert future.status_code == 422 and future.json()["error"]["field"] == "found_on"
    tip_channel = _post(client, "/api/hazards", site["enterprise"], dict(COAL_MAJOR, channel="tip"))
    assert tip_channel.status_code == 422  # verified tips arrive through /api/tips only


def test_scope(client: TestClient, site: dict[str, Any]) -> None:
    hid = _post(client, "/api/hazards", site["enterprise"], COAL_MAJOR).json()["id"]
    assert client.get(f"/api/hazards/{hid}", headers=site["other_enterprise"]).status_code == 404
    assert client.get(f"/api/hazards/{hid}", headers=site["outsider"]).status_code == 404
    assert client.get("/api/hazards", headers=site["other_enterprise"]).json()["items"] == []
    assert [h["id"] for h in client.get("/api/hazards", headers=site["enterprise"]).json()["items"]] == [hid]
    assert _post(client, f"/api/hazards/{hid}/confirm", site["outsider"]).status_code == 404
    assert _post(client, f"/api/hazards/{hid}/confirm", site["expert"]).status_code == 403  # reads, never acts
    assert client.get(f"/api/hazards/{hid}", headers=site["expert"]).status_code == 200
    assert client.get("/api/hazards").status_code == 401


def test_attachments(client: TestClient, site: dict[str, Any]) -> None:
    hid = _post(client, "/api/hazards", site["enterprise"], COAL_MAJOR).json()["id"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    url = f"/api/hazards/{hid}/attachments?filename=现场照片.png"
    stored = client.post(url, content=png, headers=site["enterprise"] | {"Content-Type": "image/png"})
    assert stored.status_code == 201, stored.text
    assert stored.json()["size"] == len(png)
    fake = client.post(url, content=b"not a png", headers=site["enterprise"] | {"Content-Type": "image/png"})
    assert fake.status_code == 422 and fake.json()["error"]["field"] == "body"
    exe = client.post(url, content=b"MZ..", headers=site["enterprise"] | {"Content-Type": "application/x-msdownload"})
    assert exe.status_code == 422 and exe.json()["error"]["field"] == "content_type"
    path = client.post(
        f"/api/hazards/{hid}/attachments?filename=../x.png",
        content=png,
        headers=site["enterprise"] | {"Content-Type": "image/png"},
    )
    assert path.status_code == 422 and path.json()["error"]["field"] == "filename"
    got = client.get(f"/api/hazards/{hid}/attachments/{stored.json()['id']}", headers=site["officer"])
    assert got.content == png and got.headers["content-type"] == "image/png"
    assert (
        client.get(f"/api/hazards/{hid}/attachments/{stored.json()['id']}", headers=site["outsider"]).status_code == 404
    )
    listed = client.get(f"/api/hazards/{hid}", headers=site["officer"]).json()["attachments"]
    assert [a["filename"] for a in listed] == ["现场照片.png"]


def test_checklists_and_board(client: TestClient, site: dict[str, Any]) -> None:
    lists = {c["id"]: c for c in client.get("/api/hazards/checklists").json()["items"]}
    assert len(lists["coal"]["items"]) == 17 and lists["coal"]["verified"] is True
    assert lists["metal_nonmetal"]["verified"] is False
    _post(client, "/api/hazards", site["enterprise"], COAL_MAJOR)
    board = client.get("/api/hazards/board", headers=site["officer"]).json()
    assert board["totals"] == {"total": 1, "open": 1, "overdue": 0, "closed": 0, "major_open": 1}
    assert board["rows"][0]["division"] == "杭锦旗" and board["rows"][0]["sector_label"] == "煤矿"
    milestones = board["zero_clearing"][0]["milestones"]
    # every milestone is past on 2026-11-23 and the one hazard was recorded after them: all met
    assert [m["due"] for m in milestones] == ["2024-04-30", "2025-04-30", "2026-04-30"]
    assert {m["status"] for m in milestones} == {"met"}
    assert client.get("/api/hazards/board", headers=site["outsider"]).json()["totals"]["total"] == 0


def test_error_paths(
    client: TestClient, db_session: Session, site: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    hid = _post(client, "/api/hazards", site["enterprise"], COAL_MAJOR).json()["id"]
    assert _post(client, f"/api/hazards/{hid}/approve", site["officer"]).status_code == 404  # no such step
    other = factories.mine(db_session, "东胜区示例矿", "东胜区示例工贸有限公司", "150602")
    wrong_mine = _post(client, "/api/hazards", site["enterprise"], dict(COAL_MAJOR, mine_id=other.id))
    assert wrong_mine.status_code == 422 and wrong_mine.json()["error"]["field"] == "mine_id"
    dismissed = _post(client, f"/api/hazards/{hid}/dismiss", site["officer"], {"note": "核实不属实"})
    assert dismissed.json()["state"] == "dismissed"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
    late = client.post(
        f"/api/hazards/{hid}/attachments?filename=a.png",
        content=png,
        headers=site["enterprise"] | {"Content-Type": "image/png"},
    )
    assert late.status_code == 409 and late.json()["error"]["field"] == "hazard_id"
    assert late.json()["error"]["subcode"] == "hazard.attach.state"
    # a PDF needs Chromium: without it the report answers 503 and names the other formats
    monkeypatch.setattr(client.app.state, "settings", Settings(chromium="/nonexistent/chromium"))  # type: ignore[attr-defined]
    pdf = client.get("/api/ledger/reports/hangjin-2024-2026/monthly?format=pdf", headers=site["officer"])
    assert pdf.status_code == 503 and "Chromium" in pdf.json()["error"]["message"]


def _table(content: bytes) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(content))["隐患清单"].iter_rows(values_only=True))


def test_the_console_list_searches_orders_urgent_first_and_exports_the_same_list(
    client: TestClient, db_session: Session, site: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    general = _post(client, "/api/hazards", site["enterprise"], dict(COAL_MAJOR, criteria=[], place="主井口")).json()
    major = _post(client, "/api/hazards", site["enterprise"], COAL_MAJOR).json()
    other = factories.enterprise(db_session, "杭锦旗另一工贸有限公司", "150625", sector="industry_trade")
    found = {"channel": "inspection", "organisation_id": other.id, "place": "配电室", "description": "配电室无绝缘垫"}
    inspected = _post(client, "/api/hazards", site["officer"], dict(found, category="用电", found_on="2026-11-21"))
    assert inspected.status_code == 201, inspected.text
    # the general one is rectified and then overdue: the most urgent, though the oldest
    _post(client, f"/api/hazards/{general['id']}/confirm", site["enterprise"])
    five = dict(FIVE, deadline="2026-11-26")
    assert _post(client, f"/api/hazards/{general['id']}/rectification", site["enterprise"], five).status_code == 200
    row = db_session.get(Hazard, general["id"])
    assert row is not None
    row.deadline = date(2026, 11, 22)  # as if the week had run out
    db_session.flush()

    def ids(**params: str) -> list[int]:
        answer = client.get("/api/hazards", params=params, headers=site["officer"])
        assert answer.status_code == 200, answer.text
        return [h["id"] for h in answer.json()["items"]]

    assert ids() == [inspected.json()["id"], major["id"], general["id"]]  # the API: newest first
    assert ids(order="urgent") == [general["id"], major["id"], inspected.json()["id"]]  # overdue, then major
    assert ids(q="另一工贸") == [inspected.json()["id"]]  # by the enterprise's name
    assert ids(q="主井") == [general["id"]]  # by place
    assert ids(q="100%") == []  # a LIKE wildcard is a plain character
    assert client.get("/api/hazards", params={"q": "长" * 61}, headers=site["officer"]).status_code == 422
    assert client.get("/api/hazards", params={"order": "oldest"}, headers=site["officer"]).status_code == 422

    sheet = client.get("/api/hazards/export.xlsx", params={"order": "urgent"}, headers=site["officer"])
    assert sheet.status_code == 200 and sheet.headers["content-type"] == xlsx.MEDIA_TYPE
    assert "attachment" in sheet.headers["content-disposition"]
    table = _table(sheet.content)
    assert table[0][:3] == ("编号", "企业", "矿山")
    assert [r[0] for r in table[1:]] == [general["id"], major["id"], inspected.json()["id"]]
    overdue_row = table[1]
    assert "逾期" in overdue_row and "一般" in overdue_row and "整改中" in overdue_row  # words, not codes
    own = client.get("/api/hazards/export.xlsx", headers=site["enterprise"])  # the enterprise's own only
    assert len(_table(own.content)) == 3
    outsider = client.get("/api/hazards/export.xlsx", headers=site["outsider"])
    assert len(_table(outsider.content)) == 1  # the header alone
    assert client.get("/api/hazards/export.xlsx").status_code == 401
    bad = client.get("/api/hazards/export.xlsx", params={"state": "lost"}, headers=site["officer"])
    assert bad.status_code == 422
    monkeypatch.setattr(service, "MAX_EXPORT_ROWS", 2)
    too_many = client.get("/api/hazards/export.xlsx", headers=site["officer"])
    assert too_many.status_code == 413 and too_many.json()["error"]["subcode"] == "hazard.export.too_large"
    narrowed = client.get("/api/hazards/export.xlsx", params={"grade": "major"}, headers=site["officer"])
    assert narrowed.status_code == 200


def test_the_detail_says_who_may_add_photos_while_the_hazard_is_open(client: TestClient, site: dict[str, Any]) -> None:
    hid = _post(client, "/api/hazards", site["enterprise"], COAL_MAJOR).json()["id"]

    def may_attach(who: str) -> bool:
        detail = client.get(f"/api/hazards/{hid}", headers=site[who])
        assert detail.status_code == 200
        return bool(detail.json()["may_attach"])

    assert may_attach("enterprise") and may_attach("officer") and not may_attach("expert")
    assert client.get(f"/api/hazards/{hid}", headers=site["other_enterprise"]).status_code == 404
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
    url = f"/api/hazards/{hid}/attachments?filename=a.png"
    refused = client.post(url, content=png, headers=site["expert"] | {"Content-Type": "image/png"})
    assert refused.status_code == 403  # what may_attach said
    _post(client, f"/api/hazards/{hid}/dismiss", site["officer"], {"note": "核实不属实"})
    assert not may_attach("enterprise") and not may_attach("officer")
    late = client.post(url, content=png, headers=site["enterprise"] | {"Content-Type": "image/png"})
    assert late.status_code == 409 and late.json()["error"]["subcode"] == "hazard.attach.state"

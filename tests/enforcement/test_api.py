"""The enforcement chain over HTTP (issue 25 item 4): an inspector's record produces a hazard and a violation; a
self-reported rectified hazard gets leniency; two 一般 accidents within 180 days propose 停产整顿; referrals with a
reply deadline; blacklists shown where the enterprise appears; and the refusals (403 wrong party, 409 state, 422 bad
data). Today is 2026-11-23 (factories.CLOCK)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from yingji.audit.models import AuditEntry
from yingji.auth.roles import Role
from yingji.incidents.enums import AccidentSector, IncidentStatus
from yingji.incidents.models import Assessment, Incident, Report
from yingji.plans.schema import ReportKind

pytestmark = pytest.mark.db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NOW = "2026-11-23T09:00:00+08:00"


@pytest.fixture
def site(client: TestClient, db_session: Session, divisions: int) -> dict[str, Any]:
    """A Hangjin industry-and-trade enterprise with its account, the banner's bureaus, and officers in and out."""
    owner = factories.enterprise(
        db_session,
        "杭锦旗执法测试工贸有限公司",
        "150625",
        sector="industry_trade",
        principal_name="赵总",
        principal_phone="13600000001",
        controller_name="钱董",
        controller_phone="13600000002",
    )
    bureau = factories.save(
        db_session, "organisations", name="杭锦旗应急管理局", kind="department", division_code="150625"
    )
    market = factories.save(
        db_session, "organisations", name="杭锦旗市场监督管理局", kind="department", division_code="150625"
    )
    elsewhere = factories.save(
        db_session, "organisations", name="东胜区应急管理局", kind="department", division_code="150602"
    )
    factories.user(db_session, "trade_safety", Role.ENTERPRISE_REPORTER, organisation_id=owner.id)
    return {
        "enterprise": {"Authorization": f"Bearer {factories.token_for(db_session, 'trade_safety')}"},
        "officer": factories.bearer(db_session, "hangjin_law", Role.COUNTY_OFFICER, "150625"),
        "outsider": factories.bearer(db_session, "dongsheng_law", Role.COUNTY_OFFICER, "150602"),
        "expert": factories.bearer(db_session, "hangjin_expert2", Role.EXPERT, "150625"),
        "owner": owner,
        "bureau": bureau,
        "market": market,
        "elsewhere": elsewhere,
    }


def _post(client: TestClient, path: str, headers: dict[str, str], body: dict[str, Any] | None = None) -> Any:
    return client.post(path, json=body or {}, headers=headers)


def _record_body(site: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "organisation_id": site["owner"].id,
        "place": "粉尘涉爆车间",
        "inspected_at": NOW,
        "inspectors": ["孙执法", "周执法"],
        "checklist": [
            {"item": "除尘系统泄爆装置", "result": "fail", "note": "泄爆片缺失"},
            {"item": "安全生产责任制", "result": "pass"},
        ],
        "summary": "现场检查发现问题2项",
        "findings": [
            {"description": "除尘器泄爆片缺失", "place": "1号除尘器"},
            {"description": "未按规定对从业人员进行安全生产教育培训"},
        ],
    } | changes


def test_an_inspectors_record_produces_a_hazard_and_a_violation(
    client: TestClient, db_session: Session, site: dict[str, Any]
) -> None:
    created = _post(client, "/api/enforcement/records", site["officer"], _record_body(site))
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["enterprise"] == "杭锦旗执法测试工贸有限公司" and record["findings_count"] == 2
    assert record["inspectors"] == ["孙执法", "周执法"] and record["checklist"][0]["result_label"] == "不符合"
    first, second = record["findings"]
    assert first["allowed_actions"] == ["to_hazard", "to_violation", "refer", "add_photo"]
    # a photo of the finding, checked like a hazard attachment
    url = f"/api/enforcement/findings/{first['id']}/photos?filename=泄爆片.png"
    stored = client.post(url, content=PNG, headers=site["officer"] | {"Content-Type": "image/png"})
    assert stored.status_code == 201, stored.text
    fake = client.post(url, content=b"not a png", headers=site["officer"] | {"Content-Type": "image/png"})
    assert fake.status_code == 422 and fake.json()["error"]["field"] == "body"

    # finding 1 → a hazard in the hazard loop (监管检查), the photo carried over, marked for penalty
    hazard = _post(client, f"/api/enforcement/findings/{first['id']}/hazard", site["officer"], {"category": "粉尘防爆"})
    assert hazard.status_code == 201, hazard.text
    h = hazard.json()
    assert (h["channel"], h["state"], h["found_on"]) == ("inspection", "reported", "2026-11-23")
    assert [a["filename"] for a in h["attachments"]] == ["泄爆片.png"] and h["liability"] == "penalty"
    again = _post(client, f"/api/enforcement/findings/{first['id']}/hazard", site["officer"], {"category": "粉尘防爆"})
    assert again.status_code == 409 and again.json()["error"]["subcode"] == "enforcement.to_hazard.exists"

    # finding 2 → a violation with its legal basis and the proposed measure
    fine = {
        "legal_basis": "《安全生产法》第九十七条第（三）项",
        "measure": "fine",
        "fine_yuan": "30000",
    }
    no_amount = _post(
        client, f"/api/enforcement/findings/{second['id']}/violation", site["officer"], fine | {"fine_yuan": None}
    )
    assert no_amount.status_code == 422 and no_amount.json()["error"]["field"] == "fine_yuan"
    case = _post(client, f"/api/enforcement/findings/{second['id']}/violation", site["officer"], fine)
    assert case.status_code == 201, case.text
    v = case.json()
    assert (v["source"], v["state"], v["proposed_measure"], v["proposed_fine_yuan"]) == (
        "inspection",
        "proposed",
        "fine",
        "30000.00",
    )
    assert v["liability"] == "penalty" and v["allowed_actions"] == ["decide", "withdraw"]
    twice = _post(client, f"/api/enforcement/findings/{second['id']}/violation", site["officer"], fine)
    assert twice.status_code == 409 and twice.json()["error"]["subcode"] == "enforcement.to_violation.exists"

    # the decision, with the body that took it
    decision = {
        "measure": "fine",
        "fine_yuan": "30000",
        "deciding_body_id": site["bureau"].id,
        "decision_no": "杭应急罚〔2026〕12号",
    }
    expert = _post(client, f"/api/enforcement/violations/{v['id']}/decide", site["expert"], decision)
    assert (
        expert.status_code == 403 and expert.json()["error"]["subcode"] == "enforcement.violation.decide.not_supervisor"
    )
    own = _post(client, f"/api/enforcement/violations/{v['id']}/decide", site["enterprise"], decision)
    assert own.status_code == 403
    foreign = _post(
        client,
        f"/api/enforcement/violations/{v['id']}/decide",
        site["officer"],
        decision | {"deciding_body_id": site["elsewhere"].id},
    )
    assert foreign.status_code == 422 and foreign.json()["error"]["field"] == "deciding_body_id"
    decided = _post(client, f"/api/enforcement/violations/{v['id']}/decide", site["officer"], decision)
    assert decided.status_code == 200, decided.text
    d = decided.json()
    assert (d["state"], d["deciding_body"], d["decision_no"], d["decided_fine_yuan"]) == (
        "decided",
        "杭锦旗应急管理局",
        "杭应急罚〔2026〕12号",
        "30000.00",
    )
    assert d["allowed_actions"] == []
    late = _post(client, f"/api/enforcement/violations/{v['id']}/withdraw", site["officer"], {"reason": "撤销"})
    assert late.status_code == 409 and late.json()["error"]["subcode"] == "enforcement.violation.withdraw.state"

    detail = client.get(f"/api/enforcement/records/{record['id']}", headers=site["officer"]).json()
    assert [f["hazard_id"] for f in detail["findings"]] == [h["id"], None]
    assert [f["violation_id"] for f in detail["findings"]] == [None, v["id"]]
    # the enterprise reads its own record and case; another county's officer does not find them
    assert client.get(f"/api/enforcement/violations/{v['id']}", headers=site["enterprise"]).status_code == 200
    assert client.get(f"/api/enforcement/records/{record['id']}", headers=site["outsider"]).status_code == 404
    assert client.get("/api/enforcement/violations", headers=site["outsider"]).json()["total"] == 0
    audited = set(db_session.scalars(select(AuditEntry.action).where(AuditEntry.action.startswith("enforcement."))))
    assert {
        "enforcement.record.create",
        "enforcement.finding.create",
        "enforcement.finding.photo",
        "enforcement.finding.to_hazard",
        "enforcement.violation.propose",
        "enforcement.violation.decide",
    } <= audited


def test_who_may_record_and_bad_records(client: TestClient, site: dict[str, Any]) -> None:
    body = _record_body(site)
    assert _post(client, "/api/enforcement/records", site["enterprise"], body).status_code == 403
    assert _post(client, "/api/enforcement/records", site["expert"], body).status_code == 403
    hidden = _post(client, "/api/enforcement/records", site["outsider"], body)
    assert hidden.status_code == 422 and hidden.json()["error"]["field"] == "organisation_id"
    future = _post(
        client, "/api/enforcement/records", site["officer"], body | {"inspected_at": "2026-11-24T09:00:00+08:00"}
    )
    assert future.status_code == 422 and future.json()["error"]["field"] == "inspected_at"
    nobody = _post(client, "/api/enforcement/records", site["officer"], body | {"inspectors": []})
    assert nobody.status_code == 422
    naive = _post(client, "/api/enforcement/records", site["officer"], body | {"inspected_at": "2026-11-23T09:00:00"})
    assert naive.status_code == 422
    assert client.get("/api/enforcement/records").status_code == 401


def test_a_self_reported_rectified_hazard_gets_leniency(client: TestClient, site: dict[str, Any]) -> None:
    """004#L5467-L5469: 企业自查…已按规定报告并正在采取有效措施消除的，依法不予行政处罚."""
    found = {
        "channel": "self_check",
        "place": "喷涂车间",
        "description": "喷涂车间可燃气体报警器失效",
        "category": "监测报警",
        "found_on": "2026-11-20",
    }
    hid = _post(client, "/api/hazards", site["enterprise"], found).json()["id"]
    _post(client, f"/api/hazards/{hid}/confirm", site["enterprise"])
    five = {
        "responsible": "设备科长",
        "measures": "更换报警器",
        "funds_yuan": "2000",
        "deadline": "2026-11-27",
        "contingency_plan": "整改期间停止喷涂作业",
    }
    rectified = _post(client, f"/api/hazards/{hid}/rectification", site["enterprise"], five).json()
    assert rectified["liability"] == "leniency" and rectified["liability_label"]
    fine = {"hazard_id": hid, "legal_basis": "《安全生产法》第一百零二条", "measure": "fine", "fine_yuan": "10000"}
    refused = _post(client, "/api/enforcement/violations", site["officer"], fine)
    assert refused.status_code == 422 and refused.json()["error"]["subcode"] == "enforcement.measure.leniency"
    assert refused.json()["error"]["basis"][0]["seed"] == "004#L5467-L5469"
    order = _post(
        client, "/api/enforcement/violations", site["officer"], fine | {"measure": "correct", "fine_yuan": None}
    )
    assert order.status_code == 201, order.text
    assert (order.json()["liability"], order.json()["proposed_measure"], order.json()["source"]) == (
        "leniency",
        "correct",
        "hazard",
    )
    profile = client.get(f"/api/enforcement/enterprises/{site['owner'].id}", headers=site["officer"]).json()
    assert profile["hazards_by_liability"] == {"leniency": 1}


def _accident(db_session: Session, site: dict[str, Any], when: datetime, grade: int, key: str) -> int:
    incident = Incident(
        title=f"测试事故{key}",
        division_code="150625",
        sector=AccidentSector.INDUSTRY_TRADE,
        accident_type="机械伤害",
        enterprise_id=site["owner"].id,
        occurred_at=when,
        known_at=when,
        status=IncidentStatus.ENDED,
        facts={},
        plan_ids=["ordos-industry-trade-2024"],
        created_by="test",
        created_at=when,
    )
    db_session.add(incident)
    db_session.flush()
    report = Report(
        incident_id=incident.id,
        kind=ReportKind.INITIAL,
        client_key=key,
        content={},
        facts={},
        submitted_by="test",
        submitted_at=when,
    )
    db_session.add(report)
    db_session.flush()
    db_session.add(
        Assessment(
            incident_id=incident.id,
            report_id=report.id,
            plan_id="ordos-industry-trade-2024",
            grade=grade,
            provisional=False,
            in_scope=True,
            basis=[],
            assessed_at=when,
        )
    )
    db_session.flush()
    return incident.id


def test_two_ordinary_accidents_within_180_days_propose_suspension(
    client: TestClient, db_session: Session, site: dict[str, Any]
) -> None:
    """004#L5955-L5959: 180日内发生2起及以上一般生产安全事故的工贸和非煤矿山企业，依法依规责令停产停业整顿."""
    first = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    a = _accident(db_session, site, first, 4, "a")
    path = f"/api/enforcement/enterprises/{site['owner'].id}/accident-rule"
    assert _post(client, path, site["officer"]).json()["triggers"] == []
    b = _accident(db_session, site, first + timedelta(days=180), 4, "b")  # day 180: within
    assert _post(client, path, site["enterprise"]).status_code == 403
    assert _post(client, path, site["outsider"]).status_code == 422  # not in that officer's jurisdiction
    answer = _post(client, path, site["officer"])
    assert answer.status_code == 200, answer.text
    rule = answer.json()
    assert rule["applicable"] is True and rule["basis"]["seed"] == "004#L5955-L5959"
    [trigger] = rule["triggers"]
    assert trigger["incident_ids"] == [a, b] and trigger["violation_id"] is not None
    case = client.get(f"/api/enforcement/violations/{trigger['violation_id']}", headers=site["officer"]).json()
    assert (case["source"], case["proposed_measure"], case["liability"], case["incident_ids"]) == (
        "accident_rule",
        "suspend",
        "penalty",
        [a, b],
    )
    assert "004#L5955-L5959" in case["legal_basis"]
    again = _post(client, path, site["officer"]).json()  # proposed once
    assert again["triggers"][0]["violation_id"] == trigger["violation_id"]
    listed = client.get("/api/enforcement/violations", params={"source": "accident_rule"}, headers=site["officer"])
    assert listed.json()["total"] == 1
    profile = client.get(f"/api/enforcement/enterprises/{site['owner'].id}", headers=site["enterprise"]).json()
    assert profile["suspension"]["triggers"][0]["incident_ids"] == [a, b]
    assert profile["violations_by_state"] == {"proposed": 1}
    assert (profile["controller_name"], profile["principal_name"]) == ("钱董", "赵总")


def test_the_worker_proposes_without_being_asked(db_session: Session, site: dict[str, Any]) -> None:
    """The rule runs by itself (the worker's 10-minute round): two 一般 accidents in the window, proposed once."""
    from yingji.enforcement.service import propose_recent

    now = factories.CLOCK.now()
    _accident(db_session, site, now - timedelta(days=60), 4, "w1")
    assert propose_recent(db_session=db_session, clock=factories.CLOCK) == []
    _accident(db_session, site, now - timedelta(days=2), 4, "w2")
    [proposal] = propose_recent(db_session=db_session, clock=factories.CLOCK)
    assert proposal.proposed_measure.value == "suspend" and proposal.proposed_by == "system"
    assert propose_recent(db_session=db_session, clock=factories.CLOCK) == []


def test_day_181_is_outside_the_window(client: TestClient, db_session: Session, site: dict[str, Any]) -> None:
    first = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    _accident(db_session, site, first, 4, "a")
    _accident(db_session, site, first + timedelta(days=181), 4, "b")
    rule = _post(client, f"/api/enforcement/enterprises/{site['owner'].id}/accident-rule", site["officer"]).json()
    assert rule["triggers"] == [] and rule["accidents_considered"] == 2


def test_a_larger_accident_proposes_suspension_at_once(
    client: TestClient, db_session: Session, site: dict[str, Any]
) -> None:
    c = _accident(db_session, site, datetime(2026, 6, 1, 2, 0, tzinfo=UTC), 3, "c")
    rule = _post(client, f"/api/enforcement/enterprises/{site['owner'].id}/accident-rule", site["officer"]).json()
    assert [t["incident_ids"] for t in rule["triggers"]] == [[c]]


def test_referral_is_a_tracked_hand_off(client: TestClient, site: dict[str, Any]) -> None:
    record = _post(client, "/api/enforcement/records", site["officer"], _record_body(site)).json()
    finding = record["findings"][1]["id"]
    body = {"finding_id": finding, "to_body_id": site["market"].id, "matter": "特种设备未检验，移交市场监管部门"}
    both = _post(client, "/api/enforcement/referrals", site["officer"], body | {"violation_id": 1})
    assert both.status_code == 422
    assert _post(client, "/api/enforcement/referrals", site["enterprise"], body).status_code == 403
    sent = _post(client, "/api/enforcement/referrals", site["officer"], body)
    assert sent.status_code == 201, sent.text
    r = sent.json()
    assert (r["state"], r["reply_due"], r["reply_days_default"], r["overdue"]) == ("sent", "2026-12-08", True, False)
    assert r["to_body"] == "杭锦旗市场监督管理局" and r["basis"]["seed"] == "004#L4424-L4427"
    assert r["allowed_actions"] == ["reply"]
    shown = client.get(f"/api/enforcement/findings/{finding}", headers=site["officer"]).json()
    assert shown["referral_ids"] == [r["id"]]
    stranger = _post(client, f"/api/enforcement/referrals/{r['id']}/reply", site["outsider"], {"reply": "已收到"})
    assert stranger.status_code == 404
    replied = _post(client, f"/api/enforcement/referrals/{r['id']}/reply", site["officer"], {"reply": "已立案查处"})
    assert replied.status_code == 200 and replied.json()["state"] == "replied"
    again = _post(client, f"/api/enforcement/referrals/{r['id']}/reply", site["officer"], {"reply": "再次回复"})
    assert again.status_code == 409 and again.json()["error"]["subcode"] == "enforcement.reply.state"
    assert (
        client.get("/api/enforcement/referrals", params={"overdue": True}, headers=site["officer"]).json()["total"] == 0
    )


def test_blacklists_show_where_the_enterprise_appears(client: TestClient, site: dict[str, Any]) -> None:
    forestry = {
        "organisation_id": site["owner"].id,
        "kind": "forestry",
        "reason": "林草工程施工中劣质施工",
        "basis": "杭锦旗林草系统治本攻坚三年行动实施方案",
        "listed_on": "2026-11-01",
    }
    assert _post(client, "/api/enforcement/blacklist", site["enterprise"], forestry).status_code == 403
    wrong_term = _post(client, "/api/enforcement/blacklist", site["officer"], forestry | {"expires_on": "2027-11-01"})
    assert wrong_term.status_code == 422 and wrong_term.json()["error"]["subcode"] == "enforcement.blacklist.term"
    listed = _post(client, "/api/enforcement/blacklist", site["officer"], forestry)
    assert listed.status_code == 201, listed.text
    entry = listed.json()
    assert (entry["expires_on"], entry["active"]) == ("2029-11-01", True)  # 3 years (004#L8219-L8223)
    assert entry["term_basis"]["seed"] == "004#L8219-L8223"
    fire = forestry | {"kind": "fire", "reason": "重大火灾隐患逾期不改"}
    no_expiry = _post(client, "/api/enforcement/blacklist", site["officer"], fire)
    assert no_expiry.status_code == 422 and no_expiry.json()["error"]["field"] == "expires_on"
    _post(client, "/api/enforcement/blacklist", site["officer"], fire | {"expires_on": "2027-11-01"})

    profile = client.get(f"/api/enforcement/enterprises/{site['owner'].id}", headers=site["officer"]).json()
    assert len(profile["active_lists"]) == 2 and len(profile["blacklist"]) == 2
    record = _post(client, "/api/enforcement/records", site["officer"], _record_body(site)).json()
    assert len(record["enterprise_lists"]) == 2
    removed = _post(client, f"/api/enforcement/blacklist/{entry['id']}/remove", site["officer"], {"reason": "信用修复"})
    assert removed.status_code == 200 and removed.json()["active"] is False
    again = _post(client, f"/api/enforcement/blacklist/{entry['id']}/remove", site["officer"], {"reason": "信用修复"})
    assert again.status_code == 409
    active = client.get("/api/enforcement/blacklist", params={"active": True}, headers=site["officer"]).json()
    assert active["total"] == 1 and active["items"][0]["kind"] == "fire"
    own = client.get("/api/enforcement/blacklist", headers=site["enterprise"]).json()
    assert own["total"] == 2  # the enterprise sees its own listings
    assert client.get(f"/api/enforcement/enterprises/{site['owner'].id}", headers=site["outsider"]).status_code == 404


def test_plans_and_paging(client: TestClient, site: dict[str, Any]) -> None:
    plan = {
        "title": "2026年第四季度粉尘涉爆企业专项执法检查",
        "division_code": "150625",
        "starts_on": "2026-10-01",
        "ends_on": "2026-12-31",
        "checklist": ["除尘系统", "泄爆装置", "安全培训"],
        "enterprise_ids": [site["owner"].id],
    }
    backwards = _post(client, "/api/enforcement/plans", site["officer"], plan | {"ends_on": "2026-09-01"})
    assert backwards.status_code == 422
    assert _post(client, "/api/enforcement/plans", site["outsider"], plan).status_code == 403
    assert _post(client, "/api/enforcement/plans", site["enterprise"], plan).status_code == 403
    created = _post(client, "/api/enforcement/plans", site["officer"], plan).json()
    for _ in range(3):
        _post(client, "/api/enforcement/records", site["officer"], _record_body(site, plan_id=created["id"]))
    page = client.get("/api/enforcement/records", params={"limit": 2}, headers=site["officer"]).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    rest = client.get("/api/enforcement/records", params={"limit": 2, "offset": 2}, headers=site["officer"]).json()
    assert len(rest["items"]) == 1 and {r["id"] for r in page["items"]}.isdisjoint({rest["items"][0]["id"]})
    plans = client.get("/api/enforcement/plans", headers=site["officer"]).json()
    assert plans["items"][0]["records"] == 3 and plans["items"][0]["enterprises"] == ["杭锦旗执法测试工贸有限公司"]
    assert client.get("/api/enforcement/plans", headers=site["enterprise"]).status_code == 403

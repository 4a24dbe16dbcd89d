"""执法 pages over HTTP, without a browser: the register in the caller's scope (referrals overdue first, records,
violations with decisions, blacklists in force), the record form only for supervising officers, a record's findings
with the steps each allows, and a record out of scope answering 404 as a missing one. Today is 2026-11-23."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.roles import Role
from yingji.enforcement.models import Referral

pytestmark = pytest.mark.db


@pytest.fixture
def site(client: TestClient, db_session: Session, divisions: int) -> dict[str, Any]:
    owner = factories.enterprise(db_session, "杭锦旗登记簿工贸有限公司", "150625", sector="industry_trade")
    market = factories.save(
        db_session, "organisations", name="杭锦旗市场监督管理局", kind="department", division_code="150625"
    )
    factories.user(db_session, "register_firm", Role.ENTERPRISE_REPORTER, organisation_id=owner.id)
    officer = factories.bearer(db_session, "hangjin_law", Role.COUNTY_OFFICER, "150625")
    record = client.post(
        "/api/enforcement/records",
        json={
            "organisation_id": owner.id,
            "place": "粉尘涉爆车间",
            "inspected_at": "2026-11-23T09:00:00+08:00",
            "inspectors": ["孙执法", "周执法"],
            "findings": [{"description": "除尘器泄爆片缺失"}, {"description": "叉车未经检验"}],
        },
        headers=officer,
    )
    assert record.status_code == 201, record.text
    return {
        "enterprise": {"Authorization": f"Bearer {factories.token_for(db_session, 'register_firm')}"},
        "officer": officer,
        "outsider": factories.bearer(db_session, "dongsheng_law", Role.COUNTY_OFFICER, "150602"),
        "expert": factories.bearer(db_session, "hangjin_expert", Role.EXPERT, "150625"),
        "owner": owner,
        "market": market,
        "record": record.json(),
    }


def test_the_register_shows_what_is_in_scope_overdue_first(
    client: TestClient, db_session: Session, site: dict[str, Any]
) -> None:
    findings = [f["id"] for f in site["record"]["findings"]]
    for finding, matter in zip(findings, ("泄爆片问题移交", "叉车未检验，移交市场监管部门"), strict=True):
        body = {"finding_id": finding, "to_body_id": site["market"].id, "matter": matter}
        assert client.post("/api/enforcement/referrals", json=body, headers=site["officer"]).status_code == 201
    late = db_session.query(Referral).filter(Referral.matter == "叉车未检验，移交市场监管部门").one()
    late.reply_due = date(2026, 11, 20)  # three days past its reply day
    db_session.flush()
    case = {"legal_basis": "《安全生产法》第九十九条", "measure": "fine", "fine_yuan": "20000"}
    opened = client.post(f"/api/enforcement/findings/{findings[0]}/violation", json=case, headers=site["officer"])
    assert opened.status_code == 201, opened.text
    listing = {
        "organisation_id": site["owner"].id,
        "kind": "fire",
        "reason": "消防通道长期堵塞拒不整改",
        "basis": "消防安全领域信用管理办法",
        "listed_on": "2026-11-01",
        "expires_on": "2027-11-01",
    }
    assert client.post("/api/enforcement/blacklist", json=listing, headers=site["officer"]).status_code == 201
    page = client.get("/console/enforcement", headers=site["officer"]).text
    referrals = page[page.index('id="referrals"') : page.index('id="records"')]
    assert referrals.index("叉车未检验") < referrals.index("泄爆片问题移交") and "逾期未回复" in referrals
    assert "登记回复" in referrals  # the receiving department is in this officer's jurisdiction
    assert "粉尘涉爆车间" in page and "孙执法、周执法" in page
    assert "罚款 20000.00 元" in page and "拟处理" in page  # the measure and the state in words
    assert "消防安全领域失信行为" in page and "2027-11-01" in page
    assert 'id="record-create"' in page and "杭锦旗登记簿工贸有限公司</option>" in page
    own = client.get("/console/enforcement", headers=site["enterprise"]).text
    assert "粉尘涉爆车间" in own and 'id="record-create"' not in own and "登记回复" not in own
    outsider = client.get("/console/enforcement", headers=site["outsider"]).text
    assert "粉尘涉爆车间" not in outsider and "杭锦旗登记簿" not in outsider
    assert client.get("/console/enforcement", params={"state": "lost"}, headers=site["officer"]).status_code == 422
    assert '<a href="/console/enforcement" class="here" aria-current="page">执法</a>' in page  # 监管执法
    # the steps each row allows, as forms: decide, withdraw and refer a proposed case; list and remove
    assert 'class="form decide"' in page and 'class="form inline withdraw"' in page
    assert "杭锦旗市场监督管理局</option>" in page and "列入黑名单或失信名单" in page and "提前移出" in page
    expert = client.get("/console/enforcement", headers=site["expert"]).text
    assert "罚款 20000.00 元" in expert and 'class="form decide"' not in expert and "列入黑名单或失信名单" not in expert
    assert "提前移出" not in own


def test_a_case_is_decided_from_the_register(client: TestClient, site: dict[str, Any]) -> None:
    finding = site["record"]["findings"][1]["id"]
    case = {"legal_basis": "《特种设备安全法》第八十四条", "measure": "fine", "fine_yuan": "30000"}
    opened = client.post(f"/api/enforcement/findings/{finding}/violation", json=case, headers=site["officer"])
    decided = client.post(
        f"/api/enforcement/violations/{opened.json()['id']}/decide",
        json={
            "measure": "fine",
            "fine_yuan": "30000",
            "deciding_body_id": site["market"].id,
            "decision_no": "杭市监罚〔2026〕3号",
        },
        headers=site["officer"],
    )
    assert decided.status_code == 200, decided.text
    page = client.get("/console/enforcement", headers=site["officer"]).text
    assert "杭市监罚〔2026〕3号" in page and 'class="form decide"' not in page  # decided: no more steps


def test_a_record_offers_each_finding_its_steps(client: TestClient, site: dict[str, Any]) -> None:
    path = f"/console/enforcement/records/{site['record']['id']}"
    officer = client.get(path, headers=site["officer"]).text
    assert officer.count('class="form to-hazard"') == 2 and officer.count('class="form to-violation"') == 2
    assert 'id="finding-add"' in officer and "/static/upload.js" in officer and "责令停产停业整顿" in officer
    first = site["record"]["findings"][0]["id"]
    made = client.post(f"/api/enforcement/findings/{first}/hazard", json={"category": "粉尘"}, headers=site["officer"])
    assert made.status_code == 201
    after = client.get(path, headers=site["officer"]).text
    assert f'href="/console/hazards/{made.json()["id"]}">隐患 {made.json()["id"]}</a>' in after
    assert after.count('class="form to-hazard"') == 1
    assert officer.count('class="form refer"') == 2 and "杭锦旗市场监督管理局</option>" in officer
    own = client.get(path, headers=site["enterprise"]).text
    assert "除尘器泄爆片缺失" in own and "to-hazard" not in own and 'id="finding-add"' not in own
    missing = client.get(f"/console/enforcement/records/{site['record']['id'] + 100}", headers=site["officer"])
    outsider = client.get(path, headers=site["outsider"])
    assert missing.status_code == outsider.status_code == 404

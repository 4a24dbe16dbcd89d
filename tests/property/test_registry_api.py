"""The compound registry over HTTP on both engines: scope (a street sees only its compounds), bad input with the
field named and nothing stored, contract filing deadlines from the programme data, fund requests, audit."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests import factories
from tests.property.conftest import COMPANY, People, Places, compound
from yingji.audit.models import AuditEntry
from yingji.auth.actor import SYSTEM
from yingji.core.errors import NotApplicable
from yingji.property import service
from yingji.property.models import Compound
from yingji.property.schemas import CompanyIn

pytestmark = pytest.mark.db


def _names(client: TestClient, who: dict[str, str]) -> set[str]:
    response = client.get("/api/property/compounds", headers=who)
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == len(page["items"])
    return {row["name"] for row in page["items"]}


def test_each_level_sees_only_its_compounds(client: TestClient, people: People, places: Places) -> None:
    assert _names(client, people["dongsheng"]) == {"锦秀苑", "航空家园", "育才小区"}
    assert _names(client, people["street"]) == {"锦秀苑", "航空家园"}
    assert _names(client, people["community"]) == {"锦秀苑"}
    assert _names(client, people["other_street"]) == {"育才小区"}
    assert _names(client, people["baotou"]) == {"保利花园"}
    assert client.get(f"/api/property/compounds/{places['jinxiu']}", headers=people["other_street"]).status_code == 404
    assert client.get(f"/api/property/compounds/{places['yucai']}", headers=people["community"]).status_code == 404
    assert client.get(f"/api/property/compounds/{places['jinxiu']}", headers=people["street"]).status_code == 200


def test_accounts_without_the_property_permission_are_refused(
    client: TestClient, people: People, places: Places
) -> None:
    assert client.get("/api/property/compounds", headers=people["expert"]).status_code == 403
    assert client.get("/api/property/compounds").status_code == 401


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"management": "none"}, "company"),  # 无物业 yet a company named
        ({"company": None}, "company"),  # professional management needs its company
        ({"committee": "none"}, "committee"),  # members without a committee
        ({"committee_party_members": 9}, "committee_party_members"),
        ({"households": -1}, "households"),
        ({"division_code": "150602"}, "division_code"),  # a county is not a compound's place
        ({"division_code": "150602999999"}, "division_code"),  # no such community
        ({"company": "不存在的物业公司"}, "company"),
        ({"fixed_parking_spaces": 2, "spaces_with_charging": 3}, "spaces_with_charging"),
        ({"extra": {"lift_count": 3}}, "extra.lift_count"),  # a survey item never added
    ],
)
def test_bad_compounds_are_refused_with_the_field(
    client: TestClient, db_session: Session, people: People, places: Places, changes: dict[str, Any], field: str
) -> None:
    before = db_session.scalar(select(func.count()).select_from(Compound))
    response = client.post(
        "/api/property/compounds", json=compound("新小区", "150602001002", **changes), headers=people["dongsheng"]
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == field or field in error["message"]
    assert db_session.scalar(select(func.count()).select_from(Compound)) == before


def test_writing_outside_the_jurisdiction_is_forbidden(client: TestClient, people: People, places: Places) -> None:
    response = client.post(
        "/api/property/compounds", json=compound("越界小区", "150602002001"), headers=people["street"]
    )
    assert response.status_code == 403
    company = {**COMPANY, "credit_code": "91150602MA0QC009XA", "name": "另一家公司", "division_code": "150625"}
    assert client.post("/api/property/companies", json=company, headers=people["dongsheng"]).status_code == 403


def test_party_branch_needs_three_members(client: TestClient, people: People) -> None:
    body = {**COMPANY, "party_members": 2, "party_branch": True}
    response = client.post("/api/property/companies", json=body, headers=people["dongsheng"])
    assert response.status_code == 422 and "001#L112-L114" in response.text


def test_saving_again_updates_and_is_audited_with_before_and_after(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    body = compound("锦秀苑", "150602001002", households=260, red_property=True)
    assert (
        client.post("/api/property/compounds", json=body, headers=people["dongsheng"]).json()["id"] == places["jinxiu"]
    )
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "property.compound.save").order_by(AuditEntry.seq.desc())
    ).first()
    assert entry is not None and entry.before is not None and entry.after is not None
    assert (entry.before["households"], entry.after["households"]) == (200, 260)


@pytest.mark.parametrize(
    ("place", "signed", "due", "basis"),
    [
        ("jinxiu", "2024-06-01", "2024-12-31", "001#L"),  # 东胜区：2024年底前全部备案
        ("jinxiu", "2024-12-31", "2024-12-31", "001#L"),  # the deadline day itself
        ("jinxiu", "2025-01-01", "2025-01-31", "平台默认"),  # after it: the platform's 30 days
        ("baoli", "2026-11-01", "2026-12-01", "平台默认"),  # 包头 gives no deadline
    ],
)
def test_filing_deadline_from_the_programme(
    client: TestClient, people: People, places: Places, place: str, signed: str, due: str, basis: str
) -> None:
    who = people["kundulun"] if place == "baoli" else people["dongsheng"]
    company = "包头市测试物业有限公司" if place == "baoli" else COMPANY["name"]
    body = {
        "compound_id": places[place],
        "company": company,
        "signed_on": signed,
        "starts_on": signed,
        "ends_on": "2029-12-31",
        "fee_standard": "1.20",
    }
    response = client.post("/api/property/contracts", json=body, headers=who)
    assert response.status_code == 201, response.text
    assert response.json()["filing_due"] == due and basis in response.json()["filing_basis"]


def test_filing_once_and_overdue_state(client: TestClient, people: People, places: Places) -> None:
    body = {
        "compound_id": places["jinxiu"],
        "company": COMPANY["name"],
        "signed_on": "2026-09-01",
        "starts_on": "2026-09-01",
        "ends_on": "2029-08-31",
        "fee_standard": "1.20",
    }
    made = client.post("/api/property/contracts", json=body, headers=people["dongsheng"]).json()
    listed = {c["id"]: c for c in client.get("/api/property/contracts", headers=people["street"]).json()["items"]}
    assert listed[made["id"]]["filing_state"] == "overdue"  # due 1 October, today 23 November
    filed = client.post(
        f"/api/property/contracts/{made['id']}/filing", json={"filed_on": "2026-11-20"}, headers=people["street"]
    )
    assert filed.status_code == 200 and filed.json()["filing_state"] == "late_filed"
    again = client.post(
        f"/api/property/contracts/{made['id']}/filing", json={"filed_on": "2026-11-21"}, headers=people["street"]
    )
    assert again.status_code == 422
    future = client.post("/api/property/contracts", json=body, headers=people["dongsheng"]).json()
    bad = client.post(
        f"/api/property/contracts/{future['id']}/filing", json={"filed_on": "2027-01-01"}, headers=people["dongsheng"]
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "filed_on"
    hidden = client.post(
        f"/api/property/contracts/{made['id']}/filing", json={"filed_on": "2026-11-20"}, headers=people["other_street"]
    )
    assert hidden.status_code == 404


def test_fund_request_is_decided_by_the_county(client: TestClient, people: People, places: Places) -> None:
    body = {
        "compound_id": places["jinxiu"],
        "item": "lift",
        "amount_yuan": "58000.00",
        "description": "2号楼电梯曳引机故障，需紧急更换",
    }
    made = client.post("/api/property/fund-requests", json=body, headers=people["community"])
    assert made.status_code == 201 and made.json()["state"] == "submitted"
    decision = {"approve": True, "note": "同意应急使用维修资金"}
    url = f"/api/property/fund-requests/{made.json()['id']}/decision"
    assert client.post(url, json=decision, headers=people["street"]).status_code == 403
    assert client.post(url, json=decision, headers=people["dongsheng"]).json()["state"] == "approved"
    assert client.post(url, json=decision, headers=people["dongsheng"]).status_code == 422


DONGSHENG_BOARD = (
    "project_manager",
    "contact",
    "complaint_phone",
    "service_content",
    "fees",
    "utility_sharing",
    "common_income",
    "maintenance_spending",
    "other_required",
)  # 信息公示栏各项（001#L464-L466）


def test_disclosure_check_completeness(client: TestClient, people: People, places: Places) -> None:
    url = "/api/property/disclosure-checks"
    done = {
        "compound_id": places["jinxiu"],
        "checked_on": "2026-11-20",
        "core_shown": 0,
        "items": dict.fromkeys(DONGSHENG_BOARD, True),
    }
    assert client.post(url, json=done, headers=people["community"]).json()["complete"] is True
    partial = {**done, "items": {"common_income": True}}
    assert client.post(url, json=partial, headers=people["community"]).json()["complete"] is False
    unknown = {**done, "items": {"garbage": True}}
    assert client.post(url, json=unknown, headers=people["community"]).json()["error"]["field"] == "items.garbage"
    # 包头 “12+N”: twelve core categories must all be shown
    baotou = {"compound_id": places["baoli"], "checked_on": "2026-11-20", "core_shown": 11, "items": {}}
    assert client.post(url, json=baotou, headers=people["kundulun"]).json()["complete"] is False
    assert client.post(url, json={**baotou, "core_shown": 12}, headers=people["kundulun"]).json()["complete"] is True
    assert client.post(url, json={**baotou, "core_shown": 13}, headers=people["kundulun"]).status_code == 422


def test_more_error_paths(client: TestClient, people: People, places: Places) -> None:
    county = client.put(
        "/api/property/counties/150602001", json={"industry_party_committee_on": None}, headers=people["dongsheng"]
    )
    assert county.status_code == 422 and county.json()["error"]["field"] == "division_code"
    decision = {"approve": False, "note": "不符合应急使用条件"}
    missing = client.post("/api/property/fund-requests/999999/decision", json=decision, headers=people["dongsheng"])
    assert missing.status_code == 404
    assert client.get("/api/property/public/compounds?division=150602").status_code == 422
    places_listed = client.get("/api/property/public/places?limit=500").json()["items"]
    assert {"code": "150602001002", "name": "锦秀社区", "parent": "150602001"} in places_listed
    assert all(p["code"].startswith(("150602", "150203")) for p in places_listed)  # only where a programme applies
    outside = {**COMPANY, "credit_code": "91150702MA0QC008XA", "name": "呼伦贝尔物业", "division_code": "150702"}
    admin = client.post("/api/property/companies", json=outside, headers=people["dongsheng"])
    assert admin.status_code == 403


def test_a_company_where_no_programme_applies_is_refused(db_session: Session, divisions: int) -> None:
    outside = CompanyIn.model_validate(
        {**COMPANY, "credit_code": "91150702MA0QC008XA", "name": "呼伦贝尔物业", "division_code": "150702"}
    )
    with pytest.raises(NotApplicable):
        service.save_company(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM, data=outside)

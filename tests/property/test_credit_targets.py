"""Credit from events, published yearly with the lists across two consecutive years; targets computed from the
registry into the ledger; quarterly duties whose findings feed credit; append-only tables."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.property.conftest import People, Places, compound
from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock
from yingji.ledger.models import Target, TargetValue
from yingji.property import credit, targets
from yingji.property.models import CreditEventRow, PropertyCompany
from yingji.property.schema import load

pytestmark = pytest.mark.db


def _company(db_session: Session, name: str = "鄂尔多斯市测试物业服务有限公司") -> int:
    found = db_session.scalar(select(PropertyCompany.id).where(PropertyCompany.name == name))
    assert found is not None
    return found


def _event(db_session: Session, company_id: int, year: int, kind: str, points: float, serious: bool = False) -> None:
    """A past year's event, recorded as it would have been that year."""
    who = Actor(username="ds_housing", role=Role.COUNTY_OFFICER, division_code="150602")
    credit.add_event(
        db_session=db_session,
        clock=FixedClock(datetime(year, 12, 20, tzinfo=UTC)),
        actor=who,
        data=credit.EventIn(
            company_id=company_id, on=date(year, 12, 1), input=kind, points=points, serious=serious, note="测试事件"
        ),
    )


def test_credit_from_events_and_the_two_year_black_list(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    company = _company(db_session)
    _event(db_session, company, 2024, "administrative_penalty", -20)  # 80 − 30 = 50: C, black
    _event(db_session, company, 2025, "daily_inspection", -25)  # 55: C, black again
    publish = "/api/property/credit/publish"
    assert client.post(publish, json={"year": 2024}, headers=people["street"]).status_code == 403  # not a street's
    first = client.post(publish, json={"year": 2024}, headers=people["dongsheng"]).json()
    mine = next(r for r in first if r["company_id"] == company)
    assert (mine["score"], mine["grade"], mine["roster"], mine["consequences"]) == (50.0, "C", "black", [])
    second = next(
        r
        for r in client.post(publish, json={"year": 2025}, headers=people["dongsheng"]).json()
        if r["company_id"] == company
    )
    assert {c["what"] for c in second["consequences"]} == {"key_rectification", "no_awards", "media_exposure"}
    assert all(c["seed"] == "001#L586-L590" for c in second["consequences"])
    standing = client.get(f"/api/property/companies/{company}/standing?year=2026", headers=people["dongsheng"]).json()
    assert standing["awards_allowed"] is False and standing["key_rectification"] is True
    public = client.get("/api/property/public/credit/2025").json()["items"]
    assert {
        "company": "鄂尔多斯市测试物业服务有限公司",
        "year": 2025,
        "grade": "C",
        "roster": "black",
        "consequences": ["列入重点整改企业", "取消行业各类奖励评比资格", "通过媒体向社会曝光"],
    } in public
    again = client.post(publish, json={"year": 2025}, headers=people["dongsheng"]).json()
    assert again == []  # published once
    late = {"company_id": company, "on": "2025-06-01", "input": "daily_inspection", "points": 5, "note": "补录"}
    assert client.post("/api/property/credit/events", json=late, headers=people["dongsheng"]).status_code == 422
    assert client.post(publish, json={"year": 2026}, headers=people["dongsheng"]).status_code == 422  # year not over


def test_red_list_earns_the_reward(client: TestClient, db_session: Session, people: People, places: Places) -> None:
    company = _company(db_session)
    _event(db_session, company, 2025, "contract_performance", 10)
    _event(db_session, company, 2025, "street_community_opinion", 6)
    result = next(
        r
        for r in client.post("/api/property/credit/publish", json={"year": 2025}, headers=people["dongsheng"]).json()
        if r["company_id"] == company
    )
    assert (result["grade"], result["roster"]) == ("AAA", "red")
    standing = client.get(f"/api/property/companies/{company}/standing?year=2026", headers=people["dongsheng"]).json()
    assert standing["reward_eligible"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"input": "gossip"}, "input"),
        ({"points": -31}, "points"),
        ({"points": 11}, "points"),
        ({"on": "2026-12-01"}, "on"),
    ],
)
def test_bad_credit_events(
    client: TestClient, db_session: Session, people: People, places: Places, body: dict[str, Any], field: str
) -> None:
    good = {
        "company_id": _company(db_session),
        "on": "2026-11-01",
        "input": "daily_inspection",
        "points": -3,
        "note": "检查发现问题",
    }
    response = client.post("/api/property/credit/events", json={**good, **body}, headers=people["dongsheng"])
    assert response.status_code == 422 and response.json()["error"]["field"] == field
    assert db_session.scalar(select(CreditEventRow.id)) is None


def test_a_new_method_version_changes_new_results_only(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    company = _company(db_session)
    _event(db_session, company, 2025, "contract_performance", 5)  # v1: 85 → AA
    method = {
        "version": "v2",
        "base": 70,
        "weights": {
            k: 1.0
            for k in (
                "contract_performance",
                "complaint_handling",
                "daily_inspection",
                "street_community_opinion",
                "administrative_penalty",
            )
        },
        "bands": [["AAA", 95], ["AA", 85], ["A", 75], ["B", 60], ["C", 0]],
        "red_grades": ["AAA"],
        "black_grades": ["C"],
        "black_on_serious": True,
        "note": "局务会决定提高门槛",
    }
    assert client.post("/api/property/credit/methods", json=method, headers=people["street"]).status_code == 403
    assert client.post("/api/property/credit/methods", json=method, headers=people["dongsheng"]).status_code == 201
    assert client.post("/api/property/credit/methods", json=method, headers=people["dongsheng"]).status_code == 409
    bad = {**method, "version": "v3", "bands": [["AAA", 95], ["AA", 96], ["A", 75], ["B", 60], ["C", 0]]}
    assert client.post("/api/property/credit/methods", json=bad, headers=people["dongsheng"]).status_code == 422
    result = next(
        r
        for r in client.post("/api/property/credit/publish", json={"year": 2025}, headers=people["dongsheng"]).json()
        if r["company_id"] == company
    )
    assert (result["method_version"], result["score"], result["grade"]) == ("v2", 75.0, "A")


def test_targets_are_computed_from_the_registry(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    dongsheng = load("dongsheng-property-2024")
    rows = {r["target"]: r for r in targets.compute(db_session, dongsheng, 2026)}
    # three Dongsheng compounds: 锦秀苑 (committee), 航空家园 (none), 育才小区 (committee, 无物业)
    assert rows["committee_rate"]["value"] == round(200 / 3, 2) and rows["committee_rate"]["goal"] == 98
    assert rows["property_service_coverage"]["value"] == round(200 / 3, 2)
    assert rows["red_property_compounds"]["value"] == 0 and rows["red_property_compounds"]["goal"] == 300
    body = compound("航空家园", "150602001003", red_property=True)  # forms a committee, becomes red property
    assert client.post("/api/property/compounds", json=body, headers=people["dongsheng"]).status_code == 201
    rows = {r["target"]: r for r in targets.compute(db_session, dongsheng, 2026)}
    assert rows["committee_rate"]["value"] == 100.0 and rows["committee_rate"]["met"] is True
    assert rows["red_property_compounds"]["value"] == 1
    baotou = {r["target"]: r for r in targets.compute(db_session, load("baotou-property-2025"), 2026)}
    assert baotou["professional_coverage"]["value"] == 100.0  # 保利花园 only
    assert baotou["district_party_committee_coverage"]["within"] == ["昆区", "青山区", "东河区", "九原区", "稀土高新区"]
    assert baotou["district_party_committee_coverage"]["value"] == 0.0
    put = client.put(
        "/api/property/counties/150203", json={"industry_party_committee_on": "2026-03-01"}, headers=people["kundulun"]
    )
    assert put.status_code == 200
    baotou = {r["target"]: r for r in targets.compute(db_session, load("baotou-property-2025"), 2026)}
    assert baotou["district_party_committee_coverage"]["value"] == 20.0  # 1 of the 5 named districts


def test_committees_of_ineligible_compounds_do_not_count(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    body = compound("包头小区甲", "150203012023", company="包头市测试物业有限公司", committee_eligible=False)
    assert client.post("/api/property/compounds", json=body, headers=people["kundulun"]).status_code == 201
    rows = {r["target"]: r for r in targets.compute(db_session, load("baotou-property-2025"), 2026)}
    assert rows["committee_rate"]["value"] == 100.0  # 1 eligible (保利花园, with committee) — not 2 of 1


def test_sync_writes_the_ledger_once_per_change(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    sync = client.post("/api/property/targets/sync", headers=people["dongsheng"]).json()
    assert sync["loaded"] == 27 + 7 and sync["values"] > 0
    again = client.post("/api/property/targets/sync", headers=people["dongsheng"]).json()
    assert again == {"loaded": 0, "values": 0}
    target = db_session.scalar(
        select(Target).where(Target.programme == "dongsheng-property-2024", Target.code == "committee_rate.2026")
    )
    assert target is not None and target.target_value == 98
    values = db_session.scalars(select(TargetValue).where(TargetValue.target_id == target.id)).all()
    assert [(v.year, v.value, v.source) for v in values] == [(2026, round(200 / 3, 2), targets.SOURCE)]
    ledger = {
        t["code"]: t
        for t in client.get(
            "/api/ledger/targets?programme=dongsheng-property-2024&limit=500", headers=people["dongsheng"]
        ).json()["items"]
    }
    assert ledger["committee_rate.2026"]["latest_value"] == round(200 / 3, 2)


def test_quarterly_duties_and_findings_feed_credit(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    duties = client.get("/api/property/duties", headers=people["street"]).json()["items"]
    assert {(d["activity"], d["period"], d["due_on"]) for d in duties} == {
        ("joint_inspection", "2026-Q4", "2026-12-31"),
        ("joint_meeting", "2026-Q4", "2026-12-31"),
    }
    assert {d["division_code"] for d in duties} == {"150602001"}
    all_streets = client.get("/api/property/duties", headers=people["dongsheng"]).json()["items"]
    assert len(all_streets) == 2 * 16  # every street and town of 东胜区
    inspection = next(d for d in duties if d["activity"] == "joint_inspection")
    url = f"/api/property/duties/{inspection['id']}/records"
    record = {
        "held_on": "2026-11-20",
        "participants": ["交通街道", "区住房保障综合服务中心"],
        "summary": "联合检查",
        "findings": [{"compound_id": places["jinxiu"], "severity": "general", "text": "消防通道堆放杂物"}],
    }
    assert client.post(url, json={**record, "held_on": "2026-09-30"}, headers=people["street"]).status_code == 422
    foreign = {**record, "findings": [{"compound_id": places["yucai"], "severity": "minor", "text": "别的街道"}]}
    assert (
        client.post(url, json=foreign, headers=people["street"]).json()["error"]["field"] == "findings[0].compound_id"
    )
    assert client.post(url, json=record, headers=people["other_street"]).status_code == 404
    assert client.post(url, json=record, headers=people["street"]).status_code == 201
    states = {d["id"]: d["state"] for d in client.get("/api/property/duties", headers=people["street"]).json()["items"]}
    assert states[inspection["id"]] == "done"
    events = db_session.scalars(select(CreditEventRow).where(CreditEventRow.input == "daily_inspection")).all()
    assert [(e.points, e.company_id) for e in events] == [(-3, _company(db_session))]


@pytest.mark.parametrize(
    ("table", "row"),
    [
        (
            "property_survey_item",
            "(programme, key, label, type, added_by, added_at) VALUES "
            "('dongsheng-property-2024', 'lifts', '电梯数', 'int', 't', CURRENT_TIMESTAMP)",
        ),
        (
            "property_credit_method",
            "(version, body, note, created_by, created_at) VALUES ('t1', '{}', 't', 't', CURRENT_TIMESTAMP)",
        ),
    ],
)
def test_append_only_tables_refuse_changes(db_session: Session, table: str, row: str) -> None:
    db_session.execute(text(f"INSERT INTO {table} {row}"))
    for statement in (
        f"DELETE FROM {table}",
        f"UPDATE {table} SET created_by = 'x'" if "method" in table else f"UPDATE {table} SET label = 'x'",
    ):
        with pytest.raises(DBAPIError), db_session.begin_nested():
            db_session.execute(text(statement))


def test_grassroots_events_and_publication_order(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    company = _company(db_session)
    event = {
        "company_id": company,
        "on": "2026-11-01",
        "input": "administrative_penalty",
        "points": -30,
        "serious": True,
        "note": "社区认定严重失信",
    }
    assert client.post("/api/property/credit/events", json=event, headers=people["community"]).status_code == 403
    opinion = {**event, "input": "street_community_opinion", "points": -2, "serious": False, "note": "社区意见"}
    assert client.post("/api/property/credit/events", json=opinion, headers=people["community"]).status_code == 201
    preview = f"/api/property/credit/companies/{company}/2026"
    assert client.get(preview, headers=people["street"]).status_code == 403
    assert client.get(preview, headers=people["dongsheng"]).json()["score"] == 78.0
    publish = "/api/property/credit/publish"
    assert client.post(publish, json={"year": 2022}, headers=people["dongsheng"]).status_code == 422
    assert client.post(publish, json={"year": 2025}, headers=people["dongsheng"]).status_code == 200
    earlier = client.post(publish, json={"year": 2024}, headers=people["dongsheng"])
    assert earlier.status_code == 422 and "2025" in earlier.json()["error"]["message"]
    sync = client.post("/api/property/targets/sync", headers=people["street"])
    assert sync.status_code == 403
    assert client.get("/api/property/targets", headers=people["street"]).json()["items"][0]["programme"] == (
        "dongsheng-property-2024"
    )

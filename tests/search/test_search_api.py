"""/api/search: each kind through its domain's scope; wildcards match themselves; a short query is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.roles import Role
from yingji.hazards.models import Hazard
from yingji.incidents.enums import IncidentStatus
from yingji.incidents.models import Incident
from yingji.rules.hazards import HazardGrade, HazardState

pytestmark = pytest.mark.db
AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _incident(db_session: Session, title: str, division: str, enterprise_id: int | None = None) -> Incident:
    row = Incident(
        title=title,
        division_code=division,
        sector="non_coal_mine",
        accident_type="透水",
        enterprise_id=enterprise_id,
        occurred_at=AT,
        known_at=AT,
        status=IncidentStatus.REPORTED,
        facts={},
        plan_ids=[],
        created_by="test",
        created_at=AT,
    )
    db_session.add(row)
    db_session.flush()
    return row


def _hazard(db_session: Session, organisation_id: int, division: str, place: str) -> Hazard:
    row = Hazard(
        channel="self_check",
        organisation_id=organisation_id,
        division_code=division,
        place=place,
        description="主扇风机备用电源未接入",
        category="通风",
        grade=HazardGrade.GENERAL,
        criteria=[],
        state=HazardState.REPORTED,
        found_on=date(2026, 11, 19),
        reported_by="test",
        created_at=AT,
        updated_at=AT,
    )
    db_session.add(row)
    db_session.flush()
    return row


@pytest.fixture
def world(db_session: Session, divisions: int) -> dict[str, Any]:
    """Two counties of 鄂尔多斯 with a unit, a mine, an incident and a hazard each, and one account per role."""
    dongsheng = factories.enterprise(db_session, "检索甲煤业有限公司", "150602")
    hangjin = factories.enterprise(db_session, "检索乙煤业有限公司", "150625")
    factories.mine(db_session, "检索甲煤矿", "检索甲煤业有限公司", "150602")
    factories.mine(db_session, "检索乙煤矿", "检索乙煤业有限公司", "150625")
    _incident(db_session, "检索甲煤矿透水事故", "150602", dongsheng.id)
    _incident(db_session, "检索乙煤矿透水事故", "150625", hangjin.id)
    _hazard(db_session, dongsheng.id, "150602", "检索甲煤矿主扇房")
    _hazard(db_session, hangjin.id, "150625", "检索乙煤矿主扇房")
    heads = {
        "dongsheng": factories.bearer(db_session, "search_dongsheng", Role.COUNTY_OFFICER, "150602"),
        "hangjin": factories.bearer(db_session, "search_hangjin", Role.COUNTY_OFFICER, "150625"),
        "ordos": factories.bearer(db_session, "search_ordos", Role.CITY_OFFICER, "150600"),
    }
    factories.user(db_session, "search_admin", Role.ADMIN)
    heads["admin"] = {"Authorization": f"Bearer {factories.token_for(db_session, 'search_admin')}"}
    factories.user(db_session, "search_reporter", Role.ENTERPRISE_REPORTER, organisation_id=dongsheng.id)
    heads["reporter"] = {"Authorization": f"Bearer {factories.token_for(db_session, 'search_reporter')}"}
    return heads


def _titles(answer: dict[str, Any], kind: str) -> list[str]:
    return [h["title"] for g in answer["groups"] if g["kind"] == kind for h in g["hits"]]


def test_a_county_finds_only_its_own_records(client: TestClient, world: dict[str, Any]) -> None:
    answer = client.get("/api/search", params={"q": "检索"}, headers=world["dongsheng"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert _titles(body, "incident") == ["检索甲煤矿透水事故"]
    assert _titles(body, "organisation") == ["检索甲煤业有限公司"]
    assert _titles(body, "mine") == ["检索甲煤矿"]
    assert _titles(body, "hazard") == ["检索甲煤业有限公司 · 检索甲煤矿主扇房"]
    assert "person" not in body["searched"]  # accounts are the administrators' to look up
    incident = next(g for g in body["groups"] if g["kind"] == "incident")["hits"][0]
    assert incident["kind_label"] == "事故" and incident["url"].startswith("/console/incidents/")
    assert "东胜区" in incident["subtitle"] and "已报告" in incident["subtitle"]
    mine = next(g for g in body["groups"] if g["kind"] == "mine")["hits"][0]
    assert mine["url"] == f"/console/records/mines/{mine['id']}"
    assert "检索甲煤业有限公司" in mine["subtitle"]
    # the other county, asked by name, is not found at all
    other = client.get("/api/search", params={"q": "检索乙"}, headers=world["dongsheng"]).json()
    assert other["groups"] == []


def test_the_city_finds_both_counties_and_an_enterprise_only_itself(client: TestClient, world: dict[str, Any]) -> None:
    city = client.get("/api/search", params={"q": "透水事故"}, headers=world["ordos"]).json()
    assert sorted(_titles(city, "incident")) == ["检索乙煤矿透水事故", "检索甲煤矿透水事故"]
    own = client.get("/api/search", params={"q": "检索"}, headers=world["reporter"]).json()
    assert _titles(own, "organisation") == ["检索甲煤业有限公司"]
    assert _titles(own, "incident") == ["检索甲煤矿透水事故"]


def test_people_only_for_administrators(client: TestClient, world: dict[str, Any]) -> None:
    admin = client.get("/api/search", params={"q": "search_"}, headers=world["admin"]).json()
    assert "search_hangjin" in _titles(admin, "person")
    hit = next(g for g in admin["groups"] if g["kind"] == "person")["hits"][0]
    assert hit["kind_label"] == "人员"
    officer = client.get("/api/search", params={"q": "search_"}, headers=world["dongsheng"]).json()
    assert _titles(officer, "person") == []


def test_wildcards_match_themselves(client: TestClient, db_session: Session, world: dict[str, Any]) -> None:
    factories.enterprise(db_session, "百分之百%公司", "150602")
    factories.enterprise(db_session, "下划_线公司", "150602")
    factories.enterprise(db_session, "下划X线公司", "150602")
    percent = client.get("/api/search", params={"q": "%公司"}, headers=world["dongsheng"]).json()
    assert _titles(percent, "organisation") == ["百分之百%公司"]
    underscore = client.get("/api/search", params={"q": "划_线"}, headers=world["dongsheng"]).json()
    assert _titles(underscore, "organisation") == ["下划_线公司"]
    everything = client.get("/api/search", params={"q": "%%"}, headers=world["dongsheng"]).json()
    assert everything["groups"] == []


def test_bounded_per_kind(client: TestClient, db_session: Session, world: dict[str, Any]) -> None:
    for n in range(4):
        _incident(db_session, f"检索批量事故{n}", "150602")
    answer = client.get("/api/search", params={"q": "检索批量", "limit": 3}, headers=world["dongsheng"]).json()
    group = next(g for g in answer["groups"] if g["kind"] == "incident")
    assert len(group["hits"]) == 3 and group["more"] is True


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "甲"}, {"q": "  甲 "}, {"q": "检索", "limit": 0}])
def test_empty_or_short_query_is_422(client: TestClient, world: dict[str, Any], params: dict[str, Any]) -> None:
    answer = client.get("/api/search", params=params, headers=world["dongsheng"])
    assert answer.status_code == 422


def test_search_needs_a_login(client: TestClient, world: dict[str, Any]) -> None:
    assert client.get("/api/search", params={"q": "检索"}).status_code == 401


@pytest.mark.parametrize("raw", ["%EF%BF%BE%EF%BF%BE", "%00%00", "a%0Bb", "x" * 61])
def test_control_characters_and_long_queries_are_422(client: TestClient, world: dict[str, Any], raw: str) -> None:
    answer = client.get(f"/api/search?q={raw}", headers=world["dongsheng"])
    assert answer.status_code == 422

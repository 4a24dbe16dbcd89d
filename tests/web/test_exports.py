"""The incident and warning registers' search, filters and spreadsheet export over HTTP: the export holds exactly
what the list holds for the same filters and the same account; refusals as the list's."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.factories.incidents import initial, jiuyuan_people
from tests.support.spreadsheets import rows_of
from yingji.auth.roles import Role

pytestmark = pytest.mark.db


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    found = jiuyuan_people(db_session)
    found["street"] = factories.bearer(db_session, "street", Role.GRASSROOTS_OFFICER, "150602001")
    return found


def test_incident_register_search_and_export(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    county = people["county"]
    for n, title in enumerate(("某矿透水事故", "某厂火灾事故")):
        body = initial(client_key=f"report-000{n + 2}", title=title).model_dump(mode="json")
        assert client.post("/api/incidents", json=body, headers=county).status_code == 201
    found = client.get("/api/incidents", params={"q": "透水"}, headers=county).json()
    assert [i["title"] for i in found["items"]] == ["某矿透水事故"]
    page = client.get("/console/incidents", params={"q": "火灾"}, headers=county).text
    assert "某厂火灾事故" in page and "某矿透水事故" not in page and "/api/incidents/export.xlsx?q=" in page
    rows = rows_of(client.get("/api/incidents/export.xlsx", params={"q": "透水"}, headers=county).content)
    assert rows[0][:3] == ("编号", "事故", "事发地") and [r[1] for r in rows[1:]] == ["某矿透水事故"]
    assert len(rows_of(client.get("/api/incidents/export.xlsx", headers=people["city"]).content)) == 3
    assert len(rows_of(client.get("/api/incidents/export.xlsx", headers=people["other"]).content)) == 1
    assert client.get("/api/incidents/export.xlsx", params={"status": "nope"}, headers=county).status_code == 422
    assert client.get("/api/incidents/export.xlsx", headers=people["street"]).status_code == 403


def test_warning_register_search_and_export(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    county = people["county"]
    page = client.get("/console/warnings", params={"q": "暴雨", "level": 3}, headers=county)
    assert page.status_code == 200 and "/api/warnings/export.xlsx?q=" in page.text
    rows = rows_of(client.get("/api/warnings/export.xlsx", params={"q": "暴雨"}, headers=county).content)
    assert rows == [
        ("编号", "标题", "类别", "种类", "级别", "状态", "区域", "发布机关", "发布时间", "解除时间", "演练")
    ]
    assert client.get("/api/warnings/export.xlsx", params={"level": 9}, headers=county).status_code == 422
    assert client.get("/api/warnings/export.xlsx", headers=people["street"]).status_code == 403

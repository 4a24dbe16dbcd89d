"""The meteorological disaster risk database (issue 26 item 2; 003#L6 3.1.1 “组织气象灾害风险普查、风险评估和风险区划，
健全气象灾害基础信息数据库”): risk points by place and hazard, highest first, shown in a weather response's room."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.incidents.test_weather_response import issued_rainstorm, weather_people

pytestmark = pytest.mark.db
POINT = {
    "division_code": "150602",
    "hazard": "rainstorm",
    "level": "high",
    "place": "东胜区铁西沙沟下游低洼地",
    "exposure": "居民 320 户、小学 1 所",
    "source": "zoning",
    "year": 2025,
}


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    return weather_people(db_session)


def test_risk_points_highest_first_and_in_the_rooms_of_their_hazard(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    for body in (
        {**POINT, "level": "medium", "place": "康巴什区乌兰木伦河滨河路"},
        POINT,
        {**POINT, "hazard": "gale", "place": "伊金霍洛旗高速公路桥梁段"},
    ):
        made = client.post("/api/weather-risks", json=body, headers=people["duty"])
        assert made.status_code == 201, made.text
    listed = client.get("/api/weather-risks", params={"hazard": "rainstorm"}, headers=people["duty"]).json()
    assert [r["level_label"] for r in listed["items"]] == ["高风险", "中风险"]
    assert listed["items"][0]["hazard_name"] == "暴雨" and listed["items"][0]["source_label"] == "风险区划"
    assert client.get("/api/weather-risks", headers=people["baotou"]).json()["total"] == 0
    warning = issued_rainstorm(client, people)
    incident = client.post(f"/api/incidents/from-warning/{warning}", headers=people["duty"]).json()["id"]
    room = client.get(f"/console/incidents/{incident}", headers=people["duty"]).text
    section = room[room.index('id="weather-risks"') : room.index('id="command"')]
    assert "东胜区铁西沙沟下游低洼地" in section and "2025年风险区划" in section
    assert "伊金霍洛旗高速公路桥梁段" not in section  # a gale point is not a rainstorm's
    assert section.index("高风险") < section.index("中风险")


@pytest.mark.parametrize(
    ("who", "change", "status", "subcode"),
    [
        ("duty", {"hazard": "tornado"}, 422, "risks.hazard.unknown"),
        ("duty", {"year": 2099}, 422, None),
        ("duty", {"year": 2027}, 422, "risks.year.future"),
        ("duty", {"level": "extreme"}, 422, None),
        ("baotou", {}, 403, None),  # another city's place
        ("met", {}, 403, None),  # the met office forecasts; the place's officers keep the database
    ],
)
def test_refusals(
    client: TestClient,
    people: dict[str, dict[str, str]],
    who: str,
    change: dict[str, Any],
    status: int,
    subcode: str | None,
) -> None:
    answer = client.post("/api/weather-risks", json=POINT | change, headers=people[who])
    assert answer.status_code == status, answer.text
    if subcode:
        assert answer.json()["error"]["subcode"] == subcode
    assert client.get("/api/weather-risks", headers=people["duty"]).json()["total"] == 0


def test_an_enterprise_account_keeps_no_risk_points(
    client: TestClient, people: dict[str, dict[str, str]], db_session: Session
) -> None:
    from tests import factories
    from yingji.auth.roles import Role

    firm = factories.enterprise(db_session, "东胜示例煤业有限公司", "150602")
    factories.user(db_session, "ds_firm", Role.ENTERPRISE_REPORTER, division="150602", organisation_id=firm.id)
    headers = {"Authorization": f"Bearer {factories.token_for(db_session, 'ds_firm')}"}
    answer = client.post("/api/weather-risks", json=POINT, headers=headers)
    assert answer.status_code == 403 and answer.json()["error"]["subcode"] == "risks.enterprise"

"""The warnings API over HTTP on both engines: draft → issue → adjust → lift, CAP and Atom, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.warnings.test_lifecycle import POND_FIELDS
from yingji.auth.roles import Role

pytestmark = pytest.mark.db


def draft(level: int) -> dict[str, Any]:
    return {
        "kind": "accident",
        "plan_id": "baotou-noncoal-2025",
        "level": level,
        "category": "尾矿库溃坝",
        "title": "某尾矿库溃坝风险预警",
        "division_codes": ["150206"],
        "fields": POND_FIELDS,
    }


def test_flow_and_publication(client: TestClient, db_session: Session, divisions: int) -> None:
    city = factories.bearer(db_session, "baotou_duty", Role.CITY_OFFICER, "150200")
    county = factories.bearer(db_session, "baiyun_duty", Role.COUNTY_OFFICER, "150206")
    other = factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602")
    created = client.post("/api/warnings", json=draft(3), headers=city)
    assert created.status_code == 201, created.text
    warning_id = created.json()["id"]
    refused = client.post(f"/api/warnings/{warning_id}/issue", headers=county)
    assert refused.status_code == 403 and refused.json()["error"]["basis"]
    assert client.get(f"/api/warnings/{warning_id}", headers=other).status_code == 404
    issued = client.post(f"/api/warnings/{warning_id}/issue", headers=city)
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    cap_xml = client.get(f"/api/warnings/{warning_id}/cap", headers=city)
    assert cap_xml.headers["content-type"].startswith("application/cap+xml") and b"<msgType>Alert" in cap_xml.content
    feed = client.get("/api/warnings/feed.atom", headers=city)
    assert feed.status_code == 200 and b"<entry" in feed.content
    adjusted = client.post(
        f"/api/warnings/{warning_id}/adjust",
        json={"level": 3, "fields": {"事态发展": "趋缓"}, "reason": "降雨减弱"},
        headers=city,
    )
    assert adjusted.status_code == 200
    lifted = client.post(f"/api/warnings/{warning_id}/lift", json={"reason": "险情排除"}, headers=county)
    assert lifted.status_code == 403
    lifted = client.post(f"/api/warnings/{warning_id}/lift", json={"reason": "险情排除"}, headers=city)
    assert lifted.status_code == 200 and lifted.json()["status"] == "lifted"
    detail = client.get(f"/api/warnings/{warning_id}", headers=city).json()
    assert [m["msg_type"] for m in detail["messages"]] == ["Alert", "Update", "Cancel"]
    identifier = detail["messages"][0]["identifier"]
    assert client.get(f"/api/warnings/cap/{identifier}.xml", headers=city).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (draft(3) | {"fields": {}}, "fields.可能影响范围"),
        (draft(3) | {"plan_id": "no-such-plan"}, "plan_id"),
        (draft(3) | {"division_codes": ["159999"]}, "division_codes"),
        (draft(5), "level"),
        (draft(3) | {"kind": "meteorological"}, "hazard"),
    ],
)
def test_bad_drafts(client: TestClient, db_session: Session, divisions: int, body: dict[str, Any], field: str) -> None:
    city = factories.bearer(db_session, "baotou_duty", Role.CITY_OFFICER, "150200")
    response = client.post("/api/warnings", json=body, headers=city)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_weather_assessment(client: TestClient, db_session: Session, divisions: int) -> None:
    """§8.2.2: 50% of the area forecast ≥100 mm is 暴雨 Ⅰ (red); gale Ⅳ; combined red, signed by 总指挥 (4.3)."""
    city = factories.bearer(db_session, "ordos_duty", Role.CITY_OFFICER, "150600")
    body = {
        "observations": [
            {
                "hazard": "rainstorm",
                "on": "2026-07-20",
                "samples": {"forecast_precip_24h_mm": [120.0] * 5 + [10.0] * 5},
                "confirmed": ["降雨仍将持续，范围仍在扩大"],
            },
            {
                "hazard": "gale",
                "on": "2026-07-20",
                "samples": {"mean_wind_beaufort": [8.0] * 6 + [3.0] * 4},
                "confirmed": ["预计未来24小时出现，或者已经出现上述情况并可能持续"],
            },
        ]
    }
    response = client.post("/api/warnings/weather/assess", json=body, headers=city)
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["hazards"]["rainstorm"]["level"], result["hazards"]["gale"]["level"]) == (1, 4)
    assert result["hazards"]["rainstorm"]["network_sms"] is True
    assert result["level"] == 1 and result["signed_by"] == "总指挥"
    assert (result["colour"], result["hazards"]["rainstorm"]["colour"]) == ("红色", "红色")
    assert result["hazards"]["rainstorm"]["hazard_name"] == "暴雨" and result["basis"][0]["clause"]
    bad = client.post(
        "/api/warnings/weather/assess",
        json={"observations": [{"hazard": "tornado", "on": "2026-07-20", "samples": {}}]},
        headers=city,
    )
    assert bad.status_code in (404, 422)

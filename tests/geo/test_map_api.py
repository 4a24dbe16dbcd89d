"""一张图 and 指挥大屏 over HTTP on both engines: each account gets its own jurisdiction's features, a red pond alarm
shows as a site in alarm and a red pond, a warning shades the counties it covers, the radius query lists teams and
shelters with distance and drive, street accounts are refused and bad parameters are 422."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests import factories
from tests.factories.incidents import initial
from tests.monitoring.conftest import START, Site
from yingji.auth.roles import Role
from yingji.registry.demo import issue_demo_warnings

pytestmark = pytest.mark.db


def layers(site: Site, headers: dict[str, str]) -> dict[str, Any]:
    answer = site.client.get("/api/map/layers", headers=headers)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def layer(found: dict[str, Any], key: str) -> list[dict[str, Any]]:
    [wanted] = [item for item in found["layers"] if item["key"] == key]
    features: list[dict[str, Any]] = wanted["features"]
    return features


@pytest.fixture
def places(site: Site, db_session: Session) -> dict[str, Any]:
    """Teams and shelters in 东胜区 and 杭锦旗 (锡尼镇)."""
    factories.team(db_session, "东胜区消防救援大队", "150602", 109.98, 39.82, kind="fire")
    factories.team(db_session, "杭锦旗消防救援大队", "150625", 108.735, 39.84, kind="fire")
    for name, division, lon, lat, capacity in (
        ("东胜区体育场避难场所", "150602", 109.97, 39.81, 8000),
        ("锡尼镇第一中学避难场所", "150625", 108.738, 39.83, 1500),
    ):
        factories.save(
            db_session,
            "shelters",
            name=name,
            kind="outdoor",
            division_code=division,
            capacity=capacity,
            lon=lon,
            lat=lat,
        )
    return {"hangjin": site.outsider, "dongsheng": site.officer}


def test_each_county_gets_its_own_jurisdiction_and_features(site: Site, places: dict[str, Any]) -> None:
    hangjin = layers(site, places["hangjin"])
    assert (hangjin["scope_code"], hangjin["scope_name"], hangjin["focus"]) == ("150625", "杭锦旗", ["150625"])
    assert hangjin["cities"] == ["150600"]  # the city's counties are drawn around it, for orientation
    assert "杭锦旗" in {c["name"] for c in hangjin["counties"]}
    assert [f["name"] for f in layer(hangjin, "teams")] == ["杭锦旗消防救援大队"]
    assert [f["name"] for f in layer(hangjin, "shelters")] == ["锡尼镇第一中学避难场所"]
    assert layer(hangjin, "ponds") == [] and layer(hangjin, "mines") == []  # 东胜区's sites are not 杭锦旗's
    team = layer(hangjin, "teams")[0]
    assert (team["category"], team["category_label"], team["division_name"]) == ("fire", "消防救援", "杭锦旗")
    assert team["url"].startswith("/console/records/rescue_teams/")
    dongsheng = layers(site, places["dongsheng"])
    assert dongsheng["focus"] == ["150602"]
    assert [f["name"] for f in layer(dongsheng, "ponds")] == ["甲尾矿库"]
    assert [f["name"] for f in layer(dongsheng, "teams")] == ["东胜区消防救援大队"]
    [mine] = layer(dongsheng, "mines")
    assert (mine["group"], mine["group_label"], mine["category_label"]) == ("coal_underground", "井工煤矿", "生产")


def test_a_red_pond_is_a_site_in_alarm_and_a_red_pond(site: Site) -> None:
    body = {"code": "JRX-01", "name": "1号断面浸润线", "kind": "PHREATIC_LINE", "pond": "甲尾矿库"}
    site.point(body | {"design": {"yellow": 8.0, "red": 4.0}, "clear_margin": 0.2})
    site.send([("JRX-01", site.now_ms() + 1000, 3.5)])  # shallower than red: 紧急
    found = layers(site, site.officer)
    [alarm] = layer(found, "alarms")
    assert (alarm["name"], alarm["category"], alarm["category_label"]) == ("甲尾矿库", "critical", "紧急")
    assert (alarm["group"], alarm["url"]) == ("pond", f"/console/alarms?site=pond:{site.pond_id}")
    [pond] = layer(found, "ponds")
    assert (pond["category"], pond["category_label"]) == ("red", "红色预警")
    legend = next(item for item in found["layers"] if item["key"] == "ponds")["legend"]
    assert legend == [{"category": "red", "label": "红色预警", "count": 1}]
    assert layer(layers(site, site.outsider), "alarms") == []  # 杭锦旗 sees nothing of 东胜区's alarm


def test_a_city_wide_warning_shades_each_of_its_counties(site: Site, db_session: Session) -> None:
    issue_demo_warnings(db_session=db_session, clock=site.clock)  # the Ordos rainstorm yellow warning (150600)
    found = layers(site, site.outsider)
    [area] = found["warnings"]
    assert area["warning"]["title"] == "鄂尔多斯市暴雨黄色预警（演示）" and area["warning"]["colour"] == "黄色"
    assert "150625" in area["counties"] and "150602" in area["counties"]
    assert all(code.startswith("1506") for code in area["counties"])  # Baotou's pond warning is not 杭锦旗's


def test_radius_lists_teams_and_shelters_with_distance_and_drive(site: Site, places: dict[str, Any]) -> None:
    answer = site.client.get(
        "/api/map/radius", params={"lon": 108.74, "lat": 39.83, "km": 10}, headers=places["hangjin"]
    )
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert [(i["name"], i["kind"]) for i in found["items"]] == [
        ("锡尼镇第一中学避难场所", "shelter"),
        ("杭锦旗消防救援大队", "rescue_team"),
    ]
    assert found["shelter_capacity"] == 1500 and found["total"] == 2
    distances = [i["distance_km"] for i in found["items"]]
    assert distances == sorted(distances) and distances[-1] <= 10
    assert found["items"][1]["travel_minutes"] >= 1  # the team, about a kilometre away
    assert {k["kind"]: k["count"] for k in found["by_kind"]} == {
        "rescue_team": 1,
        "depot": 0,
        "shelter": 1,
        "transport": 0,
    }
    wide = site.client.get(
        "/api/map/radius", params={"lon": 108.74, "lat": 39.83, "km": 300}, headers=places["hangjin"]
    )
    assert "东胜区体育场避难场所" not in {i["name"] for i in wide.json()["items"]}  # within reach, not in scope


def test_radius_around_an_incident_and_the_screen_lists_it(site: Site, places: dict[str, Any]) -> None:
    report = initial(title="甲煤矿透水事故", division_code="150602", sector="coal_mine", lon=109.96, lat=39.8)
    created = site.client.post("/api/incidents", json=report.model_dump(mode="json"), headers=site.officer)
    assert created.status_code == 201, created.text
    incident_id = created.json()["id"]
    near = site.client.get("/api/map/radius", params={"incident_id": incident_id, "km": 5}, headers=site.officer)
    assert near.status_code == 200, near.text
    assert near.json()["centre_name"] == "甲煤矿透水事故"
    assert {i["name"] for i in near.json()["items"]} == {"东胜区消防救援大队", "东胜区体育场避难场所"}
    hidden = site.client.get("/api/map/radius", params={"incident_id": incident_id, "km": 5}, headers=site.outsider)
    assert hidden.status_code == 404  # another county's incident is not there at all
    [shown] = layer(layers(site, site.officer), "incidents")
    assert (shown["id"], shown["url"]) == (incident_id, f"/console/incidents/{incident_id}")
    bodies = site.client.get("/api/duty/bodies", params={"q": "东胜区应急管理局"}, headers=site.officer).json()
    shift = {
        "body_id": bodies["items"][0]["id"],
        "starts_at": (START - timedelta(hours=1)).isoformat(),
        "ends_at": (START + timedelta(hours=8)).isoformat(),
        "officer": "dongsheng_duty",
        "leader_name": "王建国",
    }
    rostered = site.client.post("/api/duty/shifts", json=shift, headers=site.officer)
    assert rostered.status_code == 201, rostered.text
    screen = site.client.get("/api/screen", headers=site.officer)
    assert screen.status_code == 200, screen.text
    body = screen.json()
    assert [row["incident"]["title"] for row in body["incidents"]] == ["甲煤矿透水事故"]
    assert body["incidents_total"] == 1 and body["scope_name"] == "东胜区"
    assert body["incidents_by_grade"]["labels"][-1] == "尚未研判"
    assert len(body["alarms_per_hour"]["labels"]) == 24 and len(body["hazards_per_week"]["labels"]) == 8
    assert {r["kind"] for r in body["readiness"]} >= {"rescue_teams", "shelters", "depots"}
    [on_duty] = body["duty"]
    assert (on_duty["body_name"], on_duty["leader_name"], on_duty["on_now"]) == ("东胜区应急管理局", "王建国", True)
    outsider = site.client.get("/api/screen", headers=site.outsider).json()
    assert outsider["incidents"] == [] and outsider["duty"] == []


def test_street_and_community_accounts_have_no_map(site: Site, db_session: Session) -> None:
    street = factories.bearer(db_session, "jiaotong_street", Role.GRASSROOTS_OFFICER, "150602001")
    for path, params in (
        ("/api/map/layers", {}),
        ("/api/map/radius", {"lon": 109.9, "lat": 39.8, "km": 5}),
        ("/api/screen", {}),
    ):
        refused = site.client.get(path, params=params, headers=street)
        assert refused.status_code == 403, path
        assert refused.json()["error"]["subcode"] == "map.read.no_map"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lon": 108.7, "lat": 39.8}, "km"),
        ({"lon": 108.7, "lat": 39.8, "km": 0}, "km"),
        ({"lon": 108.7, "lat": 39.8, "km": 301}, "km"),
        ({"lon": 108.7, "lat": 39.8, "km": "十"}, "km"),
        ({"lon": 200, "lat": 39.8, "km": 5}, "lon"),
        ({"lon": 108.7, "lat": -95, "km": 5}, "lat"),
        ({"km": 5}, "lon"),
        ({"lon": 108.7, "km": 5}, "lon"),
        ({"incident_id": 1, "lon": 108.7, "lat": 39.8, "km": 5}, "incident_id"),
        ({"incident_id": 0, "km": 5}, "incident_id"),
    ],
)
def test_bad_radius_parameters_are_422(site: Site, params: dict[str, Any], field: str) -> None:
    answer = site.client.get("/api/map/radius", params=params, headers=site.officer)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == field

"""The monitoring read side (issue 20): points, rules and readings page with their totals and filters, name their
site, enterprise and place, and the gateway's acknowledgement is a small typed receipt."""

from __future__ import annotations

from typing import Any

from tests.monitoring.conftest import CORNER, Site
from yingji.auth.roles import ROLE_PERMISSIONS, Permission, Role

WIND = {
    "code": "FS-01",
    "name": "15201工作面风速",
    "kind": "WIND",
    "mine": "甲煤矿",
    "location_class": "采煤工作面",
}
PHREATIC = {
    "code": "JRX-01",
    "name": "1号断面浸润线",
    "kind": "PHREATIC_LINE",
    "pond": "甲尾矿库",
    "design": {"yellow": 8.0, "red": 4.0},
}


def points(at: Site, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
    response = at.client.get("/api/monitoring/points", params=params, headers=headers or at.officer)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def test_points_page_in_registration_order_with_names(site: Site) -> None:
    created = [site.point(body)["id"] for body in (CORNER, WIND, PHREATIC)]
    first = points(site, limit=2)
    assert (first["total"], first["limit"], first["offset"]) == (3, 2, 0)
    assert [p["id"] for p in first["items"]] == created[:2]
    rest = points(site, limit=2, offset=2)
    assert [p["id"] for p in rest["items"]] == created[2:] and rest["total"] == 3
    corner = first["items"][0]
    assert (corner["site"], corner["site_name"], corner["site_kind_label"]) == (
        f"mine:{site.mine_id}",
        "甲煤矿",
        "矿山",
    )
    assert (corner["enterprise_name"], corner["division_name"]) == ("甲煤业有限公司", "东胜区")
    assert (corner["kind_label"], corner["state_label"]) == ("瓦斯", "在用") and corner["rules"]
    pond = rest["items"][0]
    assert (pond["site_name"], pond["kind_label"], pond["site_kind_label"]) == ("甲尾矿库", "浸润线", "尾矿库")


def test_points_filter_by_site_kind_and_state(site: Site) -> None:
    corner, wind, pond = (site.point(body)["id"] for body in (CORNER, WIND, PHREATIC))
    assert [p["id"] for p in points(site, site=f"pond:{site.pond_id}")["items"]] == [pond]
    assert [p["id"] for p in points(site, site=f"mine:{site.mine_id}")["items"]] == [corner, wind]
    assert [p["id"] for p in points(site, kind="WIND")["items"]] == [wind]
    site.point(WIND | {"active": False})
    assert [p["id"] for p in points(site, state="inactive")["items"]] == [wind]
    assert [p["id"] for p in points(site, state="active")["items"]] == [corner, pond]
    assert points(site, state="alarming")["total"] == 0
    site.send([("CH4-01", site.now_ms() + 1000, 1.2)])  # above the corner's 1.0 % alarm value
    alarming = points(site, state="alarming")
    assert [p["id"] for p in alarming["items"]] == [corner] and alarming["total"] == 1
    combined = points(site, site=f"mine:{site.mine_id}", kind="CH4", state="active")
    assert [p["id"] for p in combined["items"]] == [corner]


def test_a_bad_point_filter_is_refused_by_name(site: Site) -> None:
    for params in ({"site": "mine"}, {"site": "dam:3"}, {"kind": "CH5"}, {"state": "broken"}, {"limit": 501}):
        response = site.client.get("/api/monitoring/points", params=params, headers=site.officer)
        assert response.status_code == 422, params
        assert response.json()["error"]["code"] == "invalid_input"


def test_points_offer_editing_to_those_who_register_them(site: Site) -> None:
    created = site.point(CORNER)
    assert created["allowed_actions"] == ["edit"]  # the gateway's answer: its enterprise registers its points
    officer = site.client.get(f"/api/monitoring/points/{created['id']}", headers=site.officer).json()
    may_write = Permission.REGISTRY_WRITE in ROLE_PERMISSIONS[Role.COUNTY_OFFICER]
    assert officer["allowed_actions"] == (["edit"] if may_write else [])
    assert points(site, headers=site.outsider) == {"items": [], "total": 0, "limit": 50, "offset": 0}
    assert points(site, headers=site.other_gateway)["total"] == 0


def test_readings_page_oldest_first_within_the_window(site: Site) -> None:
    point = site.point(CORNER)
    t = site.now_ms()
    for minute, value in enumerate((0.2, 0.3, 0.4)):
        site.send([("CH4-01", t + 1000 + minute * 60_000, value)])
    window = {"since": "2026-11-23T02:00:00+00:00", "until": "2026-11-23T04:00:00+00:00"}
    url = f"/api/monitoring/points/{point['id']}/readings"
    first = site.client.get(url, params=window | {"limit": 2}, headers=site.officer).json()
    assert (first["total"], len(first["items"]), first["point_name"], first["unit"]) == (3, 2, CORNER["name"], "%")
    assert [m["last"] for m in first["items"]] == [0.2, 0.3]
    rest = site.client.get(url, params=window | {"limit": 2, "offset": 2}, headers=site.officer).json()
    assert [m["last"] for m in rest["items"]] == [0.4] and rest["total"] == 3
    narrow = {"since": "2026-11-23T03:01:00+00:00", "until": "2026-11-23T03:02:00+00:00"}
    only = site.client.get(url, params=narrow, headers=site.officer).json()
    assert [m["last"] for m in only["items"]] == [0.3] and only["total"] == 1
    backwards = {"since": "2026-11-23T04:00:00+00:00", "until": "2026-11-23T03:00:00+00:00"}
    refused = site.client.get(url, params=backwards, headers=site.officer)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "since"


def test_rules_page_through_the_bundled_table(site: Site) -> None:
    whole = site.client.get("/api/monitoring/rules", params={"limit": 500}, headers=site.officer).json()
    assert whole["total"] == len(whole["items"]) > 10
    second = site.client.get("/api/monitoring/rules", params={"limit": 5, "offset": 5}, headers=site.officer).json()
    assert [r["id"] for r in second["items"]] == [r["id"] for r in whole["items"][5:10]]
    assert all(r["kind_label"] and r["verified_label"].startswith("未核实") for r in whole["items"])


def test_the_gateway_receipt_is_typed_and_echoes_a_refused_code_as_sent(site: Site) -> None:
    site.point(CORNER)
    t = site.now_ms()
    answer = site.send([("CH4-01", t + 1000, 0.3), (" CH4-01", t + 1000, 0.3)])
    assert set(answer) == {"received", "accepted", "rejected_count", "rejected", "transitions", "alarm_ids"}
    assert (answer["received"], answer["accepted"], answer["rejected_count"]) == (2, 1, 1)
    assert answer["rejected"] == [
        {"index": 1, "point": " CH4-01", "field": "point", "reason": answer["rejected"][0]["reason"]}
    ]


def test_pond_items_name_the_pond_and_its_place(site: Site) -> None:
    site.point(PHREATIC)
    answer = site.client.get(f"/api/monitoring/ponds/{site.pond_id}/items", headers=site.officer).json()
    assert (answer["name"], answer["enterprise_name"], answer["division_name"]) == (
        "甲尾矿库",
        "甲煤业有限公司",
        "东胜区",
    )
    [item] = answer["items"]
    assert (item["kind"], item["label"], item["level"], item["colour"]) == ("PHREATIC_LINE", "浸润线", 0, None)

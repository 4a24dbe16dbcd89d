"""The gateway ingest path end to end: points, batches in JSON and MessagePack, per-row refusals, token scope."""

from __future__ import annotations

from typing import Any

import msgpack
import pytest

from tests.monitoring.conftest import CORNER, Site


def test_methane_hysteresis_at_the_upper_corner(site: Site) -> None:
    """Rise to alarm, to power-cut, fall to just above the recovery value (still active), below it (cleared).

    Levels from thresholds.yaml ch4-coal-face-upper-corner (regulations.md#L223): alarm ≥1.0, power cut ≥1.5,
    recovery <1.0.
    """
    assert site.point(CORNER)["rules"] == ["ch4-coal-face-upper-corner"]
    t = site.now_ms()
    # 60 s apart and small steps, so the 0.1 %/min rate-of-rise rule stays quiet
    result = site.send([("CH4-01", t + 1000, 0.95), ("CH4-01", t + 61_000, 1.0)])
    assert result["accepted"] == 2 and result["transitions"] == 1
    [alarm] = site.alarms()
    assert (alarm["condition"], alarm["level"], alarm["level_name"], alarm["active"]) == ("level", 1, "报警", True)
    site.clock.advance(minutes=20)
    site.send([("CH4-01", t + 121_000, 1.05), ("CH4-01", t + 1_000_000, 1.5)])
    [alarm] = site.alarms()
    assert (alarm["level"], alarm["level_name"], alarm["peak_level"]) == (2, "断电", 2)
    site.send([("CH4-01", t + 1_060_000, 1.0)])  # at the recovery value: power stays cut
    assert site.alarms()[0]["level"] == 2
    site.send([("CH4-01", t + 1_120_000, 0.99)])
    [alarm] = site.alarms()
    assert alarm["active"] is False and alarm["level"] == 0 and alarm["open"] is True  # cleared, not yet acknowledged


def test_only_transitions_are_stored(site: Site) -> None:
    site.point(CORNER)
    t = site.now_ms()
    result = site.send([("CH4-01", t + i * 30_000 + 1, 1.2) for i in range(5)])
    assert result["transitions"] == 1 and len(result["alarm_ids"]) == 1
    again = site.send([("CH4-01", t + 200_000, 1.25)])
    assert again["transitions"] == 0 and again["alarm_ids"] == []


def test_wind_point_has_two_channels_and_one_offline_alarm(site: Site) -> None:
    body = {"code": "WIND-01", "name": "工作面风速", "kind": "WIND", "mine": "甲煤矿", "location_class": "采煤工作面"}
    point = site.point(body)
    assert len(point["rules"]) == 2 and point["unit"] == "m/s"
    t = site.now_ms()
    site.send([("WIND-01", t + 1000, 0.1)])  # below the minimum wind speed
    [alarm] = site.alarms()
    assert alarm["rule_id"] in point["rules"] and alarm["condition"] == "level"


def test_bad_rows_are_refused_with_reasons_and_good_rows_kept(site: Site) -> None:
    site.point(CORNER)
    t = site.now_ms()
    body = {
        "readings": [
            {"point": "CH4-01", "time": t + 1000, "value": 0.3},
            {"point": "CH4-99", "time": t + 2000, "value": 0.3},
            {"point": "CH4-01", "time": t + 3000, "value": "高"},
            {"point": "CH4-01", "time": "昨天", "value": 0.3},
            {"point": "CH4-01", "time": t + 3_600_000, "value": 0.3},
            {"point": "CH4-01", "time": t + 1000, "value": 0.4},
            {"point": "", "time": t, "value": 0.4},
            ["CH4-01", t, 0.4],
            {"point": "CH4-01", "time": "2026-11-23T03:00:05+00:00", "value": 0.31},
            {"point": "CH4-01", "time": t + 10_000, "value": True},
        ]
    }
    result = site.client.post("/api/monitoring/readings", json=body, headers=site.gateway).json()
    reasons = {row["index"]: (row["field"], row["reason"]) for row in result["rejected"]}
    assert result["received"] == 10 and result["accepted"] == 2  # rows 0 and 8
    assert set(reasons) == {1, 2, 3, 4, 5, 6, 7, 9}
    assert reasons[1] == ("point", "测点编号未在本企业登记")
    assert reasons[2][0] == reasons[9][0] == "value"
    assert reasons[3][0] == "time" and "ISO-8601" in reasons[3][1]
    assert "5 分钟" in reasons[4][1]
    assert "最近读数" in reasons[5][1]  # same time as row 0: a duplicate
    assert reasons[6][0] == "point" and reasons[7][0] == "(行)"


def test_messagepack_columns(site: Site) -> None:
    site.point(CORNER)
    t = site.now_ms()
    packed = msgpack.packb({"points": ["CH4-01", "CH4-01"], "times": [t + 1000, t + 61_000], "values": [0.98, 1.05]})
    response = site.client.post(
        "/api/monitoring/readings", content=packed, headers=site.gateway | {"content-type": "application/msgpack"}
    )
    assert response.status_code == 200 and response.json()["accepted"] == 2
    assert site.alarms()[0]["level_name"] == "报警"
    readings = site.client.get(
        f"/api/monitoring/points/{site.alarms()[0]['point_id']}/readings",
        params={"until": "2026-11-23T03:10:00+00:00"},
        headers=site.officer,
    ).json()
    first, second = readings["items"]  # t+1 s and t+61 s fall in consecutive minutes
    assert (first["n"], first["min"], second["max"], second["last"]) == (1, 0.98, 1.05, 1.05)


def test_messagepack_with_a_bad_element_goes_row_by_row(site: Site) -> None:
    site.point(CORNER)
    t = site.now_ms()
    packed = msgpack.packb(
        {"points": ["CH4-01", "CH4-01"], "times": [t + 1000, t + 2000], "values": [0.5, float("nan")]}
    )
    response = site.client.post(
        "/api/monitoring/readings", content=packed, headers=site.gateway | {"content-type": "application/msgpack"}
    )
    body = response.json()
    assert body["accepted"] == 1 and body["rejected"][0]["index"] == 1 and body["rejected"][0]["field"] == "value"


@pytest.mark.parametrize(
    ("content", "content_type", "field"),
    [
        (b"{not json", "application/json", "body"),
        (b"\xc1", "application/msgpack", "body"),
        (b"points=1", "text/plain", "content-type"),
        (b"[1, 2]", "application/json", "body"),
        (b'{"readings": []}', "application/json", "body"),
        (b'{"readings": {}}', "application/json", "readings"),
        (b'{"points": ["a"], "times": [1, 2], "values": [1]}', "application/json", "times"),
        (b'{"points": ["a"], "values": [1]}', "application/json", "body"),
    ],
)
def test_malformed_batches_are_refused_whole(site: Site, content: bytes, content_type: str, field: str) -> None:
    response = site.client.post(
        "/api/monitoring/readings", content=content, headers=site.gateway | {"content-type": content_type}
    )
    assert response.status_code == 422 and response.json()["error"]["field"] == field


def test_a_gateway_cannot_write_another_enterprises_points(site: Site) -> None:
    site.point(CORNER)
    t = site.now_ms()
    result = site.send([("CH4-01", t + 1000, 2.0)], headers=site.other_gateway)
    assert result["accepted"] == 0 and result["rejected"][0]["reason"] == "测点编号未在本企业登记"
    assert site.alarms() == []


@pytest.mark.parametrize("who", ["officer", "none"])
def test_only_enterprise_gateways_may_ingest(site: Site, who: str) -> None:
    headers: dict[str, Any] = site.officer if who == "officer" else {}
    body = {"readings": [{"point": "CH4-01", "time": site.now_ms() + 1, "value": 0.1}]}
    response = site.client.post("/api/monitoring/readings", json=body, headers=headers)
    assert response.status_code == (403 if who == "officer" else 401)


def test_point_registration_errors(site: Site) -> None:
    post = site.client.post
    bad_class = CORNER | {"location_class": "食堂"}
    assert post("/api/monitoring/points", json=bad_class, headers=site.gateway).json()["error"]["field"] == (
        "location_class"
    )
    slow = CORNER | {"polling_s": 60}
    refused = post("/api/monitoring/points", json=slow, headers=site.gateway).json()["error"]
    assert refused["field"] == "polling_s" and "GB 50581" in refused["message"]
    both = CORNER | {"pond": "甲尾矿库"}
    assert post("/api/monitoring/points", json=both, headers=site.gateway).status_code == 422
    pond_methane = {"code": "P-1", "name": "甲烷", "kind": "CH4", "pond": "甲尾矿库", "design": {"red": 1}}
    assert post("/api/monitoring/points", json=pond_methane, headers=site.gateway).json()["error"]["field"] == "kind"
    no_red = {"code": "P-2", "name": "浸润线", "kind": "PHREATIC_LINE", "pond": "甲尾矿库", "design": {"orange": 5}}
    assert post("/api/monitoring/points", json=no_red, headers=site.gateway).json()["error"]["field"] == "design.red"
    # another enterprise's gateway cannot see the mine, nor can an officer of another banner
    assert post("/api/monitoring/points", json=CORNER, headers=site.other_gateway).json()["error"]["field"] == "mine"
    assert post("/api/monitoring/points", json=CORNER, headers=site.outsider).json()["error"]["field"] == "mine"


def test_points_are_scoped_and_audited(site: Site) -> None:
    created = site.point(CORNER)
    listed = site.client.get("/api/monitoring/points", headers=site.officer).json()
    assert [p["id"] for p in listed["items"]] == [created["id"]] and listed["total"] == 1
    assert site.client.get("/api/monitoring/points", headers=site.outsider).json()["items"] == []
    assert site.client.get(f"/api/monitoring/points/{created['id']}", headers=site.other_gateway).status_code == 404
    audit = site.client.get("/api/audit", params={"target_kind": "monitor_point"}, headers=site.officer)
    assert audit.status_code in (200, 403)


def test_out_of_range_numbers_and_long_codes_are_refused_per_row(site: Site) -> None:
    site.point(CORNER)
    t = site.now_ms()
    for body in (
        {"points": ["CH4-01", "CH4-01", "C" * 2000], "times": [t + 1000, 2**64, t + 2000], "values": [0.3, 0.3, 0.3]},
        {"points": ["CH4-01", "CH4-01"], "times": [t + 3000, t + 4000], "values": [10**400, 0.3]},
    ):
        response = site.client.post("/api/monitoring/readings", json=body, headers=site.gateway)
        assert response.status_code == 200, response.text
        fields = {row["field"] for row in response.json()["rejected"]}
        assert response.json()["accepted"] == 1 and fields <= {"time", "point", "value"} and fields
    nested = b'{"readings": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    deep = site.client.post(
        "/api/monitoring/readings", content=nested, headers=site.gateway | {"content-type": "application/json"}
    )
    assert deep.status_code == 422


def test_a_body_declared_over_16_mb_is_refused_before_reading(site: Site) -> None:
    headers = site.gateway | {"content-type": "application/json", "content-length": str(17 * 1024 * 1024)}
    response = site.client.post("/api/monitoring/readings", content=b"{}", headers=headers)
    assert response.status_code == 413 and "16 MB" in response.json()["error"]["message"]

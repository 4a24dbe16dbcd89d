"""What the fuzzer sent the ingest (issue 21): codes no point can have, and values no sensor can measure."""

from __future__ import annotations

import json
from typing import Any

import msgpack
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.monitoring.conftest import CORNER, Site
from yingji.monitoring import readings
from yingji.monitoring.models import ReadingPending
from yingji.monitoring.schema import SensorKind, sensor_ranges
from yingji.monitoring.tailings import POND_ITEMS

pytestmark = pytest.mark.db


def post_json(site: Site, body: object) -> dict[str, Any]:
    """JSON as a gateway may send it: ASCII-escaped, so a lone surrogate survives the wire."""
    response = site.client.post(
        "/api/monitoring/readings",
        content=json.dumps(body).encode(),
        headers=site.gateway | {"content-type": "application/json"},
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def stored_minutes(db_session: Session) -> int:
    """Minute rows written plus the distinct (point, minute) still open in pending rows."""
    written = int(readings.minutes(db_session)["point_id"].size)
    pending = [
        readings.unpack(data, n) for data, n in db_session.execute(select(ReadingPending.data, ReadingPending.n))
    ]
    keys = {(p, t // readings.MINUTE_MS) for ids, times, _ in pending for p, t in zip(ids, times, strict=True)}
    return written + len(keys)


@pytest.mark.parametrize("code", ["\ud800", "CH4-01\udfff", "甲烷-01", "CH4 01", "x" * 41])
def test_a_code_no_point_can_have_is_refused_and_echoed_encodably(site: Site, db_session: Session, code: str) -> None:
    site.point(CORNER)
    t = site.now_ms()
    alone = post_json(site, {"readings": [{"point": code, "time": t + 1000, "value": 0.3}]})
    assert alone["accepted"] == 0 and stored_minutes(db_session) == 0  # nothing stored for a bad code
    rows = [{"point": "CH4-01", "time": t + 2000, "value": 0.3}, {"point": code, "time": t + 3000, "value": 1}]
    mixed = post_json(site, {"readings": rows})
    assert mixed["accepted"] == 1 and stored_minutes(db_session) == 1
    [refused] = mixed["rejected"]
    assert (refused["index"], refused["field"]) == (1, "point")
    assert "字母、数字" in refused["reason"]
    refused["point"].encode("utf-8")  # the answer can carry it


def test_a_lone_surrogate_in_the_columns_takes_the_row_path(site: Site, db_session: Session) -> None:
    site.point(CORNER)
    t = site.now_ms()
    answer = post_json(site, {"points": ["CH4-01", "\udc00"], "times": [t + 1000, t + 2000], "values": [0.3, 0.4]})
    assert answer["accepted"] == 1 and answer["rejected"][0]["point"] == "\\udc00"


@pytest.mark.parametrize(
    ("value", "accepted"),
    [(0.0, True), (100.0, True), (100.01, False), (-0.01, False), (1e308, False), (-1e308, False), (5e-324, True)],
)
def test_methane_outside_0_to_100_percent_is_refused(site: Site, value: float, accepted: bool) -> None:
    site.point(CORNER)
    answer = site.send([("CH4-01", site.now_ms() + 1000, value)])
    assert answer["accepted"] == int(accepted)
    if not accepted:
        [refused] = answer["rejected"]
        assert refused["field"] == "value" and "物理量程 0–100 %" in refused["reason"]


def test_huge_readings_neither_overflow_the_minute_sums_nor_break_the_series(site: Site) -> None:
    """On PostgreSQL two 1e308 readings in one minute overflowed `vsum + excluded.vsum` (a 500); in-range values,
    at most 60 000 a minute per point (each newer than the last), cannot."""
    point = site.point(CORNER)
    t = site.now_ms()
    for offset in (1000, 2000):
        packed = msgpack.packb({"points": ["CH4-01"], "times": [t + offset], "values": [1e308]})
        response = site.client.post(
            "/api/monitoring/readings", content=packed, headers=site.gateway | {"content-type": "application/msgpack"}
        )
        assert response.status_code == 200 and response.json()["accepted"] == 0, response.text
    site.send([("CH4-01", t + 3000, 100.0)])
    site.send([("CH4-01", t + 4000, 100.0)])  # merged into the same minute's row
    minutes = site.client.get(
        f"/api/monitoring/points/{point['id']}/readings",
        params={"until": "2026-11-23T03:10:00+00:00"},
        headers=site.officer,
    ).json()["items"]
    assert [(m["n"], m["max"], m["mean"]) for m in minutes] == [(2, 100.0, 100.0)]


def test_every_kind_has_a_range_in_the_unit_its_rules_use() -> None:
    ranges = sensor_ranges()
    assert set(ranges) == set(SensorKind)
    for kind, item in POND_ITEMS.items():
        assert ranges[kind].unit == item.unit, kind
    assert all(r.low < r.high and abs(r.low) <= 1e6 and abs(r.high) <= 1e6 for r in ranges.values())

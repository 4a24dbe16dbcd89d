"""The sample set (every file type, GBK and UTF-8, bad records) round-trips through the HTTP upload and the adapter:
points and declared limits, the engine, switch changes, statistics, the mines' alarms compared with the engine's."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.monitoring.conftest import Site
from tests.monitoring.networking.conftest import BAD, SAMPLES, take
from yingji.monitoring.networking.models import (
    MineAlarm,
    NetworkingFile,
    PointStatistic,
    SwitchChange,
    SwitchPoint,
)


def rejects(report: dict[str, Any]) -> list[tuple[int, int, str]]:
    return [(r["line"], r["record"], r["field"]) for r in report["rejected"]]


def points(site: Site) -> dict[str, dict[str, Any]]:
    page = site.client.get("/api/monitoring/points", params={"limit": 100}, headers=site.officer).json()
    return {p["code"]: p for p in page["items"]}


def test_sample_set_round_trips(site: Site, feed: dict[str, Any]) -> None:
    assert feed["profile_verified"] is False and feed["cycle_s"] == 30 and feed["stale"] is False

    aqmc = take(site, SAMPLES["AQMC"])  # UTF-8
    assert (aqmc["encoding"], aqmc["file_types"], aqmc["records"], aqmc["accepted"]) == ("utf-8", ["AQMC"], 7, 4)
    assert rejects(aqmc) == [(6, 5, "sensor_type"), (7, 6, "location"), (8, 7, "unit")]
    assert aqmc["points_created"] == 4 and aqmc["lax_points"] == ["150602001MN0002"]
    found = points(site)
    corner, heading = found["150602001MN0001"], found["150602001MN0002"]
    assert corner["rules"] == ["ch4-coal-face-upper-corner"] and corner["name"] == "15201工作面上隅角甲烷"
    assert corner["declared"]["alarm_high"] == 1.0 and corner["declared_lax"] is False
    assert heading["rules"] == ["ch4-heading-face"] and heading["declared_lax"] is True
    assert {(x["item"], x["declared"], x["regulation"]) for x in heading["declared"]["lax"]} == {
        ("alarm", 1.2, 1.0),
        ("power_cut", 2.0, 1.5),
        ("recovery", 1.2, 1.0),
    }
    assert len(found["150602001MN0004"]["rules"]) == 2  # wind: maximum and minimum, both declared as the rules say
    [flag] = [a for a in site.alarms() if a["condition"] == "declared"]
    assert (flag["point_code"], flag["rule_id"], flag["severity"]) == ("150602001MN0002", "ch4-heading-face", "fault")

    aqkc = take(site, SAMPLES["AQKC"])  # GBK
    assert (aqkc["encoding"], aqkc["accepted"], aqkc["switch_points"]) == ("gbk", 2, 2)

    aqss = take(site, SAMPLES["AQSS"])  # GBK, two batches
    assert (aqss["encoding"], aqss["file_types"], aqss["records"]) == ("gbk", ["AQSS", "AQSS"], 11)
    assert rejects(aqss) == [(7, 6, "value"), (8, 7, "point")]
    assert (aqss["readings"], aqss["not_evaluated"], aqss["accepted"]) == (7, 1, 9)
    assert aqss["switch_changes"] == 1  # the fan reported on (1) in its first value
    level = [a for a in site.alarms() if a["condition"] == "level"]
    assert [(a["point_code"], a["level_name"], a["value"]) for a in level] == [("150602001MN0002", "报警", 1.3)]

    aqkd = take(site, SAMPLES["AQKD"])  # UTF-8
    assert rejects(aqkd) == [(3, 2, "point")] and aqkd["switch_changes"] == 1

    aqmt = take(site, SAMPLES["AQMT"])
    assert rejects(aqmt) == [(3, 2, "mean")] and aqmt["statistics"] == 1

    gjxx = take(site, SAMPLES["GJXX"])  # GBK
    assert gjxx["mine_alarms"] == {"agrees": 1, "engine_silent": 1, "not_compared": 1}

    bad = take(site, BAD)
    assert bad["accepted"] == 1 and bad["readings"] == 1
    assert rejects(bad) == [
        (1, 0, "(头记录)"),
        (2, 1, "(头记录)"),
        (4, 2, "(头记录)"),
        (6, 3, "(字段数)"),
        (7, 4, "time"),
        (9, 6, "(记录)"),
        (12, 7, "(记录)"),
    ]
    assert any("‖" in w for w in bad["warnings"])

    with site.app.state.sessionmaker() as db_session:
        fan = db_session.scalars(select(SwitchPoint).where(SwitchPoint.code == "150602001KG0002")).one()
        changes = db_session.scalars(select(SwitchChange).where(SwitchChange.switch_id == fan.id)).all()
        assert [(c.state, c.alarm) for c in sorted(changes, key=lambda c: c.at)] == [(1, False), (0, True)]
        assert fan.last_state == 0
        [stat] = db_session.scalars(select(PointStatistic)).all()
        assert (stat.vmax, stat.vmin, stat.vmean) == (0.35, 0.30, 0.32)
        agreements = {
            (m.point_code, m.agreement.value, m.engine_alarm_id is not None)
            for m in db_session.scalars(select(MineAlarm))
        }
        assert agreements == {
            ("150602001MN0002", "agrees", True),
            ("150602001MN0001", "engine_silent", False),
            ("150602001KG0001", "not_compared", False),
        }
        files = db_session.scalars(select(NetworkingFile).order_by(NetworkingFile.id)).all()
        assert [f.rejected for f in files] == [3, 0, 2, 1, 1, 0, 7]
        assert files[0].report["rejected"][0]["field"] == "sensor_type"


def test_resent_files_change_nothing_and_a_compliant_declaration_clears_the_flag(
    site: Site, feed: dict[str, Any]
) -> None:
    take(site, SAMPLES["AQMC"])
    again = take(site, SAMPLES["AQMC"])
    assert again["points_created"] == again["points_updated"] == 0 and again["alarm_ids"] == []
    take(site, SAMPLES["AQSS"])
    resent = take(site, SAMPLES["AQSS"])  # the same readings: the engine has them already
    assert resent["readings"] == 0 and {r["field"] for r in resent["rejected"]} <= {"time", "value", "point"}
    gjxx = take(site, SAMPLES["GJXX"])
    take(site, SAMPLES["GJXX"])
    with site.app.state.sessionmaker() as db_session:
        assert len(db_session.scalars(select(MineAlarm)).all()) == sum(gjxx["mine_alarms"].values())
    fixed = SAMPLES["AQMC"].read_bytes().replace(b";1.2;;2.0;1.2;", b";1.0;;1.5;1.0;")
    report = take_bytes(site, fixed)
    assert report["lax_points"] == []
    [flag] = [a for a in site.alarms() if a["condition"] == "declared"]
    assert flag["active"] is False  # cleared; it stays listed until acknowledged, like every cleared alarm
    assert points(site)["150602001MN0002"]["declared_lax"] is False


def take_bytes(site: Site, data: bytes) -> dict[str, Any]:
    from tests.monitoring.networking.conftest import upload

    response = upload(site, data, "fixed.txt")
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def test_store_and_forward_burst_after_an_outage_is_taken_in_order(site: Site, feed: dict[str, Any]) -> None:
    """断电续传: files held back during an outage arrive together, oldest first, with their own (old) times."""
    from yingji.monitoring.service import run_round

    take(site, SAMPLES["AQMC"])
    site.clock.advance(minutes=10)  # nothing came: the points fall silent
    with site.app.state.sessionmaker() as db_session:
        assert run_round(db_session=db_session, clock=site.clock, engine=site.app.state.monitor).offline == 4
    stamps = [f"2026-11-23 11:0{m}:{s:02d}" for m in range(1, 9) for s in (0, 30)]
    for start in range(0, len(stamps), 4):  # four files, each two minutes of backlog
        body = "KJ;AQSS|\n" + "".join(
            f"150602001MN0001;0.3{n % 10};0;{t}~\n" for n, t in enumerate(stamps[start : start + 4])
        )
        report = take_bytes(site, (body + "‖").encode("gbk"))
        assert report["readings"] == 4 and report["rejected_count"] == 0
    silent = [a for a in site.alarms() if a["condition"] == "offline" and a["point_code"] == "150602001MN0001"]
    assert silent == []  # the backlog ended the point's silence (a no-data alarm closes itself)

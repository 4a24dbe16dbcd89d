"""The inputs and their refusals: upload tokens (401/403), size (413), profile (422); the drop folder; a stopped feed
raises its graded warning and files resuming clear it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests import factories
from tests.monitoring.conftest import Site
from tests.monitoring.networking.conftest import CODE, SAMPLES, upload
from yingji.auth.roles import Role
from yingji.monitoring.networking import service
from yingji.monitoring.networking.parser import MAX_FILE_BYTES


def test_upload_refusals(site: Site, feed: dict[str, Any]) -> None:
    data = SAMPLES["AQMC"].read_bytes()
    assert upload(site, data, headers={"Authorization": "Bearer yjt_wrong"}).status_code == 401
    assert upload(site, data, headers={"accept": "application/json"}).status_code == 401  # no token at all
    officer = upload(site, data, headers=site.officer)  # an officer is no gateway
    assert officer.status_code == 403
    other = upload(site, data, headers=site.other_gateway)  # another enterprise's gateway: the feed is unknown to it
    assert other.status_code == 422 and other.json()["error"]["subcode"] == "monitoring.networking.unknown_feed"
    assert upload(site, data, mine="../etc").status_code == 422
    too_big = upload(site, b"~" * (MAX_FILE_BYTES + 1))
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "payload_too_large"
    garbage = upload(site, bytes(range(256)) * 10)  # never a 5xx: a report of rejects
    assert garbage.status_code == 200 and garbage.json()["accepted"] == 0


def test_feed_registration_refusals(site: Site) -> None:
    post = site.client.post
    unknown = post(
        "/api/monitoring/networking/feeds",
        json={"mine": "甲煤矿", "code": CODE, "profile": "nope"},
        headers=site.gateway,
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["subcode"] == "monitoring.networking.unknown_profile"
    bad_code = post("/api/monitoring/networking/feeds", json={"mine": "甲煤矿", "code": "a/b"}, headers=site.gateway)
    assert bad_code.status_code == 422
    foreign = post(
        "/api/monitoring/networking/feeds", json={"mine": "甲煤矿", "code": CODE}, headers=site.other_gateway
    )
    assert foreign.status_code == 422  # not its mine
    expert = factories.bearer(factories_session(site), "expert1", Role.EXPERT, "150602")
    assert (
        post("/api/monitoring/networking/feeds", json={"mine": "甲煤矿", "code": CODE}, headers=expert).status_code
        == 403
    )


def factories_session(site: Site) -> Any:
    return site.app.state.sessionmaker()


def feeds(site: Site) -> list[dict[str, Any]]:
    page = site.client.get("/api/monitoring/networking/feeds", headers=site.officer).json()
    rows: list[dict[str, Any]] = page["items"]
    return rows


def check(site: Site) -> int:
    with site.app.state.sessionmaker() as db_session:
        return service.check_feeds(db_session=db_session, clock=site.clock, cycles=3)


def test_stopped_feed_raises_grades_up_and_clears(site: Site, feed: dict[str, Any]) -> None:
    upload(site, SAMPLES["AQMC"].read_bytes())
    site.clock.advance(seconds=89)
    assert check(site) == 0 and feeds(site)[0]["stale"] is False
    site.clock.advance(seconds=2)  # 3 cycles of 30 s without a file
    assert check(site) == 1
    [row] = feeds(site)
    assert (row["stale"], row["grade"], row["grade_label"]) == (True, 4, "蓝色预警")
    assert check(site) == 0  # raised once
    site.clock.advance(hours=1)
    assert check(site) == 1 and feeds(site)[0]["grade"] == 3  # graded up: 黄色
    stale_only = site.client.get("/api/monitoring/networking/feeds", params={"stale": "true"}, headers=site.officer)
    assert stale_only.json()["total"] == 1
    garbage = upload(site, b"KJ;AQSS|\nnothing~\n\xe2\x80\x96")
    assert garbage.json()["accepted"] == 0 and feeds(site)[0]["stale"] is True  # a file of rejects is no data
    upload(site, SAMPLES["AQKC"].read_bytes())
    [row] = feeds(site)
    assert (row["stale"], row["grade"], row["grade_label"]) == (False, None, "正常")
    assert site.client.get("/api/monitoring/networking/feeds", headers=site.outsider).json()["total"] == 0


def test_drop_folder_files_go_to_done_or_rejected_with_a_report(
    site: Site, feed: dict[str, Any], tmp_path: Path
) -> None:
    mine = tmp_path / CODE
    mine.mkdir()
    for kind in ("AQMC", "AQSS"):
        (mine / SAMPLES[kind].name).write_bytes(SAMPLES[kind].read_bytes())
    (mine / "150602001_AQSS_junk.txt").write_bytes(b"\x00\x01garbage")
    (mine / "upload.part").write_bytes(b"still arriving")
    (tmp_path / "999999").mkdir()
    (tmp_path / "999999" / "x.txt").write_bytes(SAMPLES["AQSS"].read_bytes())
    inputs = service.Inputs(drop=tmp_path, settle_s=0)
    reports = service.poll_drop(
        makers=site.app.state.sessionmaker, clock=site.clock, engine=site.app.state.monitor, inputs=inputs
    )
    assert [r["file"] for r in reports] == [
        SAMPLES["AQMC"].name,  # definitions before values, then by name (the names carry the time)
        SAMPLES["AQSS"].name,
        "150602001_AQSS_junk.txt",
        "x.txt",
    ]
    assert sorted(p.name for p in (mine / "done").iterdir() if not p.name.endswith(".report.json")) == sorted(
        [SAMPLES["AQMC"].name, SAMPLES["AQSS"].name]
    )
    assert [p.name for p in (mine / "rejected").iterdir() if not p.name.endswith(".json")] == [
        "150602001_AQSS_junk.txt"
    ]
    report = json.loads((mine / "done" / (SAMPLES["AQSS"].name + ".report.json")).read_text(encoding="utf-8"))
    assert report["readings"] == 7 and report["rejected"][0]["line"] == 7
    assert (mine / "upload.part").exists()  # not taken while partial
    assert (tmp_path / "999999" / "rejected" / "x.txt").exists()
    again = service.poll_drop(
        makers=site.app.state.sessionmaker, clock=site.clock, engine=site.app.state.monitor, inputs=inputs
    )
    assert again == []

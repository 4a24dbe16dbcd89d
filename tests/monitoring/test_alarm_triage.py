"""The duty officer's triage list (issue 22): most urgent first, in words, filtered, floods folded into one row, and
acknowledged one at a time, by site, by flood group or all in view with one comment."""

from __future__ import annotations

from typing import Any

import pytest

from tests.monitoring.conftest import CORNER, Site
from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.monitoring import reads

# 采煤工作面上隅角 methane: 报警 at 1.0 %, 断电 at 1.5 % (煤矿安全规程 第四百九十八条, thresholds.yaml).
ALARM, POWER_CUT = 1.2, 1.6


def corner(site: Site, n: int) -> str:
    code = f"CH4-{n:02d}"
    site.point(CORNER | {"code": code, "name": f"上隅角甲烷{n}号"})
    return code


def levels(site: Site, **filters: Any) -> list[dict[str, Any]]:
    """Level alarms in list order (a quick rise also trips the rate-of-rise rule, a 故障-ranked alarm)."""
    return [a for a in site.alarms(**filters) if a["condition"] == "level"]


def ack_many(site: Site, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return site.client.post("/api/monitoring/alarms/ack", json=body, headers=headers or site.officer)


def test_power_cut_comes_first_and_then_the_latest_rise(site: Site) -> None:
    first, second, third = corner(site, 1), corner(site, 2), corner(site, 3)
    t = site.now_ms()
    site.send([(first, t + 1000, POWER_CUT)])  # the oldest, but at the power-cut level
    site.send([(second, t + 2000, ALARM)])
    site.send([(third, t + 3000, ALARM)])
    rows = levels(site)
    assert [a["point_name"] for a in rows] == ["上隅角甲烷1号", "上隅角甲烷3号", "上隅角甲烷2号"]
    assert [a["severity_label"] for a in rows] == ["紧急", "报警", "报警"]
    assert rows[0]["level_name"] == "断电" and rows[0]["duration_label"].startswith("持续")
    # the second point clears and rises again: its latest rise puts it above the third
    site.clock.advance(minutes=1)
    site.send([(second, site.now_ms(), 0.5)])
    site.clock.advance(minutes=1)
    site.send([(second, site.now_ms(), ALARM)])
    rows = levels(site)
    assert [a["point_name"] for a in rows] == ["上隅角甲烷1号", "上隅角甲烷2号", "上隅角甲烷3号"]
    assert rows[1]["raise_count"] == 2


def test_the_worst_level_stays_beside_the_current_one(site: Site) -> None:
    code = corner(site, 1)
    site.send([(code, site.now_ms() + 1000, POWER_CUT)])
    site.clock.advance(minutes=1)
    site.send([(code, site.now_ms(), ALARM)])  # power is restored only below 1.0 %: still 断电, still 紧急
    [row] = levels(site)
    assert (row["level_name"], row["peak_level_name"], row["severity"]) == ("断电", "断电", "critical")
    site.clock.advance(minutes=1)
    site.send([(code, site.now_ms(), 0.5)])
    [cleared] = levels(site)
    assert (cleared["active"], cleared["severity_label"], cleared["peak_level_name"]) == (False, "已恢复", "断电")
    assert cleared["duration_label"] == "2 分钟后恢复"


def test_filters_by_severity_kind_and_enterprise(site: Site) -> None:
    cut, alarm = corner(site, 1), corner(site, 2)
    t = site.now_ms()
    site.send([(cut, t + 1000, POWER_CUT), (alarm, t + 1000, ALARM)])
    assert [a["point_name"] for a in site.alarms(severity="critical")] == ["上隅角甲烷1号"]
    assert {a["kind"] for a in site.alarms(kind="CH4")} == {"CH4"}
    assert site.alarms(kind="CO") == []
    owner = site.alarms()[0]["enterprise_id"]
    assert len(site.alarms(enterprise=owner)) == len(site.alarms())
    assert site.alarms(enterprise=owner + 1000) == []
    assert len(site.alarms(severity="", kind="", enterprise="")) == len(site.alarms())  # a form's 全部
    bad = site.client.get("/api/monitoring/alarms", params={"severity": "huge"}, headers=site.officer)
    assert bad.status_code == 422


def test_a_flood_reads_as_one_row_that_opens(site: Site) -> None:
    codes = [corner(site, n) for n in range(1, 13)]
    t = site.now_ms()
    site.send([(code, t + 1000 * (n + 1), POWER_CUT if n == 5 else ALARM) for n, code in enumerate(codes)])
    every = site.alarms()
    folded = site.alarms(ungrouped="false")
    group = every[0]["group_id"]
    assert group is not None and len(folded) < len(every)
    [row] = [a for a in folded if a["group_id"] == group]
    assert row["group_size"] == len([a for a in every if a["group_id"] == group])
    assert row["point_name"] == "上隅角甲烷6号"  # the flood's most urgent member stands for it
    opened = site.alarms(ungrouped="false", group=group)
    assert len(opened) == row["group_size"] and all(a["group_size"] is None for a in opened)


def test_acknowledge_those_in_view_with_one_comment(site: Site) -> None:
    codes = [corner(site, n) for n in range(1, 4)]
    site.send([(code, site.now_ms() + 1000, ALARM) for code in codes])
    ids = [a["id"] for a in levels(site)]
    single = site.client.post(
        f"/api/monitoring/alarms/{ids[0]}/ack", json={"comment": "已电话通知"}, headers=site.officer
    )
    assert single.status_code == 200
    done = ack_many(site, {"alarm_ids": ids, "comment": "已通知矿调度室撤人"})
    assert done.status_code == 200, done.text
    assert sorted(done.json()["acknowledged"]) == sorted(ids[1:]) and done.json()["already_handled"] == 1
    history = site.client.get(f"/api/monitoring/alarms/{ids[2]}", headers=site.officer).json()["events"]
    assert history[-1]["kind"] == "acked" and history[-1]["text"] == "已通知矿调度室撤人"
    assert all(a["acknowledged"] for a in levels(site))


def test_acknowledge_a_sites_alarms(site: Site) -> None:
    codes = [corner(site, n) for n in range(1, 4)]
    site.send([(code, site.now_ms() + 1000, ALARM) for code in codes])
    key = f"mine:{site.mine_id}"
    done = ack_many(site, {"site": key, "comment": "矿方已处置"}).json()
    assert len(done["acknowledged"]) == len(site.alarms()) and site.alarms(state="unacked") == []


def test_acknowledge_a_flood_group(site: Site) -> None:
    codes = [corner(site, n) for n in range(1, 13)]
    t = site.now_ms()
    site.send([(code, t + 1000 * (n + 1), ALARM) for n, code in enumerate(codes)])
    group = site.alarms()[0]["group_id"]
    done = ack_many(site, {"group": group}).json()
    assert sorted(done["acknowledged"]) == sorted(a["id"] for a in site.alarms() if a["group_id"] == group)


@pytest.mark.parametrize(
    ("body", "status", "subcode"),
    [
        ({}, 422, "alarm.ack.none"),
        ({"alarm_ids": []}, 422, "alarm.ack.none"),
        ({"alarm_ids": list(range(1, 502))}, 422, None),  # more than 500 ids: refused by the body's schema
        ({"alarm_ids": [0]}, 422, None),
        ({"alarm_ids": [99999]}, 404, None),
        ({"site": "mine:99999"}, 422, "alarm.ack.none"),  # nothing open there (or not in scope): nothing to do
    ],
)
def test_bulk_acknowledgement_errors(site: Site, body: dict[str, Any], status: int, subcode: str | None) -> None:
    response = ack_many(site, body)
    assert response.status_code == status, response.text
    if subcode:
        assert response.json()["error"]["subcode"] == subcode


def test_an_id_outside_the_scope_acknowledges_nothing(site: Site) -> None:
    code = corner(site, 1)
    site.send([(code, site.now_ms() + 1000, ALARM)])
    [mine] = levels(site)
    refused = ack_many(site, {"alarm_ids": [mine["id"]]}, headers=site.outsider)
    assert refused.status_code == 404
    mixed = ack_many(site, {"alarm_ids": [mine["id"], 99999]})
    assert mixed.status_code == 404
    assert levels(site)[0]["acknowledged"] is False  # the whole request refused: no partial state


def test_new_power_cut_alarms_are_announced_until_acknowledged(site: Site) -> None:
    cut, alarm = corner(site, 1), corner(site, 2)
    site.send([(cut, site.now_ms() + 1000, POWER_CUT), (alarm, site.now_ms() + 1000, ALARM)])
    officer = Actor(username="dongsheng_duty", role=Role.COUNTY_OFFICER, division_code="150602")
    with site.app.state.sessionmaker() as db_session:
        [said] = reads.announcements(db_session, officer, site.clock)
    assert said.text == "甲煤业有限公司 甲煤矿 上隅角甲烷1号：断电 1.6%"
    ack_many(site, {"alarm_ids": [said.id]})
    with site.app.state.sessionmaker() as db_session:
        assert reads.announcements(db_session, officer, site.clock) == []


def test_a_red_pond_is_critical_and_yellow_is_not(site: Site) -> None:
    """浸润线埋深 design values: yellow 8 m, red 4 m (orange derived, GB 51108 §8.3); shallower is worse."""
    body = {"code": "JRX-01", "name": "1号断面浸润线", "kind": "PHREATIC_LINE", "pond": "甲尾矿库"}
    site.point(body | {"design": {"yellow": 8.0, "red": 4.0}, "clear_margin": 0.2})
    site.send([("JRX-01", site.now_ms() + 1000, 7.0)])
    [yellow] = levels(site)
    assert (yellow["level_name"], yellow["severity"]) == ("黄色预警", "alarm")
    site.clock.advance(minutes=1)
    site.send([("JRX-01", site.now_ms(), 3.5)])
    [red] = levels(site)
    assert (red["level_name"], red["severity_label"], red["site_name"]) == ("红色预警", "紧急", "甲尾矿库")

"""The alarm lifecycle over HTTP: acknowledge, re-raise, comments, shelving and its expiry, escalation, floods,
no-data detection, restart, and the one-click warning proposal."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.monitoring.conftest import CORNER, Site
from yingji.db.outbox import OutboxItem
from yingji.monitoring.engine import MonitoringEngine
from yingji.monitoring.service import RoundResult, run_round


def run(site: Site, keep_alive: float | None = 1.2) -> RoundResult:
    """One worker round; the corner point first reports ``keep_alive`` (unchanged) so it does not go silent."""
    if keep_alive is not None:
        site.send([("CH4-01", site.now_ms(), keep_alive)])
    with site.app.state.sessionmaker() as db_session:
        return run_round(db_session=db_session, clock=site.clock, engine=site.app.state.monitor)


def level_alarms(site: Site, state: str = "open") -> list[dict[str, Any]]:
    """Level alarms only: the quick rises these tests use also trip the 0.1 %/min rate-of-rise rule."""
    return [a for a in site.alarms(state) if a["condition"] == "level"]


def raise_corner(site: Site, value: float = 1.2) -> dict[str, Any]:
    site.point(CORNER)
    site.send([("CH4-01", site.now_ms() + 1000, value)])
    [alarm] = [a for a in site.alarms() if a["condition"] == "level"]
    return alarm


def post(site: Site, alarm_id: int, action: str, body: dict[str, Any] | None = None, headers: Any = None) -> Any:
    return site.client.post(
        f"/api/monitoring/alarms/{alarm_id}/{action}", json=body or {}, headers=headers or site.officer
    )


def test_ack_and_clear_are_separate_axes(site: Site) -> None:
    alarm = raise_corner(site)
    acked = post(site, alarm["id"], "ack", {"comment": "已通知班组长撤人"}).json()
    assert (acked["active"], acked["acknowledged"], acked["open"]) == (True, True, True)
    assert post(site, alarm["id"], "ack").status_code == 409
    site.clock.advance(minutes=1)
    site.send([("CH4-01", site.now_ms(), 0.5)])
    closed = site.client.get(f"/api/monitoring/alarms/{alarm['id']}", headers=site.officer).json()
    assert (closed["active"], closed["open"]) == (False, False)
    assert [e["kind"] for e in closed["events"]] == ["raised", "acked", "cleared"]
    assert site.alarms() == [] and len(site.alarms("closed")) == 1


def test_a_raise_while_cleared_but_unacknowledged_reuses_the_alarm(site: Site) -> None:
    alarm = raise_corner(site)
    site.clock.advance(minutes=1)
    site.send([("CH4-01", site.now_ms(), 0.5)])
    site.clock.advance(minutes=1)
    site.send([("CH4-01", site.now_ms(), 1.1)])
    [again] = level_alarms(site, "all")
    assert again["id"] == alarm["id"] and again["raise_count"] == 2 and again["active"] is True
    post(site, alarm["id"], "ack")
    site.clock.advance(minutes=1)
    site.send([("CH4-01", site.now_ms(), 0.5)])
    site.clock.advance(minutes=1)
    site.send([("CH4-01", site.now_ms(), 1.1)])  # the first alarm is closed now: a new one opens
    assert len(level_alarms(site, "all")) == 2


def test_comments_are_kept_in_the_history(site: Site) -> None:
    alarm = raise_corner(site)
    assert post(site, alarm["id"], "comments", {"text": "现场复核：传感器正常"}).status_code == 200
    assert post(site, alarm["id"], "comments", {"text": ""}).status_code == 422
    events = site.client.get(f"/api/monitoring/alarms/{alarm['id']}", headers=site.officer).json()["events"]
    assert events[-1]["kind"] == "comment" and events[-1]["actor"] == "dongsheng_duty"


def test_shelving_has_a_limit_and_expires(site: Site) -> None:
    alarm = raise_corner(site)
    too_long = post(site, alarm["id"], "shelve", {"hours": 25, "reason": "检修"})
    assert too_long.status_code == 422 and "24 小时" in too_long.json()["error"]["message"]
    assert post(site, alarm["id"], "shelve", {"hours": 2, "reason": "传感器检修"}).status_code == 200
    assert site.alarms() == [] and [a["id"] for a in site.alarms("shelved")] == [alarm["id"]]
    site.clock.advance(hours=1, minutes=59)
    run(site)
    assert level_alarms(site) == []  # (the unchanged keep-alive value has meanwhile raised a 数值不变 alarm)
    site.clock.advance(minutes=2)
    assert run(site).unshelved == 1
    assert [a["id"] for a in level_alarms(site)] == [alarm["id"]]
    assert post(site, alarm["id"], "unshelve").status_code == 409


def test_manual_unshelve(site: Site) -> None:
    alarm = raise_corner(site)
    post(site, alarm["id"], "shelve", {"hours": 1, "reason": "传感器标校"})
    assert post(site, alarm["id"], "unshelve").json()["shelved_until"] is None
    assert [a["id"] for a in site.alarms()] == [alarm["id"]]


def test_alarm_scope_and_roles(site: Site, db_session: Any) -> None:
    from tests import factories
    from yingji.auth.roles import Role

    alarm = raise_corner(site)
    assert site.client.get(f"/api/monitoring/alarms/{alarm['id']}", headers=site.outsider).status_code == 404
    assert site.alarms(headers=site.outsider) == []
    assert post(site, alarm["id"], "ack", headers=site.other_gateway).status_code == 404
    expert = factories.bearer(db_session, "expert_wang", Role.EXPERT, "150602")
    assert site.client.get(f"/api/monitoring/alarms/{alarm['id']}", headers=expert).status_code == 200
    assert post(site, alarm["id"], "ack", headers=expert).status_code == 403
    assert post(site, alarm["id"], "ack", headers=site.gateway).status_code == 200  # the mine's own dispatcher
    assert site.client.get("/api/monitoring/alarms", params={"state": "bogus"}, headers=site.officer).status_code == 422


def outbox(site: Site) -> list[tuple[str, str]]:
    with site.app.state.sessionmaker() as db_session:
        rows = db_session.scalars(select(OutboxItem).where(OutboxItem.topic.like("alarm.%")).order_by(OutboxItem.id))
        return [(row.topic, row.recipient) for row in rows]


def test_unacknowledged_alarms_escalate_up_the_ladder(site: Site) -> None:
    raise_corner(site)
    site.clock.advance(minutes=4, seconds=59)
    assert run(site).escalated == 0
    site.clock.advance(seconds=2)
    assert run(site).escalated == 1
    assert outbox(site) == [("alarm.escalation.1", "0477-5550001")]  # the enterprise's duty phone
    site.clock.advance(minutes=10)
    run(site)
    assert outbox(site)[-1] == ("alarm.escalation.2", "0477-8888001")  # the supervising bureau
    site.clock.advance(hours=1)
    assert run(site).escalated == 0  # the ladder has two rungs


def test_acknowledged_or_shelved_alarms_do_not_escalate(site: Site) -> None:
    alarm = raise_corner(site)
    post(site, alarm["id"], "ack")
    site.clock.advance(minutes=30)
    assert run(site).escalated == 0 and outbox(site) == []


def test_flood_is_grouped_and_notified_once_per_rung(site: Site) -> None:
    codes = [f"CH4-{n:02d}" for n in range(1, 13)]
    for code in codes:
        site.point(CORNER | {"code": code, "name": f"上隅角甲烷{code}"})
    t = site.now_ms()
    for n, code in enumerate(codes):  # 12 alarms within 12 s at one mine
        site.send([(code, t + 1000 * (n + 1), 1.2)])
    alarms = site.alarms()
    assert len(alarms) == 12
    grouped = {a["group_id"] for a in alarms}
    assert len(grouped) == 1 and None not in grouped  # the first ten joined the group when the eleventh came
    site.clock.advance(minutes=6)
    assert run(site).escalated == 12
    assert outbox(site) == [("alarm.escalation.1", "0477-5550001")]


def test_ten_alarms_are_not_a_flood(site: Site) -> None:
    for n in range(1, 11):
        site.point(CORNER | {"code": f"CH4-{n:02d}", "name": f"上隅角甲烷{n}"})
    t = site.now_ms()
    site.send([(f"CH4-{n:02d}", t + 1000 * n, 1.2) for n in range(1, 11)])
    assert {a["group_id"] for a in site.alarms()} == {None}


def test_a_silent_point_goes_offline_and_a_reading_clears_it(site: Site) -> None:
    site.point(CORNER)
    site.send([("CH4-01", site.now_ms() + 1000, 0.3)])
    site.clock.advance(seconds=92)  # more than three 30 s polling cycles since the reading (GB 50581 §3.1.4)
    assert run(site, keep_alive=None).offline == 1
    [alarm] = site.alarms()
    assert (alarm["condition"], alarm["level_name"]) == ("offline", "无数据")
    assert alarm["severity"] == "fault" and alarm["severity_label"] == "故障"
    assert run(site, keep_alive=None).offline == 0  # raised once
    site.clock.advance(minutes=10)
    site.send([("CH4-01", site.now_ms(), 0.3)])
    assert site.alarms("active") == []
    # heard again: the silence is over, needs nobody's acknowledgement, and its history says how long it lasted
    assert site.alarms() == []
    [closed] = site.alarms("closed")
    events = site.client.get(f"/api/monitoring/alarms/{closed['id']}", headers=site.officer).json()["events"]
    assert events[-1]["kind"] == "cleared" and events[-1]["text"] == "无数据报警持续 10 分钟后恢复"
    assert closed["duration_label"] == "10 分钟后恢复" and closed["acknowledged"] is False


def test_state_survives_a_restart(site: Site) -> None:
    alarm = raise_corner(site, 1.6)
    site.app.state.monitor = MonitoringEngine()  # a fresh process: state comes back from the database
    site.clock.advance(minutes=1)
    result = site.send([("CH4-01", site.now_ms(), 1.2)])  # between recovery and power-cut: still power-cut
    assert result["transitions"] == 0
    stale = site.send([("CH4-01", site.now_ms() - 30_000, 0.1)])  # older than the last stored reading
    assert stale["accepted"] == 0
    site.clock.advance(minutes=1)
    site.send([("CH4-01", site.now_ms(), 0.5)])
    [same] = site.alarms("all")
    assert same["id"] == alarm["id"] and same["active"] is False


def pond_point(site: Site) -> dict[str, Any]:
    body = {
        "code": "JRX-01",
        "name": "1号断面浸润线",
        "kind": "PHREATIC_LINE",
        "pond": "甲尾矿库",
        "design": {"yellow": 8.0, "red": 4.0},  # burial depth in metres; orange derived as 1.1 × red (GB 51108 §8.3)
        "clear_margin": 0.2,
    }
    return dict(site.point(body))


def test_pond_point_colours_and_warning_proposal(site: Site) -> None:
    point = pond_point(site)
    assert point["rules"] == ["pond-phreatic_line"] and point["unit"] == "m"
    site.send([("JRX-01", site.now_ms() + 1000, 4.3)])  # shallower than orange (4.4 m), not yet red
    [alarm] = site.alarms()
    assert alarm["level_name"] == "橙色预警"
    proposed = post(site, alarm["id"], "propose-warning", {"note": "浸润线持续抬升"})
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["level"] == 2 and proposed.json()["status"] == "proposed"
    warning = site.client.get(f"/api/warnings/{proposed.json()['warning_id']}", headers=site.officer).json()
    assert warning["source"] == f"monitoring:alarm:{alarm['id']}"
    assert post(site, alarm["id"], "propose-warning").status_code == 409


def test_a_mine_alarm_needs_a_chosen_warning_level(site: Site) -> None:
    alarm = raise_corner(site)
    refused = post(site, alarm["id"], "propose-warning")
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "level"
    assert post(site, alarm["id"], "propose-warning", {"level": 5}).status_code == 422
    assert post(site, alarm["id"], "propose-warning", {"level": 3}).status_code == 201


def test_a_proposal_from_an_alarm_carries_what_the_alarm_states(site: Site) -> None:
    """The alarm's own facts fill the plan's start-time and area fields (001: 起始时间、影响范围); the measures are
    written by a person, and the open-ended 其它需要发布的信息 may stay empty, so issuing takes two entries."""
    alarm = raise_corner(site, 1.6)
    proposed = post(site, alarm["id"], "propose-warning", {"level": 3})
    assert proposed.status_code == 201, proposed.text
    url = f"/api/warnings/{proposed.json()['warning_id']}"
    fields = site.client.get(url, headers=site.officer).json()["fields"]
    assert "甲煤矿" in fields["影响范围"] and fields["起始时间"].startswith("20")
    assert "建议或强制性防范措施" not in fields and "其它需要发布的信息" not in fields  # not invented
    refused = site.client.post(f"{url}/issue", json={"fields": {}}, headers=site.officer)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "fields.建议或强制性防范措施"
    issued = site.client.post(
        f"{url}/issue", json={"fields": {"建议或强制性防范措施": "立即停电撤人"}}, headers=site.officer
    )
    assert issued.status_code == 200, issued.text
    assert issued.json()["status"] == "issued"


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("ack", {}),
        ("comments", {"text": "x"}),
        ("shelve", {"hours": 1, "reason": "检修"}),
        ("unshelve", {}),
        ("propose-warning", {"level": 3}),
    ],
)
def test_unknown_alarm(site: Site, action: str, body: dict[str, Any]) -> None:
    assert post(site, 999_999, action, body).status_code == 404


def test_a_flood_in_one_batch_is_one_group(site: Site) -> None:
    """A whole district going over at once (one batch) groups every alarm, each with a 'grouped' history entry."""
    codes = [f"CH4-{n:02d}" for n in range(1, 26)]
    for code in codes:
        site.point(CORNER | {"code": code, "name": f"上隅角甲烷{code}"})
    t = site.now_ms()
    result = site.send([(code, t + 1000, 1.2) for code in codes])
    assert result["transitions"] == 25 and len(result["alarm_ids"]) == 25
    alarms = site.alarms()
    assert len({a["group_id"] for a in alarms}) == 1 and alarms[0]["group_id"] is not None
    history = site.client.get(f"/api/monitoring/alarms/{alarms[0]['id']}", headers=site.officer).json()["events"]
    assert [e["kind"] for e in history] == ["raised", "grouped"]


def test_pond_items_aggregate_their_points(site: Site) -> None:
    """GB 50863 §5.5.4 (regulations.md#L405-L407): two orange points make the phreatic-line item red."""
    for n in (1, 2, 3):
        body = {
            "code": f"JRX-0{n}",
            "name": f"{n}号断面浸润线",
            "kind": "PHREATIC_LINE",
            "pond": "甲尾矿库",
            "design": {"yellow": 8.0, "red": 4.0},
        }
        site.point(body)
    t = site.now_ms()
    site.send(
        [("JRX-01", t + 1000, 4.3), ("JRX-02", t + 1000, 4.2), ("JRX-03", t + 1000, 7.0)]
    )  # orange, orange, yellow
    answer = site.client.get(f"/api/monitoring/ponds/{site.pond_id}/items", headers=site.officer).json()
    [item] = answer["items"]
    assert [p["colour"] for p in item["points"]] == ["橙色", "橙色", "黄色"]
    assert (item["colour"], answer["colour"]) == ("红色", "红色") and "截断" in answer["note"]
    assert site.client.get(f"/api/monitoring/ponds/{site.pond_id}/items", headers=site.outsider).status_code == 404


def test_stored_minutes_expire_after_the_retention_period(site: Site) -> None:
    site.point(CORNER)
    site.send([("CH4-01", site.now_ms() + 1000, 0.3)])
    point_id = site.client.get("/api/monitoring/points", headers=site.officer).json()["items"][0]["id"]

    def minutes() -> int:
        params = {"since": "2026-11-23T02:00:00+00:00", "until": "2026-11-23T04:00:00+00:00"}
        body = site.client.get(f"/api/monitoring/points/{point_id}/readings", params=params, headers=site.officer)
        return len(body.json()["items"])

    assert minutes() == 1
    site.clock.advance(hours=23)
    with site.app.state.sessionmaker() as db_session:
        assert (
            run_round(db_session=db_session, clock=site.clock, engine=site.app.state.monitor, retention_days=1).pruned
            == 0
        )
    site.clock.advance(hours=2)
    with site.app.state.sessionmaker() as db_session:
        by_day = db_session.get_bind().dialect.name == "postgresql"  # day partitions go whole: the day must be past
        if by_day:
            assert (
                run_round(
                    db_session=db_session, clock=site.clock, engine=site.app.state.monitor, retention_days=1
                ).pruned
                == 0
            )
            assert minutes() == 1
            site.clock.advance(hours=21)  # 2026-11-25 01:00: all of the 23rd is older than a day
        assert (
            run_round(db_session=db_session, clock=site.clock, engine=site.app.state.monitor, retention_days=1).pruned
            == 1
        )
    assert minutes() == 0


def test_a_new_rise_escalates_again_from_the_first_rung(site: Site) -> None:
    raise_corner(site)
    site.clock.advance(minutes=20)
    run(site)  # two rungs sent
    site.clock.advance(minutes=1)
    site.send([("CH4-01", site.now_ms(), 0.5)])  # cleared, still unacknowledged
    site.clock.advance(hours=3)
    site.send([("CH4-01", site.now_ms(), 1.2)])  # rises again: the same open alarm, a fresh ladder
    assert run(site).escalated == 0
    site.clock.advance(minutes=5, seconds=1)
    assert run(site).escalated == 1
    assert outbox(site)[-1] == ("alarm.escalation.1", "0477-5550001")


def test_late_readings_do_not_make_a_flood_of_old_alarms(site: Site) -> None:
    """Eleven alarms an hour apart are no flood, nor is a twelfth from a reading buffered since the first hour."""
    codes = [f"CH4-{n:02d}" for n in range(1, 13)]
    for code in codes:
        site.point(CORNER | {"code": code, "name": f"上隅角甲烷{code}"})
    start = site.now_ms()
    for n, code in enumerate(codes[:11]):
        site.clock.advance(hours=1)
        site.send([(code, start + (n + 1) * 3_600_000, 1.2)])
    site.send([("CH4-12", start + 1_800_000, 1.2)])  # a reading from half past the first hour
    assert {a["group_id"] for a in level_alarms(site)} == {None}


def test_a_code_in_use_at_another_site_is_refused(site: Site, db_session: Any) -> None:
    from tests import factories

    factories.mine(db_session, "甲煤矿二号井", "甲煤业有限公司", "150625", kind="coal_underground")
    site.point(CORNER)
    moved = CORNER | {"mine": "甲煤矿二号井"}
    for headers in (site.outsider, site.gateway):
        refused = site.client.post("/api/monitoring/points", json=moved, headers=headers)
        assert refused.status_code == 409, refused.text
    point = site.client.get("/api/monitoring/points", headers=site.officer).json()["items"][0]
    assert point["mine_id"] == site.mine_id and point["division_code"] == "150602"


def test_changing_a_points_rules_withdraws_its_alarms(site: Site) -> None:
    alarm = raise_corner(site)
    site.point(CORNER | {"location_class": "采煤工作面回风巷"})
    withdrawn = site.client.get(f"/api/monitoring/alarms/{alarm['id']}", headers=site.officer).json()
    assert (withdrawn["open"], withdrawn["active"]) == (False, False)
    assert withdrawn["events"][-1]["kind"] == "withdrawn"
    site.clock.advance(minutes=1)
    result = site.send([("CH4-01", site.now_ms(), 1.2)])  # the new rule raises afresh
    assert result["transitions"] >= 1 and level_alarms(site)[0]["rule_id"] == "ch4-coal-face-return-airway"


def test_a_stuck_alarm_survives_a_registry_change_and_a_restart(site: Site) -> None:
    site.point(CORNER)
    for _ in range(32):
        site.clock.advance(minutes=1)
        site.send([("CH4-01", site.now_ms(), 0.3)])
    [stuck] = [a for a in site.alarms() if a["condition"] == "stuck"]
    site.point(CORNER | {"code": "CO-01", "name": "一氧化碳", "kind": "CO", "location_class": "一般"})  # reload
    site.clock.advance(minutes=1)
    assert site.send([("CH4-01", site.now_ms(), 0.3)])["transitions"] == 0
    site.app.state.monitor = MonitoringEngine()  # restart
    site.clock.advance(minutes=1)
    assert site.send([("CH4-01", site.now_ms(), 0.3)])["transitions"] == 0
    assert [a["id"] for a in site.alarms("active") if a["condition"] == "stuck"] == [stuck["id"]]


def test_a_closed_alarm_can_be_neither_acknowledged_nor_shelved(site: Site) -> None:
    alarm = raise_corner(site)
    post(site, alarm["id"], "ack")
    site.clock.advance(minutes=1)
    site.send([("CH4-01", site.now_ms(), 0.5)])  # cleared after acknowledgement: closed
    for action, body in (("ack", {}), ("shelve", {"hours": 1, "reason": "检修"})):
        refused = post(site, alarm["id"], action, body)
        assert refused.status_code == 409 and "关闭" in refused.json()["error"]["message"]


def test_no_warning_proposal_where_no_plan_covers_the_site(site: Site, db_session: Any) -> None:
    """A coal mine in 杭锦旗: no bundled plan with an accident-warning part covers coal mines there."""
    from tests import factories

    factories.mine(db_session, "甲煤矿二号井", "甲煤业有限公司", "150625", kind="coal_underground")
    site.point(CORNER | {"code": "HJ-CH4", "mine": "甲煤矿二号井"})
    site.send([("HJ-CH4", site.now_ms() + 1000, 1.2)])
    [alarm] = [a for a in site.alarms("all", headers=site.gateway) if a["condition"] == "level"]
    refused = post(site, alarm["id"], "propose-warning", {"level": 3}, headers=site.gateway)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "alarm"


def test_the_default_trend_window_includes_the_minute_under_way(site: Site) -> None:
    """The console's trend chart asks without a window: a reading of this very minute must be in it."""
    site.point(CORNER)
    site.send([("CH4-01", site.now_ms() + 1000, 0.3)])
    point_id = site.client.get("/api/monitoring/points", headers=site.officer).json()["items"][0]["id"]
    answer = site.client.get(f"/api/monitoring/points/{point_id}/readings", headers=site.officer).json()
    assert [m["last"] for m in answer["items"]] == [0.3] and answer["total"] == 1
    site.clock.advance(hours=7)  # older than the default six hours: gone from the default window
    answer = site.client.get(f"/api/monitoring/points/{point_id}/readings", headers=site.officer).json()
    assert answer["items"] == [] and answer["total"] == 0

"""The mine supervision registers over HTTP: the census gate, the 400 m flag, goafs, deadlines, networking, the
warning loop, pond dispositions, supervising bodies and the 12-hour reach — with scope, roles and audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from tests.supervision.conftest import START, World
from yingji.audit.models import AuditEntry
from yingji.auth.models import User
from yingji.core.clock import to_ms
from yingji.inbox.models import Notice
from yingji.monitoring import readings
from yingji.monitoring.models import MonitorPoint, SiteKind
from yingji.monitoring.networking.models import NetworkingFeed
from yingji.monitoring.schema import SensorKind
from yingji.registry.models import Mine, TailingsPond

pytestmark = pytest.mark.db

PROFILE = {"depth_m": 450, "rock_burst_monitoring": False, "state_owned_large": False, "central_enterprise": False}


def _actions(db_session: Session, prefix: str) -> list[str]:
    rows = db_session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.seq)
    )
    return list(rows)


# --- the walk-through (issue 26 “done when”) ------------------------------------------------------------------------


def test_a_mine_without_its_census_is_refused_resumption(world: World, db_session: Session) -> None:
    path = f"/api/supervision/mines/{world.stopped_mine}"
    check = world.get(f"{path}/resume", world.officer).json()
    assert check["may_resume"] is False and check["subcode"] == "supervision.resume.no_census"
    assert [b["seed"] for b in check["basis"]] == ["002#L183", "002#L281"]
    refused = world.post(f"{path}/resume", world.officer, {"note": "企业申请复工"})
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["subcode"] == "supervision.resume.no_census" and error["basis"][0]["seed"] == "002#L183"
    status = world.get(path, world.officer).json()
    assert status["status"] == "suspended" and "停工停产：复工条件未满足" in status["flags"]

    # last year's completed census does not open the gate
    last = world.post(f"{path}/censuses", world.enterprise, {"year": 2025, "started_on": "2025-03-01"}).json()
    assert (
        world.post(
            f"/api/supervision/censuses/{last['id']}/complete", world.enterprise, {"completed_on": "2025-06-30"}
        ).status_code
        == 200
    )
    assert world.post(f"{path}/resume", world.officer).json()["error"]["subcode"] == "supervision.resume.no_census"

    # this year's: in progress, then completed with an untreated finding, then treated
    census = world.post(f"{path}/censuses", world.enterprise, {"year": 2026, "started_on": "2026-04-01"})
    assert census.status_code == 201, census.text
    cid = census.json()["id"]
    assert world.post(f"{path}/resume", world.officer).json()["error"]["subcode"] == "supervision.resume.census_open"
    found = world.post(
        f"/api/supervision/censuses/{cid}/findings",
        world.enterprise,
        {"kind": "goaf", "description": "-120m 中段东侧采空区未充填"},
    ).json()
    fid = found["findings"][0]["id"]
    done = world.post(f"/api/supervision/censuses/{cid}/complete", world.enterprise, {"completed_on": "2026-10-15"})
    assert done.json()["state"] == "completed" and done.json()["untreated"] == 1
    assert world.post(f"{path}/resume", world.officer).json()["error"]["subcode"] == "supervision.resume.untreated"
    treated = world.post(
        f"/api/supervision/censuses/{cid}/findings/{fid}/treatment",
        world.enterprise,
        {"treatment": "尾砂胶结充填", "treated_on": "2026-11-20"},
    )
    assert treated.json()["untreated"] == 0

    # the enterprise cannot approve its own resumption
    own = world.post(f"{path}/resume", world.enterprise)
    assert own.status_code == 403 and own.json()["error"]["subcode"] == "supervision.resume.party"
    resumed = world.post(f"{path}/resume", world.officer, {"note": "复工验收合格"})
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["status"] == "producing"
    assert db_session.scalar(select(Mine.status).where(Mine.id == world.stopped_mine)) == "producing"
    again = world.post(f"{path}/resume", world.officer)
    assert again.status_code == 409 and again.json()["error"]["subcode"] == "supervision.resume.not_suspended"
    assert "supervision.resume" in _actions(db_session, "supervision.")
    assert _actions(db_session, "supervision.census").count("supervision.census.open") == 2


def test_a_450_m_mine_without_rock_burst_monitoring_is_flagged(world: World) -> None:
    path = f"/api/supervision/mines/{world.deep_mine}"
    before = world.get(path, world.officer).json()
    assert before["rock_burst"] == "unknown" and before["rock_burst_flagged"] is False
    flagged = world.put(f"{path}/profile", world.enterprise, PROFILE)
    assert flagged.status_code == 200, flagged.text
    body = flagged.json()
    assert body["rock_burst"] == "missing" and body["rock_burst_flagged"] is True
    assert any("超过400米" in f for f in body["flags"])
    listed = world.get("/api/supervision/mines", world.officer).json()["items"]
    assert [m["rock_burst_flagged"] for m in listed if m["mine_id"] == world.deep_mine] == [True]
    met = world.put(f"{path}/profile", world.enterprise, PROFILE | {"rock_burst_monitoring": True}).json()
    assert met["rock_burst"] == "met" and met["rock_burst_flagged"] is False


@pytest.mark.parametrize(("depth", "flagged"), [(400, False), (401, True)])
def test_the_400_m_boundary(world: World, depth: int, flagged: bool) -> None:
    body = world.put(
        f"/api/supervision/mines/{world.deep_mine}/profile", world.officer, PROFILE | {"depth_m": depth}
    ).json()
    assert body["rock_burst_flagged"] is flagged


# --- errors: who and what -------------------------------------------------------------------------------------------


def test_error_paths(world: World) -> None:
    path = f"/api/supervision/mines/{world.deep_mine}"
    assert world.client.get(path).status_code == 401
    assert world.get(path, world.outsider).status_code == 404  # another banner's officer: not in scope
    assert world.get(path, world.other_enterprise).status_code == 404
    assert world.get("/api/supervision/mines/999999", world.officer).status_code == 404
    expert = world.put(f"{path}/profile", world.expert, PROFILE)
    assert expert.status_code == 403 and expert.json()["error"]["subcode"] == "supervision.profile.party"
    assert world.put(f"{path}/profile", world.enterprise, PROFILE | {"depth_m": -1}).status_code == 422
    future = world.post(f"{path}/censuses", world.enterprise, {"year": 2027, "started_on": "2026-11-01"})
    assert future.status_code == 422 and future.json()["error"]["field"] == "year"
    first = world.post(f"{path}/censuses", world.enterprise, {"year": 2026, "started_on": "2026-03-01"})
    assert first.status_code == 201
    twice = world.post(f"{path}/censuses", world.officer, {"year": 2026, "started_on": "2026-03-02"})
    assert twice.status_code == 409 and twice.json()["error"]["subcode"] == "supervision.census.exists"
    late = world.post(
        f"/api/supervision/censuses/{first.json()['id']}/complete", world.enterprise, {"completed_on": "2026-12-01"}
    )
    assert late.status_code == 422 and late.json()["error"]["field"] == "completed_on"
    supervisors = world.put(f"{path}/supervisors", world.enterprise, {"supervising_org_id": world.bureau, "note": "x"})
    assert supervisors.status_code == 403
    assert supervisors.json()["error"]["subcode"] == "supervision.supervisors.not_supervisor"
    assert world.post("/api/supervision/deadlines/generate", world.enterprise).status_code == 403
    assert world.post(f"{path}/resume", world.outsider).status_code == 404


def test_allowed_actions_follow_the_party(world: World) -> None:
    stopped = f"/api/supervision/mines/{world.stopped_mine}"
    assert "resume" in world.get(stopped, world.officer).json()["allowed_actions"]
    assert "resume" not in world.get(stopped, world.enterprise).json()["allowed_actions"]
    assert world.get(stopped, world.expert).json()["allowed_actions"] == []


def test_each_register_entry_says_what_its_party_may_do(world: World) -> None:
    deep = f"/api/supervision/mines/{world.deep_mine}"
    own = world.get(deep, world.enterprise).json()["allowed_actions"]
    assert {"open_census", "apply_capacity", "add_equipment", "add_policy"} <= set(own)
    assert not {"record_grade", "spot_check", "set_supervisors"} & set(own)
    assert "record_grade" in world.get(deep, world.officer).json()["allowed_actions"]
    assert "spot_check" not in world.get(deep, world.officer).json()["allowed_actions"]  # not graded
    world.post(f"{deep}/censuses", world.enterprise, {"year": 2026, "started_on": "2026-04-01"})
    world.post(f"{deep}/capacity-requests", world.enterprise, {"requested_t": 3_000_000, "reason": "保供"})
    world.post(f"{deep}/standardisation/grade", world.officer, {"grade": "level_2", "on": "2026-05-01"})
    own = world.get(deep, world.enterprise).json()["allowed_actions"]
    assert "open_census" not in own and "apply_capacity" not in own  # registered; one request awaits assessment
    assert world.get(f"{deep}/standardisation", world.officer).json()["allowed_actions"] == [
        "record_grade",
        "spot_check",
    ]
    assert world.get(f"{deep}/standardisation", world.enterprise).json()["allowed_actions"] == []
    world.post("/api/supervision/deadlines/generate", world.officer)
    [row, *_] = world.get("/api/supervision/deadlines", world.enterprise).json()["items"]
    assert row["allowed_actions"] == ["done"]
    assert world.get("/api/supervision/deadlines", world.expert).json()["items"][0]["allowed_actions"] == []
    world.post(f"/api/supervision/deadlines/{row['id']}/done", world.enterprise, {"done_on": "2026-11-01"})
    done = world.get("/api/supervision/deadlines", world.enterprise, mine_id=row["mine_id"], code=row["code"])
    assert done.json()["items"][0]["allowed_actions"] == []
    agency = {"name": "示例检测公司", "division_code": "150725", "services": "检测检验"}
    aid = world.post("/api/supervision/agencies", world.officer, agency).json()["id"]
    world.put(f"/api/supervision/agencies/{aid}/negative", world.officer, {"negative": True, "reason": "虚假报告"})
    assert world.get("/api/supervision/agencies", world.officer).json()["items"][0]["allowed_actions"] == [
        "evaluate",
        "delist",
    ]
    assert world.get("/api/supervision/agencies", world.enterprise).json()["items"][0]["allowed_actions"] == []
    [pond] = world.get("/api/supervision/ponds", world.officer).json()["items"]
    assert pond["allowed_actions"] == ["classify", "push_warning"]
    assert world.get("/api/supervision/ponds", world.enterprise).json()["items"][0]["allowed_actions"] == []


# --- supervising bodies (002#L154, L159) ----------------------------------------------------------------------------


def test_daily_body_and_territorial_supervisor(world: World, db_session: Session) -> None:
    path = f"/api/supervision/mines/{world.deep_mine}"
    central = world.put(f"{path}/profile", world.officer, PROFILE | {"central_enterprise": True}).json()
    assert central["territorial_missing"] is True and "中央驻市企业矿山未明确属地监管部门" in central["flags"]
    assert central["supervising_org_name"] == "陈巴尔虎旗应急管理局"
    assigned = world.put(
        f"{path}/supervisors",
        world.officer,
        {"supervising_org_id": world.bureau, "territorial_org_id": world.bureau, "note": "明确属地监管责任"},
    ).json()
    assert assigned["territorial_missing"] is False and assigned["territorial_org_name"] == "陈巴尔虎旗应急管理局"
    bad = world.put(f"{path}/supervisors", world.officer, {"supervising_org_id": world.owner, "note": "误填企业"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "supervising_org_id"
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "supervision.supervisors")).one()
    assert entry.after == {"supervising_org_id": world.bureau, "territorial_org_id": world.bureau}


# --- goafs, four colours (002#L213, L289) ---------------------------------------------------------------------------


def _goaf(name: str, colour: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "goaf", "name": name, "colour": colour, "assessed_on": "2026-10-01", **extra}


def test_goaf_four_colour_list_and_layer(world: World) -> None:
    mine = f"/api/supervision/mines/{world.stopped_mine}/goafs"
    assert world.post(mine, world.enterprise, _goaf("-80m 采空区", "blue")).status_code == 201
    red = world.post(
        mine, world.enterprise, _goaf("-120m 采空区", "red", measures=["backfill", "monitor"], lon=119.81, lat=49.51)
    )
    assert red.status_code == 201, red.text
    assert red.json()["measure_labels"] == ["充填", "监测"] and red.json()["colour_label"] == "红色（重大风险）"
    listed = world.get("/api/supervision/goafs", world.officer).json()
    assert [g["colour"] for g in listed["items"]] == ["red", "blue"]  # most severe first
    assert world.get("/api/supervision/goafs", world.officer, colour="blue").json()["total"] == 1
    layer = world.get("/api/supervision/goafs/layer", world.officer).json()
    assert [f["properties"]["colour"] for f in layer["features"]] == ["red"]  # only placed entries
    status = world.get(f"/api/supervision/mines/{world.stopped_mine}", world.officer).json()
    assert status["worst_goaf_colour"] == "red"
    on_map = world.get("/api/map/layers", world.officer).json()["layers"]
    [goafs] = [item for item in on_map if item["key"] == "goafs"]  # the 一张图's four-colour layer
    assert [(f["category"], f["name"]) for f in goafs["features"]] == [("red", "示例铅锌矿 -120m 采空区")]
    assert {e["category"]: e["count"] for e in goafs["legend"]}["red"] == 1
    treated = world.put(
        f"/api/supervision/goafs/{red.json()['id']}", world.enterprise, _goaf("-120m 采空区", "red", state="treated")
    )
    assert treated.json()["state_label"] == "已完成分类治理"
    assert (
        world.get(f"/api/supervision/mines/{world.stopped_mine}", world.officer).json()["worst_goaf_colour"] == "blue"
    )
    half = world.post(mine, world.enterprise, _goaf("x", "red", lon=119.8))
    assert half.status_code == 422
    assert world.post(mine, world.other_enterprise, _goaf("x", "red")).status_code == 404


# --- deadlines (002#L161, L209, L213, L285) -------------------------------------------------------------------------


def test_deadlines_generated_from_the_milestones_and_overdue(world: World) -> None:
    world.put(f"/api/supervision/mines/{world.deep_mine}/profile", world.officer, PROFILE | {"state_owned_large": True})
    created = world.post("/api/supervision/deadlines/generate", world.officer).json()["created"]
    assert world.post("/api/supervision/deadlines/generate", world.officer).json()["created"] == 0  # idempotent
    rows = world.get("/api/supervision/deadlines", world.officer).json()["items"]
    assert len(rows) == created
    by_mine: dict[int, dict[str, str]] = {}
    for row in rows:
        by_mine.setdefault(row["mine_id"], {})[row["code"]] = row["due"]
    assert by_mine[world.deep_mine] == {
        "outsourcing_state_large": "2027-12-31",
        "dual_power": "2030-12-31",
        "rock_burst_monitoring": "2030-12-31",
    }
    assert by_mine[world.stopped_mine] == {
        "hoist_multi_rope": "2026-12-31",
        "outsourcing_all": "2029-12-31",
        "dual_power": "2030-12-31",
    }
    hoist = next(r for r in rows if r["code"] == "hoist_multi_rope")
    assert hoist["basis"]["seed"] == "002#L209" and hoist["overdue"] is False
    assert world.get("/api/supervision/deadlines", world.officer, overdue=True).json()["total"] == 0
    world.clock.advance(days=40)  # 2027-01-02
    overdue = world.get("/api/supervision/deadlines", world.officer, overdue=True).json()
    assert [r["code"] for r in overdue["items"]] == ["hoist_multi_rope"] and overdue["items"][0][
        "status_label"
    ] == "已逾期"
    status = world.get(f"/api/supervision/mines/{world.stopped_mine}", world.enterprise).json()
    assert status["deadlines_overdue"] == 1 and "1 项改造节点逾期" in status["flags"]
    done = world.post(f"/api/supervision/deadlines/{hoist['id']}/done", world.enterprise, {"done_on": "2027-01-01"})
    assert done.status_code == 200 and done.json()["overdue"] is False
    assert world.get("/api/supervision/deadlines", world.officer, overdue=True).json()["total"] == 0
    twice = world.post(f"/api/supervision/deadlines/{hoist['id']}/done", world.enterprise, {"done_on": "2027-01-01"})
    assert twice.status_code == 409


# --- networking (002#L193) ------------------------------------------------------------------------------------------


def test_networking_share_from_live_feeds(world: World, db_session: Session) -> None:
    now = START
    # the deep coal mine: a networking feed (10-minute cycle) heard 5 minutes ago
    db_session.add(
        NetworkingFeed(
            mine_id=world.deep_mine,
            code="150725000001",
            profile="kj-2019",
            cycle_s=600,
            enterprise_id=world.owner,
            division_code="150725",
            registered_at=now,
            last_file_at=now - timedelta(minutes=5),
        )
    )
    # the pond: a point whose last reading is 10 minutes old at a 30 s polling period — offline, not networked
    point = MonitorPoint(
        code="JRX-01",
        name="浸润线",
        kind=SensorKind.PHREATIC_LINE,
        unit="mm",
        site_kind=SiteKind.POND,
        pond_id=world.pond,
        enterprise_id=world.owner,
        division_code="150725",
        polling_s=30,
        created_at=now,
    )
    db_session.add(point)
    db_session.flush()
    last = to_ms(now) - 10 * 60_000
    minute = {
        "n": 1,
        "vmin": 1,
        "vmax": 1,
        "vsum": 1,
        "last_value": 1,
    }  # through the store: PostgreSQL's day partitions
    readings.store(db_session, [{"point_id": point.id, "minute": last // 60_000, "last_ms": last, **minute}])
    db_session.flush()
    body = world.get("/api/supervision/networking", world.officer).json()
    assert body["basis"]["seed"] == "002#L193"
    rows = {r["site_class"]: r for r in body["rows"]}
    assert (rows["coal_mine"]["total"], rows["coal_mine"]["networked"], rows["coal_mine"]["share"]) == (1, 1, 1.0)
    assert rows["underground_non_coal"]["networked"] == 0 and rows["underground_non_coal"]["not_networked"] == [
        "示例铅锌矿"
    ]
    assert (rows["pond"]["total"], rows["pond"]["networked"]) == (1, 0)
    assert rows["pond"]["target_share"] == 1.0 and rows["pond"]["due"] == "2030-12-31"
    # a fresh reading brings the pond online
    fresh = to_ms(now) - 30_000
    readings.store(db_session, [{"point_id": point.id, "minute": fresh // 60_000, "last_ms": fresh, **minute}])
    db_session.flush()
    rows = {r["site_class"]: r for r in world.get("/api/supervision/networking", world.officer).json()["rows"]}
    assert rows["pond"]["networked"] == 1
    mine = world.get(f"/api/supervision/mines/{world.deep_mine}", world.officer).json()
    assert mine["networked"] is True and mine["networking_label"] == "监测数据在线（已联网）"
    # the feed goes silent beyond 3 cycles
    world.clock.advance(minutes=30)
    mine = world.get(f"/api/supervision/mines/{world.deep_mine}", world.officer).json()
    assert mine["networked"] is False and "监测系统未联网" in mine["flags"]


# --- the warning feedback loop (002#L300–L303) ----------------------------------------------------------------------

WARNING = {"title": "边坡位移速率持续增大", "assessment": "研判为橙色风险", "respond_within_h": 2, "close_within_h": 48}


def test_warning_push_response_and_closure(world: World, db_session: Session) -> None:
    body = WARNING | {"mine_id": world.deep_mine}
    assert world.post("/api/supervision/warnings", world.enterprise, body).status_code == 403
    assert world.post("/api/supervision/warnings", world.officer, WARNING).status_code == 422  # no site
    pushed = world.post("/api/supervision/warnings", world.officer, body)
    assert pushed.status_code == 201, pushed.text
    wid = pushed.json()["id"]
    notices = db_session.scalars(
        select(Notice.key).join(User, User.id == Notice.user_id).where(User.username == "brxl_safety")
    )
    assert list(notices) == [f"site-warning-{wid}-push"]  # in the enterprise's inbox
    bad_alarm = world.post("/api/supervision/warnings", world.officer, body | {"alarm_id": 99999})
    assert bad_alarm.status_code == 422 and bad_alarm.json()["error"]["field"] == "alarm_id"
    assert pushed.json()["state"] == "pushed" and pushed.json()["allowed_actions"] == ["respond"]  # on its behalf
    assert world.get("/api/supervision/warnings", world.enterprise).json()["items"][0]["allowed_actions"] == ["respond"]
    early = world.post(f"/api/supervision/warnings/{wid}/close", world.officer, {"text": "已闭环"})
    assert early.status_code == 409 and early.json()["error"]["subcode"] == "supervision.warning_close.state"
    world.clock.advance(hours=3)
    late = world.get("/api/supervision/warnings", world.officer, overdue=True).json()
    assert late["total"] == 1 and late["items"][0]["overdue"] is True
    responded = world.post(
        f"/api/supervision/warnings/{wid}/respond", world.enterprise, {"text": "已撤出人员，加密观测"}
    )
    assert responded.json()["state"] == "responded"
    assert world.get("/api/supervision/warnings", world.officer, overdue=True).json()["total"] == 0
    self_close = world.post(f"/api/supervision/warnings/{wid}/close", world.enterprise, {"text": "已处置"})
    assert self_close.status_code == 403
    assert self_close.json()["error"]["subcode"] == "supervision.warning_close.not_supervisor"
    closed = world.post(f"/api/supervision/warnings/{wid}/close", world.officer, {"text": "现场核实，位移趋稳"})
    assert closed.json()["state"] == "closed" and closed.json()["closed_at"] is not None
    assert world.post(f"/api/supervision/warnings/{wid}/bogus", world.officer, {"text": "x"}).status_code == 404
    assert _actions(db_session, "supervision.warning") == [
        "supervision.warning.push",
        "supervision.warning.respond",
        "supervision.warning.close",
    ]


# --- tailings-pond dispositions (002#L291–L294) ---------------------------------------------------------------------


def test_pond_closed_and_cancelled_is_sealed(world: World, db_session: Session) -> None:
    path = f"/api/supervision/ponds/{world.pond}/disposition"
    body = {"category": "close_and_cancel", "due": "2027-12-31", "note": "历史遗留，闭库销号"}
    assert world.put(path, world.enterprise, body).status_code == 403
    assigned = world.put(path, world.officer, body)
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["category_label"] == "闭库销号" and assigned.json()["state"] == "assigned"
    assert world.post(f"{path}/accept", world.officer).status_code == 409
    assert world.post(f"{path}/submit", world.enterprise, {"note": "闭库工程完工"}).json()["state"] == "submitted"
    assert world.post(f"{path}/accept", world.enterprise).status_code == 403
    assert world.post(f"{path}/reject", world.officer).status_code == 422  # a reason is required
    accepted = world.post(f"{path}/accept", world.officer, {"note": "验收合格"}).json()
    assert accepted["state"] == "accepted" and accepted["accepted_on"] == "2026-11-23"
    assert db_session.scalar(select(TailingsPond.status).where(TailingsPond.id == world.pond)) == "sealed"
    again = world.put(path, world.officer, body)
    assert again.status_code == 409 and again.json()["error"]["subcode"] == "supervision.disposition.accepted"
    listed = world.get("/api/supervision/ponds/dispositions", world.enterprise).json()
    assert listed["total"] == 1 and [h["what"] for h in listed["items"][0]["history"]] == [
        "分类：闭库销号",
        "申请验收",
        "验收",
    ]


# --- the 12-hour reach (002#L255) -----------------------------------------------------------------------------------


def test_sites_beyond_12_hours(world: World, db_session: Session) -> None:
    factories.save(
        db_session,
        "rescue_teams",
        name="呼伦贝尔示例矿山救护队",
        kind="mine_rescue",
        level="city",
        division_code="150702",
        lon=119.76,
        lat=49.21,
    )
    body = world.get("/api/supervision/reach", world.officer).json()
    assert body["basis"]["seed"] == "002#L255" and body["sites_checked"] == 3
    # no depot anywhere: every site lacks materials within 12 h; the team is close to all of them
    assert {r["site_name"] for r in body["unreached"]} == {"宝日希勒示例井工煤矿", "示例铅锌矿", "示例尾矿库"}
    assert all(r["team_reached"] and not r["depot_reached"] for r in body["unreached"])
    factories.save(
        db_session, "depots", name="陈巴尔虎旗示例储备库", level="county", division_code="150725", lon=119.5, lat=49.3
    )
    assert world.get("/api/supervision/reach", world.officer).json()["unreached"] == []
    tight = world.get("/api/supervision/reach", world.officer, hours=0.1).json()
    assert len(tight["unreached"]) == 3
    assert world.get("/api/supervision/reach", world.officer, hours=0).status_code == 422

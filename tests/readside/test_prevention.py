"""The prevention domains' read side (issue 20): hazards, tips, ledger, plan registry and plans — allowed actions per
role and state (and the service refusing exactly the others), paged lists with filters, names beside codes,
subcodes on refusals, and the list's own scope answering single reads (404 outside it)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.actor import SYSTEM, Actor
from yingji.auth.roles import Role
from yingji.core.errors import Forbidden, InvalidState
from yingji.hazards import policy as hazard_policy
from yingji.hazards.models import Channel, Hazard
from yingji.ledger import service as ledger
from yingji.ledger.schemas import TaskStatus
from yingji.rules.hazards import TRANSITIONS, HazardAction, HazardState, Party, steps, transition
from yingji.rules.tips import TipState
from yingji.tips import policy as tip_policy
from yingji.tips.models import Tip, TipChannel

ENTERPRISE = Actor(username="coal_safety", role=Role.ENTERPRISE_REPORTER, organisation_id=1)
OTHER_ENTERPRISE = Actor(username="other_safety", role=Role.ENTERPRISE_REPORTER, organisation_id=2)
COUNTY = Actor(username="hangjin_duty", role=Role.COUNTY_OFFICER, division_code="150625")
CITY = Actor(username="ordos_duty", role=Role.CITY_OFFICER, division_code="150600")
OUTSIDER = Actor(username="dongsheng_duty", role=Role.COUNTY_OFFICER, division_code="150602")
EXPERT = Actor(username="hangjin_expert", role=Role.EXPERT, division_code="150625")
COMMANDER = Actor(username="hq", role=Role.HQ_COMMANDER, division_code="150625")


def _hazard(state: HazardState) -> Hazard:
    return Hazard(id=1, state=state, organisation_id=1, division_code="150625", channel=Channel.SELF_CHECK)


@pytest.mark.parametrize(
    ("state", "actor", "expected"),
    [
        (HazardState.REPORTED, ENTERPRISE, ["confirm"]),
        (HazardState.REPORTED, COUNTY, ["confirm", "dismiss"]),
        (HazardState.REPORTED, CITY, ["confirm", "dismiss"]),
        (HazardState.CONFIRMED, ENTERPRISE, ["plan"]),
        (HazardState.CONFIRMED, COUNTY, ["plan"]),
        (HazardState.RECTIFYING, ENTERPRISE, ["submit"]),
        (HazardState.RECTIFYING, COUNTY, ["submit"]),
        (HazardState.AWAITING_ACCEPTANCE, ENTERPRISE, []),  # 销号 is the supervising department's alone
        (HazardState.AWAITING_ACCEPTANCE, COUNTY, ["accept", "reject"]),
        (HazardState.AWAITING_ACCEPTANCE, CITY, ["accept", "reject"]),
        (HazardState.AWAITING_ACCEPTANCE, OUTSIDER, []),
        (HazardState.AWAITING_ACCEPTANCE, OTHER_ENTERPRISE, []),
        (HazardState.AWAITING_ACCEPTANCE, EXPERT, []),  # reads, never acts
        (HazardState.AWAITING_ACCEPTANCE, COMMANDER, []),  # no hazard permission
        (HazardState.CLOSED, COUNTY, ["reopen"]),  # found unrectified: re-opened as fake rectification (004#L718)
        (HazardState.CLOSED, ENTERPRISE, []),
        (HazardState.DISMISSED, ENTERPRISE, []),
    ],
)
def test_hazard_actions_per_party_and_state(state: HazardState, actor: Actor, expected: list[str]) -> None:
    assert hazard_policy.actions(actor, _hazard(state)) == expected


@pytest.mark.parametrize("state", list(HazardState))
@pytest.mark.parametrize("party", list(Party))
def test_the_loop_refuses_exactly_what_it_does_not_offer(state: HazardState, party: Party) -> None:
    offered = steps(state, party)
    for action in HazardAction:
        if action in offered:
            assert transition(state, action, party) == TRANSITIONS[state][action][0]
            continue
        with pytest.raises((Forbidden, InvalidState)) as refused:
            transition(state, action, party)
        assert refused.value.subcode is not None and refused.value.subcode.startswith(f"hazard.{action.value}.")
        supervisor_only = (
            HazardAction.ACCEPT,
            HazardAction.REJECT,
            HazardAction.DISMISS,
            HazardAction.EXTEND,
            HazardAction.REOPEN,
        )
        if action in supervisor_only and party is Party.ENTERPRISE:
            assert isinstance(refused.value, Forbidden) and refused.value.subcode.endswith(".not_supervisor")
        else:
            assert isinstance(refused.value, InvalidState) and refused.value.subcode.endswith(".state")


def test_consent_to_a_longer_deadline_is_offered_only_while_one_is_asked_for() -> None:
    """004#L4254: the supervisor consents to more than a week; nothing to consent to, nothing offered."""
    hazard = _hazard(HazardState.RECTIFYING)
    assert hazard_policy.actions(COUNTY, hazard) == ["submit"]
    hazard.requested_deadline = date(2026, 12, 31)
    assert hazard_policy.actions(COUNTY, hazard) == ["submit", "extend"]
    assert hazard_policy.actions(ENTERPRISE, hazard) == ["submit"]


def _tip(state: TipState, handler: str | None) -> Tip:
    return Tip(id=1, state=state, handler=handler, division_code="150702", channel=TipChannel.WEB)


HANDLER = Actor(username="hlr_duty", role=Role.COUNTY_OFFICER, division_code="150702")


@pytest.mark.parametrize(
    ("state", "handler", "actor", "expected"),
    [
        (TipState.RECEIVED, None, HANDLER, ["accept"]),
        (TipState.ACCEPTED, "hlr_duty", HANDLER, ["verify"]),
        (TipState.ACCEPTED, "hlr_duty2", HANDLER, []),  # a colleague's tip
        (TipState.VERIFIED, "hlr_duty", HANDLER, ["answer"]),
        (TipState.ANSWERED, "hlr_duty", HANDLER, ["close"]),
        (TipState.CLOSED, "hlr_duty", HANDLER, []),
        (TipState.RECEIVED, None, EXPERT, []),
        (TipState.RECEIVED, None, ENTERPRISE, []),
    ],
)
def test_tip_actions_per_handler_and_state(
    state: TipState, handler: str | None, actor: Actor, expected: list[str]
) -> None:
    assert tip_policy.actions(actor, _tip(state, handler)) == expected


# --- over HTTP --------------------------------------------------------------------------------------------------

REPORT = {
    "channel": "self_check",
    "place": "3102综采工作面回风巷",
    "description": "回风巷甲烷传感器位置不符合规定",
    "category": "瓦斯",
    "criteria": [],
    "found_on": "2026-11-20",
}


@pytest.fixture
def site(client: TestClient, db_session: Session, divisions: int) -> dict[str, Any]:
    owner = factories.enterprise(db_session, "杭锦旗示例煤业有限公司", "150625", sector="coal_mine")
    factories.user(db_session, "coal_safety", Role.ENTERPRISE_REPORTER, organisation_id=owner.id)
    return {
        "enterprise": {"Authorization": f"Bearer {factories.token_for(db_session, 'coal_safety')}"},
        "officer": factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625"),
        "outsider": factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602"),
        "expert": factories.bearer(db_session, "hangjin_expert", Role.EXPERT, "150625"),
    }


@pytest.mark.db
def test_hazard_list_pages_filters_and_names(client: TestClient, site: dict[str, Any]) -> None:
    ids = []
    for n in range(3):
        body = REPORT | {"place": f"工作面{n}", "criteria": ["coal-02"] if n == 0 else []}
        created = client.post("/api/hazards", json=body, headers=site["enterprise"])
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    first = client.get("/api/hazards", params={"limit": 2}, headers=site["officer"]).json()
    second = client.get("/api/hazards", params={"limit": 2, "offset": 2}, headers=site["officer"]).json()
    assert first["total"] == second["total"] == 3
    assert [h["id"] for h in first["items"] + second["items"]] == sorted(ids, reverse=True)
    row = second["items"][0]
    names = (row["enterprise"], row["division_name"], row["sector_label"])
    assert names == ("杭锦旗示例煤业有限公司", "杭锦旗", "煤矿")
    assert (row["state_label"], row["grade_label"], row["channel_label"]) == ("已上报", "重大", "企业自查")
    assert row["allowed_actions"] == ["confirm", "dismiss"]
    major = client.get("/api/hazards", params={"grade": "major"}, headers=site["officer"]).json()
    assert [h["id"] for h in major["items"]] == [ids[0]] and major["total"] == 1
    later = client.get("/api/hazards", params={"found_from": "2026-11-21"}, headers=site["officer"]).json()
    assert later["total"] == 0
    own = client.get(f"/api/hazards/{ids[0]}", headers=site["enterprise"]).json()
    assert own["allowed_actions"] == ["confirm"] and own["supervising_org_name"] is None
    assert own["events"][0]["action_label"] == "上报" and own["events"][0]["from"] is None
    assert client.get(f"/api/hazards/{ids[0]}", headers=site["expert"]).json()["allowed_actions"] == []
    assert client.get(f"/api/hazards/{ids[0]}", headers=site["outsider"]).status_code == 404
    assert client.get("/api/hazards", headers=site["outsider"]).json()["total"] == 0


@pytest.mark.db
@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/hazards", {"limit": 0}),
        ("/api/hazards", {"limit": 501}),
        ("/api/hazards", {"offset": -1}),
        ("/api/hazards", {"state": "open"}),
        ("/api/hazards", {"division": "15abc"}),
        ("/api/hazards", {"found_from": "yesterday"}),
        ("/api/hazards/checklists", {"limit": 0}),
        ("/api/tips", {"state": "done"}),
        ("/api/tips", {"received_to": "x"}),
        ("/api/ledger/tasks", {"status": "late"}),
        ("/api/ledger/targets", {"offset": -5}),
        ("/api/plan-registry", {"holder_kind": "person"}),
        ("/api/plan-registry", {"limit": 1000}),
        ("/api/plans", {"limit": 0}),
    ],
)
def test_bad_paging_and_filters_are_422(
    client: TestClient, site: dict[str, Any], path: str, params: dict[str, object]
) -> None:
    assert client.get(path, params=params, headers=site["officer"]).status_code == 422


@pytest.mark.db
def test_tip_list_names_and_actions(client: TestClient, db_session: Session, divisions: int) -> None:
    handler = factories.bearer(db_session, "hlr_duty", Role.COUNTY_OFFICER, "150702")
    colleague = factories.bearer(db_session, "hlr_duty2", Role.COUNTY_OFFICER, "150702")
    tip = {"division_code": "150702", "subject": "某煤矿", "description": "夜班瓦斯超限仍在采煤"}
    assert client.post("/api/tips/public", json=tip).json()["state_label"] == "待受理"
    recorded = client.post("/api/tips", json=tip | {"channel": "letter"}, headers=handler).json()
    assert recorded["channel_label"] == "来信" and recorded["division_name"] == "海拉尔区"
    assert recorded["allowed_actions"] == ["verify"]
    seen = client.get("/api/tips", params={"state": "received"}, headers=colleague).json()
    assert seen["total"] == 1 and seen["items"][0]["allowed_actions"] == ["accept"]
    theirs = client.get(f"/api/tips/{recorded['id']}", headers=colleague).json()
    assert theirs["allowed_actions"] == [] and theirs["state_label"] == "已受理"
    assert client.get("/api/tips", params={"limit": 1}, headers=handler).json()["total"] == 2


@pytest.mark.db
def test_task_status_filter_agrees_with_the_computed_status(
    client: TestClient, db_session: Session, divisions: int
) -> None:
    ledger.load(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)
    officer = factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625")
    everything = client.get("/api/ledger/tasks", params={"limit": 500}, headers=officer).json()
    first = everything["items"][0]
    finished = {"percent": 100, "done": True, "note": "完成"}
    done = client.post(f"/api/ledger/tasks/{first['id']}/progress", json=finished, headers=officer)
    assert done.status_code == 201 and done.json()["allowed_actions"] == []
    started = everything["items"][1]
    client.post(f"/api/ledger/tasks/{started['id']}/progress", json={"percent": 10, "note": "启动"}, headers=officer)
    by_status = {}
    for status in TaskStatus:
        page = client.get("/api/ledger/tasks", params={"status": status.value, "limit": 500}, headers=officer).json()
        assert {r["status"] for r in page["items"]} <= {status.value} and page["total"] == len(page["items"])
        by_status[status] = page["total"]
    assert sum(by_status.values()) == everything["total"] and by_status[TaskStatus.DONE] == 1
    row = client.get("/api/ledger/tasks", params={"limit": 1}, headers=officer).json()["items"][0]
    assert row["programme_title"] != row["programme"] and row["division_name"] == "杭锦旗"
    assert row["allowed_actions"] in ([], ["report_progress"])
    hulunbuir = factories.bearer(db_session, "hlbe_duty", Role.CITY_OFFICER, "150700")
    expert = factories.bearer(db_session, "hlbe_expert", Role.EXPERT, "150700")
    targets = client.get("/api/ledger/targets", headers=hulunbuir).json()
    assert targets["total"] == 7 and {t["allowed_actions"][0] for t in targets["items"]} == {"record_value"}
    assert targets["items"][0]["direction_label"] in ("下降", "提高", "不高于", "不低于")
    assert all(t["allowed_actions"] == [] for t in client.get("/api/ledger/targets", headers=expert).json()["items"])


@pytest.mark.db
def test_plan_record_actions_follow_its_filing(client: TestClient, db_session: Session, divisions: int) -> None:
    officer = factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602")
    expert = factories.bearer(db_session, "dongsheng_expert", Role.EXPERT, "150602")
    body = {
        "title": "东胜区危险化学品事故应急预案",
        "holder_kind": "government",
        "holder_name": "鄂尔多斯市东胜区人民政府",
        "division_code": "150602",
        "plan_type": "special",
        "issued_on": "2025-09-25",
    }
    created = client.post("/api/plan-registry", json=body, headers=officer).json()
    assert created["division_name"] == "东胜区" and created["plan_type_label"] == "专项应急预案"
    assert created["allowed_actions"] == ["filing", "drill", "evaluation", "revision_trigger"]
    url = f"/api/plan-registry/{created['id']}/activities"
    filed = client.post(url, json={"kind": "filing", "on": "2025-10-20", "detail": "市应急管理局"}, headers=officer)
    assert filed.json()["allowed_actions"] == ["drill", "evaluation", "revision_trigger"]
    assert filed.json()["activities"][0]["kind_label"] == "备案"
    again = client.post(url, json={"kind": "filing", "on": "2025-10-21", "detail": "x局"}, headers=officer)
    assert again.status_code == 409 and again.json()["error"]["subcode"] == "plan_record.filing.already_filed"
    assert client.get(f"/api/plan-registry/{created['id']}", headers=expert).json()["allowed_actions"] == []
    plans = client.get("/api/plans", params={"limit": 2}, headers=officer).json()
    assert plans["total"] == 6 and len(plans["items"]) == 2 and plans["items"][0]["kind_label"].endswith("应急预案")


@pytest.mark.db
def test_console_hazard_list_shows_names_labels_and_only_allowed_steps(
    client: TestClient, site: dict[str, Any]
) -> None:
    for n in range(3):
        client.post("/api/hazards", json=REPORT | {"place": f"工作面{n}"}, headers=site["enterprise"])
    officer = client.get("/console/hazards", params={"limit": 2}, headers=site["officer"]).text
    assert "杭锦旗示例煤业有限公司" in officer and "已上报" in officer and "企业自查" in officer
    assert '<span class="tag">核实不属实</span>' in officer and "共 3 条" in officer and "下一页" in officer
    expert = client.get("/console/hazards", headers=site["expert"]).text
    assert '<span class="tag">' not in expert and "杭锦旗示例煤业有限公司" in expert
    overdue_only = client.get("/console/hazards", params={"overdue": "true"}, headers=site["officer"]).text
    assert "工作面0" not in overdue_only

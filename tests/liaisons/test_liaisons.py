"""应急联络员 (issue 26 item 2; 003#L6 2.2.3 “各成员单位确定气象灾害应急联络员。……各成员单位如有人员变动,及时将相关信息
报送市人影指挥部”): the HQ's office keeps the register of every member unit's liaison, a unit its own; changes are
audited; only a plan that sets up the system has one; the room shows the liaison beside the unit's task and the
liaison receives the task SMS."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from yingji.audit.models import AuditEntry
from yingji.auth.actor import SYSTEM
from yingji.auth.roles import Role
from yingji.db.outbox import OutboxItem

pytestmark = pytest.mark.db
PLAN = "ordos-weather-2024"
BASE = f"/api/plans/{PLAN}/liaisons"
EDUCATION = "鄂尔多斯市教育体育局"
LIAISON = {"name": "王敏", "position": "办公室主任", "mobile": "13904770001", "office_phone": "0477-8581234"}


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    unit = factories.save(db_session, "organisations", name=EDUCATION, kind="department", division_code="150600")
    factories.user(db_session, "edu_clerk", Role.ENTERPRISE_REPORTER, division="150600", organisation_id=unit.id)
    return {
        "duty": factories.bearer(db_session, "ordos_duty", Role.CITY_OFFICER, "150600"),
        "commander": factories.bearer(db_session, "ordos_commander", Role.HQ_COMMANDER, "150600"),
        "county": factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625"),
        "expert": factories.bearer(db_session, "ordos_expert", Role.EXPERT, "150600"),
        "baotou": factories.bearer(db_session, "baotou_commander", Role.HQ_COMMANDER, "150200"),
        "unit": {"Authorization": f"Bearer {factories.token_for(db_session, 'edu_clerk')}"},
    }


def test_the_office_names_each_units_liaison_and_changes_are_audited(
    client: TestClient, people: dict[str, dict[str, str]], db_session: Session
) -> None:
    empty = client.get(BASE, headers=people["duty"]).json()
    assert empty["named"] == 0 and len(empty["units"]) == 31  # 2.1 成员单位: 31 units
    assert {b["seed"] for b in empty["basis"]} == {"003#L6"} and "联络员" in empty["rule"]
    assert all(u["allowed_actions"] == ["set"] for u in empty["units"])
    put = client.put(f"{BASE}/{EDUCATION}", json=LIAISON, headers=people["duty"])
    assert put.status_code == 200, put.text
    body = put.json()
    assert body["named"] == 1 and body["units"][-1]["unit"] == EDUCATION  # units still without one come first
    assert body["units"][-1]["liaison"]["mobile"] == LIAISON["mobile"]
    assert body["units"][-1]["allowed_actions"] == ["set", "clear"]
    changed = client.put(f"{BASE}/{EDUCATION}", json={**LIAISON, "name": "李强"}, headers=people["commander"])
    assert changed.status_code == 200 and changed.json()["named"] == 1
    entries = db_session.scalars(select(AuditEntry).where(AuditEntry.target_kind == "plan_liaison")).all()
    assert [e.action for e in entries] == ["liaison.set", "liaison.set"]
    before, after = entries[1].before, entries[1].after
    assert before is not None and after is not None and (before["name"], after["name"]) == ("王敏", "李强")
    cleared = client.delete(f"{BASE}/{EDUCATION}", headers=people["duty"])
    assert cleared.status_code == 200 and cleared.json()["named"] == 0
    again = client.delete(f"{BASE}/{EDUCATION}", headers=people["duty"])
    assert again.status_code == 404 and again.json()["error"]["subcode"] == "liaison.unit.none"


def test_a_member_unit_keeps_its_own_liaison_only(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    own = client.get(BASE, headers=people["unit"]).json()
    assert [u["unit"] for u in own["units"]] == [EDUCATION]  # other people's phones are not shown to a unit
    assert client.put(f"{BASE}/{EDUCATION}", json=LIAISON, headers=people["unit"]).status_code == 200
    other = client.put(f"{BASE}/鄂尔多斯市公安局", json=LIAISON, headers=people["unit"])
    assert other.status_code == 403 and other.json()["error"]["subcode"] == "liaison.keep.role"


@pytest.mark.parametrize(
    ("who", "path", "body", "status", "subcode"),
    [
        ("expert", BASE, None, 403, "liaison.keep.role"),  # reads the city's register but does not keep it
        ("county", BASE, None, 404, "liaison.plan.missing"),  # a banner's officer: not the city HQ's register
        ("baotou", BASE, None, 404, "liaison.plan.missing"),  # another city: as if it did not exist
        ("duty", "/api/plans/baotou-coal-2025/liaisons", None, 409, "liaison.plan.none"),  # no liaison system
        ("duty", "/api/plans/no-such-plan/liaisons", None, 404, None),
        ("duty", f"{BASE}/不存在的单位", LIAISON, 404, "liaison.unit.missing"),
        ("duty", f"{BASE}/{EDUCATION}", {**LIAISON, "mobile": "12345"}, 422, None),
        ("duty", f"{BASE}/{EDUCATION}", {"name": "", "mobile": "13904770001"}, 422, None),
        ("duty", f"{BASE}/{EDUCATION}", {**LIAISON, "extra": 1}, 422, None),
    ],
)
def test_refusals(
    client: TestClient,
    people: dict[str, dict[str, str]],
    who: str,
    path: str,
    body: dict[str, str] | None,
    status: int,
    subcode: str | None,
) -> None:
    if body is None and status == 403:
        assert client.get(path, headers=people[who]).status_code == 200
        answer = client.put(f"{path}/{EDUCATION}", json=LIAISON, headers=people[who])
    elif body is None:
        answer = client.get(path, headers=people[who])
    else:
        answer = client.put(path, json=body, headers=people[who])
    assert answer.status_code == status, answer.text
    if subcode is not None:
        assert answer.json()["error"]["subcode"] == subcode


def test_the_room_shows_the_liaison_and_the_liaison_gets_the_task_sms(
    client: TestClient, people: dict[str, dict[str, str]], db_session: Session
) -> None:
    from tests.incidents.test_weather_response import issued_rainstorm

    met = factories.bearer(db_session, "ordos_met", Role.MET_OFFICER, "150600")
    assert client.put(f"{BASE}/{EDUCATION}", json=LIAISON, headers=people["duty"]).status_code == 200
    warning = issued_rainstorm(client, {"met": met})
    incident = client.post(f"/api/incidents/from-warning/{warning}", headers=people["duty"]).json()["id"]
    started = client.post(
        f"/api/incidents/{incident}/responses", json={"plan_id": PLAN, "level": 3}, headers=people["commander"]
    )
    assert started.status_code == 201, started.text
    tasks = client.get(f"/api/incidents/{incident}/tasks", params={"limit": 500}, headers=people["duty"]).json()
    education = [t for t in tasks["items"] if t["owner_unit"] == EDUCATION]
    assert education and all(t["liaison"] == "王敏（办公室主任） 13904770001" for t in education)
    assert all(t["liaison"] is None for t in tasks["items"] if t["owner_unit"] != EDUCATION)
    sms = db_session.scalars(select(OutboxItem).where(OutboxItem.recipient == LIAISON["mobile"])).all()
    assert len(sms) == 1 and EDUCATION in sms[0].payload["sms_text"]
    assert "联络员 王敏" in client.get(f"/console/incidents/{incident}", headers=people["duty"]).text


def test_the_plan_page_lists_units_without_a_liaison_first_with_a_form_for_the_keeper(
    client: TestClient, people: dict[str, dict[str, str]], db_session: Session
) -> None:
    from yingji.plan_registry.models import PlanRecord
    from yingji.plan_registry.service import register_bundled

    register_bundled(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)
    db_session.commit()
    record = db_session.scalars(select(PlanRecord).where(PlanRecord.bundled_plan_id == PLAN)).one()
    assert client.put(f"{BASE}/{EDUCATION}", json=LIAISON, headers=people["duty"]).status_code == 200
    page = client.get(f"/console/plans/{record.id}", headers=people["duty"]).text
    assert "已确定 1/31 个单位" in page and "王敏（办公室主任） 13904770001" in page
    assert page.index("尚未确定") < page.index("王敏") and 'data-method="PUT"' in page
    expert = client.get(f"/console/plans/{record.id}", headers=people["expert"]).text
    assert "王敏" in expert and 'data-method="PUT"' not in expert  # read, not kept

"""The plan registry over HTTP: registration, activities, the calendar, scope and the six real plans."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.actor import SYSTEM
from yingji.auth.roles import Role
from yingji.core.clock import local_today
from yingji.core.paging import PageParams
from yingji.plan_registry.reads import read_all
from yingji.plan_registry.service import calendar, register_bundled

PLAN = {
    "title": "东胜区危险化学品事故应急预案",
    "doc_no": "东政办发〔2025〕99号",
    "holder_kind": "government",
    "holder_name": "鄂尔多斯市东胜区人民政府",
    "division_code": "150602",
    "plan_type": "special",
    "issued_on": "2025-09-25",
}


@pytest.fixture
def officer(client: TestClient, db_session: Session, divisions: int) -> TestClient:
    client.headers.update(factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602"))
    return client


def test_register_file_drill_and_calendar(officer: TestClient) -> None:
    created = officer.post("/api/plan-registry", json=PLAN)
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    assert body["filing"]["on"] == "2025-10-29" and body["overdue"] == ["备案"]  # today (2026-11-23) is past it
    assert body["next_drill"]["on"] == "2027-09-25" and body["cadence"] == "government-production-safety"
    plan_id = body["id"]
    filed = officer.post(
        f"/api/plan-registry/{plan_id}/activities",
        json={"kind": "filing", "on": "2025-10-20", "detail": "鄂尔多斯市应急管理局"},
    )
    assert filed.status_code == 201 and filed.json()["overdue"] == []
    drill = officer.post(
        f"/api/plan-registry/{plan_id}/activities", json={"kind": "drill", "on": "2026-06-01", "detail": "桌面推演"}
    )
    assert drill.json()["next_drill"]["on"] == "2028-06-01"
    assert [a["kind"] for a in drill.json()["activities"]] == ["filing", "drill"]
    again = officer.post(
        f"/api/plan-registry/{plan_id}/activities", json={"kind": "filing", "on": "2025-10-21", "detail": "x局"}
    )
    assert again.status_code == 409
    future = officer.post(
        f"/api/plan-registry/{plan_id}/activities", json={"kind": "drill", "on": "2027-01-01", "detail": "实战演练"}
    )
    assert future.status_code == 422 and future.json()["error"]["field"] == "on"
    assert officer.get("/api/plan-registry", params={"overdue": "true"}).json()["items"] == []


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"division_code": "150625"}, 403, None),  # another banner's plan
        ({"division_code": "999999"}, 422, "division_code"),
        ({"issued_on": "2027-01-01"}, 422, "issued_on"),
        ({"plan_type": "bogus"}, 422, None),
    ],
)
def test_registration_errors(officer: TestClient, change: dict[str, str], status: int, field: str | None) -> None:
    response = officer.post("/api/plan-registry", json=PLAN | change)
    assert response.status_code == status
    if field:
        assert response.json()["error"]["field"] == field


def test_duplicate_doc_no_and_scope(officer: TestClient, db_session: Session) -> None:
    assert officer.post("/api/plan-registry", json=PLAN).status_code == 201
    assert officer.post("/api/plan-registry", json=PLAN).status_code == 409
    plan_id = officer.get("/api/plan-registry").json()["items"][0]["id"]
    outsider = factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625")
    assert officer.get(f"/api/plan-registry/{plan_id}", headers=outsider).status_code == 404
    assert officer.get("/api/plan-registry", headers=outsider).json()["items"] == []
    expert = factories.bearer(db_session, "expert_li", Role.EXPERT, "150602")
    refused = officer.post(
        f"/api/plan-registry/{plan_id}/activities",
        headers=expert,
        json={"kind": "drill", "on": "2026-01-05", "detail": "桌面推演"},
    )
    assert refused.status_code == 403


def test_the_six_real_plans_are_registered_with_their_dates(officer: TestClient, db_session: Session) -> None:
    assert register_bundled(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM) == 6
    assert register_bundled(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM) == 0
    rows = officer.get("/api/plan-registry").json()["items"]  # 东胜区 sees its own plan
    [dongsheng] = [r for r in rows if r["doc_no"] == "东政办发〔2024〕31号"]
    assert dongsheng["cadence"] == "government-production-safety"
    found, total = calendar(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM, params=PageParams())
    everything = {r.doc_no: r for r in read_all(db_session, SYSTEM, found, local_today(factories.CLOCK))}
    assert len(everything) == total == 6
    weather = everything["鄂府办发〔2024〕108号"]  # not a production-safety plan: drills every 3 years
    assert weather.cadence == "government-other" and weather.issued_on.isoformat() == "2024-11-27"
    assert weather.plan_type_label == "专项应急预案" and weather.division_name == "鄂尔多斯市"
    assert (
        weather.next_drill.on is not None and weather.next_drill.on.isoformat() == "2027-11-27"
    )  # 国办发〔2024〕5号 第三十二条 (regulations.md#L167)


def test_cli_calendar_lists_the_six_plans(tmp_path: Path) -> None:
    from tests.cli.test_cli import run

    result = run("plans", "calendar", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout)
    rows = page["items"]
    assert page["total"] == len(rows) == 6 and {r["cadence"] for r in rows} == {
        "government-production-safety",
        "government-other",
    }
    text = run("plans", "calendar", "--division", "150602", tmp_path=tmp_path)
    assert text.returncode == 0 and text.stdout.count("\n") == 2 and "东政办发〔2024〕31号" in text.stdout
    assert text.stdout.splitlines()[-1] == "共 1 条，显示第 1–1 条"


def test_an_enterprise_registers_only_its_own_plans(client: TestClient, db_session: Session, divisions: int) -> None:
    owner = factories.enterprise(db_session, "甲煤业有限公司", "150602")
    factories.user(db_session, "jia_safety", Role.ENTERPRISE_REPORTER, organisation_id=owner.id)
    client.headers.update({"Authorization": f"Bearer {factories.token_for(db_session, 'jia_safety')}"})
    own = PLAN | {"holder_kind": "enterprise", "holder_name": "甲煤业有限公司", "plan_type": "on_site", "doc_no": None}
    created = client.post("/api/plan-registry", json=own)
    assert created.status_code == 201 and created.json()["cadence"] == "enterprise-on-site"
    assert client.post("/api/plan-registry", json=PLAN).status_code == 403  # a government's plan

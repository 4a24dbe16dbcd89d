"""The 预案 console over HTTP: the register with search, filters and export, one plan's calendar and the entries its
read model allows, and a bundled plan's structure rendered from its validated data."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.plan_registry.test_api import PLAN
from tests.support.spreadsheets import rows_of
from yingji.auth.actor import SYSTEM
from yingji.auth.roles import Role
from yingji.plan_registry.service import register_bundled
from yingji.plans import loader

pytestmark = pytest.mark.db


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    register_bundled(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)
    return {
        "dongsheng": factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602"),
        "ordos": factories.bearer(db_session, "ordos_duty", Role.CITY_OFFICER, "150600"),
        "baotou": factories.bearer(db_session, "baotou_duty", Role.CITY_OFFICER, "150200"),
        "expert": factories.bearer(db_session, "ordos_expert", Role.EXPERT, "150600"),
    }


def test_bundled_plan_structure_and_drill_entry(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    ordos = people["ordos"]
    listed = client.get("/api/plan-registry", params={"q": "非煤矿山"}, headers=ordos).json()
    record = next(r for r in listed["items"] if r["bundled_plan_id"] == "ordos-noncoal-2024")
    plan = loader.get("ordos-noncoal-2024")
    html = client.get(f"/console/plans/{record['id']}", headers=ordos).text
    assert plan.headquarters.commander in html and plan.response.levels[0].decided_by.body in html
    assert all(level.name in html for level in plan.response.levels)
    assert plan.onsite_command is not None and all(g.name in html for g in plan.onsite_command.working_groups)
    assert plan.reporting is not None and plan.reporting.first_reporter in html
    assert plan.warning is not None and plan.warning.levels[0].criterion in html
    assert f'data-api="/api/plan-registry/{record["id"]}/activities"' in html

    drill = {"kind": "drill", "on": "2026-06-10", "detail": "桌面推演：尾矿库溃坝"}
    done = client.post(f"/api/plan-registry/{record['id']}/activities", json=drill, headers=ordos)
    assert done.status_code == 201 and done.json()["next_drill"]["on"] > "2026-06-10"
    assert "桌面推演：尾矿库溃坝" in client.get(f"/console/plans/{record['id']}", headers=ordos).text
    assert (
        client.post(f"/api/plan-registry/{record['id']}/activities", json=drill, headers=people["baotou"]).status_code
        == 404
    )
    read_only = client.get(f"/console/plans/{record['id']}", headers=people["expert"])
    assert read_only.status_code == 200 and "/activities" not in read_only.text
    assert client.get(f"/console/plans/{record['id']}", headers=people["baotou"]).status_code == 404
    assert client.get("/console/plans/999999", headers=ordos).status_code == 404
    future = client.post(
        f"/api/plan-registry/{record['id']}/activities", json=drill | {"on": "2099-01-01"}, headers=ordos
    )
    assert future.status_code == 422


def test_register_search_filters_and_export(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    dongsheng = people["dongsheng"]
    client.post("/api/plan-registry", json=PLAN, headers=dongsheng).raise_for_status()
    page = client.get("/console/plans", params={"q": "危险化学品"}, headers=dongsheng).text
    assert PLAN["title"] in page and "导出电子表格" in page
    overdue = client.get("/api/plan-registry", params={"overdue": "true"}, headers=dongsheng).json()
    rows = rows_of(client.get("/api/plan-registry/export.xlsx", params={"overdue": "true"}, headers=dongsheng).content)
    assert rows[0][0] == "预案" and len(rows) - 1 == overdue["total"] >= 1
    assert any(r[0] == PLAN["title"] and "逾期" in str(r[7]) for r in rows[1:])  # the filing deadline passed
    baotou = rows_of(
        client.get("/api/plan-registry/export.xlsx", params={"q": "危险化学品"}, headers=people["baotou"]).content
    )
    assert len(baotou) == 1  # another city's export holds none of 东胜区's plans
    assert client.get("/api/plan-registry/export.xlsx", params={"plan_type": "x"}, headers=dongsheng).status_code == 422

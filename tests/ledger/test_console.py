"""The 督办 console over HTTP: tasks grouped by measure with their units and the progress form the read model
allows, KPI charts' data, search, paging and the xlsx export through the list's own scope."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.ledger.test_api import HANGJIN
from tests.support.spreadsheets import rows_of
from yingji.auth.actor import SYSTEM
from yingji.auth.roles import Role
from yingji.ledger import service

pytestmark = pytest.mark.db


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    service.load(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)
    return {
        "hangjin": factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625"),
        "dongsheng": factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602"),
        "expert": factories.bearer(db_session, "hangjin_expert", Role.EXPERT, "150625"),
    }


def test_ledger_page_groups_tasks_and_offers_the_progress_form(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    page = client.get("/console/ledger", params={"programme": HANGJIN, "limit": 20}, headers=people["hangjin"])
    assert page.status_code == 200
    html = page.text
    assert "开展安全生产责任落实行动" in html  # the measure heading the group
    assert html.count('data-api="/api/ledger/tasks/') == 20  # the officer may report on each open task shown
    assert "下一页" in html
    task = client.get("/api/ledger/tasks", params={"programme": HANGJIN, "limit": 1}, headers=people["hangjin"]).json()
    first = task["items"][0]
    body = {"percent": 40, "note": "已完成摸底排查", "reported_on": "2026-11-20"}
    done = client.post(f"/api/ledger/tasks/{first['id']}/progress", json=body, headers=people["hangjin"])
    assert done.status_code == 201 and done.json()["last_note"] == "已完成摸底排查"
    again = client.get("/console/ledger", params={"programme": HANGJIN, "limit": 1}, headers=people["hangjin"]).text
    assert "已完成摸底排查" in again and "40%" in again
    assert client.get("/console/ledger", headers=people["expert"]).status_code == 200  # reads, no forms
    assert 'data-api="/api/ledger/tasks/' not in client.get("/console/ledger", headers=people["expert"]).text
    refused = client.post(f"/api/ledger/tasks/{first['id']}/progress", json=body, headers=people["dongsheng"])
    assert refused.status_code == 404  # another county's task does not exist for them


def test_sub_plans_filter_the_page_by_name(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    """The campaign's 22 department sub-plans: a list with their standing, and the tasks of one sub-plan or one
    department, grouped under the sub-plan's name and numbered as printed (no codes on the page)."""
    hangjin = people["hangjin"]
    page = client.get("/console/ledger", params={"programme": HANGJIN, "limit": 5}, headers=hangjin).text
    assert "部门子方案 22 个" in page and "18. 气象部门" in page and "旗消防救援大队" in page
    one = client.get(
        "/console/ledger", params={"programme": HANGJIN, "subplan": "hangjin-2024-2026-sub14"}, headers=hangjin
    ).text
    assert "14. 化工和危险化学品（旗应急管理局）" in one and "把控源头严格安全准入" in one
    assert "S14-" not in one and "开展安全生产责任落实行动" not in one  # numbers as printed; other plans' tasks gone
    assert one.count('data-api="/api/ledger/tasks/') == 15
    department = client.get(
        "/console/ledger", params={"programme": HANGJIN, "department": "旗应急管理局", "limit": 50}, headers=hangjin
    ).text
    assert "15. 工贸和非煤矿山（旗应急管理局）" in department and department.count('data-api="/api/ledger/tasks/') == 33
    park = client.get("/console/ledger", params={"programme": "hangjin-chem-park-2024"}, headers=hangjin).text
    assert "整改问题 3 项" in park and "责任领导" in park and "何永岗" in park


def test_search_and_export_follow_the_list(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    hangjin = people["hangjin"]
    found = client.get("/api/ledger/tasks", params={"q": "行业部门"}, headers=hangjin).json()
    assert found["total"] >= 1 and all("行业部门" in t["title"] for t in found["items"])
    units = client.get("/api/ledger/tasks", params={"q": "市场监管", "limit": 100}, headers=hangjin).json()
    assert units["total"] >= 1 and any("市场监管" in t["responsible"] for t in units["items"])  # a responsible unit
    for t in units["items"]:  # each found row names it in its title, section or units
        assert "市场监管" in "".join([t["title"], t["section"] or "", t["lead"] or "", *t["responsible"]]), t["code"]
    listed = client.get("/api/ledger/tasks", params={"programme": HANGJIN, "status": "overdue"}, headers=hangjin)
    exported = client.get(
        "/api/ledger/tasks/export.xlsx", params={"programme": HANGJIN, "status": "overdue"}, headers=hangjin
    )
    assert exported.status_code == 200
    rows = rows_of(exported.content)
    assert rows[0][:4] == ("方案", "措施", "编号", "任务") and len(rows) - 1 == listed.json()["total"]
    assert all(r[9] == "逾期未完成" for r in rows[1:])
    assert len(rows_of(client.get("/api/ledger/tasks/export.xlsx", headers=people["dongsheng"]).content)) == 1
    assert client.get("/api/ledger/tasks/export.xlsx", params={"status": "x"}, headers=hangjin).status_code == 422

"""/api/ledger over HTTP: the loaded campaign tasks and their status, progress reports, scope, KPI values and the
weekly and monthly campaign reports in every format. Today is 2026-11-23 (factories.CLOCK)."""

from __future__ import annotations

import io
import os
import shutil
from collections import Counter
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.actor import SYSTEM
from yingji.auth.roles import Role
from yingji.ledger import service
from yingji.ledger.models import LedgerTask
from yingji.ledger.schema import campaigns, subplans, target_plans

pytestmark = pytest.mark.db

HANGJIN = "hangjin-2024-2026"
HULUNBUIR = "hulunbuir-15th-fyp-mines"
FIRE = "hangjin-fire-rescue-benefits-2024"  # 杭锦旗's second campaign: 10 measures, no due dates
PARK = "hangjin-chem-park-2024"  # the chemical park's 一园一策: 17 rectification tasks
HANGJIN_TASKS = 42 + 261  # the master plan's measures and its 22 sub-plans' (test_subplans counts them per sub-plan)
EDUCATION, CHEMICALS, TRADE = "hangjin-2024-2026-sub01", "hangjin-2024-2026-sub14", "hangjin-2024-2026-sub15"
ORDOS_CITY = {  # the city's own campaigns (seed 003)
    "ordos-carbon-metrology-2024-2030": 96,
    "ordos-quality-city-2024": 28,
    "ordos-air-quality-2024": 29,
    "ordos-pollution-carbon-pilot-2024-2026": 20,
}
TODAY = date(2026, 11, 23)
REPORT = f"/api/ledger/reports/{HANGJIN}"

ALL = {"limit": 500}


@pytest.fixture
def loaded(db_session: Session, divisions: int) -> int:
    return service.load(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)


@pytest.fixture
def hangjin(client: TestClient, db_session: Session, loaded: int) -> TestClient:
    client.headers.update(factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625"))
    return client


@pytest.fixture
def hulunbuir(client: TestClient, db_session: Session, loaded: int) -> TestClient:
    client.headers.update(factories.bearer(db_session, "hulunbuir_duty", Role.CITY_OFFICER, "150700"))
    return client


def _tasks(client: TestClient, **params: str) -> dict[str, dict[str, Any]]:
    """One programme's tasks by code (codes repeat across programmes); 杭锦旗's three-year campaign unless named."""
    params.setdefault("programme", HANGJIN)
    params.setdefault("limit", "500")
    response = client.get("/api/ledger/tasks", params=params)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["items"]
    assert response.json()["total"] == len(rows)
    return {r["code"]: r for r in rows}


def _error_field(response: Any) -> Any:
    return response.json()["error"]["field"]


def test_load_is_idempotent(db_session: Session, loaded: int) -> None:
    measures = sum(len(c.measures) for c in campaigns().values()) + sum(len(s.measures) for s in subplans().values())
    rows = sum(len(p.projects) + len(p.targets) for p in target_plans().values())
    rows += sum(len(c.targets) for c in campaigns().values()) + sum(len(s.targets) for s in subplans().values())
    assert len(campaigns()[HANGJIN].measures) == 42 and len(target_plans()[HULUNBUIR].projects) == 19
    # measures: 42 + 261 (22 sub-plans) + 10 + 17 (park) in 杭锦旗, 96 + 28 + 29 + 20 in the city; Hulunbuir's 19
    # projects; targets 7 + 58 + 10 + 25 + 53 of the plans, 10 (“10个100%”) + 23 (sub-plans) + 1 (park grade D)
    assert loaded == measures + rows == (42 + 261 + 10 + 17 + 96 + 28 + 29 + 20) + 19 + (7 + 58 + 10 + 25 + 53) + 34
    assert service.load(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM) == 0


def _seen(client: TestClient, headers: dict[str, str] | None = None) -> Counter[str]:
    """Every task the caller sees, by programme, page after page."""
    seen: Counter[str] = Counter()
    offset, total = 0, None
    while total is None or offset < total:
        page = client.get("/api/ledger/tasks", params={**ALL, "offset": offset}, headers=headers).json()
        seen.update(r["programme"] for r in page["items"])
        offset, total = offset + len(page["items"]), page["total"]
    return seen


def _hangjin_measures() -> list[Any]:
    return [*campaigns()[HANGJIN].measures, *(m for s in subplans().values() for m in s.measures)]


def test_a_hangjin_officer_lists_its_tasks_with_computed_status(hangjin: TestClient) -> None:
    assert _seen(hangjin) == {HANGJIN: HANGJIN_TASKS, FIRE: 10, PARK: 17}  # not the city's campaigns
    rows = _tasks(hangjin)
    assert len(rows) == HANGJIN_TASKS and {r["programme"] for r in rows.values()} == {HANGJIN}
    assert sum(r["subplan"] is None for r in rows.values()) == 42
    past_due = {m.code for m in _hangjin_measures() if m.due is not None and m.due < TODAY}
    assert past_due and {c for c, r in rows.items() if r["status"] == "overdue"} == past_due
    overdue = rows["2.5"]  # 严格执行重大事故隐患判定标准: 2024年底前, no progress reported
    assert (overdue["due"], overdue["status"], overdue["status_label"]) == ("2024-12-31", "overdue", "逾期未完成")
    assert overdue["percent"] == 0 and overdue["last_report"] is None and overdue["seed"] == "004#L496-L507"
    assert rows["1.1"]["status"] == "not_started"  # no due date, nothing reported
    assert rows["4.21"]["status"] == "not_started"  # due 2026-12-31: 38 days away, not yet “due soon”
    smart = rows["4.18"]["milestones"]
    assert len(smart) == 6 and all(m["overdue"] and not m["done"] for m in smart)
    only_overdue = _tasks(hangjin, status="overdue")
    assert set(only_overdue) == past_due
    assert set(_tasks(hangjin, programme=HULUNBUIR)) == set()
    assert hangjin.get("/api/ledger/tasks", params={"status": "late"}).status_code == 422


def test_progress_is_validated_then_recorded_until_done(hangjin: TestClient) -> None:
    task = _tasks(hangjin)["4.18"]  # 提升安全生产智能化管控能力: six dated milestones
    url = f"/api/ledger/tasks/{task['id']}/progress"
    refused: list[tuple[dict[str, Any], str]] = [
        ({"percent": 101, "note": "x"}, "percent"),
        ({"percent": -1, "note": "x"}, "percent"),
        ({"percent": 90, "done": True, "note": "x"}, "percent"),  # done requires 100
        ({"percent": 10, "milestones_done": [6], "note": "x"}, "milestones_done"),  # indexes 0–5
        ({"percent": 10, "milestones_done": [-1], "note": "x"}, "milestones_done"),
        ({"percent": 10, "note": "   "}, "note"),
        ({"percent": 10, "note": "x", "reported_on": "2026-11-24"}, "reported_on"),
    ]
    for body, field in refused:
        response = hangjin.post(url, json=body)
        assert response.status_code == 422 and _error_field(response) == field, (body, response.text)
    first = hangjin.post(url, json={"percent": 0, "milestones_done": [0, 1], "note": "人员定位模块已上线"})
    assert first.status_code == 201, first.text
    row = first.json()
    assert row["status"] == "overdue" and row["percent"] == 0 and row["last_report"] == "2026-11-23"
    assert [m["done"] for m in row["milestones"]] == [True, True, False, False, False, False]
    second = hangjin.post(url, json={"percent": 100, "milestones_done": [2], "note": "全部完成待验收"})
    assert second.status_code == 201 and second.json()["status"] == "overdue"  # 100 % but not reported done
    assert [m["done"] for m in second.json()["milestones"]] == [True, True, True, False, False, False]
    done = hangjin.post(url, json={"percent": 100, "done": True, "note": "已完成", "reported_on": "2026-11-20"})
    assert done.status_code == 201, done.text
    assert done.json()["status"] == "done" and all(m["done"] and not m["overdue"] for m in done.json()["milestones"])
    after = hangjin.post(url, json={"percent": 100, "note": "补充说明"})
    assert after.status_code == 409 and after.json()["error"]["subcode"] == "ledger.progress.done"
    assert _tasks(hangjin)["4.18"]["status"] == "done"
    assert _tasks(hangjin, status="done").keys() == {"4.18"}


def test_a_task_without_due_moves_to_in_progress(hangjin: TestClient) -> None:
    task = _tasks(hangjin)["1.1"]
    response = hangjin.post(f"/api/ledger/tasks/{task['id']}/progress", json={"percent": 30, "note": "已部署"})
    assert response.status_code == 201 and response.json()["status"] == "in_progress"
    assert response.json()["status_label"] == "推进中" and response.json()["percent"] == 30


def test_another_county_sees_nothing_of_hangjin(hangjin: TestClient, db_session: Session) -> None:
    task_id = _tasks(hangjin)["2.5"]["id"]
    dongsheng = factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602")
    assert hangjin.get("/api/ledger/tasks", headers=dongsheng).json()["items"] == []
    assert hangjin.get("/api/ledger/targets", headers=dongsheng).json()["total"] == 0
    progress = {"percent": 50, "note": "越权填报"}
    response = hangjin.post(f"/api/ledger/tasks/{task_id}/progress", headers=dongsheng, json=progress)
    assert response.status_code == 404
    assert hangjin.get(f"{REPORT}/weekly", headers=dongsheng, params={"format": "json"}).status_code == 404
    missing = hangjin.post("/api/ledger/tasks/999999/progress", json=progress)
    assert missing.status_code == 404


def test_the_city_sees_its_banner_and_hulunbuir_only_its_own(hangjin: TestClient, db_session: Session) -> None:
    ordos = factories.bearer(db_session, "ordos_duty", Role.CITY_OFFICER, "150600")
    assert _seen(hangjin, ordos) == {HANGJIN: HANGJIN_TASKS, FIRE: 10, PARK: 17, **ORDOS_CITY}
    hulunbuir = factories.bearer(db_session, "hulunbuir_duty", Role.CITY_OFFICER, "150700")
    rows = hangjin.get("/api/ledger/tasks", params=ALL, headers=hulunbuir).json()["items"]
    assert len(rows) == 19 and {r["programme"] for r in rows} == {HULUNBUIR}


def test_an_expert_reads_but_may_not_report(hangjin: TestClient, db_session: Session) -> None:
    expert = factories.bearer(db_session, "expert_wang", Role.EXPERT, "150625")
    assert _seen(hangjin, expert) == {HANGJIN: HANGJIN_TASKS, FIRE: 10, PARK: 17}
    found = hangjin.get("/api/ledger/tasks", params={"programme": HANGJIN, "q": "2.5"}, headers=expert).json()["items"]
    [task] = [r for r in found if r["code"] == "2.5"]
    refused = hangjin.post(
        f"/api/ledger/tasks/{task['id']}/progress", headers=expert, json={"percent": 50, "note": "专家意见"}
    )
    assert refused.status_code == 403


# --- sub-plans ------------------------------------------------------------------------------------------------------


def test_the_campaign_filters_by_sub_plan_and_department(hangjin: TestClient) -> None:
    education = _tasks(hangjin, subplan=EDUCATION)
    assert [r["number"] for r in education.values()] == [str(n) for n in range(1, 9)]  # as printed, no prefix
    assert {(r["subplan_title"], r["department"]) for r in education.values()} == {("教育体育系统", "旗教育体育局")}
    assert education["S01-3"]["due"] == "2026-12-31" and education["S01-3"]["seed"] == "004#L1510-L1524"
    # 旗应急管理局 owns two sub-plans: hazardous chemicals (15 measures) and industry & trade (18)
    emergency = _tasks(hangjin, department="旗应急管理局")
    assert len(emergency) == 33 and {r["subplan"] for r in emergency.values()} == {CHEMICALS, TRADE}
    overdue = _tasks(hangjin, subplan=CHEMICALS, status="overdue")
    chemicals = subplans()[CHEMICALS].measures
    assert set(overdue) == {m.code for m in chemicals if m.due is not None and m.due < TODAY} != set()
    assert _tasks(hangjin, subplan="hangjin-2024-2026-sub99") == {}
    assert hangjin.get("/api/ledger/tasks", params={"department": "x" * 101}).status_code == 422
    targets = hangjin.get("/api/ledger/targets", params={**ALL, "programme": HANGJIN}).json()["items"]
    assert len(targets) == 10 + 23 and sum(t["subplan"] is None for t in targets) == 10  # “10个100%” and the subs'
    mine = hangjin.get("/api/ledger/targets", params={"subplan": CHEMICALS}).json()["items"]
    assert len(mine) == 9 and {t["subplan_title"] for t in mine} == {"化工和危险化学品"}


def test_the_sub_plans_with_how_their_tasks_stand(hangjin: TestClient, db_session: Session) -> None:
    task = _tasks(hangjin, subplan=EDUCATION)["S01-1"]
    done = {"percent": 100, "done": True, "note": "专家人才库已组建"}
    assert hangjin.post(f"/api/ledger/tasks/{task['id']}/progress", json=done).status_code == 201
    page = hangjin.get("/api/ledger/subplans", params={"programme": HANGJIN, "limit": 50}).json()
    assert page["total"] == 22 and [r["number"] for r in page["items"]] == list(range(1, 23))
    by_id = {r["id"]: r for r in page["items"]}
    for sub in subplans().values():
        row = by_id[sub.id]
        overdue = sum(1 for m in sub.measures if m.due is not None and m.due < TODAY and m.code != "S01-1")
        assert (row["measures"], row["tasks"], row["targets"]) == (
            len(sub.measures),
            len(sub.measures),
            len(sub.targets),
        )
        assert row["overdue"] == overdue and row["done"] == (1 if sub.id == EDUCATION else 0), sub.id
    assert by_id[EDUCATION]["department"] == "旗教育体育局" and by_id[EDUCATION]["programme_title"]
    assert [m["due"] for m in by_id["hangjin-2024-2026-sub08"]["milestones"]] == ["2025-06-30", "2026-06-30"]
    emergency = hangjin.get("/api/ledger/subplans", params={"department": "旗应急管理局"}).json()
    assert [r["id"] for r in emergency["items"]] == [CHEMICALS, TRADE]
    dongsheng = factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602")
    assert hangjin.get("/api/ledger/subplans", headers=dongsheng).json()["total"] == 0


def test_a_park_task_shows_the_problems_it_fixes(hangjin: TestClient, db_session: Session) -> None:
    rows = _tasks(hangjin, programme=PARK)
    assert len(rows) == 17 and rows["1"]["leader"] == "何永岗" and rows["1"]["due"] == "2024-06-30"
    assert [p["code"] for p in rows["1"]["fixes"]] == ["R01", "R03", "C02"]
    assert rows["1"]["fixes"][0]["source"].startswith("内蒙古自治区安全生产委员会化工园区安全风险评估问题清单")
    assert rows["1"]["subplan"] is None and rows["1"]["number"] == "1"
    [grade] = hangjin.get("/api/ledger/targets", params={"programme": PARK}).json()["items"]
    assert (grade["target_value"], grade["direction"], grade["target_year"]) == (1, "at_most", 2025)
    # a row loaded before the sub-plan columns existed has no problem list: it reads as none
    db_session.execute(update(LedgerTask).where(LedgerTask.code == "1.1").values(fixes=None))
    assert _tasks(hangjin)["1.1"]["fixes"] == []


# --- targets --------------------------------------------------------------------------------------------------------


def _targets(client: TestClient) -> dict[str, dict[str, Any]]:
    response = client.get("/api/ledger/targets", params=ALL)
    assert response.status_code == 200, response.text
    assert response.json()["total"] == len(response.json()["items"])
    return {r["code"]: r for r in response.json()["items"]}


def test_hulunbuir_accident_values_give_the_goal_and_the_status(hulunbuir: TestClient) -> None:
    targets = _targets(hulunbuir)
    assert len(targets) == 7 and {t["programme"] for t in targets.values()} == {HULUNBUIR}
    accidents = targets["accidents"]
    assert (accidents["status"], accidents["goal"], accidents["seed"]) == ("no_data", None, "002#L118-L121")
    url = f"/api/ledger/targets/{accidents['id']}/values"
    baseline = hulunbuir.post(url, json={"year": 2025, "value": 50, "source": "市应急管理局统计年报"})
    assert baseline.status_code == 201, baseline.text
    body = baseline.json()
    assert body["goal"] == pytest.approx(50 * 0.94) and body["status"] == "no_data"  # only the base year so far
    on_track = hulunbuir.post(url, json={"year": 2026, "value": 49, "source": "1—11月快报"}).json()
    assert on_track["status"] == "on_track" and on_track["status_label"] == "进度正常"
    assert on_track["expected_now"] == pytest.approx(49.4)  # 50 − 3 × 1/5
    assert (on_track["latest_year"], on_track["latest_value"]) == (2026, 49)
    corrected = hulunbuir.post(url, json={"year": 2026, "value": 49.5, "source": "更正"}).json()
    assert corrected["status"] == "behind" and corrected["values"] == {"2025": 50, "2026": 49.5}
    assert _targets(hulunbuir)["accidents"]["status"] == "behind"


@pytest.mark.parametrize(
    ("code", "body", "field"),
    [
        ("accidents", {"year": 2024, "value": 50, "source": "年报"}, "year"),  # before the 2025 baseline
        ("accidents", {"year": 2027, "value": 50, "source": "年报"}, "year"),  # after this year (2026)
        ("accidents", {"year": 2026, "value": -1, "source": "年报"}, "value"),
        ("specialist_ratio", {"year": 2026, "value": 100.5, "source": "年报"}, "value"),
        ("accidents", {"year": 2026, "value": 1, "source": " "}, "source"),
    ],
)
def test_bad_values_are_refused(hulunbuir: TestClient, code: str, body: dict[str, Any], field: str) -> None:
    target_id = _targets(hulunbuir)[code]["id"]
    response = hulunbuir.post(f"/api/ledger/targets/{target_id}/values", json=body)
    assert response.status_code == 422 and _error_field(response) == field, response.text


def test_values_are_written_only_in_scope(hulunbuir: TestClient, db_session: Session) -> None:
    target_id = _targets(hulunbuir)["accidents"]["id"]
    body = {"year": 2026, "value": 3, "source": "年报"}
    hangjin = factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625")
    response = hulunbuir.post(f"/api/ledger/targets/{target_id}/values", headers=hangjin, json=body)
    assert response.status_code == 404
    expert = factories.bearer(db_session, "expert_zhao", Role.EXPERT, "150700")
    response = hulunbuir.post(f"/api/ledger/targets/{target_id}/values", headers=expert, json=body)
    assert response.status_code == 403


# --- reports --------------------------------------------------------------------------------------------------------


def test_weekly_report_json(hangjin: TestClient) -> None:
    response = hangjin.get(f"{REPORT}/weekly", params={"format": "json"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    report = response.json()
    assert report["campaign"]["title"] == campaigns()[HANGJIN].title and report["kind_label"] == "周进展表"
    assert report["period"] == {"start": "2026-11-23", "end": "2026-11-29", "as_of": "2026-11-23"}  # Mon–Sun
    assert report["due"] == "2026-11-29"  # “每周填写”: no weekday given, so the end of the week
    assert report["duty"] == {"label": report["duty"]["label"], "to": "旗安委办", "seed": "004#L190-L198"}
    assert report["tasks"]["total"] == HANGJIN_TASKS  # the sub-plans' tasks are the campaign's
    assert len(report["tasks"]["overdue"]) == report["tasks"]["by_status"]["逾期未完成"]
    assert [z["due"] for z in report["zero_clearing"]] == ["2024-04-30", "2025-04-30", "2026-04-30"]
    assert all(z["status"] == "met" for z in report["zero_clearing"])  # no hazards recorded
    assert report["hazards"]["new"] == 0 and report["hazards"]["rectification_rate"] is None


def test_monthly_report_json_is_due_the_day_before_the_25th(hangjin: TestClient) -> None:
    [duty] = [r for r in campaigns()[HANGJIN].reports if r.id == "monthly"]
    assert (duty.due_day, duty.before_due_day) == (25, True)  # “每月25日前” (seed 004#L194-L198)
    report = hangjin.get(f"{REPORT}/monthly", params={"format": "json"}).json()
    assert report["period"] == {"start": "2026-11-01", "end": "2026-11-30", "as_of": "2026-11-23"}
    assert report["due"] == "2026-11-24" and report["kind_label"] == "月度报告"
    october = hangjin.get(f"{REPORT}/monthly", params={"format": "json", "on": "2026-10-15"}).json()
    assert october["period"] == {"start": "2026-10-01", "end": "2026-10-31", "as_of": "2026-10-31"}
    assert october["due"] == "2026-10-24"


def test_report_errors(hangjin: TestClient) -> None:
    future = hangjin.get(f"{REPORT}/monthly", params={"format": "json", "on": "2026-11-24"})
    assert future.status_code == 422 and _error_field(future) == "on"
    assert hangjin.get(f"{REPORT}/monthly", params={"on": "2026/11/01"}).status_code == 422
    assert hangjin.get(f"{REPORT}/daily").status_code == 422
    assert hangjin.get(f"{REPORT}/weekly", params={"format": "docx"}).status_code == 422
    assert hangjin.get("/api/ledger/reports/nowhere-2024/weekly").status_code == 404


def test_report_html(hangjin: TestClient) -> None:
    response = hangjin.get(f"{REPORT}/weekly")  # html is the default
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert campaigns()[HANGJIN].title in response.text and "周进展表" in response.text
    monthly = hangjin.get(f"{REPORT}/monthly", params={"format": "html"})
    assert campaigns()[HANGJIN].title in monthly.text and "2026-11-24" in monthly.text


def test_report_xlsx(hangjin: TestClient) -> None:
    response = hangjin.get(f"{REPORT}/monthly", params={"format": "xlsx"})
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith(f'"{HANGJIN}-monthly-2026-11-01.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "动态清零", "重大隐患", "督办任务"]
    summary = book["汇总"]
    assert summary["A1"].value == campaigns()[HANGJIN].title and summary["B1"].value == "月度报告"
    assert summary["B3"].value == "2026-11-24" and summary["D3"].value == "旗安委办"
    assert book["动态清零"].max_row == 1 + 3
    overdue = hangjin.get(f"{REPORT}/monthly", params={"format": "json"}).json()["tasks"]["overdue"]
    assert book["督办任务"].max_row == 1 + len(overdue)


def test_report_pdf(hangjin: TestClient) -> None:
    if shutil.which("chromium") is None:
        if os.environ.get("YINGJI_REQUIRE_CHROMIUM"):
            pytest.fail("YINGJI_REQUIRE_CHROMIUM is set but chromium is not on PATH")
        pytest.skip("chromium is not installed")
    response = hangjin.get(f"{REPORT}/weekly", params={"format": "pdf"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf" and response.content.startswith(b"%PDF")

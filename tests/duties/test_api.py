"""/api/duties over HTTP: the education bureau's monthly report generated, reminded, submitted late and ranked (the
issue's walk-through); the error paths (403 wrong unit, 409 already submitted or closed, 422 bad data); compliance
and the 附件3 reports per unit and combined. Today is 2026-11-23 in Beijing unless the test moves the clock."""

from __future__ import annotations

import io
import os
import shutil
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.duties.conftest import EDU, HANGJIN, headers, instance, unit_id
from yingji.auth.models import User
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock
from yingji.db.outbox import OutboxItem
from yingji.duties import service
from yingji.duties.models import DutyInstance
from yingji.inbox.models import Notice, NoticeKind
from yingji.worker import Worker

pytestmark = pytest.mark.db
MONTHLY = f"{HANGJIN}/monthly_report"
REPORT = {
    "summary": "局主要负责同志召开专题会议动员部署，开展校园安全隐患大排查。",
    "problems": "部分农村牧区学校视频监控覆盖不足。",
    "next_steps": "12月完成寄宿制学校消防设施检测。",
}


def _notices(db_session: Session, key_part: str) -> int:
    return db_session.scalar(select(func.count()).select_from(Notice).where(Notice.key.contains(key_part))) or 0


def test_the_education_bureaus_monthly_report_is_generated_reminded_submitted_late_and_ranked(
    api: TestClient, db_session: Session, generated: int, moving_clock: FixedClock
) -> None:
    office = headers(db_session, "hangjin_office", Role.COUNTY_OFFICER, division="150625")
    edu = headers(db_session, "edu_reporter", Role.UNIT_REPORTER, unit=EDU)
    assert db_session.scalar(select(func.count()).select_from(DutyInstance)) == generated > 0
    assert service.generate(db_session=db_session, clock=moving_clock) == 0  # idempotent

    # generated: one instance for November, due the 24th, reminder from the 21st (three days, platform default)
    row = instance(api, edu, duty=MONTHLY)
    assert (row["unit_name"], row["period_key"], row["due_on"], row["remind_on"]) == (
        EDU,
        "2026-11",
        "2026-11-24",
        "2026-11-21",
    )
    assert row["state"] == "due_soon" and row["allowed_actions"] == ["submit", "attach"]
    assert row["seed"] == "004#L194-L198"

    # reminded: once, into the bureau's inbox (and SMS where it has a duty phone), never twice
    reminded, noticed = service.sweep(db_session=db_session, clock=moving_clock)
    assert reminded >= 1 and noticed == 0
    key = f"duty-{row['id']}-remind"
    assert _notices(db_session, key) == 1
    assert service.sweep(db_session=db_session, clock=moving_clock) == (0, 0)

    # the due day passes: overdue, the unit and the office are told once
    moving_clock.advance(days=3)  # 2026-11-26
    reminded, noticed = service.sweep(db_session=db_session, clock=moving_clock)
    assert noticed >= 1
    overdue_key = f"duty-{row['id']}-overdue"
    assert _notices(db_session, overdue_key) == 2  # the bureau's reporter and the county officer
    assert service.sweep(db_session=db_session, clock=moving_clock) == (0, 0)
    assert instance(api, office, duty=MONTHLY, unit_id=row["unit_id"])["state"] == "overdue"

    # submitted late, with an attachment first
    pdf = api.post(
        f"/api/duties/instances/{row['id']}/attachments",
        params={"filename": "校园排查照片.pdf"},
        content=b"%PDF-1.4 test",
        headers=edu | {"Content-Type": "application/pdf"},
    )
    assert pdf.status_code == 201, pdf.text
    done = api.post(f"/api/duties/instances/{row['id']}/submissions", json=REPORT, headers=edu)
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["state"] == "late" and body["days_late"] == 2 and body["allowed_actions"] == []
    assert body["submissions"][0]["is_late"] and body["attachments"][0]["filename"] == "校园排查照片.pdf"
    assert api.get(body["attachments"][0]["url"], headers=office).content == b"%PDF-1.4 test"

    # ranked: the bureau is late in November; the office issues the bulletin once and the bureau is told
    ranking = api.get(f"/api/duties/ranking/{HANGJIN}", params={"month": "2026-11"}, headers=office).json()
    mine = next(r for r in ranking["rows"] if r["name"] == EDU)
    assert mine["late"] >= 1 and mine["is_late"] and EDU in ranking["late_units"]
    assert ranking["allowed_actions"] == ["issue_bulletin"] and ranking["bulletin"] is None
    issued = api.post(f"/api/duties/ranking/{HANGJIN}/bulletin", json={"month": "2026-11"}, headers=office)
    assert issued.status_code == 201, issued.text
    assert EDU in issued.json()["bulletin"]["late_units"] and issued.json()["allowed_actions"] == []
    again = api.post(f"/api/duties/ranking/{HANGJIN}/bulletin", json={"month": "2026-11"}, headers=office)
    assert again.status_code == 409 and again.json()["error"]["subcode"] == "duties.bulletin.issued"
    edu_user = db_session.scalar(select(User.id).where(User.username == "edu_reporter"))
    told = select(Notice.kind).where(Notice.key.startswith("duty-bulletin-"), Notice.user_id == edu_user)
    assert list(db_session.scalars(told)) == [NoticeKind.DUTY]

    # compliance: the bureau's late report counts against it and against the office's department view
    seen = api.get(
        f"/api/duties/compliance/{HANGJIN}", params={"due_from": "2026-11-01", "due_to": "2026-11-30"}, headers=office
    ).json()
    unit = next(u for u in seen["units"] if u["name"] == EDU)
    assert unit["late"] == 1 and unit["rate"] is not None
    assert any(d["name"] == "杭锦旗安全生产委员会办公室" and d["late"] >= 1 for d in seen["departments"])

    # SMS goes through the outbox once per reminder: the coal mine has a duty phone, its monthly inspection is due
    # on the 30th and reminded from the 27th
    moving_clock.advance(days=2)  # 2026-11-28
    service.sweep(db_session=db_session, clock=moving_clock)
    service.sweep(db_session=db_session, clock=moving_clock)
    sms = db_session.scalars(
        select(OutboxItem).where(OutboxItem.topic == "duty", OutboxItem.recipient == "0477-1000001")
    ).all()
    assert len(sms) == len({r.key for r in sms}) >= 1 and all(r.channel == "sms" for r in sms)


def test_wrong_unit_is_403_and_closed_or_done_is_409(api: TestClient, db_session: Session, generated: int) -> None:
    edu = headers(db_session, "edu_reporter", Role.UNIT_REPORTER, unit=EDU)
    police = headers(db_session, "police_reporter", Role.UNIT_REPORTER, unit="杭锦旗公安局")
    office = headers(db_session, "hangjin_office", Role.COUNTY_OFFICER, division="150625")
    other_county = headers(db_session, "dongsheng_office", Role.COUNTY_OFFICER, division="150602")
    row = instance(api, edu, duty=MONTHLY)
    url = f"/api/duties/instances/{row['id']}"

    # another unit, or the office itself, may not submit for the bureau; another unit does not even see it
    for who in (police, office):
        refused = api.post(f"{url}/submissions", json=REPORT, headers=who)
        assert refused.status_code == 403 and refused.json()["error"]["subcode"] == "duties.submit.wrong_unit"
    attach = api.post(
        f"{url}/attachments",
        params={"filename": "a.pdf"},
        content=b"%PDF-1",
        headers=police | {"Content-Type": "application/pdf"},
    )
    assert attach.status_code == 403
    assert api.get(url, headers=police).status_code == 404
    assert api.get(url, headers=other_county).status_code == 404
    assert api.get(f"/api/duties/compliance/{HANGJIN}", headers=edu).status_code == 403  # a unit sees only itself
    assert api.post(f"{url}/waive", json={"reason": "试点豁免"}, headers=edu).status_code == 403

    # 422: the report's parts, an unknown field, a record without its day
    bad = api.post(f"{url}/submissions", json={"summary": "情况"}, headers=edu)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "problems"
    assert api.post(f"{url}/submissions", json=REPORT | {"extra": 1}, headers=edu).status_code == 422
    assert api.post(f"{url}/submissions", json=REPORT | {"summary": ""}, headers=edu).status_code == 422

    # 409: submitted once is done
    assert api.post(f"{url}/submissions", json=REPORT, headers=edu).status_code == 201
    again = api.post(f"{url}/submissions", json=REPORT, headers=edu)
    assert again.status_code == 409 and again.json()["error"]["subcode"] == "duties.submit.already"
    late_file = api.post(
        f"{url}/attachments",
        params={"filename": "b.pdf"},
        content=b"%PDF-1",
        headers=edu | {"Content-Type": "application/pdf"},
    )
    assert late_file.status_code == 409

    # 409: a waived instance takes nothing; waiving needs a reason (422) and happens once
    weekly = instance(api, edu, duty=f"{HANGJIN}/weekly_table")
    wurl = f"/api/duties/instances/{weekly['id']}"
    assert weekly["allowed_actions"] == ["submit", "attach"]
    assert api.post(f"{wurl}/waive", json={"reason": ""}, headers=office).status_code == 422
    waived = api.post(f"{wurl}/waive", json={"reason": "本周为国庆假期后补报周，经旗安委办同意免报"}, headers=office)
    assert waived.status_code == 200 and waived.json()["state"] == "waived"
    closed = api.post(f"{wurl}/submissions", json={"summary": "本周进展"}, headers=edu)
    assert closed.status_code == 409 and closed.json()["error"]["subcode"] == "duties.submit.closed"
    assert api.post(f"{wurl}/waive", json={"reason": "再次免报"}, headers=office).status_code == 409

    # a record (the bureau's weekly platform check, 004#L1487-L1489) needs its day inside the week, not after today
    check = instance(api, edu, duty=f"{HANGJIN}/edu_weekly_check")
    url = f"/api/duties/instances/{check['id']}/submissions"
    assert (check["period_key"], check["starts_on"], check["due_on"]) == ("2026-W48", "2026-11-23", "2026-11-29")
    for day in (None, "2026-11-22", "2026-11-24"):
        refused = api.post(url, json={"summary": "平台排查32所学校", "held_on": day}, headers=edu)
        assert refused.status_code == 422 and refused.json()["error"]["field"] == "held_on", day
    assert (
        api.post(url, json={"summary": "平台排查32所学校", "held_on": "2026-11-23"}, headers=edu).json()["state"]
        == "done"
    )


def test_generation_covers_the_units_the_data_names(api: TestClient, db_session: Session, generated: int) -> None:
    """Every 苏木镇 and the development zone, the 21 departments, and enterprises by sector, each once per period."""
    monthly = set(db_session.scalars(select(DutyInstance.organisation_id).where(DutyInstance.duty_key == MONTHLY)))
    assert len(monthly) == 7 + 21  # 6 苏木镇 + the zone; 21 departments (the emergency bureau writes two sub-plans)
    assert unit_id(db_session, "内蒙古鄂尔多斯杭锦经济开发区管理委员会") in monthly
    mine = unit_id(db_session, "杭锦旗示范煤矿（测试）")
    mine_duties = set(db_session.scalars(select(DutyInstance.duty_key).where(DutyInstance.organisation_id == mine)))
    assert mine_duties == {
        f"{HANGJIN}/principal_inspection_high_risk",
        f"{HANGJIN}/evacuation_drill_high_risk",
        f"{HANGJIN}/coal_principal_check",
    }
    baotou = set(
        db_session.scalars(
            select(DutyInstance.organisation_id).where(DutyInstance.duty_key.startswith("baotou-property-duties/"))
        )
    )
    assert len(baotou) == 10  # the ten county-level divisions of 包头市

    # the calendar: filtered by state in SQL, soonest due first
    office = headers(db_session, "hangjin_office", Role.COUNTY_OFFICER, division="150625")
    due_soon = api.get("/api/duties/instances", params={"state": "due_soon", "limit": 500}, headers=office).json()
    assert due_soon["total"] >= 28 and all(i["state"] == "due_soon" for i in due_soon["items"])
    assert all(i["due_on"] >= "2026-11-23" for i in due_soon["items"])
    first = due_soon["items"][0]
    assert first["due_on"] == min(i["due_on"] for i in due_soon["items"])  # soonest first
    definitions = api.get("/api/duties/definitions", params={"limit": 500}, headers=office).json()
    assert definitions["total"] == len(definitions["items"]) > 0
    assert {d["key"] for d in definitions["items"]} >= {MONTHLY, f"{HANGJIN}/principal_inspection"}
    assert date.fromisoformat(first["due_on"]) >= date(2026, 11, 23)


def test_monthly_reports_per_unit_and_combined(api: TestClient, db_session: Session, generated: int) -> None:
    edu = headers(db_session, "edu_reporter", Role.UNIT_REPORTER, unit=EDU)
    office = headers(db_session, "hangjin_office", Role.COUNTY_OFFICER, division="150625")
    row = instance(api, edu, duty=MONTHLY)
    api.post(f"/api/duties/instances/{row['id']}/submissions", json=REPORT, headers=edu)
    url = f"/api/duties/reports/{HANGJIN}/monthly_report"

    one = api.get(url, params={"period": "2026-11", "format": "json"}, headers=edu).json()
    assert [u["unit_name"] for u in one["units"]] == [EDU] and one["office_name"] == "杭锦旗安全生产委员会办公室"
    page = api.get(url, params={"period": "2026-11", "unit_id": row["unit_id"]}, headers=office).text
    for heading in (
        "一、总体情况和经验做法",
        "二、本苏木镇（领域）重点指标任务进展情况",
        "三、存在的问题和困难",
        "四、近期工作安排",
    ):
        assert heading in page
    assert "杭锦旗安全生产委员会办公室：" in page and REPORT["problems"] in page

    combined = api.get(url, params={"period": "2026-11", "format": "xlsx"}, headers=office)
    assert combined.status_code == 200
    sheet = load_workbook(io.BytesIO(combined.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 28 and any(r[0] == EDU and r[1] == "按时完成" for r in rows)
    weekly = api.get(f"/api/duties/reports/{HANGJIN}/weekly_table", params={"format": "xlsx"}, headers=office)
    assert weekly.status_code == 200
    if db_session.get_bind().dialect.name == "sqlite":  # printing does not depend on the engine: once is enough
        if shutil.which("chromium") is None:
            if os.environ.get("YINGJI_REQUIRE_CHROMIUM"):
                pytest.fail("YINGJI_REQUIRE_CHROMIUM is set but chromium is not on PATH")
        else:
            pdf = api.get(url, params={"period": "2026-11", "unit_id": row["unit_id"], "format": "pdf"}, headers=edu)
            assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert api.get(url, params={"period": "2026-W48"}, headers=office).status_code == 422
    assert (
        api.get(f"/api/duties/reports/{HANGJIN}/weekly_table", params={"period": "2026-11"}, headers=office).status_code
        == 422
    )


def test_the_worker_generates_once_and_reminds(db_session: Session, divisions: int, moving_clock: FixedClock) -> None:
    """The worker's round: this period's instances (then none again), the reminders due today, once."""
    makers = sessionmaker(bind=db_session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False)
    worker = Worker(makers, moving_clock)
    worker._duties_round()
    count = db_session.scalar(select(func.count()).select_from(DutyInstance)) or 0
    assert count >= 28 * 2  # at least every reporting unit's weekly table and monthly report
    reminded = db_session.scalar(
        select(func.count()).select_from(DutyInstance).where(DutyInstance.reminded_at.is_not(None))
    )
    assert reminded and reminded >= 28  # the November reports fall due tomorrow
    moving_clock.advance(minutes=11)
    worker._duties_round()
    assert db_session.scalar(select(func.count()).select_from(DutyInstance)) == count

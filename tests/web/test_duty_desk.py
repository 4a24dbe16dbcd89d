"""The 值班 desk in a real browser (issue 22 item 5): officer A writes a duty-log entry and hands over while an
unacknowledged methane alarm and a running reporting clock are open; officer B of the same county sees both carried
in the handover record and signs it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import Browser

from tests.web.conftest import Server, login, send_methane, shot, wait_until

WAIT_MS = 30_000


def _setup(server: Server, methane_alarm: dict[str, object]) -> int:
    """Officer B's account, an open alarm, an incident with running clocks and A's shift; returns the desk's id."""
    admin, officer = server.token("admin"), server.token("dongsheng_duty")
    account = {
        "username": "dongsheng_duty_b",
        "display_name": "东胜区值班员乙",
        "password": server.password,
        "role": "county_officer",
        "division_code": "150602",
    }
    made = httpx.post(f"{server.url}/api/users", json=account, headers=admin, timeout=30)
    assert made.status_code == 201, made.text
    bodies = httpx.get(
        f"{server.url}/api/duty/bodies", params={"division": "150602", "q": "应急管理局"}, headers=officer, timeout=30
    ).json()
    body = next(b for b in bodies["items"] if b["division_code"] == "150602")["id"]
    send_methane(server, methane_alarm, 1.2)  # over 1.0 %: an alarm nobody has acknowledged
    occurred = datetime.now(UTC) - timedelta(minutes=5)
    report = {
        "client_key": "duty-desk-0001",
        "title": "东胜区某厂机械伤害事故",
        "division_code": "150602",
        "sector": "industry_trade",
        "accident_type": "机械伤害",
        "place": "生产车间",
        "occurred_at": occurred.isoformat(),
        "source": "企业电话报告",
        "course": "设备检修时发生机械伤害",
        "scene": "伤者已送医",
        "impact": "停产检查",
        "measures": "停机断电，保护现场",
        "deaths": 1,
        "serious_injuries": 0,
        "direct_loss_yuan": 500_000,
    }
    filed = httpx.post(f"{server.url}/api/incidents", json=report, headers=officer, timeout=30)
    assert filed.status_code == 201, filed.text
    now = datetime.now(UTC)
    shift = {
        "body_id": body,
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(minutes=30)).isoformat(),
        "officer": "dongsheng_duty",
        "leader_name": "张副局长",
        "leader_phone": "13900000077",
    }
    assert httpx.post(f"{server.url}/api/duty/shifts", json=shift, headers=officer, timeout=30).status_code == 201
    nxt = shift | {
        "starts_at": shift["ends_at"],
        "ends_at": (now + timedelta(hours=24)).isoformat(),
        "officer": "dongsheng_duty_b",
    }
    assert httpx.post(f"{server.url}/api/duty/shifts", json=nxt, headers=officer, timeout=30).status_code == 201
    for _ in range(60):  # the engine raises the alarm from the readings within a moment
        items = httpx.get(f"{server.url}/api/duty/bodies/{body}/open-items", headers=officer, timeout=30).json()
        if items["alarms"] and items["clocks"]:
            return int(body)
        time.sleep(0.5)
    raise AssertionError(f"no open alarm and clock on the desk: {items}")


def test_a_handover_carries_an_open_alarm_and_clock_to_the_next_officer(
    browser: Browser, server: Server, methane_alarm: dict[str, object]
) -> None:
    body = _setup(server, methane_alarm)
    a = login(browser, server, "dongsheng_duty", start="/console/duty")
    assert a.inner_text("#officer-now") == "东胜区值班员"
    assert a.locator('#on-duty a[href="tel:13900000077"]').count() == 1
    assert a.locator("#open-list tr[data-kind=alarm]").count() >= 1
    assert a.locator("#open-list tr[data-kind=clock]").count() >= 1

    # A writes a call into the duty log
    a.select_option("#log-form select[name=kind]", "call")
    a.fill("#log-form input[name=caller]", "某厂安全员")
    a.fill("#log-form input[name=caller_phone]", "13900000088")
    a.fill("#log-form textarea[name=text]", "来电报告机械伤害事故，已按初报登记")
    a.click("#log-form button[type=submit]")
    wait_until(a, "document.querySelector('#log-list').innerText.includes('来电报告机械伤害事故')", timeout=WAIT_MS)
    assert a.locator('#log-list a[href="tel:13900000088"]').count() == 1

    # … and hands over to B (the next shift's officer is preselected)
    assert a.locator("#handover-form select[name=to_officer]").input_value() == "dongsheng_duty_b"
    a.fill("#handover-form textarea[name=note]", "甲烷报警待企业回复；机械伤害事故续报待跟进")
    a.click("#handover-form button[type=submit]")
    wait_until(a, "!!document.querySelector('#pending-handover')", timeout=WAIT_MS)
    assert a.locator("#accept-form").count() == 0  # A cannot sign its own handover
    shot(a, "duty-desk-1-handed-over")

    b = login(browser, server, "dongsheng_duty_b", start="/console/duty")
    carried = b.inner_text("#carried-items")
    assert str(methane_alarm["mine"]) in carried and "东胜区某厂机械伤害事故" in carried
    assert b.locator("#carried-items tr[data-kind=alarm]").count() >= 1
    assert b.locator("#carried-items tr[data-kind=clock] .countdown").count() >= 1  # the running clock counts down
    assert "mine:" not in b.inner_text("main") and "county_officer" not in b.inner_text("main")  # no codes
    shot(b, "duty-desk-2-incoming-sees-items")
    b.fill("#accept-form textarea[name=note]", "遗留事项已清点")
    b.click("#accept-form button[type=submit]")
    wait_until(b, "document.querySelector('#handover-list').innerText.includes('已接班')", timeout=WAIT_MS)
    assert b.locator("#handover-form").count() == 1  # B now keeps the desk and may hand over in turn
    shot(b, "duty-desk-3-accepted")

    record = httpx.get(
        f"{server.url}/api/duty/handovers", params={"body": body}, headers=server.token("dongsheng_duty"), timeout=30
    ).json()["items"][0]
    assert record["state"] == "accepted" and record["from_officer"] == "dongsheng_duty"
    assert record["to_officer"] == "dongsheng_duty_b" and record["accepted_at"] and record["handed_at"]
    assert record["items"]["alarms"] >= 1 and record["items"]["clocks"] >= 1

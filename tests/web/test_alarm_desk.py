"""The duty desk's alarm triage in a real browser (issue 22): a power-cut alarm arrives on an open page as the first
row with its enterprise and mine in words, announces itself, and is acknowledged with a comment."""

from __future__ import annotations

import time

import httpx
from playwright.sync_api import Browser

from tests.web.conftest import Server, login, send_methane, shot, wait_until

LIVE_WAIT_MS = 30_000


def test_a_power_cut_alarm_is_the_first_row_and_is_acknowledged(
    browser: Browser, server: Server, methane_alarm: dict[str, object]
) -> None:
    officer = login(browser, server, "dongsheng_duty", start="/console/alarms")
    wait_until(officer, "document.documentElement.dataset.liveAt", timeout=LIVE_WAIT_MS)
    point = methane_alarm["point"]
    assert isinstance(point, dict)
    sent = time.monotonic()
    send_methane(server, methane_alarm, 1.6)  # over 1.5 %: the upper corner's power-cut level
    first = "#alarm-list tr[data-alarm]"
    wait_until(
        officer,
        f"(document.querySelector('{first}') || {{}}).innerText?.includes('{point['name']}')",
        timeout=LIVE_WAIT_MS,
    )
    latency = time.monotonic() - sent
    print(f"\nalarm to screen: {latency:.2f} s (reading posted → first row on the open page)")
    row = officer.locator(first).first
    text = row.inner_text()
    assert "紧急" in text and "断电" in text
    assert str(methane_alarm["unit"]) in text and str(methane_alarm["mine"]) in text  # in words, not mine:19
    assert "mine:" not in officer.inner_text("#alarm-list")
    # it announces itself: the title flashes and the toast says what and where
    wait_until(officer, "document.documentElement.dataset.announced")
    wait_until(officer, "document.title.startsWith('【紧急报警】')", timeout=5000)
    assert str(methane_alarm["mine"]) in officer.inner_text("#toast")
    shot(officer, "alarm-desk-1-critical-first")

    # acknowledged with a comment from the row itself
    alarm_id = row.get_attribute("data-alarm")
    row.locator("input[name=comment]").fill("已电话通知矿调度室停电撤人")
    row.locator("button", has_text="确认").click()
    wait_until(officer, f"document.querySelector('tr[data-alarm=\"{alarm_id}\"]').innerText.includes('已确认')")
    history = httpx.get(
        f"{server.url}/api/monitoring/alarms/{alarm_id}", headers=server.token("dongsheng_duty"), timeout=30
    ).json()["events"]
    assert history[-1]["kind"] == "acked" and history[-1]["text"] == "已电话通知矿调度室停电撤人"
    wait_until(officer, "!document.title.startsWith('【紧急报警】')", timeout=LIVE_WAIT_MS)  # nothing left to announce
    shot(officer, "alarm-desk-2-acknowledged")

    # the overview lists it among nothing unacknowledged now, and the filters narrow the list
    officer.goto(f"{server.url}/console/alarms?severity=critical&state=all")
    assert officer.locator(first).count() >= 1
    assert all("紧急" in r.inner_text() for r in officer.locator(first).all())
    officer.select_option("select[name=severity]", "")
    officer.click("form.filters button[type=submit]")
    officer.wait_for_load_state()
    assert officer.locator(first).count() >= 1  # 全部 filters nothing (an empty value is no filter)

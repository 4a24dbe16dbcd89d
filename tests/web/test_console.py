"""The console in a real browser: Debian's headless Chromium driven by Playwright against `yingji serve` on loopback
(embedded SQLite with the demo data). Screenshots land in test-artifacts/ for a human to look at."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser

from tests.web.conftest import Server, login, shot, wait_until


def test_banner_duty_officer_sees_the_overdue_major_hazard_live(browser: Browser, server: Server) -> None:
    page = login(browser, server, "hangjin_duty")
    rows = page.locator("#hazard-list tr")
    assert rows.count() == 4  # header + the three demo hazards of Hangjin
    assert "杭锦旗祥和能源有限公司（演示）" in page.inner_text("#hazard-list")
    assert "函告、通报、约谈" in page.inner_text("#hazard-list")  # the worker's ladder, in the seed's order
    shot(page, "hazards-1366")
    page.goto(f"{server.url}/")
    wait_until(page, "document.getElementById('live-status').textContent === '已连接'")
    open_before = int(page.inner_text('[data-key="hazards_open"]'))
    # a colleague records an inspection finding through the API; the open tile follows without a reload
    token = httpx.post(
        f"{server.url}/api/auth/login", json={"username": "hangjin_duty", "password": server.password}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    hazards = httpx.get(f"{server.url}/api/hazards", headers=headers).json()["items"]
    created = httpx.post(
        f"{server.url}/api/hazards",
        headers=headers,
        json={
            "channel": "inspection",
            "organisation_id": hazards[0]["organisation_id"],
            "place": "装车站",
            "description": "装车站消防通道被占用",
            "category": "消防",
            "found_on": hazards[0]["found_on"],
        },
    )
    assert created.status_code == 201, created.text
    wait_until(
        page,
        f"Number(document.querySelector('[data-key=\"hazards_open\"]').textContent) === {open_before + 1}",
        timeout=20000,
    )
    shot(page, "overview-1366")


def test_another_banner_sees_none_of_hangjin(browser: Browser, server: Server) -> None:
    page = login(browser, server, "dongsheng_duty")
    assert "杭锦旗" not in page.inner_text("#hazard-list")
    hazard = page.request.get(f"{server.url}/api/hazards/1")  # cookie of this session
    assert hazard.status == 404
    shot(page, "hazards-dongsheng")


def test_warning_composer_draft_issue_lift(browser: Browser, server: Server) -> None:
    page = login(browser, server, "dongsheng_duty", start="/console/warnings")
    form = page.locator("#compose")
    form.locator("[name=plan_id]").select_option("dongsheng-2024")
    chosen = form.locator('fieldset[data-plan="dongsheng-2024"]')
    assert chosen.is_visible() and not form.locator('fieldset[data-plan="ordos-weather-2024"]').is_visible()
    chosen.locator("[name=level]").select_option("4")
    for area in chosen.locator("textarea").all():
        area.fill("东胜区城区各建筑施工工地")
    form.locator("[name=category]").fill("高处坠落")
    form.locator("[name=title]").fill("东胜区建筑施工大风天气事故蓝色预警")
    form.locator("[name=division_codes]").select_option("150602")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/console/warnings/*")
    assert page.inner_text("#warning-status") == "草稿"
    page.click("#issue button[type=submit]")
    wait_until(page, "document.getElementById('warning-status').textContent === '已发布'")
    page.fill("#lift [name=reason]", "大风过程结束")
    page.click("#lift button[type=submit]")
    wait_until(page, "document.getElementById('warning-status').textContent === '已解除'")
    assert page.evaluate("document.documentElement.scrollWidth <= 1366")
    shot(page, "warning-lifted-1366")


def test_owner_files_a_complaint_the_community_answers_and_the_owner_confirms(browser: Browser, server: Server) -> None:
    owner = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    owner.goto(f"{server.url}/property/complaint")
    assert owner.url.endswith("/property/complaint")  # no login for owners
    owner.wait_for_selector("#owner-form[data-ready=true]")
    form = owner.locator("#owner-form")
    form.locator("[name=street]").select_option(label="交通街道")
    form.locator("[name=community]").select_option(label="锦秀社区")
    place = form.locator("[name=compound_id]")
    place.locator("option", has_text="锦秀苑小区（演示）").wait_for(state="attached")
    assert "航空家园（演示）" not in place.inner_text()  # another community's compound
    place.select_option(label="锦秀苑小区（演示）")
    form.locator("[name=category]").select_option("环境卫生")
    form.locator("[name=content]").fill("5号楼楼道堆放杂物，影响通行")
    form.locator("[name=owner_phone]").fill("13900000001")
    form.locator("button[type=submit]").click()
    owner.wait_for_selector("#owner-result:not([hidden])")
    number, code = owner.inner_text("#result-number"), owner.inner_text("#result-code")
    assert number.startswith("WY") and len(code) >= 6 and "锦秀社区" in owner.inner_text("#result-handler")
    shot(owner, "property-owner-filed")

    officer = login(browser, server, "jinxiu_community", start="/console/property/complaints")
    officer.click(f"#complaint-list >> text={number}")
    officer.wait_for_url("**/console/property/complaints/*")
    assert "13900000001" in officer.inner_text("#complaint-record")  # the handler sees the contact
    officer.fill("#respond [name=note]", "已联系业主，安排物业当日清理")
    officer.click("#respond button[type=submit]")
    wait_until(officer, "document.getElementById('complaint-state').textContent === '办理中'")
    officer.fill("#resolve [name=answer]", "杂物已清理，楼道恢复通行")
    officer.select_option("#resolve [name=substantiated]", "true")
    officer.click("#resolve button[type=submit]")
    wait_until(officer, "document.getElementById('complaint-state').textContent === '待确认'")
    assert officer.evaluate("document.documentElement.scrollWidth <= 1366")
    shot(officer, "property-complaint-answered")

    owner.click("#result-track")
    owner.wait_for_url("**/property/complaint/track?number=*")
    owner.fill("#track-form [name=code]", code)
    owner.click("#track-form button[type=submit]")
    owner.wait_for_selector("#owner-actions:not([hidden])")
    assert "杂物已清理" in owner.inner_text("#track-answer")
    assert "13900000001" not in owner.inner_text("#track-result")
    owner.click("#confirm")
    wait_until(owner, "document.getElementById('track-state').textContent === '已办结'")
    assert owner.locator("#owner-actions").is_hidden()
    shot(owner, "property-owner-confirmed")

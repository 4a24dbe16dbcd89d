"""The boards one works on, in a real browser (one server for the module): a 督办 progress entry and a campaign's
sub-plans, a unit's 履职 report and the office's ranking, a 预案 drill entry, the phone incident room sending a 续报
with a camera photo, the 举报 pages and public forms on a phone, and a suspended mine's census walked to its
resumption on the 矿山监管 page. Screenshots at 1366×768 and 390×844 go to test-artifacts/boards-*.png; page weights
and load times to test-artifacts/boards-weights.json."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from playwright.sync_api import Browser, FilePayload, Page, ViewportSize

from tests.factories.incidents import initial
from tests.web.conftest import ARTIFACTS, Server, login, wait_until
from tests.web.conftest import shot as full_shot

PHONE: ViewportSize = {"width": 390, "height": 844}
WEIGHTS: dict[str, dict[str, float]] = {}
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def shot(page: Page, name: str) -> None:
    """The whole page, and what the screen shows first (the size a user sees without scrolling)."""
    full_shot(page, name)
    page.screenshot(path=str(ARTIFACTS / f"{name}-screen.png"))


def weigh(page: Page, name: str) -> None:
    """The page's transferred bytes (document and every resource) and its load time, kept for the closing note."""
    figures = page.evaluate(
        "(() => { const nav = performance.getEntriesByType('navigation')[0];"
        " const res = performance.getEntriesByType('resource');"
        " const size = (r) => r.transferSize || r.encodedBodySize;"
        " const bytes = size(nav) + res.reduce((s, r) => s + size(r), 0);"
        " return {kib: bytes / 1024, load_ms: nav.loadEventEnd - nav.startTime, resources: res.length}; })()"
    )
    WEIGHTS[name] = {k: round(v, 1) for k, v in figures.items()}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "boards-weights.json").write_text(json.dumps(WEIGHTS, ensure_ascii=False, indent=1), encoding="utf-8")


def visit(page: Page, url: str, name: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    weigh(page, name)
    shot(page, name)


def phone(browser: Browser, server: Server, username: str, start: str) -> Page:
    return login(browser, server, username, width=PHONE["width"], height=PHONE["height"], start=start)


def test_ledger_progress_entry(browser: Browser, server: Server) -> None:
    officer = login(browser, server, "ordos_duty", start="/console/ledger")
    weigh(officer, "boards-ledger-1366")
    wait_until(officer, "document.querySelectorAll('[data-kpi][data-drawn]').length > 0")  # the KPI charts drew
    entry = officer.locator("details.progress-entry").first
    row = entry.locator("xpath=ancestor::tr")
    code = row.locator("td").first.inner_text()
    entry.locator("summary").click()
    entry.locator("input[name=percent]").fill("60")
    entry.locator("textarea[name=note]").fill("已完成全市摸底排查，形成问题清单")
    entry.locator("button[type=submit]").click()
    wait_until(officer, "document.body.innerText.includes('已完成全市摸底排查')")
    assert "60%" in officer.locator(f"tr:has(td:text-is('{code}'))").first.inner_text()
    shot(officer, "boards-ledger-1366")
    officer.locator("#targets").screenshot(path=str(ARTIFACTS / "boards-ledger-1366-targets.png"))
    # the three-year campaign's 22 department sub-plans: the list, then one sub-plan's tasks by its name
    officer.goto(f"{server.url}/console/ledger?programme=hangjin-2024-2026")
    officer.locator("details.subplans > summary").click()
    shot(officer, "boards-ledger-subplans-1366")
    officer.locator("ol.subplan-grid a", has_text="14. 化工和危险化学品").click()
    wait_until(officer, "location.search.includes('subplan=')")
    assert officer.locator("select[name=subplan] option:checked").inner_text() == "14. 化工和危险化学品"
    assert officer.locator("table.ledger-tasks tr[id^=task-]").count() == 15 and officer.evaluate(FITS)
    shot(officer, "boards-ledger-subplan-1366")
    small = phone(browser, server, "ordos_duty", "/console/ledger")
    weigh(small, "boards-ledger-390")
    shot(small, "boards-ledger-390")


def test_a_unit_reports_and_the_office_sees_the_ranking(browser: Browser, server: Server) -> None:
    """The education bureau's reporter hands in its open report from the calendar (the demo's campaign duties run
    to 2026-12-31: afterwards nothing is open and only the calendar is checked); the office reads the ranking."""
    unit = login(browser, server, "hangjin_edu", start="/console/duties")
    assert "杭锦旗教育体育局" in unit.inner_text("h1")
    weigh(unit, "boards-duties-1366")
    entry = unit.locator("details.progress-entry").first
    if entry.count():
        entry.locator("summary").click()
        if entry.locator("input[name=held_on]").count() == 0:
            entry.locator("textarea[name=summary]").fill("召开校园安全专题会议，完成寄宿制学校消防检查")
            for name in ("problems", "next_steps"):
                if entry.locator(f"textarea[name={name}]").count():
                    entry.locator(f"textarea[name={name}]").fill("按计划推进")
        else:
            entry.locator("textarea[name=summary]").fill("召开校园安全专题会议，完成寄宿制学校消防检查")
        entry.locator("form[data-api] button[type=submit]").click()
        wait_until(unit, "document.body.innerText.includes('召开校园安全专题会议')")
    else:
        assert unit.locator("#calendar tr").count() > 1
    shot(unit, "boards-duties-1366")
    office = login(browser, server, "hangjin_duty", start="/console/duties/ranking")
    assert "晾晒排名" in office.inner_text("#ranking") and office.locator("#departments tr").count() > 1
    weigh(office, "boards-duties-ranking-1366")
    shot(office, "boards-duties-ranking-1366")
    small = phone(browser, server, "hangjin_duty", "/console/duties")
    shot(small, "boards-duties-390")
    assert small.evaluate(FITS)


def test_fire_rescue_benefit_check_beside_its_campaign(browser: Browser, server: Server) -> None:
    """杭锦旗's officer checks a retired firefighter of 15 years (004#L29-L99) on the 督办 page."""
    start = "/console/ledger?programme=hangjin-fire-rescue-benefits-2024"
    officer = login(browser, server, "hangjin_duty", start=start)
    form = officer.locator("form[data-benefits]")
    form.locator("select[name=status]").select_option("retired")
    form.locator("input[name=service_years]").fill("15")
    form.locator("input[name=hukou_in_banner]").check()
    form.locator("button[type=submit]").click()
    result = "document.querySelector('form[data-benefits] [data-result]').innerText"
    wait_until(officer, f"{result}.includes('属于优待对象')")
    gold = form.locator("[data-result] tr", has_text="金质职业纪念章（入职满15年）").inner_text()
    assert "✔ 享受" in gold and "入职15年" in gold
    shot(officer, "boards-benefits-1366")


def test_drill_entry(browser: Browser, server: Server) -> None:
    officer = login(browser, server, "ordos_duty", start="/console/plans")
    weigh(officer, "boards-plans-1366")
    shot(officer, "boards-plans-1366")
    officer.click("#plan-list a:text('非煤矿山')")
    officer.wait_for_selector("#structure #levels")
    officer.select_option("#activity-entry select[name=kind]", "drill")
    officer.fill("#activity-entry input[name=detail]", "桌面推演：尾矿库溃坝")
    officer.click("#activity-entry button[type=submit]")
    wait_until(officer, "document.querySelector('#activities').innerText.includes('桌面推演：尾矿库溃坝')")
    assert "演练" in officer.inner_text("#activities")
    weigh(officer, "boards-plan-1366")
    shot(officer, "boards-plan-1366")
    small = phone(browser, server, "ordos_duty", officer.url.removeprefix(server.url))
    weigh(small, "boards-plan-390")
    shot(small, "boards-plan-390")
    assert small.evaluate(FITS)


def test_phone_room_sends_a_follow_up_with_a_photo(browser: Browser, server: Server) -> None:
    commander = server.token("baotou_commander")
    occurred = datetime.now(UTC) - timedelta(minutes=5)
    report = initial(client_key="phone-room-0001", occurred_at=occurred).model_dump(mode="json")
    created = httpx.post(f"{server.url}/api/incidents", json=report, headers=commander, timeout=30)
    assert created.status_code == 201, created.text
    incident: dict[str, Any] = created.json()
    plan, levels = next(iter(incident["startable_levels"].items()))
    proposed = next(a["response_level"] for a in incident["assessments"] if a["plan_id"] == plan)
    level = proposed if proposed in levels else levels[-1]
    started = httpx.post(
        f"{server.url}/api/incidents/{incident['id']}/responses",
        json={"plan_id": plan, "level": level, "reason": "现场研判"},
        headers=commander,
        timeout=30,
    )
    assert started.status_code == 201, started.text

    room = phone(browser, server, "baotou_commander", f"/console/incidents/{incident['id']}")
    weigh(room, "boards-room-390")
    assert room.evaluate(FITS), room.evaluate("document.documentElement.scrollWidth")
    assert room.locator("#clocks .countdown").count() >= 1 and room.locator("table.tasks").count() >= 1
    photo = room.screenshot(type="jpeg", quality=70)  # a real JPEG, as a phone camera would give
    room.click("#facts details summary:text('续报')")
    room.fill("#follow-up textarea[name='content.进展情况']", "救援队已到达现场，正在排水")
    camera: FilePayload = {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": photo}
    room.set_input_files("#follow-up input[data-photo]", files=[camera])
    assert room.evaluate(FITS)
    shot(room, "boards-room-form-390")
    room.click("#follow-up button[type=submit]")
    wait_until(room, "document.querySelectorAll('tr.photos img').length === 1")
    wait_until(
        room,
        "document.querySelector('tr.photos img').complete && document.querySelector('tr.photos img').naturalWidth > 0",
    )
    assert "现场照片" in room.inner_text("#timeline")
    assert room.evaluate(FITS)
    shot(room, "boards-room-390")
    for part in ("clocks", "facts", "command"):  # the parts a commander on site works in, each as the phone shows it
        room.locator(f"#{part}").screenshot(path=str(ARTIFACTS / f"boards-room-390-{part}.png"))
    desk = login(browser, server, "baotou_duty", start=f"/console/incidents/{incident['id']}")
    weigh(desk, "boards-room-1366")
    shot(desk, "boards-room-1366")


def test_tips_pages_and_public_forms_fit(browser: Browser, server: Server) -> None:
    for n, subject in enumerate(("某洗煤厂", "某选矿厂", "某加油站")):
        body = {"division_code": "150602", "subject": subject, "description": f"夜间违规作业，消防通道被堵（{n}）"}
        body |= {"reporter_name": "李四", "reporter_phone": "13700000004"} if n == 0 else {}
        assert httpx.post(f"{server.url}/api/tips/public", json=body, timeout=30).status_code == 201
    officer = login(browser, server, "dongsheng_duty", start="/console/tips")
    weigh(officer, "boards-tips-1366")
    shot(officer, "boards-tips-1366")
    officer.click("#tip-list a:text('某洗煤厂')")
    assert "李四" not in officer.inner_text("#reporter")  # not accepted yet: nobody sees who reported
    officer.click("button:text('受理')")
    wait_until(officer, "document.querySelector('#reporter').innerText.includes('李四')")
    weigh(officer, "boards-tip-1366")
    shot(officer, "boards-tip-1366")
    small = phone(browser, server, "dongsheng_duty", officer.url.removeprefix(server.url))
    assert small.evaluate(FITS)
    shot(small, "boards-tip-390")
    small.goto(f"{server.url}/console/tips")
    assert small.evaluate(FITS)
    shot(small, "boards-tips-390")

    public = browser.new_page(viewport=PHONE, locale="zh-CN")
    for path, name in (("/tip", "boards-public-tip-390"), ("/property/complaint", "boards-public-complaint-390")):
        visit(public, f"{server.url}{path}", name)
        assert public.evaluate(FITS), name
    public.goto(f"{server.url}/tip")
    public.select_option("#tip-form select[name=division_code]", "150602")
    public.fill("#tip-form input[name=subject]", "某砖厂")
    public.fill("#tip-form textarea[name=description]", "粉尘很大，没有防护措施")
    public.click("#tip-form button[type=submit]")
    public.wait_for_selector("#tip-result:not([hidden])")
    code = public.inner_text("#tip-code")
    public.click("#tip-track")
    public.click("#tip-track-form button[type=submit]")
    public.wait_for_selector("#tip-status:not([hidden])")
    assert public.inner_text("#tip-state") == "待受理" and len(code) == 16
    shot(public, "boards-public-track-390")


def test_mine_census_walked_to_resumption(browser: Browser, server: Server) -> None:
    """A suspended mine without this year's census: open it, add a finding, treat it, complete it — the resumption
    check turns to allowed and the officer resumes the mine (issue 26 item 1, 002#L183), all on the mine's page."""
    api = server.token("ordos_duty")
    mines = httpx.get(f"{server.url}/api/supervision/mines", params={"limit": 500}, headers=api, timeout=30).json()
    mine = next(m for m in mines["items"] if m["name"] == "瑞丰北翼煤矿（演示）")
    assert (mine["status"], mine["census_state"]) == ("suspended", None)
    base = f"{server.url}/api/supervision"
    # a few register entries so the page shows what an officer meets: deadlines, a red goaf, a faulty machine, a warning
    assert httpx.post(f"{base}/deadlines/generate", headers=api, timeout=60).status_code == 200
    goaf = {
        "kind": "goaf",
        "name": "-120m 中段东侧采空区",
        "colour": "red",
        "assessed_on": mine_today(),
        "is_key": True,
    }
    assert httpx.post(f"{base}/mines/{mine['mine_id']}/goafs", json=goaf, headers=api, timeout=30).status_code == 201
    machine = {"category": "hoist", "name": "主井提升机", "model": "JKMD-4×4", "condition": "faulty"}
    assert (
        httpx.post(f"{base}/mines/{mine['mine_id']}/equipment", json=machine, headers=api, timeout=30).status_code
        == 201
    )
    warning = {"mine_id": mine["mine_id"], "title": "采空区顶板离层", "assessment": "研判为橙色风险"}
    warning |= {"respond_within_h": 2, "close_within_h": 48}
    assert httpx.post(f"{base}/warnings", json=warning, headers=api, timeout=30).status_code == 201

    path = f"/console/supervision/mines/{mine['mine_id']}"
    officer = login(browser, server, "ordos_duty", start=path)
    assert "不得复工" in officer.inner_text("#resume-check") and officer.locator("#mine-resume").count() == 0
    officer.click("#census-open button[type=submit]")  # this year's census, begun today: the form's defaults
    finding = officer.locator("form[id^=census-finding-]")
    finding.locator("select[name=kind]").select_option("goaf")
    finding.locator("textarea[name=description]").fill("-120m 中段东侧采空区未充填")
    finding.locator("button[type=submit]").click()
    treat = officer.locator("form[id^=finding-treat-]")
    treat.locator("textarea[name=treatment]").fill("尾砂胶结充填")
    treat.locator("button[type=submit]").click()
    wait_until(officer, "!document.querySelector('form[id^=finding-treat-]')")  # reloaded: treated
    assert "尾砂胶结充填" in officer.inner_text("#mine-census")
    officer.locator("form[id^=census-complete-] button[type=submit]").click()
    wait_until(officer, "document.querySelector('#resume-check').innerText.includes('复工条件已满足')")
    shot(officer, "boards-mine-1366")
    officer.fill("#mine-resume textarea[name=note]", "复工验收合格")
    officer.click("#mine-resume button[type=submit]")
    wait_until(officer, "document.querySelector('#mine-status').innerText === '生产'")
    assert "无须办理复工" in officer.inner_text("#resume-check")
    weigh(officer, "boards-mine-1366")
    officer.goto(f"{server.url}/console/supervision")
    weigh(officer, "boards-supervision-1366")
    shot(officer, "boards-supervision-1366")
    small = phone(browser, server, "ordos_duty", path)
    assert small.evaluate(FITS)
    shot(small, "boards-mine-390")
    small.goto(f"{server.url}/console/supervision")
    assert small.evaluate(FITS)
    shot(small, "boards-supervision-390")


def mine_today() -> str:
    """Today in Beijing, as the server's date inputs default to it."""
    return (datetime.now(UTC) + timedelta(hours=8)).date().isoformat()

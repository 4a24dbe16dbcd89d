"""一张图 and 指挥大屏 in a real browser (issue 23), one demo server for the module: 杭锦旗's officer sees 杭锦旗 fitted
and highlighted with the Ordos rainstorm warning shaded, and a radius query lists teams and shelters; Baotou's red
tailings-pond alarm arrives on Baotou's open map; the command hall fills 1920×1080 without scrolling and shows a
newly filed incident live. Screenshots in test-artifacts/."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import Browser, Page

from tests.web.conftest import Server, login, shot, wait_until

HANGJIN = (106.92, 39.38, 109.28, 40.89)  # the banner's outline (west, south, east, north) in the boundary file
ORDOS_SOUTH = 37.62


def view(page: Page) -> list[float]:
    return [float(v) for v in (page.get_attribute("#map", "data-view") or "").split(",")]


def click_at(page: Page, lat: float, lon: float) -> None:
    """A real click on the map at a place (Leaflet converts the place to the pixel it is drawn at)."""
    x, y = page.evaluate(
        f"(() => {{ const p = YingjiMap.current.map.latLngToContainerPoint([{lat}, {lon}]);"
        " const r = document.getElementById('map').getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; })()"
    )
    page.mouse.click(x, y)


def fits_without_scrolling(page: Page) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth"
        )
    )


def test_hangjin_sees_hangjin_fitted_with_the_rainstorm_shaded_and_finds_what_is_near(
    browser: Browser, server: Server
) -> None:
    page = login(browser, server, "hangjin_duty", start="/console/map")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    assert page.get_attribute("#map", "data-focus") == "150625"
    west, south, east, north = view(page)
    assert west <= HANGJIN[0] and south <= HANGJIN[1] and east >= HANGJIN[2] and north >= HANGJIN[3]
    assert south > ORDOS_SOUTH + 1 and north - south < 2.5  # 杭锦旗, not the whole of 鄂尔多斯
    assert "150625" in (page.get_attribute("#map", "data-shaded") or "").split(",")
    own = page.locator(".county-label.own")
    assert own.count() == 1 and "杭锦旗" in own.inner_text() and "黄色预警" in own.inner_text()
    assert page.locator(".county-label").count() == 9  # every banner of the city is named
    assert "鄂尔多斯市暴雨黄色预警" in page.inner_text("#warning-list")
    panel = page.inner_text("#layer-panel")
    for words in ("矿山", "重大危险源", "救援队伍", "避难场所", "室内避难场所", "矿山救护"):
        assert words in panel
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1  # the boundaries are drawn
    assert fits_without_scrolling(page)
    shot(page, "map-hangjin-1366")
    click_at(page, 39.95, 108.45)  # open grassland north-west of 锡尼镇, about 28 km from its teams
    page.wait_for_selector("#radius-result table", timeout=10000)
    kinds = page.eval_on_selector_all("#radius-result tr[data-kind]", "rows => rows.map((r) => r.dataset.kind)")
    assert "rescue_team" in kinds and "shelter" in kinds
    result = page.inner_text("#radius-result")
    assert "公里" in result and "分钟" in result and "可容纳 1500 人" in result
    shot(page, "map-hangjin-radius-1366")
    wide = login(browser, server, "hangjin_duty", width=1920, height=1080, start="/console/map")
    wide.wait_for_selector("#map[data-ready=true]", timeout=20000)
    assert fits_without_scrolling(wide)
    shot(wide, "map-hangjin-1920")


def _red_pond(server: Server) -> str:
    """The phreatic line of a Baotou demo pond rises to 4 m below the crest (red at 5 m): a 紧急 alarm."""
    tokens = server.gateway_tokens()
    officer = server.token("baotou_duty")
    params: dict[str, str | int] = {"kind": "PHREATIC_LINE", "limit": 500}
    points = httpx.get(f"{server.url}/api/monitoring/points", params=params, headers=officer, timeout=30).json()
    point = next(p for p in points["items"] if p["code"].endswith("JRX-1"))
    gateway = {"Authorization": f"Bearer {tokens[point['enterprise_id']]}"}
    now_ms = int(time.time() * 1000)
    rows = [(now_ms - 2000, 12.0), (now_ms - 1000, 12.0), (now_ms, 4.0)]
    body = {"readings": [{"point": point["code"], "time": at, "value": v} for at, v in rows]}
    answer = httpx.post(f"{server.url}/api/monitoring/readings", json=body, headers=gateway, timeout=30)
    assert answer.status_code == 200, answer.text
    return str(point["site_name"])


def test_baotou_sees_its_red_pond_alarm_arrive_on_the_open_map(browser: Browser, server: Server) -> None:
    page = login(browser, server, "baotou_duty", start="/console/map")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    wait_until(page, "document.documentElement.dataset.liveAt")  # the console's live stream is open
    assert page.locator(".pin-alarms").count() == 0
    pond = _red_pond(server)
    pin = page.locator(".pin-alarms.pin-critical")
    wait_until(page, "document.querySelectorAll('.pin-alarms.pin-critical').length === 1", timeout=20000)
    assert "紧急" in pin.inner_text() and page.get_attribute("#map", "data-updates")
    assert "报警中的矿山和尾矿库（1）" in page.inner_text("#layer-panel")
    assert "红色预警（1）" in page.inner_text('fieldset[data-key="ponds"]')
    pin.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    page.wait_for_timeout(400)  # the popup fades in
    assert pond in popup.inner_text() and "未处理报警" in popup.inner_text()
    assert (popup.locator("a").get_attribute("href") or "").startswith("/console/alarms?site=pond:")
    shot(page, "map-baotou-red-pond-1366")


def test_the_command_hall_fills_the_wall_and_follows_a_new_incident(browser: Browser, server: Server) -> None:
    page = login(browser, server, "ordos_duty", width=1920, height=1080, start="/console/screen")
    page.wait_for_selector("body[data-ready=true]", timeout=20000)
    assert fits_without_scrolling(page)
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20  # legible at 3 m
    assert "鄂尔多斯市暴雨黄色预警" in page.inner_text("#screen-warnings")
    assert page.locator("#chart-alarms canvas, #chart-incidents canvas, #chart-hazards canvas").count() == 3
    wait_until(
        page, "document.getElementById('live-status').textContent === '实时' && document.documentElement.dataset.liveAt"
    )
    loads = int(page.get_attribute("body", "data-loads") or 0)
    title = "祥和煤矿井下透水事故（大屏测试）"
    report = {
        "client_key": "screen-test-0001",
        "title": title,
        "division_code": "150625",
        "sector": "coal_mine",
        "accident_type": "透水",
        "place": "井下-300米水平",
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
        "source": "企业电话报告",
        "course": "掘进工作面透水",
        "scene": "救护队已下井",
        "impact": "一个采区",
        "measures": "撤出井下人员",
        "deaths": 0,
        "serious_injuries": 1,
        "trapped": 2,
        "lon": 109.11,
        "lat": 40.01,
    }
    filed = httpx.post(f"{server.url}/api/incidents", json=report, headers=server.token("hangjin_duty"), timeout=30)
    assert filed.status_code == 201, filed.text
    wait_until(page, f"document.getElementById('screen-incidents').textContent.includes('{title}')", timeout=30000)
    assert int(page.get_attribute("body", "data-loads") or 0) > loads  # drawn again, not reloaded
    assert page.locator(".pin-incidents").count() >= 1  # and on the map
    assert fits_without_scrolling(page)
    shot(page, "screen-1920")
    small = login(browser, server, "ordos_duty", width=1366, height=768, start="/")
    small.goto(f"{server.url}/?screen=big")  # the overview's 大屏 is the command hall
    assert small.url.endswith("/console/screen")
    small.wait_for_selector("body[data-ready=true]", timeout=20000)
    assert fits_without_scrolling(small)
    shot(small, "screen-1366")

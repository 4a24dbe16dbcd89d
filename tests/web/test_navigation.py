"""The header in a real browser (issue 23 items 5 and 6): workspaces in one line at 1366 px, a menu button on a
390 px phone, the global search answering from any page, and the header reachable by keyboard with a visible focus."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page

from tests.web.conftest import Server, login, shot

ONE_LINE_PX = 52  # one row of links (about 30 px) and the header's padding; two rows are over 60


def header_height(page: Page) -> float:
    box = page.locator("header.top").bounding_box()
    assert box is not None
    return box["height"]


def test_a_county_officer_has_one_header_line_with_workspaces(browser: Browser, server: Server) -> None:
    page = login(browser, server, "hangjin_duty", start="/console/incidents")
    assert header_height(page) <= ONE_LINE_PX
    spaces = page.locator("#site-nav .ws-name").all_inner_texts()
    assert [s.strip(" ▾") for s in spaces] == ["应急值守", "监管执法", "行政事项"]
    current = page.locator("#site-nav .ws.current")
    assert current.get_attribute("data-ws") == "duty"
    items = current.locator(".ws-items a").all_inner_texts()
    assert items == ["总览", "值班", "事故", "预警", "监测", "一张图", "资源"]
    assert page.locator('#site-nav a[aria-current="page"]').inner_text() == "事故"  # not by colour alone
    assert page.locator("#site-nav .ws:not(.current) .ws-items a").first.is_hidden()  # the others: one click away
    shot(page, "nav-county-1366")
    page.click('#site-nav .ws[data-ws="enforcement"] .ws-name')  # another workspace: its first page
    page.wait_for_url(f"{server.url}/console/hazards")
    assert page.locator("#site-nav .ws.current").get_attribute("data-ws") == "enforcement"
    assert page.locator("#site-nav .ws.current .ws-items a").all_inner_texts()[0] == "隐患"
    assert header_height(page) <= ONE_LINE_PX
    page.goto(f"{server.url}/console/programmes")
    assert page.locator("#site-nav .ws.current").get_attribute("data-ws") == "admin"
    assert header_height(page) <= ONE_LINE_PX
    shot(page, "nav-county-admin-workspace-1366")
    page.context.close()


def test_the_search_box_answers_from_any_page_within_scope(browser: Browser, server: Server) -> None:
    page = login(browser, server, "hangjin_duty", start="/console/warnings")
    page.fill("#search-q", "煤")  # one character: the browser asks for two before sending
    page.press("#search-q", "Enter")
    assert page.url.endswith("/console/warnings")
    page.fill("#search-q", "煤矿")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/console/search?q=*")
    mines = page.locator("#hits-mine")
    assert "祥和煤矿（演示）" in mines.inner_text()
    assert "盛隆煤矿" not in page.inner_text("main")  # 东胜区's mine is not 杭锦旗's
    assert page.input_value("#search-q") == "煤矿"
    shot(page, "search-county-1366")
    mines.locator("a", has_text="祥和煤矿（演示）").click()
    page.wait_for_url("**/console/records/mines/*")
    assert "祥和煤矿（演示）" in page.inner_text("h1")
    page.goto(f"{server.url}/console/search?q=%25")  # too short, answered on the page (the API says 422)
    assert page.locator("#search-hint").is_visible()
    page.context.close()


def test_the_header_is_reachable_by_keyboard_with_a_visible_focus(browser: Browser, server: Server) -> None:
    page = login(browser, server, "hangjin_duty", start="/console/alarms")
    focused: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
        if focused[-1] == "监管执法":  # a workspace tab: its pages open below it while it has the focus
            assert page.locator('#site-nav .ws[data-ws="enforcement"] .ws-items a').first.is_visible()
            shot(page, "nav-keyboard-1366")
        if focused[-1] == "search-q":
            break
    assert focused[0] == "跳到正文"
    assert {"事故", "监测", "监管执法", "隐患", "行政事项"} <= set(focused)
    assert focused[-1] == "search-q"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.context.close()


def test_on_a_phone_the_navigation_is_behind_a_menu_button(browser: Browser, server: Server) -> None:
    page = login(browser, server, "hangjin_duty", width=390, height=844, start="/")
    assert header_height(page) < 120
    assert page.locator("#site-nav").is_hidden()
    assert page.locator("#search-q").is_visible()
    shot(page, "nav-phone-390")
    page.click("#nav-toggle")
    assert page.get_attribute("#nav-toggle", "aria-expanded") == "true"
    assert page.locator("#site-nav").is_visible()
    assert page.locator('#site-nav .ws[data-ws="admin"] a', has_text="物业监管").is_visible()
    shot(page, "nav-phone-390-open")
    page.keyboard.press("Escape")
    assert page.locator("#site-nav").is_hidden()
    page.context.close()


def test_live_regions_are_announced(browser: Browser, server: Server) -> None:
    page = login(browser, server, "hangjin_duty", start="/")
    assert page.get_attribute("#live-status", "aria-live") == "polite"
    assert page.get_attribute("#toast", "aria-live") in {"polite", "assertive"}
    tile = page.locator(".tile.alert b").first  # a count that needs attention carries a sign, not only red
    assert page.evaluate("getComputedStyle(document.querySelector('.tile.alert b'), '::before').content") != "none"
    assert tile.is_visible()
    shot(page, "overview-county-1366")
    page.context.close()


def test_an_operator_lands_on_the_cluster_status_and_sees_only_it(browser: Browser, server: Server) -> None:
    """运维监控 (ops.read only): the console opens on 集群状态, its one workspace; the demo runs as one process."""
    yingji = str(Path(sys.executable).with_name("yingji"))
    command = [yingji, "users", "add", "ops_watch", "--role", "operator", "--display-name", "运维值守"]
    command += ["--division", "150600"]
    env = server.env | {"YINGJI_NEW_PASSWORD": server.password}
    subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=True)
    page = login(browser, server, "ops_watch", start="/console/ops/cluster")
    assert [s.strip(" ▾") for s in page.locator("#site-nav .ws-name").all_inner_texts()] == ["系统运维"]
    assert "未启用监测集群" in page.inner_text("#cluster-headline")
    page.goto(f"{server.url}/")
    page.wait_for_url(f"{server.url}/console/ops/cluster")
    shot(page, "ops-cluster-operator-1366")
    page.context.close()

"""The console in a real browser: Debian's headless Chromium driven by Playwright against `yingji serve` on loopback
(embedded SQLite with the demo data). Screenshots land in test-artifacts/ for a human to look at."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _require_chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("YINGJI_REQUIRE_CHROMIUM"):
            pytest.fail("YINGJI_REQUIRE_CHROMIUM is set but chromium is not installed")
        pytest.skip("chromium is not installed")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    def __init__(self, url: str, password: str) -> None:
        self.url, self.password = url, password


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`yingji serve` with a fresh demo database; stopped (terminated, then killed) after the module."""
    port = _free_port()
    env = os.environ | {"XDG_DATA_HOME": str(tmp_path_factory.mktemp("data")), "YINGJI_DATABASE_URL": ""}
    log = tmp_path_factory.mktemp("log") / "serve.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "yingji", "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"yingji serve exited: {log.read_text(encoding='utf-8')[-2000:]}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("yingji serve did not answer /healthz within 90 s")
        found = re.search(r"只显示这一次）：(\S+)", log.read_text(encoding="utf-8"))
        assert found, "the demo password was not printed"
        yield Server(url, found.group(1))
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = _require_chromium()
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


def _login(browser: Browser, server: Server, username: str, width: int = 1366, height: int = 768) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/console/hazards")
    assert "/login" in page.url  # pages need a session
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/console/hazards")
    return page


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_banner_duty_officer_sees_the_overdue_major_hazard_live(browser: Browser, server: Server) -> None:
    page = _login(browser, server, "hangjin_duty")
    rows = page.locator("#hazard-list tr")
    assert rows.count() == 4  # header + the three demo hazards of Hangjin
    assert "杭锦旗祥和能源有限公司（演示）" in page.inner_text("#hazard-list")
    assert "挂牌督办" in page.inner_text("#hazard-list")  # the worker's ladder
    _shot(page, "hazards-1366")
    page.goto(f"{server.url}/")
    page.wait_for_function("document.getElementById('live-status').textContent === '已连接'")
    open_before = int(page.inner_text('[data-key="hazards_open"]'))
    # a colleague records an inspection finding through the API; the open tile follows without a reload
    token = httpx.post(
        f"{server.url}/api/auth/login", json={"username": "hangjin_duty", "password": server.password}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    hazards = httpx.get(f"{server.url}/api/hazards", headers=headers).json()
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
    page.wait_for_function(
        f"Number(document.querySelector('[data-key=\"hazards_open\"]').textContent) === {open_before + 1}",
        timeout=20000,
    )
    _shot(page, "overview-1366")


def test_map_draws_the_banner_and_its_layers(browser: Browser, server: Server) -> None:
    page = _login(browser, server, "hangjin_duty")
    page.goto(f"{server.url}/console/map")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    polygons = page.locator(".leaflet-overlay-pane path, .leaflet-overlay-pane canvas")
    assert polygons.count() >= 1
    assert "矿山" in page.inner_text(".leaflet-control-layers")
    _shot(page, "map-1366")


def test_large_screen_mode(browser: Browser, server: Server) -> None:
    page = _login(browser, server, "ordos_duty", width=1920, height=1080)
    page.goto(f"{server.url}/?screen=big")
    assert "big" in (page.get_attribute("body", "class") or "")
    assert page.evaluate("document.documentElement.scrollWidth <= 1920")
    _shot(page, "overview-big-1920")


def test_another_banner_sees_none_of_hangjin(browser: Browser, server: Server) -> None:
    page = _login(browser, server, "dongsheng_duty")
    assert "杭锦旗" not in page.inner_text("#hazard-list")
    hazard = page.request.get(f"{server.url}/api/hazards/1")  # cookie of this session
    assert hazard.status == 404
    _shot(page, "hazards-dongsheng")

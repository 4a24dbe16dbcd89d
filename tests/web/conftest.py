"""Fixtures for the browser tests: `yingji serve` on a free loopback port with a fresh demo database, and Debian's
headless Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.support.serve import Served, serve

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _require_chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("YINGJI_REQUIRE_CHROMIUM"):
            pytest.fail("YINGJI_REQUIRE_CHROMIUM is set but chromium is not installed")
        pytest.skip("chromium is not installed")
    return CHROMIUM


class Server:
    def __init__(self, url: str, password: str, env: dict[str, str]) -> None:
        self.url, self.password, self.env = url, password, env

    def token(self, username: str) -> dict[str, str]:
        answer = httpx.post(f"{self.url}/api/auth/login", json={"username": username, "password": self.password})
        return {"Authorization": f"Bearer {answer.json()['token']}"}

    def gateway_tokens(self) -> dict[int, str]:
        """Register the demo measurement points (as `yingji simulate` does) and return a gateway token per
        enterprise — run against the server's own database in a child process with the server's environment."""
        script = (
            "import json\n"
            "from yingji.core.clock import SystemClock\n"
            "from yingji.db.runtime import session_scope\n"
            "from yingji.monitoring import demo\n"
            "with session_scope() as s:\n"
            "    demo.load_points(db_session=s, clock=SystemClock())\n"
            "    print(json.dumps(demo.gateway_tokens(db_session=s, clock=SystemClock())))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], env=self.env, capture_output=True, text=True, timeout=120, check=True
        )
        return {int(k): v for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def ready(served: Served, password: str | None = None) -> Server:
    """Wait (polled, generously) until a started `yingji serve` answers, and read the demo password it printed
    (or take ``password``: a server started on a copied demo database prints none)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            pytest.fail(f"yingji serve exited: {served.output()[-2000:]}")
        try:
            if httpx.get(f"{served.url}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        pytest.fail("yingji serve did not answer /healthz within 90 s")
    if password is not None:
        return Server(served.url, password, served.env)
    found = re.search(r"只显示这一次）：(\S+)", served.output())
    assert found, "the demo password was not printed"
    return Server(served.url, found.group(1), served.env)


_DEMO: list[tuple[Path, str]] = []  # this test process's demo data directory, built once, and its password


def demo_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A fresh copy of a demo data directory built once per test process: a server started on it finds the demo
    loaded and only starts (each module still gets its own database)."""
    if not _DEMO:
        built = tmp_path_factory.mktemp("demo-template")
        with serve(built / "data", built / "serve.log") as served:
            password = ready(served).password
        _DEMO.append((built / "data", password))
    source, password = _DEMO[0]
    target = tmp_path_factory.mktemp("data")
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.engine.lock"))
    return target, password


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`yingji serve` with a fresh demo database (a copy of this process's), for the whole module."""
    data, password = demo_data(tmp_path_factory)
    with serve(data, tmp_path_factory.mktemp("log") / "serve.log") as served:
        yield ready(served, password)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium per test process (each test opens its own context: cookies and storage are not shared)."""
    executable = _require_chromium()
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def _close_contexts(request: pytest.FixtureRequest) -> Iterator[None]:
    """A browser test's pages are closed after it: the browser lives on, and an open console page keeps its live
    stream to a server that may be gone."""
    yield
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            context.close()


def login(
    browser: Browser,
    server: Server,
    username: str,
    width: int = 1366,
    height: int = 768,
    start: str = "/console/hazards",
) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}{start}")
    assert "/login" in page.url  # pages need a session
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}{start}")
    return page


def wait_until(page: Page, expression: str, timeout: float = 30000) -> None:
    """Poll ``expression`` over the DevTools protocol until it is true (``timeout`` in ms, as Playwright's):
    page.wait_for_function evaluates its predicate inside the page, which the console's Content-Security-Policy
    refuses (no 'unsafe-eval')."""
    deadline = time.monotonic() + timeout / 1000
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError as err:  # the page is navigating or not drawn yet: look again
            last = err
        page.wait_for_timeout(100)
    raise AssertionError(f"not true within {timeout / 1000:g} s: {expression} ({last})")


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def methane_alarm(server: Server) -> dict[str, object]:
    """Readings from the gateway of the 东胜区 demo mine: the upper-corner methane rises to 1.6 % (alarm at 1.0 %)."""
    tokens = server.gateway_tokens()
    officer = server.token("dongsheng_duty")
    params: dict[str, str | int] = {"kind": "CH4", "limit": 500}
    points = httpx.get(f"{server.url}/api/monitoring/points", params=params, headers=officer, timeout=30).json()
    assert points["total"] == len(points["items"])
    corner = next(p for p in points["items"] if p["code"].endswith("CH4-SYJ"))
    registry = f"{server.url}/api/registry"
    unit = httpx.get(f"{registry}/organisations/{corner['enterprise_id']}", headers=officer, timeout=30).json()
    mine = httpx.get(f"{registry}/mines/{corner['mine_id']}", headers=officer, timeout=30).json()
    assert (corner["enterprise_name"], corner["site_name"]) == (unit["name"], mine["name"])
    return {
        "point": corner,
        "gateway": {"Authorization": f"Bearer {tokens[corner['enterprise_id']]}"},
        "unit": unit["name"],
        "mine": mine["name"],
    }


def send_methane(server: Server, alarm: dict[str, object], value: float) -> None:
    """A few seconds at the normal 0.45 %, then the rise (the point was registered just now: nothing older counts)."""
    point = alarm["point"]
    assert isinstance(point, dict)
    gateway = alarm["gateway"]
    assert isinstance(gateway, dict)
    now_ms = int(time.time() * 1000)
    rows = [(now_ms - seconds * 1000, 0.45) for seconds in (3, 2, 1)] + [(now_ms, value)]
    body = {"readings": [{"point": point["code"], "time": at, "value": v} for at, v in rows]}
    answer = httpx.post(f"{server.url}/api/monitoring/readings", json=body, headers=gateway, timeout=30)
    assert answer.status_code == 200, answer.text

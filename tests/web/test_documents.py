"""In a real browser (issue 22): the API documentation works offline — Swagger UI, its styles and its start-up
script all come from the platform, under the console's Content-Security-Policy."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Browser

from tests.web.conftest import Server, shot, wait_until


def test_the_api_documentation_loads_nothing_from_elsewhere(browser: Browser, server: Server) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    answer = page.goto(f"{server.url}/api/docs")
    assert answer is not None and answer.status == 200
    assert "script-src 'self';" in answer.headers["content-security-policy"]
    wait_until(page, "document.querySelectorAll('.opblock').length > 5")  # drawn from /api/openapi.json
    shot(page, "api-docs")
    tags: list[str] = []  # Swagger UI draws the tag sections as they scroll into view: scroll through all of them
    for _ in range(80):
        shown = page.eval_on_selector_all(".opblock-tag", "tags => tags.map((t) => t.dataset.tag)")
        tags += [tag for tag in shown if tag not in tags]
        if "碳计量器具管理" in tags:
            break
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(150)
    assert {"运维", "事件与响应", "预警", "碳计量器具管理"} <= set(tags), tags
    page.wait_for_load_state("networkidle")
    hosts = {urlsplit(url).netloc for url in requested if not url.startswith("data:")}
    assert hosts == {urlsplit(server.url).netloc}, requested
    assert any(url.endswith("/vendor/swagger-ui-bundle.js") for url in requested)
    assert any(url.endswith("/api/openapi.json") for url in requested)
    assert problems == []
    context.close()

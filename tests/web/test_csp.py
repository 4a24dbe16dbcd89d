"""The console under its Content-Security-Policy (issue 21) in a real browser: the pages work with scripts only from
our own files, the browser reports no violation, and an injected inline script is refused."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.web.conftest import Server, wait_until


def test_the_console_runs_under_its_content_security_policy(browser: Browser, server: Server) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    first = page.goto(f"{server.url}/login")
    assert first is not None and "script-src 'self';" in first.headers["content-security-policy"]
    assert first.headers["x-frame-options"] == "DENY"
    page.fill("input[name=username]", "hangjin_duty")
    page.fill("input[name=password]", server.password)
    page.click("button[type=submit]")  # console.js posts the login (fetch sends Origin: the guard lets it in)
    page.wait_for_url(f"{server.url}/")
    wait_until(page, "document.getElementById('live-status').textContent === '已连接'")  # live() ran
    pages = page.eval_on_selector_all("header.top nav a", "links => links.map((a) => a.getAttribute('href'))")
    assert len(pages) >= 5
    for path in pages:  # every page of the navigation
        answer = page.goto(f"{server.url}{path}")
        assert answer is not None and answer.status == 200, path
    page.goto(f"{server.url}/console/map")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)  # Leaflet and the boundaries under the policy
    page.goto(f"{server.url}/property/complaint")  # the owners' public form
    page.wait_for_load_state("networkidle")
    assert problems == []
    page.goto(f"{server.url}/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
            " document.body.appendChild(s); }"
        )
    assert page.evaluate("() => window.injected") is None  # an inline script is refused
    page.click("details.account summary")  # the account menu holds 退出登录
    page.click("#logout")  # a cookie-authenticated write from our own page
    page.wait_for_url(f"{server.url}/login")
    context.close()

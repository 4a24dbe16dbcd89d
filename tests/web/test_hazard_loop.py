"""The hazard loop entirely in the console (issue 23 Done-when): an enterprise account on a phone files a 自查
hazard with a photo, confirms it, fills 五落实 and applies for acceptance; the banner's officer accepts it (销号) on a
desktop; an inspection recorded on the 执法 page appears in the register. Screenshots at 1366×768 and 390×844."""

from __future__ import annotations

import re
import struct
import zlib

import httpx
from playwright.sync_api import Browser, FilePayload, Page

from tests.web.conftest import Server, login, shot, wait_until

COAL = "杭锦旗祥和能源有限公司（演示）"  # a demo enterprise of 杭锦旗 (hazards/demo.py)


def _png(width: int = 320, height: int = 240) -> bytes:
    """A real photo-sized PNG (an orange frame on grey), so the thumbnail is drawn, not a broken image."""
    rows = b"".join(
        b"\x00"
        + b"".join(
            b"\xef\x6c\x00" if min(x, y, width - 1 - x, height - 1 - y) < 12 else b"\x9e\xa7\xb0" for x in range(width)
        )
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _state(page: Page) -> str:
    return page.inner_text("#hazard-state").strip()


def _submit(page: Page, form: str) -> None:
    """Submit a data-api form and wait for the page it reloads into (the form gone or the state moved)."""
    before = _state(page)
    page.click(f"#{form} button[type=submit]")
    state = "document.getElementById('hazard-state')"
    wait_until(page, f"{state} !== null && {state}.textContent.trim() !== {before!r}")


def test_a_self_checked_hazard_is_closed_in_the_console_with_a_photo(browser: Browser, server: Server) -> None:
    admin = server.token("admin")
    account = {
        "username": "xianghe_safety",
        "display_name": "祥和能源安全员",
        "password": server.password,
        "role": "enterprise_reporter",
        "organisation": COAL,
    }
    created = httpx.post(f"{server.url}/api/users", json=account, headers=admin, timeout=30)
    assert created.status_code == 201, created.text

    # the enterprise's safety officer, on a phone
    phone = login(browser, server, "xianghe_safety", width=390, height=844)
    phone.click("#new-hazard summary")
    form = phone.locator("#hazard-create")
    form.locator("[name=place]").fill("3号煤仓给煤机")
    form.locator("[name=category]").fill("机电")
    form.locator("[name=description]").fill("给煤机防护罩缺失，转动部位外露")
    form.locator("button[type=submit]").click()
    phone.wait_for_url(re.compile(r".*/console/hazards/\d+$"))
    hazard_id = int(phone.url.rsplit("/", 1)[-1])
    assert _state(phone) == "已上报" and "一般隐患" in phone.inner_text("h1")
    assert "一般隐患原则上一周内" in phone.inner_text("#hazard-deadline")

    phone.set_input_files(
        "#hazard-upload input[name=file]", files=[FilePayload(name="给煤机.png", mimeType="image/png", buffer=_png())]
    )
    phone.click("#hazard-upload button[type=submit]")
    phone.wait_for_selector("#hazard-files ul.photos img")
    wait_until(phone, "document.querySelector('#hazard-files ul.photos img').naturalWidth === 320")  # drawn

    _submit(phone, "hazard-confirm")
    assert _state(phone) == "已确认"
    shot(phone, "hazard-five-390")
    five = phone.locator("#hazard-five-form")
    five.locator("[name=responsible]").fill("机电副矿长 王强")
    five.locator("[name=funds_yuan]").fill("3500")
    five.locator("[name=measures]").fill("加装给煤机防护罩，张贴警示标识")
    five.locator("[name=contingency_plan]").fill("整改完成前停用该给煤机，设专人监护")
    assert five.locator("[name=deadline]").input_value() != ""  # the week's last day is offered
    _submit(phone, "hazard-five-form")
    assert _state(phone) == "整改中" and "机电副矿长 王强" in phone.inner_text("#hazard-five")
    assert "一般隐患一周内整改（" in phone.inner_text("#hazard-deadline")  # the week's deadline holds
    phone.fill("#hazard-submit [name=note]", "防护罩已加装，见照片")
    _submit(phone, "hazard-submit")
    assert _state(phone) == "待验收" and "当前环节没有由本账号办理的事项" in phone.inner_text("#hazard-actions")
    shot(phone, "hazard-enterprise-390")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off the phone's screen
    phone.goto(f"{server.url}/console/hazards")
    shot(phone, "hazards-enterprise-390")
    phone.context.close()

    # the banner's duty officer accepts it (销号) at a desk
    desk = login(browser, server, "hangjin_duty", start=f"/console/hazards/{hazard_id}")
    assert "给煤机.png" in desk.inner_text("#hazard-files")
    desk.fill("#hazard-accept [name=note]", "现场复查，防护罩已加装，验收合格")
    _submit(desk, "hazard-accept")
    assert _state(desk) == "已销号"
    history = desk.inner_text("#hazard-events")
    for step in ("上报", "上传附件", "确认", "落实整改", "申请验收", "验收销号"):
        assert step in history
    assert "hangjin_duty" in history and "xianghe_safety" in history
    assert desk.locator("#hazard-reopen").count() == 1  # a closed hazard offers the fake-rectification re-open
    shot(desk, "hazard-closed-1366")
    desk.goto(f"{server.url}/console/hazards")
    first = desk.locator("#hazard-list tr").nth(1).inner_text()
    assert "逾期" in first and "函告" in first  # the overdue, escalated demo hazard leads the list
    desk.locator("#hazard-list tr").nth(1).locator("a").first.click()
    desk.wait_for_selector("#hazard-ladder")
    assert desk.locator("#hazard-ladder li.done").count() == 3 and "曝光" in desk.inner_text("#hazard-ladder li.next")
    shot(desk, "hazard-overdue-1366")

    # an inspection recorded on the 执法 page
    desk.goto(f"{server.url}/console/enforcement")
    record = desk.locator("#record-create")
    record.locator("[name=organisation_id]").select_option(label=COAL)
    record.locator("[name=place]").fill("主井工业场地")
    record.locator("[name=inspectors]").first.fill("杭锦旗执法一")
    record.locator("button[type=submit]").click()
    desk.wait_for_url(re.compile(r".*/console/enforcement/records/\d+$"))
    desk.fill("#finding-add [name=description]", "主井绞车房灭火器过期")
    desk.click("#finding-add button[type=submit]")
    desk.wait_for_selector(".card.finding")
    assert desk.locator(".card.finding form.to-hazard").count() == 1
    desk.goto(f"{server.url}/console/enforcement")
    records = desk.inner_text("#records")
    assert "主井工业场地" in records and COAL in records and "杭锦旗执法一" in records
    shot(desk, "enforcement-1366")
    desk.set_viewport_size({"width": 390, "height": 844})
    shot(desk, "enforcement-390")
    desk.context.close()

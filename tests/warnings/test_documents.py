"""The 预警信息发布单 (issue 22): an issued warning on official paper — issuer, colour in words, time, areas by name,
content and defence measures, the issuer's name and a blank line for the signer; no codes, plan ids or seed lines
unless the appendix is asked for; drafts have no sheet; out of scope is 404."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.warnings.test_api import draft
from yingji.auth.roles import Role

pytestmark = pytest.mark.db

CODES = re.compile(r"#L\d|baotou-noncoal|-20\d\d\b|15020\d|accident|issued")


def test_the_issue_sheet(client: TestClient, db_session: Session, divisions: int) -> None:
    city = factories.bearer(db_session, "baotou_duty", Role.CITY_OFFICER, "150200")
    other = factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602")
    warning_id = client.post("/api/warnings", json=draft(3), headers=city).json()["id"]
    url = f"/api/warnings/{warning_id}/sheet.html"
    assert 'id="print-sheet"' not in client.get(f"/console/warnings/{warning_id}", headers=city).text
    not_yet = client.get(url, headers=city)
    assert not_yet.status_code == 409 and not_yet.json()["error"]["subcode"] == "warning.sheet.not_issued"
    assert client.post(f"/api/warnings/{warning_id}/issue", headers=city).status_code == 200
    page = client.get(f"/console/warnings/{warning_id}", headers=city).text  # the print button once issued
    assert f'action="/api/warnings/{warning_id}/sheet.pdf"' in page and 'name="appendix"' in page
    answer = client.get(url, headers=city)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    text = answer.text
    for label in ("预警信息发布单", "发布单位", "预警级别", "发布时间", "影响区域", "预警内容", "防御措施/指南"):
        assert label in text, label
    assert "包头市人民政府" in text and "黄色预警（Ⅲ级）" in text and "包头市白云鄂博矿区" in text
    assert "警示事项：坝体浸润线接近黄色预警值" in text and "相关措施：疏散下游人员，加密巡查" in text
    assert "发布人" in text and "签发人" in text and "class='blank'" in text and "打印时间" in text
    assert not CODES.search(text.split("<body>")[1]), CODES.search(text.split("<body>")[1])
    with_sources = client.get(url, params={"appendix": 1}, headers=city).text
    assert "附：发布依据" in with_sources and re.search(r"\d{3}#L\d+", with_sources)
    assert client.get(url, headers=other).status_code == 404
    assert client.get(f"/api/warnings/{warning_id}/sheet.pdf", headers=other).status_code == 404
    assert client.get("/api/warnings/999999/sheet.html", headers=city).status_code == 404
    if shutil.which("chromium") is None:
        if os.environ.get("YINGJI_REQUIRE_CHROMIUM"):
            pytest.fail("YINGJI_REQUIRE_CHROMIUM is set but chromium is not on PATH")
        return
    printed = client.get(f"/api/warnings/{warning_id}/sheet.pdf", headers=city)
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF") and re.search(rb"/Type\s*/Page\b", printed.content)

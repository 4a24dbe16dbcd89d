"""Official paper (issue 22): the 事故信息快报 of each report and the 处置记录 carry names and words only — no enum
values, plan ids, division codes or seed lines; an unknown count prints as 不详; citations only in the appendix."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories.incidents import follow_up, initial, jiuyuan_people

pytestmark = pytest.mark.db

CODES = re.compile(r"#L\d|non_coal_mine|coal_mine|industry_trade|[a-z]+-(?:coal|noncoal|[a-z-]+)-20\d\d|150207")


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    return jiuyuan_people(db_session)


@pytest.fixture
def incident(client: TestClient, people: dict[str, dict[str, str]]) -> tuple[str, int, int]:
    """An 初报 that does not know how many are trapped, then a 续报."""
    body = initial(mine="甲矿一号井", trapped=None).model_dump(mode="json")
    created = client.post("/api/incidents", json=body, headers=people["county"])
    assert created.status_code == 201, created.text
    base = f"/api/incidents/{created.json()['id']}"
    later = follow_up("report-0002", trapped=3, content={"事故原因": "老空区积水突出"}).model_dump(mode="json")
    assert client.post(f"{base}/reports", json=later, headers=people["county"]).status_code == 201
    reports = client.get(f"{base}/reports", headers=people["county"]).json()["items"]
    first, second = (r["id"] for r in reports)
    return base, first, second


def test_the_express_report_of_the_initial_report(
    client: TestClient, people: dict[str, dict[str, str]], incident: tuple[str, int, int]
) -> None:
    base, first, _ = incident
    answer = client.get(f"{base}/reports/{first}/express.html", headers=people["city"])
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    text = answer.text
    for label in ("事故信息快报", "初报", "报告单位", "报告时间", "事故发生时间", "地点", "事故单位", "事故类别"):
        assert f">{label}<" in text or label in text, label
    for label in ("简要经过", "伤亡情况", "已采取的措施", "报告人", "签发人", "事故等级研判"):
        assert label in text, label
    assert "包头市九原区井下-120米水平" in text and "甲矿业公司、甲矿一号井" in text and "非煤矿山 · 透水" in text
    assert "死亡1人" in text and "被困不详" in text and "失踪不详" in text and "涉险不详" in text
    assert "被困0" not in text and "一般事故（暂定" in text  # deaths 1 known, trapped unknown: a lower bound
    assert "井下掘进工作面发生透水" in text and "撤出井下其余人员" in text
    assert "class='blank'" in text  # 签发人: a line the signer fills in
    assert "打印时间" in text and '第 " counter(page)' in text  # the page footer
    assert not CODES.search(text), CODES.search(text)
    assert "附：研判依据" not in text


def test_the_follow_up_and_the_appendix(
    client: TestClient, people: dict[str, dict[str, str]], incident: tuple[str, int, int]
) -> None:
    base, _, second = incident
    url = f"{base}/reports/{second}/express.html"
    text = client.get(url, headers=people["county"]).text
    assert "续报（第1次）" in text and "事故原因：老空区积水突出" in text and "被困3人" in text
    assert not CODES.search(text)
    with_sources = client.get(url, params={"appendix": 1}, headers=people["county"]).text
    assert "附：研判依据" in with_sources and re.search(r"\d{3}#L\d+", with_sources)
    body = with_sources.split("附：研判依据")[0]
    assert not CODES.search(body)  # the sources stay in the appendix


def test_the_record_keeps_codes_off_the_paper(
    client: TestClient, people: dict[str, dict[str, str]], incident: tuple[str, int, int]
) -> None:
    base = incident[0]
    text = client.get(f"{base}/record", headers=people["city"]).text
    assert "生产安全事故应急处置记录" in text and "包头市九原区" in text and "被困" in text
    assert not CODES.search(text), CODES.search(text)
    with_sources = client.get(f"{base}/record", params={"appendix": "true"}, headers=people["city"])
    assert "附：研判依据" in with_sources.text and "#L" in with_sources.text


def test_out_of_scope_and_foreign_reports_are_404(
    client: TestClient, people: dict[str, dict[str, str]], incident: tuple[str, int, int]
) -> None:
    base, first, _ = incident
    for url in (f"{base}/reports/{first}/express.html", f"{base}/reports/{first}/express.pdf", f"{base}/record"):
        assert client.get(url, headers=people["other"]).status_code == 404, url
    assert client.get(f"{base}/reports/999999/express.html", headers=people["county"]).status_code == 404
    assert client.get(f"{base}/reports/{first}/express.doc", headers=people["county"]).status_code == 422
    assert client.get(f"{base}/reports/{first}/express.html").status_code == 401


def test_the_express_report_prints_as_pdf(
    client: TestClient, people: dict[str, dict[str, str]], incident: tuple[str, int, int]
) -> None:
    if shutil.which("chromium") is None:
        if os.environ.get("YINGJI_REQUIRE_CHROMIUM"):
            pytest.fail("YINGJI_REQUIRE_CHROMIUM is set but chromium is not on PATH")
        pytest.skip("chromium is not installed")
    base, first, _ = incident
    answer = client.get(f"{base}/reports/{first}/express.pdf", headers=people["county"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf" and answer.content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", answer.content)) >= 1
    assert re.search(rb"/BaseFont\s*/\w+\+\w*(CJK|WenQuanYi|Han|Song|Hei|Kai)", answer.content)  # a Chinese font
    record = client.get(f"{base}/record.pdf", headers=people["county"])
    assert record.status_code == 200 and record.content.startswith(b"%PDF")


def test_the_room_prints_each_report_and_the_record(
    client: TestClient, people: dict[str, dict[str, str]], incident: tuple[str, int, int]
) -> None:
    base, *reports = incident
    room = client.get(base.replace("/api/", "/console/"), headers=people["county"]).text
    for report_id in reports:
        assert f'action="{base}/reports/{report_id}/express.pdf"' in room
    assert f'action="{base}/record.pdf"' in room and room.count('name="appendix" value="1"') == 3

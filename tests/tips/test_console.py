"""The tips console over HTTP: the list with search, filters and paging, the export through the list's own scope,
and one tip whose reporter only the handler sees (page and spreadsheet alike)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.support.spreadsheets import rows_of as sheet_rows
from tests.tips.test_api import TIP
from yingji.auth.roles import Role

pytestmark = pytest.mark.db


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, Any]:
    return {
        "handler": factories.bearer(db_session, "hlr_duty", Role.COUNTY_OFFICER, "150702"),
        "colleague": factories.bearer(db_session, "hlr_duty2", Role.COUNTY_OFFICER, "150702"),
        "hangjin": factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625"),
        "expert": factories.bearer(db_session, "hlr_expert", Role.EXPERT, "150702"),
    }


def test_list_search_filters_paging_and_export(client: TestClient, people: dict[str, Any]) -> None:
    handler = people["handler"]
    for n in range(3):
        client.post("/api/tips/public", json=TIP | {"subject": f"第{n}煤矿"}).raise_for_status()
    accepted = client.post("/api/tips", headers=handler, json=TIP | {"subject": "某选煤厂"}).json()
    found = client.get("/api/tips", params={"q": "选煤"}, headers=handler).json()
    assert [t["id"] for t in found["items"]] == [accepted["id"]]
    assert client.get("/api/tips", params={"q": "张三"}, headers=handler).json()["total"] == 0  # not by reporter
    assert client.get("/api/tips", params={"state": "received"}, headers=handler).json()["total"] == 3
    assert accepted["reward_cap_yuan"] and accepted["reward_basis"]  # the cap the close form shows

    page = client.get("/console/tips", params={"limit": 2}, headers=handler)
    assert page.status_code == 200 and "共 4 条" in page.text and "下一页" in page.text
    assert "张三" not in page.text  # the list never names reporters
    assert "第0煤矿" in client.get("/console/tips", params={"q": "第0"}, headers=handler).text

    exported = client.get("/api/tips/export.xlsx", params={"state": "received"}, headers=handler)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/vnd.openxml")
    rows = sheet_rows(exported.content)
    assert len(rows) == 1 + 3 and rows[0][0] == "编号"
    assert all(r[6] == "（保密）" for r in rows[1:])  # received tips have no handler: nobody's export names them
    own = sheet_rows(client.get("/api/tips/export.xlsx", params={"q": "选煤"}, headers=handler).content)
    assert own[1][6] == "张三"
    colleague = sheet_rows(
        client.get("/api/tips/export.xlsx", params={"q": "选煤"}, headers=people["colleague"]).content
    )
    assert colleague[1][6] == "（保密）"
    assert client.get("/api/tips/export.xlsx", headers=people["expert"]).status_code == 403
    assert len(sheet_rows(client.get("/api/tips/export.xlsx", headers=people["hangjin"]).content)) == 1
    assert client.get("/api/tips/export.xlsx", params={"state": "nope"}, headers=handler).status_code == 422


def test_tip_page_shows_the_reporter_to_the_handler_only(client: TestClient, people: dict[str, Any]) -> None:
    tip = client.post("/api/tips", headers=people["handler"], json=TIP).json()
    mine = client.get(f"/console/tips/{tip['id']}", headers=people["handler"]).text
    assert "张三" in mine and "13700000003" in mine and 'data-api="/api/tips/{}/verify"'.format(tip["id"]) in mine
    other = client.get(f"/console/tips/{tip['id']}", headers=people["colleague"]).text
    assert "张三" not in other and "13700000003" not in other and "/verify" not in other
    assert client.get(f"/console/tips/{tip['id']}", headers=people["hangjin"]).status_code == 404
    assert client.get("/console/tips/999999", headers=people["handler"]).status_code == 404
    assert client.get("/console/tips", headers=people["expert"]).status_code == 403

    client.post(
        f"/api/tips/{tip['id']}/verify",
        headers=people["handler"],
        json={"substantiated": True, "verification": "核查属实无企业"},
    )
    client.post(f"/api/tips/{tip['id']}/answer", headers=people["handler"], json={"answer": "经核查属实，已处理。"})
    closing = client.get(f"/console/tips/{tip['id']}", headers=people["handler"]).text
    assert "销号与奖励决定" in closing and f"上限 {tip['reward_cap_yuan']} 元" in closing


def test_public_tip_pages_need_no_login(client: TestClient, people: dict[str, Any]) -> None:
    form = client.get("/tip")
    assert form.status_code == 200 and 'value="150702"' in form.text and "海拉尔区" in form.text
    assert "/static/tip.js" in form.text and "/static/owner.js" not in form.text
    assert client.get("/tip/track").status_code == 200
    assert client.get("/static/tip.js").headers["content-type"].startswith("text/javascript")
    assert "提交诉求" in client.get("/property/complaint").text  # the owners' pages keep their own header

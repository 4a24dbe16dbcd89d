"""The Annex 1 survey 东胜区物业管理基本情况统计表 (001#L1024-L1093): import with every bad cell reported by line and
field and nothing stored, the 合计 row checked, added items kept (可增加，不得删减), export as xlsx."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.property.conftest import People, Places
from yingji.property.models import Compound

pytestmark = pytest.mark.db

HEADER = (
    "序号,所在街道,所在社区,小区名称,楼栋数,户数,面积,建成年限,物业管理现状,物业服务企业名称,"
    "业委会（物管会）委员人数,业委会（物管会）党员人数,物业费标准,收费率"
)
GOOD = [
    "1,交通街道,吉劳庆社区,吉劳庆小区,6,300,25000,2005,专业化物业管理,鄂尔多斯市测试物业服务有限公司,5,3,1.10,92",
    "2,交通街道,健康社区,健康家园,3,120,9000,1996,无物业,,,,,",
]
URL = "/api/property/survey/import?filename=survey.csv"


def _csv(*lines: str) -> bytes:
    return ("\ufeff" + "\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def test_a_good_survey_imports_and_totals_are_checked(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    response = client.post(URL, content=_csv(*GOOD, "合计,,,,9,420,,,,,,,,"), headers=people["street"])
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["updated"]) == (2, 0)
    made = db_session.scalar(select(Compound).where(Compound.name == "吉劳庆小区"))
    assert made is not None and made.division_code == "150602001001" and made.management.value == "professional"
    again = client.post(URL, content=_csv(*GOOD), headers=people["street"]).json()
    assert (again["created"], again["updated"]) == (0, 2)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (
            "1,交通街道,吉劳庆社区,吉劳庆小区,六,300,25000,2005,专业化物业管理,鄂尔多斯市测试物业服务有限公司,5,3,1.10,92",
            "buildings",
        ),
        ("1,交通街道,吉劳庆社区,吉劳庆小区,6,300,25000,2005,自管,,5,3,1.10,92", "management_status"),
        ("1,幸福街道,吉劳庆社区,吉劳庆小区,6,300,25000,2005,无物业,,,,,", "street"),
        ("1,交通街道,育才社区,吉劳庆小区,6,300,25000,2005,无物业,,,,,", "community"),
        ("1,交通街道,吉劳庆社区,吉劳庆小区,6,300,25000,2005,专业化物业管理,不存在的公司,5,3,1.10,92", "company_name"),
        ("1,交通街道,吉劳庆社区,吉劳庆小区,6,300,25000,2005,无物业,鄂尔多斯市测试物业服务有限公司,,,,", "company_name"),
        (
            "1,交通街道,吉劳庆社区,吉劳庆小区,6,300,25000,2005,专业化物业管理,鄂尔多斯市测试物业服务有限公司,3,5,1.10,92",
            "committee_party_members",
        ),
        ("1,交通街道,吉劳庆社区,吉劳庆小区,6,300,25000,2005,无物业,,,,,150", "collection_rate"),
    ],
)
def test_bad_rows_are_reported_by_line_and_field_and_nothing_is_stored(
    client: TestClient, db_session: Session, people: People, places: Places, line: str, field: str
) -> None:
    before = db_session.scalar(select(func.count()).select_from(Compound))
    response = client.post(URL, content=_csv(GOOD[1], line), headers=people["street"])
    assert response.status_code == 422, response.text
    details = response.json()["error"]["details"]
    assert [(d["line"], d["field"]) for d in details] == [(3, field)]
    assert db_session.scalar(select(func.count()).select_from(Compound)) == before  # the good row was not stored


def test_a_wrong_total_and_rows_after_it_are_refused(client: TestClient, people: People, places: Places) -> None:
    wrong = client.post(URL, content=_csv(*GOOD, "合计,,,,10,420,,,,,,,,"), headers=people["street"])
    assert [(d["line"], d["field"]) for d in wrong.json()["error"]["details"]] == [(4, "buildings")]
    after = client.post(URL, content=_csv(*GOOD, "合计,,,,9,420,,,,,,,,", GOOD[0]), headers=people["street"])
    assert [(d["line"], d["field"]) for d in after.json()["error"]["details"]] == [(5, "seq")]


def test_duplicate_rows_and_quoted_line_breaks(client: TestClient, people: People, places: Places) -> None:
    twice = client.post(URL, content=_csv(GOOD[0], GOOD[0]), headers=people["street"])
    assert [(d["line"], d["field"]) for d in twice.json()["error"]["details"]] == [(3, "compound_name")]
    spanning = '1,交通街道,健康社区,"健康\n家园",3,120,9000,1996,无物业,,,,,'
    bad = "2,交通街道,健康社区,健康新村,三,120,9000,1996,无物业,,,,,"
    response = client.post(URL, content=_csv(spanning, bad), headers=people["street"])
    assert [(d["line"], d["field"]) for d in response.json()["error"]["details"]] == [(4, "buildings")]


def test_reimporting_keeps_what_the_survey_does_not_carry(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    exported = client.get("/api/property/survey/export.xlsx", headers=people["dongsheng"])
    again = client.post(
        "/api/property/survey/import?filename=s.xlsx", content=exported.content, headers=people["dongsheng"]
    )
    assert again.status_code == 200, again.text
    assert (again.json()["created"], again.json()["updated"]) == (0, 3)
    kept = db_session.scalar(select(Compound).where(Compound.name == "锦秀苑"))
    assert kept is not None and kept.committee.value == "owners" and kept.committee_members == 5
    baotou = client.get("/api/property/survey/export.xlsx", headers=people["baotou"])
    names = {
        r[3] for r in list(load_workbook(io.BytesIO(baotou.content)).worksheets[0].iter_rows(values_only=True))[1:-1]
    }
    assert names == set()  # the 东胜区 form holds no 昆都仑区 compound


def test_rows_outside_the_jurisdiction_are_refused(client: TestClient, people: People, places: Places) -> None:
    row = "1,公园街道,育才社区,育才新苑,6,300,25000,2005,无物业,,,,,"
    response = client.post(URL, content=_csv(row), headers=people["street"])
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] in ("street", "community")


def test_a_missing_column_is_refused(client: TestClient, people: People, places: Places) -> None:
    content = ("序号,所在街道,小区名称\n1,交通街道,某小区\n").encode()
    response = client.post(URL, content=content, headers=people["street"])
    assert response.status_code == 422 and "所在社区" in response.json()["error"]["message"]


def test_added_items_are_kept_and_cannot_be_removed(
    client: TestClient, db_session: Session, people: People, places: Places
) -> None:
    item = {"programme": "dongsheng-property-2024", "key": "lifts", "label": "电梯数", "type": "int"}
    assert client.post("/api/property/survey/items", json=item, headers=people["dongsheng"]).status_code == 201
    assert client.post("/api/property/survey/items", json=item, headers=people["dongsheng"]).status_code == 409
    builtin = {**item, "key": "households"}
    assert client.post("/api/property/survey/items", json=builtin, headers=people["dongsheng"]).status_code == 409
    columns = client.get("/api/property/survey", headers=people["street"]).json()["columns"]
    assert columns[-1] == {"key": "lifts", "label": "电梯数", "type": "int"} and len(columns) == 15
    assert client.delete("/api/property/survey/items/lifts", headers=people["dongsheng"]).status_code in (404, 405)
    header = HEADER + ",电梯数"
    content = ("\n".join([header, GOOD[0] + ",4", GOOD[1] + ",两部"]) + "\n").encode()
    bad = client.post(URL, content=content, headers=people["street"])
    assert [(d["line"], d["field"]) for d in bad.json()["error"]["details"]] == [(3, "lifts")]
    ok = client.post(URL, content=("\n".join([header, GOOD[0] + ",4"]) + "\n").encode(), headers=people["street"])
    assert ok.status_code == 200
    made = db_session.scalar(select(Compound).where(Compound.name == "吉劳庆小区"))
    assert made is not None and made.extra == {"lifts": 4}


def test_export_has_every_compound_in_scope_and_a_total(client: TestClient, people: People, places: Places) -> None:
    response = client.get("/api/property/survey/export.xlsx", headers=people["street"])
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "所在街道", "所在社区", "小区名称")
    assert {r[3] for r in rows[1:-1]} == {"锦秀苑", "航空家园"}
    assert rows[-1][0] == "合计" and rows[-1][5] == 400


@pytest.mark.parametrize(
    ("url", "content", "status", "field"),
    [
        ("/api/property/survey/import?filename=s.xlsx", b"not a workbook", 422, "file"),
        (URL, "序号,所在街道\n".encode("gbk") + "1,交通街道\n".encode("gbk"), 422, "file"),
        (URL, b"", 422, "file"),
        ("/api/property/survey/import?filename=s.csv&programme=baotou-property-2025", b"x", 422, "programme"),
        ("/api/property/survey/import?filename=s.csv&programme=nowhere-2030", b"x", 404, None),
    ],
)
def test_unreadable_files_and_programmes_are_refused(
    client: TestClient, people: People, places: Places, url: str, content: bytes, status: int, field: str | None
) -> None:
    response = client.post(url, content=content, headers=people["dongsheng"])
    assert response.status_code == status and response.json()["error"]["field"] == field

"""Import (CSV and xlsx, all or nothing, every problem by line and field) and export (CSV and xlsx, importable as
they are) of the instrument registry, over HTTP on both engines."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.metrology.conftest import Site, counts
from yingji.property import service as property_service

pytestmark = pytest.mark.db
Headers = dict[str, dict[str, str]]
HEADER = (
    "企业,器具名称,器具类别,测量参数,出厂编号,型号规格,制造单位,测量范围,准确度等级,安装位置,排放源/源流,"
    "用于碳排放核算,检定校准周期（月）,状态,最近检定校准日期,检定/校准,检定校准机构,证书编号,检定校准结果"
)
A = "内蒙古示例煤化工有限公司"
B = "达拉特旗示例甲醇有限公司"
GOOD = (
    f"{A},原料煤皮带秤,衡器,原料煤质量,BS-1,ICS-20,示例衡器厂,0–500 t/h,0.5级,输煤线,原料煤,是,12,在用,"
    "2026-01-31,检定,鄂尔多斯市检验检测中心,JD-1,合格",
    f"{A},燃料气流量计,流量计,天然气流量,FT-7,,,,,调压撬,燃料天然气,是,6,,,,,,",
    f"{B},CO2 分析仪,气体分析仪,二氧化碳浓度,GA-3,,,,,尾气分析小屋,工艺尾气,否,12,停用,"
    "2025-10-01,校准,内蒙古计量测试研究院,JZ-9,不合格",
)


def _csv(*rows: str) -> bytes:
    return ("\n".join((HEADER, *rows)) + "\n").encode("utf-8")


def _import(client: TestClient, who: dict[str, str], content: bytes, filename: str = "t.csv") -> Any:
    return client.post(f"/api/metrology/import?filename={filename}", content=content, headers=who)


def test_a_good_file_imports_with_its_calibrations(client: TestClient, site: Site, headers: Headers) -> None:
    response = _import(client, headers["dalate"], _csv(*GOOD))
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["updated"]) == (3, 0)
    listed = client.get("/api/metrology/instruments", headers=headers["dalate"]).json()
    rows = {r["serial_no"]: r for r in listed["items"]}
    assert (rows["BS-1"]["next_due_on"], rows["BS-1"]["due_state"]) == ("2027-01-31", "valid")
    assert (rows["FT-7"]["due_state"], rows["FT-7"]["for_carbon_accounting"]) == ("uncalibrated", True)
    assert (rows["GA-3"]["status"], rows["GA-3"]["for_carbon_accounting"]) == ("suspended", False)  # 不合格 → 停用
    again = _import(client, headers["dalate"], _csv(*GOOD))  # the same file again changes nothing
    assert (again.json()["created"], again.json()["updated"]) == (0, 0)


def test_bad_rows_are_reported_by_line_and_field_and_nothing_is_stored(
    client: TestClient, db_session: Session, site: Site, headers: Headers
) -> None:
    before = counts(db_session)
    bad = (
        GOOD[0],
        f"{A},流量计,秤,天然气流量,FT-1,,,,,调压撬,,是,十二,在用,,,,,",  # line 3: kind, interval
        "准格尔旗示例煤制烯烃有限公司,流量计,流量计,天然气流量,FT-2,,,,,调压撬,,是,12,,,,,,",  # 4: out of scope
        f"{A},皮带秤,衡器,原料煤质量,BS-1,,,,,输煤线,,是,12,,,,,,",  # 5: same serial as line 2
        f"{A},热量表,热量表,热量,HM-1,,,,,换热站,,也许,12,丢失,2026-13-01,检定,,JD-5,合格",  # 6: four problems
        f"{A},电能表,电能表,有功电能,EM-1,,,,,总降,,是,12,在用,2099-01-01,检定,某院,JD-6,合格",  # 7: future date
        f"{A},电能表,电能表,有功电能,EM-2,,,,,总降,,是,12,在用,2026-01-01,检定,某院,JD-7,不合格",  # 8: 在用?
    )
    response = _import(client, headers["dalate"], _csv(*bad))
    error = response.json()["error"]
    assert response.status_code == 422 and error["code"] == "invalid_input"
    assert "未导入任何数据" in error["message"]
    problems = {(d["line"], d["field"]) for d in error["details"]}
    assert problems == {
        (3, "kind"),
        (3, "interval_months"),
        (4, "organisation"),
        (5, "serial_no"),
        (6, "for_carbon_accounting"),
        (6, "status"),
        (6, "calibrated_on"),
        (6, "body"),
        (7, "calibrated_on"),
        (8, "status"),
    }
    assert counts(db_session) == before  # the good line 2 was not kept either


def test_service_refusals_are_row_problems_too(client: TestClient, site: Site, headers: Headers) -> None:
    assert _import(client, headers["dalate"], _csv(GOOD[2])).status_code == 200  # GA-3 failed: 停用
    back_in_use = GOOD[2].replace(",否,12,停用,2025-10-01,校准,内蒙古计量测试研究院,JZ-9,不合格", ",否,12,在用,,,,,")
    response = _import(client, headers["dalate"], _csv(GOOD[0], back_in_use))
    assert response.status_code == 422
    assert [(d["line"], d["field"]) for d in response.json()["error"]["details"]] == [(3, "status")]
    listed = client.get("/api/metrology/instruments", headers=headers["dalate"]).json()
    assert [r["serial_no"] for r in listed["items"]] == ["GA-3"]


def test_an_enterprise_imports_only_its_own(client: TestClient, site: Site, headers: Headers) -> None:
    own = ",燃料气流量计,流量计,天然气流量,FT-7,,,,,调压撬,,是,6,,,,,,"  # 企业 left empty: its own
    assert _import(client, headers["a"], _csv(own)).status_code == 200
    other = _import(client, headers["a"], _csv(GOOD[2]))
    assert [(d["line"], d["field"]) for d in other.json()["error"]["details"]] == [(2, "organisation")]
    refused = _import(client, headers["dalate"], _csv(own))
    assert [(d["line"], d["field"]) for d in refused.json()["error"]["details"]] == [(2, "organisation")]


@pytest.mark.parametrize(
    ("content", "filename", "field"),
    [
        (b"", "t.csv", "file"),
        ("器具名称,出厂编号\n皮带秤,1\n".encode(), "t.csv", "header"),
        (_csv().replace("状态".encode(), "颜色".encode()), "t.csv", "header"),
        ("企业,企业".encode(), "t.csv", "header"),
        (b"\xff\xfe", "t.csv", "file"),
        (b"not a zip", "t.xlsx", "file"),
    ],
)
def test_unreadable_files_and_headers_are_refused(
    client: TestClient, site: Site, headers: Headers, content: bytes, filename: str, field: str
) -> None:
    response = _import(client, headers["dalate"], content, filename)
    assert response.status_code == 422 and response.json()["error"]["field"] == field


def test_exports_round_trip(client: TestClient, db_session: Session, site: Site, headers: Headers) -> None:
    assert _import(client, headers["dalate"], _csv(*GOOD)).status_code == 200
    exported = client.get("/api/metrology/export.csv", headers=headers["dalate"])
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    by_serial = {r["出厂编号"]: r for r in rows}
    assert by_serial["BS-1"]["下次检定校准日期"] == "2027-01-31" and by_serial["BS-1"]["检定校准结果"] == "合格"
    assert by_serial["GA-3"]["状态"] == "停用" and by_serial["GA-3"]["到期状态"] == "停用或报废"
    before = counts(db_session)
    again = _import(client, headers["dalate"], exported.content)
    assert again.status_code == 200 and (again.json()["created"], again.json()["updated"]) == (0, 0)
    book = client.get("/api/metrology/export.xlsx?overdue=true", headers=headers["dalate"])
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("企业", "器具名称") and [v[4] for v in values[1:]] == ["FT-7"]
    again = _import(client, headers["dalate"], book.content, "t.xlsx")
    assert again.status_code == 200 and (again.json()["created"], again.json()["updated"]) == (0, 0)
    assert counts(db_session) == before
    far = client.get("/api/metrology/export.csv", headers=headers["zhungeer"])
    assert far.content.decode("utf-8-sig").strip().count("\n") == 0  # header only


def test_an_xlsx_file_imports(client: TestClient, site: Site, headers: Headers) -> None:
    rows = [next(csv.reader([line])) for line in (HEADER, GOOD[0])]
    content = property_service.workbook([("台账", rows[0], rows[1:])])
    response = _import(client, headers["dalate"], content, "t.xlsx")
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 1

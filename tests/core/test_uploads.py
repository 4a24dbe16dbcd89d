"""Spreadsheet bombs (issue 21 item 3) against both table imports, as the accounts the review used: an enterprise
account on the metrology import and a community account on the property survey import. Each is refused quickly and
without memory growing with what the file declares; nothing is stored."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.metrology.test_transfer import HEADER as METROLOGY_HEADER
from tests.property.test_survey import HEADER as SURVEY_HEADER
from tests.support import spreadsheets as s
from yingji.metrology.models import Instrument
from yingji.property.models import Compound

pytestmark = pytest.mark.db
MB = 1024 * 1024


@dataclass(frozen=True)
class Importer:
    name: str
    accounts: str  # the fixture holding the accounts' headers
    who: str
    url: str
    header: list[str]
    table: type[Instrument] | type[Compound]


IMPORTERS = [
    Importer(
        "metrology as an enterprise", "headers", "a", "/api/metrology/import", METROLOGY_HEADER.split(","), Instrument
    ),
    Importer(
        "survey as a community",
        "people",
        "community",
        "/api/property/survey/import",
        SURVEY_HEADER.split(","),
        Compound,
    ),
]


def _declared_but_empty(header: list[str]) -> bytes:
    """The review's file: 12 000 rows declared over every column, three rows given."""
    rows = s.row(1, header) + s.row(2, ["1"]) + s.row(12_000, ["2"])
    return s.xlsx(s.worksheet(rows, "A1:XFD12000"))


@dataclass(frozen=True)
class Bomb:
    name: str
    make: Callable[[list[str]], bytes]
    filename: str
    status: int
    says: str


BOMBS = [
    Bomb("12 000 rows declared, three given", _declared_but_empty, "t.xlsx", 422, "行不合格"),
    Bomb("a filled cell at XFD1048576", s.dimension_bomb, "t.xlsx", 413, "超过 200 列"),
    Bomb("20 001 rows in a few KB", lambda h: s.many_rows(h, 20_001), "t.xlsx", 413, "最多导入 20000 行"),
    Bomb("a sheet unpacking to 65 MB", lambda h: s.zip_bomb(65), "t.xlsx", 413, "64 MB"),
    Bomb("a filled cell in column 201", lambda h: s.wide_row(h, 201), "t.xlsx", 413, "超过 200 列"),
    Bomb(
        "a CSV line of 70 000 characters", lambda h: (",".join(h) + "\n" + "x" * 70_000).encode(), "t.csv", 413, "字符"
    ),
    Bomb("20 001 CSV rows", lambda h: (",".join(h) + "\n" + "x\n" * 20_001).encode(), "t.csv", 413, "20000 行"),
]


@pytest.mark.parametrize("bomb", BOMBS, ids=[b.name for b in BOMBS])
@pytest.mark.parametrize("importer", IMPORTERS, ids=[i.name for i in IMPORTERS])
def test_spreadsheet_bombs_are_refused_early(
    client: TestClient, db_session: Session, request: pytest.FixtureRequest, importer: Importer, bomb: Bomb
) -> None:
    who = request.getfixturevalue(importer.accounts)[importer.who]
    content = bomb.make(importer.header)
    assert len(content) < 200_000
    before = db_session.scalar(select(func.count()).select_from(importer.table))
    tracemalloc.start()
    try:
        response = client.post(f"{importer.url}?filename={bomb.filename}", content=content, headers=who)
        peak = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
    assert response.status_code == bomb.status, response.text
    error = response.json()["error"]
    assert bomb.says in error["message"] and error["code"] == ("too_large" if bomb.status == 413 else "invalid_input")
    assert peak < 50, f"{peak:.0f} MB"
    assert db_session.scalar(select(func.count()).select_from(importer.table)) == before

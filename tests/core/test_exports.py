"""Every xlsx and CSV export (issue 21 item 5), table-driven: text that a spreadsheet program would run as a formula
comes out as text (an xlsx string cell with quotePrefix, a CSV cell behind an apostrophe), numbers stay numbers, and a
control character stored before input refused it (planted here through SQL) no longer breaks the export."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests import factories
from tests.cli.test_registry_cli import loaded  # noqa: F401
from tests.metrology.conftest import make_instrument
from tests.programmes.test_quality_award import apply, open_round
from tests.support import spreadsheets as s
from tests.support.cli import run
from yingji.auth.actor import SYSTEM
from yingji.auth.roles import Role
from yingji.core import text
from yingji.core.xlsx import looks_like_formula
from yingji.ledger import service as ledger
from yingji.ledger.models import LedgerTask
from yingji.metrology.models import Instrument
from yingji.programmes.models import Application
from yingji.property.models import Compound, PropertyCompany

FORMULAS = ['=HYPERLINK("http://example.com","点击")', "+86 0477 1234567", "-2+3", "@SUM(A1:A9)"]
CONTROL, CLEANED = "含\x0b控制\x1f字符", "含控制字符"
Files = list[tuple[str, bytes]]


def _get(client: TestClient, url: str, headers: dict[str, str]) -> bytes:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return bytes(response.content)


def _metrology(request: pytest.FixtureRequest, db_session: Session) -> tuple[Files, list[str]]:
    site, who = request.getfixturevalue("site"), request.getfixturevalue("headers")["dalate"]
    made = make_instrument(db_session, site.actors["a"], site.dalate_a)
    planted = dict(zip(("name", "model", "manufacturer", "measuring_range"), FORMULAS, strict=True))
    db_session.execute(update(Instrument).where(Instrument.id == made.id).values(**planted, location=CONTROL))
    client: TestClient = request.getfixturevalue("client")
    files = [(kind, _get(client, f"/api/metrology/export.{kind}", who)) for kind in ("csv", "xlsx")]
    return files, FORMULAS


def _property(request: pytest.FixtureRequest, db_session: Session) -> tuple[Files, list[str]]:
    places, who = request.getfixturevalue("places"), request.getfixturevalue("people")["dongsheng"]
    db_session.execute(update(Compound).where(Compound.id == places["jinxiu"]).values(name=FORMULAS[0]))
    db_session.execute(update(Compound).where(Compound.id == places["yucai"]).values(name=CONTROL))
    db_session.execute(
        update(PropertyCompany).where(PropertyCompany.division_code == "150602").values(name=FORMULAS[3])
    )
    client: TestClient = request.getfixturevalue("client")
    survey = _get(client, "/api/property/survey/export.xlsx", who)
    monthly = _get(client, "/api/property/analysis/monthly.xlsx?month=2026-11", who)
    return [("xlsx", survey), ("xlsx", monthly)], [FORMULAS[0], FORMULAS[3]]


def _programme_round(request: pytest.FixtureRequest, db_session: Session) -> tuple[Files, list[str]]:
    world = request.getfixturevalue("world")
    round_id = open_round(world)
    made = apply(world, round_id)
    values = {"subject_name": FORMULAS[1], "item_name": CONTROL, "category": FORMULAS[2]}
    db_session.execute(update(Application).where(Application.id == made["id"]).values(**values))
    response = world.call("city", "GET", f"/api/programmes/rounds/{round_id}/export.xlsx")
    return [("xlsx", response.content)], FORMULAS[1:3]


def _ledger_report(request: pytest.FixtureRequest, db_session: Session) -> tuple[Files, list[str]]:
    request.getfixturevalue("divisions")
    ledger.load(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)
    who = factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625")
    task = (LedgerTask.programme == "hangjin-2024-2026") & (LedgerTask.code == "2.5")  # overdue: in the report
    db_session.execute(update(LedgerTask).where(task).values(title=FORMULAS[2], lead=CONTROL))
    client: TestClient = request.getfixturevalue("client")
    report = _get(client, "/api/ledger/reports/hangjin-2024-2026/monthly?format=xlsx", who)
    return [("xlsx", report)], [FORMULAS[2]]


@dataclass(frozen=True)
class Export:
    name: str
    produce: Callable[[pytest.FixtureRequest, Session], tuple[Files, list[str]]]


EXPORTS = [
    Export("metrology registry CSV and xlsx", _metrology),
    Export("property survey and monthly analysis", _property),
    Export("programme round list", _programme_round),
    Export("campaign monthly report", _ledger_report),
]


def check(kind: str, content: bytes, planted: list[str]) -> None:
    """Formula-looking text is neutralised, the planted control characters are gone, numbers are numbers."""
    cells = s.cells(kind, content)
    texts = [v for v, _ in cells if isinstance(v, str)]
    for value, quoted in cells:
        if isinstance(value, str):
            assert text.first_control(value) is None, value
            assert quoted if kind == "xlsx" and looks_like_formula(value) else not looks_like_formula(value), value
        else:
            assert not quoted, value
    for formula in planted:
        assert ((formula, True) in cells) if kind == "xlsx" else (f"'{formula}" in texts), formula
    if kind == "xlsx":
        assert any(isinstance(v, int | float) for v, _ in cells)  # counts and numbers are not turned into text


@pytest.mark.db
@pytest.mark.parametrize("export", EXPORTS, ids=[e.name for e in EXPORTS])
def test_every_export_writes_formulas_as_text_and_survives_control_characters(
    engine: object, db_session: Session, request: pytest.FixtureRequest, export: Export
) -> None:
    files, planted = export.produce(request, db_session)
    for kind, content in files:
        check(kind, content, planted)
    assert any(CLEANED in [v for v, _ in s.cells(k, c)] for k, c in files)


def test_the_registry_csv_export_neutralises_formulas_and_reimports(loaded: Path) -> None:  # noqa: F811
    database = loaded / "data" / "yingji" / "yingji.sqlite3"
    with sqlite3.connect(database) as connection:
        ids = [r[0] for r in connection.execute("SELECT id FROM organisation ORDER BY id LIMIT 2")]
        connection.execute("UPDATE organisation SET name = ? WHERE id = ?", (FORMULAS[0], ids[0]))
        connection.execute("UPDATE organisation SET name = ? WHERE id = ?", (CONTROL, ids[1]))
    out = loaded / "csv"
    export = run("registry", "export", str(out), tmp_path=loaded)
    assert export.returncode == 0, export.stderr
    content = (out / "organisations.csv").read_bytes()
    check("csv", content, [FORMULAS[0]])
    assert CLEANED in [v for v, _ in s.cells("csv", content)]
    again = run("registry", "import", str(out / "organisations.csv"), tmp_path=loaded)
    assert again.returncode == 0, again.stderr  # the apostrophe is removed again: the formula-looking name matches
    assert "新增 1" in again.stdout  # only the row whose control characters were dropped is new

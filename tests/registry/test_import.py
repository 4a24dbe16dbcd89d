"""Bulk import: every bad row reported by line and field, nothing stored on error unless --partial; upserts by name."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests import factories
from yingji.audit.models import AuditEntry
from yingji.auth.actor import SYSTEM, Actor
from yingji.auth.roles import Role
from yingji.core.errors import InvalidInput, NotFound, OutOfJurisdiction
from yingji.registry import service
from yingji.registry.models import Mine, Organisation
from yingji.registry.specs import BY_NAME

pytestmark = pytest.mark.db

ORGS = BY_NAME["organisations"]
MINES = BY_NAME["mines"]


def rows(*items: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return [(index + 2, item) for index, item in enumerate(items)]


def details(err: pytest.ExceptionInfo[InvalidInput]) -> list[dict[str, Any]]:
    found = err.value.params["details"]
    assert isinstance(found, list)
    return found


def count(db_session: Session, model: type) -> int:
    return int(db_session.scalar(select(func.count()).select_from(model)) or 0)


def org(name: str, division: str = "150602", **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "enterprise", "division_code": division, "sector": "non_coal_mine"} | extra


def test_good_rows_are_created_then_updated_by_name(db_session: Session, divisions: int) -> None:
    first = service.import_rows(
        db_session=db_session,
        clock=factories.CLOCK,
        actor=SYSTEM,
        spec=ORGS,
        rows=rows(org("甲矿业公司"), org("乙矿业公司")),
    )
    assert (first.created, first.updated) == (2, 0)
    again = service.import_rows(
        db_session=db_session,
        clock=factories.CLOCK,
        actor=SYSTEM,
        spec=ORGS,
        rows=rows(org("甲矿业公司", contact_person="张三")),
    )
    assert (again.created, again.updated) == (0, 1)
    stored = db_session.scalars(select(Organisation).where(Organisation.name == "甲矿业公司")).one()
    assert stored.contact_person == "张三"


BAD_ROWS = [
    pytest.param(org("丙", division="150602"), "name", id="name too short"),
    pytest.param(org("丙矿业公司", division="1506"), "division_code", id="division code format"),
    pytest.param(org("丙矿业公司", division="159999"), "division_code", id="unknown division"),
    pytest.param(org("丙矿业公司", kind="alien"), "kind", id="unknown kind"),
    pytest.param(org("丙矿业公司", lon="109.9"), "lat", id="lon without lat"),
    pytest.param(org("丙矿业公司", lon="200", lat="39"), "lon", id="lon out of range"),
    pytest.param(org("丙矿业公司", credit_code="123"), "credit_code", id="credit code"),
    pytest.param(org("丙矿业公司", duty_phone="call me"), "duty_phone", id="phone"),
    pytest.param(org("丙矿业公司", colour="red"), "colour", id="unknown column"),
]


@pytest.mark.parametrize(("bad", "field"), BAD_ROWS)
def test_one_bad_row_imports_nothing(db_session: Session, divisions: int, bad: dict[str, Any], field: str) -> None:
    before = count(db_session, Organisation)
    with pytest.raises(InvalidInput) as caught:
        service.import_rows(
            db_session=db_session,
            clock=factories.CLOCK,
            actor=SYSTEM,
            spec=ORGS,
            rows=rows(org("甲矿业公司"), bad, org("丁矿业公司")),
        )
    details = caught.value.params["details"]
    assert isinstance(details, list)
    assert {(d["line"], d["field"]) for d in details} == {(3, field)}
    assert all(d["problem"] for d in details)
    db_session.rollback()  # what the caller's transaction() does on the error
    assert count(db_session, Organisation) == before == 0


def test_partial_imports_the_good_rows_and_reports_the_rest(db_session: Session, divisions: int) -> None:
    report = service.import_rows(
        db_session=db_session,
        clock=factories.CLOCK,
        actor=SYSTEM,
        spec=ORGS,
        partial=True,
        rows=rows(org("甲矿业公司"), org("丙", division="1"), org("丁矿业公司")),
    )
    assert (report.created, report.updated) == (2, 0)
    assert {(p.line, p.field) for p in report.problems} == {(3, "name"), (3, "division_code")}
    entries = db_session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.action for e in entries] == ["registry.organisations.create"] * 2
    assert all(e.detail == {"via": "import:-"} and e.after for e in entries)


def test_references_resolve_by_name_and_report_unknowns(db_session: Session, divisions: int) -> None:
    factories.enterprise(db_session, "甲矿业公司", "150602")
    factories.team(db_session, "甲救护队", "150602", 109.9, 39.8)
    good = {
        "name": "甲矿一号井",
        "kind": "non_coal_underground",
        "status": "producing",
        "enterprise": "甲矿业公司",
        "division_code": "150602",
        "contracted_team": "甲救护队",
    }
    bad = good | {"name": "甲矿二号井", "enterprise": "没有这家公司", "contracted_team": "没有这支队"}
    with pytest.raises(InvalidInput) as caught:
        service.import_rows(
            db_session=db_session, clock=factories.CLOCK, actor=SYSTEM, spec=MINES, rows=rows(good, bad)
        )
    assert {(d["line"], d["field"]) for d in details(caught)} == {
        (3, "enterprise"),
        (3, "contracted_team"),
    }
    db_session.rollback()
    assert count(db_session, Mine) == 0


def test_out_of_jurisdiction_rows_are_refused(db_session: Session, divisions: int) -> None:
    officer = Actor(username="dongsheng", role=Role.COUNTY_OFFICER, division_code="150602")
    with pytest.raises(InvalidInput) as caught:
        service.import_rows(
            db_session=db_session,
            clock=factories.CLOCK,
            actor=officer,
            spec=ORGS,
            rows=rows(org("甲矿业公司"), org("乙矿业公司", division="150625")),
        )
    assert [(d["line"], d["field"]) for d in details(caught)] == [(3, "division_code")]


def test_single_save_out_of_scope_is_403_and_read_is_404(db_session: Session, divisions: int) -> None:
    officer = Actor(username="hangjin", role=Role.COUNTY_OFFICER, division_code="150625")
    with pytest.raises(OutOfJurisdiction):
        service.save(
            db_session=db_session,
            clock=factories.CLOCK,
            actor=officer,
            spec=ORGS,
            data=ORGS.schema(**org("甲矿业公司")),
        )
    row = factories.enterprise(db_session, "甲矿业公司", "150602")
    with pytest.raises(NotFound):
        service.get(db_session=db_session, actor=officer, spec=ORGS, row_id=row.id)


def test_save_audits_before_and_after(db_session: Session, divisions: int) -> None:
    factories.enterprise(db_session, "甲矿业公司", "150602")
    factories.enterprise(db_session, "甲矿业公司", "150602", contact_person="李四")
    entries = db_session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.action for e in entries] == ["registry.organisations.create", "registry.organisations.update"]
    assert entries[1].before is not None and entries[1].before["contact_person"] is None
    assert entries[1].after is not None and entries[1].after["contact_person"] == "李四"


def test_export_reimports_unchanged(db_session: Session, divisions: int) -> None:
    factories.enterprise(db_session, "甲矿业公司", "150602", credit_code="91150602MA0000001X")
    factories.team(db_session, "甲救护队", "150602", 109.9, 39.8)
    factories.mine(db_session, "甲矿一号井", "甲矿业公司", "150602", contracted_team="甲救护队")
    exported = {
        spec: service.export_rows(db_session=db_session, actor=SYSTEM, spec=BY_NAME[spec])
        for spec in ("organisations", "rescue_teams", "mines")
    }
    reports = service.import_bundle(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM, bundle=exported)
    assert [(r.created, r.updated, r.problems) for r in reports] == [(0, 1, []), (0, 1, []), (0, 1, [])]
    assert exported["mines"][0]["contracted_team"] == "甲救护队"


def test_unknown_bundle_entity_is_refused(db_session: Session) -> None:
    with pytest.raises(InvalidInput, match="invalid_input"):
        service.import_bundle(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM, bundle={"spaceships": []})

"""The instrument registry on both engines: due dates stored with each calibration, 不合格 → 停用, the status rules,
append-only calibration records, scope, audit and the list filters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests import factories
from tests.metrology.conftest import TODAY, Site, calibrate, counts, make_instrument
from yingji.audit.models import AuditEntry
from yingji.core.errors import Conflict, Forbidden, InvalidInput, NotFound, OutOfJurisdiction
from yingji.metrology import service
from yingji.metrology.enums import CalibrationResult, DueState, InstrumentStatus
from yingji.metrology.models import Calibration
from yingji.metrology.schemas import InstrumentIn, InstrumentUpdate

pytestmark = pytest.mark.db
CLOCK = factories.CLOCK


def test_a_calibration_stores_its_due_date_and_month_ends_clamp(db_session: Session, site: Site) -> None:
    officer = site.actors["dalate"]
    monthly = make_instrument(db_session, officer, site.dalate_a, serial_no="M-1", interval_months=1)
    record = calibrate(db_session, officer, monthly, date(2026, 1, 31))
    assert (record.next_due_on, record.interval_months) == (date(2026, 2, 28), 1)  # Jan 31 + 1 month
    assert (monthly.next_due_on, monthly.last_calibrated_on, monthly.last_result) == (
        date(2026, 2, 28),
        date(2026, 1, 31),
        CalibrationResult.PASS,
    )
    yearly = make_instrument(db_session, officer, site.dalate_a, serial_no="Y-1", interval_months=12)
    assert calibrate(db_session, officer, yearly, date(2025, 12, 31)).next_due_on == date(2026, 12, 31)
    stored = db_session.scalars(select(Calibration).where(Calibration.instrument_id == yearly.id)).one()
    assert stored.next_due_on == date(2026, 12, 31)


def test_a_failed_calibration_suspends_until_one_passes(db_session: Session, site: Site) -> None:
    officer = site.actors["dalate"]
    row = make_instrument(db_session, officer, site.dalate_a)
    calibrate(db_session, officer, row, date(2026, 3, 1))
    failed = calibrate(db_session, officer, row, date(2026, 10, 8), CalibrationResult.FAIL)
    assert failed.next_due_on is None
    assert (row.status, row.next_due_on) == (InstrumentStatus.SUSPENDED, None)
    with pytest.raises(InvalidInput) as refused:  # not back in use by hand
        service.update(
            db_session=db_session,
            clock=CLOCK,
            actor=officer,
            instrument_id=row.id,
            data=InstrumentUpdate(status=InstrumentStatus.IN_USE),
        )
    assert refused.value.field == "status"
    calibrate(db_session, officer, row, date(2026, 10, 20), CalibrationResult.LIMITED)  # 准用 passes
    assert (row.status, row.next_due_on) == (InstrumentStatus.IN_USE, date(2027, 10, 20))


def test_a_pass_does_not_lift_a_manual_suspension(db_session: Session, site: Site) -> None:
    officer = site.actors["dalate"]
    row = make_instrument(db_session, officer, site.dalate_a, status="suspended")
    calibrate(db_session, officer, row, date(2026, 11, 1))
    assert row.status is InstrumentStatus.SUSPENDED
    state = service.read_all(db_session, officer, [(row, "x")], TODAY)[0].due_state
    assert state == DueState.INACTIVE


def test_a_new_interval_moves_the_due_date(db_session: Session, site: Site) -> None:
    officer = site.actors["dalate"]
    row = make_instrument(db_session, officer, site.dalate_a, interval_months=12)
    calibrate(db_session, officer, row, date(2026, 8, 31))
    service.update(
        db_session=db_session,
        clock=CLOCK,
        actor=officer,
        instrument_id=row.id,
        data=InstrumentUpdate(interval_months=6),
    )
    assert row.next_due_on == date(2027, 2, 28)
    assert db_session.scalars(select(Calibration)).one().next_due_on == date(2027, 8, 31)  # the record keeps its own


def test_calibrations_are_refused_out_of_order_in_the_future_twice_or_when_scrapped(
    db_session: Session, site: Site
) -> None:
    officer = site.actors["dalate"]
    row = make_instrument(db_session, officer, site.dalate_a)
    calibrate(db_session, officer, row, date(2026, 6, 1), certificate_no="C-1")
    before = counts(db_session)
    for on in (date(2026, 5, 31), TODAY + timedelta(days=1)):  # before the latest; in the future
        with pytest.raises(InvalidInput) as refused:
            calibrate(db_session, officer, row, on, certificate_no="C-2")
        assert refused.value.field == "calibrated_on"
    with pytest.raises(Conflict):
        calibrate(db_session, officer, row, date(2026, 7, 1), certificate_no="C-1")
    assert counts(db_session) == before
    calibrate(db_session, officer, row, TODAY, certificate_no="C-4")  # today is allowed
    service.update(
        db_session=db_session,
        clock=CLOCK,
        actor=officer,
        instrument_id=row.id,
        data=InstrumentUpdate(status=InstrumentStatus.SCRAPPED),
    )
    with pytest.raises(Conflict):
        calibrate(db_session, officer, row, TODAY, certificate_no="C-5")
    with pytest.raises(Conflict):
        service.update(
            db_session=db_session,
            clock=CLOCK,
            actor=officer,
            instrument_id=row.id,
            data=InstrumentUpdate(status=InstrumentStatus.IN_USE),
        )


def test_serial_numbers_are_unique_per_enterprise(db_session: Session, site: Site) -> None:
    officer = site.actors["dalate"]
    make_instrument(db_session, officer, site.dalate_a, serial_no="S-1")
    make_instrument(db_session, officer, site.dalate_b, serial_no="S-1")  # another enterprise may reuse it
    with pytest.raises(Conflict) as refused:
        make_instrument(db_session, officer, site.dalate_a, serial_no="S-1")
    assert refused.value.field == "serial_no"
    other = make_instrument(db_session, officer, site.dalate_a, serial_no="S-2")
    with pytest.raises(Conflict):
        service.update(
            db_session=db_session,
            clock=CLOCK,
            actor=officer,
            instrument_id=other.id,
            data=InstrumentUpdate(serial_no="S-1"),
        )


def test_calibration_records_are_append_only(db_session: Session, site: Site) -> None:
    officer = site.actors["dalate"]
    calibrate(db_session, officer, make_instrument(db_session, officer, site.dalate_a), date(2026, 6, 1))
    db_session.flush()
    for statement in (
        "UPDATE metrology_calibration SET result = 'fail'",
        "UPDATE metrology_calibration SET next_due_on = NULL",
        "DELETE FROM metrology_calibration",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
            db_session.execute(text(statement))
    assert db_session.scalar(text("SELECT result FROM metrology_calibration")) == "pass"


def test_every_change_is_audited_with_before_and_after(db_session: Session, site: Site) -> None:
    officer = site.actors["dalate"]
    row = make_instrument(db_session, officer, site.dalate_a)
    calibrate(db_session, officer, row, date(2026, 6, 1), CalibrationResult.FAIL)
    entries = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action.startswith("metrology.")).order_by(AuditEntry.seq)
    ).all()
    assert [e.action for e in entries] == [
        "metrology.instrument.create",
        "metrology.calibration.record",
        "metrology.instrument.calibrated",
    ]
    assert entries[0].before is None and entries[0].after is not None
    assert entries[0].after["serial_no"] == "BS-001"
    assert entries[1].after is not None and entries[1].after["result"] == "fail"
    assert entries[2].before is not None and entries[2].after is not None
    assert (entries[2].before["status"], entries[2].after["status"]) == ("in_use", "suspended")
    assert {e.actor for e in entries} == {"dalate"}


def test_scope_enterprises_see_their_own_and_officers_their_division(db_session: Session, site: Site) -> None:
    a = site.actors
    mine = make_instrument(db_session, a["a"], None)  # an enterprise account registers its own
    theirs = make_instrument(db_session, a["dalate"], site.dalate_b)
    far = make_instrument(db_session, a["zhungeer"], site.zhungeer)
    assert mine.organisation_id == site.dalate_a and mine.division_code == "150621"
    with pytest.raises(NotFound):
        service.visible(db_session, a["a"], theirs.id)  # another enterprise's: hidden
    with pytest.raises(NotFound):
        service.visible(db_session, a["dalate"], far.id)  # another county's: hidden
    with pytest.raises(OutOfJurisdiction):
        calibrate(db_session, a["dalate"], far, date(2026, 6, 1))  # another county's: writing is 403
    with pytest.raises(Forbidden):
        calibrate(db_session, a["a"], theirs, date(2026, 6, 1))
    with pytest.raises(Forbidden):
        make_instrument(db_session, a["a"], site.dalate_b)
    with pytest.raises(OutOfJurisdiction):
        make_instrument(db_session, a["dalate"], site.zhungeer, serial_no="X-9")
    with pytest.raises(Forbidden):  # a read-only role cannot write at all
        make_instrument(db_session, a["expert"], site.dalate_a, serial_no="X-8")

    def ids(who: str) -> set[int]:
        rows, total = service.list_(db_session=db_session, clock=CLOCK, actor=a[who], filters=service.Filters())
        assert total == len(rows)
        return {r.id for r in rows}

    assert ids("a") == {mine.id}
    assert ids("dalate") == ids("expert") == {mine.id, theirs.id}
    assert ids("zhungeer") == {far.id}
    assert ids("city") == {mine.id, theirs.id, far.id}


def test_only_enterprises_can_hold_instruments(db_session: Session, site: Site) -> None:
    bureau = db_session.scalar(text("SELECT id FROM organisation WHERE name = '达拉特旗市场监督管理局'"))
    with pytest.raises(InvalidInput):
        make_instrument(db_session, site.actors["dalate"], bureau)
    with pytest.raises(InvalidInput):
        make_instrument(db_session, site.actors["dalate"], 999_999)
    with pytest.raises(InvalidInput):
        service.create(
            db_session=db_session,
            clock=CLOCK,
            actor=site.actors["dalate"],
            data=InstrumentIn(
                organisation_id=site.dalate_a,
                name="x",
                kind="衡器",
                quantity="质量",
                serial_no="X",
                location="x",
                interval_months=12,
                status=InstrumentStatus.SCRAPPED,
            ),
        )


def _due(db_session: Session, site: Site, **chosen: Any) -> list[str]:
    rows, _ = service.list_(
        db_session=db_session, clock=CLOCK, actor=site.actors["city"], filters=service.Filters(**chosen)
    )
    return [r.serial_no for r in rows]


def test_overdue_and_due_within_filters_and_the_report(db_session: Session, site: Site) -> None:
    officer = site.actors["city"]
    # yearly instruments calibrated a year ago, so their due dates fall around TODAY = 2026-11-23
    plan = {
        "OVER": date(2025, 11, 22),  # due 2026-11-22: overdue since today
        "TODAY": date(2025, 11, 23),  # due today: still valid, due soon
        "D30": date(2025, 12, 23),  # due in 30 days: due soon
        "D31": date(2025, 12, 24),  # due in 31 days: valid
    }
    for serial, on in plan.items():
        calibrate(db_session, officer, make_instrument(db_session, officer, site.dalate_a, serial_no=serial), on)
    make_instrument(db_session, officer, site.dalate_a, serial_no="NEVER")  # never calibrated
    failed = make_instrument(db_session, officer, site.zhungeer, serial_no="FAILED")
    calibrate(db_session, officer, failed, date(2025, 11, 1), CalibrationResult.FAIL)
    rows = {
        r.serial_no: r
        for r in service.list_(db_session=db_session, clock=CLOCK, actor=officer, filters=service.Filters())[0]
    }
    assert {k: v.due_state for k, v in rows.items()} == {
        "OVER": "overdue",
        "TODAY": "due_soon",
        "D30": "due_soon",
        "D31": "valid",
        "NEVER": "uncalibrated",
        "FAILED": "inactive",
    }
    assert (rows["OVER"].days_to_due, rows["TODAY"].days_to_due, rows["D31"].days_to_due) == (-1, 0, 31)
    assert _due(db_session, site, overdue=True) == ["NEVER", "OVER"]  # never calibrated first, then soonest
    assert _due(db_session, site, due_within=0) == ["NEVER", "OVER", "TODAY"]
    assert _due(db_session, site, due_within=30) == ["NEVER", "OVER", "TODAY", "D30"]
    assert _due(db_session, site, due_within=31) == ["NEVER", "OVER", "TODAY", "D30", "D31"]
    assert _due(db_session, site, division="150622") == ["FAILED"]
    assert _due(db_session, site, status=InstrumentStatus.SUSPENDED) == ["FAILED"]
    assert _due(db_session, site, organisation_id=site.dalate_b) == []
    report = service.overdue_report(db_session=db_session, clock=CLOCK, actor=officer, filters=service.Filters())
    assert [r.serial_no for r in report.instruments] == ["NEVER", "OVER"]
    assert report.due_soon_days == 30 and report.as_of == TODAY
    by_org = {o.organisation_id: o for o in report.organisations}
    assert by_org[site.dalate_a].total == 5
    assert by_org[site.dalate_a].due == {
        "valid": 1,
        "due_soon": 2,
        "overdue": 1,
        "uncalibrated": 1,
        "inactive": 0,
    }
    assert by_org[site.zhungeer].status == {"in_use": 0, "suspended": 1, "scrapped": 0}
    assert by_org[site.zhungeer].division_name == "准格尔旗"

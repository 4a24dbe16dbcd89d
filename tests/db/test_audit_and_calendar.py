"""Audit log and holiday schedules on both engines: append-only, atomic, replace-by-year."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.audit.models import AuditEntry
from yingji.calendars import service as calendars
from yingji.calendars.models import ScheduleDay
from yingji.calendars.schemas import ScheduleIn
from yingji.core.clock import FixedClock

pytestmark = pytest.mark.db

# A made-up 2031 schedule: 2031 is past any published notice, so the package has no make-up days for it.
SCHEDULE_2031 = ScheduleIn(
    year=2031,
    source="国办发明电〔2030〕测试号",
    days_off=[date(2031, 10, 1), date(2031, 10, 2), date(2031, 10, 3), date(2031, 10, 6), date(2031, 10, 7)],
    working_weekends=[date(2031, 9, 28), date(2031, 10, 11)],
)


def count(db_session: Session, model: type) -> int:
    return int(db_session.scalar(select(func.count()).select_from(model)) or 0)


def test_record_appends_with_aware_time(db_session: Session, clock: FixedClock) -> None:
    entry = audit.record(
        db_session=db_session, clock=clock, actor="tester", action="x.create", target_kind="x", target_key="1"
    )
    db_session.expire_all()
    stored = db_session.get_one(AuditEntry, entry.id)
    assert stored.at == clock.now()
    assert stored.at.tzinfo is not None
    assert [e.id for e in audit.list_(db_session=db_session, target_kind="x")] == [entry.id]


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"])
def test_audit_log_refuses_changes(db_session: Session, clock: FixedClock, statement: str) -> None:
    audit.record(db_session=db_session, clock=clock, actor="tester", action="x.create", target_kind="x", target_key="1")
    with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
        db_session.execute(text(statement))
    assert count(db_session, AuditEntry) == 1


def test_load_schedule_overrides_estimate_and_is_audited(db_session: Session, clock: FixedClock) -> None:
    before = calendars.work_calendar(db_session=db_session)
    assert before.is_estimated(2031)
    stored = calendars.load_schedule(db_session=db_session, clock=clock, actor="admin", schedule=SCHEDULE_2031)
    assert stored == 7
    after = calendars.work_calendar(db_session=db_session)
    assert not after.is_estimated(2031)
    assert after.is_working_day(date(2031, 9, 28))  # a Sunday made a working day
    assert not after.is_working_day(date(2031, 10, 6))  # a Monday off
    decision = after.add_working_days(date(2031, 9, 30), 1)
    assert decision.value == date(2031, 10, 8)
    assert not decision.provisional
    actions = [e.action for e in audit.list_(db_session=db_session, target_kind="holiday_schedule")]
    assert actions == ["calendar.load"]


def test_reloading_a_year_replaces_it(db_session: Session, clock: FixedClock) -> None:
    calendars.load_schedule(db_session=db_session, clock=clock, actor="admin", schedule=SCHEDULE_2031)
    smaller = ScheduleIn(year=2031, source="更正通知", days_off=[date(2031, 10, 1)])
    calendars.load_schedule(db_session=db_session, clock=clock, actor="admin", schedule=smaller)
    assert count(db_session, ScheduleDay) == 1
    assert count(db_session, AuditEntry) == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"days_off": [date(2030, 10, 1)]}, "不属于 2031 年"),
        ({"working_weekends": [date(2031, 10, 1)]}, "既放假又调休上班"),
        ({"working_weekends": [date(2031, 9, 29)]}, "不是周末"),
        ({"year": 1999}, "year"),
    ],
)
def test_bad_schedule_is_rejected_before_any_write(db_session: Session, changes: dict[str, object], field: str) -> None:
    raw = SCHEDULE_2031.model_dump() | changes
    with pytest.raises(ValidationError, match=field):
        ScheduleIn.model_validate(raw)
    assert count(db_session, ScheduleDay) == 0


def test_sqlite_runs_in_wal_mode_with_full_sync(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragma")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1

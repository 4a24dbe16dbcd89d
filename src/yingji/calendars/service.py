"""Load a published schedule (replacing that year's) and build the WorkCalendar the rules use."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.calendars.models import DayKind, ScheduleDay
from yingji.calendars.schemas import ScheduleIn
from yingji.core.clock import Clock
from yingji.rules.calendar import WorkCalendar, YearSchedule


def load_schedule(*, db_session: Session, clock: Clock, actor: str, schedule: ScheduleIn) -> int:
    """Replace the stored schedule for the year; the caller commits. Returns the number of days stored."""
    now = clock.now()
    existing = db_session.scalars(select(ScheduleDay.day).where(ScheduleDay.year == schedule.year)).all()
    db_session.execute(delete(ScheduleDay).where(ScheduleDay.year == schedule.year))
    replaced = len(existing)
    rows = [
        ScheduleDay(day=d, year=schedule.year, kind=DayKind.OFF, source=schedule.source, loaded_at=now)
        for d in schedule.days_off
    ]
    rows += [
        ScheduleDay(day=d, year=schedule.year, kind=DayKind.WORK, source=schedule.source, loaded_at=now)
        for d in schedule.working_weekends
    ]
    db_session.add_all(rows)
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor,
        action="calendar.load",
        target_kind="holiday_schedule",
        target_key=str(schedule.year),
        detail={"source": schedule.source, "days": len(rows), "replaced": replaced},
    )
    return len(rows)


def work_calendar(*, db_session: Session) -> WorkCalendar:
    """Return a calendar that prefers administrator-loaded schedules over the package's."""
    by_year: dict[int, list[ScheduleDay]] = {}
    for row in db_session.scalars(select(ScheduleDay)):
        by_year.setdefault(row.year, []).append(row)
    return WorkCalendar(
        YearSchedule(
            year=year,
            days_off=frozenset(r.day for r in rows if r.kind is DayKind.OFF),
            working_weekends=frozenset(r.day for r in rows if r.kind is DayKind.WORK),
            source=rows[0].source,
        )
        for year, rows in by_year.items()
    )

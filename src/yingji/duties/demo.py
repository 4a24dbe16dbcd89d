"""Demo duties: this period's instances and last month's, with those already due handed in by most units (a few
late, a few never) so the ranking and the bulletin have something to show. Only on a database without instances."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.core.clock import Clock, local_today
from yingji.duties import service
from yingji.duties.models import DutyInstance, DutySubmission
from yingji.duties.schema import Form, duties

LATE_EVERY, MISSING_EVERY = 5, 7  # of last month's instances: every 5th handed in late, every 7th not at all


def load(*, db_session: Session, clock: Clock) -> int:
    """Generate last month's and this period's instances and last month's demo submissions; returns instances."""
    if db_session.scalar(select(func.count()).select_from(DutyInstance)):
        return 0
    today = local_today(clock)
    last_month_end = today.replace(day=1) - timedelta(days=1)
    added = service.generate(db_session=db_session, clock=clock, on=last_month_end)
    past = db_session.scalars(select(DutyInstance).where(DutyInstance.due_on < today).order_by(DutyInstance.id)).all()
    for index, instance in enumerate(past, start=1):
        if index % MISSING_EVERY == 0:
            continue
        late = index % LATE_EVERY == 0
        day = (
            instance.due_on + timedelta(days=2)
            if late
            else max(instance.starts_on, instance.due_on - timedelta(days=1))
        )
        for _ in range(instance.min_times):
            db_session.add(
                DutySubmission(
                    instance_id=instance.id,
                    held_on=day if duties()[instance.duty_key].form is Form.RECORD else None,
                    summary="按要求完成本期工作（演示）",
                    tasks_note=None,
                    problems="无（演示）",
                    next_steps="按计划推进（演示）",
                    submitted_on=day,
                    is_late=late,
                    submitted_by="demo",
                    created_at=clock.now(),
                )
            )
        instance.submitted, instance.completed_on = instance.min_times, day
    added += service.generate(db_session=db_session, clock=clock)
    db_session.flush()
    return added

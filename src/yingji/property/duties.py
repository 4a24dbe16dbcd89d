"""Scheduled obligations of the streets: quarterly joint enforcement inspections and joint meetings (Dongsheng
001#L277-L279, 001#L747-L749), created per street from the programme's recurring rules; findings feed credit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core import divisions
from yingji.core.clock import Clock, to_local
from yingji.core.errors import InvalidInput, NotFound
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.property import settings
from yingji.property.models import Compound, Duty, DutyRecord
from yingji.property.schema import all_programmes
from yingji.property.service import credit_event, record, require
from yingji.registry.enums import DivisionLevel
from yingji.registry.models import Division

ACTIVITY_LABELS = {"joint_inspection": "联合执法检查", "joint_meeting": "联席会议"}
SEVERITY_LABELS = {"minor": "轻微", "general": "一般", "serious": "严重"}


class FindingIn(YingjiModel):
    compound_id: RowId
    severity: Literal["minor", "general", "serious"]
    text: Annotated[str, Field(min_length=2, max_length=1000)]


class DutyRecordIn(YingjiModel):
    """检查或会议记录：日期、参加单位、情况；检查发现的问题计入小区所属企业的信用。"""

    held_on: date
    participants: Annotated[
        list[Annotated[str, Field(min_length=2, max_length=60)]], Field(min_length=1, max_length=30)
    ]
    summary: Annotated[str, Field(min_length=2, max_length=4000)]
    findings: Annotated[list[FindingIn], Field(max_length=200)] = Field(default_factory=list)


def quarter(day: date) -> tuple[str, date, date]:
    q = (day.month - 1) // 3
    start = date(day.year, q * 3 + 1, 1)
    end = (date(day.year + (q == 3), (q * 3 + 3) % 12 + 1, 1)) - timedelta(days=1)
    return f"{day.year}-Q{q + 1}", start, end


def ensure(*, db_session: Session, clock: Clock) -> int:
    """Create this quarter's duty of every street under every programme (idempotent); returns how many were added."""
    period, start, end = quarter(to_local(clock.now()).date())
    have = set(db_session.execute(select(Duty.rule, Duty.division_code).where(Duty.period == period)).all())
    added = 0
    for programme in all_programmes().values():
        rules = [r for r in settings.duties(programme) if r.cadence == "quarterly"]
        if not rules:
            continue
        streets = db_session.scalars(
            select(Division.code).where(
                Division.level == DivisionLevel.TOWN,
                Division.code.startswith(divisions.stem(programme.division_code), autoescape=True),
            )
        ).all()
        for rule in rules:
            for street in streets:
                if (rule.id, street) in have:
                    continue
                db_session.add(
                    Duty(
                        programme=programme.id,
                        rule=rule.id,
                        activity=rule.activity,
                        division_code=street,
                        period=period,
                        starts_on=start,
                        due_on=end,
                        min_times=rule.min_times,
                        seed=rule.seed,
                    )
                )
                added += 1
    if added:
        try:
            with db_session.begin_nested():  # another process may have created the quarter's duties meanwhile
                db_session.flush()
        except IntegrityError:
            return 0
    return added


def _records(db_session: Session, duty_ids: list[int]) -> dict[int, int]:
    if not duty_ids:
        return {}
    query = (
        select(DutyRecord.duty_id, func.count()).where(DutyRecord.duty_id.in_(duty_ids)).group_by(DutyRecord.duty_id)
    )
    return dict(db_session.execute(query).all())


def listing(*, db_session: Session, actor: Actor, today: date, period: str | None = None) -> list[dict[str, Any]]:
    require(actor)
    query = select(Duty, Division.name).join(Division, Division.code == Duty.division_code)
    query = query.where(actor.division_filter(Duty.division_code))
    if period is not None:
        query = query.where(Duty.period == period)
    rows = db_session.execute(query.order_by(Duty.period.desc(), Duty.division_code, Duty.rule)).all()
    done = _records(db_session, [d.id for d, _ in rows])
    out = []
    for duty, street in rows:
        held = done.get(duty.id, 0)
        state = "done" if held >= duty.min_times else ("overdue" if today > duty.due_on else "pending")
        out.append(
            {
                "id": duty.id,
                "programme": duty.programme,
                "rule": duty.rule,
                "activity": duty.activity,
                "activity_label": ACTIVITY_LABELS.get(duty.activity, duty.activity),
                "division_code": duty.division_code,
                "street": street,
                "period": duty.period,
                "due_on": duty.due_on.isoformat(),
                "min_times": duty.min_times,
                "held": held,
                "state": state,
                "seed": duty.seed,
            }
        )
    return out


def hold(*, db_session: Session, clock: Clock, actor: Actor, duty_id: int, data: DutyRecordIn) -> DutyRecord:
    """Record an inspection or meeting held within the duty's period; each finding becomes a daily-inspection
    credit event of the company serving the compound (points by severity, platform defaults)."""
    duty = db_session.get(Duty, duty_id)
    if duty is None or not actor.covers_division(duty.division_code):
        raise NotFound(kind="检查或会议任务", key=str(duty_id))
    require(actor, duty.division_code)
    today = to_local(clock.now()).date()
    if not duty.starts_on <= data.held_on <= min(duty.due_on, today):
        raise InvalidInput(field="held_on", reason=f"held_on：须在本期（{duty.period}）内且不晚于今天")
    if data.findings and duty.activity != "joint_inspection":
        raise InvalidInput(field="findings", reason="findings：只有联合执法检查记录检查发现的问题")
    points = settings.defaults().credit.auto.finding
    findings: list[dict[str, Any]] = []
    for index, finding in enumerate(data.findings):
        place = db_session.get(Compound, finding.compound_id)
        if place is None or not place.division_code.startswith(duty.division_code):
            raise InvalidInput(
                field=f"findings[{index}].compound_id", reason=f"findings[{index}].compound_id：不是本街道的小区"
            )
        findings.append({**finding.model_dump(), "company_id": place.company_id, "compound": place.name})
    row = DutyRecord(
        duty_id=duty.id,
        held_on=data.held_on,
        participants=list(data.participants),
        summary=data.summary,
        findings=findings,
        recorded_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    record(db_session, clock, actor, "property.duty.hold", row, None)
    for found in findings:
        if found["company_id"] is None:
            continue
        credit_event(
            db_session,
            clock,
            actor,
            company_id=found["company_id"],
            on=data.held_on,
            input="daily_inspection",
            points=points[found["severity"]],
            note=f"{ACTIVITY_LABELS[duty.activity]}（{duty.period}）发现{SEVERITY_LABELS[found['severity']]}问题："
            f"{found['compound']}，{found['text']}",
            source=f"inspection:{row.id}",
        )
    db_session.flush()
    return row


def streets_with_meeting(db_session: Session, prefix: str) -> int:
    """Streets that have convened at least one joint meeting (联席会议制度已建立) under a division."""
    query = (
        select(func.count(func.distinct(Duty.division_code)))
        .join(DutyRecord, DutyRecord.duty_id == Duty.id)
        .where(Duty.activity == "joint_meeting", Duty.division_code.startswith(prefix, autoescape=True))
    )
    return db_session.scalar(query) or 0

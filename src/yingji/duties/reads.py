"""Duty read models: the definitions in words, instances with unit and division names, their state, submissions,
attachments and allowed actions; compliance and the monthly ranking."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core import divisions as core_divisions
from yingji.core.clock import Clock, local_today
from yingji.duties import policy, service
from yingji.duties.models import DutyAttachment, DutyInstance, DutySubmission
from yingji.duties.schema import ResolvedDuty, duties, file_of, files
from yingji.duties.schemas import (
    AttachmentRead,
    BulletinRead,
    ComplianceRead,
    DutyRead,
    InstanceRead,
    RankingRead,
    SubmissionRead,
    TallyRead,
)
from yingji.registry import divisions
from yingji.registry.enums import EnterpriseSector
from yingji.rules import duties as rules
from yingji.rules.duties import CLOSED_STATES, Cadence, Tally


def due_text(duty: ResolvedDuty) -> str:
    """The due rule in words: 每月24日（25日前）, 本周最后一个工作日, 本季度最后一日 …"""
    scope = {
        Cadence.WEEKLY: "本周",
        Cadence.MONTHLY: "本月",
        Cadence.QUARTERLY: "本季度",
        Cadence.HALF_YEARLY: "本半年",
        Cadence.YEARLY: "本年度",
    }[duty.cadence]
    due = duty.due
    if due.day_of_month is not None:
        return f"每月{due.day_of_month}日前" if due.before else f"每月{due.day_of_month}日"
    if due.last_working_day:
        return f"{scope}最后一个工作日"
    if due.working_day is not None:
        return f"{scope}第{due.working_day}个工作日"
    return f"{scope}最后一日"


def applies_text(duty: ResolvedDuty) -> str:
    applies, file = duty.applies_to, file_of(duty)
    parts = [file.unit(code).name for code in applies.units]
    if applies.towns_of:
        parts.insert(0, "各苏木镇（开发区）")
    if applies.counties_of:
        parts.insert(0, "各旗县区人民政府")
    if applies.sectors:
        parts.append("、".join(EnterpriseSector(s).label for s in applies.sectors) + "企业")
    if len(parts) > 4:
        return f"{'、'.join(parts[:3])}等 {len(parts)} 类单位"
    return "、".join(parts)


def duty(found: ResolvedDuty) -> DutyRead:
    return DutyRead(
        key=found.key,
        file=found.file,
        label=found.label,
        kind=found.kind,
        kind_label=found.kind.label,
        cadence=found.cadence,
        cadence_label=found.cadence.label + (f"至少{found.min_times}次" if found.min_times > 1 else ""),
        min_times=found.min_times,
        due_text=due_text(found),
        applies_text=applies_text(found),
        department_name=file_of(found).unit(found.department).name,
        form=found.form,
        form_label=found.form.label,
        remind_days=found.remind_days,
        seed=found.seed,
        quote=found.quote,
        reading=found.reading,
    )


def _concerns(actor: Actor, division_code: str) -> bool:
    """A duty list over the caller's jurisdiction, or one whose division holds the caller (or its unit)."""
    place = actor.division_code or actor.organisation_division
    if actor.is_unlimited or actor.covers_division(division_code):
        return True
    return place is not None and core_divisions.contains(division_code, place)


def definitions(actor: Actor) -> list[DutyRead]:
    """The duties of the lists that concern the caller."""
    return [duty(d) for d in duties().values() if _concerns(actor, file_of(d).division_code)]


def instances(db_session: Session, actor: Actor, rows: Sequence[DutyInstance], today: date) -> list[InstanceRead]:
    """A page of instances: one query each for unit names, division names, submissions and attachments."""
    ids = [r.id for r in rows]
    units = service._unit_names(db_session, (r.organisation_id for r in rows))
    places = divisions.names(db_session, (r.division_code for r in rows))
    submissions: dict[int, list[DutySubmission]] = defaultdict(list)
    attachments: dict[int, list[DutyAttachment]] = defaultdict(list)
    if ids:
        for s in db_session.scalars(
            select(DutySubmission).where(DutySubmission.instance_id.in_(ids)).order_by(DutySubmission.id)
        ):
            submissions[s.instance_id].append(s)
        for a in db_session.scalars(
            select(DutyAttachment).where(DutyAttachment.instance_id.in_(ids)).order_by(DutyAttachment.id)
        ):
            attachments[a.instance_id].append(a)
    found = []
    for row in rows:
        definition = duties().get(row.duty_key)
        now = service.state(row, today)
        label = definition.label if definition else row.duty_key
        period = rules.Period(key=row.period_key, starts_on=row.starts_on, ends_on=row.ends_on)
        office = file_of(definition).division_code if definition else row.division_code
        found.append(
            InstanceRead(
                id=row.id,
                duty_key=row.duty_key,
                duty_label=label,
                kind=definition.kind if definition else "report",  # a removed duty keeps its rows
                kind_label=definition.kind.label if definition else "",
                cadence_label=definition.cadence.label if definition else "",
                form=definition.form if definition else "record",
                form_label=definition.form.label if definition else "",
                unit_id=row.organisation_id,
                unit_name=units.get(row.organisation_id, str(row.organisation_id)),
                division_code=row.division_code,
                division_name=places.get(row.division_code, row.division_code),
                department_name=file_of(definition).unit(definition.department).name if definition else "",
                period_key=row.period_key,
                period_label=period.label,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
                due_on=row.due_on,
                remind_on=row.remind_on,
                min_times=row.min_times,
                submitted=row.submitted,
                completed_on=row.completed_on,
                state=now,
                state_label=now.label,
                days_late=0
                if row.waived_at
                else rules.days_late(due=row.due_on, completed_on=row.completed_on, today=today),
                waive_reason=row.waive_reason,
                seed=row.seed,
                quote=definition.quote if definition else "",
                submissions=[
                    SubmissionRead(
                        id=s.id,
                        held_on=s.held_on,
                        summary=s.summary,
                        tasks_note=s.tasks_note,
                        problems=s.problems,
                        next_steps=s.next_steps,
                        submitted_on=s.submitted_on,
                        is_late=s.is_late,
                        submitted_by=s.submitted_by,
                    )
                    for s in submissions[row.id]
                ],
                attachments=[
                    AttachmentRead(
                        id=a.id,
                        filename=a.filename,
                        content_type=a.content_type,
                        size=a.size,
                        url=f"/api/duties/instances/{row.id}/attachments/{a.id}",
                    )
                    for a in attachments[row.id]
                ],
                allowed_actions=policy.instance_actions(
                    actor, row, is_open=now not in CLOSED_STATES, office_division=office
                ),
            )
        )
    return found


def _tally(tally: Tally, rank: int | None = None, unit_id: int | None = None) -> TallyRead:
    return TallyRead(
        rank=rank,
        unit_id=unit_id,
        name=tally.unit,
        due=tally.due,
        on_time=tally.on_time,
        late=tally.late,
        overdue=tally.overdue,
        pending=tally.pending,
        late_days=tally.late_days,
        rate=tally.rate,
        is_late=tally.is_late,
    )


def _ranked(units: list[tuple[int, Tally]]) -> list[TallyRead]:
    ids = {id(t): oid for oid, t in units}
    return [_tally(t, rank, ids[id(t)]) for rank, t in rules.ranked([t for _, t in units])]


def compliance(
    *, db_session: Session, clock: Clock, actor: Actor, file_id: str, due_from: date | None, due_to: date | None
) -> ComplianceRead:
    """Per unit and per department: instances due in the window (default: this year to date) by outcome."""
    today = local_today(clock)
    start, end = due_from or date(today.year, 1, 1), due_to or today
    file, units, departments = service.tallies(
        db_session=db_session, clock=clock, actor=actor, file_id=file_id, due_from=start, due_to=end
    )
    return ComplianceRead(
        file=file.id,
        title=file.title,
        due_from=start,
        due_to=end,
        units=_ranked(units),
        departments=[_tally(t, rank) for rank, t in rules.ranked(departments)],
    )


def month_window(month: str) -> tuple[date, date]:
    year, number = int(month[:4]), int(month[5:7])
    period = rules.period_of(Cadence.MONTHLY, date(year, number, 1))
    return period.starts_on, period.ends_on


def ranking(*, db_session: Session, clock: Clock, actor: Actor, file_id: str, month: str) -> RankingRead:
    """The month's ranking (instances due in the month), the late units and the bulletin if issued."""
    start, end = month_window(month)
    file, units, _ = service.tallies(
        db_session=db_session, clock=clock, actor=actor, file_id=file_id, due_from=start, due_to=end
    )
    rows = _ranked(units)
    issued = service.bulletin(db_session, file.id, month)
    return RankingRead(
        file=file.id,
        title=file.title,
        month=month,
        month_label=f"{start.year}年{start.month}月",
        office_name=file.unit(file.office).name,
        rows=rows,
        late_units=[r.name for r in rows if r.is_late],
        bulletin=None
        if issued is None
        else BulletinRead(
            id=issued.id,
            month=issued.month,
            note=issued.note,
            issued_by=issued.issued_by,
            issued_at=issued.issued_at,
            late_units=[r["name"] for r in issued.ranking if r.get("is_late")],
        ),
        allowed_actions=policy.ranking_actions(actor, file.division_code, issued=issued is not None),
    )


def previous_month(today: date) -> str:
    last = today.replace(day=1) - timedelta(days=1)
    return f"{last.year}-{last.month:02d}"


def file_ids(actor: Actor) -> list[tuple[str, str]]:
    """(id, title) of the duty lists the caller oversees or works under."""
    return [(f.id, f.title) for f in files().values() if _concerns(actor, f.division_code)]

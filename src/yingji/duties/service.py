"""Recurring duties on the database: the units the data files name, this period's instances per unit (idempotent,
from the worker), submission with attachments, waiving, the reminders before and notices after the due day
(through the inbox and the outbox, once each), compliance per unit and department, and the monthly bulletin."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import SYSTEM, Actor
from yingji.auth.roles import Permission
from yingji.calendars import service as calendars
from yingji.core import divisions
from yingji.core.clock import Clock, local_today
from yingji.core.errors import InvalidInput, InvalidState, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.db import outbox
from yingji.duties import policy
from yingji.duties.models import DutyAttachment, DutyBulletin, DutyInstance, DutySubmission
from yingji.duties.schema import DutyFile, Form, ResolvedDuty, duties, file_of, files
from yingji.duties.schemas import BulletinIn, InstanceFilters, SubmissionIn, WaiveIn
from yingji.hazards import service as hazards
from yingji.inbox import service as notices
from yingji.inbox.models import NoticeKind
from yingji.registry import service as registry
from yingji.registry.enums import DivisionLevel, OrganisationKind
from yingji.registry.models import Division, Organisation
from yingji.registry.specs import BY_NAME
from yingji.rules import duties as rules
from yingji.rules.duties import DutyState, Tally

logger = logging.getLogger(__name__)


def _audit(
    db_session: Session, clock: Clock, actor: Actor, action: str, instance: DutyInstance, **detail: object
) -> None:
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=f"duties.{action}",
        target_kind="recurring_duty_instance",
        target_key=str(instance.id),
        detail={k: str(v) for k, v in detail.items()},
    )


# --- units ----------------------------------------------------------------------------------------------------------


def _local_body(name: str, level: DivisionLevel) -> str:
    """The body of a town or county as the seed's addressees name them: 各苏木镇人民政府, 杭锦经济开发区管委会."""
    if level is DivisionLevel.TOWN and "开发区" in name:
        return f"{name}管理委员会"
    return f"{name}人民政府"


def _subdivisions(db_session: Session, parent: str, level: DivisionLevel) -> list[Division]:
    query = select(Division).where(Division.parent_code == parent, Division.level == level).order_by(Division.code)
    return list(db_session.scalars(query))


def _wanted_units(db_session: Session) -> list[dict[str, str]]:
    wanted: dict[tuple[str, str], dict[str, str]] = {}
    for file in files().values():
        for unit in file.units:
            wanted[(unit.name, unit.division_code)] = {
                "name": unit.name,
                "kind": unit.kind,
                "division_code": unit.division_code,
            }
    for duty in duties().values():
        for code, level in ((duty.applies_to.towns_of, DivisionLevel.TOWN), (duty.applies_to.counties_of, None)):
            if code is None:
                continue
            for division in _subdivisions(db_session, code, level or DivisionLevel.COUNTY):
                name = _local_body(division.name, division.level)
                wanted[(name, division.code)] = {
                    "name": name,
                    "kind": OrganisationKind.GOVERNMENT.value,
                    "division_code": division.code,
                }
    return list(wanted.values())


def ensure_units(*, db_session: Session, clock: Clock) -> int:
    """Create the units the duty files name (departments, 苏木镇 and county governments) that the registry lacks;
    existing ones are left as they are. Returns how many were created."""
    existing = {
        (name, code) for name, code in db_session.execute(select(Organisation.name, Organisation.division_code))
    }
    missing = [row for row in _wanted_units(db_session) if (row["name"], row["division_code"]) not in existing]
    if not missing:
        return 0
    report = registry.import_rows(
        db_session=db_session,
        clock=clock,
        actor=SYSTEM,
        spec=BY_NAME["organisations"],
        rows=list(enumerate(missing, start=1)),
        source="duties",
    )
    return report.created


def _named(db_session: Session, file: DutyFile, codes: Iterable[str]) -> list[tuple[int, str]]:
    wanted = [file.unit(code) for code in codes]
    if not wanted:
        return []
    query = select(Organisation.id, Organisation.name, Organisation.division_code).where(
        Organisation.name.in_({u.name for u in wanted})
    )
    found = {(name, division): oid for oid, name, division in db_session.execute(query)}
    return [(found[(u.name, u.division_code)], u.division_code) for u in wanted if (u.name, u.division_code) in found]


def units_of(db_session: Session, duty: ResolvedDuty) -> list[tuple[int, str]]:
    """(organisation id, division) of every unit that owes the duty, as the registry holds them now."""
    file = file_of(duty)
    applies = duty.applies_to
    found = _named(db_session, file, applies.units)
    bodies: list[tuple[str, str]] = []
    if applies.towns_of:
        bodies += [
            (_local_body(d.name, d.level), d.code)
            for d in _subdivisions(db_session, applies.towns_of, DivisionLevel.TOWN)
        ]
    if applies.counties_of:
        bodies += [
            (_local_body(d.name, d.level), d.code)
            for d in _subdivisions(db_session, applies.counties_of, DivisionLevel.COUNTY)
        ]
    if bodies:
        query = select(Organisation.id, Organisation.name, Organisation.division_code).where(
            Organisation.name.in_({name for name, _ in bodies})
        )
        by_key = {(name, division): oid for oid, name, division in db_session.execute(query)}
        found += [(by_key[key], key[1]) for key in bodies if key in by_key]
    if applies.sectors:
        firms = select(Organisation.id, Organisation.division_code).where(
            Organisation.kind == OrganisationKind.ENTERPRISE,
            Organisation.sector.in_(applies.sectors),
            Organisation.division_code.startswith(divisions.stem(file.division_code), autoescape=True),
        )
        found += [(oid, division) for oid, division in db_session.execute(firms.order_by(Organisation.id))]
    return list(dict.fromkeys(found))


# --- instances ------------------------------------------------------------------------------------------------------


def generate(*, db_session: Session, clock: Clock, on: date | None = None) -> int:
    """Create the current period's instance of every active duty for every unit that owes it (idempotent: an
    instance exists once per duty, unit and period). Returns how many were added."""
    ensure_units(db_session=db_session, clock=clock)
    today = on or local_today(clock)
    calendar = calendars.work_calendar(db_session=db_session)
    added: list[DutyInstance] = []
    for duty in duties().values():
        if not duty.active_on(today):
            continue
        period = rules.period_of(duty.cadence, today)
        due = rules.due_on(duty.due.rule(), period, calendar)
        have = set(
            db_session.scalars(
                select(DutyInstance.organisation_id).where(
                    DutyInstance.duty_key == duty.key, DutyInstance.period_key == period.key
                )
            )
        )
        for organisation_id, division_code in units_of(db_session, duty):
            if organisation_id in have:
                continue
            added.append(
                DutyInstance(
                    duty_key=duty.key,
                    organisation_id=organisation_id,
                    division_code=division_code,
                    period_key=period.key,
                    starts_on=period.starts_on,
                    ends_on=period.ends_on,
                    due_on=due,
                    remind_on=rules.remind_on(due, duty.remind_days, period),
                    min_times=duty.min_times,
                    submitted=0,
                    seed=duty.seed,
                    created_at=clock.now(),
                )
            )
    if not added:
        return 0
    try:
        with db_session.begin_nested():  # another worker may have created the period's instances meanwhile
            db_session.add_all(added)
            db_session.flush()
    except IntegrityError:
        logger.info("duty instances already generated by another process")
        return 0
    logger.info("duty instances generated: %s", len(added))
    return len(added)


def state_clause(state: DutyState, today: date) -> ColumnElement[bool]:
    """``rules.duties.state_of`` in SQL, for filtering before paging."""
    waived, done = DutyInstance.waived_at.is_not(None), DutyInstance.completed_on.is_not(None)
    open_ = and_(~waived, ~done)
    return {
        DutyState.WAIVED: waived,
        DutyState.DONE: and_(~waived, done, DutyInstance.completed_on <= DutyInstance.due_on),
        DutyState.LATE: and_(~waived, done, DutyInstance.completed_on > DutyInstance.due_on),
        DutyState.OVERDUE: and_(open_, DutyInstance.due_on < today),
        DutyState.DUE_SOON: and_(open_, DutyInstance.remind_on <= today, DutyInstance.due_on >= today),
        DutyState.PENDING: and_(open_, DutyInstance.remind_on > today),
    }[state]


def state(instance: DutyInstance, today: date) -> DutyState:
    return rules.state_of(
        due=instance.due_on,
        remind=instance.remind_on,
        completed_on=instance.completed_on,
        waived=instance.waived_at is not None,
        today=today,
    )


def list_(
    *, db_session: Session, clock: Clock, actor: Actor, params: PageParams, filters: InstanceFilters | None = None
) -> tuple[list[DutyInstance], int]:
    """One page of the instances in scope, soonest due first (scope and filters in SQL)."""
    query = select(DutyInstance).where(policy.scope(actor))
    found = filters or InstanceFilters()
    if found.file:
        query = query.where(DutyInstance.duty_key.startswith(f"{found.file}/", autoescape=True))
    if found.duty:
        query = query.where(DutyInstance.duty_key == found.duty)
    if found.unit_id:
        query = query.where(DutyInstance.organisation_id == found.unit_id)
    if found.kind:
        query = query.where(DutyInstance.duty_key.in_([d.key for d in duties().values() if d.kind is found.kind]))
    if found.state:
        query = query.where(state_clause(found.state, local_today(clock)))
    if found.due_from:
        query = query.where(DutyInstance.due_on >= found.due_from)
    if found.due_to:
        query = query.where(DutyInstance.due_on <= found.due_to)
    is_open = and_(DutyInstance.waived_at.is_(None), DutyInstance.completed_on.is_(None))
    order = (
        case((is_open, 0), else_=1),  # open ones first, soonest due first; then the closed ones, latest first
        case((is_open, DutyInstance.due_on)),
        DutyInstance.due_on.desc(),
        DutyInstance.organisation_id,
        DutyInstance.id,
    )
    return paginate(db_session, query, params, order_by=order)


def get(*, db_session: Session, actor: Actor, instance_id: int) -> DutyInstance:
    """An instance through the list's own scope; others are NotFound."""
    found = db_session.scalars(select(DutyInstance).where(DutyInstance.id == instance_id, policy.scope(actor))).first()
    if found is None:
        raise NotFound(kind="履职任务", key=str(instance_id))
    return found


def _for_write(db_session: Session, instance_id: int) -> DutyInstance:
    """The instance locked for a change; who may change it is the caller's check (a write is 403, never hidden)."""
    query = select(DutyInstance).where(DutyInstance.id == instance_id).with_for_update()
    found = db_session.scalars(query.execution_options(populate_existing=True)).first()
    if found is None:
        raise NotFound(kind="履职任务", key=str(instance_id))
    return found


def _closed(instance: DutyInstance, action: str) -> None:
    if instance.waived_at is not None:
        raise InvalidState(field="instance_id", subcode=f"duties.{action}.closed", reason="该任务已免报，不再接收报送")
    if instance.completed_on is not None:
        raise InvalidState(field="instance_id", subcode=f"duties.{action}.already", reason="本期任务已报送完成")


def _check_form(form: Form, data: SubmissionIn, instance: DutyInstance, today: date) -> None:
    if form is Form.MONTHLY_REPORT:
        for name in ("problems", "next_steps"):
            if not getattr(data, name):
                raise InvalidInput(field=name, reason=f"{name}：工作报告须填写“存在的问题和困难”“近期工作安排”")
    if form is Form.RECORD:
        if data.held_on is None:
            raise InvalidInput(field="held_on", reason="held_on：须填写开展日期")
        if not instance.starts_on <= data.held_on <= min(instance.ends_on, today):
            raise InvalidInput(field="held_on", reason="held_on：开展日期须在本期内且不晚于今天")


def submit(*, db_session: Session, clock: Clock, actor: Actor, instance_id: int, data: SubmissionIn) -> DutyInstance:
    """Record what the unit hands in; the instance is complete once ``min_times`` submissions are in, on time when
    that day is not after the due day."""
    instance = _for_write(db_session, instance_id)
    policy.require_unit(actor, instance, "submit")
    _closed(instance, "submit")
    today = local_today(clock)
    if today < instance.starts_on:
        raise InvalidState(field="instance_id", subcode="duties.submit.not_open", reason="本期尚未开始")
    duty = duties()[instance.duty_key]
    _check_form(duty.form, data, instance, today)
    late = today > instance.due_on
    db_session.add(
        DutySubmission(
            instance_id=instance.id,
            held_on=data.held_on if duty.form is Form.RECORD else None,
            summary=data.summary,
            tasks_note=data.tasks_note or None,
            problems=data.problems or None,
            next_steps=data.next_steps or None,
            submitted_on=today,
            is_late=late,
            submitted_by=actor.username,
            created_at=clock.now(),
        )
    )
    instance.submitted += 1
    if instance.submitted >= instance.min_times:
        instance.completed_on = today
    db_session.flush()
    _audit(db_session, clock, actor, "submit", instance, late=late, count=instance.submitted)
    return instance


def attach(
    *, db_session: Session, clock: Clock, actor: Actor, instance_id: int, filename: str, content_type: str, data: bytes
) -> DutyAttachment:
    """A photo or document the unit adds to an open instance (the hazard attachments' checks)."""
    instance = _for_write(db_session, instance_id)
    policy.require_unit(actor, instance, "attach")
    _closed(instance, "attach")
    name, digest = hazards.check_upload(filename, content_type, data)
    row = DutyAttachment(
        instance_id=instance.id,
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        data=data,
        uploaded_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    _audit(db_session, clock, actor, "attach", instance, filename=name, sha256=digest)
    return row


def attachment(*, db_session: Session, actor: Actor, instance_id: int, attachment_id: int) -> DutyAttachment:
    get(db_session=db_session, actor=actor, instance_id=instance_id)
    row = db_session.get(DutyAttachment, attachment_id)
    if row is None or row.instance_id != instance_id:
        raise NotFound(kind="附件", key=str(attachment_id))
    return row


def waive(*, db_session: Session, clock: Clock, actor: Actor, instance_id: int, data: WaiveIn) -> DutyInstance:
    """The office releases a unit from one open instance (免报), with the reason."""
    get(db_session=db_session, actor=actor, instance_id=instance_id)
    instance = _for_write(db_session, instance_id)
    policy.require_supervisor(actor, file_of(duties()[instance.duty_key]).division_code, "waive")
    _closed(instance, "waive")
    instance.waived_at, instance.waived_by, instance.waive_reason = clock.now(), actor.username, data.reason
    db_session.flush()
    _audit(db_session, clock, actor, "waive", instance, reason=data.reason)
    return instance


# --- reminders and notices ------------------------------------------------------------------------------------------


def _notify(
    db_session: Session, now: datetime, instance: DutyInstance, reason: str, text: str, *, officers: bool
) -> None:
    """The unit's accounts (inbox) and its duty phone (SMS through the outbox); the officers over it too when
    ``officers``. Keyed by instance and reason, so a rerun adds nothing."""
    unit = db_session.get(Organisation, instance.organisation_id)
    assert unit is not None
    key = f"duty-{instance.id}-{reason}"
    users = notices.enterprise_accounts(db_session, instance.organisation_id)
    if officers:
        users += notices.officers_over(db_session, instance.division_code, Permission.LEDGER_WRITE)
    notices.post(
        db_session,
        now=now,
        user_ids=users,
        kind=NoticeKind.DUTY,
        key=key,
        title=text[:200],
        body=text,
        url=f"/console/duties?unit_id={instance.organisation_id}#duty-{instance.id}",
        division_code=instance.division_code,
    )
    phone = unit.duty_phone or unit.contact_phone
    if phone:
        outbox.enqueue(
            db_session=db_session,
            now=now,
            topic="duty",
            key=key,
            channel="sms",
            recipient=phone,
            payload={"headline": text, "text": text, "sms_text": text, "instance_id": instance.id, "to": unit.name},
        )


def sweep(*, db_session: Session, clock: Clock) -> tuple[int, int]:
    """Remind units of instances coming due and tell them (and the officers over them) of overdue ones: each once.
    Returns (reminders, overdue notices)."""
    now, today = clock.now(), local_today(clock)
    open_ = (DutyInstance.waived_at.is_(None), DutyInstance.completed_on.is_(None))
    coming = db_session.scalars(
        select(DutyInstance)
        .where(
            *open_, DutyInstance.reminded_at.is_(None), DutyInstance.remind_on <= today, DutyInstance.due_on >= today
        )
        .order_by(DutyInstance.id)
    ).all()
    names = _unit_names(db_session, [i.organisation_id for i in coming])
    for instance in coming:
        duty = duties()[instance.duty_key]
        text = (
            f"【履职提醒】{names.get(instance.organisation_id, '')}：{duty.label}（{_period_label(instance)}）"
            f"请于{_day(instance.due_on)}前完成报送。"
        )
        _notify(db_session, now, instance, "remind", text, officers=False)
        instance.reminded_at = now
    late = db_session.scalars(
        select(DutyInstance)
        .where(*open_, DutyInstance.overdue_notified_at.is_(None), DutyInstance.due_on < today)
        .order_by(DutyInstance.id)
    ).all()
    names = _unit_names(db_session, [i.organisation_id for i in late])
    for instance in late:
        duty = duties()[instance.duty_key]
        text = (
            f"【逾期未报】{names.get(instance.organisation_id, '')}：{duty.label}（{_period_label(instance)}）"
            f"已于{_day(instance.due_on)}到期，尚未报送，请尽快补报。"
        )
        _notify(db_session, now, instance, "overdue", text, officers=True)
        instance.overdue_notified_at = now
    db_session.flush()
    return len(coming), len(late)


def _unit_names(db_session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    query = select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))
    return {oid: name for oid, name in db_session.execute(query)}


def _day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _period_label(instance: DutyInstance) -> str:
    return rules.Period(key=instance.period_key, starts_on=instance.starts_on, ends_on=instance.ends_on).label


# --- compliance, ranking and the bulletin ---------------------------------------------------------------------------


def _file(actor: Actor, file_id: str) -> DutyFile:
    policy.require_officer(actor)
    found = files().get(file_id)
    if found is None:
        raise NotFound(kind="履职任务清单", key=file_id)
    inside = actor.division_code is not None and divisions.contains(found.division_code, actor.division_code)
    if not (actor.covers_division(found.division_code) or inside):
        raise NotFound(kind="履职任务清单", key=file_id)
    return found


def tallies(
    *, db_session: Session, clock: Clock, actor: Actor, file_id: str, due_from: date, due_to: date
) -> tuple[DutyFile, list[tuple[int, Tally]], list[Tally]]:
    """Per unit (with its organisation id) and per department, the instances due in the window by outcome."""
    file = _file(actor, file_id)
    if due_to < due_from:
        raise InvalidInput(field="due_to", reason="due_to：不能早于 due_from")
    today = local_today(clock)
    query = (
        select(DutyInstance, Organisation.name)
        .join(Organisation, Organisation.id == DutyInstance.organisation_id)
        .where(
            policy.scope(actor),
            DutyInstance.duty_key.startswith(f"{file.id}/", autoescape=True),
            DutyInstance.due_on >= due_from,
            DutyInstance.due_on <= due_to,
        )
        .order_by(DutyInstance.id)
    )
    by_unit: dict[int, list[tuple[DutyState, int]]] = defaultdict(list)
    by_department: dict[str, list[tuple[DutyState, int]]] = defaultdict(list)
    names: dict[int, str] = {}
    for instance, name in db_session.execute(query):
        outcome = (
            state(instance, today),
            0
            if instance.waived_at
            else rules.days_late(due=instance.due_on, completed_on=instance.completed_on, today=today),
        )
        names[instance.organisation_id] = name
        by_unit[instance.organisation_id].append(outcome)
        by_department[duties()[instance.duty_key].department].append(outcome)
    units = [(oid, rules.tally(names[oid], states)) for oid, states in by_unit.items()]
    departments = [rules.tally(file.unit(code).name, states) for code, states in by_department.items()]
    return file, units, departments


def issue_bulletin(*, db_session: Session, clock: Clock, actor: Actor, file_id: str, data: BulletinIn) -> DutyBulletin:
    """月通报: snapshot the month's ranking, name the late units and tell each of them (inbox, SMS) once."""
    from yingji.duties import reads

    file = _file(actor, file_id)
    policy.require_supervisor(actor, file.division_code, "bulletin")
    today = local_today(clock)
    if data.month > f"{today.year}-{today.month:02d}":
        raise InvalidInput(field="month", reason="month：不能通报尚未开始的月份")
    exists = db_session.scalars(
        select(DutyBulletin).where(DutyBulletin.file_id == file.id, DutyBulletin.month == data.month)
    ).first()
    if exists is not None:
        raise InvalidState(field="month", subcode="duties.bulletin.issued", reason=f"{data.month} 的月通报已发布")
    ranking = reads.ranking(db_session=db_session, clock=clock, actor=actor, file_id=file.id, month=data.month)
    row = DutyBulletin(
        file_id=file.id,
        month=data.month,
        division_code=file.division_code,
        note=data.note or None,
        ranking=[r.model_dump(mode="json") for r in ranking.rows],
        issued_by=actor.username,
        issued_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    late = {r.unit_id: r for r in ranking.rows if r.is_late and r.unit_id is not None}
    for unit_id, tally_row in late.items():
        text = (
            f"【月通报】{ranking.month_label}{file.title}：{tally_row.name}逾期完成 {tally_row.late} 项、"
            f"逾期未报 {tally_row.overdue} 项，排名第 {tally_row.rank} 位。请按要求整改并及时报送。"
        )
        notices.post(
            db_session,
            now=clock.now(),
            user_ids=notices.enterprise_accounts(db_session, unit_id),
            kind=NoticeKind.DUTY,
            key=f"duty-bulletin-{row.id}",
            title=text[:200],
            body=text,
            url=f"/console/duties/ranking?file={file.id}&month={data.month}",
            division_code=file.division_code,
        )
        unit = db_session.get(Organisation, unit_id)
        phone = unit.duty_phone or unit.contact_phone if unit is not None else None
        if phone:
            outbox.enqueue(
                db_session=db_session,
                now=clock.now(),
                topic="duty",
                key=f"duty-bulletin-{row.id}",
                channel="sms",
                recipient=phone,
                payload={
                    "headline": text,
                    "text": text,
                    "sms_text": text,
                    "bulletin_id": row.id,
                    "to": unit.name if unit else "",
                },
            )
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="duties.bulletin",
        target_kind="recurring_duty_bulletin",
        target_key=str(row.id),
        detail={"file": file.id, "month": data.month, "late_units": str(len(late))},
    )
    return row


def bulletin(db_session: Session, file_id: str, month: str) -> DutyBulletin | None:
    return db_session.scalars(
        select(DutyBulletin).where(DutyBulletin.file_id == file_id, DutyBulletin.month == month)
    ).first()

"""Register plans, record their filing, drills, evaluations and revision triggers, and compute the legal calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.calendars.service import work_calendar
from yingji.core.clock import Clock, to_local
from yingji.core.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.plan_registry import policy
from yingji.plan_registry.models import ActivityKind, HolderKind, PlanActivity, PlanRecord, PlanType
from yingji.plan_registry.schema import ActivityIn, PlanRecordIn, cadence_table
from yingji.plan_registry.schemas import PlanRecordFilters
from yingji.plans import loader
from yingji.plans.schema import PlanKind
from yingji.registry.models import Division
from yingji.rules.calendar import WorkCalendar
from yingji.rules.plan_calendar import PlanCalendar, PlanFacts, plan_calendar


def _audit(db_session: Session, clock: Clock, actor: Actor, action: str, record: PlanRecord, **detail: Any) -> None:
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=f"plan_registry.{action}",
        target_kind="plan_record",
        target_key=str(record.id),
        detail={k: str(v) for k, v in detail.items()},
    )


def register(*, db_session: Session, clock: Clock, actor: Actor, data: PlanRecordIn) -> PlanRecord:
    actor.require(Permission.REGISTRY_WRITE)
    if db_session.get(Division, data.division_code) is None:
        raise InvalidInput(field="division_code", reason=f"行政区划代码「{data.division_code}」不存在")
    organisation_id = actor.organisation_id if data.holder_kind is HolderKind.ENTERPRISE else None
    if not policy.may_write(actor, data, organisation_id):
        raise Forbidden(subcode="plan_record.register.out_of_scope", reason="只能登记本辖区（企业账号：本企业）的预案")
    if data.issued_on > to_local(clock.now()).date():
        raise InvalidInput(field="issued_on", reason="印发日期不能晚于今天")
    if data.doc_no and db_session.scalars(select(PlanRecord).where(PlanRecord.doc_no == data.doc_no)).first():
        raise Conflict(reason=f"文号「{data.doc_no}」已登记")
    record = PlanRecord(**data.model_dump(), organisation_id=organisation_id, created_at=clock.now())
    db_session.add(record)
    db_session.flush()
    _audit(db_session, clock, actor, "register", record, title=record.title, issued_on=record.issued_on)
    return record


def visible(db_session: Session, actor: Actor, plan_id: int) -> PlanRecord:
    """A registered plan through the list's own scope filter; others are NotFound."""
    record = db_session.scalars(select(PlanRecord).where(PlanRecord.id == plan_id, policy.scope(actor))).first()
    if record is None:
        raise NotFound(kind="预案", key=str(plan_id))
    return record


def record_activity(*, db_session: Session, clock: Clock, actor: Actor, plan_id: int, data: ActivityIn) -> PlanActivity:
    """备案、演练、评估、修订情形: dated facts, never edited; a filing also sets the plan's filing date."""
    record = visible(db_session, actor, plan_id)
    actor.require(Permission.REGISTRY_WRITE)
    if not policy.may_write(actor, record, record.organisation_id):
        raise Forbidden(subcode="plan_record.activity.out_of_scope", reason="只能维护本辖区（企业账号：本企业）的预案")
    today = to_local(clock.now()).date()
    if not record.issued_on <= data.on <= today:
        raise InvalidInput(field="on", reason=f"日期须在印发日期 {record.issued_on} 与今天之间")
    if not policy.may_record(record, data.kind):
        raise InvalidState(
            field="kind",
            subcode="plan_record.filing.already_filed",
            reason=f"该预案已于 {record.filed_on} 备案；修订后重新备案请登记新版本",
        )
    if data.kind is ActivityKind.FILING:
        record.filed_on, record.filed_with = data.on, data.detail
    activity = PlanActivity(plan_id=record.id, **data.model_dump(), actor=actor.username, created_at=clock.now())
    db_session.add(activity)
    db_session.flush()
    _audit(db_session, clock, actor, data.kind.value, record, on=data.on, detail=data.detail)
    return activity


def last_activities(db_session: Session, plan_ids: list[int]) -> dict[tuple[int, ActivityKind], date]:
    """(plan, kind) → the latest date of that activity, for a page of plans in one query."""
    if not plan_ids:
        return {}
    query = (
        select(PlanActivity.plan_id, PlanActivity.kind, func.max(PlanActivity.on))
        .where(PlanActivity.plan_id.in_(plan_ids))
        .group_by(PlanActivity.plan_id, PlanActivity.kind)
    )
    return {(plan_id, kind): on for plan_id, kind, on in db_session.execute(query)}


def calendar_of(
    record: PlanRecord, last: dict[tuple[int, ActivityKind], date], work: WorkCalendar, today: date
) -> PlanCalendar:
    facts = PlanFacts(
        holder=record.holder_kind.value,
        plan_type=record.plan_type.value,
        production_safety=record.production_safety,
        high_risk=record.high_risk,
        issued_on=record.issued_on,
        filed_on=record.filed_on,
        last_drill_on=last.get((record.id, ActivityKind.DRILL)),
        last_evaluation_on=last.get((record.id, ActivityKind.EVALUATION)),
    )
    return plan_calendar(facts, cadence_table(), work, today)


def overdue_items(due: PlanCalendar) -> list[str]:
    return [
        name
        for name, item in (("备案", due.filing), ("演练", due.next_drill), ("评估", due.next_evaluation))
        if item.overdue
    ]


def calendar(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    params: PageParams,
    filters: PlanRecordFilters | None = None,
) -> tuple[list[PlanRecord], int]:
    """One page of the visible plans (in registration order) with the total. ``overdue`` depends on each plan's
    calendar, so that filter computes the calendar of every plan in scope before slicing (plans number hundreds)."""
    filters = filters or PlanRecordFilters()
    query = select(PlanRecord).where(policy.scope(actor), *filters.clauses())
    if not filters.overdue:
        return paginate(db_session, query, params, order_by=[PlanRecord.id])
    records = list(db_session.scalars(query.order_by(PlanRecord.id)))
    last = last_activities(db_session, [r.id for r in records])
    work, today = work_calendar(db_session=db_session), to_local(clock.now()).date()
    late = [r for r in records if overdue_items(calendar_of(r, last, work, today))]
    return late[params.offset : params.offset + params.limit], len(late)


def overdue_count(*, db_session: Session, clock: Clock, actor: Actor) -> int:
    """How many visible plans have an overdue filing, drill or evaluation (the overview's tile)."""
    _, total = calendar(
        db_session=db_session,
        clock=clock,
        actor=actor,
        params=PageParams(limit=1),
        filters=PlanRecordFilters(overdue=True),
    )
    return total


def activities(db_session: Session, record: PlanRecord) -> list[PlanActivity]:
    query = select(PlanActivity).where(PlanActivity.plan_id == record.id).order_by(PlanActivity.on, PlanActivity.id)
    return list(db_session.scalars(query))


def register_bundled(*, db_session: Session, clock: Clock, actor: Actor) -> int:
    """The six real plans with their real issue dates (their filings and drills are not known: none recorded)."""
    created = 0
    for plan in loader.all_plans().values():
        meta = plan.metadata
        if db_session.scalars(select(PlanRecord).where(PlanRecord.bundled_plan_id == plan.id)).first() is not None:
            continue
        record = PlanRecord(
            title=meta.title,
            doc_no=meta.doc_no,
            holder_kind=HolderKind.GOVERNMENT,
            holder_name=meta.issuer,
            division_code=meta.jurisdiction,
            plan_type=PlanType.SPECIAL,  # 生产安全事故 and 气象灾害 plans are governments' special plans
            production_safety=meta.kind is PlanKind.ACCIDENT,
            high_risk=False,
            version="1",
            issued_on=meta.issued_on,
            bundled_plan_id=plan.id,
            created_at=clock.now(),
        )
        db_session.add(record)
        db_session.flush()
        _audit(db_session, clock, actor, "register", record, title=record.title, issued_on=record.issued_on)
        created += 1
    return created

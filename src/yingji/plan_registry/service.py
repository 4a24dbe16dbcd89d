"""Register plans, record their filing, drills, evaluations and revision triggers, and compute the legal calendar."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.calendars.service import work_calendar
from yingji.core import divisions
from yingji.core.clock import Clock, to_local
from yingji.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yingji.plan_registry.models import ActivityKind, HolderKind, PlanActivity, PlanRecord, PlanType
from yingji.plan_registry.schema import ActivityIn, PlanRecordIn, cadence_table
from yingji.plans import loader
from yingji.plans.schema import PlanKind
from yingji.registry.models import Division
from yingji.rules.plan_calendar import PlanFacts, plan_calendar


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


def _may_write(actor: Actor, record: PlanRecord | PlanRecordIn, organisation_id: int | None) -> bool:
    if actor.organisation_id is not None:  # an enterprise registers and maintains only its own plans
        return record.holder_kind is HolderKind.ENTERPRISE and organisation_id == actor.organisation_id
    return actor.covers_division(record.division_code)


def register(*, db_session: Session, clock: Clock, actor: Actor, data: PlanRecordIn) -> PlanRecord:
    actor.require(Permission.REGISTRY_WRITE)
    if db_session.get(Division, data.division_code) is None:
        raise InvalidInput(field="division_code", reason=f"行政区划代码「{data.division_code}」不存在")
    organisation_id = actor.organisation_id if data.holder_kind is HolderKind.ENTERPRISE else None
    if not _may_write(actor, data, organisation_id):
        raise Forbidden(reason="只能登记本辖区（企业账号：本企业）的预案")
    if data.issued_on > to_local(clock.now()).date():
        raise InvalidInput(field="issued_on", reason="印发日期不能晚于今天")
    if data.doc_no and db_session.scalars(select(PlanRecord).where(PlanRecord.doc_no == data.doc_no)).first():
        raise Conflict(reason=f"文号「{data.doc_no}」已登记")
    record = PlanRecord(**data.model_dump(), organisation_id=organisation_id, created_at=clock.now())
    db_session.add(record)
    db_session.flush()
    _audit(db_session, clock, actor, "register", record, title=record.title, issued_on=record.issued_on)
    return record


def _visible(db_session: Session, actor: Actor, plan_id: int) -> PlanRecord:
    actor.require(Permission.REGISTRY_READ)
    record = db_session.get(PlanRecord, plan_id)
    if record is None or not actor.covers_record(
        division_code=record.division_code, organisation_id=record.organisation_id
    ):
        raise NotFound(kind="预案", key=str(plan_id))
    return record


def record_activity(*, db_session: Session, clock: Clock, actor: Actor, plan_id: int, data: ActivityIn) -> PlanActivity:
    """备案、演练、评估、修订情形: dated facts, never edited; a filing also sets the plan's filing date."""
    record = _visible(db_session, actor, plan_id)
    actor.require(Permission.REGISTRY_WRITE)
    if not _may_write(actor, record, record.organisation_id):
        raise Forbidden(reason="只能维护本辖区（企业账号：本企业）的预案")
    today = to_local(clock.now()).date()
    if not record.issued_on <= data.on <= today:
        raise InvalidInput(field="on", reason=f"日期须在印发日期 {record.issued_on} 与今天之间")
    if data.kind is ActivityKind.FILING:
        if record.filed_on is not None:
            raise Conflict(reason=f"该预案已于 {record.filed_on} 备案；修订后重新备案请登记新版本")
        record.filed_on, record.filed_with = data.on, data.detail
    activity = PlanActivity(plan_id=record.id, **data.model_dump(), actor=actor.username, created_at=clock.now())
    db_session.add(activity)
    db_session.flush()
    _audit(db_session, clock, actor, data.kind.value, record, on=data.on, detail=data.detail)
    return activity


def _last(db_session: Session, plan_id: int, kind: ActivityKind) -> date | None:
    query = select(func.max(PlanActivity.on)).where(PlanActivity.plan_id == plan_id, PlanActivity.kind == kind)
    found: date | None = db_session.scalar(query)
    return found


def calendar_row(db_session: Session, record: PlanRecord, today: date) -> dict[str, Any]:
    facts = PlanFacts(
        holder=record.holder_kind.value,
        plan_type=record.plan_type.value,
        production_safety=record.production_safety,
        high_risk=record.high_risk,
        issued_on=record.issued_on,
        filed_on=record.filed_on,
        last_drill_on=_last(db_session, record.id, ActivityKind.DRILL),
        last_evaluation_on=_last(db_session, record.id, ActivityKind.EVALUATION),
    )
    due = plan_calendar(facts, cadence_table(), work_calendar(db_session=db_session), today)
    overdue = [
        name
        for name, item in (("备案", due.filing), ("演练", due.next_drill), ("评估", due.next_evaluation))
        if item.overdue
    ]
    return {
        "id": record.id,
        "title": record.title,
        "doc_no": record.doc_no,
        "holder": record.holder_name,
        "division_code": record.division_code,
        "plan_type": record.plan_type.value,
        "issued_on": record.issued_on,
        "cadence": due.cadence.id,
        "filing": asdict(due.filing),
        "next_drill": asdict(due.next_drill),
        "next_evaluation": asdict(due.next_evaluation),
        "overdue": overdue,
        "basis": [b.as_dict() for b in due.cadence.basis],
    }


def calendar(
    *, db_session: Session, clock: Clock, actor: Actor, division: str | None = None, overdue_only: bool = False
) -> list[dict[str, Any]]:
    """Every visible plan with its filing, next drill and next evaluation dates and overdue flags."""
    actor.require(Permission.REGISTRY_READ)
    query = select(PlanRecord).where(actor.record_filter(PlanRecord.division_code, PlanRecord.organisation_id))
    if division is not None:
        query = query.where(PlanRecord.division_code.startswith(divisions.stem(division), autoescape=True))
    today = to_local(clock.now()).date()
    rows = [calendar_row(db_session, r, today) for r in db_session.scalars(query.order_by(PlanRecord.id))]
    return [r for r in rows if r["overdue"]] if overdue_only else rows


def get(*, db_session: Session, clock: Clock, actor: Actor, plan_id: int) -> dict[str, Any]:
    record = _visible(db_session, actor, plan_id)
    activities = db_session.scalars(
        select(PlanActivity).where(PlanActivity.plan_id == record.id).order_by(PlanActivity.on, PlanActivity.id)
    )
    return calendar_row(db_session, record, to_local(clock.now()).date()) | {
        "activities": [
            {"kind": a.kind.value, "on": a.on, "detail": a.detail, "note": a.note, "actor": a.actor} for a in activities
        ]
    }


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

"""值班 read models: body and officer names looked up once per page, the caller's actions beside each row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.models import User
from yingji.core.clock import Clock
from yingji.duty import policy, service
from yingji.duty.models import DutyHandover, DutyLogEntry, DutyShift
from yingji.duty.schemas import (
    ContactRead,
    DutyBodyRead,
    HandoverRead,
    KeeperRead,
    LogEntryRead,
    OpenItems,
    ShiftRead,
)
from yingji.registry import divisions
from yingji.registry.models import Organisation


def _body_names(db_session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        i: name
        for i, name in db_session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids)))
    }


def shifts(db_session: Session, found: Sequence[DutyShift], now: datetime) -> list[ShiftRead]:
    bodies = _body_names(db_session, {s.body_id for s in found})
    people = service.display_names(db_session, (s.officer for s in found))
    return [
        ShiftRead(
            id=s.id,
            body_id=s.body_id,
            body_name=bodies.get(s.body_id, ""),
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            officer=s.officer,
            officer_name=people.get(s.officer, s.officer),
            leader_name=s.leader_name,
            leader_phone=s.leader_phone,
            note=s.note,
            on_now=s.starts_at <= now < s.ends_at,
            created_by=s.created_by,
            created_at=s.created_at,
        )
        for s in found
    ]


def body(db_session: Session, actor: Actor, clock: Clock, found: Organisation) -> DutyBodyRead:
    now = clock.now()
    current = service.on_duty(db_session=db_session, body_id=found.id, now=now)
    upcoming = service.next_shift(db_session=db_session, body_id=found.id, now=now)
    pending = service.pending_handover(db_session, found.id)
    rostered = [s for s in (current, upcoming) if s is not None]
    read = {s.id: r for s, r in zip(rostered, shifts(db_session, rostered, now), strict=True)}
    return DutyBodyRead(
        id=found.id,
        name=found.name,
        kind=found.kind,
        kind_label=found.kind.label,
        division_code=found.division_code,
        division_name=divisions.names(db_session, [found.division_code]).get(found.division_code, found.division_code),
        duty_phone=found.duty_phone,
        on_duty=read[current.id] if current else None,
        next_shift=read[upcoming.id] if upcoming else None,
        pending_handover_id=pending.id if pending else None,
        allowed_actions=policy.body_actions(actor, found, pending=pending is not None),
    )


def bodies(db_session: Session, actor: Actor, clock: Clock, found: Sequence[Organisation]) -> list[DutyBodyRead]:
    return [body(db_session, actor, clock, b) for b in found]


def log(db_session: Session, actor: Actor, found: Sequence[DutyLogEntry]) -> list[LogEntryRead]:
    bodies_ = _body_names(db_session, {e.body_id for e in found})
    people = service.display_names(db_session, (e.officer for e in found))
    fixed = service.corrections(db_session, (e.id for e in found))
    return [
        LogEntryRead(
            id=e.id,
            body_id=e.body_id,
            body_name=bodies_.get(e.body_id, ""),
            kind=e.kind,
            kind_label=e.kind.label,
            occurred_at=e.occurred_at,
            recorded_at=e.recorded_at,
            text=e.text,
            caller=e.caller,
            caller_phone=e.caller_phone,
            officer=e.officer,
            officer_name=people.get(e.officer, e.officer),
            corrects_id=e.corrects_id,
            corrected_by=fixed.get(e.id, []),
            allowed_actions=policy.log_actions(actor, e),
        )
        for e in found
    ]


def handovers(db_session: Session, actor: Actor, found: Sequence[DutyHandover]) -> list[HandoverRead]:
    bodies_ = _body_names(db_session, {h.body_id for h in found})
    people = service.display_names(db_session, [name for h in found for name in (h.from_officer, h.to_officer)])
    return [
        HandoverRead(
            id=h.id,
            body_id=h.body_id,
            body_name=bodies_.get(h.body_id, ""),
            state=h.state,
            state_label=h.state.label,
            from_officer=h.from_officer,
            from_officer_name=people.get(h.from_officer, h.from_officer),
            to_officer=h.to_officer,
            to_officer_name=people.get(h.to_officer, h.to_officer),
            note=h.note,
            items=OpenItems.model_validate(h.items),
            handed_at=h.handed_at,
            accepted_at=h.accepted_at,
            accept_note=h.accept_note,
            withdrawn_at=h.withdrawn_at,
            allowed_actions=policy.handover_actions(actor, h),
        )
        for h in found
    ]


def keepers(found: Sequence[User]) -> list[KeeperRead]:
    return [KeeperRead(username=u.username, display_name=u.display_name, role_label=u.role.label) for u in found]


def contacts(db_session: Session, found: Sequence[Organisation]) -> list[ContactRead]:
    places = divisions.names(db_session, (o.division_code for o in found))
    return [
        ContactRead(
            id=o.id,
            name=o.name,
            kind=o.kind,
            kind_label=o.kind.label,
            division_code=o.division_code,
            division_name=places.get(o.division_code, o.division_code),
            duty_phone=o.duty_phone,
            contact_person=o.contact_person,
            contact_phone=o.contact_phone,
            address=o.address,
        )
        for o in found
    ]

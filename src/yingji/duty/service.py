"""值班 workflows: the roster, the duty log, shift handover and the phone book.

The seeds make round-the-clock duty and reachable duty phones the core of every body's emergency work (000#L508
“建立常态化值班值守制度，确保通信畅通”, 000#L622 “值班电话应当保证24小时有人值守”, 001#L2325 “指挥部办公室实行
24 小时值班制度”, 004#L3488-L3490 “严格执行领导干部带班、24 小时值班制度”): a shift has an officer and a leader on
duty; a handover hands the open items of the body's jurisdiction to the next officer, who signs for them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.models import User
from yingji.auth.roles import ROLE_PERMISSIONS, Permission
from yingji.core.clock import Clock, to_local
from yingji.core.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.duty import policy
from yingji.duty.models import DutyHandover, DutyLogEntry, DutyShift, HandoverState
from yingji.duty.schemas import (
    AcceptIn,
    BodyFilters,
    ContactFilters,
    HandoverFilters,
    HandoverIn,
    LogEntryIn,
    LogFilters,
    OpenItem,
    OpenItemKind,
    OpenItems,
    ShiftFilters,
    ShiftIn,
)
from yingji.incidents import policy as incidents_policy
from yingji.incidents.clocks import LATE_KINDS
from yingji.incidents.enums import IncidentStatus
from yingji.incidents.models import Incident, Obligation
from yingji.monitoring import alarms
from yingji.monitoring import reads as alarm_reads
from yingji.monitoring.schemas import AlarmFilters
from yingji.registry.enums import OrganisationKind
from yingji.registry.models import Organisation

MAX_SHIFT = timedelta(hours=48)  # a 24-hour shift with its overlap at either end; longer is a typing error
LOG_PAST = timedelta(days=7)  # an entry written late (a busy night) still says when the call came
LOG_FUTURE = timedelta(minutes=5)  # clock skew between the officer's computer and the server
ITEMS_PER_KIND = 50
KEEPER_ROLES = tuple(role for role, granted in ROLE_PERMISSIONS.items() if Permission.DUTY_KEEP in granted)


def _audit(db_session: Session, clock: Clock, actor: Actor, action: str, target: str, key: int, **detail: Any) -> None:
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=f"duty.{action}",
        target_kind=target,
        target_key=str(key),
        detail={k: str(v) for k, v in detail.items() if v is not None},
    )


# --- bodies ---------------------------------------------------------------------------------------------------------


def get_body(*, db_session: Session, actor: Actor, body_id: int) -> Organisation:
    found = db_session.scalars(select(Organisation).where(Organisation.id == body_id, policy.body_scope(actor))).first()
    if found is None:
        raise NotFound(kind="值班单位", key=str(body_id))
    return found


def list_bodies(
    *, db_session: Session, actor: Actor, params: PageParams, filters: BodyFilters | None = None
) -> tuple[list[Organisation], int]:
    """Bodies with a duty desk in scope: by division, then name."""
    query = select(Organisation).where(policy.body_scope(actor), *(filters.clauses() if filters else ()))
    return paginate(
        db_session, query, params, order_by=[Organisation.division_code, Organisation.name, Organisation.id]
    )


def default_body(*, db_session: Session, actor: Actor) -> Organisation | None:
    """The desk the caller's console opens: of its own division, the body with the latest shift, else its emergency
    bureau (…应急管理局), else the first by name."""
    if actor.division_code is None:
        return None
    own = select(Organisation).where(policy.body_scope(actor), Organisation.division_code == actor.division_code)
    rostered = own.join(DutyShift, DutyShift.body_id == Organisation.id).order_by(
        DutyShift.starts_at.desc(), DutyShift.id.desc()
    )
    found = db_session.scalars(rostered.limit(1)).first()
    if found is not None:
        return found
    bureau_first = case((Organisation.name.endswith("应急管理局"), 0), else_=1)
    return db_session.scalars(own.order_by(bureau_first, Organisation.name, Organisation.id).limit(1)).first()


def keepers(*, db_session: Session, body: Organisation) -> list[User]:
    """The active accounts that may keep this body's desk: duty officers and commanders of its division."""
    query = select(User).where(
        User.is_active.is_(True),
        User.organisation_id.is_(None),
        User.division_code == body.division_code,
        User.role.in_(KEEPER_ROLES),
    )
    return list(db_session.scalars(query.order_by(User.username)))


def _require_keeper_account(db_session: Session, body: Organisation, username: str, field: str, action: str) -> None:
    if username not in {u.username for u in keepers(db_session=db_session, body=body)}:
        raise InvalidInput(
            field=field,
            reason=f"{field}：「{username}」不是本单位的值班账号（须为本级值班员或指挥员）",
            subcode=f"duty.{action}.officer",
        )


def display_names(db_session: Session, usernames: Iterable[str]) -> dict[str, str]:
    wanted = set(usernames)
    if not wanted:
        return {}
    rows = db_session.execute(select(User.username, User.display_name).where(User.username.in_(wanted)))
    return {username: name for username, name in rows}


# --- roster ---------------------------------------------------------------------------------------------------------


def on_duty(*, db_session: Session, body_id: int, now: datetime) -> DutyShift | None:
    """Who is on duty now: the shift running at ``now`` (the latest started, should two overlap at a change)."""
    query = select(DutyShift).where(DutyShift.body_id == body_id, DutyShift.starts_at <= now, DutyShift.ends_at > now)
    return db_session.scalars(query.order_by(DutyShift.starts_at.desc(), DutyShift.id.desc()).limit(1)).first()


def next_shift(*, db_session: Session, body_id: int, now: datetime) -> DutyShift | None:
    query = select(DutyShift).where(DutyShift.body_id == body_id, DutyShift.starts_at > now)
    return db_session.scalars(query.order_by(DutyShift.starts_at, DutyShift.id).limit(1)).first()


def create_shift(*, db_session: Session, clock: Clock, actor: Actor, data: ShiftIn) -> DutyShift:
    body = get_body(db_session=db_session, actor=actor, body_id=data.body_id)
    policy.require_keeper(actor, body.division_code, "shift.create")
    if data.ends_at <= data.starts_at:
        raise InvalidInput(field="ends_at", reason="ends_at：结束时间须晚于开始时间", subcode="duty.shift.create.order")
    if data.ends_at - data.starts_at > MAX_SHIFT:
        raise InvalidInput(
            field="ends_at", reason="ends_at：一个班次不超过 48 小时", subcode="duty.shift.create.length"
        )
    _require_keeper_account(db_session, body, data.officer, "officer", "shift.create")
    overlapping = select(DutyShift.id).where(
        DutyShift.body_id == body.id, DutyShift.starts_at < data.ends_at, DutyShift.ends_at > data.starts_at
    )
    clash = db_session.scalars(overlapping.limit(1)).first()
    if clash is not None:
        raise Conflict(reason=f"与已排班次（编号 {clash}）时间重叠", subcode="duty.shift.create.overlap")
    shift = DutyShift(
        body_id=body.id,
        division_code=body.division_code,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        officer=data.officer,
        leader_name=data.leader_name,
        leader_phone=data.leader_phone,
        note=data.note,
        created_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(shift)
    db_session.flush()
    _audit(db_session, clock, actor, "shift.create", "duty_shift", shift.id, body_id=body.id, officer=shift.officer)
    return shift


def get_shift(*, db_session: Session, actor: Actor, shift_id: int) -> DutyShift:
    found = db_session.scalars(select(DutyShift).where(DutyShift.id == shift_id, policy.shift_scope(actor))).first()
    if found is None:
        raise NotFound(kind="班次", key=str(shift_id))
    return found


def list_shifts(
    *, db_session: Session, actor: Actor, params: PageParams, filters: ShiftFilters | None = None
) -> tuple[list[DutyShift], int]:
    """The roster, latest start first."""
    query = select(DutyShift).where(policy.shift_scope(actor), *(filters.clauses() if filters else ()))
    return paginate(db_session, query, params, order_by=[DutyShift.starts_at.desc(), DutyShift.id.desc()])


# --- duty log -------------------------------------------------------------------------------------------------------


def write_log(*, db_session: Session, clock: Clock, actor: Actor, data: LogEntryIn) -> DutyLogEntry:
    """Append an entry; a correction names the entry it corrects (of the same desk), which stays as written."""
    body = get_body(db_session=db_session, actor=actor, body_id=data.body_id)
    policy.require_keeper(actor, body.division_code, "log.create")
    now = clock.now()
    occurred = data.occurred_at or now
    if occurred > now + LOG_FUTURE:
        raise InvalidInput(field="occurred_at", reason="occurred_at：不能晚于现在", subcode="duty.log.create.future")
    if occurred < now - LOG_PAST:
        raise InvalidInput(
            field="occurred_at", reason="occurred_at：只能补记 7 天内的事项", subcode="duty.log.create.too_old"
        )
    if data.corrects_id is not None:
        old = db_session.get(DutyLogEntry, data.corrects_id)
        if old is None or old.body_id != body.id:
            raise InvalidInput(
                field="corrects_id",
                reason="corrects_id：只能更正本单位值班日志中的条目",
                subcode="duty.log.create.corrects",
            )
    entry = DutyLogEntry(
        body_id=body.id,
        division_code=body.division_code,
        kind=data.kind,
        occurred_at=occurred,
        text=data.text,
        caller=data.caller or None,
        caller_phone=data.caller_phone or None,
        corrects_id=data.corrects_id,
        officer=actor.username,
        recorded_at=now,
    )
    db_session.add(entry)
    db_session.flush()
    _audit(
        db_session,
        clock,
        actor,
        "log.create",
        "duty_log_entry",
        entry.id,
        body_id=body.id,
        kind=entry.kind.value,
        corrects_id=entry.corrects_id,
    )
    return entry


def get_log(*, db_session: Session, actor: Actor, entry_id: int) -> DutyLogEntry:
    query = select(DutyLogEntry).where(DutyLogEntry.id == entry_id, policy.log_scope(actor))
    found = db_session.scalars(query).first()
    if found is None:
        raise NotFound(kind="值班日志", key=str(entry_id))
    return found


def list_log(
    *, db_session: Session, actor: Actor, params: PageParams, filters: LogFilters | None = None
) -> tuple[list[DutyLogEntry], int]:
    """The duty log, newest first (by when it happened, then as written)."""
    query = select(DutyLogEntry).where(policy.log_scope(actor), *(filters.clauses() if filters else ()))
    return paginate(db_session, query, params, order_by=[DutyLogEntry.occurred_at.desc(), DutyLogEntry.id.desc()])


def corrections(db_session: Session, entry_ids: Iterable[int]) -> dict[int, list[int]]:
    wanted = set(entry_ids)
    if not wanted:
        return {}
    found: dict[int, list[int]] = {}
    query = select(DutyLogEntry.corrects_id, DutyLogEntry.id).where(DutyLogEntry.corrects_id.in_(wanted))
    for old, new in db_session.execute(query.order_by(DutyLogEntry.id)):
        if old is not None:
            found.setdefault(old, []).append(new)
    return found


# --- open items -----------------------------------------------------------------------------------------------------


def _at_desk(actor: Actor, body: Organisation) -> Actor:
    """The actor as seen from the body's desk: the open items are those of the body's jurisdiction."""
    return dataclasses.replace(
        actor, division_code=body.division_code, organisation_id=None, organisation_division=None
    )


def _local(at: datetime) -> str:
    return to_local(at).strftime("%m-%d %H:%M")


def open_items(*, db_session: Session, actor: Actor, clock: Clock, body: Organisation) -> OpenItems:
    """Unacknowledged alarms, running reporting clocks and open incidents of the body's jurisdiction, now."""
    desk = _at_desk(actor, body)
    now = clock.now()
    items: list[OpenItem] = []
    unacked = AlarmFilters(state="unacked")
    alarm_count = alarms.count(db_session=db_session, actor=desk, clock=clock, state="unacked")
    found, _ = alarms.list_(
        db_session=db_session, actor=desk, clock=clock, params=PageParams(limit=ITEMS_PER_KIND), filters=unacked
    )
    for a in alarm_reads.read_all(db_session, desk, found, now):
        value = f" {a.value:g}{a.unit}" if a.value is not None else ""
        level = a.severity_label if a.level_name == a.severity_label else f"{a.severity_label} · {a.level_name}"
        items.append(
            OpenItem(
                kind=OpenItemKind.ALARM,
                kind_label=OpenItemKind.ALARM.label,
                ref_id=a.id,
                title=f"{a.enterprise_name} {a.site_name} {a.point_name}",
                detail=f"{level}{value} · {a.duration_label}",
                at=a.active_since,
                link=f"/console/alarms?site={a.site}",
            )
        )
    clock_count = overdue = incident_count = 0
    if desk.has(Permission.PLANS_READ):
        running = (
            select(Obligation, Incident)
            .join(Incident, Incident.id == Obligation.incident_id)
            .where(
                incidents_policy.scope(desk),
                Obligation.kind.in_(LATE_KINDS),
                Obligation.due_at.is_not(None),
                Obligation.acknowledged_at.is_(None),
                Obligation.withdrawn_at.is_(None),
            )
        )
        counted = running.with_only_columns(
            func.count(), func.count(case((Obligation.due_at < now, 1))), maintain_column_froms=True
        )
        clock_count, overdue = db_session.execute(counted).one()
        soonest = running.order_by(Obligation.due_at, Obligation.id).limit(ITEMS_PER_KIND)
        for obligation, incident in db_session.execute(soonest):
            assert obligation.due_at is not None
            late = obligation.due_at < now
            items.append(
                OpenItem(
                    kind=OpenItemKind.CLOCK,
                    kind_label=OpenItemKind.CLOCK.label,
                    ref_id=incident.id,
                    title=f"{incident.title}：{obligation.from_body} → {obligation.to_body}",
                    detail=f"{obligation.kind.label}，{'已超时' if late else '截止'} {_local(obligation.due_at)}",
                    at=obligation.due_at,
                    overdue=late,
                    link=f"/console/incidents/{incident.id}",
                )
            )
        open_incidents = select(Incident).where(incidents_policy.scope(desk), Incident.status != IncidentStatus.ENDED)
        incident_count = db_session.scalar(select(func.count()).select_from(open_incidents.subquery())) or 0
        newest = open_incidents.order_by(Incident.occurred_at.desc(), Incident.id.desc()).limit(ITEMS_PER_KIND)
        for incident in db_session.scalars(newest):
            items.append(
                OpenItem(
                    kind=OpenItemKind.INCIDENT,
                    kind_label=OpenItemKind.INCIDENT.label,
                    ref_id=incident.id,
                    title=incident.title,
                    detail=f"{incident.status.label}，发生于 {_local(incident.occurred_at)}",
                    at=incident.occurred_at,
                    link=f"/console/incidents/{incident.id}",
                )
            )
    return OpenItems(
        as_of=now,
        alarms=alarm_count,
        clocks=clock_count,
        overdue_clocks=overdue,
        incidents=incident_count,
        items=items,
    )


# --- handover -------------------------------------------------------------------------------------------------------


def pending_handover(db_session: Session, body_id: int) -> DutyHandover | None:
    query = select(DutyHandover).where(DutyHandover.body_id == body_id, DutyHandover.state == HandoverState.PENDING)
    return db_session.scalars(query.order_by(DutyHandover.id.desc()).limit(1)).first()


def hand_over(*, db_session: Session, clock: Clock, actor: Actor, data: HandoverIn) -> DutyHandover:
    """交班: the open items of this moment go into the record; the incoming officer signs it (``accept``)."""
    body = get_body(db_session=db_session, actor=actor, body_id=data.body_id)
    policy.require_keeper(actor, body.division_code, "handover.create")
    if data.to_officer == actor.username:
        raise InvalidInput(field="to_officer", reason="to_officer：不能交班给自己", subcode="duty.handover.create.self")
    _require_keeper_account(db_session, body, data.to_officer, "to_officer", "handover.create")
    waiting = pending_handover(db_session, body.id)
    if waiting is not None:
        raise InvalidState(
            reason=f"本单位已有待接班确认的交班记录（编号 {waiting.id}），请先确认或撤回",
            subcode="duty.handover.create.pending",
        )
    items = open_items(db_session=db_session, actor=actor, clock=clock, body=body)
    handover = DutyHandover(
        body_id=body.id,
        division_code=body.division_code,
        state=HandoverState.PENDING,
        from_officer=actor.username,
        to_officer=data.to_officer,
        note=data.note or None,
        items=items.model_dump(mode="json"),
        handed_at=clock.now(),
    )
    db_session.add(handover)
    db_session.flush()
    _audit(
        db_session,
        clock,
        actor,
        "handover.create",
        "duty_handover",
        handover.id,
        body_id=body.id,
        to_officer=handover.to_officer,
        alarms=items.alarms,
        clocks=items.clocks,
        incidents=items.incidents,
    )
    return handover


def get_handover(*, db_session: Session, actor: Actor, handover_id: int, for_update: bool = False) -> DutyHandover:
    query = select(DutyHandover).where(DutyHandover.id == handover_id, policy.handover_scope(actor))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    found = db_session.scalars(query).first()
    if found is None:
        raise NotFound(kind="交接班记录", key=str(handover_id))
    return found


def accept(*, db_session: Session, clock: Clock, actor: Actor, handover_id: int, data: AcceptIn) -> DutyHandover:
    """接班确认: only the named incoming officer signs, once."""
    handover = get_handover(db_session=db_session, actor=actor, handover_id=handover_id, for_update=True)
    if not (policy.is_incoming(actor, handover) and policy.keeps(actor, handover.division_code)):
        raise Forbidden(reason="只有交班记录指定的接班人可以确认接班", subcode="duty.handover.accept.not_incoming")
    if handover.state is not HandoverState.PENDING:
        raise InvalidState(reason=f"该交班记录{handover.state.label}", subcode="duty.handover.accept.state")
    handover.state, handover.accepted_at, handover.accept_note = HandoverState.ACCEPTED, clock.now(), data.note
    _audit(
        db_session, clock, actor, "handover.accept", "duty_handover", handover.id, from_officer=handover.from_officer
    )
    return handover


def withdraw(*, db_session: Session, clock: Clock, actor: Actor, handover_id: int) -> DutyHandover:
    """The outgoing officer takes back a handover not yet accepted (wrong person named, items changed)."""
    handover = get_handover(db_session=db_session, actor=actor, handover_id=handover_id, for_update=True)
    if not (policy.is_outgoing(actor, handover) and policy.keeps(actor, handover.division_code)):
        raise Forbidden(reason="只有交班人可以撤回交班记录", subcode="duty.handover.withdraw.not_outgoing")
    if handover.state is not HandoverState.PENDING:
        raise InvalidState(reason=f"该交班记录{handover.state.label}", subcode="duty.handover.withdraw.state")
    handover.state, handover.withdrawn_at = HandoverState.WITHDRAWN, clock.now()
    _audit(db_session, clock, actor, "handover.withdraw", "duty_handover", handover.id, to_officer=handover.to_officer)
    return handover


def list_handovers(
    *, db_session: Session, actor: Actor, params: PageParams, filters: HandoverFilters | None = None
) -> tuple[list[DutyHandover], int]:
    """Handovers, newest first."""
    query = select(DutyHandover).where(policy.handover_scope(actor), *(filters.clauses() if filters else ()))
    return paginate(db_session, query, params, order_by=[DutyHandover.handed_at.desc(), DutyHandover.id.desc()])


# --- phone book -----------------------------------------------------------------------------------------------------

KIND_ORDER = case(
    (Organisation.kind == OrganisationKind.GOVERNMENT, 0),
    (Organisation.kind == OrganisationKind.DEPARTMENT, 1),
    (Organisation.kind == OrganisationKind.RESCUE, 2),
    (Organisation.kind == OrganisationKind.OTHER, 3),
    else_=4,
)


def contacts(
    *, db_session: Session, actor: Actor, params: PageParams, filters: ContactFilters | None = None
) -> tuple[list[Organisation], int]:
    """通讯录: units of the registry in scope — governments and departments first, then rescue, then enterprises."""
    query = select(Organisation).where(policy.contact_scope(actor), *(filters.clauses() if filters else ()))
    return paginate(
        db_session,
        query,
        params,
        order_by=[KIND_ORDER, Organisation.division_code, Organisation.name, Organisation.id],
    )

"""Alarm lifecycle (ISA-18.2), the people's side: read, acknowledge, comment, shelve, escalate, propose a warning.

Active/cleared and acknowledged/unacknowledged are separate axes (anchor-systems.md#L311); the engine's side (raise,
re-level, clear, flood groups) is ``alarm_store``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, to_local
from yingji.core.errors import Conflict, InvalidInput, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.db import outbox
from yingji.inbox import service as inbox
from yingji.inbox.models import NoticeKind
from yingji.monitoring import access
from yingji.monitoring.alarm_store import ENGINE_ACTOR, add_event, close
from yingji.monitoring.models import Alarm, AlarmCondition, AlarmEvent, MonitorPoint, Severity, SiteKind
from yingji.monitoring.points import point_rules
from yingji.monitoring.policy import policy
from yingji.monitoring.schemas import ALARM_STATES, AlarmFilters
from yingji.monitoring.tailings import colour_of
from yingji.plans import loader
from yingji.plans.schema import Plan, Sector
from yingji.registry.enums import MineKind
from yingji.registry.models import Mine, Organisation, TailingsPond
from yingji.warnings import service as warnings_service
from yingji.warnings.models import EarlyWarning, WarningKind
from yingji.warnings.schemas import WarningDraft

# --- people ---------------------------------------------------------------------------------------------------------


def get(*, db_session: Session, actor: Actor, alarm_id: int) -> Alarm:
    found = db_session.scalars(select(Alarm).where(Alarm.id == alarm_id, access.scope(actor))).first()
    if found is None:
        raise NotFound(kind="报警", key=str(alarm_id))
    return found


def _for_update(db_session: Session, actor: Actor, alarm_id: int) -> Alarm:
    actor.require(Permission.ALARMS_HANDLE)
    query = select(Alarm).where(Alarm.id == alarm_id, access.scope(actor)).with_for_update()
    alarm = db_session.scalars(query.execution_options(populate_existing=True)).first()
    if alarm is None:
        raise NotFound(kind="报警", key=str(alarm_id))
    return alarm


STATES = ALARM_STATES


TRIAGE_ORDER = (Alarm.severity.desc(), Alarm.active_since.desc(), Alarm.id.desc())


def _query(actor: Actor, clock: Clock, filters: AlarmFilters) -> Select[Any]:
    if filters.state not in STATES:
        raise InvalidInput(field="state", reason=f"state 只能是 {'、'.join(STATES)}")
    query = select(Alarm).where(access.scope(actor))
    now = clock.now()
    shelved = Alarm.shelved_until.is_not(None) & (Alarm.shelved_until > now)
    conditions = {
        "open": Alarm.open_key.is_not(None) & ~shelved,
        "active": Alarm.active.is_(True) & ~shelved,
        "unacked": Alarm.open_key.is_not(None) & Alarm.acked_at.is_(None) & ~shelved,
        "shelved": Alarm.open_key.is_not(None) & shelved,
        "closed": Alarm.open_key.is_(None),
    }
    if filters.state in conditions:
        query = query.where(conditions[filters.state])
    if filters.site is not None:
        query = query.where(Alarm.site_key == filters.site)
    if filters.enterprise is not None:
        query = query.where(Alarm.enterprise_id == filters.enterprise)
    if filters.kind is not None:
        query = query.where(Alarm.point_id.in_(select(MonitorPoint.id).where(MonitorPoint.kind == filters.kind)))
    if filters.severity is not None:
        query = query.where(Alarm.severity == filters.severity.rank)
    if filters.group is not None:
        query = query.where(Alarm.group_id == filters.group)
    return query


def _one_row_per_flood(query: Select[Any]) -> Select[Any]:
    """Keep alarms outside floods and, of each flood group, its most urgent member: a flood reads as one row."""
    ranked = (
        query.with_only_columns(
            Alarm.id, func.row_number().over(partition_by=Alarm.group_id, order_by=TRIAGE_ORDER).label("rank")
        )
        .where(Alarm.group_id.is_not(None))
        .subquery()
    )
    heads = select(ranked.c.id).where(ranked.c.rank == 1)
    return query.where(Alarm.group_id.is_(None) | Alarm.id.in_(heads))


def list_(
    *,
    db_session: Session,
    actor: Actor,
    clock: Clock,
    params: PageParams,
    filters: AlarmFilters | None = None,
) -> tuple[list[Alarm], int]:
    """One page of the alarms in scope, most urgent first (紧急 before 报警 before 故障, then the latest rise), with the
    total; ``open`` hides shelved ones; a flood group is one row unless asked for one by one."""
    filters = filters or AlarmFilters()
    query = _query(actor, clock, filters)
    if filters.collapses_floods:
        query = _one_row_per_flood(query)
    return paginate(db_session, query, params, order_by=TRIAGE_ORDER)


def flood_sizes(
    *, db_session: Session, actor: Actor, clock: Clock, filters: AlarmFilters, group_ids: set[int]
) -> dict[int, int]:
    """How many alarms of each flood group the filters let through: the count shown on the group's one row."""
    if not group_ids:
        return {}
    query = _query(actor, clock, filters).where(Alarm.group_id.in_(group_ids))
    rows = db_session.execute(query.with_only_columns(Alarm.group_id, func.count()).group_by(Alarm.group_id))
    return {group_id: n for group_id, n in rows if group_id is not None}


def count(*, db_session: Session, actor: Actor, clock: Clock, state: str = "open") -> int:
    query = _query(actor, clock, AlarmFilters(state=state))
    return db_session.scalar(select(func.count()).select_from(query.subquery())) or 0


def stamp(*, db_session: Session, actor: Actor, clock: Clock) -> str:
    """Changes whenever the open alarms in scope change (one more, one closed, a level moved): live pages redraw."""
    query = _query(actor, clock, AlarmFilters()).with_only_columns(
        func.count(),
        func.max(Alarm.id),
        func.sum(Alarm.level),
        func.max(Alarm.active_since),
        func.count(Alarm.acked_at),
    )
    return ":".join(str(v) for v in db_session.execute(query).one())


def critical_unacked(*, db_session: Session, actor: Actor, clock: Clock, limit: int = 5) -> list[Alarm]:
    """The newest open, unacknowledged 紧急 alarms in scope: what the console announces (title, sound, notification)."""
    query = _query(actor, clock, AlarmFilters(state="unacked", severity=Severity.CRITICAL))
    return list(db_session.scalars(query.order_by(Alarm.active_since.desc(), Alarm.id.desc()).limit(limit)))


def open_enterprises(*, db_session: Session, actor: Actor, clock: Clock) -> list[tuple[int, str]]:
    """The enterprises with open alarms in scope, by name: the triage list's enterprise filter."""
    ids = _query(actor, clock, AlarmFilters()).with_only_columns(Alarm.enterprise_id).distinct()
    query = select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids)).order_by(Organisation.name)
    return [(org_id, name) for org_id, name in db_session.execute(query)]


def open_by_site(*, db_session: Session, actor: Actor, clock: Clock) -> dict[str, int]:
    """Open alarms per site (mine:7 → 3), for the map: one grouped query, no cap."""
    rows = db_session.execute(
        _query(actor, clock, AlarmFilters()).with_only_columns(Alarm.site_key, func.count()).group_by(Alarm.site_key)
    ).all()
    return {site: n for site, n in rows}


def events(*, db_session: Session, alarm: Alarm) -> list[AlarmEvent]:
    return list(db_session.scalars(select(AlarmEvent).where(AlarmEvent.alarm_id == alarm.id).order_by(AlarmEvent.id)))


def _audit(db_session: Session, clock: Clock, actor: Actor, action: str, alarm: Alarm, detail: dict[str, Any]) -> None:
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=f"alarms.{action}",
        target_kind="alarm",
        target_key=str(alarm.id),
        detail=detail,
    )


def _ack(db_session: Session, alarm: Alarm, clock: Clock, actor: Actor, comment: str | None) -> None:
    now = clock.now()
    alarm.acked_at, alarm.acked_by = now, actor.username
    add_event(db_session, alarm, now, "acked", actor=actor.username, text=comment)
    if not alarm.active:
        close(alarm, now)


def acknowledge(*, db_session: Session, clock: Clock, actor: Actor, alarm_id: int, comment: str | None) -> Alarm:
    """确认: the operator has seen it. A cleared alarm closes on acknowledgement; an active one stays active."""
    alarm = _for_update(db_session, actor, alarm_id)
    if alarm.open_key is None:
        raise Conflict(reason="报警已关闭")
    if alarm.acked_at is not None:
        raise Conflict(reason=f"报警已由 {alarm.acked_by} 确认")
    _ack(db_session, alarm, clock, actor, comment)
    _audit(db_session, clock, actor, "ack", alarm, {"comment": comment, "closed": not alarm.active})
    db_session.flush()
    return alarm


MAX_BULK_ACK = 500


def acknowledge_many(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    alarm_ids: Sequence[int] = (),
    site_key: str | None = None,
    group_id: int | None = None,
    comment: str | None,
) -> tuple[list[Alarm], int]:
    """确认 several at once — the ones in view, a site's or a flood group's open alarms — with one comment. Alarms
    already acknowledged are left as they are (counted); an id outside the caller's scope refuses the whole request."""
    actor.require(Permission.ALARMS_HANDLE)
    wanted = set(alarm_ids)
    if site_key is not None or group_id is not None:
        query = select(Alarm.id).where(access.scope(actor), Alarm.open_key.is_not(None), Alarm.acked_at.is_(None))
        if site_key is not None:
            query = query.where(Alarm.site_key == site_key)
        if group_id is not None:
            query = query.where(Alarm.group_id == group_id)
        wanted |= set(db_session.scalars(query.limit(MAX_BULK_ACK + 1)))
    if not wanted:
        raise InvalidInput(field="alarm_ids", reason="没有要确认的报警", subcode="alarm.ack.none")
    if len(wanted) > MAX_BULK_ACK:
        raise InvalidInput(
            field="alarm_ids", reason=f"一次最多确认 {MAX_BULK_ACK} 条报警", subcode="alarm.ack.too_many"
        )
    acked: list[Alarm] = []
    skipped = 0
    for alarm_id in sorted(wanted):  # one lock order for every request: two bulk acknowledgements never deadlock
        alarm = _for_update(db_session, actor, alarm_id)
        if alarm.open_key is None or alarm.acked_at is not None:
            skipped += 1
            continue
        _ack(db_session, alarm, clock, actor, comment)
        acked.append(alarm)
    if acked:
        audit.record(
            db_session=db_session,
            clock=clock,
            actor=actor.username,
            action="alarms.ack_many",
            target_kind="alarm",
            target_key=site_key or (f"group:{group_id}" if group_id else f"{len(acked)} 条"),
            detail={"ids": [a.id for a in acked], "comment": comment, "site": site_key, "group": group_id},
        )
    db_session.flush()
    return acked, skipped


def comment(*, db_session: Session, clock: Clock, actor: Actor, alarm_id: int, text: str) -> Alarm:
    alarm = _for_update(db_session, actor, alarm_id)
    add_event(db_session, alarm, clock.now(), "comment", actor=actor.username, text=text)
    _audit(db_session, clock, actor, "comment", alarm, {"text": text})
    db_session.flush()
    return alarm


def shelve(*, db_session: Session, clock: Clock, actor: Actor, alarm_id: int, hours: float, reason: str) -> Alarm:
    """搁置: hide an open alarm from the live list and stop its escalation until the expiry; never indefinitely."""
    limit = policy().shelving
    if not 0 < hours <= limit.max_hours:
        raise InvalidInput(
            field="hours", reason=f"搁置时长须大于 0 且不超过 {limit.max_hours} 小时（依据 {limit.basis}）"
        )
    alarm = _for_update(db_session, actor, alarm_id)
    if alarm.open_key is None:
        raise Conflict(reason="报警已关闭，无需搁置")
    now = clock.now()
    alarm.shelved_until, alarm.shelved_by = now + timedelta(hours=hours), actor.username
    add_event(
        db_session, alarm, now, "shelved", actor=actor.username, text=reason, detail={"until": str(alarm.shelved_until)}
    )
    _audit(db_session, clock, actor, "shelve", alarm, {"hours": hours, "reason": reason})
    db_session.flush()
    return alarm


def unshelve(*, db_session: Session, clock: Clock, actor: Actor, alarm_id: int) -> Alarm:
    alarm = _for_update(db_session, actor, alarm_id)
    now = clock.now()
    if alarm.shelved_until is None or alarm.shelved_until <= now:
        raise Conflict(reason="报警未处于搁置状态")
    alarm.shelved_until = None
    add_event(db_session, alarm, now, "unshelved", actor=actor.username)
    _audit(db_session, clock, actor, "unshelve", alarm, {})
    db_session.flush()
    return alarm


def expire_shelving(*, db_session: Session, clock: Clock) -> int:
    """Return shelved alarms whose expiry has passed to the live list (and to escalation)."""
    now = clock.now()
    due = list(db_session.scalars(select(Alarm).where(Alarm.shelved_until.is_not(None), Alarm.shelved_until <= now)))
    for alarm in due:
        alarm.shelved_until = None
        add_event(db_session, alarm, now, "unshelved", ENGINE_ACTOR, text="搁置到期")
    db_session.flush()
    return len(due)


# --- escalation -----------------------------------------------------------------------------------------------------


def _duty_phone(db_session: Session, alarm: Alarm, notify: str) -> str | None:
    if notify == "enterprise":
        org_id: int | None = alarm.enterprise_id
    else:
        site_kind, _, site_id = alarm.site_key.partition(":")
        site: Mine | TailingsPond | None = (
            db_session.get(Mine, int(site_id)) if site_kind == "mine" else db_session.get(TailingsPond, int(site_id))
        )
        org_id = site.supervising_org_id if site is not None else None
    org = db_session.get(Organisation, org_id) if org_id is not None else None
    return org.duty_phone if org is not None else None


def escalate_due(*, db_session: Session, clock: Clock) -> int:
    """Notify the next rung for every active, unacknowledged, unshelved alarm past its step's delay.

    A flood group is one notification per rung (its key is the group's), so a flood cannot page anyone eleven times.
    """
    now = clock.now()
    steps = policy().escalation.steps
    candidates = db_session.scalars(
        select(Alarm).where(
            Alarm.active.is_(True),
            Alarm.acked_at.is_(None),
            Alarm.escalation_step < len(steps),
            Alarm.condition != AlarmCondition.DECLARED,  # a declaration to correct, shown in the list, not paged
            (Alarm.shelved_until.is_(None)) | (Alarm.shelved_until <= now),
        )
    )
    count = 0
    for alarm in candidates:
        step = steps[alarm.escalation_step]
        if alarm.active_since + timedelta(minutes=step.after_min) > now:
            continue
        alarm.escalation_step += 1
        phone = _duty_phone(db_session, alarm, step.notify)
        key = f"alarm-group-{alarm.group_id}" if alarm.group_id is not None else f"alarm-{alarm.id}-{alarm.raise_count}"
        if phone:
            outbox.enqueue(
                db_session=db_session,
                now=now,
                topic=f"alarm.escalation.{alarm.escalation_step}",
                key=key,
                channel="sms",
                recipient=phone,
                payload={"sms_text": _escalation_text(alarm, step.after_min), "alarm_id": alarm.id},
            )
        inbox.post(
            db_session,
            now=now,
            user_ids=inbox.officers_over(db_session, alarm.division_code, Permission.ALARMS_HANDLE),
            kind=NoticeKind.ALARM,
            key=f"{key}-rung-{alarm.escalation_step}",
            title=f"报警未确认已超过 {step.after_min} 分钟：{alarm.level_name}",
            body=_escalation_text(alarm, step.after_min),
            url=f"/console/alarms?site={alarm.site_key}",
            division_code=alarm.division_code,
        )
        add_event(
            db_session,
            alarm,
            now,
            "escalated",
            ENGINE_ACTOR,
            detail={"step": alarm.escalation_step, "notify": step.notify, "phone": phone},
            text=None if phone else "无值班电话，未能通知",
        )
        count += 1
    db_session.flush()
    return count


def _escalation_text(alarm: Alarm, minutes: int) -> str:
    return f"【监测报警未确认】{alarm.level_name}报警（编号 {alarm.id}）已超过 {minutes} 分钟未确认，请立即处置。"


# --- proposing a warning ----------------------------------------------------------------------------------------------

MINE_SECTOR = {
    MineKind.COAL_UNDERGROUND: Sector.COAL_MINE,
    MineKind.COAL_OPEN_PIT: Sector.COAL_MINE,
    MineKind.NON_COAL_UNDERGROUND: Sector.NON_COAL_MINE,
    MineKind.NON_COAL_OPEN_PIT: Sector.NON_COAL_MINE,
}


def _site_of(db_session: Session, point: MonitorPoint) -> tuple[str, Sector]:
    if point.site_kind is SiteKind.POND:
        pond = db_session.get(TailingsPond, point.pond_id)
        assert pond is not None
        return pond.name, Sector.NON_COAL_MINE  # 尾矿库 belongs to the non-coal-mine plans
    mine = db_session.get(Mine, point.mine_id)
    assert mine is not None
    return mine.name, MINE_SECTOR[mine.kind]


def _suggested_level(point: MonitorPoint, alarm: Alarm) -> int | None:
    """A pond point's colour is itself a warning colour (GB 50863 §5.5.4); a mine alarm's level has no colour."""
    if alarm.condition is not AlarmCondition.LEVEL:
        return None
    rule = next((r for r in point_rules(point) if r.rule_id == alarm.rule_id), None)
    if rule is None or not rule.aggregation:
        return None
    colour = colour_of(rule.aggregation[min(max(alarm.peak_level, 1), len(rule.aggregation)) - 1])
    return int(colour) if colour else None


def _alarm_facts(plan: Plan, alarm: Alarm, point: MonitorPoint, site_name: str) -> dict[str, str]:
    """What the alarm itself states, written into the plan's fields that ask for it (start time, the area it may
    affect, what to beware of, the issuing HQ's duty phone); measures and anything else stay for a person to write."""
    value = "" if alarm.value is None else f" {alarm.value:g}{point.unit}"
    where = f"{site_name}{point.location_class or point.name}"
    facts = {
        "起始时间": to_local(alarm.raised_at).strftime("%Y-%m-%d %H:%M"),
        "影响范围": where,
        "警示事项": f"{where}{point.kind.label}{alarm.level_name}{value}",
        "咨询电话": plan.metadata.duty_phone or "",
    }
    written = {}
    for name in warnings_service.user_fields(plan):
        fact = next((text for key, text in facts.items() if key in name), "")
        if fact:
            written[name] = fact
    return written


def propose_warning(
    *, db_session: Session, clock: Clock, actor: Actor, alarm_id: int, level: int | None, note: str | None
) -> EarlyWarning:
    """一键提出预警建议: a proposal in the warnings module under the plan for the site's place and sector."""
    alarm = _for_update(db_session, actor, alarm_id)
    if alarm.warning_id is not None:
        raise Conflict(reason=f"该报警已提出预警建议（预警编号 {alarm.warning_id}）")
    point = db_session.get(MonitorPoint, alarm.point_id)
    assert point is not None
    chosen = level or _suggested_level(point, alarm)
    if chosen is None:
        raise InvalidInput(
            field="level", reason="矿山监测报警没有对应的预警颜色，请选择预警级别（1 红 2 橙 3 黄 4 蓝）"
        )
    site_name, sector = _site_of(db_session, point)
    plan = next((p for p in loader.for_place(alarm.division_code, sector) if p.warning is not None), None)
    if plan is None:
        raise InvalidInput(field="alarm", reason="该地没有规定事故预警的适用预案，无法提出预警建议")
    kind_label = point.kind.label
    warning = warnings_service.create(
        db_session=db_session,
        clock=clock,
        actor=actor,
        data=WarningDraft(
            kind=WarningKind.ACCIDENT,
            plan_id=plan.id,
            level=chosen,
            category=f"{kind_label}{alarm.level_name}"[:60],
            title=f"{site_name}{point.name}{kind_label}{alarm.level_name}"[:200],
            division_codes=[alarm.division_code],
            fields=_alarm_facts(plan, alarm, point, site_name),
            source=f"monitoring:alarm:{alarm.id}",
            note=note,
        ),
        proposed=True,
    )
    alarm.warning_id = warning.id
    add_event(db_session, alarm, clock.now(), "proposed", actor=actor.username, detail={"warning_id": warning.id})
    _audit(db_session, clock, actor, "propose_warning", alarm, {"warning_id": warning.id, "level": chosen})
    db_session.flush()
    return warning

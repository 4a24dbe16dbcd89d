"""指挥大屏: the panels around the map, each read through the service that owns it in the caller's jurisdiction —
incidents in progress with their grade and nearest reporting clock, warnings in force, alarms, hazards, resource
readiness, today's duty and three charts."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, local_today, to_local
from yingji.core.paging import MAX_LIMIT, PageParams
from yingji.duty import reads as duty_reads
from yingji.duty import service as duty
from yingji.duty.schemas import ShiftFilters, ShiftRead
from yingji.geo.schemas import (
    ChartRead,
    ClockRead,
    HazardFigures,
    ReadinessRead,
    ScreenIncident,
    ScreenRead,
    Series,
    SeverityCount,
)
from yingji.geo.service import active_incidents, incident_grade, jurisdiction, require_map
from yingji.hazards import board as hazard_board
from yingji.hazards import reads as hazard_reads
from yingji.hazards import service as hazards
from yingji.hazards.schemas import HazardFilters
from yingji.incidents import reads as incident_reads
from yingji.incidents import service as incidents
from yingji.incidents.enums import ObligationKind
from yingji.incidents.models import Incident
from yingji.incidents.schemas import IncidentFilters
from yingji.monitoring import access, alarms
from yingji.monitoring import reads as alarm_reads
from yingji.monitoring.models import Alarm, Severity
from yingji.monitoring.schemas import AlarmFilters
from yingji.registry import service as registry
from yingji.registry.specs import BY_NAME
from yingji.rules.levels import GRADE_LABELS, Grade
from yingji.warnings import reads as warning_reads
from yingji.warnings import service as warnings

SHOWN_INCIDENTS = 8
SHOWN_ALARMS = 6
SHOWN_HAZARDS = 6
WEEKS = 8
SHOWN_SHIFTS = 4


def _next_clock(db_session: Session, incident: Incident, now: datetime) -> ClockRead | None:
    """The open reporting duty due soonest (done, withdrawn and the supplementary window are not clocks)."""
    pending = [
        o
        for o in incidents.obligations(db_session=db_session, incident=incident)
        if o.acknowledged_at is None
        and o.withdrawn_at is None
        and o.due_at is not None
        and o.kind is not ObligationKind.SUPPLEMENTARY_WINDOW
    ]
    if not pending:
        return None
    first = min(pending, key=lambda o: (o.due_at, o.id))
    assert first.due_at is not None
    return ClockRead(
        due_at=first.due_at, to_body=first.to_body, kind_label=first.kind.label, overdue=first.due_at < now
    )


def _incidents(db_session: Session, clock: Clock, actor: Actor) -> tuple[list[ScreenIncident], int]:
    found = active_incidents(db_session, actor)
    now = clock.now()
    rows = []
    for incident, summary in zip(found, incident_reads.summaries(db_session, clock, found), strict=True):
        grade, provisional = incident_grade(db_session, incident)
        rows.append(
            ScreenIncident(
                incident=summary,
                grade=grade,
                grade_label=f"{GRADE_LABELS[Grade(grade)]}事故" if grade else "尚未研判",
                provisional=provisional,
                next_clock=_next_clock(db_session, incident, now),
                url=f"/console/incidents/{incident.id}",
            )
        )
    far = datetime.max.replace(tzinfo=now.tzinfo)
    rows.sort(key=lambda r: (r.next_clock.due_at if r.next_clock else far, -r.incident.id))
    return rows[:SHOWN_INCIDENTS], len(rows)


def _alarm_counts(db_session: Session, clock: Clock, actor: Actor) -> list[SeverityCount]:
    counts = []
    for severity in (Severity.CRITICAL, Severity.ALARM, Severity.FAULT):
        _, total = alarms.list_(
            db_session=db_session,
            actor=actor,
            clock=clock,
            params=PageParams(limit=1),
            filters=AlarmFilters(state="open", severity=severity, ungrouped=True),
        )
        counts.append(SeverityCount(severity=severity.value, label=severity.label, count=total))
    return counts


def _alarms_per_hour(db_session: Session, clock: Clock, actor: Actor) -> ChartRead:
    """Alarms raised in each of the last 24 hours (local time), under the monitoring domain's own scope."""
    now = to_local(clock.now()).replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(hours=23)
    raised = db_session.scalars(select(Alarm.raised_at).where(access.scope(actor), Alarm.raised_at >= start))
    counted = Counter(to_local(at).replace(minute=0, second=0, microsecond=0) for at in raised)
    hours = [start + timedelta(hours=n) for n in range(24)]
    return ChartRead(
        title="近 24 小时每小时报警数",
        labels=[f"{h.hour:02d}时" for h in hours],
        series=[Series(name="报警", values=[counted[h] for h in hours])],
    )


def _incidents_by_grade(db_session: Session, clock: Clock, actor: Actor) -> ChartRead:
    """Incidents of this calendar year by their assessed grade (the most severe under any plan)."""
    today = local_today(clock)
    start = to_local(clock.now()).replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    counted: Counter[str] = Counter()
    offset = 0
    while True:
        rows, total = incidents.list_(
            db_session=db_session,
            actor=actor,
            params=PageParams(limit=MAX_LIMIT, offset=offset),
            filters=IncidentFilters(occurred_from=start),
        )
        for incident in rows:
            grade, _ = incident_grade(db_session, incident)
            counted[GRADE_LABELS[Grade(grade)] if grade else "尚未研判"] += 1
        offset += len(rows)
        if not rows or offset >= total:
            break
    labels = [GRADE_LABELS[g] for g in Grade] + ["尚未研判"]
    return ChartRead(
        title=f"{today.year} 年事故（按等级）",
        labels=labels,
        series=[Series(name="事故", values=[counted[label] for label in labels])],
    )


def _hazards_per_week(db_session: Session, clock: Clock, actor: Actor) -> ChartRead:
    """Hazards recorded and closed (销号) in each of the last eight weeks (Monday to Sunday)."""
    today = local_today(clock)
    monday = today - timedelta(days=today.weekday())
    weeks = [monday - timedelta(weeks=n) for n in reversed(range(WEEKS))]
    facts = hazard_board.facts(db_session, actor, None)
    opened = Counter(f.recorded_on - timedelta(days=f.recorded_on.weekday()) for f in facts)
    closed = Counter(f.closed_on - timedelta(days=f.closed_on.weekday()) for f in facts if f.closed_on)
    return ChartRead(
        title=f"近 {WEEKS} 周隐患新增与销号",
        labels=[f"{w.month}/{w.day}" for w in weeks],
        series=[
            Series(name="新增", values=[opened[w] for w in weeks]),
            Series(name="销号", values=[closed[w] for w in weeks]),
        ],
    )


def _hazards(db_session: Session, clock: Clock, actor: Actor) -> HazardFigures:
    totals = hazard_board.board(db_session=db_session, clock=clock, actor=actor).totals
    found, _ = hazards.list_(
        db_session=db_session,
        clock=clock,
        actor=actor,
        params=PageParams(limit=SHOWN_HAZARDS),
        filters=HazardFilters(overdue=True),
    )
    return HazardFigures(
        open=totals.open,
        overdue=totals.overdue,
        major_open=totals.major_open,
        overdue_items=hazard_reads.read_all(db_session, actor, found, local_today(clock)),
    )


def _readiness(db_session: Session, actor: Actor) -> list[ReadinessRead]:
    """What can be sent: teams and their people, depots and their stock lines, shelters and their places."""

    def every(entity: str) -> list[Any]:
        return list(registry.every(db_session=db_session, actor=actor, spec=BY_NAME[entity]))

    teams, depots, shelters = every("rescue_teams"), every("depots"), every("shelters")
    materials, transport, experts = every("materials"), every("transport"), every("experts")
    return [
        ReadinessRead(
            kind="rescue_teams",
            count_unit="支",
            label="救援队伍",
            count=len(teams),
            figure=sum(t.headcount or 0 for t in teams),
            figure_label="名队员",
        ),
        ReadinessRead(
            kind="depots",
            count_unit="座",
            label="储备库",
            count=len(depots),
            figure=len({m.item for m in materials}),  # kinds of stock (帐篷, 棉被 …), not depot lines
            figure_label="种物资",
        ),
        ReadinessRead(
            kind="shelters",
            count_unit="处",
            label="避难场所",
            count=len(shelters),
            figure=sum(s.capacity for s in shelters),
            figure_label="人可容纳",
        ),
        ReadinessRead(
            kind="transport",
            count_unit="支",
            label="运输保障",
            count=len(transport),
            figure=sum(v.quantity for v in transport),
            figure_label="台（辆）",
        ),
        ReadinessRead(kind="experts", count_unit="名", label="专家", count=len(experts), figure=None, figure_label=""),
    ]


def _duty(db_session: Session, clock: Clock, actor: Actor) -> tuple[list[ShiftRead], int]:
    """Today's shifts in scope from the duty roster: the caller's own level first, then who is on now."""
    if not actor.has(Permission.REGISTRY_READ) or actor.organisation_id is not None:
        return [], 0  # enterprise accounts have no duty desk
    today = to_local(clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    found, total = duty.list_shifts(
        db_session=db_session,
        actor=actor,
        params=PageParams(limit=MAX_LIMIT),
        filters=ShiftFilters(ends_after=today, starts_before=today + timedelta(days=1)),
    )
    read = duty_reads.shifts(db_session, found, clock.now())
    own = {s.id for s in found if s.division_code == actor.division_code}
    read.sort(key=lambda s: (s.id not in own, not s.on_now, s.starts_at, s.id))
    return read[:SHOWN_SHIFTS], total


def screen(*, db_session: Session, clock: Clock, actor: Actor) -> ScreenRead:
    require_map(actor)
    _, _, _, scope_name = jurisdiction(db_session, actor)
    shown, total = _incidents(db_session, clock, actor)
    registry_read = actor.has(Permission.REGISTRY_READ)
    empty_hazards = HazardFigures(open=0, overdue=0, major_open=0, overdue_items=[])
    in_force = warnings.in_force(db_session=db_session, actor=actor, now=clock.now())
    shifts, shifts_total = _duty(db_session, clock, actor)
    return ScreenRead(
        as_of=clock.now(),
        scope_name=scope_name,
        incidents=shown,
        incidents_total=total,
        warnings=warning_reads.read_all(db_session, actor, in_force),
        alarms_by_severity=_alarm_counts(db_session, clock, actor) if registry_read else [],
        alarms_latest=(
            alarm_reads.page(db_session, actor, clock, AlarmFilters(state="open"), PageParams(limit=SHOWN_ALARMS)).items
            if registry_read
            else []
        ),
        hazards=_hazards(db_session, clock, actor) if registry_read else empty_hazards,
        readiness=_readiness(db_session, actor) if actor.has(Permission.RESOURCES_READ) else [],
        duty=shifts,
        duty_total=shifts_total,
        alarms_per_hour=_alarms_per_hour(db_session, clock, actor)
        if registry_read
        else ChartRead(title="近 24 小时每小时报警数", labels=[], series=[]),
        incidents_by_grade=_incidents_by_grade(db_session, clock, actor),
        hazards_per_week=_hazards_per_week(db_session, clock, actor)
        if registry_read
        else ChartRead(title="近 8 周隐患新增与销号", labels=[], series=[]),
    )

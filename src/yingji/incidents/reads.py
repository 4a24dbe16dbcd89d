"""Incident read models: codes with their names, and the caller's allowed actions — for the API, console and CLI."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.clock import Clock
from yingji.core.labels import LabelledEnum
from yingji.incidents import follow_up, policy, receipts, service
from yingji.incidents.enums import AccidentSector, ObligationKind, ReceiptRole, TaskStatus, TimelineKind
from yingji.incidents.models import (
    Dispatch,
    EndConditionCheck,
    Incident,
    Obligation,
    Report,
    ResponseRecord,
    Task,
    TimelineEvent,
)
from yingji.incidents.record import FACT_LABELS, fact_text
from yingji.incidents.schemas import (
    AssessmentRead,
    DispatchRead,
    DispatchSuggestionRead,
    EndConditionRead,
    FactLine,
    FollowUpRead,
    IncidentRead,
    IncidentSummary,
    ObligationAck,
    ObligationRead,
    PlanRef,
    ReportingPlace,
    ReportRead,
    ResponseRead,
    TaskRead,
    TimelineEventRead,
)
from yingji.liaisons import service as liaisons
from yingji.plans import loader
from yingji.registry import divisions
from yingji.registry import reads as registry_reads
from yingji.registry.enums import MineKind, OrganisationKind, ResourceKind, ResourceLevel, ShelterKind, TeamKind
from yingji.registry.models import Mine, Organisation
from yingji.registry.nearest import Hit
from yingji.rules.levels import Grade


def _plans(plan_ids: Sequence[str]) -> list[PlanRef]:
    return [PlanRef(id=p, title=loader.get(p).metadata.title) for p in plan_ids]


def _level_name(plan_id: str, level: int | None) -> str | None:
    if level is None:
        return None
    found = next((lvl for lvl in loader.get(plan_id).response.levels if lvl.level == level), None)
    return found.name if found else f"{level}级"


def summaries(db_session: Session, clock: Clock, incidents: Sequence[Incident]) -> list[IncidentSummary]:
    """Register rows: one query for the late counts and one for the division names of the whole page."""
    late = service.late_counts(db_session=db_session, incident_ids=[i.id for i in incidents], now=clock.now())
    names = divisions.names(db_session, (i.division_code for i in incidents))
    return [
        IncidentSummary(
            id=i.id,
            title=i.title,
            division_code=i.division_code,
            division_name=names.get(i.division_code, i.division_code),
            sector=i.sector,
            sector_label=i.sector.label,
            status=i.status,
            status_label=i.status.label,
            occurred_at=i.occurred_at,
            plan_ids=list(i.plan_ids),
            plans=_plans(i.plan_ids),
            late=late[i.id],
        )
        for i in incidents
    ]


def read(db_session: Session, clock: Clock, actor: Actor, incident: Incident) -> IncidentRead:
    now = clock.now()
    responses = db_session.scalars(
        select(ResponseRecord).where(ResponseRecord.incident_id == incident.id).order_by(ResponseRecord.id)
    ).all()
    startable = policy.startable_levels(actor, incident, {r.plan_id for r in responses})
    obligations = service.obligations(db_session=db_session, incident=incident)
    record_as = {
        o.id: role
        for o in obligations
        if o.acknowledged_at is None
        and o.withdrawn_at is None
        and (role := receipts.receipt_role(actor, incident, o)) is not None
    }
    return IncidentRead(
        id=incident.id,
        title=incident.title,
        division_code=incident.division_code,
        division_name=divisions.names(db_session, [incident.division_code]).get(
            incident.division_code, incident.division_code
        ),
        sector=incident.sector,
        sector_label=incident.sector.label,
        accident_type=incident.accident_type,
        status=incident.status,
        status_label=incident.status.label,
        occurred_at=incident.occurred_at,
        known_at=incident.known_at,
        lon=incident.lon,
        lat=incident.lat,
        facts=dict(incident.facts),
        plan_ids=list(incident.plan_ids),
        plans=_plans(incident.plan_ids),
        plan_override=incident.plan_override,
        assessments=[
            AssessmentRead(
                plan_id=a.plan_id,
                plan_title=loader.get(a.plan_id).metadata.title,
                grade=a.grade,
                grade_label=None if a.grade is None else Grade(a.grade).label,
                provisional=a.provisional,
                in_scope=a.in_scope,
                response_level=a.response_level,
                response_level_name=_level_name(a.plan_id, a.response_level),
                decided_by=a.decided_by,
                lead_body=a.lead_body,
                release_authority=a.release_authority,
                upgrade_to=a.upgrade_to,
                basis=list(a.basis),
            )
            for a in service.assessments(db_session=db_session, incident=incident)
        ],
        obligations=[
            ObligationRead(
                id=o.id,
                plan_id=o.plan_id,
                kind=o.kind,
                kind_label=o.kind.label,
                from_body=o.from_body,
                to_body=o.to_body,
                form=o.form,
                form_label=service.form_label(o.form),
                due_at=o.due_at,
                acknowledged_at=o.acknowledged_at,
                acknowledged_by=o.acknowledged_by,
                acknowledged_as=_capacity(o),
                acknowledged_as_label=None if (capacity := _capacity(o)) is None else capacity.label,
                received_at=o.received_at,
                received_by=o.received_by,
                late=service.is_late(o, now),
                withdrawn_at=o.withdrawn_at,
                open=_is_open(o),
                timing_note=_timing_note(o),
                record_as=record_as.get(o.id),
                basis=list(o.basis),
            )
            for o in sorted(obligations, key=_clock_order)
        ],
        responses=[response(actor, r) for r in responses],
        follow_up=_follow_up(db_session, incident, now),
        allowed_actions=policy.incident_actions(
            actor, incident, startable, receivable=bool(record_as), responses=responses
        ),
        startable_levels=startable,
    )


def _follow_up(db_session: Session, incident: Incident, now: datetime) -> FollowUpRead | None:
    expected = follow_up.due(db_session, incident)
    if expected is None:
        return None
    hours = follow_up.FOLLOW_UP_EVERY.total_seconds() / 3600
    return FollowUpRead(
        due_at=expected.due_at,
        last_report_at=expected.last_report_at,
        overdue=now > expected.due_at,
        contents=list(dict.fromkeys(f for c in expected.contents for f in c.fields)),
        note=f"预案要求根据事态发展及时续报，未规定间隔；平台默认距上次报告 {hours:g} 小时提醒",
        basis=[ref.model_dump() for c in expected.contents for ref in c.basis],
    )


def _is_open(obligation: Obligation) -> bool:
    """Still to be done: not recorded, not withdrawn, and a duty (the supplementary window is only a period)."""
    pending = obligation.acknowledged_at is None and obligation.withdrawn_at is None
    return pending and obligation.kind is not ObligationKind.SUPPLEMENTARY_WINDOW


def _clock_order(obligation: Obligation) -> tuple[bool, bool, datetime, int]:
    """Clock first: the open duties due soonest at the top, then the untimed, then what is done or withdrawn."""
    due = obligation.due_at or datetime.max.replace(tzinfo=UTC)
    return not _is_open(obligation), obligation.due_at is None, due, obligation.id


def _timing_note(obligation: Obligation) -> str | None:
    """Where the plan says only 立即, the deadline is Decree 493's outer limit: say so beside the countdown."""
    if len(obligation.basis) < 2 or obligation.window_minutes is None:
        return None
    statutory = obligation.basis[1]
    minutes = obligation.window_minutes
    limit = f"{minutes // 60} 小时" if minutes % 60 == 0 else f"{minutes} 分钟"
    return f"预案原文为“立即”，按《{statutory.get('source') or '条例'}》{statutory.get('clause', '')}以 {limit} 为限"


def _capacity(obligation: Obligation) -> ReceiptRole | None:
    return None if obligation.acknowledged_as is None else ReceiptRole(obligation.acknowledged_as)


def ack(obligation: Obligation, now: datetime) -> ObligationAck:
    """The answer to a receipt: what was recorded, and whether the report came late."""
    return ObligationAck(
        id=obligation.id,
        acknowledged_at=obligation.acknowledged_at,
        acknowledged_by=obligation.acknowledged_by,
        acknowledged_as=_capacity(obligation),
        received_at=obligation.received_at,
        received_by=obligation.received_by,
        late=service.is_late(obligation, now),
    )


MINE_SECTORS = {
    MineKind.COAL_UNDERGROUND: AccidentSector.COAL_MINE,
    MineKind.COAL_OPEN_PIT: AccidentSector.COAL_MINE,
    MineKind.NON_COAL_UNDERGROUND: AccidentSector.NON_COAL_MINE,
    MineKind.NON_COAL_OPEN_PIT: AccidentSector.NON_COAL_MINE,
}
FORM_CHOICES = 3000  # enough for a city's registered mines and enterprises in one datalist


def reporting_places(db_session: Session, actor: Actor) -> list[ReportingPlace]:
    """The registered mines and enterprises in the officer's jurisdiction, for the 初报 form's search: choosing one
    fills the unit, the place's division, the sector and the registered place and coordinates."""
    mines = db_session.execute(
        select(Mine.name, Organisation.name, Mine.division_code, Mine.kind, Mine.lon, Mine.lat)
        .join(Organisation, Organisation.id == Mine.enterprise_id)
        .where(actor.division_filter(Mine.division_code))
        .order_by(Mine.name)
        .limit(FORM_CHOICES)
    ).all()
    units = db_session.execute(
        select(
            Organisation.name,
            Organisation.division_code,
            Organisation.sector,
            Organisation.address,
            Organisation.lon,
            Organisation.lat,
        )
        .where(Organisation.kind == OrganisationKind.ENTERPRISE, actor.division_filter(Organisation.division_code))
        .order_by(Organisation.name)
        .limit(FORM_CHOICES)
    ).all()
    sectors = set(AccidentSector)
    return [
        ReportingPlace(
            mine=mine, unit=unit, division_code=code, sector=MINE_SECTORS[kind], place=mine, lon=lon, lat=lat
        )
        for mine, unit, code, kind, lon, lat in mines
    ] + [
        ReportingPlace(
            mine=None,
            unit=unit,
            division_code=code,
            sector=AccidentSector(sector.value) if sector is not None and sector.value in sectors else None,
            place=address,
            lon=lon,
            lat=lat,
        )
        for unit, code, sector, address, lon, lat in units
    ]


def response(actor: Actor, row: ResponseRecord) -> ResponseRead:
    return ResponseRead(
        id=row.id,
        plan_id=row.plan_id,
        plan_title=loader.get(row.plan_id).metadata.title,
        level=row.level,
        level_name=_level_name(row.plan_id, row.level) or "",
        decided_by=row.decided_by,
        started_by=row.started_by,
        started_at=row.started_at,
        has_onsite_hq=row.has_onsite_hq,
        ended_at=row.ended_at,
        ended_by=row.ended_by,
        allowed_actions=policy.response_actions(actor, row),
    )


def end_condition(check: EndConditionCheck) -> EndConditionRead:
    return EndConditionRead(
        response_id=check.response_id,
        condition=check.condition,
        confirmed_by=check.confirmed_by,
        confirmed_at=check.confirmed_at,
    )


def tasks(db_session: Session, actor: Actor, rows: Sequence[Task], now: datetime) -> list[TaskRead]:
    """Tasks with whether this caller may update them: one query for their responses, actions once per response."""
    wanted = {t.response_id for t in rows}
    found = db_session.scalars(select(ResponseRecord).where(ResponseRecord.id.in_(wanted))).all() if wanted else []
    actions = {r.id: policy.task_actions(policy.response_actions(actor, r)) for r in found}
    plan_of = {r.id: r.plan_id for r in found}
    contacts = liaisons.of_units(db_session, {(plan_of[t.response_id], t.owner_unit) for t in rows})
    return [
        TaskRead(
            id=t.id,
            response_id=t.response_id,
            source=t.source,
            source_label=t.source.label,
            group=t.group_name,
            group_label=t.group_name or t.source.label,
            owner_unit=t.owner_unit,
            liaison=liaisons.text(contacts.get((plan_of[t.response_id], t.owner_unit))),
            title=t.title,
            assignee=t.assignee,
            due_at=t.due_at,
            overdue=t.due_at is not None and t.status is not TaskStatus.DONE and t.due_at < now,
            status=t.status,
            status_label=t.status.label,
            notes=t.notes,
            updated_at=t.updated_at,
            updated_by=t.updated_by,
            allowed_actions=actions.get(t.response_id, []),
        )
        for t in rows
    ]


def report(row: Report) -> ReportRead:
    return ReportRead(
        id=row.id,
        kind=row.kind,
        kind_label=row.kind.label,
        submitted_by=row.submitted_by,
        submitted_at=row.submitted_at,
        content=dict(row.content),
        facts=dict(row.facts),
        fact_lines=[
            FactLine(key=key, label=FACT_LABELS.get(key, key), text=fact_text(key, value))
            for key, value in row.facts.items()
        ],
    )


def event(row: TimelineEvent) -> TimelineEventRead:
    return TimelineEventRead(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        kind=row.kind,
        kind_label=TimelineKind.label_of(row.kind),
        summary=row.summary,
        data=dict(row.data),
    )


def dispatch(row: Dispatch) -> DispatchRead:
    kind = ResourceKind(row.resource_kind)
    return DispatchRead(
        id=row.id,
        resource_kind=kind,
        resource_kind_label=kind.label,
        resource_id=row.resource_id,
        resource_name=row.resource_name,
        note=row.note,
        dispatched_by=row.dispatched_by,
        dispatched_at=row.dispatched_at,
    )


SUBTYPES: dict[ResourceKind, type[LabelledEnum]] = {
    ResourceKind.RESCUE_TEAM: TeamKind,
    ResourceKind.DEPOT: ResourceLevel,
    ResourceKind.SHELTER: ShelterKind,
}


def suggestions(
    db_session: Session, actor: Actor, incident: Incident, hits: Sequence[Hit]
) -> list[DispatchSuggestionRead]:
    """The registry's read of each nearby resource, with what this caller may do about it here (调派)."""
    offered = policy.dispatch_actions(actor, incident)
    return [
        DispatchSuggestionRead(**hit.model_dump(), allowed_actions=offered)
        for hit in registry_reads.hits(db_session, hits)
    ]

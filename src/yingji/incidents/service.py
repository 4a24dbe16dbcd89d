"""Intake: idempotent reports, the applicable plans, an assessment per plan on every report, statutory clocks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.clock import Clock, to_local
from yingji.core.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound, OutOfJurisdiction
from yingji.core.paging import PageParams, paginate
from yingji.incidents import alerts, policy, receipts, timeline
from yingji.incidents.enums import AccidentSector, IncidentStatus, ObligationKind, TaskSource
from yingji.incidents.models import Assessment, Incident, Obligation, Report, Task
from yingji.incidents.schemas import (
    Acknowledge,
    Casualties,
    DemandedContent,
    FollowUpReport,
    IncidentFilters,
    InitialReport,
    InitialRequirements,
    PlanOverride,
    ReportFilters,
    TaskFilters,
)
from yingji.plans import loader
from yingji.plans.schema import Plan, ReportKind, Sector
from yingji.registry.models import Division, Mine, Organisation
from yingji.rules.assessment import Assessment as RuleAssessment
from yingji.rules.assessment import assess
from yingji.rules.facts import AccidentFacts
from yingji.rules.levels import GRADE_LABELS, Condition, Grade

PLAN_SECTOR = {
    AccidentSector.COAL_MINE: Sector.COAL_MINE,
    AccidentSector.NON_COAL_MINE: Sector.NON_COAL_MINE,
    AccidentSector.INDUSTRY_TRADE: Sector.INDUSTRY_TRADE,
    AccidentSector.OTHER: Sector.ALL_PRODUCTION,
    AccidentSector.WEATHER: Sector.WEATHER,
}

CLOCK_SKEW = timedelta(minutes=5)


def require_reporter(actor: Actor, report: Casualties) -> None:
    """Experts read only; social impact and special conditions are the officers' judgement, not the enterprise's."""
    if not actor.has(Permission.INCIDENTS_REPORT):
        raise Forbidden(reason="该角色不能提交事故报告", subcode="incident.report.role")
    if actor.organisation_id is not None and (report.social_impact is not None or report.conditions):
        raise Forbidden(reason="社会影响和特殊情形由值班人员研判，企业报告不能填写")


def require_officer(actor: Actor) -> None:
    if not actor.has(Permission.INCIDENTS_COMMAND):
        raise Forbidden(reason="只有值班和指挥人员可以执行此项", subcode="incident.command.role")


def lock(db_session: Session, incident: Incident) -> Incident:
    """Take the incident's row lock for the rest of the transaction, with fresh values (concurrent writers wait).

    A no-op UPDATE rather than SELECT … FOR UPDATE, so that SQLite (which ignores FOR UPDATE) takes its write lock too.
    """
    db_session.execute(update(Incident).where(Incident.id == incident.id).values(id=Incident.id))
    locked = db_session.get(Incident, incident.id, populate_existing=True)
    assert locked is not None
    return locked


def _body_hash(report: Casualties) -> str:
    body = report.model_dump(mode="json", exclude={"client_key"})
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _earlier_report(db_session: Session, actor: Actor, report: Casualties, key: str) -> Report | None:
    """Return this submitter's earlier report with the same key; the same key with another body is a conflict."""
    existing = db_session.scalars(
        select(Report).where(Report.submitted_by == actor.username, Report.client_key == key)
    ).first()
    if existing is not None and existing.body_hash not in (None, _body_hash(report)):
        raise Conflict(field="client_key", reason="该幂等键已用于内容不同的另一份报告")
    return existing


# Initial-report fields the plans name (初报内容), matched to the structured report by keyword, so that one report
# satisfies every applicable plan; a plan field no keyword covers must come in ``content``.
FIELD_KEYWORDS = (
    (("时间",), "occurred_at"),
    (("地点",), "place"),
    (("来源",), "source"),
    (("类别", "类型"), "accident_type"),
    (("经过",), "course"),
    (("伤亡", "人数", "失踪"), "deaths"),
    (("损失", "损害", "影响范围"), "impact_or_loss"),
    (("措施",), "measures"),
    (("救援",), "scene"),
    (("单位", "现场情况", "现场"), "unit_or_scene"),
)


def facts_of(report: Casualties) -> dict[str, Any]:
    return report.model_dump(
        include={
            "deaths",
            "serious_injuries",
            "direct_loss_yuan",
            "missing",
            "trapped",
            "endangered",
            "social_impact",
            "conditions",
        },
        mode="json",
    )


def rule_facts(stored: dict[str, Any]) -> AccidentFacts:
    impact = stored.get("social_impact")
    return AccidentFacts(
        deaths=stored.get("deaths"),
        serious_injuries=stored.get("serious_injuries"),
        direct_loss_yuan=stored.get("direct_loss_yuan"),
        missing=stored.get("missing"),
        trapped=stored.get("trapped"),
        endangered=stored.get("endangered"),
        social_impact=None if impact is None else Grade(impact),
        conditions=frozenset(Condition(c) for c in stored.get("conditions", [])),
    )


# --- reads ----------------------------------------------------------------------------------------------------------


def get(*, db_session: Session, actor: Actor, incident_id: int) -> Incident:
    """Return an incident the actor may see (the list's own scope filter); others are NotFound."""
    incident = db_session.scalars(select(Incident).where(Incident.id == incident_id, policy.scope(actor))).first()
    if incident is None:
        raise NotFound(kind="事件", key=str(incident_id))
    return incident


def list_(
    *, db_session: Session, actor: Actor, params: PageParams, filters: IncidentFilters | None = None
) -> tuple[list[Incident], int]:
    """One page of the incidents in scope, newest first, with the total."""
    query = select(Incident).where(policy.scope(actor), *(filters.clauses() if filters else ()))
    return paginate(db_session, query, params, order_by=[Incident.occurred_at.desc(), Incident.id.desc()])


def active_count(*, db_session: Session, actor: Actor) -> int:
    """Incidents in scope whose response has not ended (reported, or responding)."""
    query = (
        select(func.count()).select_from(Incident).where(policy.scope(actor), Incident.status != IncidentStatus.ENDED)
    )
    return db_session.scalar(query) or 0


def _late_sql(now: datetime) -> ColumnElement[bool]:
    """`is_late` as SQL, for counting many clocks in one query."""
    return and_(
        Obligation.withdrawn_at.is_(None),
        Obligation.kind != ObligationKind.SUPPLEMENTARY_WINDOW,
        or_(
            and_(Obligation.acknowledged_at.is_(None), Obligation.due_at < now),
            Obligation.received_at > Obligation.due_at,
        ),
    )


def overdue_count(*, db_session: Session, actor: Actor, now: datetime) -> int:
    """Reporting clocks in scope past due and not yet met (迟报 in progress), counted in one query."""
    query = (
        select(func.count())
        .select_from(Obligation)
        .join(Incident, Incident.id == Obligation.incident_id)
        .where(policy.scope(actor), Obligation.acknowledged_at.is_(None), _late_sql(now))
    )
    return db_session.scalar(query) or 0


def late_counts(*, db_session: Session, incident_ids: Sequence[int], now: datetime) -> dict[int, int]:
    """迟报 per incident (late, met or not), for lists: one grouped query instead of one per incident."""
    query = (
        select(Obligation.incident_id, func.count())
        .where(Obligation.incident_id.in_(incident_ids), _late_sql(now))
        .group_by(Obligation.incident_id)
    )
    found = {incident_id: count for incident_id, count in db_session.execute(query)}
    return {incident_id: found.get(incident_id, 0) for incident_id in incident_ids}


def assessments(*, db_session: Session, incident: Incident) -> list[Assessment]:
    """Return the latest assessment under each applicable plan."""
    latest: dict[str, Assessment] = {}
    query = select(Assessment).where(Assessment.incident_id == incident.id).order_by(Assessment.id)
    for row in db_session.scalars(query):
        latest[row.plan_id] = row
    return [latest[p] for p in incident.plan_ids if p in latest]


def obligations(*, db_session: Session, incident: Incident) -> list[Obligation]:
    query = select(Obligation).where(Obligation.incident_id == incident.id).order_by(Obligation.due_at, Obligation.id)
    return list(db_session.scalars(query))


def reports(*, db_session: Session, incident: Incident) -> list[Report]:
    return list(db_session.scalars(select(Report).where(Report.incident_id == incident.id).order_by(Report.id)))


def reports_page(
    *, db_session: Session, incident: Incident, params: PageParams, filters: ReportFilters
) -> tuple[list[Report], int]:
    """One page of an incident's reports in the order they came (初报 first)."""
    query = select(Report).where(Report.incident_id == incident.id)
    if filters.kind is not None:
        query = query.where(Report.kind == filters.kind)
    return paginate(db_session, query, params, order_by=[Report.id])


def tasks_page(
    *, db_session: Session, incident: Incident, params: PageParams, filters: TaskFilters
) -> tuple[list[Task], int]:
    """One page of an incident's tasks in the order they were opened, by group, state or response."""
    query = select(Task).where(Task.incident_id == incident.id)
    if filters.group is not None:
        source = next((s for s in TaskSource if s.label == filters.group), None)
        named = Task.group_name == filters.group
        if source is not None:  # the heading of the tasks outside any working group
            named = or_(named, and_(Task.group_name.is_(None), Task.source == source))
        query = query.where(named)
    if filters.state is not None:
        query = query.where(Task.status == filters.state)
    if filters.response_id is not None:
        query = query.where(Task.response_id == filters.response_id)
    return paginate(db_session, query, params, order_by=[Task.id])


def is_late(obligation: Obligation, now: datetime) -> bool:
    """迟报: received after its due time (the time entered, not when it was recorded), or still open past it."""
    if obligation.due_at is None or obligation.withdrawn_at is not None:
        return False
    if obligation.kind is ObligationKind.SUPPLEMENTARY_WINDOW:
        return False
    if obligation.acknowledged_at is not None:
        return (obligation.received_at or obligation.acknowledged_at) > obligation.due_at
    return now > obligation.due_at


# --- intake ---------------------------------------------------------------------------------------------------------


def _applicable_plans(division_code: str, sector: AccidentSector) -> list[Plan]:
    """One plan per level of government whose jurisdiction holds the place and whose sector matches."""
    chosen: dict[str, Plan] = {}
    for plan in loader.for_place(division_code, PLAN_SECTOR[sector]):
        if plan.grading is None:
            continue
        chosen.setdefault(plan.metadata.government_level.value, plan)
    return list(chosen.values())


# What each content a plan demands in an 初报 is filled by: the form's inputs for it.
CONTENT_INPUTS = {
    "occurred_at": ("occurred_at",),
    "place": ("place",),
    "source": ("source",),
    "accident_type": ("accident_type",),
    "course": ("course",),
    "deaths": ("deaths", "serious_injuries", "missing", "trapped", "endangered"),
    "impact_or_loss": ("direct_loss_yuan", "impact"),
    "measures": ("measures",),
    "scene": ("scene",),
    "unit_or_scene": ("unit", "scene"),
}


def _demanded(plans: Sequence[Plan]) -> Iterator[tuple[Plan, str, str, str]]:
    """(plan, the content's words, the content it maps to, its seed line) for every 初报 content the plans demand."""
    for plan in plans:
        assert plan.reporting is not None
        for content in plan.reporting.contents:
            if content.kind is not ReportKind.INITIAL:
                continue
            for name in content.fields:
                attribute = next((a for words, a in FIELD_KEYWORDS if any(w in name for w in words)), None)
                if attribute is not None:
                    yield plan, name, attribute, content.basis[0].seed


def initial_requirements(division_code: str, sector: AccidentSector) -> InitialRequirements:
    """What the plans that would apply to an accident here demand in its 初报: shown on the form before submitting."""
    plans = _applicable_plans(division_code, sector)
    demands: dict[str, list[str]] = {}
    for plan, name, attribute, _seed in _demanded(plans):
        demands.setdefault(attribute, [])
        words = f"{plan.metadata.title}：{name}"
        if words not in demands[attribute]:
            demands[attribute].append(words)
    return InitialRequirements(
        plans=[plan.metadata.title for plan in plans],
        fields=[
            DemandedContent(content=attribute, inputs=list(CONTENT_INPUTS[attribute]), demanded_by=by)
            for attribute, by in demands.items()
        ],
    )


def _missing_initial_fields(plans: Sequence[Plan], report: InitialReport) -> list[dict[str, str]]:
    filled = {
        "occurred_at": True,
        "place": bool(report.place),
        "source": bool(report.source),
        "accident_type": bool(report.accident_type),
        "course": bool(report.course),
        "deaths": True,  # counts may be unknown (provisional), but the field itself is always present
        "impact_or_loss": report.direct_loss_yuan is not None or bool(report.impact),
        "measures": bool(report.measures),
        "scene": bool(report.scene),
        "unit_or_scene": bool(report.unit or report.scene),
    }
    return [
        {"field": attribute, "problem": f"{plan.metadata.title}要求初报包含“{name}”", "seed": seed}
        for plan, name, attribute, seed in _demanded(plans)
        if not filled[attribute]
    ]


def _resolve_enterprise(db_session: Session, actor: Actor, report: InitialReport) -> tuple[int | None, int | None]:
    enterprise_id = mine_id = None
    if report.unit:
        found = db_session.scalars(select(Organisation).where(Organisation.name == report.unit)).all()
        visible = [o for o in found if actor.covers_record(division_code=o.division_code, organisation_id=o.id)]
        if len(visible) != 1:
            raise InvalidInput(
                field="unit", reason=f"unit：找不到唯一的已登记单位「{report.unit}」（或不在管辖范围内）"
            )
        enterprise_id = visible[0].id
    if report.mine:
        mine = db_session.scalars(select(Mine).where(Mine.name == report.mine)).first()
        if mine is None or not actor.covers_record(
            division_code=mine.division_code, organisation_id=mine.enterprise_id
        ):
            raise InvalidInput(field="mine", reason=f"mine：找不到已登记矿山「{report.mine}」（或不在管辖范围内）")
        mine_id = mine.id
        enterprise_id = enterprise_id or mine.enterprise_id
    if actor.organisation_id is not None and enterprise_id != actor.organisation_id:
        raise Forbidden(reason="企业用户只能报告本企业的事故")
    _place_matches(db_session, actor, report, enterprise_id, mine_id)
    return enterprise_id, mine_id


def _place_matches(
    db_session: Session, actor: Actor, report: InitialReport, enterprise_id: int | None, mine_id: int | None
) -> None:
    """The place decides the plans and who sees the incident, so it must be where the mine (or unit) is.

    An enterprise files only in a county where its unit or one of its mines is: it cannot put an incident into
    another county's jurisdiction. An officer may place a unit's accident anywhere in the unit's city (work away
    from its seat), since the officer answers for the place.
    """
    county = divisions.county_of(report.division_code)
    if mine_id is not None:
        mine = db_session.get_one(Mine, mine_id)
        if county != divisions.county_of(mine.division_code):
            raise InvalidInput(field="division_code", reason=f"division_code：事发地应为矿山所在的{mine.division_code}")
    elif enterprise_id is not None:
        unit = db_session.get_one(Organisation, enterprise_id)
        if actor.organisation_id is not None:
            mines = db_session.scalars(select(Mine.division_code).where(Mine.enterprise_id == enterprise_id))
            if county not in {divisions.county_of(code) for code in (unit.division_code, *mines)}:
                raise InvalidInput(
                    field="division_code", reason="division_code：企业只能在本单位或其矿山所在的旗县区报告事故"
                )
        elif not divisions.contains(divisions.city_of(unit.division_code), report.division_code):
            raise InvalidInput(field="division_code", reason="division_code：事发地不在该单位所在的市")


def report_initial(*, db_session: Session, clock: Clock, actor: Actor, report: InitialReport) -> tuple[Incident, bool]:
    """Record an initial report and open the incident; a repeated client key returns the first record (False)."""
    require_reporter(actor, report)
    existing = _earlier_report(db_session, actor, report, report.client_key)
    if existing is not None:
        return get(db_session=db_session, actor=actor, incident_id=existing.incident_id), False
    now = clock.now()
    for name in ("occurred_at", "known_at"):
        value = getattr(report, name)
        if value is not None and value > now + CLOCK_SKEW:
            raise InvalidInput(field=name, reason=f"{name}：时间不能晚于当前时间")
    if db_session.get(Division, report.division_code) is None:
        raise InvalidInput(field="division_code", reason=f"division_code：行政区划代码「{report.division_code}」不存在")
    if actor.organisation_id is None and not actor.covers_division(report.division_code):
        raise OutOfJurisdiction(field="division_code", division=report.division_code)
    enterprise_id, mine_id = _resolve_enterprise(db_session, actor, report)
    plans = _applicable_plans(report.division_code, report.sector)
    missing = _missing_initial_fields(plans, report)
    if missing:
        raise InvalidInput(field=missing[0]["field"], reason=missing[0]["problem"], details=missing)
    incident = Incident(
        title=report.title,
        division_code=report.division_code,
        sector=report.sector,
        accident_type=report.accident_type,
        enterprise_id=enterprise_id,
        mine_id=mine_id,
        lon=report.lon,
        lat=report.lat,
        occurred_at=report.occurred_at,
        # The clocks start when the staff knew — but never later than the platform heard of it.
        known_at=min(report.known_at or report.occurred_at, now),
        status=IncidentStatus.REPORTED,
        facts=facts_of(report),
        plan_ids=[p.id for p in plans],
        plan_override=None,
        created_by=actor.username,
        created_at=now,
    )
    row = Report(
        kind=ReportKind.INITIAL,
        client_key=report.client_key,
        body_hash=_body_hash(report),
        content=report.model_dump(mode="json", exclude={"client_key"}),
        facts=incident.facts,
        submitted_by=actor.username,
        submitted_at=now,
    )
    try:
        with db_session.begin_nested():  # a concurrent twin with the same key loses here, not with a 500
            db_session.add(incident)
            db_session.flush()
            row.incident_id = incident.id
            db_session.add(row)
            db_session.flush()
    except IntegrityError:
        twin = _earlier_report(db_session, actor, report, report.client_key)
        if twin is None:
            raise
        return get(db_session=db_session, actor=actor, incident_id=twin.incident_id), False
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind="report.initial",
        summary=f"收到初报：{report.title}（{report.place}）",
        data={"report_id": row.id},
    )
    if not plans:
        timeline.record_event(
            db_session=db_session,
            clock=clock,
            incident=incident,
            actor="system",
            kind="plans.none",
            summary="事发地与事故类别没有适用的已载入预案，请值班人员指定预案",
        )
    _assess_all(db_session=db_session, clock=clock, incident=incident, report=row, first=True)
    alerts.incident_reported(db_session, clock, incident)
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="incidents.report",
        target_kind="incident",
        target_key=str(incident.id),
        after={"kind": "initial", "plans": incident.plan_ids, "facts": incident.facts},
    )
    return incident, True


def report_follow_up(
    *, db_session: Session, clock: Clock, actor: Actor, incident_id: int, report: FollowUpReport
) -> tuple[Report, bool]:
    """Record a 续报 or 终报; new counts trigger a new assessment and, if the grade rises, an escalation proposal."""
    require_reporter(actor, report)
    incident = get(db_session=db_session, actor=actor, incident_id=incident_id)
    existing = _earlier_report(db_session, actor, report, report.client_key)
    if existing is not None:
        if existing.incident_id != incident.id:
            raise Conflict(field="client_key", reason="该幂等键已用于您的另一份报告")
        return existing, False
    incident = lock(db_session, incident)
    if report.kind is ReportKind.FINAL:
        _require_final_fields(incident, report)
    previous = incident.facts
    # Only what this report states changes the facts; a count it leaves out keeps its last reported value.
    stated = facts_of(report)
    facts = previous | {k: v for k, v in stated.items() if k in report.model_fields_set}
    incident.facts = facts
    row = Report(
        incident_id=incident.id,
        kind=report.kind,
        client_key=report.client_key,
        body_hash=_body_hash(report),
        content=report.content,
        facts=facts,
        submitted_by=actor.username,
        submitted_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    label = "终报" if report.kind is ReportKind.FINAL else "续报"
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind=f"report.{report.kind.value}",
        summary=f"收到{label}",
        data={"report_id": row.id, "before": previous, "after": facts},
    )
    _assess_all(db_session=db_session, clock=clock, incident=incident, report=row, first=False)
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="incidents.report",
        target_kind="incident",
        target_key=str(incident.id),
        before={"facts": previous},
        after={"kind": report.kind.value, "facts": facts},
    )
    return row, True


def final_report_fields(plan_ids: list[str]) -> list[str]:
    """The 终报 content the applicable plans ask for, each name once, in plan order (for the console's form)."""
    names: list[str] = []
    for plan_id in plan_ids:
        reporting = loader.get(plan_id).reporting
        for content in reporting.contents if reporting is not None else []:
            if content.kind is ReportKind.FINAL:
                names += [name for name in content.fields if name not in names]
    return names


def _require_final_fields(incident: Incident, report: FollowUpReport) -> None:
    missing = []
    for plan_id in incident.plan_ids:
        plan = loader.get(plan_id)
        assert plan.reporting is not None
        for content in plan.reporting.contents:
            if content.kind is ReportKind.FINAL:
                missing += [
                    {"field": f"content.{name}", "problem": f"{plan.metadata.title}要求终报包含“{name}”"}
                    for name in content.fields
                    if not report.content.get(name)
                ]
    if missing:
        raise InvalidInput(field=missing[0]["field"], reason=missing[0]["problem"], details=missing)


def override_plans(
    *, db_session: Session, clock: Clock, actor: Actor, incident_id: int, override: PlanOverride
) -> Incident:
    """Replace the applicable plans with a reason: one per level of government, each covering the place, and only
    by an officer whose own level covers every plan added or removed. Clocks of a removed plan are withdrawn.
    """
    require_officer(actor)
    incident = lock(db_session, get(db_session=db_session, actor=actor, incident_id=incident_id))
    chosen = list(dict.fromkeys(override.plan_ids))
    unknown = [p for p in chosen if p not in loader.all_plans() or loader.get(p).grading is None]
    if unknown:
        raise InvalidInput(field="plan_ids", reason=f"plan_ids：不是事故类预案：{'、'.join(unknown)}")
    plans = [loader.get(p) for p in chosen]
    elsewhere = [p.id for p in plans if not divisions.contains(p.metadata.jurisdiction, incident.division_code)]
    if elsewhere:
        raise InvalidInput(field="plan_ids", reason=f"plan_ids：预案辖区不含事发地：{'、'.join(elsewhere)}")
    levels = [p.metadata.government_level for p in plans]
    if len(set(levels)) != len(levels):
        raise InvalidInput(field="plan_ids", reason="plan_ids：每级政府只能适用一部预案")
    before = list(incident.plan_ids)
    touched = set(before) ^ set(chosen)
    beyond = [p for p in touched if not actor.covers_division(loader.get(p).metadata.jurisdiction)]
    if beyond:
        raise Forbidden(reason=f"只能由该预案所在层级（或上级）的人员增删：{'、'.join(sorted(beyond))}")
    now = clock.now()
    for obligation in obligations(db_session=db_session, incident=incident):
        if obligation.plan_id not in chosen and obligation.acknowledged_at is None and obligation.withdrawn_at is None:
            obligation.withdrawn_at = now
    incident.plan_ids = chosen
    incident.plan_override = {
        "plan_ids": chosen,
        "reason": override.reason,
        "by": actor.username,
        "at": now.isoformat(),
    }
    latest = db_session.scalars(
        select(Report).where(Report.incident_id == incident.id).order_by(Report.id.desc())
    ).first()
    assert latest is not None
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind="plans.override",
        summary=f"改变适用预案：{'、'.join(before) or '无'} → {'、'.join(chosen)}（理由：{override.reason}）",
    )
    _assess_all(db_session=db_session, clock=clock, incident=incident, report=latest, first=False)
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="incidents.plans",
        target_kind="incident",
        target_key=str(incident.id),
        before={"plan_ids": before},
        after=incident.plan_override,
    )
    return incident


# --- assessment and clocks ------------------------------------------------------------------------------------------


def _assess_all(*, db_session: Session, clock: Clock, incident: Incident, report: Report, first: bool) -> None:
    facts = rule_facts(incident.facts)
    before = {a.plan_id: a for a in assessments(db_session=db_session, incident=incident)}
    for plan_id in incident.plan_ids:
        plan = loader.get(plan_id)
        result = assess(plan, facts, known_at=incident.known_at, accident_type=incident.accident_type)
        row = _store_assessment(db_session, clock, incident, report, result)
        _summarise(db_session, clock, incident, row, plan)
        previous = before.get(plan_id)
        if previous is not None and _more_severe(row, previous):
            timeline.record_event(
                db_session=db_session,
                clock=clock,
                incident=incident,
                actor="system",
                kind="escalation.proposed",
                summary=(
                    f"{plan.metadata.title}：事故等级{GRADE_LABELS[Grade(previous.grade)]}→"
                    f"{GRADE_LABELS[Grade(row.grade)]}，建议响应级别{previous.response_level or '无'}→"
                    f"{row.response_level}级（由{row.decided_by}决定）"
                ),
                data={
                    "plan_id": plan_id,
                    "from_grade": previous.grade,
                    "to_grade": row.grade,
                    "from_level": previous.response_level,
                    "proposed_level": row.response_level,
                },
            )
        _open_obligations(db_session, clock, incident, plan, result, first=first)


def _more_severe(now: Assessment, before: Assessment) -> bool:
    """A higher grade, or a higher proposed response level (e.g. more people trapped at the same grade)."""
    if now.grade < before.grade:
        return True
    return now.response_level is not None and (
        before.response_level is None or now.response_level < before.response_level
    )


def _store_assessment(
    db_session: Session, clock: Clock, incident: Incident, report: Report, result: RuleAssessment
) -> Assessment:
    level = result.response.value
    row = Assessment(
        incident_id=incident.id,
        report_id=report.id,
        plan_id=result.plan.id,
        grade=int(result.grade.value),
        provisional=result.grade.provisional or result.response.provisional,
        in_scope=result.in_scope,
        response_level=None if level is None else level.level,
        decided_by=None if level is None else level.decided_by.body,
        lead_body=None if level is None else level.lead_body.body,
        release_authority=result.release.value,
        upgrade_to=None if result.upgrade.value is None else result.upgrade.value.level,
        basis=[b.as_dict() for b in result.basis],
        assessed_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    return row


def _summarise(db_session: Session, clock: Clock, incident: Incident, row: Assessment, plan: Plan) -> None:
    name = next((lvl.name for lvl in plan.response.levels if lvl.level == row.response_level), "")
    level = f"{name}响应（{row.decided_by}决定）" if row.response_level else "本预案未设定响应级别"
    scope = "" if row.in_scope else "；本级预案适用范围之外，由下级政府组织应对"
    provisional = "（暂定）" if row.provisional else ""
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor="system",
        kind="assessment",
        summary=f"{plan.metadata.title}研判：{GRADE_LABELS[Grade(row.grade)]}事故{provisional}，{level}{scope}",
        data={"assessment_id": row.id, "plan_id": plan.id},
    )


ObligationKey = tuple[ObligationKind, str, str, str]


def _open_obligations(
    db_session: Session, clock: Clock, incident: Incident, plan: Plan, result: RuleAssessment, *, first: bool
) -> None:
    """Open the clocks this plan now requires and withdraw those it no longer does (the grade fell).

    A hop another applicable plan already tracks (same sender, recipient and form) is not tracked twice. A hop a
    later report makes necessary starts its clock at that report, never in the past.
    """
    now = clock.now()
    current = [o for o in obligations(db_session=db_session, incident=incident) if o.withdrawn_at is None]
    tracked: set[ObligationKey] = {(o.kind, o.from_body, o.to_body, o.form) for o in current}
    wanted: dict[ObligationKey, Obligation] = {}
    for hop in result.deadlines.value:
        for recipient in hop.to:
            due = None
            if hop.within_minutes is not None and hop.due_at is not None:
                # “立即”“及时” carry no number: tracked and shown, never timed as 迟报 by an invented deadline.
                due = hop.due_at if first else max(hop.due_at, now + timedelta(minutes=hop.within_minutes))
            basis = [hop.basis.as_dict()] + ([hop.statutory_basis.as_dict()] if hop.statutory_basis else [])
            key = (ObligationKind.REPORT, hop.from_body, recipient, hop.form.value)
            wanted[key] = Obligation(
                incident_id=incident.id,
                plan_id=plan.id,
                kind=ObligationKind.REPORT,
                from_body=hop.from_body,
                to_body=recipient,
                form=hop.form.value,
                due_at=due,
                window_minutes=hop.within_minutes,
                basis=basis,
            )
    days = result.supplementary_days
    window = (ObligationKind.SUPPLEMENTARY_WINDOW, "事故发生单位及接报部门", "伤亡人数变化须及时补报", "any")
    wanted[window] = Obligation(
        incident_id=incident.id,
        plan_id=plan.id,
        kind=ObligationKind.SUPPLEMENTARY_WINDOW,
        from_body=window[1],
        to_body=window[2],
        form="any",
        due_at=incident.occurred_at + timedelta(days=days.value),
        window_minutes=None,
        basis=[b.as_dict() for b in days.basis],
    )
    for key, obligation in wanted.items():
        if key not in tracked:
            db_session.add(obligation)
            tracked.add(key)
    for obligation in current:
        key = (obligation.kind, obligation.from_body, obligation.to_body, obligation.form)
        no_longer_required = obligation.plan_id == plan.id and obligation.kind is ObligationKind.REPORT
        if no_longer_required and key not in wanted and obligation.acknowledged_at is None:
            obligation.withdrawn_at = now  # the grade fell: this hop is no longer required
    db_session.flush()


def acknowledge(
    *, db_session: Session, clock: Clock, actor: Actor, incident_id: int, obligation_id: int, receipt: Acknowledge
) -> Obligation:
    """Record that a report was received: when it arrived (entered) and who took it, by the receiving body or its
    superior (recorded as such — see ``receipts``); received after its due time it is 迟报."""
    incident = lock(db_session, get(db_session=db_session, actor=actor, incident_id=incident_id))
    obligation = db_session.get(Obligation, obligation_id)
    if obligation is None or obligation.incident_id != incident.id:
        raise NotFound(kind="报告义务", key=str(obligation_id))
    capacity = receipts.receipt_role(actor, incident, obligation)
    if capacity is None:
        if obligation.kind is ObligationKind.SUPPLEMENTARY_WINDOW:
            raise InvalidState(
                field="obligation_id", reason="伤亡补报期到期即止，无需登记", subcode="incident.receipt.window"
            )
        raise Forbidden(reason=receipts.who_records(obligation), subcode="incident.receipt.not_receiver")
    if obligation.acknowledged_at is not None:
        return obligation
    if obligation.withdrawn_at is not None:
        raise Conflict(field="obligation_id", reason="该报告义务已不再需要（等级下降或预案变更）")
    now = clock.now()
    if receipt.received_at > now:
        raise InvalidInput(field="received_at", reason="received_at：接报时间不能晚于当前时间")
    if receipt.received_at < incident.occurred_at:
        raise InvalidInput(field="received_at", reason="received_at：接报时间不能早于事故发生时间")
    obligation.acknowledged_at, obligation.acknowledged_by = now, actor.username
    obligation.acknowledged_as = capacity.value
    obligation.received_at, obligation.received_by = receipt.received_at, receipt.received_by
    db_session.flush()
    late = is_late(obligation, now)
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind="obligation.met",
        summary=f"{obligation.from_body}→{obligation.to_body or '（未规定）'}（{form_label(obligation.form)}）已完成："
        f"{receipt.received_by} {to_local(receipt.received_at):%m-%d %H:%M} 接报（{capacity.label}）"
        f"{'，迟报' if late else ''}",
        data={
            "obligation_id": obligation.id,
            "late": late,
            "note": receipt.note,
            "received_at": receipt.received_at.isoformat(),
            "received_by": receipt.received_by,
            "acknowledged_as": capacity.value,
        },
    )
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="incidents.obligation",
        target_kind="obligation",
        target_key=str(obligation.id),
        after={
            "acknowledged_at": now.isoformat(),
            "acknowledged_as": capacity.value,
            "received_at": receipt.received_at.isoformat(),
            "received_by": receipt.received_by,
            "late": late,
            "note": receipt.note,
        },
    )
    return obligation


def form_label(form: str) -> str:
    labels = {
        "phone": "电话",
        "written": "书面",
        "any": "报告",
        "document": "文书",
        "lowered": "降级后报告",
        "ended": "解除后报告",
    }
    return labels.get(form, form)

"""事故 pages: the incident register with the 初报 form, and the incident room — facts, assessment with its cited
basis, reporting clocks with countdowns, command structure, tasks by working group, dispatch, end conditions and
the timeline. Everything is read through the incident services in the caller's scope; actions go to the JSON API."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, to_local
from yingji.core.divisions import county_of
from yingji.core.errors import YingjiError
from yingji.core.paging import Page, PageParams, Paging, page_of, paged
from yingji.core.params import RowId
from yingji.deps import CurrentClock, DbSession
from yingji.incidents import aftermath, alerts, photos, reads, service, suggest, timeline
from yingji.incidents.enums import AccidentSector, IncidentStatus, ReliefCategory, TaskStatus
from yingji.incidents.models import Dispatch, EndConditionCheck, Incident
from yingji.incidents.record import FACT_LABELS, fact_text
from yingji.incidents.schemas import (
    AftermathFilters,
    IncidentFilters,
    PhotoRead,
    ReportFilters,
    TaskFilters,
    TaskRead,
    TimelineFilters,
)
from yingji.plans import loader
from yingji.plans.schema import Plan
from yingji.registry import divisions
from yingji.risks import service as risk_service
from yingji.risks.schemas import RiskFilters, RiskRead
from yingji.warnings.models import EarlyWarning
from yingji.web.common import Viewer, divisions_in_scope, error_page, export_link, page

router = APIRouter(include_in_schema=False)

# The 初报 form's suggestions (GB 6441 categories mines and industry report most); any other words are accepted.
ACCIDENT_TYPES = (
    "透水",
    "瓦斯爆炸",
    "瓦斯燃烧",
    "煤与瓦斯突出",
    "冒顶片帮",
    "顶板",
    "火灾",
    "中毒窒息",
    "机电",
    "运输",
    "爆破",
    "坍塌",
    "高处坠落",
    "物体打击",
    "机械伤害",
    "触电",
    "灼烫",
    "尾矿库溃坝",
    "其他",
)
ROOM_LIMIT = 500  # the room shows whole lists up to one full page and says 共 N 条 beyond it
SUGGESTIONS_SHOWN = 10


@router.get("/console/incidents", response_class=HTMLResponse)
def incident_list(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    paging: Paging,
    filters: Annotated[IncidentFilters, Query()],
) -> HTMLResponse:
    may_report = actor.has(Permission.INCIDENTS_REPORT) and actor.organisation_id is None
    found, total = service.list_(db_session=db_session, actor=actor, params=paging, filters=filters)
    rows = paged(reads.summaries(db_session, clock, found), total, paging)
    return page(
        request,
        actor,
        clock,
        "incidents.html",
        rows=rows,
        filters=filters,
        statuses=IncidentStatus.labels(),
        export=export_link("/api/incidents/export.xlsx", filters),
        sectors=AccidentSector.labels(),
        divisions=divisions_in_scope(db_session, actor) if may_report else [],
        places=reads.reporting_places(db_session, actor) if may_report else [],
        accident_types=ACCIDENT_TYPES,
    )


def _tasks_by_group(tasks: list[TaskRead]) -> dict[str, list[TaskRead]]:
    """Tasks under their working group; level actions and member-unit duties under a heading of their own."""
    groups: dict[str, list[TaskRead]] = defaultdict(list)
    for task in tasks:
        groups[task.group_label].append(task)
    return dict(groups)


def _photos_by_report(db_session: Session, incident: Incident) -> dict[int, list[PhotoRead]]:
    found: dict[int, list[PhotoRead]] = defaultdict(list)
    for photo in photos.read_all(photos.of_incident(db_session, incident)):
        found[photo.report_id].append(photo)
    return dict(found)


RISKS_SHOWN = 20


def _weather_risks(db_session: Session, actor: Actor, incident: Incident) -> Page[RiskRead] | None:
    """A weather response's room shows the registered risk points of its hazard in its place, highest first."""
    if incident.sector is not AccidentSector.WEATHER or incident.warning_id is None:
        return None
    warning = db_session.get(EarlyWarning, incident.warning_id)
    if warning is None or warning.hazard is None:
        return None
    params = PageParams(limit=RISKS_SHOWN)
    filters = RiskFilters(hazard=warning.hazard, within=incident.division_code)
    found, total = risk_service.page(db_session=db_session, actor=actor, params=params, filters=filters)
    return paged(risk_service.reads(db_session, found), total, params)


def room_context(
    request: Request, db_session: Session, clock: Clock, actor: Actor, incident: Incident
) -> dict[str, Any]:
    """Everything the room shows, as the read models the API answers with (the lists a page of 500 each)."""
    data = reads.read(db_session, clock, actor, incident)
    plans: dict[str, Plan] = {plan_id: loader.get(plan_id) for plan_id in incident.plan_ids}
    response_ids = [r.id for r in data.responses]
    checks: dict[int, dict[str, EndConditionCheck]] = defaultdict(dict)
    for check in db_session.scalars(select(EndConditionCheck).where(EndConditionCheck.response_id.in_(response_ids))):
        checks[check.response_id][check.condition] = check
    whole = PageParams(limit=ROOM_LIMIT)
    found, tasks_total = service.tasks_page(
        db_session=db_session, incident=incident, params=whole, filters=TaskFilters()
    )
    tasks = paged(reads.tasks(db_session, actor, found, clock.now()), tasks_total, whole)
    found_reports, reports_total = service.reports_page(
        db_session=db_session, incident=incident, params=whole, filters=ReportFilters()
    )
    newest = TimelineFilters(newest_first=True)
    found_events, events_total = timeline.page(db_session=db_session, incident=incident, params=whole, filters=newest)
    dispatches = db_session.scalars(select(Dispatch).where(Dispatch.incident_id == incident.id).order_by(Dispatch.id))
    risks = _weather_risks(db_session, actor, incident)
    found_after, after_total = aftermath.page(
        db_session=db_session, actor=actor, incident_id=incident.id, params=whole, filters=AftermathFilters()
    )
    index = request.app.state.resource_index.get(db_session)
    hits = suggest.suggestions(
        db_session=db_session, actor=actor, index=index, incident=incident, limit=SUGGESTIONS_SHOWN
    )
    suggested = reads.suggestions(db_session, actor, incident, hits)
    county = county_of(incident.division_code)
    return {
        "incident": incident,
        "data": data,
        "plans": plans,
        "facts": [(FACT_LABELS.get(k, k), fact_text(k, v)) for k, v in incident.facts.items()],
        "task_status": TaskStatus.labels(),
        "reports": page_of(found_reports, reports_total, whole, reads.report),
        "final_fields": service.final_report_fields(incident.plan_ids),
        "checks": checks,
        "tasks": tasks,
        "task_groups": {r: _tasks_by_group([t for t in tasks.items if t.response_id == r]) for r in response_ids},
        "dispatches": [reads.dispatch(d) for d in dispatches],
        "suggestions": suggested,
        "plan_deciders": sorted(alerts.plan_deciders(incident)),
        "site_county": divisions.names(db_session, [county]).get(county, ""),  # the outline drawn around the site
        "site_resources": [
            {
                "name": h.name,
                "kind": h.kind.value,
                "label": h.subtype_label,
                "lon": h.lon,
                "lat": h.lat,
                "minutes": h.travel_minutes,
            }
            for h in suggested
        ],
        "events": page_of(found_events, events_total, whole, reads.event),
        "aftermath": page_of(found_after, after_total, whole, lambda row: aftermath.read(actor, row)),
        "relief_categories": ReliefCategory.labels(),
        "risks": risks,
        "today_local": to_local(clock.now()).strftime("%Y-%m-%d"),
        "photos": _photos_by_report(db_session, incident),
        "actions": [a.value for a in data.allowed_actions],
        "now_local": to_local(clock.now()).strftime("%Y-%m-%dT%H:%M"),  # the receipt form's default 接报时间
    }


@router.get("/console/incidents/{incident_id}", response_class=HTMLResponse)
def incident_room(
    incident_id: RowId, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    try:
        incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    except YingjiError as err:  # out of scope answers exactly as missing does
        return error_page(request, actor, clock, err)
    return page(request, actor, clock, "incident.html", **room_context(request, db_session, clock, actor, incident))

"""事故 pages: the incident register with the 初报 form, and the incident room — facts, assessment with its cited
basis, reporting clocks with countdowns, command structure, tasks by working group, dispatch, end conditions and
the timeline. Everything is read through the incident services in the caller's scope; actions go to the JSON API."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.clock import Clock
from yingji.core.errors import YingjiError
from yingji.deps import CurrentClock, DbSession
from yingji.incidents import service, suggest, timeline
from yingji.incidents.api import detail
from yingji.incidents.command import COMMAND_ROLES
from yingji.incidents.enums import AccidentSector, ObligationKind, TaskSource, TaskStatus
from yingji.incidents.models import Dispatch, EndConditionCheck, Incident, Task
from yingji.incidents.record import FACT_LABELS, fact_text
from yingji.plans import loader
from yingji.plans.schema import Plan
from yingji.rules.levels import GRADE_LABELS, Grade
from yingji.web.common import Viewer, divisions_in_scope, error_page, page

router = APIRouter(include_in_schema=False)

SECTOR_LABELS = {
    AccidentSector.COAL_MINE: "煤矿",
    AccidentSector.NON_COAL_MINE: "非煤矿山",
    AccidentSector.INDUSTRY_TRADE: "工贸",
    AccidentSector.OTHER: "其他生产安全事故",
}
OBLIGATION_LABELS = {
    ObligationKind.REPORT: "信息报告",
    ObligationKind.SUPPLEMENTARY_WINDOW: "伤亡变化补报",
    ObligationKind.EVALUATION_REPORT: "总结评估报告",
    ObligationKind.POST_EVENT: "后期处置",
}
TASK_STATUS_LABELS = {TaskStatus.OPEN: "待办", TaskStatus.IN_PROGRESS: "进行中", TaskStatus.DONE: "已完成"}
SOURCE_GROUPS = {TaskSource.LEVEL_ACTION: "响应级别行动", TaskSource.MEMBER_DUTY: "成员单位职责"}
REPORT_KINDS = {"initial": "初报", "follow_up": "续报", "final": "终报"}


@router.get("/console/incidents", response_class=HTMLResponse)
def incident_list(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    may_report = actor.role in service.REPORTING_ROLES and actor.organisation_id is None
    found = service.list_(db_session=db_session, actor=actor, limit=200)
    late = service.late_counts(db_session=db_session, incident_ids=[i.id for i in found], now=clock.now())
    rows = [(incident, late[incident.id]) for incident in found]
    return page(
        request,
        actor,
        clock,
        "incidents.html",
        rows=rows,
        sectors=SECTOR_LABELS,
        divisions=divisions_in_scope(db_session, actor) if may_report else [],
    )


def _tasks_by_group(tasks: list[Task]) -> dict[str, list[Task]]:
    """Tasks under their working group; level actions and member-unit duties under a heading of their own."""
    groups: dict[str, list[Task]] = defaultdict(list)
    for task in tasks:
        groups[task.group_name or SOURCE_GROUPS.get(task.source, "其他")].append(task)
    return dict(groups)


def room_context(
    request: Request, db_session: Session, clock: Clock, actor: Actor, incident: Incident
) -> dict[str, Any]:
    """Everything the room shows, from the same services and `detail` the API answers with."""
    data = detail(db_session, incident, clock)
    plans: dict[str, Plan] = {plan_id: loader.get(plan_id) for plan_id in incident.plan_ids}
    response_ids = [r["id"] for r in data["responses"]]
    checks: dict[int, dict[str, EndConditionCheck]] = defaultdict(dict)
    for check in db_session.scalars(select(EndConditionCheck).where(EndConditionCheck.response_id.in_(response_ids))):
        checks[check.response_id][check.condition] = check
    tasks = list(db_session.scalars(select(Task).where(Task.incident_id == incident.id).order_by(Task.id)))
    dispatches = db_session.scalars(select(Dispatch).where(Dispatch.incident_id == incident.id).order_by(Dispatch.id))
    index = request.app.state.resource_index.get(db_session)
    responded = {r["plan_id"] for r in data["responses"]}  # once ended, a plan's response is not offered again
    return {
        "incident": incident,
        "data": data,
        "plans": plans,
        "facts": [(FACT_LABELS.get(k, k), fact_text(k, v)) for k, v in incident.facts.items()],
        "grade_label": lambda grade: GRADE_LABELS[Grade(grade)],
        "form_label": service.form_label,
        "sectors": SECTOR_LABELS,
        "obligation_labels": OBLIGATION_LABELS,
        "task_status": TASK_STATUS_LABELS,
        "report_kinds": REPORT_KINDS,
        "reports": service.reports(db_session=db_session, incident=incident),
        "final_fields": service.final_report_fields(incident.plan_ids),
        "checks": checks,
        "task_groups": {r: _tasks_by_group([t for t in tasks if t.response_id == r]) for r in response_ids},
        "dispatches": list(dispatches),
        "suggestions": suggest.suggestions(db_session=db_session, actor=actor, index=index, incident=incident),
        "events": timeline.events(db_session=db_session, incident=incident),
        "startable": [p for p in incident.plan_ids if p not in responded],
        "may_command": actor.role in COMMAND_ROLES,
    }


@router.get("/console/incidents/{incident_id}", response_class=HTMLResponse)
def incident_room(
    incident_id: int, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    try:
        incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    except YingjiError as err:  # out of scope answers exactly as missing does
        return error_page(request, actor, clock, err)
    return page(request, actor, clock, "incident.html", **room_context(request, db_session, clock, actor, incident))

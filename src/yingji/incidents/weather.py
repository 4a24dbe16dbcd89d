"""A meteorological disaster on the same command as accidents (issue 26 item 2; 003#L6 §4): an issued weather warning
is taken into emergency handling as an incident of the sector 气象灾害 under its plan; from there the room works as
for an accident — the body the plan names decides the level (4.3), member units' duties become tasks, the level is
adjusted or lifted with reasons, and lowering or lifting opens the plan's 24-hour report (4.8)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock
from yingji.core.errors import Forbidden, InvalidState
from yingji.incidents import alerts, timeline
from yingji.incidents.enums import AccidentSector, IncidentStatus
from yingji.incidents.models import Incident
from yingji.plans import loader
from yingji.warnings import service as warnings
from yingji.warnings.models import WarningKind, WarningStatus


def _hazard_name(plan_id: str, hazard: str | None) -> str:
    meteorological = loader.get(plan_id).meteorological
    found = next((h for h in meteorological.hazards if h.id == hazard), None) if meteorological else None
    return found.name if found is not None else "气象灾害"


def open_from_warning(*, db_session: Session, clock: Clock, actor: Actor, warning_id: int) -> tuple[Incident, bool]:
    """The incident for an issued meteorological warning, opened once (a second call returns it, False)."""
    warning = warnings.get(db_session=db_session, actor=actor, warning_id=warning_id)  # its scope, else NotFound
    if not actor.has(Permission.INCIDENTS_COMMAND):
        raise Forbidden(reason="只有指挥和值班人员可以将预警转入应急处置", subcode="incident.weather.open.role")
    if warning.kind is not WarningKind.METEOROLOGICAL or warning.status is not WarningStatus.ISSUED:
        raise InvalidState(reason="只有已发布的气象灾害预警可以转入应急处置", subcode="incident.weather.open.state")
    existing = db_session.scalars(select(Incident).where(Incident.warning_id == warning.id)).first()
    if existing is not None:
        return existing, False
    now = clock.now()
    hazard = _hazard_name(warning.plan_id, warning.hazard)
    incident = Incident(
        title=warning.title[:200],
        division_code=warning.division_code,
        sector=AccidentSector.WEATHER,
        accident_type=hazard[:40],
        enterprise_id=None,
        mine_id=None,
        lon=None,
        lat=None,
        occurred_at=warning.issued_at or now,
        known_at=now,
        status=IncidentStatus.REPORTED,
        facts={},
        plan_ids=[warning.plan_id],
        plan_override=None,
        warning_id=warning.id,
        created_by=actor.username,
        created_at=now,
    )
    db_session.add(incident)
    db_session.flush()
    level = loader.get(warning.plan_id).response.levels
    deciders = "、".join(dict.fromkeys(lvl.decided_by.body for lvl in level))
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind="weather.opened",
        summary=f"{hazard}预警（{warning.title}）转入应急处置；启动响应由{deciders}研究决定",
        data={"warning_id": warning.id},
    )
    alerts.response_changed(
        db_session,
        clock,
        incident,
        "weather-opened",
        f"气象灾害转入应急处置：{warning.title}",
        f"{hazard}预警转入应急处置，待{deciders}决定响应级别",
    )
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="incidents.weather.open",
        target_kind="incident",
        target_key=str(incident.id),
        after={"warning_id": warning.id, "plan_id": warning.plan_id},
    )
    return incident, True

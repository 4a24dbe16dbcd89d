"""When the next 续报 is expected. The plans ask for follow-up reports "根据事态发展实际需要，及时续报" without a
period, so while a response runs the platform expects one every FOLLOW_UP_EVERY after the latest report (a platform
default, see docs/decisions.md) and names what the plans want a 续报 to contain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.incidents.enums import IncidentStatus
from yingji.incidents.models import Incident, Report
from yingji.plans import loader
from yingji.plans.schema import ReportContent, ReportKind

FOLLOW_UP_EVERY = timedelta(hours=2)


@dataclass(frozen=True)
class FollowUpDue:
    due_at: datetime
    last_report_at: datetime
    last_report_id: int
    contents: list[ReportContent]


def _contents(incident: Incident) -> list[ReportContent]:
    found = []
    for plan_id in incident.plan_ids:
        reporting = loader.get(plan_id).reporting
        if reporting is not None:
            found += [c for c in reporting.contents if c.kind is ReportKind.FOLLOW_UP]
    return found


def due(db_session: Session, incident: Incident) -> FollowUpDue | None:
    """The next expected 续报 while a response runs under plans that ask for follow-up reports; None otherwise."""
    if incident.status is not IncidentStatus.RESPONDING:
        return None
    contents = _contents(incident)
    if not contents:
        return None
    row = db_session.execute(
        select(Report.id, Report.submitted_at)
        .where(Report.incident_id == incident.id)
        .order_by(Report.submitted_at.desc(), Report.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return FollowUpDue(row.submitted_at + FOLLOW_UP_EVERY, row.submitted_at, row.id, contents)


def responding(db_session: Session) -> list[Incident]:
    return list(db_session.scalars(select(Incident).where(Incident.status == IncidentStatus.RESPONDING)))

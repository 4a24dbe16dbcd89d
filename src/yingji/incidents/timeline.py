"""record_event(): append to an incident's timeline in the caller's transaction; events are never edited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Session

from yingji.core.clock import Clock
from yingji.core.paging import PageParams, paginate
from yingji.incidents.models import Incident, TimelineEvent
from yingji.incidents.schemas import TimelineFilters

COUNTERS = "timeline_seq"


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_counters(session: Session, *_args: Any) -> None:
    # The cached numbers are only valid while this transaction holds the incident's lock.
    session.info.pop(COUNTERS, None)


def record_event(
    *,
    db_session: Session,
    clock: Clock,
    incident: Incident,
    actor: str,
    kind: str,
    summary: str,
    data: dict[str, Any] | None = None,
) -> TimelineEvent:
    """Append one event; the incident row is locked first so concurrent writers keep a gap-free order.

    The lock (a no-op UPDATE, which SQLite honours too) lasts until commit, so the transaction remembers the last
    number instead of asking again for every event.
    """
    counters: dict[int, int] = db_session.info.setdefault(COUNTERS, {})
    if incident.id not in counters:
        db_session.execute(update(Incident).where(Incident.id == incident.id).values(id=Incident.id))
        last = db_session.scalar(select(func.max(TimelineEvent.seq)).where(TimelineEvent.incident_id == incident.id))
        counters[incident.id] = last or 0
    counters[incident.id] += 1
    event = TimelineEvent(
        incident_id=incident.id,
        seq=counters[incident.id],
        at=clock.now(),
        actor=actor,
        kind=kind,
        summary=summary,
        data=data or {},
    )
    db_session.add(event)
    return event


def events(*, db_session: Session, incident: Incident) -> list[TimelineEvent]:
    query = select(TimelineEvent).where(TimelineEvent.incident_id == incident.id).order_by(TimelineEvent.seq)
    return list(db_session.scalars(query))


def page(
    *, db_session: Session, incident: Incident, params: PageParams, filters: TimelineFilters
) -> tuple[list[TimelineEvent], int]:
    """One page of the timeline in order (or newest first); ``kind`` matches a kind and the kinds under it."""
    query = select(TimelineEvent).where(TimelineEvent.incident_id == incident.id)
    if filters.kind is not None:
        query = query.where(
            or_(TimelineEvent.kind == filters.kind, TimelineEvent.kind.startswith(f"{filters.kind}.", autoescape=True))
        )
    order = [TimelineEvent.seq, TimelineEvent.id]
    return paginate(db_session, query, params, order_by=[o.desc() for o in order] if filters.newest_first else order)

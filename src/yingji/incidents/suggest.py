"""Dispatch suggestions for an incident: the mine's contracted rescue team first, then the nearest of the right kind."""

from __future__ import annotations

from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.incidents.enums import AccidentSector
from yingji.incidents.models import Incident
from yingji.registry import nearest
from yingji.registry.enums import ResourceKind, TeamKind

MINE_SECTORS = frozenset({AccidentSector.COAL_MINE, AccidentSector.NON_COAL_MINE})


def suggestions(
    *,
    db_session: Session,
    actor: Actor,
    index: nearest.ResourceIndex,
    incident: Incident,
    kind: ResourceKind | None = None,
    specialty: str | None = None,
    limit: int = 10,
) -> list[nearest.Hit]:
    """Resources near the incident in the actor's scope; a mine accident asks for mine-rescue teams (none without a
    location: distance needs one)."""
    if incident.lon is None or incident.lat is None:
        return []
    wants_team = kind in (None, ResourceKind.RESCUE_TEAM)
    team_kind = TeamKind.MINE_RESCUE if incident.sector in MINE_SECTORS and wants_team else None
    return nearest.nearest(
        db_session=db_session,
        actor=actor,
        index=index,
        lon=incident.lon,
        lat=incident.lat,
        kind=kind or (ResourceKind.RESCUE_TEAM if team_kind else None),
        team_kind=team_kind,
        specialty=specialty,
        mine_id=incident.mine_id,
        limit=limit,
    )

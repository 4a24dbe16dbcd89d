"""Who sees which hazards, and which steps of the closed loop the caller may take on one now.

Which party takes which step from which state is rules/hazards.py (``TRANSITIONS``): the supervising department
alone confirms untrue reports away, accepts and closes (验收销号). This module only says which party an actor is.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.errors import Forbidden
from yingji.hazards.models import Channel, Hazard
from yingji.rules.hazards import HazardAction, HazardState, Party, steps

__all__ = ["HazardAction", "actions", "may_attach", "party", "report_channels", "require_party", "scope"]
FINAL_STATES = (HazardState.CLOSED, HazardState.DISMISSED)  # nothing more is added to these


def scope(actor: Actor) -> ColumnElement[bool]:
    """The hazards an actor may read: an enterprise its own, an officer those of its jurisdiction."""
    actor.require(Permission.REGISTRY_READ)
    return actor.record_filter(Hazard.division_code, Hazard.organisation_id)


def party(actor: Actor, hazard: Hazard) -> Party | None:
    """The enterprise's own reporter, or a supervising officer whose jurisdiction holds the hazard; else None."""
    if actor.organisation_id is not None:
        if actor.organisation_id == hazard.organisation_id and actor.has(Permission.HAZARDS_REPORT):
            return Party.ENTERPRISE
        return None
    if actor.has(Permission.HAZARDS_SUPERVISE) and actor.covers_division(hazard.division_code):
        return Party.SUPERVISOR
    return None


def require_party(actor: Actor, hazard: Hazard) -> Party:
    found = party(actor, hazard)
    if found is None:
        raise Forbidden(
            subcode="hazard.act.not_party",
            reason="无权处理该隐患（企业只能处理本企业隐患；监管部门只能处理辖区内隐患）",
        )
    return found


def actions(actor: Actor, hazard: Hazard) -> list[HazardAction]:
    """The closed-loop steps this actor may take on this hazard now (none for readers such as experts); consent to
    a longer deadline only while an enterprise's request waits for it."""
    found = party(actor, hazard)
    if found is None:
        return []
    return [a for a in steps(hazard.state, found) if a is not HazardAction.EXTEND or hazard.requested_deadline]


def may_regrade(actor: Actor, hazard: Hazard) -> bool:
    """Only the supervising department re-grades a hazard (on confirming it)."""
    return party(actor, hazard) is Party.SUPERVISOR


def report_channels(actor: Actor) -> list[Channel]:
    """How this actor may record a new hazard: an enterprise account by its own self-check, a supervising officer
    by inspection (a verified tip becomes a hazard through the tips service only)."""
    if not actor.has(Permission.HAZARDS_REPORT):
        return []
    if actor.organisation_id is not None:
        return [Channel.SELF_CHECK]
    return [Channel.INSPECTION] if actor.has(Permission.HAZARDS_SUPERVISE) else []


def may_attach(actor: Actor, hazard: Hazard) -> bool:
    """Photos and documents are added by either party while the hazard is still open."""
    return party(actor, hazard) is not None and hazard.state not in FINAL_STATES

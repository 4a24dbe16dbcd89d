"""Who may record that a report was received (接报登记), and in what capacity.

The receipt belongs to the receiving body, or to its superior recorded as such. A body with no accounts on this
platform (自治区、国家 bodies) cannot confirm here: then the sending body, or its superior, registers the report,
again recorded as such. Post-event duties are confirmed by the responding HQ. The level of every body of a plan's
reporting chain is plan data (``reporting.body_levels``); the place is the incident's county or city.
"""

from __future__ import annotations

from collections.abc import Sequence

from yingji.auth.actor import Actor
from yingji.auth.policy import acts_for_office
from yingji.auth.roles import Permission
from yingji.incidents.enums import ObligationKind, ReceiptRole
from yingji.incidents.models import Incident, Obligation
from yingji.plans import loader
from yingji.plans.schema import BodyLevel, GovernmentLevel, Plan

GOVERNMENTS = {BodyLevel.COUNTY: GovernmentLevel.COUNTY, BodyLevel.CITY: GovernmentLevel.CITY}  # with accounts here
SUPERIOR = {BodyLevel.UNIT: BodyLevel.COUNTY, BodyLevel.COUNTY: BodyLevel.CITY}


def acts_at(actor: Actor, incident: Incident, level: BodyLevel) -> bool:
    """Return whether the actor speaks for the body of that level concerned by this incident.

    The unit is the incident's own enterprise; a county or city body is that government's (its duty officers and
    commanders, the accounts of the incident's county or city).
    """
    if level is BodyLevel.UNIT:
        own = actor.organisation_id is not None and actor.organisation_id == incident.enterprise_id
        return own and actor.has(Permission.INCIDENTS_REPORT)
    government = GOVERNMENTS.get(level)
    return government is not None and acts_for_office(actor, government, incident.division_code)


def _on_platform(level: BodyLevel) -> bool:
    return level is BodyLevel.UNIT or level in GOVERNMENTS


def _role_for(
    actor: Actor, incident: Incident, levels: Sequence[BodyLevel], *, direct: ReceiptRole
) -> ReceiptRole | None:
    """The body itself, else its superior (the next level up)."""
    if any(acts_at(actor, incident, level) for level in levels):
        return direct
    superiors = [SUPERIOR[level] for level in levels if level in SUPERIOR]
    if any(acts_at(actor, incident, level) for level in superiors):
        return ReceiptRole.SUPERIOR if direct is ReceiptRole.RECEIVER else ReceiptRole.SENDER_SUPERIOR
    return None


def _levels(plan: Plan, bodies: Sequence[str]) -> list[BodyLevel]:
    known = plan.reporting.body_levels if plan.reporting is not None else {}
    return [known[body] for body in bodies if body in known]


def parties(obligation: Obligation) -> tuple[list[BodyLevel], list[BodyLevel]]:
    """Return the levels of the receiving bodies and of the sending body of an obligation, from its plan."""
    plan = loader.get(obligation.plan_id)
    level = BodyLevel(plan.metadata.government_level.value)
    if obligation.kind is ObligationKind.EVALUATION_REPORT:  # the plan's HQ reports to the bodies the plan names
        return _levels(plan, plan.post_event.evaluation_report_to), [level]
    if obligation.kind is ObligationKind.CHANGE_REPORT:  # the HQ reports up (市委, 自治区气象局): it registers it
        return [], [level]
    return _levels(plan, [obligation.to_body]), _levels(plan, [obligation.from_body])


def receipt_role(actor: Actor, incident: Incident, obligation: Obligation) -> ReceiptRole | None:
    """Return in what capacity the actor may record this obligation as met, or None if it may not."""
    if obligation.kind is ObligationKind.SUPPLEMENTARY_WINDOW:
        return None
    if obligation.kind is ObligationKind.POST_EVENT:  # a duty, not a report: the responding HQ confirms it
        plan = loader.get(obligation.plan_id)
        level = BodyLevel(plan.metadata.government_level.value)
        return ReceiptRole.RESPONSIBLE if acts_at(actor, incident, level) else None
    receivers, senders = parties(obligation)
    here = [level for level in receivers if _on_platform(level)]
    if here:
        return _role_for(actor, incident, here, direct=ReceiptRole.RECEIVER)
    return _role_for(actor, incident, [level for level in senders if _on_platform(level)], direct=ReceiptRole.SENDER)


def who_records(obligation: Obligation) -> str:
    """Say in Chinese who records this obligation, for the refusal."""
    if obligation.kind is ObligationKind.POST_EVENT:
        return "后期处置事项由负责应急响应的指挥部（本级指挥员、值班员）确认"
    receivers, _senders = parties(obligation)
    if any(_on_platform(level) for level in receivers):
        return f"接报由接收机关“{obligation.to_body}”确认，或由其上级代为确认"
    why = f"接收机关“{obligation.to_body}”不在本平台" if obligation.to_body else "预案未规定报送对象"
    return f"{why}，由报送机关“{obligation.from_body}”或其上级登记"

"""Who reads and keeps a plan's liaison register: the HQ's office (its standing office keeps the daily contact,
003#L6 2.2.3) for every unit, and a member unit's own accounts for their own liaison (they report changes)."""

from __future__ import annotations

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed, may_act
from yingji.auth.roles import Permission
from yingji.core.errors import Forbidden
from yingji.liaisons.schemas import LiaisonAction
from yingji.plans.schema import Authority, Plan


def reads(actor: Actor, plan: Plan) -> bool:
    """Phones of people: only accounts whose jurisdiction covers the plan's (the HQ's level and above) or a member
    unit's own accounts."""
    return (
        actor.has(Permission.PLANS_READ)
        and actor.organisation_id is None
        and actor.covers_division(plan.metadata.jurisdiction)
    )


def keeps_all(actor: Actor, plan: Plan) -> bool:
    meta = plan.metadata
    return may_act(actor, Authority.HQ_OFFICE, meta.government_level, meta.jurisdiction)


def unit_actions(actor: Actor, plan: Plan, *, own_unit: bool, named: bool) -> list[LiaisonAction]:
    keeper = keeps_all(actor, plan) or own_unit
    return allowed(actor, Permission.PLANS_READ, [(LiaisonAction.SET, keeper), (LiaisonAction.CLEAR, keeper and named)])


def require(actions: list[LiaisonAction], action: LiaisonAction) -> None:
    if action not in actions:
        raise Forbidden(reason="只有指挥部办公室或该成员单位可以登记其联络员", subcode="liaison.keep.role")

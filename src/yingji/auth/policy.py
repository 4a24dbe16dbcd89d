"""The policy's shared primitives: permission checks, jurisdiction scope, acting for a body a plan names.

Each domain has its own ``policy.py`` built only from these: one SQL scope filter per entity (lists and ``get``
use the same one) and one ``actions(actor, obj)`` answering what the caller may do to that object now. No role sets
live anywhere else: roles grant permissions in ``auth/roles.py``; who may act for a plan's body is
``auth/authority.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, or_, select, true

from yingji.auth.actor import Actor
from yingji.auth.authority import may_act_for, office_roles
from yingji.auth.models import User
from yingji.auth.roles import Permission
from yingji.auth.schemas import AccountAction
from yingji.core import divisions
from yingji.core.labels import LabelledEnum
from yingji.plans.schema import Authority, GovernmentLevel
from yingji.registry.models import Organisation

A = TypeVar("A", bound=LabelledEnum)

__all__ = ["account_actions", "acts_for_office", "allowed", "may_act_for", "place_of_level", "user_scope"]


def place_of_level(level: GovernmentLevel, division_code: str) -> str | None:
    """The division whose government at ``level`` has a place (事发地) in its jurisdiction: county or city code."""
    if level is GovernmentLevel.COUNTY:
        return divisions.county_of(division_code)
    if level is GovernmentLevel.CITY:
        return divisions.city_of(division_code)
    return None


def acts_for_office(actor: Actor, level: GovernmentLevel, division_code: str) -> bool:
    """Whether the actor staffs the duty office (or HQ) of the ``level`` government where ``division_code`` lies."""
    place = place_of_level(level, division_code)
    return place is not None and actor.role in office_roles(level) and actor.division_code == place


def may_act(actor: Actor, authority: Authority, level: GovernmentLevel, jurisdiction: str) -> bool:
    return may_act_for(actor, authority, plan_level=level, jurisdiction=jurisdiction)


def allowed(actor: Actor, permission: Permission, candidates: Iterable[tuple[A, bool]]) -> list[A]:
    """The actions whose condition holds, none at all without the permission — the list a read model carries."""
    if not actor.has(permission):
        return []
    return [action for action, ok in candidates if ok]


# --- accounts -------------------------------------------------------------------------------------------------------


def user_scope(actor: Actor) -> ColumnElement[bool]:
    """The one SQL filter for account lists and single lookups: accounts of the caller's jurisdiction — an enterprise
    account by its enterprise's division; an unlimited administrator's only by an unlimited administrator."""
    if actor.is_unlimited:
        return true()
    enterprises = select(Organisation.id).where(actor.division_filter(Organisation.division_code))
    return or_(
        and_(
            User.organisation_id.is_(None),
            User.division_code.is_not(None),
            actor.division_filter(User.division_code),  # type: ignore[arg-type]
        ),
        User.organisation_id.in_(enterprises),
    )


def account_actions(actor: Actor, user: User) -> list[AccountAction]:
    """What an account manager may do to an account it sees (the same checks as ``auth.service``)."""
    return allowed(
        actor,
        Permission.USERS_MANAGE,
        [
            (AccountAction.DISABLE, user.is_active),
            (AccountAction.ISSUE_TOKEN, True),
            (AccountAction.REVOKE_TOKENS, True),
        ],
    )

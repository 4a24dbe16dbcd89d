"""Who sees which tips, and which step of 受理-核查-反馈-销号 the caller may take on one now.

Anyone handling tips in the tip's jurisdiction may accept a received tip and so become its handler; every later step
is the handler's alone (the reporter's identity is shown to that one account only).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.rules.tips import TIP_TRANSITIONS, TipAction
from yingji.tips.models import Tip

__all__ = ["TipAction", "actions", "is_handler", "scope"]


def scope(actor: Actor) -> ColumnElement[bool]:
    """Tips of the caller's jurisdiction, for tip handlers only (enterprises never see tips)."""
    actor.require(Permission.TIPS_HANDLE)
    if actor.organisation_id is not None:
        return false()
    return actor.division_filter(Tip.division_code)


def is_handler(actor: Actor, tip: Tip) -> bool:
    return tip.handler is not None and tip.handler == actor.username


def may_take(actor: Actor, tip: Tip, action: TipAction) -> bool:
    """Accepting is open to every handler in scope; the steps after it belong to the handler."""
    return action is TipAction.ACCEPT or is_handler(actor, tip)


def actions(actor: Actor, tip: Tip) -> list[TipAction]:
    return allowed(actor, Permission.TIPS_HANDLE, [(a, may_take(actor, tip, a)) for a in TIP_TRANSITIONS[tip.state]])

"""Who sees which duty desks, and who keeps one.

A desk belongs to a body of the registry (a government, a department, an HQ office). Everyone of a jurisdiction
reads the desks, logs, rosters and handovers of the bodies in it; only the duty officers and commanders *of the
body's own division* (and an unlimited administrator) write there: a city officer reads a county's log but does not
keep the county's desk. Enterprises have no duty desk (403). One SQL filter per entity (lists and ``get`` alike).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.core.errors import Forbidden
from yingji.duty.models import DutyHandover, DutyLogEntry, DutyShift, HandoverState
from yingji.duty.schemas import BodyAction, HandoverAction, LogAction
from yingji.registry.enums import OrganisationKind
from yingji.registry.models import Organisation

BODY_KINDS = (OrganisationKind.GOVERNMENT, OrganisationKind.DEPARTMENT)


def _reader(actor: Actor) -> None:
    actor.require(Permission.REGISTRY_READ)
    if actor.organisation_id is not None:
        raise Forbidden(reason="企业账号没有值班台", subcode="duty.read.enterprise")


def body_scope(actor: Actor) -> ColumnElement[bool]:
    """Bodies with a duty desk (governments, departments, HQ offices) of the caller's jurisdiction."""
    _reader(actor)
    return Organisation.kind.in_(BODY_KINDS) & actor.division_filter(Organisation.division_code)


def contact_scope(actor: Actor) -> ColumnElement[bool]:
    """The phone book: every unit of the registry in the caller's jurisdiction."""
    _reader(actor)
    return actor.division_filter(Organisation.division_code)


def shift_scope(actor: Actor) -> ColumnElement[bool]:
    _reader(actor)
    return actor.division_filter(DutyShift.division_code)


def log_scope(actor: Actor) -> ColumnElement[bool]:
    _reader(actor)
    return actor.division_filter(DutyLogEntry.division_code)


def handover_scope(actor: Actor) -> ColumnElement[bool]:
    _reader(actor)
    return actor.division_filter(DutyHandover.division_code)


def keeps(actor: Actor, division_code: str) -> bool:
    """Whether the actor keeps duty for a body of ``division_code``: its own division's officers and commanders."""
    if not actor.has(Permission.DUTY_KEEP) or actor.organisation_id is not None:
        return False
    return actor.is_unlimited or actor.division_code == division_code


def require_keeper(actor: Actor, division_code: str, action: str) -> None:
    if not keeps(actor, division_code):
        raise Forbidden(reason="只有本级值班员、指挥员可以操作本单位值班台", subcode=f"duty.{action}.not_keeper")


def body_actions(actor: Actor, body: Organisation, *, pending: bool) -> list[BodyAction]:
    own = keeps(actor, body.division_code)
    return allowed(
        actor,
        Permission.DUTY_KEEP,
        [(BodyAction.SCHEDULE, own), (BodyAction.WRITE_LOG, own), (BodyAction.HAND_OVER, own and not pending)],
    )


def log_actions(actor: Actor, entry: DutyLogEntry) -> list[LogAction]:
    return allowed(actor, Permission.DUTY_KEEP, [(LogAction.CORRECT, keeps(actor, entry.division_code))])


def is_incoming(actor: Actor, handover: DutyHandover) -> bool:
    return actor.username == handover.to_officer


def is_outgoing(actor: Actor, handover: DutyHandover) -> bool:
    return actor.username == handover.from_officer


def handover_actions(actor: Actor, handover: DutyHandover) -> list[HandoverAction]:
    pending = handover.state is HandoverState.PENDING
    return allowed(
        actor,
        Permission.DUTY_KEEP,
        [
            (HandoverAction.ACCEPT, pending and is_incoming(actor, handover)),
            (HandoverAction.WITHDRAW, pending and is_outgoing(actor, handover)),
        ],
    )

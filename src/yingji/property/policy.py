"""Who sees which compounds and complaints, and what the caller may do to one of them now.

A complaint is seen by the offices over its compound and handled by the office of its handling level
(``handler_division``); the state machine of ``rules.property`` says which step comes next.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.core.labels import LabelledEnum
from yingji.property.models import Complaint, Compound
from yingji.rules.property import TRANSITIONS, ComplaintAction, ComplaintState

OPEN_STATES = (ComplaintState.OPEN, ComplaintState.REOPENED, ComplaintState.RESPONDED)


class ComplaintStep(LabelledEnum):
    """What an officer may do to a complaint (the owner's confirm/reopen go by number and query code)."""

    RESPOND = "respond", "响应"
    RESOLVE = "resolve", "办结答复"
    REROUTE = "reroute", "改派"


class CompoundAction(LabelledEnum):
    EDIT = "edit", "修改登记"
    ADD_CONTRACT = "add_contract", "登记合同"
    REQUEST_FUND = "request_fund", "申请维修资金"
    CHECK_DISCLOSURE = "check_disclosure", "公示检查"


def supervises(actor: Actor) -> bool:
    """An officer account with the property-supervision permission (enterprise accounts never)."""
    return actor.has(Permission.PROPERTY_SUPERVISE) and actor.organisation_id is None


def compound_scope(actor: Actor) -> ColumnElement[bool]:
    """The one SQL filter for compound lists and single reads: compounds in the caller's jurisdiction."""
    return actor.division_filter(Compound.division_code)


def complaint_scope(actor: Actor) -> ColumnElement[bool]:
    """The one SQL filter for complaint lists and single reads: complaints about compounds in scope."""
    return Complaint.compound_id.in_(select(Compound.id).where(compound_scope(actor)))


def handles(actor: Actor, complaint: Complaint) -> bool:
    """The caller's office is (or is above) the complaint's handling level."""
    return actor.covers_division(complaint.handler_division)


def may_step(complaint: Complaint, step: ComplaintStep) -> bool:
    """The complaint's state allows the step now."""
    if step is ComplaintStep.REROUTE:
        return complaint.state in OPEN_STATES
    return ComplaintAction(step.value) in TRANSITIONS[complaint.state]


def complaint_actions(actor: Actor, complaint: Complaint) -> list[ComplaintStep]:
    mine = supervises(actor) and handles(actor, complaint)
    return allowed(
        actor, Permission.PROPERTY_SUPERVISE, [(step, mine and may_step(complaint, step)) for step in ComplaintStep]
    )


def compound_actions(actor: Actor, compound: Compound) -> list[CompoundAction]:
    mine = supervises(actor) and actor.covers_division(compound.division_code)
    return allowed(actor, Permission.PROPERTY_SUPERVISE, [(action, mine) for action in CompoundAction])

"""Who sees which enforcement records and who acts on them.

Everyone with registry access reads the records of their jurisdiction; an enterprise account reads only its own
enterprise's (its inspections, violations and listings — never another's). Only supervising officers
(``HAZARDS_SUPERVISE``) whose jurisdiction holds the enterprise inspect, propose, decide, refer and list: an
enterprise account, an expert or a commander reads but never acts (403). A referral is also visible to, and answered
by, the officers over the receiving department.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.core.errors import Forbidden
from yingji.enforcement.models import (
    BlacklistEntry,
    Finding,
    InspectionPlan,
    InspectionRecord,
    Referral,
    Violation,
)
from yingji.enforcement.schemas import BlacklistAction, FindingAction, RecordAction, ReferralAction
from yingji.rules.enforcement import VIOLATION_STEPS, ReferralState, ViolationAction, ViolationState


def _reader(actor: Actor) -> None:
    actor.require(Permission.REGISTRY_READ)


def plan_scope(actor: Actor) -> ColumnElement[bool]:
    _reader(actor)
    if actor.organisation_id is not None:
        raise Forbidden(subcode="enforcement.plans.enterprise", reason="企业账号不查看执法检查计划")
    return actor.division_filter(InspectionPlan.division_code)


def record_scope(actor: Actor) -> ColumnElement[bool]:
    _reader(actor)
    return actor.record_filter(InspectionRecord.division_code, InspectionRecord.organisation_id)


def finding_scope(actor: Actor) -> ColumnElement[bool]:
    _reader(actor)
    return actor.record_filter(Finding.division_code, Finding.organisation_id)


def violation_scope(actor: Actor) -> ColumnElement[bool]:
    _reader(actor)
    return actor.record_filter(Violation.division_code, Violation.organisation_id)


def referral_scope(actor: Actor) -> ColumnElement[bool]:
    """The sender's side (the enterprise's place) and the receiver's (the department's place)."""
    _reader(actor)
    if actor.organisation_id is not None:
        return Referral.organisation_id == actor.organisation_id
    return actor.division_filter(Referral.division_code) | actor.division_filter(Referral.to_division_code)


def blacklist_scope(actor: Actor) -> ColumnElement[bool]:
    _reader(actor)
    return actor.record_filter(BlacklistEntry.division_code, BlacklistEntry.organisation_id)


def may_inspect(actor: Actor) -> bool:
    """A supervising officer (never an enterprise account) records inspections, proposes, decides, refers and lists
    — each within its jurisdiction."""
    return actor.organisation_id is None and actor.has(Permission.HAZARDS_SUPERVISE)


def supervises(actor: Actor, division_code: str) -> bool:
    """A supervising officer whose jurisdiction holds the place (enterprise accounts never are)."""
    return (
        actor.organisation_id is None
        and actor.has(Permission.HAZARDS_SUPERVISE)
        and actor.covers_division(division_code)
    )


def require_supervisor(actor: Actor, division_code: str, action: str) -> None:
    if not supervises(actor, division_code):
        raise Forbidden(
            subcode=f"enforcement.{action}.not_supervisor",
            reason="只有对该企业负有监管职责的部门（辖区执法人员）可以办理",
        )


def record_actions(actor: Actor, record: InspectionRecord) -> list[RecordAction]:
    return allowed(
        actor, Permission.HAZARDS_SUPERVISE, [(RecordAction.ADD_FINDING, supervises(actor, record.division_code))]
    )


def finding_actions(actor: Actor, finding: Finding, *, has_violation: bool) -> list[FindingAction]:
    own = supervises(actor, finding.division_code)
    return allowed(
        actor,
        Permission.HAZARDS_SUPERVISE,
        [
            (FindingAction.TO_HAZARD, own and finding.hazard_id is None),
            (FindingAction.TO_VIOLATION, own and not has_violation),
            (FindingAction.REFER, own),
            (FindingAction.ADD_PHOTO, own),
        ],
    )


def violation_actions(actor: Actor, violation: Violation) -> list[ViolationAction]:
    own = supervises(actor, violation.division_code)
    steps = VIOLATION_STEPS[ViolationState(violation.state)]
    return allowed(actor, Permission.HAZARDS_SUPERVISE, [(a, own) for a in steps])


def may_reply(actor: Actor, referral: Referral) -> bool:
    """The officers over the receiving department answer for it."""
    return supervises(actor, referral.to_division_code)


def referral_actions(actor: Actor, referral: Referral) -> list[ReferralAction]:
    pending = referral.state is ReferralState.SENT
    return allowed(
        actor, Permission.HAZARDS_SUPERVISE, [(ReferralAction.REPLY, pending and may_reply(actor, referral))]
    )


def blacklist_actions(actor: Actor, entry: BlacklistEntry, *, active: bool) -> list[BlacklistAction]:
    own = supervises(actor, entry.division_code)
    return allowed(actor, Permission.HAZARDS_SUPERVISE, [(BlacklistAction.REMOVE, own and active)])

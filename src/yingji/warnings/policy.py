"""Who sees which warnings, who may issue each colour, and what the caller may do to one warning now.

The issuing body of each colour is the plan's data (``issuer_levels``); 谁发布谁解除 keeps adjusting and lifting
with the issuing government's accounts.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, literal, or_, true

from yingji.auth.actor import Actor
from yingji.auth.authority import MAKES_WARNINGS, may_issue_as
from yingji.auth.policy import allowed, place_of_level
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.labels import LabelledEnum
from yingji.plans.schema import Plan, WarningLevelSpec
from yingji.warnings.models import EarlyWarning, WarningArea, WarningKind, WarningStatus

PUBLISHED = (WarningStatus.ISSUED, WarningStatus.LIFTED)
UNPUBLISHED = (WarningStatus.DRAFT, WarningStatus.PROPOSED)


class WarningAction(LabelledEnum):
    ISSUE = "issue", "发布"
    REJECT = "reject", "不予发布"
    ADJUST = "adjust", "调整"
    LIFT = "lift", "解除"
    TAKE_IN = "take_in", "转入应急处置"  # a meteorological disaster handled on the incident command


def may_manage(actor: Actor) -> bool:
    """The issuing side sees drafts, proposals and delivery details; everyone else the published warnings."""
    return any(actor.has(permission) for permission in MAKES_WARNINGS.values())


def may_draft(actor: Actor, plan: Plan) -> bool:
    """Whether the actor may make (draft) a warning under the plan: an account of the kind of body its colours come
    from, at any level (a county office drafts what the city issues); others may only propose one (003#L6 3.3.2)."""
    levels = plan.warning.levels if plan.warning is not None else []
    return any(actor.has(MAKES_WARNINGS[spec.issuer_authority]) for spec in levels)


def _overlaps(code: str) -> ColumnElement[bool]:
    """An area row inside ``code``'s jurisdiction, or one whose jurisdiction contains ``code`` (a city-wide warning
    is in force over each of its counties)."""
    return or_(
        WarningArea.stem.startswith(divisions.stem(code), autoescape=True), literal(code).startswith(WarningArea.stem)
    )


def scope(actor: Actor) -> ColumnElement[bool]:
    """The one SQL filter for warning lists and single reads: status the role may see, areas overlapping scope."""
    actor.require(Permission.PLANS_READ)
    status = true() if may_manage(actor) else EarlyWarning.status.in_(PUBLISHED)
    if actor.is_unlimited:
        return status
    if actor.organisation_id is not None:  # an enterprise reads the warnings over its city
        place = divisions.city_of(actor.organisation_division) if actor.organisation_division else None
    else:
        place = actor.division_code
    if place is None:
        return false()
    area = exists().where(WarningArea.warning_id == EarlyWarning.id, _overlaps(place))
    return and_(status, area)


def issuing_division(actor: Actor, spec: WarningLevelSpec, area_codes: list[str]) -> str | None:
    """The division whose government the actor issues this colour for, or None: one government, an office role."""
    for level in spec.issuer_levels:
        places = {place_of_level(level, code) for code in area_codes}
        if may_issue_as(actor, spec.issuer_authority, level) and len(places) == 1 and actor.division_code in places:
            return actor.division_code
    return None


def is_issuer(actor: Actor, spec: WarningLevelSpec, warning: EarlyWarning) -> bool:
    """谁发布谁解除: an office account of the very government that issued."""
    roles = any(may_issue_as(actor, spec.issuer_authority, level) for level in spec.issuer_levels)
    return roles and actor.division_code == warning.issuer_division


def actions(actor: Actor, spec: WarningLevelSpec | None, warning: EarlyWarning) -> list[WarningAction]:
    if spec is None:
        return []
    may_issue = warning.status in UNPUBLISHED and issuing_division(actor, spec, warning.division_codes) is not None
    in_force = warning.status is WarningStatus.ISSUED and is_issuer(actor, spec, warning)
    weather_in_force = warning.status is WarningStatus.ISSUED and warning.kind is WarningKind.METEOROLOGICAL
    return allowed(
        actor,
        MAKES_WARNINGS[spec.issuer_authority],
        [
            (WarningAction.ISSUE, may_issue),
            (WarningAction.REJECT, may_issue),
            (WarningAction.ADJUST, in_force),
            (WarningAction.LIFT, in_force),
        ],
    ) + allowed(actor, Permission.INCIDENTS_COMMAND, [(WarningAction.TAKE_IN, weather_in_force)])

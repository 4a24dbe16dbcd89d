"""Who sees which subsidy cases and who acts at each step.

A case is read by the accounts of its place that handle subsidy cases (``subsidies.cases``): the town's and its
communities' workers, the banner's (county's) and the city's officers; enterprise accounts and roles without the
permission read none (403). Each step is taken only by the level of government its programme's data names for it
(锡尼镇 for the survey, the application and the quantity check; the banner's bureaus for approval, supervision,
acceptance and payment; 市科技局 for the licence contracts), within its own jurisdiction — a city officer is not the
banner's bureau, as a county officer is not the town.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.errors import Forbidden
from yingji.rules.subsidy_cases import STEPS, WITHDRAWABLE, CaseAction, CaseState
from yingji.subsidy_cases.models import SubsidyCase
from yingji.subsidy_cases.schema import Level, StepRow, Track


def require_reader(actor: Actor) -> None:
    actor.require(Permission.SUBSIDY_CASES)
    if actor.organisation_id is not None:
        raise Forbidden(subcode="subsidy_case.read.enterprise", reason="企业账号不查看到户补贴案件")


def scope(actor: Actor) -> ColumnElement[bool]:
    """The one SQL filter for case lists and single reads: the cases of the caller's jurisdiction."""
    require_reader(actor)
    return actor.division_filter(SubsidyCase.division_code)


def at_level(actor: Actor, level: Level, division_code: str) -> bool:
    """Whether the account belongs to that level of government over the place (an unlimited administrator acts for
    any): a town (or community) worker whose jurisdiction holds the place, the county's or the city's own officers."""
    if not actor.has(Permission.SUBSIDY_CASES) or actor.organisation_id is not None:
        return False
    if actor.is_unlimited:
        return True
    own = actor.division_code
    if own is None:
        return False
    if level is Level.TOWN:
        return len(own) >= 9 and divisions.contains(own, division_code)
    if level is Level.COUNTY:
        return own == divisions.county_of(division_code)
    return own == divisions.city_of(division_code)


def acts_for(actor: Actor, levels: Iterable[Level], division_code: str) -> bool:
    return any(at_level(actor, level, division_code) for level in levels)


def require_body(actor: Actor, row: StepRow, division_code: str, action: str) -> None:
    """403 unless the account acts for the body the data names for this step (the step's basis said)."""
    require_reader(actor)
    if not acts_for(actor, row.by, division_code):
        raise Forbidden(
            subcode=f"subsidy_case.{action}.not_body",
            reason=f"“{row.label}”由{row.body}办理",
        )


def intake(track: Track) -> list[Level]:
    """Who may withdraw a case: those who take in the survey and the application."""
    applying = track.step(CaseAction.APPLY)
    return list(dict.fromkeys([*track.survey.by, *(applying.by if applying else [])]))


def everyone(track: Track) -> list[Level]:
    """Every level that acts somewhere in the track (they may add documents)."""
    levels = [*track.survey.by, *(level for row in track.steps.values() for level in row.by)]
    return list(dict.fromkeys(levels))


def case_actions(
    actor: Actor,
    case: SubsidyCase,
    track: Track,
    *,
    missing: dict[CaseAction, list[str]],
    milestone_open: bool,
    payable: bool,
) -> list[CaseAction]:
    """What the caller may do to the case now: the steps the state allows, taken by the caller's body, whose
    documents are in, and whose object exists (a milestone to verify, an instalment to pay)."""
    state = CaseState(case.state)
    place = case.division_code
    candidates: list[tuple[CaseAction, bool]] = []
    for action in STEPS[state]:
        row = track.step(action)
        if row is None or action is CaseAction.WITHDRAW:
            continue
        ok = acts_for(actor, row.by, place) and not missing.get(action)
        if action is CaseAction.MILESTONE:
            ok = ok and milestone_open
        elif action is CaseAction.PAY:
            ok = ok and payable
        elif action is CaseAction.VERIFY:
            ok = ok and (bool(track.milestones) or state is CaseState.ACCEPTED)
        candidates.append((action, ok))
    candidates.append((CaseAction.WITHDRAW, state in WITHDRAWABLE and acts_for(actor, intake(track), place)))
    candidates.append(
        (
            CaseAction.ATTACH,
            state not in (CaseState.SETTLED, CaseState.REJECTED, CaseState.WITHDRAWN)
            and acts_for(actor, everyone(track), place),
        )
    )
    return allowed(actor, Permission.SUBSIDY_CASES, candidates)

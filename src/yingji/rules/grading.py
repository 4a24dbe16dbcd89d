"""grade_accident(): 事故分级 under a plan's grading table."""

from __future__ import annotations

from yingji.plans.schema import Grading, GradingCriterion, Measure
from yingji.rules.basis import Basis, Decision
from yingji.rules.facts import AccidentFacts
from yingji.rules.levels import Grade

RULE = "grade_accident"


def measured(grading: Grading, facts: AccidentFacts, measure: Measure) -> int | None:
    """Return the value a criterion compares, or None when it is not known.

    Plans that count missing and trapped persons with deaths (非煤矿山 附件1) add them in here.
    """
    if measure is Measure.DEATHS:
        parts = [facts.deaths]
        if grading.missing_and_trapped_count_as_deaths:
            parts += [facts.missing, facts.trapped]
        return None if any(p is None for p in parts) else sum(p or 0 for p in parts)
    if measure is Measure.SERIOUS_INJURIES:
        return facts.serious_injuries
    if measure is Measure.DIRECT_LOSS_YUAN:
        return facts.direct_loss_yuan
    return None if facts.social_impact is None else int(facts.social_impact)


def at_least(grading: Grading, facts: AccidentFacts, measure: Measure) -> int | None:
    """Return what is known of a count so far — the sum of its known parts, a lower bound while a part is unknown —
    or None when nothing of it is known: 1 death and 2 trapped reach a threshold of 3 whatever the missing count."""
    if measure is Measure.DEATHS and grading.missing_and_trapped_count_as_deaths:
        parts = [p for p in (facts.deaths, facts.missing, facts.trapped) if p is not None]
        return sum(parts) if parts else None
    return measured(grading, facts, measure)


def _reached(grading: Grading, facts: AccidentFacts, criterion: GradingCriterion, grade: Grade) -> bool:
    value = at_least(grading, facts, criterion.measure)
    if value is None:
        return False
    if criterion.measure is Measure.SOCIAL_IMPACT:
        return value <= grade  # an assessed impact at least this severe
    assert criterion.at_least is not None  # the schema requires it for counts
    return value >= criterion.at_least  # "以上"含本数


def has_unknowns(grading: Grading, facts: AccidentFacts) -> bool:
    """Return whether a count the table uses is still unknown (social impact unassessed is not unknown)."""
    counted = grading.measures - {Measure.SOCIAL_IMPACT}
    return any(measured(grading, facts, m) is None for m in counted)


def grade_accident(grading: Grading, facts: AccidentFacts, *, plan_id: str) -> Decision[Grade]:
    """Return the most severe grade any one criterion reaches ("或者"); unknown counts make it a lower bound."""
    provisional = has_unknowns(grading, facts)
    inclusive = grading.inclusive_rule.to_basis(rule=RULE, plan=plan_id)
    for band in grading.bands:
        hits = tuple(
            c.basis.to_basis(rule=RULE, plan=plan_id) for c in band.criteria if _reached(grading, facts, c, band.grade)
        )
        if hits:
            extra: tuple[Basis, ...] = ()
            if grading.missing_and_trapped_count_as_deaths and grading.missing_and_trapped_basis:
                extra = (grading.missing_and_trapped_basis.to_basis(rule=RULE, plan=plan_id),)
            # The most severe grade cannot rise further, so it is final even with unknowns.
            return Decision(
                band.grade,
                (*hits, *extra, inclusive),
                provisional=provisional and band.grade is not Grade.EXTRAORDINARY,
            )
    return Decision(Grade.ORDINARY, (grading.ordinary.to_basis(rule=RULE, plan=plan_id), inclusive), provisional)

"""response_level(), propose_upgrade(), may_end(): 响应级别, 提级, 谁启动谁终止."""

from __future__ import annotations

from yingji.plans.schema import Response, ResponseLevel, Trigger, TriggerKind
from yingji.rules.basis import Basis, Decision
from yingji.rules.facts import AccidentFacts
from yingji.rules.levels import Grade

RULE = "response_level"


def _hit(trigger: Trigger, grade: Grade, facts: AccidentFacts) -> bool:
    if trigger.kind is TriggerKind.GRADE_AT_LEAST:
        assert trigger.grade is not None
        return grade <= trigger.grade  # 1 is most severe
    if trigger.kind is TriggerKind.PERSONS_AT_RISK_AT_LEAST:
        assert trigger.count is not None
        return facts.persons_at_risk_at_least >= trigger.count  # known persons suffice; unknown ones only add
    return trigger.condition in facts.conditions


def triggered_beyond_grade(level: ResponseLevel | None, grade: Grade, facts: AccidentFacts) -> bool:
    """Return whether a level was reached by persons at risk or a condition, not by the grade alone.

    A plan whose own response section sets a level for such a case applies to it, whatever its scope list says.
    """
    if level is None:
        return False
    return any(t.kind is not TriggerKind.GRADE_AT_LEAST and _hit(t, grade, facts) for t in level.triggers)


def _uses_persons_at_risk(response: Response) -> bool:
    return any(t.kind is TriggerKind.PERSONS_AT_RISK_AT_LEAST for lvl in response.levels for t in lvl.triggers)


def response_level(
    response: Response, grade: Decision[Grade], facts: AccidentFacts, *, plan_id: str
) -> Decision[ResponseLevel | None]:
    """Return the most severe level any trigger reaches, or None (with the reason) when the plan sets none."""
    provisional = grade.provisional or (_uses_persons_at_risk(response) and facts.persons_at_risk is None)
    mapping: tuple[Basis, ...] = ()
    if response.grade_mapping_reading is not None:
        mapping = (response.grade_mapping_reading.to_basis(rule=RULE, plan=plan_id),)
    for level in response.levels:
        hits = tuple(t.basis.to_basis(rule=RULE, plan=plan_id) for t in level.triggers if _hit(t, grade.value, facts))
        if hits:
            return Decision(level, (*hits, *mapping), provisional=provisional and level.level > 1)
    return Decision(
        None,
        mapping,
        provisional=provisional,
        notes=("本预案对此情形未设定响应级别，由指挥部研判决定或由下级预案响应",),
    )


def propose_upgrade(
    response: Response, current: ResponseLevel | None, facts: AccidentFacts, *, plan_id: str
) -> Decision[ResponseLevel | None]:
    """Return the level a 提级 would reach when the plan allows it for these facts (it still needs approval)."""
    upgrade = response.upgrade
    if upgrade is None or current is None or not set(upgrade.conditions) & facts.conditions:
        return Decision(None, ())
    target_number = max(1, current.level - upgrade.steps)
    if target_number == current.level:
        return Decision(None, (), notes=("已是最高响应级别，无法提级",))
    target = next(lvl for lvl in response.levels if lvl.level == target_number)
    return Decision(target, tuple(b.to_basis(rule="propose_upgrade", plan=plan_id) for b in upgrade.basis))


def may_end(response: Response, *, started_by: str, ending_by: str, plan_id: str) -> Decision[bool]:
    """Return whether ``ending_by`` may end a response ``started_by`` started (谁启动谁终止)."""
    basis = (response.ended_by_starter.to_basis(rule="may_end", plan=plan_id),)
    return Decision(started_by == ending_by, basis)

"""assess(): one accident's full answer under one plan — grade, response, reports, release, each with its basis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from yingji.core.errors import NotApplicable
from yingji.plans.schema import Plan, ResponseLevel
from yingji.rules.basis import Basis, Decision
from yingji.rules.facts import AccidentFacts
from yingji.rules.grading import grade_accident
from yingji.rules.levels import Grade
from yingji.rules.reporting import (
    ReportDeadline,
    release_authority,
    report_deadlines,
    report_reach,
    supplementary_window_days,
)
from yingji.rules.response import propose_upgrade, response_level, triggered_beyond_grade


@dataclass(frozen=True, kw_only=True)
class Assessment:
    plan: Plan
    facts: AccidentFacts
    grade: Decision[Grade]
    response: Decision[ResponseLevel | None]
    upgrade: Decision[ResponseLevel | None]
    deadlines: Decision[tuple[ReportDeadline, ...]]
    reach: Decision[str]
    release: Decision[str | None]
    supplementary_days: Decision[int]
    evaluation_report_days: int | None
    evaluation_basis: tuple[Basis, ...]
    in_scope: bool

    @property
    def basis(self) -> tuple[Basis, ...]:
        """Return every citation once, in the order the answers use them."""
        seen: dict[tuple[str, str, str | None, str | None], Basis] = {}
        parts = (
            self.grade,
            self.response,
            self.upgrade,
            self.deadlines,
            self.reach,
            self.release,
            self.supplementary_days,
        )
        for decision in parts:
            for b in decision.basis:
                seen.setdefault((b.rule, b.clause, b.seed, b.quote), b)
        for b in self.evaluation_basis:
            seen.setdefault((b.rule, b.clause, b.seed, b.quote), b)
        return tuple(seen.values())


def _in_scope(plan: Plan, grade: Grade, facts: AccidentFacts) -> bool:
    """Return whether the plan's 适用范围 covers the accident (city plans often leave 一般 ones to the county)."""
    scope = plan.scope
    if scope.min_grade is None or grade <= scope.min_grade or set(scope.applies_on) & facts.conditions:
        return True
    return scope.covers_persons_at_risk and facts.persons_at_risk_at_least > 0


def assess(
    plan: Plan, facts: AccidentFacts, *, known_at: datetime | None = None, accident_type: str | None = None
) -> Assessment:
    """Answer "what grade, what response, who decides and leads, who must be told by when, who releases"."""
    if plan.grading is None or plan.reporting is None or plan.public_release is None:
        raise NotApplicable(field="plan", plan=plan.metadata.title, reason="该预案不对生产安全事故分级")
    grade = grade_accident(plan.grading, facts, plan_id=plan.id)
    level = response_level(plan.response, grade, facts, plan_id=plan.id)
    in_scope = _in_scope(plan, grade.value, facts) or triggered_beyond_grade(level.value, grade.value, facts)
    return Assessment(
        plan=plan,
        facts=facts,
        grade=grade,
        response=level,
        upgrade=propose_upgrade(plan.response, level.value, facts, plan_id=plan.id),
        deadlines=report_deadlines(plan.reporting, grade.value, plan_id=plan.id, known_at=known_at),
        reach=report_reach(grade.value),
        release=release_authority(plan.public_release, grade.value, sensitive=facts.is_sensitive, plan_id=plan.id),
        supplementary_days=supplementary_window_days(accident_type),
        evaluation_report_days=plan.post_event.evaluation_report_days,
        evaluation_basis=tuple(b.to_basis(rule="evaluation_report", plan=plan.id) for b in plan.post_event.basis[:1]),
        in_scope=in_scope,
    )

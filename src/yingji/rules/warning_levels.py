"""issuer_for(), missing_fields(), may_lift(): 预警 authority and content, 谁发布谁解除."""

from __future__ import annotations

from collections.abc import Mapping

from yingji.plans.schema import Warning, WarningLevelSpec
from yingji.rules.basis import Decision
from yingji.rules.levels import WarningLevel


def level_spec(warning: Warning, level: WarningLevel) -> WarningLevelSpec | None:
    return next((spec for spec in warning.levels if spec.level == level), None)


def issuer_for(warning: Warning, level: WarningLevel, *, plan_id: str) -> Decision[tuple[str, ...] | None]:
    """Return the bodies that may issue a warning of this level (any one); None if the plan lacks the level."""
    spec = level_spec(warning, level)
    if spec is None:
        return Decision(None, (), notes=(f"本预案未设{level.label}预警",))
    return Decision(tuple(spec.issuers), tuple(b.to_basis(rule="issuer_for", plan=plan_id) for b in spec.basis))


def actions_for(warning: Warning, level: WarningLevel, *, plan_id: str) -> Decision[tuple[str, ...]]:
    """Return the warning-period actions for a level; cumulative plans add every less severe level's actions."""
    if warning.actions_cumulative:
        specs = [s for s in warning.levels if s.level >= level]  # blue upward to this level
    else:
        specs = [s for s in warning.levels if s.level == level]
    actions = tuple(a for spec in sorted(specs, key=lambda s: -s.level) for a in spec.actions)
    basis = tuple(b.to_basis(rule="actions_for", plan=plan_id) for spec in specs for b in spec.basis)
    return Decision(actions, basis)


def missing_fields(
    warning: Warning, message: Mapping[str, object], *, lifting: bool, plan_id: str
) -> Decision[tuple[str, ...]]:
    """Return the mandatory fields a warning (or lifting) message lacks; empty when complete."""
    required = warning.lift_fields if lifting else warning.issue_fields
    absent = tuple(f for f in required if message.get(f) in (None, "", [], {}))
    return Decision(absent, tuple(b.to_basis(rule="missing_fields", plan=plan_id) for b in warning.fields_basis))


def may_lift(warning: Warning, *, issued_by: str, lifting_by: str, plan_id: str) -> Decision[bool]:
    """Return whether ``lifting_by`` may lift a warning ``issued_by`` issued (谁发布谁解除)."""
    return Decision(issued_by == lifting_by, (warning.lifted_by_issuer.to_basis(rule="may_lift", plan=plan_id),))

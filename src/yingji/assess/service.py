"""Turn an assessment request into rule facts, run the rules, and shape the answer."""

from __future__ import annotations

from datetime import UTC

from yingji.assess.schemas import AssessmentRead, AssessRequest, BasisRead, DeadlineRead, PlanRef, UpgradeRead
from yingji.core.errors import InvalidInput
from yingji.plans import loader
from yingji.rules.assessment import Assessment, assess
from yingji.rules.facts import AccidentFacts
from yingji.rules.levels import GRADE_LABELS, Grade


def facts_from(request: AssessRequest) -> AccidentFacts:
    return AccidentFacts(
        deaths=request.deaths,
        serious_injuries=request.serious_injuries,
        direct_loss_yuan=request.direct_loss_yuan,
        missing=request.missing,
        trapped=request.trapped,
        endangered=request.endangered,
        social_impact=None if request.social_impact is None else Grade(request.social_impact),
        conditions=frozenset(request.conditions),
    )


def run(request: AssessRequest) -> AssessmentRead:
    """Assess under the named plan; an unknown plan is bad input (422), as is one that does not grade accidents."""
    plan = loader.bundled(request.plan)
    if plan is None:
        known = "、".join(loader.bundled_ids())
        raise InvalidInput(field="plan", reason=f"plan：未知预案「{request.plan}」，可选：{known}")
    known_at = None if request.known_at is None else request.known_at.astimezone(UTC)  # answers are in UTC
    return to_read(assess(plan, facts_from(request), known_at=known_at, accident_type=request.accident_type))


def to_read(result: Assessment) -> AssessmentRead:
    level = result.response.value
    upgrade = result.upgrade.value
    upgrade_read = None
    if upgrade is not None:
        upgrade_spec = result.plan.response.upgrade
        assert upgrade_spec is not None
        upgrade_read = UpgradeRead(
            to_level=upgrade.level,
            name=upgrade.name,
            decided_by=upgrade_spec.decided_by or upgrade.decided_by.body,
            requires_approval=upgrade_spec.requires_approval,
        )
    deadlines = [
        DeadlineRead.model_validate(
            {
                "from": d.from_body,
                "to": recipient,
                "timing": d.timing.value,
                "within_minutes": d.within_minutes,
                "form": d.form.value,
                "latest_minutes": d.latest_minutes,
                "due_at": d.due_at,
                "seed": d.basis.seed,
                "statutory_source": None
                if d.statutory_basis is None
                else f"{d.statutory_basis.source} {d.statutory_basis.clause}",
            }
        )
        for d in result.deadlines.value
        for recipient in d.to
    ]
    notes = [n for dec in (result.grade, result.response, result.upgrade, result.release) for n in dec.notes]
    if not result.in_scope:
        notes.append("按本预案适用范围，该事故由下级人民政府组织应对；本级预案给出的是指导层级的判定")
    meta = result.plan.metadata
    return AssessmentRead(
        plan=PlanRef(id=result.plan.id, title=meta.title, doc_no=meta.doc_no),
        grade=GRADE_LABELS[result.grade.value],
        grade_level=int(result.grade.value),
        provisional=result.grade.provisional or result.response.provisional,
        in_scope=result.in_scope,
        response_level=None if level is None else level.level,
        response_level_name=None if level is None else level.name,
        decided_by=None if level is None else level.decided_by.body,
        state_holder=None if level is None else level.state_holder.body,
        lead_body=None if level is None else level.lead_body.body,
        actions=[] if level is None else list(level.actions),
        upgrade=upgrade_read,
        report_deadlines=deadlines,
        report_reach=result.reach.value,
        release_authority=result.release.value,
        supplementary_report_days=result.supplementary_days.value,
        evaluation_report_days=result.evaluation_report_days,
        notes=notes,
        basis=[BasisRead(**b.as_dict()) for b in result.basis],
    )

"""Subsidy cases on the database: survey, application, approval, construction with its spot checks and milestones,
acceptance by the seed's rules, the calculation on the verified facts (stored whole), and payments that never exceed
it. Rules decide (rules/subsidy_cases.py, the calculators); every change is an event and an audit entry in the same
transaction, and every check runs before the first write, so a refused step leaves nothing behind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import ColumnElement, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.audit.rows import jsonable
from yingji.auth.actor import Actor
from yingji.core import divisions
from yingji.core.clock import Clock, local_today
from yingji.core.errors import Forbidden, InvalidInput, InvalidState, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.core.validation import invalid_input
from yingji.registry.models import Division
from yingji.rules import subsidy_cases as rules
from yingji.rules.basis import Basis, Decision
from yingji.rules.subsidies import Grade, Work
from yingji.rules.subsidy_cases import FINAL, CaseAction, CaseState, CheckKind
from yingji.subsidies import readings
from yingji.subsidies import schemas as calc
from yingji.subsidies import service as calculators
from yingji.subsidies.schema import Timing, calculator
from yingji.subsidy_cases import policy
from yingji.subsidy_cases.models import (
    CaseCalculation,
    CaseCheck,
    CaseDocument,
    CaseEvent,
    CasePayment,
    DocumentKind,
    SubsidyCase,
)
from yingji.subsidy_cases.schema import ACCEPTED, CaseProgramme, Track, programme, programmes
from yingji.subsidy_cases.schemas import (
    AcceptIn,
    ApproveIn,
    CalculationIn,
    CaseFilters,
    CaseIn,
    CaseOrder,
    MilestoneIn,
    PaymentIn,
    ReasonIn,
    SpotCheckIn,
    StartIn,
    StepIn,
)

INPUTS: dict[str, type[BaseModel]] = {
    calculators.PINGFANG: calc.PingfangIn,
    calculators.TECH_LICENCE: calc.LicenceIn,
    calculators.TECH_ACCEPTANCE: calc.AcceptanceIn,
    calculators.TECH_INSURANCE: calc.InsuranceIn,
}
DEMOLITION_ONLY = Basis(
    rule="subsidy_case.demolition",
    plan=rules.PINGFANG,
    clause="附件1",
    seed="004#L9671-L9673",
    quote="如有本技术指导方案未能涵盖的手续、流程，遵照主管部门要求进行办理",
)


# --- the case and its track -----------------------------------------------------------------------------------------


def plain(model: BaseModel) -> dict[str, Any]:
    """A request body as JSON-safe values (money and areas as exact strings), for storing beside the case."""

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return jsonable(value)

    found: dict[str, Any] = walk(model.model_dump(exclude_none=True))
    return found


def track_of(case_row: SubsidyCase) -> tuple[CaseProgramme, Track]:
    found = programme(case_row.programme_id)
    return found, found.track(case_row.track)


def get(db_session: Session, actor: Actor, case_id: int, *, for_update: bool = False) -> SubsidyCase:
    """One case the caller's scope lets through (locked for a step), else NotFound: out of scope reads as absent."""
    query = select(SubsidyCase).where(SubsidyCase.id == case_id, policy.scope(actor))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = db_session.scalars(query).first()
    if row is None:
        raise NotFound(kind="补贴案件", key=str(case_id))
    return row


def _basis_rows(basis: Sequence[Basis]) -> list[dict[str, Any]]:
    return [b.as_dict() for b in dict.fromkeys(basis)]


def _step_basis(cp: CaseProgramme, row: Any, rule: str) -> Basis:
    return Basis(rule=f"subsidy_case.{rule}", plan=cp.programme, clause=row.label, seed=row.seed, quote=row.quote)


def _event(
    db_session: Session,
    clock: Clock,
    actor: Actor,
    case_row: SubsidyCase,
    action: str,
    *,
    before: CaseState | None,
    after: CaseState | None,
    note: str | None = None,
    detail: dict[str, str] | None = None,
    basis: Sequence[Basis] = (),
) -> CaseEvent:
    """The step as an event of the case and as an audit entry; the case's last activity moves to now."""
    now = clock.now()
    row = CaseEvent(
        case_id=case_row.id,
        action=action,
        from_state=before.value if before else None,
        to_state=after.value if after else None,
        note=note,
        detail=detail or {},
        basis=_basis_rows(basis),
        actor=actor.username,
        at=now,
    )
    db_session.add(row)
    case_row.updated_at = now
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=f"subsidy_case.{action}",
        target_kind="subsidy_case",
        target_key=str(case_row.id),
        detail={"note": note or "", **(detail or {})},
        before={"state": before.value} if before else None,
        after={"state": after.value} if after else None,
    )
    return row


def documents_held(db_session: Session, case_ids: Sequence[int]) -> dict[int, set[DocumentKind]]:
    found: dict[int, set[DocumentKind]] = defaultdict(set)
    if case_ids:
        query = select(CaseDocument.case_id, CaseDocument.kind).where(CaseDocument.case_id.in_(case_ids)).distinct()
        for case_id, kind in db_session.execute(query):
            found[case_id].add(DocumentKind(kind))
    return found


def needed(case_row: SubsidyCase, track: Track, action: CaseAction) -> list[DocumentKind]:
    """The documents a step needs: its own, and for starting a permit-route build the construction permit."""
    row = track.step(action)
    kinds = list(row.documents) if row else []
    if action is CaseAction.START and case_row.route:
        kinds += track.start_documents.get(case_row.route, [])
    return kinds


def missing_documents(case_row: SubsidyCase, track: Track, held: set[DocumentKind]) -> dict[CaseAction, list[str]]:
    """For each step the state allows, the documents still to be added before it."""
    found: dict[CaseAction, list[str]] = {}
    for action in rules.STEPS[CaseState(case_row.state)]:
        lacking = [k.label for k in needed(case_row, track, action) if k not in held]
        if lacking:
            found[action] = lacking
    return found


def _require_documents(
    db_session: Session, cp: CaseProgramme, case_row: SubsidyCase, track: Track, action: CaseAction
) -> None:
    held = documents_held(db_session, [case_row.id]).get(case_row.id, set())
    lacking = [k for k in needed(case_row, track, action) if k not in held]
    if lacking:
        basis = [rules.PERMIT] if DocumentKind.CONSTRUCTION_PERMIT in lacking else []
        row = track.step(action)
        if row is not None:
            basis.append(_step_basis(cp, row, action.value))
        raise InvalidState(
            field="documents",
            subcode=f"subsidy_case.{action.value}.documents",
            reason=f"办理“{row.label if row else action.label}”前须上传：{'、'.join(k.label for k in lacking)}",
            basis=basis,
        )


def _step(
    db_session: Session, actor: Actor, case_id: int, action: CaseAction
) -> tuple[SubsidyCase, CaseProgramme, Track, CaseState, CaseState | None]:
    """The locked case, its programme and track, and where the step leads: 403 for the wrong body, 409 when the
    state or the track has no such step."""
    found = get(db_session, actor, case_id, for_update=True)
    cp, track = track_of(found)
    row = track.step(action)
    subcode = f"subsidy_case.{action.value}"
    if row is None:
        raise InvalidState(
            field="action", subcode=f"{subcode}.track", reason=f"“{track.label}”没有“{action.label}”这一步"
        )
    policy.require_body(actor, row, found.division_code, action.value)
    state = CaseState(found.state)
    return found, cp, track, state, rules.step(state, action, subcode=f"{subcode}.state")


# --- survey ---------------------------------------------------------------------------------------------------------


def _facts_of(data: CaseIn, track: Track) -> tuple[dict[str, Any], str | None]:
    """The declared facts, checked by the calculator (a D house refused renovation here, not at the payment) and the
    new build's approval route they give."""
    if not track.works:
        if data.survey is not None:
            raise InvalidInput(field="survey", reason="survey：该方案的案件不填写房屋情况")
        return {}, None
    if data.survey is None:
        raise InvalidInput(field="survey", reason="survey：须填写摸底时申报的改造更新方式、房屋等级和面积")
    if data.survey.work not in track.works:
        if data.survey.work is Work.DEMOLISH:
            reason = "survey.work：方案未规定拆除后不新建的办理流程和户补贴的支付时点，遵照主管部门要求办理"
            raise InvalidInput(field="survey.work", reason=reason, basis=[DEMOLITION_ONLY])
        raise InvalidInput(
            field="survey.work", reason=f"survey.work：“{track.label}”不办理此改造更新方式", basis=[rules.ONE_BUILDING]
        )
    answer = calculators.pingfang(data.survey)  # the data's default reading: only checks and the route matter here
    facts = plain(data.survey)
    return facts, answer.route.id if answer.route else None


def create(*, db_session: Session, clock: Clock, actor: Actor, data: CaseIn) -> SubsidyCase:
    """摸底登记 by the body the programme names, in its area, once per building."""
    policy.require_reader(actor)
    cp = programmes().get(data.programme)
    if cp is None:
        raise InvalidInput(field="programme", reason=f"programme：没有补贴案件方案 {data.programme}")
    try:
        track = cp.track(data.track)
    except NotFound as err:
        raise InvalidInput(field="track", reason=f"track：{err.params.get('key')}") from err
    if db_session.get(Division, data.division_code) is None or not divisions.contains(
        cp.source.division_code, data.division_code
    ):
        raise InvalidInput(
            field="division_code", reason=f"division_code：{data.division_code} 不在{cp.source.title}的范围内"
        )
    policy.require_body(actor, track.survey, data.division_code, "create")
    facts, route = _facts_of(data, track)
    parties = dict(data.parties)
    if "household" in cp.parties:
        parties.setdefault("household", data.name)
    lacking = [cp.parties[k] for k in cp.parties if k not in parties]
    unknown = [k for k in parties if k not in cp.parties]
    if lacking or unknown:
        reason = f"parties：须给出 {'、'.join(lacking)}" if lacking else f"parties：没有 {'、'.join(unknown)}"
        raise InvalidInput(field="parties", reason=reason)
    if cp.one_case_per_reference is not None:
        live = db_session.scalars(
            select(SubsidyCase.id).where(
                SubsidyCase.programme_id == cp.programme,
                SubsidyCase.reference == data.reference,
                SubsidyCase.state.not_in([CaseState.REJECTED, CaseState.WITHDRAWN]),
            )
        ).first()
        if live is not None:
            cited = cp.one_case_per_reference
            raise InvalidState(
                field="reference",
                subcode="subsidy_case.create.one_building",
                reason=f"该房屋已有补贴案件（编号 {live}）：同一栋房屋不得同时享受改造补贴和新建补贴",
                basis=[
                    Basis(
                        rule="subsidy_case.one_building",
                        plan=cp.programme,
                        clause="三（六）",
                        seed=cited.seed,
                        quote=cited.quote,
                    )
                ],
            )
    now = clock.now()
    facts |= {"middle_household": data.middle_household, "whole_row": data.whole_row, "lane_rule": data.lane_rule}
    row = SubsidyCase(
        programme_id=cp.programme,
        track=track.id,
        division_code=data.division_code,
        name=data.name,
        reference=data.reference,
        parties=parties,
        facts=facts,
        route=route,
        contractor=data.contractor,
        state=CaseState.SURVEYED,
        rework=False,
        failed_checks=0,
        milestones={},
        created_by=actor.username,
        created_at=now,
        updated_at=now,
    )
    db_session.add(row)
    db_session.flush()
    _event(
        db_session,
        clock,
        actor,
        row,
        "survey",
        before=None,
        after=CaseState.SURVEYED,
        note=data.note,
        basis=[_step_basis(cp, track.survey, "survey")],
    )
    return row


# --- the simple steps -----------------------------------------------------------------------------------------------


def apply(*, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: StepIn) -> SubsidyCase:
    row, cp, track, before, after = _step(db_session, actor, case_id, CaseAction.APPLY)
    _require_documents(db_session, cp, row, track, CaseAction.APPLY)
    row.state = after or before
    _event(
        db_session,
        clock,
        actor,
        row,
        "apply",
        before=before,
        after=row.state,
        note=data.note,
        basis=[_step_basis(cp, track.steps[CaseAction.APPLY], "apply")],
    )
    return row


def approve(*, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: ApproveIn) -> SubsidyCase:
    """批复; a middle household applying on its own only with the 一事一议 decision written down."""
    row, cp, track, before, after = _step(db_session, actor, case_id, CaseAction.APPROVE)
    needs = rules.approval_needs_deliberation(
        middle_household=bool(row.facts.get("middle_household")), whole_row=bool(row.facts.get("whole_row"))
    )
    if needs.value and not data.deliberation:
        raise InvalidInput(
            field="deliberation",
            subcode="subsidy_case.approve.deliberation",
            reason="deliberation：中间住户单独申请新建、改建的，须写明一事一议研究决定",
            basis=list(needs.basis),
        )
    _require_documents(db_session, cp, row, track, CaseAction.APPROVE)
    row.state = after or before
    detail = {"一事一议研究决定": data.deliberation} if data.deliberation else {}
    basis = [_step_basis(cp, track.steps[CaseAction.APPROVE], "approve"), *(needs.basis if needs.value else ())]
    _event(
        db_session,
        clock,
        actor,
        row,
        "approve",
        before=before,
        after=row.state,
        note=data.note,
        detail=detail,
        basis=basis,
    )
    return row


def reject(*, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: ReasonIn) -> SubsidyCase:
    row, cp, track, before, after = _step(db_session, actor, case_id, CaseAction.REJECT)
    row.state = after or before
    row.closed_at = clock.now()
    _event(
        db_session,
        clock,
        actor,
        row,
        "reject",
        before=before,
        after=row.state,
        note=data.reason,
        basis=[_step_basis(cp, track.steps[CaseAction.REJECT], "reject")],
    )
    return row


def withdraw(*, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: ReasonIn) -> SubsidyCase:
    """The household (or the parties) gives up before the work starts; taken in by those who took in the case."""
    row = get(db_session, actor, case_id, for_update=True)
    _, track = track_of(row)
    if not policy.acts_for(actor, policy.intake(track), row.division_code):
        raise Forbidden(subcode="subsidy_case.withdraw.not_body", reason=f"撤回由{track.survey.body}办理")
    before = CaseState(row.state)
    after = rules.step(before, CaseAction.WITHDRAW, subcode="subsidy_case.withdraw.state")
    row.state = after or before
    row.closed_at = clock.now()
    _event(db_session, clock, actor, row, "withdraw", before=before, after=row.state, note=data.reason)
    return row


def contractor_failures(db_session: Session, name: str) -> int:
    """How often a contractor's work or materials failed the quality standard, over every case."""
    query = select(func.count()).select_from(CaseCheck).where(CaseCheck.contractor == name, CaseCheck.passed == false())
    return db_session.scalar(query) or 0


def start(*, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: StartIn) -> SubsidyCase:
    """Work starts after the approval (先审批后实施), never by a cleared contractor, a permit-route build with its
    construction permit."""
    row, cp, track, before, after = _step(db_session, actor, case_id, CaseAction.START)
    contractor = data.contractor or row.contractor
    if contractor:
        cleared = rules.contractor_cleared(contractor_failures(db_session, contractor))
        if cleared.value:
            raise InvalidState(
                field="contractor",
                subcode="subsidy_case.start.contractor_cleared",
                reason=f"“{contractor}”已两次以上不符合质量标准，清退出南平房区改造新建项目",
                basis=list(cleared.basis),
            )
    _require_documents(db_session, cp, row, track, CaseAction.START)
    row.contractor = contractor
    row.state = after or before
    _event(
        db_session,
        clock,
        actor,
        row,
        "start",
        before=before,
        after=row.state,
        note=data.note,
        detail={"施工企业": contractor} if contractor else {},
        basis=[_step_basis(cp, track.steps[CaseAction.START], "start"), rules.PRIOR_APPROVAL],
    )
    return row


def _failed(db_session: Session, row: SubsidyCase, contractor: str | None) -> tuple[dict[str, str], list[Basis]]:
    """A failed check's consequences for the case (rework) and its contractor (cleared at the second failure)."""
    row.rework = True
    row.failed_checks += 1
    if not contractor:
        return {}, []
    failures = contractor_failures(db_session, contractor)
    cleared = rules.contractor_cleared(failures)
    detail = {"施工企业": contractor, "该企业累计不合格次数": str(failures)}
    if cleared.value:
        detail["清退"] = "两次以上不符合质量标准，清退出南平房区改造新建项目"
    return detail, list(cleared.basis) if cleared.value else []


def spot_check(*, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: SpotCheckIn) -> CaseCheck:
    """A quality or materials spot check; a failure orders rework (or clearing the site) and counts against the
    contractor."""
    row, cp, track, before, _ = _step(db_session, actor, case_id, CaseAction.SPOT_CHECK)
    if data.kind is CheckKind.ACCEPTANCE:
        raise InvalidInput(field="kind", reason="kind：验收请用验收一步办理")
    contractor = data.contractor or row.contractor
    order = rules.failure_order(data.kind)
    check = CaseCheck(
        case_id=row.id,
        kind=data.kind,
        contractor=contractor,
        passed=data.passed,
        findings=[],
        facts={},
        note=data.findings,
        checked_by=actor.username,
        checked_at=clock.now(),
    )
    db_session.add(check)
    db_session.flush()
    detail: dict[str, str] = {"结果": "合格" if data.passed else "不合格"}
    basis = [_step_basis(cp, track.steps[CaseAction.SPOT_CHECK], "spot_check")]
    after = before
    if not data.passed:
        extra, cleared = _failed(db_session, row, contractor)
        detail |= {"处理": order.value, **extra}
        basis += [*order.basis, *cleared]
        if before is CaseState.INSPECTION:
            after = CaseState.BUILDING  # back to work before any acceptance
    row.state = after
    _event(
        db_session,
        clock,
        actor,
        row,
        f"check.{data.kind.value}",
        before=before,
        after=after,
        note=data.findings,
        detail=detail,
        basis=basis,
    )
    return check


def milestone(*, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: MilestoneIn) -> SubsidyCase:
    """主房建成, 附属或凉房建成, 凉房建成经退线验收: verified on site, each once and in order; each releases its
    instalment."""
    row, cp, track, before, _ = _step(db_session, actor, case_id, CaseAction.MILESTONE)
    found = next((m for m in track.milestones if m.id == data.milestone), None)
    if found is None:
        known = "、".join(m.id for m in track.milestones)
        raise InvalidInput(field="milestone", reason=f"milestone：只能是 {known}")
    done = dict(row.milestones or {})
    if found.id in done:
        raise InvalidState(
            field="milestone",
            subcode="subsidy_case.milestone.done",
            reason=f"“{found.label}”已于 {done[found.id]} 核实",
        )
    waiting = [m.label for m in track.milestones if m.id in found.after and m.id not in done]
    cited = Basis(
        rule="subsidy_case.milestone", plan=cp.programme, clause=found.label, seed=found.seed, quote=found.quote
    )
    if waiting:
        raise InvalidState(
            field="milestone",
            subcode="subsidy_case.milestone.order",
            reason=f"“{found.label}”须在“{'、'.join(waiting)}”之后核实",
            basis=[cited],
        )
    on = data.on or local_today(clock)
    if on > local_today(clock):
        raise InvalidInput(field="on", reason="on：核实日期不能晚于今天")
    row.milestones = done | {found.id: on.isoformat()}
    _event(
        db_session,
        clock,
        actor,
        row,
        "milestone",
        before=before,
        after=before,
        note=data.note,
        detail={"进度": found.label, "核实日期": on.isoformat()},
        basis=[_step_basis(cp, track.steps[CaseAction.MILESTONE], "milestone"), cited],
    )
    return row


def request_acceptance(*, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: StepIn) -> SubsidyCase:
    row, cp, track, before, after = _step(db_session, actor, case_id, CaseAction.REQUEST_ACCEPTANCE)
    _require_documents(db_session, cp, row, track, CaseAction.REQUEST_ACCEPTANCE)
    row.state = after or before
    row.rework = False  # the household says the rework is done; the acceptance will tell
    _event(
        db_session,
        clock,
        actor,
        row,
        "request_acceptance",
        before=before,
        after=row.state,
        note=data.note,
        basis=[_step_basis(cp, track.steps[CaseAction.REQUEST_ACCEPTANCE], "request_acceptance")],
    )
    return row


# --- acceptance -----------------------------------------------------------------------------------------------------


def _timing() -> Timing:
    _, found = calculator(calculators.TECH_PAYMENT)
    if not isinstance(found, Timing):
        raise InvalidState(field="calculator", reason="许可费支付时间规则缺失")
    return found


def _acceptance(
    db_session: Session, cp: CaseProgramme, row: SubsidyCase, data: AcceptIn
) -> Decision[tuple[rules.Finding, ...]]:
    """The findings of the track's own acceptance rules on what the team recorded."""
    if row.track == "renovation":
        if data.renovation is None:
            raise InvalidInput(field="renovation", reason="renovation：既有建筑改造验收须逐项填写验收情况")
        body = data.renovation

        def part(p: Any) -> rules.Part:
            return rules.Part(**p.model_dump())

        return rules.renovation_acceptance(
            rules.RenovationCheck(
                grade=Grade(row.facts["grade"]),
                main=part(body.main),
                shed=None if body.shed is None else part(body.shed),
                **body.model_dump(exclude={"main", "shed"}),
            )
        )
    if row.track == "new_build":
        if data.new_build is None:
            raise InvalidInput(field="new_build", reason="new_build：新建验收须填写现场核实的面积")
        nb = data.new_build
        return rules.new_build_acceptance(
            rules.NewBuildCheck(
                main_area_m2=nb.main_area_m2,
                ancillary_area_m2=nb.ancillary_area_m2,
                lane_rule_applies=bool(row.facts.get("lane_rule")),
                lane_width_m=nb.lane_width_m,
            )
        )
    if data.tech is None:
        raise InvalidInput(field="tech", reason="tech：奖补审核须填写合同生效日和约定的首次支付许可费之日")
    tech = data.tech
    held = documents_held(db_session, [row.id]).get(row.id, set())
    timing = _timing()
    return rules.tech_review(
        rules.TechCheck(
            licensor=row.parties.get("licensor", ""),
            licensee_local=divisions.contains(cp.source.division_code, row.division_code),
            filed=DocumentKind.REGISTRATION in held,
            effective_on=tech.effective_on,
            first_fee_on=tech.first_fee_on,
            revenue_on=tech.revenue_on,
        ),
        timing.scheme(cp.programme),
    )


def accept(*, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: AcceptIn) -> CaseCheck:
    """验收 by the seed's rules: passed, the case is accepted; failed, it is recorded, the household is ordered to
    rework and the contractor's failure counts (the second clears it)."""
    row, cp, track, before, _ = _step(db_session, actor, case_id, CaseAction.ACCEPT)
    _require_documents(db_session, cp, row, track, CaseAction.ACCEPT)
    decision = _acceptance(db_session, cp, row, data)
    ok = rules.passed(decision.value)
    check = CaseCheck(
        case_id=row.id,
        kind=CheckKind.ACCEPTANCE,
        contractor=row.contractor,
        passed=ok,
        findings=[
            {
                "code": f.code,
                "label": f.label,
                "passed": f.passed,
                "found": f.found,
                "seed": f.basis.seed,
                "quote": f.basis.quote,
            }
            for f in decision.value
        ],
        facts={k: v for k, v in plain(data).items() if k != "note"},
        note=data.note,
        checked_by=actor.username,
        checked_at=clock.now(),
    )
    db_session.add(check)
    db_session.flush()
    failed = [f.label for f in decision.value if not f.passed]
    basis = [_step_basis(cp, track.steps[CaseAction.ACCEPT], "accept"), *decision.basis]
    if ok:
        row.state = CaseState.ACCEPTED
        row.rework = False
        _event(
            db_session,
            clock,
            actor,
            row,
            "accept",
            before=before,
            after=row.state,
            note=data.note,
            detail={"验收结果": "合格"},
            basis=basis,
        )
        return check
    extra, cleared = _failed(db_session, row, row.contractor)
    row.state = CaseState.BUILDING
    order = rules.failure_order(CheckKind.QUALITY)
    detail = {"验收结果": "不合格", "不符合的项目": "；".join(failed), "处理": order.value, **extra}
    _event(
        db_session,
        clock,
        actor,
        row,
        "accept_failed",
        before=before,
        after=row.state,
        note=data.note,
        detail=detail,
        basis=[*basis, *order.basis, *cleared],
    )
    return check


# --- the ledger: calculations in force, instalments and payments ---------------------------------------------------


@dataclass
class Ledger:
    """A case's calculations (the latest per calculator is in force) and its payments."""

    calculations: list[CaseCalculation] = field(default_factory=list)
    payments: list[CasePayment] = field(default_factory=list)

    def in_force(self) -> list[CaseCalculation]:
        latest: dict[str, CaseCalculation] = {}
        for c in sorted(self.calculations, key=lambda c: c.id):
            latest[c.calculator] = c
        return sorted(latest.values(), key=lambda c: c.id)

    def paid(self) -> dict[str, Decimal]:
        found: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for p in self.payments:
            found[p.stage] += p.amount_yuan
        return dict(found)


def ledgers(db_session: Session, case_ids: Sequence[int]) -> dict[int, Ledger]:
    found: dict[int, Ledger] = defaultdict(Ledger)
    if case_ids:
        for c in db_session.scalars(
            select(CaseCalculation).where(CaseCalculation.case_id.in_(case_ids)).order_by(CaseCalculation.id)
        ):
            found[c.case_id].calculations.append(c)
        for p in db_session.scalars(
            select(CasePayment).where(CasePayment.case_id.in_(case_ids)).order_by(CasePayment.id)
        ):
            found[p.case_id].payments.append(p)
    return found


def gate_reached(row: SubsidyCase, gate: str) -> bool:
    if gate == ACCEPTED:
        return CaseState(row.state) in (CaseState.ACCEPTED, CaseState.SETTLED)
    return gate in (row.milestones or {})


def instalments(row: SubsidyCase, track: Track, ledger: Ledger) -> list[rules.Instalment]:
    """The payable parts of the calculations in force: a 南平房区 schedule's stages, or a share calculator's total
    as one payment to its party."""
    found: list[rules.Instalment] = []
    for c in ledger.in_force():
        payee = row.parties.get(track.payee_key(c.calculator), "")
        schedule = c.answer.get("schedule") or []
        parts = (
            [(s["stage"], s["label"], Decimal(s["amount_yuan"])) for s in schedule]
            if schedule
            else [(c.calculator, c.answer.get("title", c.calculator), Decimal(c.answer["total_yuan"]))]
        )
        for stage, label, amount in parts:
            gate = track.gates.get(stage, ACCEPTED)
            found.append(
                rules.Instalment(
                    calculation_id=c.id,
                    stage=stage,
                    label=label,
                    amount_yuan=amount,
                    payee=payee,
                    reached=gate_reached(row, gate),
                )
            )
    return found


def payable(row: SubsidyCase, track: Track, ledger: Ledger) -> Decimal:
    paid = ledger.paid()
    return sum(
        (max(rules.remaining(i, paid), Decimal(0)) for i in instalments(row, track, ledger) if i.reached),
        Decimal("0.00"),
    )


def _inputs(calculator: str, raw: dict[str, Any]) -> BaseModel:
    try:
        return INPUTS[calculator].model_validate(raw)
    except ValidationError as err:
        errors = [dict(e, loc=("inputs", *e["loc"])) for e in err.errors()]
        raise invalid_input(errors) from err


def verify(*, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: CalculationIn) -> CaseCalculation:
    """核定: the calculator on the facts verified on site, stored whole with the reading in force; it replaces the
    calculator's earlier one for what is still to be paid."""
    row, cp, track, before, _ = _step(db_session, actor, case_id, CaseAction.VERIFY)
    if not track.milestones and before is not CaseState.ACCEPTED:
        raise InvalidState(
            field="state",
            subcode="subsidy_case.verify.not_accepted",
            reason="验收合格后方可核定补贴",
            basis=[_step_basis(cp, track.steps[CaseAction.VERIFY], "verify")],
        )
    if data.calculator not in track.calculators:
        raise InvalidInput(field="calculator", reason=f"calculator：只能是 {'、'.join(track.calculators)}")
    body = _inputs(data.calculator, data.inputs)
    reading: str | None = None
    if isinstance(body, calc.PingfangIn):
        if body.work is not Work(row.facts["work"]):
            raise InvalidInput(
                field="inputs.work",
                subcode="subsidy_case.verify.work",
                reason="inputs.work：同一栋房屋不得同时享受改造补贴和新建补贴，改造更新方式须与摸底登记一致",
                basis=[rules.ONE_BUILDING],
            )
        if body.setback is not None:
            reading = readings.setback_reading(db_session, cp.programme)
        answer = calculators.pingfang(body, reading)
    elif isinstance(body, calc.LicenceIn):
        answer = calculators.licence(body)
    elif isinstance(body, calc.AcceptanceIn):
        answer = calculators.acceptance(body)
    else:
        assert isinstance(body, calc.InsuranceIn)
        answer = calculators.insurance(body)
    _require_documents(db_session, cp, row, track, CaseAction.VERIFY)
    stored = CaseCalculation(
        case_id=row.id,
        calculator=data.calculator,
        reading=reading,
        inputs=plain(body),
        answer=answer.model_dump(mode="json"),
        total_yuan=Decimal(answer.total_yuan),
        note=data.note,
        verified_by=actor.username,
        verified_at=clock.now(),
    )
    db_session.add(stored)
    db_session.flush()
    detail = {"核定": f"{answer.title}：{answer.total_yuan} 元", "核定编号": str(stored.id)}
    if reading:
        detail["退线补偿的理解"] = reading
    seeds = [Basis(**{k: v for k, v in b.items()}) for b in answer.model_dump()["basis"]]
    _event(
        db_session,
        clock,
        actor,
        row,
        "verify",
        before=before,
        after=before,
        note=data.note,
        detail=detail,
        basis=[_step_basis(cp, track.steps[CaseAction.VERIFY], "verify"), *seeds],
    )
    return stored


def pay(*, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: PaymentIn) -> CasePayment:
    """A payment against an instalment of a calculation in force, its moment reached, to its payee, never above
    what is left of it; the last one settles the case."""
    row, cp, track, before, _ = _step(db_session, actor, case_id, CaseAction.PAY)
    if data.paid_on > local_today(clock):
        raise InvalidInput(field="paid_on", reason="paid_on：支付日期不能晚于今天")
    ledger = ledgers(db_session, [row.id])[row.id]
    due = instalments(row, track, ledger)
    gate_basis = [_step_basis(cp, m, "milestone") for m in track.milestones if m.id == track.gates.get(data.stage)]
    instalment = rules.check_payment(
        due,
        ledger.paid(),
        calculation_id=data.calculation_id,
        stage=data.stage,
        amount_yuan=data.amount_yuan,
        payee=data.payee,
        basis=gate_basis or [_step_basis(cp, track.steps[CaseAction.ACCEPT], "accept")],
    )
    _require_documents(db_session, cp, row, track, CaseAction.PAY)
    payment = CasePayment(
        case_id=row.id,
        calculation_id=data.calculation_id,
        stage=data.stage,
        payee=instalment.payee,
        amount_yuan=data.amount_yuan,
        voucher_no=data.voucher_no,
        paid_on=data.paid_on,
        recorded_by=actor.username,
        recorded_at=clock.now(),
    )
    db_session.add(payment)
    db_session.flush()
    ledger.payments.append(payment)
    after = before
    if rules.settled(due, ledger.paid(), accepted=before is CaseState.ACCEPTED):
        after = CaseState.SETTLED
        row.closed_at = clock.now()
    row.state = after
    detail = {
        "款项": instalment.label,
        "金额": f"{data.amount_yuan:f} 元",
        "收款人": instalment.payee,
        "凭证号": data.voucher_no,
        "核定编号": str(data.calculation_id),
    }
    _event(
        db_session,
        clock,
        actor,
        row,
        "pay",
        before=before,
        after=after,
        detail=detail,
        basis=[_step_basis(cp, track.steps[CaseAction.PAY], "pay"), rules.TO_HOUSEHOLD],
    )
    return payment


# --- documents ------------------------------------------------------------------------------------------------------


def attach(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    case_id: int,
    kind: DocumentKind,
    filename: str,
    content_type: str,
    data: bytes,
) -> CaseDocument:
    """A document of the stage the case is in, by any body acting in its track, with the hazard attachments' checks."""
    from yingji.hazards.service import check_upload

    row = get(db_session, actor, case_id, for_update=True)
    _, track = track_of(row)
    if not policy.acts_for(actor, policy.everyone(track), row.division_code):
        raise Forbidden(subcode="subsidy_case.attach.not_body", reason="只有办理本案件的机关可以上传材料")
    state = CaseState(row.state)
    if state in FINAL:
        raise InvalidState(
            field="state",
            subcode="subsidy_case.attach.state",
            reason=f"“{track.state_label(state)}”的案件不能再添加材料",
        )
    name, digest = check_upload(filename, content_type, data)
    document = CaseDocument(
        case_id=row.id,
        kind=kind,
        stage=state,
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        data=data,
        uploaded_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(document)
    db_session.flush()
    _event(
        db_session,
        clock,
        actor,
        row,
        "attach",
        before=state,
        after=state,
        detail={"材料": f"{kind.label}（{name}）"},
    )
    return document


def document(db_session: Session, actor: Actor, case_id: int, document_id: int) -> CaseDocument:
    get(db_session, actor, case_id)
    found = db_session.get(CaseDocument, document_id)
    if found is None or found.case_id != case_id:
        raise NotFound(kind="材料", key=str(document_id))
    return found


# --- lists ----------------------------------------------------------------------------------------------------------


def _stalled_clause(clock: Clock) -> ColumnElement[bool]:
    now = clock.now()
    open_ = SubsidyCase.state.not_in(list(FINAL))
    per_programme = [
        and_(SubsidyCase.programme_id == p.programme, SubsidyCase.updated_at < now - timedelta(days=p.stall_days))
        for p in programmes().values()
    ]
    return and_(open_, or_(*per_programme)) if per_programme else false()


def cases(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    params: PageParams,
    filters: CaseFilters,
    order: CaseOrder = CaseOrder.URGENT,
) -> tuple[list[SubsidyCase], int]:
    """The caller's cases; urgent first: stalled ones, then those ordered to rework, then the open ones by their
    oldest activity, the closed ones last (ties by id)."""
    query = select(SubsidyCase).where(policy.scope(actor), *filters.clauses())
    if order is CaseOrder.NEWEST:
        ordering = [SubsidyCase.created_at.desc(), SubsidyCase.id.desc()]
    else:
        open_ = SubsidyCase.state.not_in(list(FINAL))
        ordering = [
            case((_stalled_clause(clock), 0), else_=1),
            case((and_(open_, SubsidyCase.rework), 0), else_=1),
            case((open_, 0), else_=1),
            SubsidyCase.updated_at.asc(),
            SubsidyCase.id.asc(),
        ]
    found, total = paginate(db_session, query, params, order_by=ordering)
    return list(found), total


def contractors(db_session: Session, actor: Actor) -> list[tuple[str, int]]:
    """Contractors named on the caller's cases' checks, with their failures over every case (most failures first)."""
    policy.require_reader(actor)
    seen = (
        select(CaseCheck.contractor)
        .join(SubsidyCase, SubsidyCase.id == CaseCheck.case_id)
        .where(policy.scope(actor), CaseCheck.contractor.is_not(None))
    )
    names = sorted({n for n in db_session.scalars(seen) if n})
    counts = {n: contractor_failures(db_session, n) for n in names}
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

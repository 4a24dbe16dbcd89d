"""Subsidy case read models from rows: names and the programme's own words looked up once per page, the ledger
(calculations in force, instalments, payments) beside each case, what needs attention in words, and the caller's
allowed actions from the policy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.clock import Clock
from yingji.registry import divisions
from yingji.rules import subsidy_cases as rules
from yingji.rules.subsidies import (
    AREA_LABELS,
    BUILDING_LABELS,
    LAND_LABELS,
    WORK_LABELS,
    BuildingKind,
    LandUse,
    SetbackArea,
    Tenure,
    Work,
)
from yingji.rules.subsidy_cases import CaseAction, CaseState, CheckKind
from yingji.subsidies.readings import in_force, question
from yingji.subsidies.schemas import BasisRead
from yingji.subsidy_cases import policy, service
from yingji.subsidy_cases.models import CaseCheck, CaseDocument, CaseEvent, DocumentKind, SubsidyCase
from yingji.subsidy_cases.schema import ACCEPTED, CaseProgramme, Track
from yingji.subsidy_cases.schemas import (
    CalculationRead,
    CaseDetail,
    CaseRead,
    CheckRead,
    Cite,
    ComponentRead,
    ContractorRead,
    DocumentRead,
    EventRead,
    FactRead,
    FindingRead,
    InstalmentRead,
    MilestoneRead,
    PartyRead,
    PaymentRead,
    StepRead,
)

ZERO = Decimal("0.00")
EVENT_LABELS = {
    "survey": "摸底登记",
    "apply": "提出申请",
    "approve": "批复",
    "reject": "不予批复",
    "withdraw": "撤回",
    "start": "开工实施",
    "check.quality": "施工质量抽查",
    "check.materials": "自购材料质量抽查",
    "milestone": "核实建设进度",
    "request_acceptance": "申请验收",
    "accept": "验收合格",
    "accept_failed": "验收不合格，责令返工",
    "verify": "核定补贴",
    "pay": "支付",
    "attach": "上传材料",
}
ROUTE_LABELS = {
    "self_build": "居民自建（旗自然资源局审批）",
    "construction_permit": "统一设计、统一施工（施工许可、竣工验收）",
}


def _money(value: Decimal) -> str:
    return f"{value.quantize(ZERO):f}"


def _basis(rows: Sequence[dict[str, Any]]) -> list[BasisRead]:
    return [BasisRead.model_validate(b) for b in rows]


def _attention(row: SubsidyCase, cp: CaseProgramme, stalled: bool, idle: int, payable: Decimal) -> list[str]:
    """What a duty officer should see first, in words."""
    found = []
    if stalled:
        found.append(f"停滞 {idle} 天（超过 {cp.stall_days} 天无进展）")
    if row.rework:
        found.append("责令返工，待整改后重新申请验收")
    if payable > 0:
        found.append(f"待支付 {_money(payable)} 元")
    return found


def _missing_for(row: SubsidyCase, track: Track, held: set[DocumentKind]) -> dict[CaseAction, list[str]]:
    return service.missing_documents(row, track, held)


def _open_milestone(row: SubsidyCase, track: Track) -> bool:
    done = row.milestones or {}
    return any(m.id not in done and all(a in done for a in m.after) for m in track.milestones)


def rows(db_session: Session, clock: Clock, actor: Actor, found: Sequence[SubsidyCase]) -> list[CaseRead]:
    return [r for r, _ in _rows(db_session, clock, actor, found)]


def _rows(
    db_session: Session, clock: Clock, actor: Actor, found: Sequence[SubsidyCase]
) -> list[tuple[CaseRead, service.Ledger]]:
    ids = [r.id for r in found]
    places = divisions.names(db_session, (r.division_code for r in found))
    books = service.ledgers(db_session, ids)
    held = service.documents_held(db_session, ids)
    now = clock.now()
    answer = []
    for row in found:
        cp, track = service.track_of(row)
        ledger = books.get(row.id, service.Ledger())
        state = CaseState(row.state)
        idle = max((now - row.updated_at).days, 0)
        stalled = rules.stalled(state, row.updated_at, now, cp.stall_days)
        due = service.payable(row, track, ledger) if state not in rules.FINAL else ZERO
        force = ledger.in_force()
        missing = _missing_for(row, track, held.get(row.id, set()))
        answer.append(
            (
                CaseRead(
                    id=row.id,
                    programme=cp.programme,
                    programme_title=cp.title,
                    track=track.id,
                    track_label=track.label,
                    division_code=row.division_code,
                    division_name=places.get(row.division_code, row.division_code),
                    name=row.name,
                    reference=row.reference,
                    state=state,
                    state_label=track.state_label(state),
                    contractor=row.contractor,
                    rework=row.rework,
                    failed_checks=row.failed_checks,
                    stalled=stalled,
                    idle_days=idle,
                    attention=_attention(row, cp, stalled, idle, due),
                    calculated_yuan=_money(sum((c.total_yuan for c in force), ZERO)) if force else None,
                    paid_yuan=_money(sum((p.amount_yuan for p in ledger.payments), ZERO)),
                    payable_yuan=_money(due),
                    created_at=row.created_at,
                    updated_at=row.updated_at,
                    allowed_actions=policy.case_actions(
                        actor,
                        row,
                        track,
                        missing=missing,
                        milestone_open=_open_milestone(row, track),
                        payable=due > 0,
                    ),
                ),
                ledger,
            )
        )
    return answer


def _yes(value: object) -> str:
    return "是" if value else "否"


def facts(row: SubsidyCase) -> list[FactRead]:
    """The survey's declared facts in words (areas, grade, kind of work, setback land)."""
    f = row.facts or {}
    shown: list[tuple[str, str]] = []
    if "work" in f:
        shown.append(("改造更新方式", WORK_LABELS[Work(f["work"])]))
    if f.get("grade"):
        shown.append(("房屋结构安全等级", f"{f['grade']} 级"))
    if f.get("floor_area_m2") is not None:
        shown.append(("既有房屋建筑面积", f"{f['floor_area_m2']} 平方米"))
    if "work" in f and Work(f["work"]) is Work.RENOVATE:
        shown.append(("符合要求的屋顶", _yes(f.get("compliant_roof"))))
    if f.get("main_kind"):
        shown.append(("新建主房", BUILDING_LABELS[BuildingKind(f["main_kind"])]))
    for key, label in (("main_area_m2", "新建主房面积"), ("ancillary_area_m2", "新建附属用房面积")):
        if f.get(key) is not None:
            shown.append((label, f"{f[key]} 平方米"))
    if f.get("investment_yuan") is not None:
        shown.append(("新建投资额", f"{f['investment_yuan']} 元"))
    if (s := f.get("setback")) is not None:
        where = f"{s['location_class']}类地段" if s.get("location_class") else ""
        land = f"{where}{LAND_LABELS[_land(s['land_use'])]}，{LAND_LABELS[_land(s['tenure'])]}"
        shown.append(("退线土地", land))
        for key, area in (("plot_area_m2", "plot"), ("area_m2", "given_up")):
            if s.get(key) is not None:
                shown.append((AREA_LABELS[SetbackArea(area)], f"{s[key]} 平方米"))
    if "middle_household" in f:
        shown.append(("中间住户", _yes(f.get("middle_household"))))
        shown.append(("整栋连排共同申请", _yes(f.get("whole_row"))))
    if f.get("lane_rule"):
        shown.append(("新建凉房须保证巷道6米宽", "是"))
    return [FactRead(label=k, value=v) for k, v in shown]


def _land(value: str) -> LandUse | Tenure:
    return LandUse(value) if value in LandUse._value2member_map_ else Tenure(value)


def _state_label(track: Track, value: str | None) -> str | None:
    return None if value is None else track.state_label(CaseState(value))


def _events(db_session: Session, row: SubsidyCase, track: Track) -> list[EventRead]:
    found = db_session.scalars(select(CaseEvent).where(CaseEvent.case_id == row.id).order_by(CaseEvent.id))
    return [
        EventRead(
            id=e.id,
            action=e.action,
            action_label=_event_label(track, e.action),
            from_state=e.from_state,
            from_label=_state_label(track, e.from_state),
            to_state=e.to_state,
            to_label=_state_label(track, e.to_state),
            note=e.note,
            detail=[FactRead(label=k, value=v) for k, v in (e.detail or {}).items()],
            basis=_basis(e.basis or []),
            actor=e.actor,
            at=e.at,
        )
        for e in found
    ]


def _event_label(track: Track, action: str) -> str:
    """The programme's own name for a step (申请改造, 合同登记备案), the generic one otherwise."""
    if action == "survey":
        return track.survey.label
    if action in CaseAction._value2member_map_ and (row := track.step(CaseAction(action))) is not None:
        return row.label
    return EVENT_LABELS.get(action, action)


def _documents(db_session: Session, row: SubsidyCase, track: Track) -> list[DocumentRead]:
    columns = select(
        CaseDocument.id,
        CaseDocument.kind,
        CaseDocument.stage,
        CaseDocument.filename,
        CaseDocument.content_type,
        CaseDocument.size,
        CaseDocument.sha256,
        CaseDocument.uploaded_by,
        CaseDocument.created_at,
    ).where(CaseDocument.case_id == row.id)
    return [
        DocumentRead(
            id=i,
            kind=str(kind),
            kind_label=DocumentKind(kind).label,
            stage=CaseState(stage),
            stage_label=track.state_label(CaseState(stage)),
            filename=name,
            content_type=ct,
            size=size,
            sha256=digest,
            uploaded_by=by,
            created_at=at,
        )
        for i, kind, stage, name, ct, size, digest, by, at in db_session.execute(columns.order_by(CaseDocument.id))
    ]


def _checks(db_session: Session, row: SubsidyCase) -> list[CheckRead]:
    found = db_session.scalars(select(CaseCheck).where(CaseCheck.case_id == row.id).order_by(CaseCheck.id))
    return [
        CheckRead(
            id=c.id,
            kind=CheckKind(c.kind),
            kind_label=CheckKind(c.kind).label,
            contractor=c.contractor,
            passed=c.passed,
            order=None if c.passed else rules.failure_order(CheckKind(c.kind)).value,
            findings=[FindingRead.model_validate(f) for f in c.findings or []],
            note=c.note,
            checked_by=c.checked_by,
            checked_at=c.checked_at,
        )
        for c in found
    ]


def _calculations(cp: CaseProgramme, ledger: service.Ledger) -> list[CalculationRead]:
    force = {c.id for c in ledger.in_force()}
    options = {o.id: o.label for o in question(cp.programme, "setback_area")[1].options} if cp.source.renewal else {}
    return [
        CalculationRead(
            id=c.id,
            calculator=c.calculator,
            title=c.answer.get("title", c.calculator),
            formula=c.answer.get("formula", ""),
            inputs=dict(c.answer.get("inputs", {})),
            components=[
                ComponentRead.model_validate({k: p[k] for k in ("key", "label", "formula", "amount_yuan")})
                for p in c.answer.get("components", [])
            ],
            total_yuan=_money(c.total_yuan),
            reading=c.reading,
            reading_label=options.get(c.reading) if c.reading else None,
            notes=list(c.answer.get("notes", [])),
            basis=_basis(c.answer.get("basis", [])),
            in_force=c.id in force,
            note=c.note,
            verified_by=c.verified_by,
            verified_at=c.verified_at,
        )
        for c in reversed(ledger.calculations)
    ]


def _gate_label(track: Track, stage: str) -> str:
    gate = track.gates.get(stage, ACCEPTED)
    if gate == ACCEPTED:
        return track.steps[CaseAction.ACCEPT].label + "（合格）"
    return next((m.label for m in track.milestones if m.id == gate), gate)


def detail(db_session: Session, clock: Clock, actor: Actor, row: SubsidyCase) -> CaseDetail:
    ((head, ledger),) = _rows(db_session, clock, actor, [row])
    cp, track = service.track_of(row)
    paid = ledger.paid()
    due = service.instalments(row, track, ledger)
    labels = {i.stage: i.label for i in due}
    held = service.documents_held(db_session, [row.id]).get(row.id, set())
    # the steps this account would take now but for a document: the page says what to upload first
    possible = policy.case_actions(
        actor,
        row,
        track,
        missing={},
        milestone_open=_open_milestone(row, track),
        payable=service.payable(row, track, ledger) > 0,
    )
    contractor = None
    if row.contractor:
        failures = service.contractor_failures(db_session, row.contractor)
        cleared = rules.contractor_cleared(failures)
        contractor = ContractorRead(
            name=row.contractor,
            failures=failures,
            cleared=cleared.value,
            basis=[BasisRead.model_validate(b.as_dict()) for b in cleared.basis],
        )
    reading = None
    if cp.source.renewal is not None:
        _, readings = question(cp.programme, "setback_area")
        chosen = in_force(db_session, cp.programme, "setback_area")
        reading = next(o.label for o in readings.options if o.id == chosen)
    steps = [
        StepRead(
            action=CaseAction.ATTACH,
            label=track.survey.label,
            body=track.survey.body,
            documents=[k.label for k in track.survey.documents],
            basis=Cite(seed=track.survey.seed, quote=track.survey.quote),
        )
    ]
    steps += [
        StepRead(
            action=action,
            label=s.label,
            body=s.body,
            documents=[k.label for k in s.documents],
            basis=Cite(seed=s.seed, quote=s.quote),
        )
        for action, s in track.steps.items()
    ]
    return CaseDetail(
        **head.model_dump(),
        name_label=cp.name_label,
        reference_label=cp.reference_label,
        parties=[PartyRead(key=k, label=cp.parties[k], name=v) for k, v in row.parties.items() if k in cp.parties],
        facts=facts(row),
        route=row.route,
        route_label=ROUTE_LABELS.get(row.route or "", row.route) if row.route else None,
        steps=steps,
        milestones=[
            MilestoneRead(id=m.id, label=m.label, done_on=_day((row.milestones or {}).get(m.id)), seed=m.seed)
            for m in track.milestones
        ],
        missing_documents={a.value: v for a, v in _missing_for(row, track, held).items() if a in possible},
        timeline=_events(db_session, row, track),
        documents=_documents(db_session, row, track),
        checks=_checks(db_session, row),
        calculations=_calculations(cp, ledger),
        instalments=[
            InstalmentRead(
                calculation_id=i.calculation_id,
                stage=i.stage,
                label=i.label,
                gate=_gate_label(track, i.stage),
                reached=i.reached,
                amount_yuan=_money(i.amount_yuan),
                paid_yuan=_money(paid.get(i.stage, ZERO)),
                remaining_yuan=_money(max(rules.remaining(i, paid), ZERO)),
                payee=i.payee,
            )
            for i in due
        ],
        payments=[
            PaymentRead(
                id=p.id,
                calculation_id=p.calculation_id,
                stage=p.stage,
                stage_label=labels.get(p.stage, p.stage),
                payee=p.payee,
                amount_yuan=_money(p.amount_yuan),
                voucher_no=p.voucher_no,
                paid_on=p.paid_on,
                recorded_by=p.recorded_by,
                recorded_at=p.recorded_at,
            )
            for p in ledger.payments
        ],
        contractor_status=contractor,
        reading_in_force=reading,
        calculators=list(track.calculators),
        stall_days=cp.stall_days,
    )


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def contractors(db_session: Session, actor: Actor) -> list[ContractorRead]:
    return [
        ContractorRead(
            name=name,
            failures=failures,
            cleared=rules.contractor_cleared(failures).value,
            basis=[BasisRead.model_validate(b.as_dict()) for b in rules.contractor_cleared(failures).basis],
        )
        for name, failures in service.contractors(db_session, actor)
    ]

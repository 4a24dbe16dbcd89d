"""Work-injury rehabilitation (工伤康复): agreement institutions and their yearly agreements renewed only after a
passed assessment, the expert pool with three-year terms, cases opened under a mode and admitted through its gate
(agency filing or a pool expert's evaluation), and claims checked against the non-payable categories with the
cost-monitoring warnings they raise."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field
from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import Session

from yingji.audit.rows import record_change, snapshot
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.clock import Clock, local_today
from yingji.core.errors import Conflict, Forbidden, InvalidInput, NotFound, OutOfJurisdiction, RuleViolation
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.programmes import access, panels, policy
from yingji.programmes.models import (
    Agreement,
    Alert,
    AssessmentResult,
    CaseState,
    Claim,
    Institution,
    PoolMember,
    RehabCase,
)
from yingji.programmes.schema import RehabRules, rehab_rules
from yingji.programmes.schemas import (
    AlertFilters,
    CaseFilters,
    DivisionCode,
    IdNumber,
    InstitutionFilters,
    Name,
    PoolMemberIn,
    Short,
    Text,
)
from yingji.registry.models import Division
from yingji.rules import rehab as rules
from yingji.rules.basis import Basis


class InstitutionIn(YingjiModel):
    name: Name
    kind: Short
    division_code: DivisionCode
    conditions: list[Short] = Field(default_factory=list, max_length=10)
    night_rehab: bool = False
    address: Name | None = None


class AgreementIn(YingjiModel):
    year: int = Field(ge=2000, le=2100)
    signed_on: date


class AssessmentIn(YingjiModel):
    result: AssessmentResult
    assessed_on: date
    remarks: Text | None = None


class CaseIn(YingjiModel):
    worker_name: Short
    id_number: IdNumber
    employer: Name
    division_code: DivisionCode
    injury_ref: Short
    injured_parts: list[Short] = Field(min_length=1, max_length=20)
    department: Short | None = None
    mode: Short
    institution_id: RowId


class GateIn(YingjiModel):
    approve: bool
    opinion: Text
    pool_member_id: RowId | None = None  # the evaluating pool expert (expert gates)


class EndCaseIn(YingjiModel):
    ends_on: date
    discharged_on: date | None = None


class ClaimIn(YingjiModel):
    service_on: date
    category: Short
    body_part: Short | None = None
    item: Name
    amount: Decimal = Field(gt=0, le=Decimal("1000000"), max_digits=12, decimal_places=2)


CENT = Decimal("0.01")


def _basis(data: RehabRules, clause: str, seed: str, quote: str) -> Basis:
    return Basis(rule="rehab", plan=data.title, clause=clause, seed=seed, quote=quote)


def _violation(
    data: RehabRules, rule: str, clause: str, seed: str, quote: str, field: str | None = None
) -> RuleViolation:
    return RuleViolation(field=field, plan=data.title, rule=rule, basis=[_basis(data, clause, seed, quote)])


def require(actor: Actor, division_code: str | None = None) -> None:
    """The social-insurance agency (an officer of the area, or an administrator)."""
    actor.require(Permission.PROGRAMME_MANAGE)
    if not policy.handles_rehab(actor):
        raise Forbidden(reason="企业账号不能办理工伤康复事项")
    if division_code is not None and not policy.handles_rehab(actor, division_code):
        raise OutOfJurisdiction(field="division_code", division=division_code)


def _in(column: Any, division: str | None) -> ColumnElement[bool]:
    """A division filter a list asks for (inside the caller's scope, which the scope filter keeps)."""
    return true() if division is None else column.startswith(divisions.stem(division), autoescape=True)


def _division(db_session: Session, code: str) -> None:
    if db_session.get(Division, code) is None:
        raise InvalidInput(field="division_code", reason=f"division_code：行政区划代码「{code}」不存在")


# --- institutions and agreements ----------------------------------------------------------------------------------


def add_institution(*, db_session: Session, clock: Clock, actor: Actor, data: InstitutionIn) -> Institution:
    rules_ = rehab_rules()
    require(actor, data.division_code)
    _division(db_session, data.division_code)
    if data.kind not in rules_.institution_kinds:
        raise InvalidInput(field="kind", reason=f"kind：须为{'、'.join(rules_.institution_kinds)}")
    missing = [c for c in rules_.conditions if c.code not in data.conditions]
    if missing:
        first = missing[0]
        raise _violation(
            rules_,
            "协议机构须具备：" + "；".join(c.label for c in missing),
            first.label,
            first.seed,
            first.quote,
            "conditions",
        )
    if db_session.scalar(select(Institution.id).where(Institution.name == data.name)):
        raise Conflict(field="name", reason="该机构已登记")
    row = Institution(**data.model_dump(), created_at=clock.now())
    db_session.add(row)
    record_change(db_session, clock, actor.username, "rehab.institution.add", row, None)
    return row


def institutions_query(actor: Actor, filters: InstitutionFilters | None = None) -> Select[Institution]:
    require(actor)
    division = filters.division if filters else None
    return select(Institution).where(policy.institution_scope(actor), _in(Institution.division_code, division))


def agreements_of(db_session: Session, institution_ids: set[int]) -> dict[int, list[Agreement]]:
    found: dict[int, list[Agreement]] = {i: [] for i in institution_ids}
    query = select(Agreement).where(Agreement.institution_id.in_(institution_ids)).order_by(Agreement.year)
    for row in db_session.scalars(query):
        found[row.institution_id].append(row)
    return found


def _institution(db_session: Session, actor: Actor, institution_id: int) -> Institution:
    query = select(Institution).where(Institution.id == institution_id, policy.institution_scope(actor))
    row = db_session.scalar(query)
    if row is None:
        raise NotFound(field="institution_id", kind="协议机构", key=str(institution_id))
    return row


def sign(*, db_session: Session, clock: Clock, actor: Actor, institution_id: int, data: AgreementIn) -> Agreement:
    """协议每年签订一次; the next year's only after this year's assessment was passed."""
    rules_ = rehab_rules()
    inst = _institution(db_session, actor, institution_id)
    require(actor, inst.division_code)
    if data.signed_on.year not in (data.year - 1, data.year) or data.signed_on > local_today(clock):
        raise InvalidInput(field="signed_on", reason="signed_on：协议须在协议年度或其上一年签订，且不晚于今天")
    if db_session.scalar(select(Agreement.id).where(Agreement.institution_id == inst.id, Agreement.year == data.year)):
        raise _violation(
            rules_,
            f"{data.year}年度协议已签订",
            "协议每年签订一次",
            rules_.agreement.seed,
            rules_.agreement.quote,
            "year",
        )
    previous = db_session.scalar(
        select(Agreement).where(Agreement.institution_id == inst.id, Agreement.year == data.year - 1)
    )
    r = rules_.renewal
    if previous is not None and previous.assessment is None:
        raise _violation(rules_, f"{previous.year}年度考核尚未完成，不能续签", "续签", r.seed, r.quote, "year")
    if previous is not None and previous.assessment == "failed":
        raise _violation(rules_, f"{previous.year}年度考核未通过，次年不予续签", "续签", r.seed, r.quote, "year")
    row = Agreement(institution_id=inst.id, year=data.year, signed_on=data.signed_on)
    db_session.add(row)
    record_change(db_session, clock, actor.username, "rehab.agreement.sign", row, None)
    return row


def assess(*, db_session: Session, clock: Clock, actor: Actor, agreement_id: int, data: AssessmentIn) -> Agreement:
    row = db_session.get(Agreement, agreement_id, with_for_update=True)
    if row is None:
        raise NotFound(kind="协议", key=str(agreement_id))
    inst = _institution(db_session, actor, row.institution_id)
    require(actor, inst.division_code)
    if row.assessment is not None:
        raise Conflict(reason=f"{row.year}年度考核已记录")
    if data.assessed_on > local_today(clock) or data.assessed_on.year < row.year:
        raise InvalidInput(field="assessed_on", reason="assessed_on：考核日期须在协议年度内或之后、不晚于今天")
    before = snapshot(row)
    row.assessment, row.assessed_on, row.remarks = data.result, data.assessed_on, data.remarks
    record_change(db_session, clock, actor.username, "rehab.agreement.assess", row, before)
    return row


def add_pool_member(*, db_session: Session, clock: Clock, actor: Actor, data: PoolMemberIn) -> PoolMember:
    rules_ = rehab_rules()
    pool = rules_.pool
    return panels.add_pool_member(
        db_session=db_session,
        clock=clock,
        actor=actor,
        pool=pool.code,
        owner_division=rules_.division_code,
        owner=rules_.authority,
        data=data,
        term_years=pool.term_years,
        required=[q.code for q in pool.qualifications],
    )


# --- cases --------------------------------------------------------------------------------------------------------


def _years(db_session: Session, institution_id: int) -> set[int]:
    return set(db_session.scalars(select(Agreement.year).where(Agreement.institution_id == institution_id)))


def open_case(*, db_session: Session, clock: Clock, actor: Actor, data: CaseIn) -> RehabCase:
    rules_ = rehab_rules()
    require(actor, data.division_code)
    _division(db_session, data.division_code)
    mode = rules_.mode(data.mode)
    inst = _institution(db_session, actor, data.institution_id)
    on = local_today(clock)
    if on.year not in _years(db_session, inst.id):
        a = rules_.agreement
        raise _violation(
            rules_, f"{inst.name}没有{on.year}年度康复服务协议", "协议机构", a.seed, a.quote, "institution_id"
        )
    if mode.departments and data.department not in mode.departments:
        raise _violation(
            rules_,
            f"“{mode.label}”限{'、'.join(mode.departments)}的工伤职工",
            mode.label,
            mode.seed,
            mode.quote,
            "department",
        )
    row = RehabCase(
        worker_name=data.worker_name,
        person_key=access.person_key(data.id_number),
        employer=data.employer,
        division_code=data.division_code,
        injury_ref=data.injury_ref,
        injured_parts=list(data.injured_parts),
        department=data.department,
        mode=mode.code,
        institution_id=inst.id,
        state=CaseState.APPROVED if mode.gate == "none" else CaseState.PROPOSED,
        proposed_on=on,
        approved_on=on if mode.gate == "none" else None,
        created_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    record_change(db_session, clock, actor.username, "rehab.case.open", row, None)
    return row


def get_case(db_session: Session, actor: Actor, case_id: int, *, lock: bool = False) -> RehabCase:
    require(actor)
    query = select(RehabCase).where(RehabCase.id == case_id, policy.case_scope(actor))
    row = db_session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(field="case_id", kind="康复病例", key=str(case_id))
    return row


def pass_gate(*, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: GateIn) -> RehabCase:
    """经办机构备案 (filing modes) or 康复专家库成员评估 (expert modes) — the mode's own gate, nothing else."""
    rules_ = rehab_rules()
    case = get_case(db_session, actor, case_id, lock=True)
    mode = rules_.mode(case.mode)
    if case.state is not CaseState.PROPOSED:
        raise Conflict(reason="病例已办结前置程序")
    on = local_today(clock)
    if mode.gate == "expert":
        if data.pool_member_id is None:
            raise _violation(
                rules_, f"“{mode.label}”须经康复专家库成员评估", mode.label, mode.seed, mode.quote, "pool_member_id"
            )
        member = db_session.get(PoolMember, data.pool_member_id)
        if member is None or member.pool != rules_.pool.code or not panels.in_term(member, on):
            p = rules_.pool
            raise _violation(
                rules_, "评估专家须为聘期内的工伤康复专家库成员", "专家库", p.seed, p.quote, "pool_member_id"
            )
        case.evaluated_by = member.id
    elif data.pool_member_id is not None:
        raise _violation(
            rules_, f"“{mode.label}”由经办机构备案，不经专家评估", mode.label, mode.seed, mode.quote, "pool_member_id"
        )
    before = snapshot(case)
    case.evaluation = data.opinion
    if data.approve:
        case.state, case.approved_on = CaseState.APPROVED, on
        case.filed_on = on if mode.gate == "filing" else None
    else:
        case.state = CaseState.REFUSED
    record_change(db_session, clock, actor.username, f"rehab.case.{mode.gate}", case, before)
    return case


def end_case(*, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: EndCaseIn) -> RehabCase:
    case = get_case(db_session, actor, case_id, lock=True)
    if case.state is not CaseState.APPROVED:
        raise Conflict(reason="只有已批准的病例可以结束")
    start = case.approved_on or case.proposed_on
    if data.ends_on < start:
        raise InvalidInput(field="ends_on", reason="ends_on：康复期满日不能早于批准日")
    if data.discharged_on is not None and data.discharged_on < start:
        raise InvalidInput(field="discharged_on", reason="discharged_on：出院日不能早于批准日")
    before = snapshot(case)
    case.state, case.ends_on, case.discharged_on = CaseState.ENDED, data.ends_on, data.discharged_on
    record_change(db_session, clock, actor.username, "rehab.case.end", case, before)
    return case


def add_claim(
    *, db_session: Session, clock: Clock, actor: Actor, case_id: int, data: ClaimIn
) -> tuple[Claim, list[Alert]]:
    """联网结算一笔费用: the payable part decided by 第十七条, the warnings of the monitoring rules stored with it."""
    rules_ = rehab_rules()
    case = get_case(db_session, actor, case_id, lock=True)
    category = next((c for c in rules_.claim_categories if c.code == data.category), None)
    if category is None:
        raise InvalidInput(
            field="category", reason=f"category：须为 {'、'.join(c.code for c in rules_.claim_categories)}"
        )
    if data.service_on > local_today(clock):
        raise InvalidInput(field="service_on", reason="service_on：服务日期不能晚于今天")
    facts = rules.CaseFacts(
        approved_on=case.approved_on,
        ends_on=case.ends_on,
        injured_parts=case.injured_parts,
        agreement_years=_years(db_session, case.institution_id),
    )
    claim = rules.ClaimFacts(
        service_on=data.service_on, category_refusal=category.non_payable, body_part=data.body_part, amount=data.amount
    )
    refused = rules.refusal(facts, claim)
    amount = data.amount.quantize(CENT)
    row = Claim(
        case_id=case.id,
        service_on=data.service_on,
        category=data.category,
        body_part=data.body_part,
        item=data.item,
        amount=amount,
        payable=Decimal("0.00") if refused else amount,
        refusal=refused,
        created_by=actor.username,
        created_at=clock.now(),
    )
    earlier = list(db_session.scalars(select(Claim).where(Claim.case_id == case.id)))
    db_session.add(row)
    record_change(db_session, clock, actor.username, "rehab.claim", row, None)
    same_day = [c.amount for c in earlier if c.service_on == data.service_on] + [data.amount]
    total = sum((c.amount for c in earlier), Decimal(0)) + data.amount
    duplicate = any(
        c.service_on == data.service_on and c.item == data.item and c.amount == data.amount for c in earlier
    )
    found = rules.warnings(
        claim,
        refused,
        rules_.refusal(refused).label if refused else None,
        same_day,
        total,
        Decimal(str(rules_.monitoring.daily_limit)),
        Decimal(str(rules_.monitoring.case_limit)),
        duplicate,
    )
    alerts = []
    for w in found:
        alert = Alert(case_id=case.id, claim_id=row.id, rule=w.rule, message=w.message, raised_at=clock.now())
        db_session.add(alert)
        alerts.append(alert)
    db_session.flush()
    return row, alerts


CASE_ORDER = (RehabCase.id,)


def cases_query(actor: Actor, filters: CaseFilters | None = None) -> Select[RehabCase]:
    """Cases in scope (one SQL filter with ``get_case``), by state, division, institution and mode."""
    require(actor)
    f = filters or CaseFilters()
    query = select(RehabCase).where(policy.case_scope(actor), _in(RehabCase.division_code, f.division))
    if f.state is not None:
        query = query.where(RehabCase.state == f.state)
    if f.institution_id is not None:
        query = query.where(RehabCase.institution_id == f.institution_id)
    if f.mode is not None:
        query = query.where(RehabCase.mode == f.mode)
    return query


def claims_of(db_session: Session, case_ids: set[int]) -> dict[int, list[Claim]]:
    found: dict[int, list[Claim]] = {i: [] for i in case_ids}
    for row in db_session.scalars(select(Claim).where(Claim.case_id.in_(case_ids)).order_by(Claim.id)):
        found[row.case_id].append(row)
    return found


def alerts_of(db_session: Session, case_ids: set[int]) -> dict[int, list[Alert]]:
    found: dict[int, list[Alert]] = {i: [] for i in case_ids}
    for row in db_session.scalars(select(Alert).where(Alert.case_id.in_(case_ids)).order_by(Alert.id)):
        found[row.case_id].append(row)
    return found


def alerts_query(actor: Actor, filters: AlertFilters | None = None) -> Select[Alert]:
    """Cost alerts of the cases in scope: the open ones unless ``all``, of one case or division."""
    require(actor)
    f = filters or AlertFilters()
    query = select(Alert).where(policy.alert_scope(actor))
    if not f.all:
        query = query.where(Alert.closed_by.is_(None))
    if f.case_id is not None:
        query = query.where(Alert.case_id == f.case_id)
    if f.division is not None:
        query = query.where(Alert.case_id.in_(select(RehabCase.id).where(_in(RehabCase.division_code, f.division))))
    return query


def close_alert(*, db_session: Session, clock: Clock, actor: Actor, alert_id: int, note: str) -> Alert:
    require(actor)
    row = db_session.scalar(select(Alert).where(Alert.id == alert_id, policy.alert_scope(actor)).with_for_update())
    if row is None:
        raise NotFound(kind="预警", key=str(alert_id))
    if row.closed_by is not None:
        raise Conflict(reason="预警已处理")
    before = snapshot(row)
    row.closed_by, row.closed_note = actor.username, note
    record_change(db_session, clock, actor.username, "rehab.alert.close", row, before)
    return row

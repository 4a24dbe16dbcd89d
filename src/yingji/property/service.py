"""The property registry: companies, compounds, contracts with their filing, fund requests, county facts and
disclosure checks — each read limited to the caller's jurisdiction, each change audited with before/after."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.audit.rows import record_change
from yingji.audit.rows import snapshot as snapshot
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.clock import Clock, to_local
from yingji.core.errors import Conflict, Forbidden, InvalidInput, NotFound, OutOfJurisdiction, RuleViolation
from yingji.core.xlsx import workbook as workbook
from yingji.db.base import Base
from yingji.property import policy, settings
from yingji.property.models import (
    Compound,
    CountyProfile,
    CreditEventRow,
    CreditResult,
    DisclosureCheck,
    FundRequest,
    PropertyCompany,
    ServiceContract,
    SurveyItem,
)
from yingji.property.schema import Disclosure
from yingji.property.schemas import (
    CompanyIn,
    CompoundIn,
    ContractIn,
    CountyIn,
    DecisionIn,
    DisclosureIn,
    FilingIn,
    FundRequestIn,
    SurveyItemIn,
)
from yingji.registry.models import Division


def record(
    db_session: Session, clock: Clock, actor: Actor, action: str, row: Base, before: dict[str, Any] | None
) -> None:
    record_change(db_session, clock, actor.username, action, row, before)


def require(actor: Actor, division_code: str | None = None) -> None:
    """The caller supervises property services, and (when given) the place is in their jurisdiction."""
    actor.require(Permission.PROPERTY_SUPERVISE)
    if actor.organisation_id is not None:
        raise Forbidden(reason="企业账号不能办理物业服务监管事项")
    if division_code is not None and not actor.covers_division(division_code):
        raise OutOfJurisdiction(field="division_code", division=division_code)


def is_grassroots(actor: Actor) -> bool:
    """A street (9-digit) or community (12-digit) account, below the county's housing bureau."""
    return actor.division_code is not None and len(actor.division_code) > 6


def require_bureau(actor: Actor, reason: str) -> None:
    """Some decisions are the county's or city's housing bureau's, not a street's or community's."""
    if is_grassroots(actor):
        raise Forbidden(reason=reason)


def _division(db_session: Session, code: str, field: str = "division_code") -> Division:
    division = db_session.get(Division, code)
    if division is None:
        raise InvalidInput(field=field, reason=f"{field}：行政区划代码「{code}」不存在")
    return division


def _level_of_place(db_session: Session, code: str) -> None:
    """Compounds sit in a community or directly in a street, never higher."""
    if _division(db_session, code).level.value not in ("community", "town"):
        raise InvalidInput(
            field="division_code", reason="division_code：小区须登记到所在社区（嘎查村）或街道（苏木乡镇）"
        )


def credit_event(
    db_session: Session,
    clock: Clock,
    actor: Actor,
    *,
    company_id: int,
    on: date,
    input: str,
    points: float,
    note: str,
    source: str,
    serious: bool = False,
) -> CreditEventRow:
    """Record a credit event (audited). An event for a year whose results are published is dated today instead, so a
    published year never changes after the fact."""
    published = db_session.scalar(
        select(CreditResult.id).where(CreditResult.company_id == company_id, CreditResult.year == on.year)
    )
    today = to_local(clock.now()).date()
    if published is not None and on.year != today.year:
        note, on = f"{note}（{on.isoformat()} 发生，该年度结果已公布，计入本年度）", today
    row = CreditEventRow(
        company_id=company_id,
        on=on,
        input=input,
        points=points,
        serious=serious,
        note=note,
        source=source,
        recorded_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    record(db_session, clock, actor, "property.credit.event", row, None)
    return row


# --- companies --------------------------------------------------------------------------------------------------


def company_visible(actor: Actor, db_session: Session, company: PropertyCompany) -> bool:
    """An officer sees companies registered in, or serving a compound in, their jurisdiction."""
    if actor.covers_division(company.division_code):
        return True
    if actor.division_code is not None and divisions.contains(company.division_code, actor.division_code):
        return True  # a street or community may name the companies registered in its county
    serving = select(Compound.id).where(
        Compound.company_id == company.id, actor.division_filter(Compound.division_code)
    )
    return db_session.scalar(serving.limit(1)) is not None


def companies_query(actor: Actor) -> Select[PropertyCompany]:
    """Companies registered in or serving a compound in the caller's jurisdiction (a street: also its county's)."""
    require(actor)
    serving = select(Compound.company_id).where(actor.division_filter(Compound.division_code))
    above = [actor.division_code[:6]] if actor.division_code and is_grassroots(actor) else []
    query = select(PropertyCompany).where(
        actor.division_filter(PropertyCompany.division_code)
        | PropertyCompany.id.in_(serving)
        | PropertyCompany.division_code.in_(above)
    )
    return query


def companies(*, db_session: Session, actor: Actor) -> list[PropertyCompany]:
    return list(db_session.scalars(companies_query(actor).order_by(PropertyCompany.name, PropertyCompany.id)))


def company(db_session: Session, actor: Actor, company_id: int) -> PropertyCompany:
    require(actor)
    found = db_session.get(PropertyCompany, company_id)
    if found is None or not company_visible(actor, db_session, found):
        raise NotFound(kind="物业服务企业", key=str(company_id))
    return found


def company_by_name(db_session: Session, actor: Actor, name: str, field: str = "company") -> PropertyCompany:
    found = db_session.scalar(select(PropertyCompany).where(PropertyCompany.name == name))
    if found is None or not company_visible(actor, db_session, found):
        raise InvalidInput(field=field, reason=f"{field}：物业服务企业「{name}」未登记（请先登记企业）")
    return found


def save_company(*, db_session: Session, clock: Clock, actor: Actor, data: CompanyIn) -> PropertyCompany:
    """Register a company, or update the one with the same credit code."""
    require(actor, data.division_code)
    _division(db_session, data.division_code)
    settings.programme_for(data.division_code)
    row = db_session.scalar(select(PropertyCompany).where(PropertyCompany.credit_code == data.credit_code))
    clash = db_session.scalar(select(PropertyCompany).where(PropertyCompany.name == data.name))
    if clash is not None and clash is not row:
        raise Conflict(field="name", reason=f"企业名称「{data.name}」已由另一统一社会信用代码登记")
    before = None
    now = clock.now()
    if row is None:
        row = PropertyCompany(**data.model_dump(), created_at=now, updated_at=now)
        db_session.add(row)
    else:
        if not actor.covers_division(row.division_code):
            raise OutOfJurisdiction(field="credit_code", division=row.division_code)
        before = snapshot(row)
        for key, value in data.model_dump().items():
            setattr(row, key, value)
        row.updated_at = now
    record(db_session, clock, actor, "property.company.save", row, before)
    return row


# --- compounds --------------------------------------------------------------------------------------------------


def compounds_query(actor: Actor, division_code: str | None = None, company_id: int | None = None) -> Select[Compound]:
    require(actor, division_code)
    query = select(Compound).where(policy.compound_scope(actor))
    if division_code is not None:
        query = query.where(Compound.division_code.startswith(divisions.stem(division_code), autoescape=True))
    if company_id is not None:
        query = query.where(Compound.company_id == company_id)
    return query


COMPOUND_ORDER = (Compound.division_code, Compound.name, Compound.id)


def compounds(
    *, db_session: Session, actor: Actor, division_code: str | None = None, company_id: int | None = None
) -> list[Compound]:
    return list(db_session.scalars(compounds_query(actor, division_code, company_id).order_by(*COMPOUND_ORDER)))


def compound(db_session: Session, actor: Actor, compound_id: int) -> Compound:
    require(actor)
    found = db_session.scalar(select(Compound).where(Compound.id == compound_id, policy.compound_scope(actor)))
    if found is None:
        raise NotFound(kind="小区", key=str(compound_id))
    return found


def survey_keys(db_session: Session, programme_id: str) -> dict[str, str]:
    """Added survey items of a programme: key → type."""
    rows = db_session.scalars(select(SurveyItem).where(SurveyItem.programme == programme_id).order_by(SurveyItem.id))
    return {r.key: r.type for r in rows}


def _check_extra(db_session: Session, division_code: str, extra: dict[str, Any]) -> dict[str, Any]:
    programme = settings.programme_for(division_code)
    known = survey_keys(db_session, programme.id)
    out: dict[str, Any] = {}
    for key, value in extra.items():
        if key not in known:
            raise InvalidInput(field=f"extra.{key}", reason=f"extra.{key}：统计表没有这一项（可先增加统计项目）")
        out[key] = coerce(known[key], value, f"extra.{key}")
    return out


def coerce(kind: str, value: Any, field: str) -> Any:
    """A survey value of type ``kind`` in its stored JSON form, or InvalidInput naming the field."""
    if value is None or value == "":
        return None
    try:
        if kind == "int":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            return int(value)
        if kind == "decimal":
            return str(Decimal(str(value)))
        if kind == "date":
            return date.fromisoformat(str(value)).isoformat()
        if kind == "bool":
            if isinstance(value, bool):
                return value
            return {"是": True, "否": False, "true": True, "false": False}[str(value).strip().lower()]
        return str(value)
    except (ValueError, KeyError, ArithmeticError):
        raise InvalidInput(field=field, reason=f"{field}：「{value}」不是合法的{kind}值") from None


def save_compound(*, db_session: Session, clock: Clock, actor: Actor, data: CompoundIn) -> Compound:
    """Register a compound, or update the one with the same name in the same community (street)."""
    require(actor, data.division_code)
    _level_of_place(db_session, data.division_code)
    settings.programme_for(data.division_code)
    company_id = company_by_name(db_session, actor, data.company).id if data.company else None
    values = data.model_dump(exclude={"company"})
    values["company_id"] = company_id
    values["extra"] = _check_extra(db_session, data.division_code, data.extra)
    row = db_session.scalar(
        select(Compound).where(Compound.division_code == data.division_code, Compound.name == data.name)
    )
    now = clock.now()
    before = None
    if row is None:
        row = Compound(**values, created_at=now, updated_at=now)
        db_session.add(row)
    else:
        before = snapshot(row)
        values["extra"] = {**row.extra, **values["extra"]}  # survey values are kept unless overwritten
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = now
    record(db_session, clock, actor, "property.compound.save", row, before)
    return row


def add_survey_item(*, db_session: Session, clock: Clock, actor: Actor, data: SurveyItemIn) -> SurveyItem:
    """Add a column to a programme's survey; Annex 1 allows adding items and forbids removing them."""
    from yingji.property.schema import load

    programme = load(data.programme)
    require(actor, programme.division_code)
    builtin = {f.key for f in (programme.survey.columns + programme.survey.header)} if programme.survey else set()
    if data.key in builtin or data.key in survey_keys(db_session, programme.id):
        raise Conflict(field="key", reason=f"统计项目「{data.key}」已存在")
    row = SurveyItem(**data.model_dump(), added_by=actor.username, added_at=clock.now())
    db_session.add(row)
    record(db_session, clock, actor, "property.survey_item.add", row, None)
    return row


# --- contracts and filing ---------------------------------------------------------------------------------------


def save_contract(*, db_session: Session, clock: Clock, actor: Actor, data: ContractIn) -> ServiceContract:
    place = compound(db_session, actor, data.compound_id)
    require(actor, place.division_code)
    chosen = company_by_name(db_session, actor, data.company)
    programme = settings.programme_for(place.division_code)
    due, basis = settings.filing_due(programme, data.signed_on)
    row = ServiceContract(
        compound_id=place.id,
        company_id=chosen.id,
        kind=data.kind,
        signed_on=data.signed_on,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        fee_standard=data.fee_standard,
        filing_due=due,
        filing_basis=basis,
        filed_on=None,
        filed_with=settings.filed_with(programme),
        created_at=clock.now(),
    )
    db_session.add(row)
    record(db_session, clock, actor, "property.contract.add", row, None)
    return row


def contract(db_session: Session, actor: Actor, contract_id: int) -> ServiceContract:
    found = db_session.get(ServiceContract, contract_id)
    if found is None:
        raise NotFound(kind="物业服务合同", key=str(contract_id))
    compound(db_session, actor, found.compound_id)  # 404 outside the jurisdiction
    return found


def file_contract(
    *, db_session: Session, clock: Clock, actor: Actor, contract_id: int, data: FilingIn
) -> ServiceContract:
    row = contract(db_session, actor, contract_id)
    if row.filed_on is not None:
        raise RuleViolation(plan="物业服务合同备案", rule=f"该合同已于 {row.filed_on.isoformat()} 备案")
    if data.filed_on < row.signed_on or data.filed_on > to_local(clock.now()).date():
        raise InvalidInput(field="filed_on", reason="filed_on：备案日期须在签订日期与今天之间")
    before = snapshot(row)
    row.filed_on = data.filed_on
    record(db_session, clock, actor, "property.contract.file", row, before)
    return row


def contracts_query(actor: Actor, compound_id: int | None = None) -> Select[ServiceContract]:
    require(actor)
    query = select(ServiceContract).join(Compound, Compound.id == ServiceContract.compound_id)
    query = query.where(policy.compound_scope(actor))
    if compound_id is not None:
        query = query.where(ServiceContract.compound_id == compound_id)
    return query


CONTRACT_ORDER = (ServiceContract.filing_due, ServiceContract.id)


def contracts(*, db_session: Session, actor: Actor, compound_id: int | None = None) -> list[ServiceContract]:
    return list(db_session.scalars(contracts_query(actor, compound_id).order_by(*CONTRACT_ORDER)))


def filing_state(row: ServiceContract, today: date) -> str:
    """filed / late_filed / overdue / pending."""
    if row.filed_on is not None:
        return "late_filed" if row.filed_on > row.filing_due else "filed"
    return "overdue" if today > row.filing_due else "pending"


# --- maintenance-fund requests ----------------------------------------------------------------------------------


def request_fund(*, db_session: Session, clock: Clock, actor: Actor, data: FundRequestIn) -> FundRequest:
    place = compound(db_session, actor, data.compound_id)
    row = FundRequest(
        **data.model_dump(),
        state="submitted",
        submitted_by=actor.username,
        submitted_at=clock.now(),
        decided_by=None,
        decided_at=None,
        decision_note=None,
    )
    row.compound_id = place.id
    db_session.add(row)
    record(db_session, clock, actor, "property.fund.request", row, None)
    return row


def decide_fund(*, db_session: Session, clock: Clock, actor: Actor, request_id: int, data: DecisionIn) -> FundRequest:
    """Approve or reject: the county (or above) decides, not the street or community that forwards it."""
    row = db_session.get(FundRequest, request_id)
    if row is None:
        raise NotFound(kind="维修资金使用申请", key=str(request_id))
    place = compound(db_session, actor, row.compound_id)
    require_bureau(actor, "维修资金使用由旗县区住房主管部门审核，街道、社区只能提出和转报")
    require(actor, place.division_code)
    if row.state != "submitted":
        raise RuleViolation(plan="维修资金使用", rule="该申请已审核")
    before = snapshot(row)
    row.state = "approved" if data.approve else "rejected"
    row.decided_by, row.decided_at, row.decision_note = actor.username, clock.now(), data.note
    record(db_session, clock, actor, "property.fund.decide", row, before)
    return row


def fund_requests_query(actor: Actor) -> Select[FundRequest]:
    require(actor)
    query = select(FundRequest).join(Compound, Compound.id == FundRequest.compound_id)
    return query.where(policy.compound_scope(actor))


# --- county facts and disclosure --------------------------------------------------------------------------------


def save_county(
    *, db_session: Session, clock: Clock, actor: Actor, division_code: str, data: CountyIn
) -> CountyProfile:
    require(actor, division_code)
    if _division(db_session, division_code).level.value != "county":
        raise InvalidInput(field="division_code", reason="division_code：须为旗县区")
    row = db_session.get(CountyProfile, division_code)
    before = snapshot(row) if row else None
    if row is None:
        row = CountyProfile(division_code=division_code, updated_by=actor.username, updated_at=clock.now())
        db_session.add(row)
    row.industry_party_committee_on = data.industry_party_committee_on
    row.updated_by, row.updated_at = actor.username, clock.now()
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="property.county.save",
        target_kind="property_county",
        target_key=division_code,
        before=before,
        after=snapshot(row),
    )
    return row


def disclosure_rule(division_code: str) -> Disclosure | None:
    programme = settings.programme_for(division_code)
    return next((r for r in programme.rules if isinstance(r, Disclosure)), None)


def check_disclosure(*, db_session: Session, clock: Clock, actor: Actor, data: DisclosureIn) -> DisclosureCheck:
    """Record a board check; complete when every core category and every listed core item is shown."""
    place = compound(db_session, actor, data.compound_id)
    rule = disclosure_rule(place.division_code)
    if rule is None:
        raise InvalidInput(field="compound_id", reason="该小区所在方案没有信息公开清单")
    keys = {i.key for i in rule.items}
    unknown = sorted(set(data.items) - keys)
    if unknown:
        raise InvalidInput(field=f"items.{unknown[0]}", reason=f"items：公开清单没有「{unknown[0]}」")
    core_needed = rule.core_categories or 0
    if data.core_shown > max(core_needed, 0) and core_needed:
        raise InvalidInput(field="core_shown", reason=f"core_shown：核心信息只有 {core_needed} 类")
    if data.checked_on > to_local(clock.now()).date():
        raise InvalidInput(field="checked_on", reason="checked_on：检查日期不能晚于今天")
    core_items = [i.key for i in rule.items if i.core]
    complete = data.core_shown >= core_needed and all(data.items.get(k, False) for k in core_items)
    row = DisclosureCheck(
        compound_id=place.id,
        checked_on=data.checked_on,
        core_shown=data.core_shown,
        items={k: bool(data.items.get(k, False)) for k in sorted(keys)},
        complete=complete,
        note=data.note,
        checked_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    record(db_session, clock, actor, "property.disclosure.check", row, None)
    return row


def latest_disclosure(db_session: Session, compound_ids: list[int]) -> dict[int, DisclosureCheck]:
    if not compound_ids:
        return {}
    query = select(DisclosureCheck).where(DisclosureCheck.compound_id.in_(compound_ids)).order_by(DisclosureCheck.id)
    return {row.compound_id: row for row in db_session.scalars(query)}


def compound_dict(row: Compound, company_name: str | None = None) -> dict[str, Any]:
    out = snapshot(row)
    out["management_label"] = row.management.label
    out["committee_label"] = row.committee.label
    out["company"] = company_name
    return out


def company_names(db_session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(
        db_session.execute(select(PropertyCompany.id, PropertyCompany.name).where(PropertyCompany.id.in_(wanted))).all()
    )

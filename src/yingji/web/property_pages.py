"""物业监管 pages: a jurisdiction's overview (both programmes' targets, compounds by management, complaints, overdue
contract filings, this quarter's street duties, the last published credit lists), the compound register and one
compound with its contracts (filing), latest disclosure check and complaints.

The same pages serve a city bureau, a street and a community account: everything is read through the property
services, which limit every query to the caller's jurisdiction. Actions go to /api/property from the browser.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.clock import Clock, local_today, to_local
from yingji.core.errors import InvalidInput
from yingji.core.paging import PageParams, Paging, paged, paginate
from yingji.core.params import RowId
from yingji.deps import CurrentClock, DbSession
from yingji.property import complaints, duties, reads, service, settings, targets, training
from yingji.property.models import Committee, Compound, Management, ServiceContract, SurveyItem
from yingji.registry.divisions import place_names
from yingji.web.common import Viewer, guarded
from yingji.web.complaint_pages import late, table_context
from yingji.web.credit_pages import latest_results

router = APIRouter(include_in_schema=False)

COMPOUND_FIELDS = (
    ("address", "地址"),
    ("buildings", "楼栋数"),
    ("households", "户数"),
    ("area_m2", "建筑面积（平方米）"),
    ("year_built", "建成年份"),
    ("is_new", "新建住宅小区"),
    ("is_old", "老旧小区"),
    ("management_label", "管理方式"),
    ("company", "物业服务企业"),
    ("committee_label", "业主委员会（物业管理委员会）"),
    ("committee_formed_on", "组建日期"),
    ("committee_eligible", "符合组建条件"),
    ("committee_members", "委员人数"),
    ("committee_party_members", "其中党员"),
    ("red_property", "“红色物业”小区"),
    ("service_grade", "服务等级（级）"),
    ("region_excellent", "自治区级优秀、示范项目"),
    ("has_public_income", "有共用部位经营收益"),
    ("separate_income_account", "公共收益单独列账"),
    ("income_account", "公共收益账户"),
    ("fixed_parking_spaces", "固定车位"),
    ("spaces_with_charging", "配建充电设施的车位"),
    ("fee_standard", "物业费标准（元/平方米/月）"),
    ("collection_rate", "物业费收缴率（%）"),
)
DIVISION = re.compile(r"\d{6}(\d{3}(\d{3})?)?")


def _shown(value: Any) -> Any:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def by_street(rows: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """A period's duties as street name → activity → duty (one table row per street)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["street"], {})[row["activity"]] = row
    return out


def overview_context(db_session: Session, clock: Clock, actor: Actor) -> dict[str, Any]:
    service.require(actor)
    today, now = local_today(clock), clock.now()
    places = service.compounds(db_session=db_session, actor=actor)
    by_id = {p.id: p for p in places}
    management = Counter(p.management for p in places)
    pending = complaints.listing(db_session=db_session, actor=actor, state="open")
    overdue = [
        c for c in service.contracts(db_session=db_session, actor=actor) if service.filing_state(c, today) == "overdue"
    ]
    year, results = latest_results(db_session, actor)
    period = duties.quarter(today)[0]
    return {
        "programmes": targets.visible(db_session, actor, to_local(clock.now()).year),
        "counts": {
            "compounds": len(places),
            "households": sum(p.households for p in places),
            "with_committee": sum(p.committee is not Committee.NONE for p in places),
            "red_property": sum(p.red_property for p in places),
            "complaints_open": len(pending),
            "complaints_late": sum(late(c, now) for c in pending),
            "filings_overdue": len(overdue),
        },
        "management": [(m.label, management[m]) for m in Management],
        "overdue_filings": overdue,
        "compound_of": by_id,
        "companies": service.company_names(db_session, {c.company_id for c in overdue}),
        "year": today.year,
        "period": period,
        "trainings": training.compliance(db_session=db_session, clock=clock, actor=actor),
        "today": today.isoformat(),
        "activities": duties.ACTIVITY_LABELS,
        "duties": by_street(duties.listing(db_session=db_session, actor=actor, today=today, period=period)),
        "duty_labels": reads.DUTY_LABELS,
        "credit_year": year,
        "results": results,
    }


def compounds_context(
    db_session: Session, clock: Clock, actor: Actor, division: str | None, paging: PageParams
) -> dict[str, Any]:
    service.require(actor)
    if division is not None and not DIVISION.fullmatch(division):
        raise InvalidInput(field="division", reason="division：须为行政区划代码（6、9或12位数字）")
    query = service.compounds_query(actor, division)
    found, total = paginate(db_session, query, paging, order_by=service.COMPOUND_ORDER)
    rows = paged(reads.compounds(db_session, actor, found), total, paging)
    in_scope = select(Compound.division_code).where(actor.division_filter(Compound.division_code)).distinct()
    codes = set(db_session.scalars(in_scope))
    streets = {c[:9] for c in codes}
    names = place_names(db_session, codes | streets)
    latest: dict[int, ServiceContract] = {}
    for contract in service.contracts(db_session=db_session, actor=actor):
        known = latest.get(contract.compound_id)
        if known is None or (contract.signed_on, contract.id) > (known.signed_on, known.id):
            latest[contract.compound_id] = contract
    today = local_today(clock)
    pending = complaints.listing(db_session=db_session, actor=actor, state="open")
    return {
        "rows": rows,
        "division": division or "",
        "choices": [(code, names[code]) for code in sorted(codes | streets)],
        "filing": {cid: reads.FILING_LABELS[service.filing_state(c, today)] for cid, c in latest.items()},
        "open_complaints": Counter(c.compound_id for c in pending),
        "month": today.strftime("%Y-%m"),
    }


def _fields(db_session: Session, place: Compound, company: str | None) -> list[tuple[str, Any]]:
    data = service.compound_dict(place, company)
    fields = [(label, _shown(data[key])) for key, label in COMPOUND_FIELDS]
    if place.extra:
        programme = settings.programme_for(place.division_code).id  # survey items are the programme's own
        query = select(SurveyItem.key, SurveyItem.label).where(SurveyItem.programme == programme)
        labels = {key: label for key, label in db_session.execute(query).all()}
        fields += [(labels.get(key, key), _shown(value)) for key, value in place.extra.items()]
    return fields


def compound_context(db_session: Session, clock: Clock, actor: Actor, compound_id: int) -> dict[str, Any]:
    place = service.compound(db_session, actor, compound_id)  # 404 outside the jurisdiction, as when missing
    today = local_today(clock)
    contracts = service.contracts(db_session=db_session, actor=actor, compound_id=place.id)
    companies = service.company_names(db_session, {place.company_id} | {c.company_id for c in contracts})
    check = service.latest_disclosure(db_session, [place.id]).get(place.id)
    rule = service.disclosure_rule(place.division_code)
    filters = complaints.ComplaintFilters(compound_id=place.id)
    found, total = complaints.page(db_session=db_session, actor=actor, filters=filters, params=PageParams(limit=50))
    table = table_context(reads.complaints_for(db_session, actor, found, clock.now()), clock.now())
    return {
        "place": place,
        "where": place_names(db_session, [place.division_code])[place.division_code],
        "fields": _fields(db_session, place, companies.get(place.company_id or 0)),
        "contracts": reads.contracts(db_session, contracts, today),
        "complaints_total": total,
        "companies": companies,
        "check": check,
        "items": {i.key: i.label for i in rule.items} if rule else {},
        "today": today.isoformat(),
        **table,
    }


@router.get("/console/property", response_class=HTMLResponse)
def overview(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    return guarded(request, actor, clock, "property.html", lambda: overview_context(db_session, clock, actor))


@router.get("/console/property/compounds", response_class=HTMLResponse)
def compound_list(
    request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:
    division = request.query_params.get("division") or None
    return guarded(
        request,
        actor,
        clock,
        "property_compounds.html",
        lambda: compounds_context(db_session, clock, actor, division, paging),
    )


@router.get("/console/property/compounds/{compound_id}", response_class=HTMLResponse)
def compound_page(
    compound_id: RowId, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    return guarded(
        request,
        actor,
        clock,
        "property_compound.html",
        lambda: compound_context(db_session, clock, actor, compound_id),
    )

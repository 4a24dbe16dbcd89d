"""Property read models from rows: names beside codes (one lookup per page), labels of enums, allowed actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit.rows import snapshot
from yingji.auth.actor import Actor
from yingji.property import complaints, policy, service
from yingji.property.models import (
    Complaint,
    Compound,
    CountyProfile,
    CreditEventRow,
    CreditResult,
    DisclosureCheck,
    FundRequest,
    PropertyCompany,
    ServiceContract,
)
from yingji.property.schemas import (
    CompanyDetail,
    CompanyRead,
    ComplaintRead,
    CompoundDetail,
    CompoundRead,
    ContractRead,
    CountyRead,
    CreditEventRead,
    CreditResultRead,
    DisclosureRead,
    DutyRead,
    EventRead,
    FundRequestRead,
    MonthlyCompanyRow,
    MonthlyCompoundRow,
    MonthlyRead,
    OwnerComplaintRead,
    OwnerEventRead,
)
from yingji.property.settings import INPUT_LABELS
from yingji.registry import divisions
from yingji.rules import property as rules

FILING_LABELS = {"filed": "已备案", "late_filed": "逾期后备案", "overdue": "逾期未备案", "pending": "待备案"}
DUTY_LABELS = {"done": "已完成", "pending": "待完成", "overdue": "逾期未完成"}
FUND_ITEMS = {"lift": "电梯", "fire": "消防设施", "roof": "屋面防水", "pipe": "管道", "other": "其他"}
FUND_STATES = {"submitted": "待审核", "approved": "已批准", "rejected": "不予批准"}
CHANNELS = {"web": "网上提交", "hotline": "热线登记"}
ROSTERS = {"red": "红榜", "black": "黑榜"}


def _compound_names(db_session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db_session.execute(select(Compound.id, Compound.name).where(Compound.id.in_(ids))).all())


def companies(db_session: Session, rows: Sequence[PropertyCompany]) -> list[CompanyRead]:
    names = divisions.names(db_session, {r.division_code for r in rows})
    return [CompanyRead(**snapshot(r), division_name=names.get(r.division_code, r.division_code)) for r in rows]


def credit_results(db_session: Session, rows: Sequence[CreditResult]) -> list[CreditResultRead]:
    names = service.company_names(db_session, {r.company_id for r in rows})
    return [
        CreditResultRead(
            **snapshot(r), company_name=names.get(r.company_id, ""), roster_label=ROSTERS.get(r.roster or "", "")
        )
        for r in rows
    ]


def company_detail(
    db_session: Session, row: PropertyCompany, results: Sequence[CreditResult], served: Sequence[Compound]
) -> CompanyDetail:
    return CompanyDetail(
        **companies(db_session, [row])[0].model_dump(),
        results=credit_results(db_session, results),
        compounds=[c.id for c in served],
        compound_names=[c.name for c in served],
    )


def compounds(db_session: Session, actor: Actor, rows: Sequence[Compound]) -> list[CompoundRead]:
    """A page of compounds with one query for the companies' names and one for the places'."""
    firms = service.company_names(db_session, {r.company_id for r in rows})
    places = divisions.place_names(db_session, {r.division_code for r in rows})
    return [
        CompoundRead(
            **service.compound_dict(r, firms.get(r.company_id or 0)),
            division_name=places.get(r.division_code, r.division_code),
            allowed_actions=policy.compound_actions(actor, r),
        )
        for r in rows
    ]


def contracts(db_session: Session, rows: Sequence[ServiceContract], today: date) -> list[ContractRead]:
    firms = service.company_names(db_session, {r.company_id for r in rows})
    places = _compound_names(db_session, {r.compound_id for r in rows})
    out = []
    for r in rows:
        state = service.filing_state(r, today)
        out.append(
            ContractRead(
                **snapshot(r),
                compound_name=places.get(r.compound_id, ""),
                company_name=firms.get(r.company_id, ""),
                kind_label=r.kind.label,
                filing_state=state,
                filing_state_label=FILING_LABELS[state],
            )
        )
    return out


def disclosures(db_session: Session, rows: Sequence[DisclosureCheck]) -> list[DisclosureRead]:
    places = _compound_names(db_session, {r.compound_id for r in rows})
    return [DisclosureRead(**snapshot(r), compound_name=places.get(r.compound_id, "")) for r in rows]


def compound_detail(
    db_session: Session, actor: Actor, row: Compound, contract_rows: Sequence[ServiceContract], today: date
) -> CompoundDetail:
    latest = service.latest_disclosure(db_session, [row.id]).get(row.id)
    return CompoundDetail(
        **compounds(db_session, actor, [row])[0].model_dump(),
        contracts=contracts(db_session, contract_rows, today),
        disclosure=disclosures(db_session, [latest])[0] if latest else None,
    )


def fund_requests(db_session: Session, rows: Sequence[FundRequest]) -> list[FundRequestRead]:
    places = _compound_names(db_session, {r.compound_id for r in rows})
    return [
        FundRequestRead(
            **snapshot(r),
            compound_name=places.get(r.compound_id, ""),
            item_label=FUND_ITEMS.get(r.item, r.item),
            state_label=FUND_STATES.get(r.state, r.state),
        )
        for r in rows
    ]


def county(db_session: Session, row: CountyProfile) -> CountyRead:
    names = divisions.names(db_session, [row.division_code])
    return CountyRead(**snapshot(row), division_name=names.get(row.division_code, row.division_code))


def credit_events(rows: Sequence[CreditEventRow]) -> list[CreditEventRead]:
    return [CreditEventRead(**snapshot(r), input_label=INPUT_LABELS.get(r.input, r.input)) for r in rows]


def duties(rows: Sequence[dict[str, Any]]) -> list[DutyRead]:
    return [DutyRead(**r, state_label=DUTY_LABELS[r["state"]]) for r in rows]


def _core(db_session: Session, complaint: Complaint, now: datetime) -> dict[str, Any]:
    data = complaints.as_dict(db_session, complaint, officer=None, now=now, with_events=False)
    data.pop("events")
    return data


def owner_complaint(db_session: Session, complaint: Complaint, now: datetime) -> OwnerComplaintRead:
    """What the owner reads: no officers' names, no contact details."""
    return OwnerComplaintRead(
        **_core(db_session, complaint, now),
        events=[OwnerEventRead(**_event(e)) for e in complaints.events(db_session, complaint.id)],
    )


def _event(e: Any) -> dict[str, Any]:
    return {
        "at": e.at,
        "kind": e.kind,
        "label": complaints.EVENT_LABELS.get(e.kind, e.kind),
        "level": e.level.label,
        "note": e.note,
    }


def complaints_for(
    db_session: Session, actor: Actor, rows: Sequence[Complaint], now: datetime, *, with_events: bool = False
) -> list[ComplaintRead]:
    """Officers' read models for a page of complaints (names of compounds, companies and handlers in a few queries)."""
    compound_rows = {
        c.id: c for c in db_session.scalars(select(Compound).where(Compound.id.in_({r.compound_id for r in rows})))
    }
    firms = service.company_names(db_session, {r.company_id for r in rows})
    handlers = divisions.names(db_session, {r.handler_division for r in rows})
    places = divisions.place_names(db_session, {c.division_code for c in compound_rows.values()})
    out = []
    for r in rows:
        place = compound_rows.get(r.compound_id)
        handles = complaints.handles_contact(actor, r.handler_division)
        events = complaints.events(db_session, r.id) if with_events else []
        out.append(
            ComplaintRead(
                id=r.id,
                number=r.number,
                compound=place.name if place else None,
                compound_id=r.compound_id,
                place=places.get(place.division_code, place.division_code) if place else "",
                company_id=r.company_id,
                company_name=firms.get(r.company_id or 0),
                category=r.category,
                content=r.content,
                state=r.state,
                state_label=r.state.label,
                level=r.level,
                level_label=r.level.label,
                handler=handlers.get(r.handler_division, r.handler_division),
                handler_division=r.handler_division,
                dispatcher=r.dispatcher,
                department=r.department,
                programme=r.programme,
                remit=r.remit,
                remit_label=complaints.REMIT_LABELS.get(r.remit, r.remit),
                route_rule=r.route_rule,
                channel=r.channel,
                channel_label=CHANNELS.get(r.channel, r.channel),
                owner_name=r.owner_name if handles else complaints.MASK,
                owner_phone=r.owner_phone if handles else complaints.MASK,
                filed_at=r.filed_at,
                response_due=r.response_due,
                completion_due=r.completion_due,
                overdue=rules.overdue(r.state, r.response_due, r.completion_due, now),
                overdue_since=r.overdue_since,
                responded_at=r.responded_at,
                resolved_at=r.resolved_at,
                escalations=r.escalations,
                answer=r.answer,
                substantiated=r.substantiated,
                events=[EventRead(**_event(e), actor=e.actor) for e in events],
                allowed_actions=policy.complaint_actions(actor, r),
            )
        )
    return out


def complaint(db_session: Session, actor: Actor, row: Complaint, now: datetime) -> ComplaintRead:
    return complaints_for(db_session, actor, [row], now, with_events=True)[0]


def monthly(db_session: Session, report: dict[str, Any]) -> MonthlyRead:
    """The month's analysis with the places' and companies' names."""
    places = divisions.place_names(db_session, {r["division_code"] for r in report["compounds"]})
    firms = service.company_names(
        db_session, {r["company_id"] for r in report["compounds"]} | {r["company_id"] for r in report["companies"]}
    )
    return MonthlyRead(
        month=report["month"],
        thresholds=report["thresholds"],
        counted=report["counted"],
        basis=report["basis"],
        compounds=[
            MonthlyCompoundRow(
                **r,
                division_name=places.get(r["division_code"], r["division_code"]),
                company_name=firms.get(r["company_id"]) if r["company_id"] is not None else None,
            )
            for r in report["compounds"]
        ],
        companies=[MonthlyCompanyRow(**r, company_name=firms.get(r["company_id"], "")) for r in report["companies"]],
    )

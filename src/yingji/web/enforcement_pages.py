"""执法 pages: the enforcement register (referrals awaiting a reply, overdue first; inspection records; violations with
their decisions; blacklist entries in force with their expiry) with the inspection record form, and one inspection
record with its findings, photos and the steps each finding allows (→ 隐患, → 违法行为, photo). Read through the
enforcement services in the caller's scope; every step goes to the JSON API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from yingji.core.clock import local_today, to_local
from yingji.core.paging import PageParams, paged
from yingji.core.params import RowId
from yingji.deps import CurrentClock, DbSession
from yingji.enforcement import bodies, entrustments, policy, reads, service
from yingji.enforcement.schemas import BlacklistFilters, RecordFilters, ReferralFilters, ViolationFilters
from yingji.hazards import service as hazards
from yingji.hazards.schema import checklists
from yingji.rules.enforcement import ListKind, Measure, ReferralState, ViolationState
from yingji.web.common import Viewer, guarded

router = APIRouter(include_in_schema=False)
SHOWN = 20  # rows per register section; each pages on with its own offset
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


@router.get("/console/enforcement", response_class=HTMLResponse)
def register_page(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    violations: Annotated[ViolationFilters, Query()],
    records_offset: Offset = 0,
    violations_offset: Offset = 0,
    referrals_offset: Offset = 0,
    blacklist_offset: Offset = 0,
    entrustments_offset: Offset = 0,
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        today = local_today(clock)

        def window(offset: int) -> PageParams:
            return PageParams(limit=SHOWN, offset=offset)

        found, total = service.records(
            db_session=db_session, actor=actor, params=window(records_offset), filters=RecordFilters()
        )
        records = paged(reads.records(db_session, actor, found, today), total, window(records_offset))
        found_v, total_v = service.violations(
            db_session=db_session, actor=actor, params=window(violations_offset), filters=violations
        )
        cases = paged(reads.violations(db_session, actor, found_v, today), total_v, window(violations_offset))
        # awaiting a reply, the earliest reply day first: the overdue ones lead
        found_r, total_r = service.referrals(
            db_session=db_session,
            clock=clock,
            actor=actor,
            params=window(referrals_offset),
            filters=ReferralFilters(state=ReferralState.SENT),
        )
        referrals = paged(reads.referrals(db_session, actor, found_r, today), total_r, window(referrals_offset))
        found_b, total_b = service.listings(
            db_session=db_session,
            clock=clock,
            actor=actor,
            params=window(blacklist_offset),
            filters=BlacklistFilters(active=True),
        )
        listed = paged(reads.listings(db_session, actor, found_b, today), total_b, window(blacklist_offset))
        inspecting = policy.may_inspect(actor)
        entrusted = None
        if actor.organisation_id is None:
            found_e, total_e = entrustments.page(db_session=db_session, actor=actor, params=window(entrustments_offset))
            entrusted = paged(
                [entrustments.read(actor, r, clock) for r in found_e], total_e, window(entrustments_offset)
            )
        own = bodies.for_division(actor.division_code) if actor.division_code else None
        return {
            "entrustments": entrusted,
            "body_register": own if own is not None and policy.supervises(actor, own.division_code) else None,
            "records": records,
            "violations": cases,
            "referrals": referrals,
            "blacklist": listed,
            "filters": violations,
            "violation_states": ViolationState.labels(),
            "may_inspect": inspecting,
            "enterprises": hazards.enterprise_choices(db_session, actor) if inspecting else [],
            "bodies": service.body_choices(db_session, actor),
            "measures": Measure.labels(),
            "list_kinds": ListKind.labels(),
            "local_now": to_local(clock.now()).strftime("%Y-%m-%dT%H:%M"),
        }

    return guarded(request, actor, clock, "enforcement.html", build)


@router.get("/console/enforcement/records/{record_id}", response_class=HTMLResponse)
def record_page(
    request: Request, record_id: RowId, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    """One inspection record; out of scope answers 404 exactly as a missing one."""

    def build() -> dict[str, Any]:
        row = service.record(db_session=db_session, actor=actor, record_id=record_id)
        return {
            "record": reads.record_detail(db_session, actor, row, local_today(clock)),
            "measures": Measure.labels(),
            "bodies": service.body_choices(db_session, actor),
            "checklists": list(checklists().values()),
        }

    return guarded(request, actor, clock, "enforcement_record.html", build)

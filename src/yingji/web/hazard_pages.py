"""隐患 pages: the ledger (search, filters, urgent first, paging, spreadsheet, create by self-check or inspection) and
one hazard (facts, grade and basis, deadline and why, the ladder, 五落实, photos, history and the steps this account may
take). Everything is read through the hazard service in the caller's scope; every step goes to the JSON API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from yingji.core.clock import local_today
from yingji.core.paging import Paging, paged
from yingji.core.params import RowId
from yingji.deps import CurrentClock, DbSession
from yingji.hazards import board as hazard_board
from yingji.hazards import policy, reads, service
from yingji.hazards.models import Channel
from yingji.hazards.schema import checklists, ladder
from yingji.hazards.schemas import HazardFilters, HazardOrder
from yingji.rules.hazards import HazardGrade, HazardState, RectificationFault
from yingji.web.common import Viewer, export_link, guarded

router = APIRouter(include_in_schema=False)
IMAGE_TYPES = ("image/jpeg", "image/png")  # shown as thumbnails; other attachments (PDF) as links


@router.get("/console/hazards", response_class=HTMLResponse)
def hazards_page(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    paging: Paging,
    filters: Annotated[HazardFilters, Query()],
) -> HTMLResponse:
    """The ledger, most urgent first unless asked otherwise (overdue, open, by ladder rungs, major)."""
    if "order" not in request.query_params:
        filters = filters.model_copy(update={"order": HazardOrder.URGENT})
    found, total = service.list_(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
    channels = policy.report_channels(actor)
    return guarded(
        request,
        actor,
        clock,
        "hazards.html",
        lambda: {
            "board": hazard_board.board(db_session=db_session, clock=clock, actor=actor),
            "rows": paged(reads.read_all(db_session, actor, found, local_today(clock)), total, paging),
            "filters": filters,
            "states": HazardState.labels(),
            "grades": HazardGrade.labels(),
            "channels": Channel.labels(),
            "orders": HazardOrder.labels(),
            "enterprises": service.enterprise_choices(db_session, actor),
            "export": export_link("/api/hazards/export.xlsx", filters),
            "may_self_check": Channel.SELF_CHECK in channels,
            "may_inspect": Channel.INSPECTION in channels,
            "checklists": list(checklists().values()) if channels else [],
            "today": local_today(clock),
        },
    )


@router.get("/console/hazards/{hazard_id}", response_class=HTMLResponse)
def hazard_page(
    request: Request, hazard_id: RowId, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    """One hazard: a hazard out of scope answers 404 exactly as a missing one."""

    def build() -> dict[str, Any]:
        hazard = reads.detail(db_session, actor, service.visible(db_session, actor, hazard_id), local_today(clock))
        rungs = ladder()
        taken = len(hazard.escalation)
        sector_list = next((c for c in checklists().values() if hazard.sector in c.applies_to.sectors), None)
        return {
            "hazard": hazard,
            "can": {a.value for a in hazard.allowed_actions},
            "rungs": rungs,
            "taken": taken,
            "next_rung": rungs[taken] if taken < len(rungs) and hazard.state is HazardState.RECTIFYING else None,
            "photos": [a for a in hazard.attachments if a.content_type in IMAGE_TYPES],
            "documents": [a for a in hazard.attachments if a.content_type not in IMAGE_TYPES],
            "faults": RectificationFault.labels(),
            "checklist": sector_list,
            "today": local_today(clock),
        }

    return guarded(request, actor, clock, "hazard.html", build)

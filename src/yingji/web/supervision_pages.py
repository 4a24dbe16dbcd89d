"""矿山监管 page: each mine's supervision status in words (census, depth and rock burst, deadlines, networking,
goafs, supervising bodies), the networking shares against the 2030 target and the overdue deadlines (seed 002)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from yingji.core.clock import local_today, to_local
from yingji.core.paging import PageParams, Paging, paged
from yingji.deps import CurrentClock, DbSession
from yingji.supervision import reads, service
from yingji.supervision.schemas import DeadlineFilters, WarningFilters
from yingji.web.common import Viewer, page

router = APIRouter(include_in_schema=False)
SIDE_LIST = PageParams(limit=50, offset=0)


@router.get("/console/supervision", response_class=HTMLResponse)
def supervision_page(
    request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:
    found, total = service.mines(db_session=db_session, actor=actor, params=paging)
    overdue, overdue_total = service.deadlines(
        db_session=db_session, clock=clock, actor=actor, params=SIDE_LIST, filters=DeadlineFilters(overdue=True)
    )
    late, late_total = service.warnings(
        db_session=db_session, clock=clock, actor=actor, params=SIDE_LIST, filters=WarningFilters(overdue=True)
    )
    found_ponds, ponds_total = service.ponds(db_session=db_session, actor=actor, params=SIDE_LIST)
    ponds = reads.ponds(db_session, clock, found_ponds)
    return page(
        request,
        actor,
        clock,
        "supervision.html",
        ponds=sorted(ponds, key=lambda p: not p.flags),  # the ponds needing attention first
        ponds_total=ponds_total,
        may_carry=bool(service.networking_targets(db_session, actor)),
        rows=paged(reads.mines(db_session, clock, actor, found), total, paging),
        networking=reads.networking(service.networking(db_session=db_session, clock=clock, actor=actor), clock.now()),
        overdue=reads.deadlines(db_session, overdue, local_today(clock)),
        overdue_total=overdue_total,
        late=reads.warnings(db_session, actor, late, clock.now()),
        late_total=late_total,
        local=to_local,
    )

"""值班 page: who is on duty now, the open items, the duty log with its form, the handover and the phone book — the
desk a duty officer keeps open all night (the forms post to /api/duty)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy import select

from yingji.core.clock import to_local
from yingji.core.paging import PageParams, paged
from yingji.deps import CurrentClock, DbSession
from yingji.duty import policy, reads, service
from yingji.duty.models import DutyHandover
from yingji.duty.schemas import BodyAction, ContactFilters, HandoverFilters, LogFilters
from yingji.registry.models import Organisation
from yingji.web.common import Viewer, guarded

router = APIRouter(include_in_schema=False)

LOG_PAGE, BOOK_PAGE, HANDOVERS_SHOWN = 20, 15, 5
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


@router.get("/console/duty", response_class=HTMLResponse)
def duty_desk(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    body: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    q: Annotated[str, Query(max_length=200)] = "",
    log_offset: Offset = 0,
    book_offset: Offset = 0,
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        now = clock.now()
        desk = (
            service.get_body(db_session=db_session, actor=actor, body_id=body)
            if body is not None
            else service.default_body(db_session=db_session, actor=actor)
        )
        own = select(Organisation).where(policy.body_scope(actor))
        if actor.division_code is not None:
            own = own.where(Organisation.division_code == actor.division_code)
        choices = list(db_session.scalars(own.order_by(Organisation.name, Organisation.id).limit(200)))
        if desk is not None and desk.id not in {c.id for c in choices}:
            choices.insert(0, desk)
        context: dict[str, Any] = {
            "desk": None,
            "choices": choices,
            "q": q.strip(),
            "delta_minute": timedelta(minutes=1),
        }
        book_problem = None
        try:
            book_filters = ContactFilters(q=q.strip() or None)
        except ValidationError:
            book_filters, book_problem = ContactFilters(), "搜索词不超过 60 个字"
        book_params = PageParams(limit=BOOK_PAGE, offset=book_offset)
        found, total = service.contacts(db_session=db_session, actor=actor, params=book_params, filters=book_filters)
        context |= {"book": paged(reads.contacts(db_session, found), total, book_params), "book_problem": book_problem}
        if desk is None:
            return context
        view = reads.body(db_session, actor, clock, desk)
        log_params = PageParams(limit=LOG_PAGE, offset=log_offset)
        entries, log_total = service.list_log(
            db_session=db_session, actor=actor, params=log_params, filters=LogFilters(body=desk.id)
        )
        last, _ = service.list_handovers(
            db_session=db_session,
            actor=actor,
            params=PageParams(limit=HANDOVERS_SHOWN),
            filters=HandoverFilters(body=desk.id),
        )
        pending = db_session.get(DutyHandover, view.pending_handover_id) if view.pending_handover_id else None
        people = service.keepers(db_session=db_session, body=desk)
        upcoming = view.next_shift.officer if view.next_shift else None
        local_now = to_local(now)
        return context | {
            "desk": view,
            "keeps": BodyAction.WRITE_LOG in view.allowed_actions,
            "may_hand_over": BodyAction.HAND_OVER in view.allowed_actions,
            "open": service.open_items(db_session=db_session, actor=actor, clock=clock, body=desk),
            "log": paged(reads.log(db_session, actor, entries), log_total, log_params),
            "handovers": reads.handovers(db_session, actor, last),
            "pending": reads.handovers(db_session, actor, [pending])[0] if pending else None,
            "successors": [p for p in reads.keepers(people) if p.username != actor.username],
            "keepers": reads.keepers(people),
            "upcoming": upcoming,
            "shift_start": local_now.strftime("%Y-%m-%dT%H:%M"),
            "shift_end": (local_now + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M"),
        }

    return guarded(request, actor, clock, "duty.html", build)

"""减污降碳 page: the key enterprises' pollutant and carbon ledger — yearly totals and the change against 2023 first,
then the rows, with the entry form for those who keep them (003#L20)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from yingji.auth.roles import Permission
from yingji.core.clock import to_local
from yingji.core.paging import Paging, paged
from yingji.deps import CurrentClock, DbSession
from yingji.emissions import policy, reads, service
from yingji.emissions.models import EmissionSector
from yingji.registry.enums import OrganisationKind
from yingji.registry.models import Organisation
from yingji.web.common import Viewer, page

router = APIRouter(include_in_schema=False)
CHOICES = 500


@router.get("/console/emissions", response_class=HTMLResponse)
def emissions_page(
    request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:
    found, total = service.page(db_session=db_session, actor=actor, params=paging)
    if actor.organisation_id is not None:
        enterprises = db_session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id == actor.organisation_id)
        ).all()
    elif actor.has(Permission.LEDGER_WRITE):
        query = select(Organisation.id, Organisation.name).where(
            Organisation.kind == OrganisationKind.ENTERPRISE, actor.division_filter(Organisation.division_code)
        )
        enterprises = db_session.execute(query.order_by(Organisation.name).limit(CHOICES)).all()
    else:
        enterprises = []
    return page(
        request,
        actor,
        clock,
        "emissions.html",
        summary=service.summary(db_session=db_session, actor=actor),
        rows=paged(reads.entries(db_session, actor, list(found)), total, paging),
        enterprises=enterprises,
        sectors=EmissionSector.labels(),
        may_total=actor.division_code is not None and policy.may_total(actor, actor.division_code),
        this_year=to_local(clock.now()).year,
    )

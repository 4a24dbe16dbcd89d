"""履职 pages: the duty calendar per unit (a unit's account: its own; officers: every unit in their jurisdiction,
filtered by unit, list, kind and state) with the submit, attach and waive forms the read model allows and the
reports to print; and the compliance page: the month's ranking (晾晒) with the late units, the bulletin form, and
the year's compliance per unit and per department. Read through the duties services; every step goes to the API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from yingji.core.clock import local_today
from yingji.core.paging import Paging, paged
from yingji.deps import CurrentClock, DbSession
from yingji.duties import policy, reads, service
from yingji.duties.models import DutyInstance
from yingji.duties.schema import DutyKind, duties
from yingji.duties.schemas import MONTH_PATTERN, InstanceFilters
from yingji.registry.models import Organisation
from yingji.rules.duties import DutyState
from yingji.web.common import Viewer, guarded

router = APIRouter(include_in_schema=False)
Month = Annotated[str | None, Query(pattern=MONTH_PATTERN)]


def _units(db_session: DbSession, actor: Viewer) -> list[tuple[int, str]]:
    """The units with instances in the caller's scope, for the filter (a unit's account has only itself)."""
    query = (
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(select(DutyInstance.organisation_id).where(policy.scope(actor))))
        .order_by(Organisation.division_code, Organisation.name)
    )
    return [(oid, name) for oid, name in db_session.execute(query)]


@router.get("/console/duties", response_class=HTMLResponse)
def calendar_page(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    paging: Paging,
    filters: Annotated[InstanceFilters, Query()],
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        today = local_today(clock)
        found, total = service.list_(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
        rows = paged(reads.instances(db_session, actor, found, today), total, paging)
        units = _units(db_session, actor)
        files = reads.file_ids(actor)
        return {
            "rows": rows,
            "filters": filters,
            "units": units,
            "unit_name": dict(units).get(filters.unit_id) if filters.unit_id else None,
            "is_unit": actor.organisation_id is not None,
            "files": files,
            "states": DutyState.labels(),
            "kinds": DutyKind.labels(),
            "duty_labels": {d.key: d.label for d in duties().values()},
            "today": today,
            "month": f"{today.year}-{today.month:02d}",
            "week": f"{today.isocalendar().year}-W{today.isocalendar().week:02d}",
            "definitions": reads.definitions(actor),
        }

    return guarded(request, actor, clock, "duties.html", build)


@router.get("/console/duties/ranking", response_class=HTMLResponse)
def ranking_page(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    file: Annotated[str | None, Query(max_length=64)] = None,
    month: Month = None,
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        today = local_today(clock)
        files = reads.file_ids(actor)
        chosen = file or (files[0][0] if files else "hangjin-duties")
        wanted = month or f"{today.year}-{today.month:02d}"
        ranking = reads.ranking(db_session=db_session, clock=clock, actor=actor, file_id=chosen, month=wanted)
        year = reads.compliance(
            db_session=db_session,
            clock=clock,
            actor=actor,
            file_id=chosen,
            due_from=date(today.year, 1, 1),
            due_to=today,
        )
        return {
            "ranking": ranking,
            "year": year,
            "files": files,
            "file": chosen,
            "month": wanted,
            "this_month": f"{today.year}-{today.month:02d}",
            "previous_month": reads.previous_month(today),
        }

    return guarded(request, actor, clock, "duties_ranking.html", build)

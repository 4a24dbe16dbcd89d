"""补贴案件 pages: the household subsidy cases of the caller's jurisdiction, urgent first (stalled, ordered to rework,
then the longest untouched), with the survey forms; and one case with its facts, the programme's steps and their
basis, the timeline, the documents of each stage, the checks, the calculations, the instalments and the payments —
and a form for exactly the steps the read model allows this account. Read through the case services; every step
goes to /api/subsidy-cases."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from yingji.core import divisions
from yingji.core.clock import local_today
from yingji.core.paging import Paging, paged
from yingji.core.params import RowId
from yingji.deps import CurrentClock, DbSession
from yingji.rules.subsidies import BUILDING_LABELS, LAND_LABELS, WORK_LABELS, BuildingKind, LandUse, Tenure
from yingji.rules.subsidy_cases import CaseAction, CaseState, CheckKind, Roof, Windows
from yingji.subsidy_cases import policy, reads, service
from yingji.subsidy_cases.models import DocumentKind
from yingji.subsidy_cases.schema import Track, programmes
from yingji.subsidy_cases.schemas import CaseFilters, CaseOrder
from yingji.web.common import Viewer, divisions_in_scope, guarded

router = APIRouter(include_in_schema=False)


def _survey_forms(db_session: DbSession, actor: Viewer) -> list[dict[str, Any]]:
    """For each programme, the tracks whose survey this account may record and the places it may record them in."""
    places = divisions_in_scope(db_session, actor)
    found = []
    for cp in programmes().values():
        within = [
            (code, name)
            for code, name in places
            if divisions.contains(cp.source.division_code, code)
            and any(policy.acts_for(actor, t.survey.by, code) for t in cp.tracks)
        ]
        tracks = [t for t in cp.tracks if any(policy.acts_for(actor, t.survey.by, code) for code, _ in within)]
        if tracks:
            found.append({"programme": cp, "tracks": tracks, "places": within})
    return found


@router.get("/console/subsidy-cases", response_class=HTMLResponse)
def cases_page(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    paging: Paging,
    filters: Annotated[CaseFilters, Query()],
    order: CaseOrder = CaseOrder.URGENT,
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        found, total = service.cases(
            db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters, order=order
        )
        return {
            "rows": paged(reads.rows(db_session, clock, actor, found), total, paging),
            "filters": filters,
            "order": order,
            "orders": CaseOrder.labels(),
            "states": CaseState.labels(),
            "programmes": programmes(),
            "surveys": _survey_forms(db_session, actor),
            "works": {w.value: label for w, label in WORK_LABELS.items()},
            "main_kinds": {k.value: BUILDING_LABELS[k] for k in (BuildingKind.BUNGALOW, BuildingKind.STOREYED)},
            "land_uses": {k.value: LAND_LABELS[k] for k in LandUse},
            "tenures": {k.value: LAND_LABELS[k] for k in Tenure},
            "contractors": reads.contractors(db_session, actor)[:20],
        }

    return guarded(request, actor, clock, "subsidy_cases.html", build)


@router.get("/console/subsidy-cases/{case_id}", response_class=HTMLResponse)
def case_page(
    request: Request, case_id: RowId, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    """One case; out of scope answers 404 exactly as a missing one."""

    def build() -> dict[str, Any]:
        row = service.get(db_session, actor, case_id)
        detail = reads.detail(db_session, clock, actor, row)
        _, track = service.track_of(row)
        done = row.milestones or {}
        lacking = {label for labels in detail.missing_documents.values() for label in labels}
        return {
            "first_missing": next((k.value for k in DocumentKind if k.label in lacking), DocumentKind.SITE_PHOTO.value),
            "case": detail,
            "can": [a.value for a in detail.allowed_actions],
            "open_milestones": [m for m in track.milestones if m.id not in done and all(a in done for a in m.after)],
            "document_kinds": DocumentKind.labels(),
            "check_kinds": {k.value: k.label for k in (CheckKind.QUALITY, CheckKind.MATERIALS)},
            "windows": Windows.labels(),
            "roofs": Roof.labels(),
            "main_kinds": {k.value: BUILDING_LABELS[k] for k in (BuildingKind.BUNGALOW, BuildingKind.STOREYED)},
            "land_uses": {k.value: LAND_LABELS[k] for k in LandUse},
            "tenures": {k.value: LAND_LABELS[k] for k in Tenure},
            "facts": row.facts or {},
            "today": local_today(clock).isoformat(),
            "step_labels": {a.value: _label(track, a) for a in CaseAction},
        }

    return guarded(request, actor, clock, "subsidy_case.html", build)


def _label(track: Track, action: CaseAction) -> str:
    row = track.step(action)
    return row.label if row else action.label

"""The one-line facts a plan listing shows (API and CLI), with its kind and sectors in words."""

from __future__ import annotations

from datetime import date

from yingji.core.labels import Coded, coded
from yingji.core.schemas import YingjiModel
from yingji.plans.schema import Plan, PlanKind, Sector


class PlanSummary(YingjiModel):
    id: str
    title: str
    doc_no: str | None
    issuer: str
    issued_on: date
    jurisdiction: str
    jurisdiction_name: str
    kind: PlanKind
    kind_label: str
    sectors: list[Sector]
    sector_labels: list[Coded]
    response_levels: int


def summary(plan: Plan) -> PlanSummary:
    meta = plan.metadata
    return PlanSummary(
        id=plan.id,
        title=meta.title,
        doc_no=meta.doc_no,
        issuer=meta.issuer,
        issued_on=meta.issued_on,
        jurisdiction=meta.jurisdiction,
        jurisdiction_name=meta.jurisdiction_name,
        kind=meta.kind,
        kind_label=meta.kind.label,
        sectors=list(meta.sectors),
        sector_labels=[coded(s) for s in meta.sectors],
        response_levels=len(plan.response.levels),
    )

"""信用评价 page: the published yearly results with the red and black lists and the measures that follow, the scoring
method versions, and the forms to record a credit event and (county or above) to publish a finished year."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.clock import Clock, to_local
from yingji.core.errors import Forbidden
from yingji.deps import CurrentClock, DbSession
from yingji.property import credit, reads, service, settings
from yingji.property.models import CreditMethod
from yingji.property.schemas import CreditResultRead
from yingji.property.settings import INPUT_LABELS
from yingji.web.common import Viewer, guarded

router = APIRouter(include_in_schema=False)


def latest_results(db_session: Session, actor: Actor) -> tuple[int | None, list[CreditResultRead]]:
    """The most recent published year in scope and its results (with company names), best score first."""
    for year, rows in results_by_year(db_session, actor).items():
        return year, rows
    return None, []


def results_by_year(db_session: Session, actor: Actor) -> dict[int, list[CreditResultRead]]:
    """Published results in scope, newest year first, each with its company's name."""
    out: dict[int, list[CreditResultRead]] = {}
    for row in reads.credit_results(db_session, credit.results(db_session=db_session, actor=actor)):
        out.setdefault(row.year, []).append(row)
    return out


def method_summary(body: dict[str, Any]) -> str:
    """A scoring method in one line of Chinese."""
    weights = "、".join(f"{INPUT_LABELS.get(k, k)}×{v:g}" for k, v in body["weights"].items())
    bands = "、".join(f"{grade}≥{floor:g}" for grade, floor in body["bands"])
    lists = f"红榜 {'、'.join(body['red_grades'])}；黑榜 {'、'.join(body['black_grades'])}"
    serious = "；有严重失信事件的当年列入黑榜" if body["black_on_serious"] else ""
    return f"基础分 {body['base']:g}；权重 {weights}；等级线 {bands}；{lists}{serious}"


def method_versions(db_session: Session) -> list[dict[str, Any]]:
    """The stored method versions, oldest first; before the first evaluation stores it, the shipped default."""
    stored: list[tuple[str, str, str, datetime | None, dict[str, Any]]] = [
        (m.version, m.note, m.created_by, m.created_at, m.body)
        for m in db_session.scalars(select(CreditMethod).order_by(CreditMethod.id))
    ]
    if not stored:
        body = settings.defaults().credit.method
        stored = [(body.version, "平台默认方法（首次评价时存储）", "system", None, body.model_dump())]
    return [
        {"version": version, "note": note, "by": by, "at": at, "summary": method_summary(body)}
        for version, note, by, at, body in stored
    ]


def is_bureau(actor: Actor) -> bool:
    """A housing bureau (county or above): publishes results and records every kind of credit event."""
    try:
        credit.require_bureau(actor)
    except Forbidden:
        return False
    return True


def credit_context(db_session: Session, clock: Clock, actor: Actor) -> dict[str, Any]:
    years = results_by_year(db_session, actor)  # refuses accounts without the permission
    today = to_local(clock.now()).date()
    bureau = is_bureau(actor)
    return {
        "years": years,
        "methods": method_versions(db_session),
        "companies": service.companies(db_session=db_session, actor=actor),
        "inputs": {k: v for k, v in INPUT_LABELS.items() if bureau or k in credit.GRASSROOTS_INPUTS},
        "points": settings.defaults().credit.points,
        "may_publish": bureau,
        "last_year": today.year - 1,
        "today": today.isoformat(),
    }


@router.get("/console/property/credit", response_class=HTMLResponse)
def credit_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    return guarded(request, actor, clock, "property_credit.html", lambda: credit_context(db_session, clock, actor))

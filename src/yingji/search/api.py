"""/api/search: the header's search box — incidents, warnings, units, mines, hazards, plans and (admins) accounts."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request

from yingji.core.routing import serves
from yingji.deps import CurrentActor, DbSession
from yingji.search import service
from yingji.search.schemas import DEFAULT_PER_KIND, PerKind, SearchQuery, SearchRead

router = APIRouter(prefix="/api", tags=["检索"])
DETAIL_CANDIDATES = ("/console/hazards", "/console/plans")  # lists whose hits open the list until then


def detail_pages(app: FastAPI) -> frozenset[str]:
    """The console lists that have a page per record (``/console/hazards/{id}``): a page another module adds is
    linked as soon as it is mounted."""
    return frozenset(p for p in DETAIL_CANDIDATES if serves(app, f"{p}/1"))


@router.get("/search", response_model=SearchRead)
def search(
    request: Request, db_session: DbSession, actor: CurrentActor, q: SearchQuery, limit: PerKind = DEFAULT_PER_KIND
) -> SearchRead:
    """按名称检索本账号管辖范围内的事故、预警、单位、矿山、隐患、预案（管理员另含账号），每类至多 limit 条。"""
    return service.search(db_session=db_session, actor=actor, q=q, limit=limit, detail_pages=detail_pages(request.app))

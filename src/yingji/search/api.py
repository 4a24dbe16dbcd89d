"""/api/search: the header's search box — incidents, warnings, units, mines, hazards, plans and (admins) accounts."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request

from yingji.deps import CurrentActor, DbSession
from yingji.search import service
from yingji.search.schemas import DEFAULT_PER_KIND, PerKind, SearchQuery, SearchRead

router = APIRouter(prefix="/api", tags=["检索"])


def detail_pages(app: FastAPI) -> frozenset[str]:
    """The console lists that have a page per record (``/console/hazards/{…}``), read off the app's routes once: a
    page another module adds later is linked as soon as it is mounted."""
    cached: frozenset[str] | None = getattr(app.state, "detail_pages", None)
    if cached is None:
        paths = [getattr(route, "path", "") for route in app.routes]
        cached = frozenset(p.rsplit("/", 1)[0] for p in paths if p.startswith("/console/") and p.endswith("}"))
        app.state.detail_pages = cached
    return cached


@router.get("/search", response_model=SearchRead)
def search(
    request: Request, db_session: DbSession, actor: CurrentActor, q: SearchQuery, limit: PerKind = DEFAULT_PER_KIND
) -> SearchRead:
    """按名称检索本账号管辖范围内的事故、预警、单位、矿山、隐患、预案（管理员另含账号），每类至多 limit 条。"""
    return service.search(db_session=db_session, actor=actor, q=q, limit=limit, detail_pages=detail_pages(request.app))

"""检索 page: the header's search box answers here, hits grouped by kind, each linking to the page that shows it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import TypeAdapter, ValidationError

from yingji.deps import CurrentClock, DbSession
from yingji.search import service
from yingji.search.api import detail_pages
from yingji.search.schemas import DEFAULT_PER_KIND, MIN_QUERY, SearchText
from yingji.web.common import Viewer, page

router = APIRouter(include_in_schema=False)
QUERY = TypeAdapter(SearchText)


@router.get("/console/search", response_class=HTMLResponse)
def search_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    raw = request.query_params.get("q", "")
    try:
        q = QUERY.validate_python(raw)
    except ValidationError:  # too short or too long: the form again, with why (the API answers 422)
        return page(request, actor, clock, "search.html", search_q=raw, result=None, min_query=MIN_QUERY)
    result = service.search(
        db_session=db_session, actor=actor, q=q, limit=DEFAULT_PER_KIND, detail_pages=detail_pages(request.app)
    )
    return page(request, actor, clock, "search.html", search_q=q, result=result, min_query=MIN_QUERY)

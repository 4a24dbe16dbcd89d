"""一张图 and 指挥大屏 pages: the page is a frame, its scripts read /api/map/layers and /api/screen (the read models
scoped by the caller's jurisdiction) and follow the console's live stream. A configured tile server
(YINGJI_MAP_TILES) is the only other origin these pages may load images from."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from yingji.config import Settings
from yingji.core.clock import to_local
from yingji.core.errors import YingjiError
from yingji.core.guard import console_csp
from yingji.deps import CurrentClock, DbSession
from yingji.geo import service
from yingji.web.common import TEMPLATES, Viewer, error_page, page

router = APIRouter(include_in_schema=False)


def _tiles(request: Request) -> tuple[str | None, str | None]:
    settings: Settings = request.app.state.settings
    return settings.map_tiles, settings.map_tile_origin()


@router.get("/console/map", response_class=HTMLResponse)
def map_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    try:
        service.require_map(actor)
    except YingjiError as err:
        return error_page(request, actor, clock, err)
    tiles, origin = _tiles(request)
    answer = page(request, actor, clock, "map.html", tiles=tiles)
    answer.headers["content-security-policy"] = console_csp(origin)
    return answer


@router.get("/console/screen", response_class=HTMLResponse)
def screen_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    """The command hall at 1920×1080: no navigation, nothing to scroll; the panels fill in from /api/screen."""
    try:
        service.require_map(actor)
    except YingjiError as err:
        return error_page(request, actor, clock, err)
    tiles, origin = _tiles(request)
    _, _, _, scope_name = service.jurisdiction(db_session, actor)
    html = TEMPLATES.get_template("screen.html").render(
        scope_name=scope_name, tiles=tiles, now=to_local(clock.now()).strftime("%Y-%m-%d %H:%M")
    )
    return HTMLResponse(html, headers={"content-security-policy": console_csp(origin)})

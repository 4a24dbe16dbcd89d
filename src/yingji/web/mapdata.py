"""一张图: the layers of the caller's jurisdiction as one JSON document — points for mines, tailings ponds, rescue
teams, depots, shelters and incidents, sites with open alarms, and the areas under warnings in force."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, or_, select

from yingji.auth.actor import Actor
from yingji.core import divisions
from yingji.core.paging import MAX_LIMIT, PageParams
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.incidents import service as incidents
from yingji.monitoring import alarms
from yingji.registry import service as registry
from yingji.registry.models import Division
from yingji.registry.specs import BY_NAME
from yingji.warnings import service as warnings
from yingji.web.assets import CITY_SHAPES

router = APIRouter(include_in_schema=False)
POINT_LAYERS = (
    ("mines", "矿山", "mines"),
    ("ponds", "尾矿库", "tailings_ponds"),
    ("teams", "救援队伍", "rescue_teams"),
    ("depots", "储备库", "depots"),
    ("shelters", "避难场所", "shelters"),
)


def cities(actor: Actor) -> list[str]:
    """The cities whose county boundaries to draw: the actor's city, or all for an unlimited administrator."""
    if actor.is_unlimited:
        return sorted(CITY_SHAPES)
    scope = actor.division_code or actor.organisation_division
    if scope is None:
        return []
    city = divisions.city_of(scope)
    return [city] if city in CITY_SHAPES else [c for c in CITY_SHAPES if divisions.contains(scope, c)]


def _points(db_session: Any, actor: Actor, entity: str) -> list[dict[str, Any]]:
    """Every placed row of a layer in the caller's scope (the jurisdiction bounds the layer; nothing is cut off)."""
    rows = registry.every(db_session=db_session, actor=actor, spec=BY_NAME[entity])
    points = []
    for row in rows:
        values = {k: getattr(row, k, None) for k in ("id", "name", "lon", "lat", "division_code")}
        if values["lon"] is not None and values["lat"] is not None:
            points.append(values)
    return points


@router.get("/console/map-data")
def map_data(db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    layers: dict[str, Any] = {}
    for key, label, entity in POINT_LAYERS:
        layers[key] = {"label": label, "points": _points(db_session, actor, entity)}
    found, _ = incidents.list_(db_session=db_session, actor=actor, params=PageParams(limit=MAX_LIMIT))
    layers["incidents"] = {
        "label": "事故",
        "points": [
            {
                "id": i.id,
                "name": i.title,
                "lon": i.lon,
                "lat": i.lat,
                "division_code": i.division_code,
                "status": i.status.value,
            }
            for i in found
            if i.lon is not None and i.lat is not None
        ],
    }
    per_site = alarms.open_by_site(db_session=db_session, actor=actor, clock=clock)
    by_mine = {int(site.split(":")[1]): n for site, n in per_site.items() if site.startswith("mine:")}
    mines = {m["id"]: m for m in layers["mines"]["points"]}
    layers["alarms"] = {
        "label": "报警中的矿山",
        "points": [mines[m] | {"count": n} for m, n in sorted(by_mine.items()) if m in mines],
    }
    in_force = warnings.in_force(db_session=db_session, actor=actor, now=clock.now())
    drawn = cities(actor)
    names = db_session.execute(
        select(Division.code, Division.name).where(
            func.length(Division.code) == 6, or_(*(Division.code.startswith(c[:4]) for c in drawn))
        )
    )
    return {
        "cities": drawn,
        "division_names": {name: code for code, name in names} if drawn else {},
        "layers": layers,
        "warnings": [
            {"id": w.id, "title": w.title, "level": w.level, "division_codes": w.division_codes} for w in in_force
        ],
    }

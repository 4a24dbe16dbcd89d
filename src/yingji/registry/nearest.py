"""Nearest emergency resources: an in-memory numpy index over every placed resource, rebuilt when the registry changes.

Distances are great-circle (haversine, WGS-84 mean radius). Travel time is an estimate: the great-circle distance
times a road-winding factor, at an assumed average speed — there is no road network in the closed deployment yet.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.errors import InvalidInput, NotFound
from yingji.core.paging import MAX_LIMIT
from yingji.registry import models as m
from yingji.registry.enums import ResourceKind, TeamKind
from yingji.registry.schemas import LAT_RANGE, LON_RANGE
from yingji.registry.service import revision

EARTH_RADIUS_KM = 6371.0088
ROAD_FACTOR = 1.35  # typical ratio of road to great-circle distance in the region's grasslands and mining areas
AVERAGE_SPEED_KMH = 60.0
MAX_OFFSET = 100_000  # a ranking is read from the top: deeper than this is not a search any more


Row = tuple[ResourceKind, int, str, str, str, float, float, dict[str, object]]


@dataclass(frozen=True)
class Hit:
    kind: ResourceKind
    id: int
    name: str
    subtype: str
    division_code: str
    lon: float
    lat: float
    distance_km: float
    travel_minutes: int
    is_contracted: bool
    detail: dict[str, object]


class ResourceIndex:
    """Column arrays of every resource with a location; ``division`` holds 6-digit codes as integers."""

    def __init__(self, rows: list[Row]) -> None:
        self.kind = np.array([r[0].value for r in rows], dtype=object)
        self.ids = np.array([r[1] for r in rows], dtype=np.int64)
        self.names = [r[2] for r in rows]
        self.subtype = np.array([r[3] for r in rows], dtype=object)
        self.division_text = [r[4] for r in rows]
        self.division = np.array([_nine_digits(r[4]) for r in rows], dtype=np.int64)
        self.lon = np.radians(np.array([r[5] for r in rows], dtype=np.float64))
        self.lat = np.radians(np.array([r[6] for r in rows], dtype=np.float64))
        self.cos_lat = np.cos(self.lat)
        self.detail = [r[7] for r in rows]
        self.kind_masks = {k: self.kind == k.value for k in ResourceKind}

    def __len__(self) -> int:
        return len(self.ids)

    def distances_km(self, lon: float, lat: float) -> NDArray[np.float64]:
        lon_r, lat_r = np.radians(lon), np.radians(lat)
        a = np.sin((self.lat - lat_r) / 2) ** 2 + np.cos(lat_r) * self.cos_lat * np.sin((self.lon - lon_r) / 2) ** 2
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))  # type: ignore[no-any-return]


def _nine_digits(code: str) -> int:
    """Place county codes (6 digits) and town codes (9) on one integer scale: 150602 → 150602000."""
    return int(code.ljust(9, "0"))


def _division_range(code: str) -> tuple[int, int]:
    """Return the half-open integer range of every code inside a division, towns included."""
    stem = divisions.stem(code)
    width = 9 - len(stem)
    low = int(stem) * 10**width
    return low, low + 10**width


def _row(kind: ResourceKind, obj: m.Located, subtype: str, detail: dict[str, object]) -> Row:
    assert obj.lon is not None and obj.lat is not None  # the queries below select placed rows only
    return (kind, obj.id, obj.name, subtype, obj.division_code, obj.lon, obj.lat, detail)  # type: ignore[attr-defined]


def load_index(db_session: Session) -> ResourceIndex:
    """Read every placed resource once (the index is shared by all requests until the next registry write)."""
    rows: list[Row] = []
    for t in db_session.scalars(select(m.RescueTeam).where(m.RescueTeam.lon.is_not(None))):
        detail: dict[str, object] = {"level": t.level.value, "headcount": t.headcount, "phone": t.phone}
        rows.append(_row(ResourceKind.RESCUE_TEAM, t, t.kind.value, detail | {"unit_name": t.unit_name}))
    for e in db_session.scalars(select(m.Expert).where(m.Expert.lon.is_not(None))):
        detail = {"specialties": e.specialties, "unit_name": e.unit_name, "phone": e.phone}
        rows.append(_row(ResourceKind.EXPERT, e, "、".join(e.specialties), detail))
    for d in db_session.scalars(select(m.Depot).where(m.Depot.lon.is_not(None))):
        rows.append(_row(ResourceKind.DEPOT, d, d.level.value, {"level": d.level.value, "phone": d.phone}))
    for s in db_session.scalars(select(m.Shelter).where(m.Shelter.lon.is_not(None))):
        rows.append(_row(ResourceKind.SHELTER, s, s.kind.value, {"capacity": s.capacity}))
    for v in db_session.scalars(select(m.TransportResource).where(m.TransportResource.lon.is_not(None))):
        rows.append(_row(ResourceKind.TRANSPORT, v, v.vehicle_type, {"quantity": v.quantity, "phone": v.phone}))
    return ResourceIndex(rows)


class IndexCache:
    """Keeps one index per process and reloads it when the registry revision moves."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revision = -1
        self._index: ResourceIndex | None = None

    def get(self, db_session: Session) -> ResourceIndex:
        current = revision(db_session=db_session)
        with self._lock:
            if self._index is None or current != self._revision:
                self._index, self._revision = load_index(db_session), current
            return self._index


def nearest(
    *,
    db_session: Session,
    actor: Actor,
    index: ResourceIndex,
    lon: float,
    lat: float,
    kind: ResourceKind | None = None,
    team_kind: TeamKind | None = None,
    specialty: str | None = None,
    mine_id: int | None = None,
    limit: int = 10,
) -> list[Hit]:
    """Rank resources by distance; a mine's contracted rescue team comes first whatever its distance."""
    hits, _total = ranked(
        db_session=db_session,
        actor=actor,
        index=index,
        lon=lon,
        lat=lat,
        kind=kind,
        team_kind=team_kind,
        specialty=specialty,
        mine_id=mine_id,
        limit=limit,
    )
    return hits


def ranked(
    *,
    db_session: Session,
    actor: Actor,
    index: ResourceIndex,
    lon: float,
    lat: float,
    kind: ResourceKind | None = None,
    team_kind: TeamKind | None = None,
    specialty: str | None = None,
    mine_id: int | None = None,
    limit: int = 10,
    offset: int = 0,
) -> tuple[list[Hit], int]:
    """One slice of the ranking (the contracted team first, then by distance, ties by id) and how many rank."""
    actor.require(Permission.RESOURCES_READ)
    (west, east), (south, north) = LON_RANGE, LAT_RANGE
    if not (west <= lon <= east and south <= lat <= north):
        raise InvalidInput(
            field="lon", reason=f"lon/lat：坐标不在中国境内（WGS-84，经度 {west:g}–{east:g}，纬度 {south:g}–{north:g}）"
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(field="limit", reason=f"limit：应在 1–{MAX_LIMIT} 之间")
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(field="offset", reason=f"offset：应在 0–{MAX_OFFSET} 之间")
    contracted_id = _contracted_team(db_session, actor, mine_id)
    mask = np.ones(len(index), dtype=bool)
    if kind is not None:
        mask &= index.kind_masks[kind]
    if team_kind is not None:
        mask &= index.kind_masks[ResourceKind.RESCUE_TEAM] & (index.subtype == team_kind.value)
    if specialty:
        mask &= index.kind_masks[ResourceKind.EXPERT] & np.array([specialty in s for s in index.subtype], dtype=bool)
    mask &= _scope_mask(actor, index)
    distance = index.distances_km(lon, lat)
    chosen = np.flatnonzero(mask)
    first: Hit | None = None
    if contracted_id is not None and kind in (None, ResourceKind.RESCUE_TEAM) and not specialty:
        # The contract was set by someone entitled to name that team, so it shows even beyond the caller's scope.
        wanted = index.kind_masks[ResourceKind.RESCUE_TEAM] & (index.ids == contracted_id)
        if team_kind is not None:
            wanted &= index.subtype == team_kind.value
        team_rows = np.flatnonzero(wanted)
        if len(team_rows):
            row = int(team_rows[0])
            first = _hit(index, row, distance[row], is_contracted=True)
            chosen = chosen[chosen != row]
    order = _closest(chosen, distance, index.ids, offset + limit)
    hits = ([first] if first is not None else []) + [_hit(index, i, distance[i], is_contracted=False) for i in order]
    return hits[offset : offset + limit], len(chosen) + (first is not None)


def _closest(
    chosen: NDArray[np.int64], distance: NDArray[np.float64], ids: NDArray[np.int64], limit: int
) -> NDArray[np.int64]:
    """Return the ``limit`` nearest rows, ties broken by id; partitions first so 100 000 rows need no full sort."""
    if len(chosen) > limit:
        cut = np.partition(distance[chosen], limit - 1)[limit - 1]
        chosen = chosen[distance[chosen] <= cut]  # keeps every row tied at the cut, so the id tie-break is exact
    ordered: NDArray[np.int64] = chosen[np.lexsort((ids[chosen], distance[chosen]))][:limit]
    return ordered


def _scope_mask(actor: Actor, index: ResourceIndex) -> NDArray[np.bool_]:
    if actor.is_unlimited:
        return np.ones(len(index), dtype=bool)
    if actor.organisation_id is not None:
        scope = None if actor.organisation_division is None else divisions.city_of(actor.organisation_division)
    else:
        scope = actor.division_code
    if scope is None:
        return np.zeros(len(index), dtype=bool)
    low, high = _division_range(scope)
    inside: NDArray[np.bool_] = (index.division >= low) & (index.division < high)
    return inside


def _contracted_team(db_session: Session, actor: Actor, mine_id: int | None) -> int | None:
    if mine_id is None:
        return None
    mine = db_session.get(m.Mine, mine_id)
    if mine is None or not actor.covers_record(division_code=mine.division_code, organisation_id=mine.enterprise_id):
        raise NotFound(field="mine_id", kind="矿山", key=str(mine_id))
    return mine.contracted_team_id


def _hit(index: ResourceIndex, row: int, distance_km: float, *, is_contracted: bool) -> Hit:
    distance = float(distance_km)
    return Hit(
        kind=ResourceKind(index.kind[row]),
        id=int(index.ids[row]),
        name=index.names[row],
        subtype=str(index.subtype[row]),
        division_code=index.division_text[row],
        lon=float(np.degrees(index.lon[row])),
        lat=float(np.degrees(index.lat[row])),
        distance_km=round(distance, 2),
        travel_minutes=round(distance * ROAD_FACTOR / AVERAGE_SPEED_KMH * 60),
        is_contracted=is_contracted,
        detail=index.detail[row],
    )

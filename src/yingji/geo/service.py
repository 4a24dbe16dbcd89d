"""一张图: the caller's jurisdiction and its layers, each read through the service that owns the records (so every
layer is scoped exactly as its own list is), and the radius query over the nearest-resources index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions as codes
from yingji.core.clock import Clock
from yingji.core.errors import Forbidden, InvalidInput
from yingji.core.paging import MAX_LIMIT, PageParams
from yingji.geo.schemas import (
    CountyRead,
    ExternalArea,
    LayerKey,
    LegendEntry,
    MapFeature,
    MapLayerRead,
    MapRead,
    RadiusKindCount,
    RadiusRead,
    WarningArea,
)
from yingji.incidents import service as incidents
from yingji.incidents.enums import IncidentStatus
from yingji.incidents.models import Incident
from yingji.incidents.schemas import IncidentFilters
from yingji.monitoring import alarms, items
from yingji.monitoring.models import Severity
from yingji.monitoring.schemas import AlarmFilters
from yingji.monitoring.tailings import colour_of
from yingji.registry import divisions, nearest, reads
from yingji.registry import service as registry
from yingji.registry.enums import DivisionLevel, MineKind, MineStatus, ResourceKind, ResourceLevel, TeamKind
from yingji.registry.schemas import DivisionFilters
from yingji.registry.specs import BY_NAME
from yingji.rules.levels import GRADE_LABELS, Grade, WarningLevel
from yingji.rules.supervision import RiskColour
from yingji.supervision import reads as supervision_reads
from yingji.supervision import service as supervision
from yingji.warnings import external
from yingji.warnings import reads as warning_reads
from yingji.warnings import service as warnings

# the region's twelve cities (盟市), whose county boundaries the offline map draws
ALL_CITIES = (
    *("150100", "150200", "150300", "150400", "150500", "150600"),
    *("150700", "150800", "150900", "152200", "152500", "152900"),
)
NO_COLOUR, NO_GRADE = "none", "unassessed"
POND_COLOURS = [(level.name.lower(), f"{level.label}预警") for level in WarningLevel] + [(NO_COLOUR, "无报警")]
SEVERITIES = [(s.value, s.label) for s in (Severity.CRITICAL, Severity.ALARM, Severity.FAULT)]
GRADES = [(str(g.value), f"{GRADE_LABELS[g]}事故") for g in Grade] + [(NO_GRADE, "尚未研判")]
SOURCE_GRADES = [(str(n), f"{'一二三四'[n - 1]}级") for n in range(1, 5)]
RADIUS_KINDS = (ResourceKind.RESCUE_TEAM, ResourceKind.DEPOT, ResourceKind.SHELTER, ResourceKind.TRANSPORT)


def require_map(actor: Actor) -> None:
    """The map is the duty desk's (plans.read): street and community accounts have no map (docs/decisions.md)."""
    if not actor.has(Permission.PLANS_READ):
        raise Forbidden(subcode="map.read.no_map", reason="街道、社区账号没有一张图（其工作页面为物业监管）")


def _scope(actor: Actor) -> str | None:
    if actor.is_unlimited:
        return None
    return actor.division_code or actor.organisation_division


def jurisdiction(db_session: Session, actor: Actor) -> tuple[list[str], list[str], list[CountyRead], str]:
    """The cities to draw, the counties to fit and highlight, every drawn county by name, and the scope's name."""
    scope = _scope(actor)
    if scope is None and actor.is_unlimited:
        cities = list(ALL_CITIES)
    elif scope is None:
        cities = []
    elif codes.stem(scope) == "15":  # the region's own accounts
        cities = list(ALL_CITIES)
    else:
        cities = [codes.city_of(scope)] if codes.city_of(scope) in ALL_CITIES else []
    counties: list[CountyRead] = []
    for city in cities:
        query = divisions.listing(DivisionFilters(within=city, level=DivisionLevel.COUNTY))
        counties += [
            CountyRead(code=d.code, name=d.name, city_code=city) for d in db_session.scalars(query.order_by("code"))
        ]
    if scope is None or codes.stem(scope) == "15":
        focus: list[str] = []
    else:
        focus = [c.code for c in counties if codes.contains(scope, c.code) or codes.contains(c.code, scope)]
    name = "全区" if scope is None else divisions.names(db_session, [scope]).get(scope, scope)
    return cities, focus, counties, name


def _legend(features: Sequence[MapFeature], order: Iterable[tuple[str, str]]) -> list[LegendEntry]:
    counted = Counter(f.category for f in features)
    return [LegendEntry(category=code, label=label, count=counted[code]) for code, label in order if counted[code]]


def _groups(features: Sequence[MapFeature], order: Iterable[tuple[str, str]]) -> list[LegendEntry]:
    counted = Counter(f.group for f in features)
    return [LegendEntry(category=code, label=label, count=counted[code]) for code, label in order if counted[code]]


def _layer(
    key: LayerKey,
    features: list[MapFeature],
    order: Iterable[tuple[str, str]],
    groups: Iterable[tuple[str, str]] = (),
) -> MapLayerRead:
    return MapLayerRead(
        key=key, label=key.label, features=features, legend=_legend(features, order), groups=_groups(features, groups)
    )


def _goafs(db_session: Session, actor: Actor) -> list[MapFeature]:
    """The goaf/support four-colour list's placed entries (supervision registers, seed 002#L213, L289)."""
    rows = supervision.placed_goafs(db_session=db_session, actor=actor)
    places = divisions.names(db_session, (r.division_code for r in rows))
    features = []
    for row, g in zip(rows, supervision_reads.goafs(db_session, actor, rows), strict=True):
        assert g.lon is not None and g.lat is not None  # placed_goafs selects placed entries only
        measures = f" · {'、'.join(g.measure_labels)}" if g.measure_labels else ""
        features.append(
            MapFeature(
                id=g.id,
                name=f"{g.mine_name} {g.name}",
                lon=g.lon,
                lat=g.lat,
                division_code=row.division_code,
                division_name=places.get(row.division_code, row.division_code),
                category=g.colour.value,
                category_label=g.colour_label,
                detail=f"{g.kind_label} · {g.state_label}{measures}",
                url="/console/supervision",
            )
        )
    return features


def _registry_rows(db_session: Session, actor: Actor, entity: str) -> list[Any]:
    """The placed rows of one registry table the caller may read, as its read model (labels beside codes)."""
    spec = BY_NAME[entity]
    found = [
        r for r in registry.every(db_session=db_session, actor=actor, spec=spec) if getattr(r, "lon", None) is not None
    ]
    return reads.read_all(db_session, actor, spec, found) if found else []


def _features(
    rows: Iterable[Any],
    entity: str,
    category: Callable[[Any], tuple[str, str]],
    detail: Callable[[Any], str],
    group: Callable[[Any], tuple[str, str]] | None = None,
) -> list[MapFeature]:
    found = []
    for row in rows:
        code, label = category(row)
        group_code, group_label = group(row) if group else (None, None)
        found.append(
            MapFeature(
                id=row.id,
                name=row.name,
                lon=row.lon,
                lat=row.lat,
                division_code=row.division_code,
                division_name=row.division_name,
                category=code,
                category_label=label,
                group=group_code,
                group_label=group_label,
                detail=detail(row),
                url=f"/console/records/{entity}/{row.id}",
            )
        )
    return found


def _site_alarms(db_session: Session, actor: Actor, clock: Clock) -> tuple[dict[str, int], dict[str, Severity]]:
    """Open alarms per site and each site's most urgent severity (the triage order lists the worst first)."""
    counts = alarms.open_by_site(db_session=db_session, actor=actor, clock=clock)
    worst: dict[str, Severity] = {}
    found, _ = alarms.list_(
        db_session=db_session,
        actor=actor,
        clock=clock,
        params=PageParams(limit=MAX_LIMIT),
        filters=AlarmFilters(state="open"),
    )
    for alarm in found:
        severity = Severity.of_rank(alarm.severity)
        if alarm.site_key not in worst or severity.rank > worst[alarm.site_key].rank:
            worst[alarm.site_key] = severity
    return counts, worst


def _pond_colour(db_session: Session, actor: Actor, pond_id: int) -> tuple[str, str]:
    """A pond's colour (the worst item's, GB 50863 §5.5.4) from the monitoring service."""
    answer = items.pond_items(db_session=db_session, actor=actor, pond_id=pond_id)
    colour = colour_of(max((item.level for item in answer.items), default=0))
    return (colour.name.lower(), f"{colour.label}预警") if colour else (NO_COLOUR, "无报警")


def incident_grade(db_session: Session, incident: Incident) -> tuple[int | None, bool]:
    """The most severe grade of the latest assessment under each applicable plan (1 is most severe)."""
    latest = incidents.assessments(db_session=db_session, incident=incident)
    if not latest:
        return None, False
    worst = min(latest, key=lambda a: a.grade)
    return worst.grade, worst.provisional


def active_incidents(db_session: Session, actor: Actor) -> list[Incident]:
    """Incidents in scope whose response has not ended, newest first (the register's order)."""
    found: list[Incident] = []
    for status in (IncidentStatus.RESPONDING, IncidentStatus.REPORTED):
        rows, _ = incidents.list_(
            db_session=db_session,
            actor=actor,
            params=PageParams(limit=MAX_LIMIT),
            filters=IncidentFilters(status=status),
        )
        found += rows
    return sorted(found, key=lambda i: (i.occurred_at, i.id), reverse=True)


def layers(*, db_session: Session, clock: Clock, actor: Actor) -> MapRead:
    """The 一张图 of the caller's jurisdiction (each layer as its own list scopes it; a layer the role may not read
    is left out)."""
    require_map(actor)
    cities, focus, counties, scope_name = jurisdiction(db_session, actor)
    result: list[MapLayerRead] = []
    counts, worst = _site_alarms(db_session, actor, clock) if actor.has(Permission.REGISTRY_READ) else ({}, {})

    def alarm_text(site: str) -> str:
        return f"；未处理报警 {counts[site]} 条（{worst[site].label}）" if site in counts and site in worst else ""

    mines = ponds = []
    if actor.has(Permission.REGISTRY_READ):
        mines = _features(
            _registry_rows(db_session, actor, "mines"),
            "mines",
            lambda r: (r.status.value, r.status_label),
            lambda r: f"{r.kind_label} · {r.status_label} · {r.enterprise or ''}" + alarm_text(f"mine:{r.id}"),
            lambda r: (r.kind.value, r.kind_label),
        )
        pond_rows = _registry_rows(db_session, actor, "tailings_ponds")
        colours = {
            r.id: _pond_colour(db_session, actor, r.id) if f"pond:{r.id}" in counts else (NO_COLOUR, "无报警")
            for r in pond_rows
        }
        ponds = _features(
            pond_rows,
            "tailings_ponds",
            lambda r: colours[r.id],
            lambda r: (
                f"{r.pond_grade}等库 · {r.status_label}{' · 头顶库' if r.is_overhead else ''}"
                + alarm_text(f"pond:{r.id}")
            ),
        )
        in_alarm = []
        for kind, features in (("mine", mines), ("pond", ponds)):
            for f in features:
                site = f"{kind}:{f.id}"
                if site in counts and site in worst:
                    in_alarm.append(
                        f.model_copy(
                            update={
                                "category": worst[site].value,
                                "category_label": worst[site].label,
                                "group": kind,
                                "group_label": "矿山" if kind == "mine" else "尾矿库",
                                "detail": f"未处理报警 {counts[site]} 条 · {f.division_name}",
                                "url": f"/console/alarms?site={site}",
                            }
                        )
                    )
        result.append(_layer(LayerKey.ALARMS, in_alarm, SEVERITIES))
    if actor.has(Permission.PLANS_READ):
        found = [i for i in active_incidents(db_session, actor) if i.lon is not None and i.lat is not None]
        names = divisions.names(db_session, (i.division_code for i in found))
        features = []
        for i in found:
            grade, provisional = incident_grade(db_session, i)
            label = f"{GRADE_LABELS[Grade(grade)]}事故" if grade else "尚未研判"
            assert i.lon is not None and i.lat is not None
            features.append(
                MapFeature(
                    id=i.id,
                    name=i.title,
                    lon=i.lon,
                    lat=i.lat,
                    division_code=i.division_code,
                    division_name=names.get(i.division_code, i.division_code),
                    category=str(grade) if grade else NO_GRADE,
                    category_label=label + ("（暂定）" if provisional else ""),
                    detail=f"{i.status.label} · {i.sector.label}",
                    url=f"/console/incidents/{i.id}",
                )
            )
        result.append(_layer(LayerKey.INCIDENTS, features, GRADES))
    if actor.has(Permission.REGISTRY_READ):
        result.append(
            _layer(LayerKey.MINES, mines, [(s.value, s.label) for s in MineStatus], MineKind.labels().items())
        )
        result.append(_layer(LayerKey.PONDS, ponds, POND_COLOURS))
        sources = _features(
            _registry_rows(db_session, actor, "hazard_sources"),
            "hazard_sources",
            lambda r: SOURCE_GRADES[r.grade - 1],
            lambda r: f"{'一二三四'[r.grade - 1]}级重大危险源 · {r.substances or ''} · {r.enterprise or ''}",
        )
        result.append(_layer(LayerKey.HAZARD_SOURCES, sources, SOURCE_GRADES))
        result.append(_layer(LayerKey.GOAFS, _goafs(db_session, actor), RiskColour.labels().items()))
    if actor.has(Permission.RESOURCES_READ):
        teams = _features(
            _registry_rows(db_session, actor, "rescue_teams"),
            "rescue_teams",
            lambda r: (r.kind.value, r.kind_label),
            lambda r: f"{r.kind_label} · {r.level_label}" + (f" · {r.headcount} 人" if r.headcount else ""),
        )
        result.append(_layer(LayerKey.TEAMS, teams, TeamKind.labels().items()))
        depots = _features(
            _registry_rows(db_session, actor, "depots"),
            "depots",
            lambda r: (r.level.value, r.level_label),
            lambda r: f"{r.level_label}储备库" + (f" · 电话 {r.phone}" if r.phone else ""),
        )
        result.append(_layer(LayerKey.DEPOTS, depots, ResourceLevel.labels().items()))
        shelters = _features(
            _registry_rows(db_session, actor, "shelters"),
            "shelters",
            lambda r: (r.kind.value, f"{r.kind_label}避难场所"),
            lambda r: f"{r.kind_label} · 可容纳 {r.capacity} 人",
        )
        result.append(_layer(LayerKey.SHELTERS, shelters, [("outdoor", "室外避难场所"), ("indoor", "室内避难场所")]))
        experts = _features(
            _registry_rows(db_session, actor, "experts"),
            "experts",
            lambda r: ("expert", "专家"),
            lambda r: f"{r.unit_name or ''} · {'、'.join(r.specialties or [])}",
        )
        result.append(_layer(LayerKey.EXPERTS, experts, [("expert", "专家")]))
    in_force = warnings.in_force(db_session=db_session, actor=actor, now=clock.now())
    drawn = [c.code for c in counties]
    areas = [
        WarningArea(warning=w, counties=sorted({c for code in w.division_codes for c in drawn if _covers(code, c)}))
        for w in warning_reads.read_all(db_session, actor, in_force)
    ]
    outside = [
        ExternalArea(warning=e, counties=sorted({c for code in e.division_codes for c in drawn if _covers(code, c)}))
        for e in external.reads(db_session, clock, external.in_force(db_session=db_session, clock=clock, actor=actor))
    ]
    return MapRead(
        scope_code=_scope(actor),
        scope_name=scope_name,
        cities=cities,
        focus=focus,
        counties=counties,
        layers=result,
        warnings=areas,
        external=outside,
    )


def _covers(area: str, county: str) -> bool:
    """A warning's area covers a county when it is the county, contains it, or lies inside it (a town's warning
    shades its county: the boundary files stop at counties)."""
    return codes.contains(area, county) or codes.contains(county, area)


def _capacity(hit: nearest.Hit) -> int:
    places = hit.detail.get("capacity") if hit.kind is ResourceKind.SHELTER else None
    return places if isinstance(places, int) else 0


def radius(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    index: nearest.ResourceIndex,
    radius_km: float,
    lon: float | None = None,
    lat: float | None = None,
    incident_id: int | None = None,
) -> RadiusRead:
    """Teams, depots, shelters and transport within ``radius_km`` of a point or an incident, nearest first."""
    require_map(actor)
    if incident_id is not None:
        if lon is not None or lat is not None:
            raise InvalidInput(field="incident_id", subcode="map.radius.two_centres", reason="事故与坐标只能给一个")
        incident = incidents.get(db_session=db_session, actor=actor, incident_id=incident_id)
        if incident.lon is None or incident.lat is None:
            raise InvalidInput(field="incident_id", subcode="map.radius.no_place", reason="该事故没有坐标")
        lon, lat, centre = incident.lon, incident.lat, incident.title
    elif lon is None or lat is None:
        raise InvalidInput(field="lon", subcode="map.radius.no_centre", reason="须给出 lon 与 lat，或 incident_id")
    else:
        centre = "地图上选定的点"
    within: list[nearest.Hit] = []
    truncated = False
    for kind in RADIUS_KINDS:
        hits, _ = nearest.ranked(
            db_session=db_session, actor=actor, index=index, lon=lon, lat=lat, kind=kind, limit=MAX_LIMIT
        )
        inside = [h for h in hits if h.distance_km <= radius_km]
        truncated |= len(inside) == MAX_LIMIT
        within += inside
    within.sort(key=lambda h: (h.distance_km, h.kind.value, h.id))
    counted = Counter(h.kind for h in within)
    return RadiusRead(
        lon=lon,
        lat=lat,
        radius_km=radius_km,
        incident_id=incident_id,
        centre_name=centre,
        items=reads.hits(db_session, within),
        total=len(within),
        truncated=truncated,
        by_kind=[RadiusKindCount(kind=k.value, label=k.label, count=counted[k]) for k in RADIUS_KINDS],
        shelter_capacity=sum(_capacity(h) for h in within),
        travel_note=(
            f"直线距离为大圆距离；车程按直线距离×{nearest.ROAD_FACTOR:g}（道路系数）"
            f"÷{nearest.AVERAGE_SPEED_KMH:g} 公里/小时估算，无路网"
        ),
    )

"""Measurement points 测点: registration (audited, scoped to the site's owner and jurisdiction) and their rules.

Each point resolves to one or more engine *channels*: a mine point gets every bundled rule for its kind and location
class (a wind-speed point has a maximum and a minimum), a pond point one rule built from its design values.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from pydantic import Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock
from yingji.core.errors import Conflict, InvalidInput, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.core.schemas import YingjiModel
from yingji.monitoring.access import point_scope
from yingji.monitoring.alarm_store import withdraw_alarms
from yingji.monitoring.models import MonitorPoint, Severity, SiteKind
from yingji.monitoring.schema import SensorKind, rules_for
from yingji.monitoring.schemas import PointFilters
from yingji.monitoring.tailings import POND_ITEMS, pond_rule
from yingji.registry.enums import MineKind
from yingji.registry.models import Mine, TailingsPond
from yingji.registry.service import bump_revision
from yingji.rules.levels import WarningLevel
from yingji.rules.thresholds import LevelSpec

CODE_PATTERN = r"^[A-Za-z0-9_.\-]{1,40}$"  # MonitorPoint.code; the ingest refuses any other code per row
COAL_POLLING_MAX_S = 30  # GB 50581 §3.1.4: 最大巡检周期 ≤ 30 s (regulations.md#L287)
COAL_KINDS = frozenset({MineKind.COAL_UNDERGROUND, MineKind.COAL_OPEN_PIT})
COLOURS = {
    "blue": WarningLevel.BLUE,
    "yellow": WarningLevel.YELLOW,
    "orange": WarningLevel.ORANGE,
    "red": WarningLevel.RED,
}


class PointIn(YingjiModel):
    """测点登记：矿山测点按种类和地点类别套用阈值规则；尾矿库测点填写设计单位给出的各色预警值。"""

    code: Annotated[str, Field(pattern=CODE_PATTERN, description="测点编号（企业内唯一，网关按此上传）")]
    name: Annotated[str, Field(min_length=2, max_length=120)]
    kind: SensorKind
    mine: Annotated[str, Field(min_length=2, max_length=120)] | None = None
    pond: Annotated[str, Field(min_length=2, max_length=120)] | None = None
    location_class: Annotated[str, Field(min_length=2, max_length=60)] | None = None
    design: dict[str, float] | None = Field(default=None, description="尾矿库：blue/yellow/orange/red → 设计预警值")
    clear_margin: Annotated[float, Field(ge=0)] = 0.0
    polling_s: Annotated[int, Field(ge=1, le=3600)] = 30
    active: bool = True

    @model_validator(mode="after")
    def _one_site(self) -> PointIn:
        if (self.mine is None) == (self.pond is None):
            raise ValueError("mine 与 pond 必须且只能填写一个")
        return self


@dataclass(frozen=True)
class PointRule:
    """One channel of a point: the rule's id, its engine spec and the display name of each level."""

    rule_id: str
    spec: LevelSpec
    level_names: tuple[str, ...]
    aggregation: tuple[int, ...] = ()  # pond: 0–4 colour scale of each engine level (for item aggregation)
    critical_from: int | None = None  # the first level that is 紧急: the power-cut level, a pond's red colour

    def severity(self, level: int) -> Severity:
        """The triage rank of one of this rule's levels (0: cleared)."""
        if level <= 0:
            return Severity.CLEARED
        return Severity.CRITICAL if self.critical_from is not None and level >= self.critical_from else Severity.ALARM


def _design(raw: dict[str, float] | None) -> dict[WarningLevel, float]:
    raw = raw or {}
    unknown = sorted(set(raw) - set(COLOURS))
    if unknown:
        raise InvalidInput(field=f"design.{unknown[0]}", reason="设计预警值只能按 blue、yellow、orange、red 填写")
    return {COLOURS[name]: value for name, value in raw.items()}


def point_rules(point: PointIn | MonitorPoint) -> list[PointRule]:
    """The channels a point is evaluated under; raises InvalidInput when no rule applies."""
    is_pond = point.pond is not None if isinstance(point, PointIn) else point.site_kind is SiteKind.POND
    if is_pond:
        return [pond_point_rule(point.kind, point.design, point.clear_margin)]
    if point.design:
        raise InvalidInput(field="design", reason="矿山测点按阈值规则判定，不填设计预警值")
    return list(mine_point_rules(point.kind, point.location_class))


def pond_point_rule(kind: SensorKind, design: dict[str, float] | None, clear_margin: float) -> PointRule:
    built = pond_rule(kind, _design(design), clear_margin)
    aggregation = tuple(built.aggregation_level(n) for n in range(1, len(built.colours) + 1))
    red = next((n for n, colour in enumerate(built.colours, start=1) if colour is WarningLevel.RED), None)
    return PointRule(
        rule_id=f"pond-{kind.value.lower()}",
        spec=built.spec,
        level_names=tuple(f"{colour.label}预警" for colour in built.colours),
        aggregation=aggregation,
        critical_from=red,
    )


@cache
def mine_point_rules(kind: SensorKind, location_class: str | None) -> tuple[PointRule, ...]:
    """The bundled rules for a mine point's kind and location class (cached: a million points share a few dozen)."""
    if location_class is None:
        raise InvalidInput(field="location_class", reason="矿山测点必须填写地点类别（如 采煤工作面上隅角）")
    return tuple(
        PointRule(
            rule_id=rule.id,
            spec=rule.spec(),
            level_names=tuple(level.name for level in rule.levels),
            critical_from=rule.power_cut_level(),
        )
        for rule in rules_for(kind, location_class)
    )


def _site_ids(site: Mine | TailingsPond) -> tuple[int | None, int | None]:
    return (site.id, None) if isinstance(site, Mine) else (None, site.id)


def current_rules(point: MonitorPoint | None) -> list[PointRule]:
    """The channels a stored point is evaluated under now (none once its rule left the bundled table)."""
    if point is None:
        return []
    try:
        return point_rules(point)
    except InvalidInput:  # its rule was withdrawn from the bundled table
        return []


def _site(db_session: Session, actor: Actor, data: PointIn) -> Mine | TailingsPond:
    site: Mine | TailingsPond | None
    if data.mine is not None:
        field, label, name = "mine", "矿山", data.mine
        site = db_session.scalars(select(Mine).where(Mine.name == name)).first()
    else:
        field, label, name = "pond", "尾矿库", str(data.pond)
        site = db_session.scalars(select(TailingsPond).where(TailingsPond.name == name)).first()
    if site is None or not actor.covers_record(division_code=site.division_code, organisation_id=site.enterprise_id):
        raise InvalidInput(field=field, reason=f"未找到{label}「{name}」（或不在管辖范围内）")
    return site


def save(*, db_session: Session, clock: Clock, actor: Actor, data: PointIn) -> MonitorPoint:
    """Create or update a point by (enterprise, code); audited; engines reload on the registry revision."""
    actor.require(Permission.REGISTRY_WRITE)
    site = _site(db_session, actor, data)
    if data.pond is not None and data.kind not in POND_ITEMS:
        raise InvalidInput(field="kind", reason=f"{data.kind.value} 不是尾矿库监测项目")
    if isinstance(site, Mine) and site.kind in COAL_KINDS and data.polling_s > COAL_POLLING_MAX_S:
        raise InvalidInput(
            field="polling_s", reason=f"煤矿安全监控系统最大巡检周期不得超过 {COAL_POLLING_MAX_S} 秒（GB 50581 §3.1.4）"
        )
    rules = point_rules(data)
    existing = db_session.scalars(
        select(MonitorPoint).where(MonitorPoint.enterprise_id == site.enterprise_id, MonitorPoint.code == data.code)
    ).first()
    before = describe(existing) if existing is not None else None
    old_rules = current_rules(existing)
    if existing is not None and (
        not actor.covers_record(division_code=existing.division_code, organisation_id=existing.enterprise_id)
        or (existing.mine_id, existing.pond_id) != _site_ids(site)
    ):
        raise Conflict(reason=f"测点编号「{data.code}」已用于本企业的其他矿山或尾矿库；一个编号只对应一个测点")
    point = existing or MonitorPoint(code=data.code, enterprise_id=site.enterprise_id, created_at=clock.now())
    point.name, point.kind, point.location_class = data.name, data.kind, data.location_class
    point.unit = _unit(data.kind, data.location_class, data.pond is not None)
    point.site_kind = SiteKind.POND if data.pond is not None else SiteKind.MINE
    point.mine_id = site.id if isinstance(site, Mine) else None
    point.pond_id = site.id if isinstance(site, TailingsPond) else None
    point.division_code = site.division_code
    point.design, point.clear_margin = data.design, data.clear_margin
    point.polling_s, point.active = data.polling_s, data.active
    db_session.add(point)
    db_session.flush()
    if existing is not None and (old_rules != rules or not data.active):
        reason = "测点停用" if not data.active else "测点阈值规则或设计预警值变更"
        withdraw_alarms(db_session, point.id, clock.now(), reason, all_conditions=not data.active)
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=f"monitoring.points.{'create' if before is None else 'update'}",
        target_kind="monitor_point",
        target_key=str(point.id),
        before=before,
        after=describe(point) | {"rules": [rule.rule_id for rule in rules]},
    )
    bump_revision(db_session=db_session, clock=clock)
    return point


def _unit(kind: SensorKind, location_class: str | None, is_pond: bool) -> str:
    if is_pond:
        return POND_ITEMS[kind].unit
    assert location_class is not None
    return rules_for(kind, location_class)[0].unit


def describe(point: MonitorPoint) -> dict[str, Any]:
    return {
        "id": point.id,
        "code": point.code,
        "name": point.name,
        "kind": point.kind.value,
        "unit": point.unit,
        "location_class": point.location_class,
        "site_kind": point.site_kind.value,
        "mine_id": point.mine_id,
        "pond_id": point.pond_id,
        "enterprise_id": point.enterprise_id,
        "division_code": point.division_code,
        "design": point.design,
        "clear_margin": point.clear_margin,
        "polling_s": point.polling_s,
        "active": point.active,
    }


def list_(
    *, db_session: Session, actor: Actor, params: PageParams, filters: PointFilters | None = None
) -> tuple[list[MonitorPoint], int]:
    """One page of the points in scope, oldest registration first, narrowed by site, kind and state."""
    query = select(MonitorPoint).where(point_scope(actor), *(filters or PointFilters()).clauses())
    return paginate(db_session, query, params, order_by=[MonitorPoint.id])


def get(*, db_session: Session, actor: Actor, point_id: int) -> MonitorPoint:
    point = db_session.scalars(select(MonitorPoint).where(MonitorPoint.id == point_id, point_scope(actor))).first()
    if point is None:
        raise NotFound(kind="测点", key=str(point_id))
    return point

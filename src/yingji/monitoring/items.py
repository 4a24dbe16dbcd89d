"""Tailings-pond items 监测项目: each item's colour from its points' colours (GB 50863 §5.5.4).

Within one item 4 blue points count as one yellow, 3 yellow as one orange, 2 orange as one red
(regulations.md#L404-L407, ``rules.thresholds.aggregate_item_level``). The rule across items is cut off in the
source text (#L408: four blue items count as one yellow item, then "达…"), so the pond's colour shown is the worst
item's, and the truncation is stated in every answer rather than completed by guesswork.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.errors import NotFound
from yingji.monitoring.models import Alarm, AlarmCondition, MonitorPoint
from yingji.monitoring.points import point_rules
from yingji.monitoring.schema import SensorKind
from yingji.monitoring.schemas import PondItemRead, PondItemsRead, PondPointRead
from yingji.monitoring.tailings import colour_of
from yingji.registry import divisions
from yingji.registry.models import Organisation, TailingsPond
from yingji.rules.thresholds import aggregate_item_level

CROSS_ITEM_NOTE = "跨监测项目的汇总规则原文截断（regulations.md#L408），尾矿库颜色取各项目中最严重者"


def _colour(level: int) -> str | None:
    colour = colour_of(level)
    return colour.label if colour else None


def pond_items(*, db_session: Session, actor: Actor, pond_id: int) -> PondItemsRead:
    actor.require(Permission.REGISTRY_READ)
    pond = db_session.get(TailingsPond, pond_id)
    if pond is None or not actor.covers_record(division_code=pond.division_code, organisation_id=pond.enterprise_id):
        raise NotFound(kind="尾矿库", key=str(pond_id))
    points = list(
        db_session.scalars(
            select(MonitorPoint)
            .where(MonitorPoint.pond_id == pond.id, MonitorPoint.active.is_(True))
            .order_by(MonitorPoint.id)
        )
    )
    active = {
        alarm.point_id: alarm.level
        for alarm in db_session.scalars(
            select(Alarm).where(
                Alarm.site_key == f"pond:{pond.id}", Alarm.active.is_(True), Alarm.condition == AlarmCondition.LEVEL
            )
        )
    }
    grouped: dict[SensorKind, list[PondPointRead]] = {}
    for point in points:
        scale = point_rules(point)[0].aggregation
        level = scale[active[point.id] - 1] if active.get(point.id) else 0
        grouped.setdefault(point.kind, []).append(
            PondPointRead(id=point.id, code=point.code, name=point.name, colour=_colour(level), level=level)
        )
    items = [
        PondItemRead(kind=kind, label=kind.label, level=level, colour=_colour(level), points=rows)
        for kind, rows in grouped.items()
        for level in [aggregate_item_level([p.level for p in rows])]
    ]
    worst = max((item.level for item in items), default=0)
    owner = db_session.get(Organisation, pond.enterprise_id)
    return PondItemsRead(
        pond_id=pond.id,
        name=pond.name,
        enterprise_name=owner.name if owner else "",
        division_code=pond.division_code,
        division_name=divisions.names(db_session, [pond.division_code]).get(pond.division_code, pond.division_code),
        items=items,
        colour=_colour(worst),
        basis="GB 50863 §5.5.4（regulations.md#L404-L407）",
        note=CROSS_ITEM_NOTE,
    )

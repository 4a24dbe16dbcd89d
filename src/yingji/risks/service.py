"""The weather risk database (003#L6 3.1.1 “组织气象灾害风险普查、风险评估和风险区划，健全气象灾害基础信息数据库”):
entries kept by the officers of the place, listed highest risk first, and the entries a weather response's room shows
for its hazard and place."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from yingji.audit.rows import record_change
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.clock import Clock, local_today
from yingji.core.errors import Forbidden, InvalidInput
from yingji.core.paging import PageParams, paginate
from yingji.plans import loader
from yingji.registry import divisions as registry_divisions
from yingji.risks.models import RiskLevel, WeatherRisk
from yingji.risks.schemas import RiskFilters, RiskIn, RiskRead

LEVEL_ORDER = case({level: rank for rank, level in enumerate(RiskLevel)}, value=WeatherRisk.level)


@cache
def hazard_names() -> dict[str, str]:
    """The hazards the meteorological plans define (id → name): the entries' vocabulary."""
    return {h.id: h.name for p in loader.all_plans().values() if p.meteorological for h in p.meteorological.hazards}


def create(*, db_session: Session, clock: Clock, actor: Actor, data: RiskIn) -> WeatherRisk:
    actor.require(Permission.REGISTRY_WRITE)
    if actor.organisation_id is not None:
        raise Forbidden(reason="企业账号不登记气象灾害风险", subcode="risks.enterprise")
    actor.require_division(data.division_code)
    if data.hazard not in hazard_names():
        raise InvalidInput(field="hazard", reason=f"没有此灾种：{data.hazard}", subcode="risks.hazard.unknown")
    if data.year > local_today(clock).year:
        raise InvalidInput(field="year", reason="年份不能晚于今年", subcode="risks.year.future")
    if registry_divisions.names(db_session, [data.division_code]).get(data.division_code) is None:
        raise InvalidInput(field="division_code", reason="没有此行政区划", subcode="risks.division.unknown")
    row = WeatherRisk(**data.model_dump(), recorded_by=actor.username, recorded_at=clock.now())
    db_session.add(row)
    record_change(db_session, clock, actor.username, "risks.create", row, None)
    return row


def page(
    *, db_session: Session, actor: Actor, params: PageParams, filters: RiskFilters
) -> tuple[Sequence[WeatherRisk], int]:
    actor.require(Permission.REGISTRY_READ)
    query = select(WeatherRisk).where(actor.division_filter(WeatherRisk.division_code))
    if filters.hazard is not None:
        query = query.where(WeatherRisk.hazard == filters.hazard)
    if filters.within is not None:
        query = query.where(WeatherRisk.division_code.startswith(divisions.stem(filters.within), autoescape=True))
    return paginate(db_session, query, params, order_by=[LEVEL_ORDER, WeatherRisk.division_code, WeatherRisk.id])


def reads(db_session: Session, rows: Sequence[WeatherRisk]) -> list[RiskRead]:
    places = registry_divisions.names(db_session, (r.division_code for r in rows))
    names = hazard_names()
    return [
        RiskRead(
            id=r.id,
            division_code=r.division_code,
            division_name=places.get(r.division_code, r.division_code),
            hazard=r.hazard,
            hazard_name=names.get(r.hazard, r.hazard),
            level=r.level,
            level_label=r.level.label,
            place=r.place,
            exposure=r.exposure,
            source=r.source,
            source_label=r.source.label,
            year=r.year,
            recorded_by=r.recorded_by,
            recorded_at=r.recorded_at,
        )
        for r in rows
    ]

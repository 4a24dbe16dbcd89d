"""Monitoring read models (alarms, points, rules, ponds), built a page at a time: one query per kind of name, never
one per row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.clock import Clock
from yingji.core.errors import InvalidInput
from yingji.core.paging import Page, PageParams, paged
from yingji.core.text import span_words
from yingji.monitoring import access, alarms
from yingji.monitoring.models import Alarm, AlarmCondition, MonitorPoint, Severity
from yingji.monitoring.networking.reads import declared_limits
from yingji.monitoring.points import current_rules, point_rules
from yingji.monitoring.schema import ThresholdRule
from yingji.monitoring.schemas import (
    AlarmAnnouncement,
    AlarmDetail,
    AlarmEventRead,
    AlarmFilters,
    AlarmRead,
    PointRead,
    PointState,
    ThresholdRuleRead,
)
from yingji.registry import divisions
from yingji.registry.models import Mine, Organisation, TailingsPond


def _names(
    db_session: Session, model: type[Mine] | type[TailingsPond] | type[Organisation], ids: set[int]
) -> dict[int, str]:
    if not ids:
        return {}
    rows = db_session.execute(select(model.id, model.name).where(model.id.in_(ids))).all()
    return {row_id: name for row_id, name in rows}


def site_names(db_session: Session, keys: set[str]) -> dict[str, str]:
    """site key (mine:7, pond:3) → the site's name, two queries for a whole page."""
    ids = {kind: {int(k.split(":")[1]) for k in keys if k.startswith(f"{kind}:")} for kind in ("mine", "pond")}
    return {
        **{f"mine:{i}": n for i, n in _names(db_session, Mine, ids["mine"]).items()},
        **{f"pond:{i}": n for i, n in _names(db_session, TailingsPond, ids["pond"]).items()},
    }


def enterprise_names(db_session: Session, ids: set[int]) -> dict[int, str]:
    return _names(db_session, Organisation, ids)


def _peak_name(point: MonitorPoint, alarm: Alarm) -> str:
    """The name of the worst level this alarm reached (断电, 红色预警 …): the rule's, or the flag's own."""
    if alarm.peak_level <= 0 or alarm.condition is not AlarmCondition.LEVEL:
        return alarm.level_name
    try:
        rule = next((r for r in point_rules(point) if r.rule_id == alarm.rule_id), None)
    except InvalidInput:  # the point's rules changed since: its own level name is all there is
        rule = None
    if rule is None or alarm.peak_level > len(rule.level_names):
        return alarm.level_name
    return rule.level_names[alarm.peak_level - 1]


def _lasting(alarm: Alarm, now: datetime) -> str:
    if alarm.active:
        return f"持续 {span_words(now - alarm.active_since)}"
    if alarm.cleared_at is not None:
        return f"{span_words(alarm.cleared_at - alarm.active_since)}后恢复"
    return "已恢复"


def read_all(
    db_session: Session,
    actor: Actor,
    found: Sequence[Alarm],
    now: datetime,
    flood_sizes: Mapping[int, int] | None = None,
) -> list[AlarmRead]:
    points = {
        p.id: p
        for p in db_session.scalars(select(MonitorPoint).where(MonitorPoint.id.in_({a.point_id for a in found})))
    }
    site_names_ = site_names(db_session, {a.site_key for a in found})
    enterprises = enterprise_names(db_session, {a.enterprise_id for a in found})
    places = divisions.names(db_session, {a.division_code for a in found})
    rows = []
    for a in found:
        point = points[a.point_id]
        rows.append(
            AlarmRead(
                id=a.id,
                point_id=a.point_id,
                point_code=point.code,
                point_name=point.name,
                kind=point.kind.value,
                kind_label=point.kind.label,
                unit=point.unit,
                rule_id=a.rule_id,
                condition=a.condition,
                condition_label=a.condition.label,
                site=a.site_key,
                site_name=site_names_.get(a.site_key, a.site_key),
                enterprise_id=a.enterprise_id,
                enterprise_name=enterprises.get(a.enterprise_id, ""),
                division_code=a.division_code,
                division_name=places.get(a.division_code, a.division_code),
                level=a.level,
                peak_level=a.peak_level,
                level_name=a.level_name,
                peak_level_name=_peak_name(point, a),
                severity=Severity.of_rank(a.severity),
                severity_label=Severity.of_rank(a.severity).label,
                value=a.value,
                active=a.active,
                active_since=a.active_since,
                duration_label=_lasting(a, now),
                acknowledged=a.acked_at is not None,
                open=a.open_key is not None,
                shelved_until=a.shelved_until if access.is_shelved(a, now) else None,
                raised_at=a.raised_at,
                cleared_at=a.cleared_at,
                acked_at=a.acked_at,
                acked_by=a.acked_by,
                closed_at=a.closed_at,
                group_id=a.group_id,
                group_size=(flood_sizes or {}).get(a.group_id) if a.group_id is not None else None,
                escalation_step=a.escalation_step,
                raise_count=a.raise_count,
                warning_id=a.warning_id,
                allowed_actions=access.actions(actor, a, now),
            )
        )
    return rows


def page(db_session: Session, actor: Actor, clock: Clock, filters: AlarmFilters, paging: PageParams) -> Page[AlarmRead]:
    """The triage list: one page, most urgent first, each flood group one row with its size."""
    found, total = alarms.list_(db_session=db_session, actor=actor, clock=clock, params=paging, filters=filters)
    sizes = {}
    if filters.collapses_floods:
        groups = {a.group_id for a in found if a.group_id is not None}
        sizes = alarms.flood_sizes(db_session=db_session, actor=actor, clock=clock, filters=filters, group_ids=groups)
    return paged(read_all(db_session, actor, found, clock.now(), sizes), total, paging)


def announcements(db_session: Session, actor: Actor, clock: Clock) -> list[AlarmAnnouncement]:
    """New 紧急 alarms in a sentence each, for the console to announce until someone acknowledges them."""
    found = alarms.critical_unacked(db_session=db_session, actor=actor, clock=clock)
    return [
        AlarmAnnouncement(
            id=a.id,
            text=f"{a.enterprise_name} {a.site_name} {a.point_name}：{a.level_name}"
            + (f" {a.value}{a.unit}" if a.value is not None else ""),
        )
        for a in read_all(db_session, actor, found, clock.now())
    ]


def read(db_session: Session, actor: Actor, alarm: Alarm, now: datetime) -> AlarmRead:
    return read_all(db_session, actor, [alarm], now)[0]


def detail(db_session: Session, actor: Actor, alarm: Alarm, now: datetime) -> AlarmDetail:
    history = [
        AlarmEventRead(at=e.at, kind=e.kind, actor=e.actor, level=e.level, value=e.value, text=e.text)
        for e in alarms.events(db_session=db_session, alarm=alarm)
    ]
    return AlarmDetail(**read(db_session, actor, alarm, now).model_dump(), events=history)


# --- rules and points -----------------------------------------------------------------------------------------------


def rule(found: ThresholdRule) -> ThresholdRuleRead:
    return ThresholdRuleRead(
        id=found.id,
        kind=found.kind,
        kind_label=found.kind.label,
        unit=found.unit,
        location_class=found.location_class,
        condition=found.condition,
        direction=found.direction,
        direction_label="高于限值报警" if found.direction == "high" else "低于限值报警",
        strict=found.strict,
        levels=list(found.levels),
        power_cut_scope=found.power_cut_scope,
        on_delay_s=found.on_delay_s,
        rate_of_rise_per_min=found.rate_of_rise_per_min,
        basis=found.basis,
        verified=found.verified,
        verified_label="已核实" if found.verified else f"未核实（{found.basis.confidence}）",
        note=found.note,
    )


def site_key(point: MonitorPoint) -> str:
    return f"mine:{point.mine_id}" if point.mine_id is not None else f"pond:{point.pond_id}"


def points(db_session: Session, actor: Actor, found: Sequence[MonitorPoint]) -> list[PointRead]:
    sites = site_names(db_session, {site_key(p) for p in found})
    enterprises = enterprise_names(db_session, {p.enterprise_id for p in found})
    places = divisions.names(db_session, {p.division_code for p in found})
    declared = declared_limits(db_session, {p.id for p in found})
    return [
        PointRead(
            id=p.id,
            code=p.code,
            name=p.name,
            kind=p.kind,
            kind_label=p.kind.label,
            unit=p.unit,
            location_class=p.location_class,
            site_kind=p.site_kind,
            site_kind_label=p.site_kind.label,
            site=site_key(p),
            site_name=sites.get(site_key(p), site_key(p)),
            mine_id=p.mine_id,
            pond_id=p.pond_id,
            enterprise_id=p.enterprise_id,
            enterprise_name=enterprises.get(p.enterprise_id, ""),
            division_code=p.division_code,
            division_name=places.get(p.division_code, p.division_code),
            design=p.design,
            clear_margin=p.clear_margin,
            polling_s=p.polling_s,
            active=p.active,
            state_label=(PointState.ACTIVE if p.active else PointState.INACTIVE).label,
            rules=[r.rule_id for r in current_rules(p)],
            created_at=p.created_at,
            declared=declared.get(p.id),
            declared_lax=bool(p.id in declared and declared[p.id].lax),
            allowed_actions=access.point_actions(actor, p),
        )
        for p in found
    ]


def point(db_session: Session, actor: Actor, found: MonitorPoint) -> PointRead:
    return points(db_session, actor, [found])[0]

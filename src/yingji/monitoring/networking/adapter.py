"""Parsed networking records → the platform: AQMC/AQKC define points, AQSS feeds the engine through the gateway
ingest (the same path as HTTP and MQTT), AQKD records switch changes, AQMT is stored as statistics and GJXX is
compared with the engine's own alarms. Each chunk is its own transaction; a refused record is reported, never fatal.

On an edge of the cluster (serve --role edge) the analogue values go to the stream instead, through the gateway's
edge path (``ingest_at_edge``: the same checks, published once JetStream has them); point definitions still update
the registry here, and the edge announces the changed registry to every partition as a control record before the
file's readings follow. Switch states, statistics and the mine's alarms are rows, written here in both modes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.clock import Clock, to_ms
from yingji.core.errors import YingjiError
from yingji.db.session import transaction
from yingji.monitoring import alarm_store, ingest, points
from yingji.monitoring.alarm_store import AlarmChange
from yingji.monitoring.cluster.edge import EdgeRunner, ingest_at_edge
from yingji.monitoring.engine import MonitoringEngine
from yingji.monitoring.models import Alarm, AlarmCondition, MonitorPoint, Severity
from yingji.monitoring.networking.models import (
    Agreement,
    DeclaredLimit,
    MineAlarm,
    NetworkingFeed,
    PointStatistic,
    SwitchChange,
    SwitchPoint,
)
from yingji.monitoring.networking.parser import FileParser, Record
from yingji.monitoring.networking.profile import FileType, Profile
from yingji.monitoring.schema import rules_for, sensor_ranges
from yingji.registry.models import Mine
from yingji.rules.networking import DeclaredLimits, Laxity, RegulationLevel, laxities

CHUNK = 5000  # records per transaction (and per engine batch)
SKIPPED_STATES = frozenset({"fault", "other"})  # 故障, 标校: the value measures nothing the rules speak of
MAX_POLLING_S = points.COAL_POLLING_MAX_S


@dataclass
class Outcome:
    """What one file did, beside the parser's counts."""

    points_created: int = 0
    points_updated: int = 0
    lax_points: list[str] = field(default_factory=list)
    readings: int = 0
    not_evaluated: int = 0
    transitions: int = 0
    alarm_ids: list[int] = field(default_factory=list)
    statistics: int = 0
    switch_points: int = 0
    switch_changes: int = 0
    mine_alarms: dict[str, int] = field(default_factory=dict)
    refused: int = 0  # records the parser passed and the adapter refused
    last_data_at: datetime | None = None
    queued: bool = False  # the readings went to the cluster's stream: their alarms are judged after the answer


@dataclass
class Adapter:
    db_session: Session
    clock: Clock
    actor: Actor
    engine: MonitoringEngine
    feed: NetworkingFeed
    profile: Profile
    parser: FileParser
    edge: EdgeRunner | None = None  # serve --role edge: readings are published to the cluster's stream
    outcome: Outcome = field(default_factory=Outcome)

    def run(self) -> Outcome:
        handlers: dict[FileType, Callable[[list[Record]], None]] = {
            FileType.AQMC: self._analogue_points,
            FileType.AQKC: self._switch_points,
            FileType.AQKD: self._switch_changes,
            FileType.AQSS: self._realtime,
            FileType.AQMT: self._statistics,
            FileType.GJXX: self._mine_alarms,
        }
        for kind, chunk in _chunks(self.parser.records()):
            handlers[kind](chunk)
        return self.outcome

    def refuse(self, record: Record, name: str, reason: str) -> None:
        self.outcome.refused += 1
        self.parser.reject(record.line, record.record, name, reason, record.file_type.value)

    def _seen(self, moment: datetime | None) -> None:
        if moment is not None and (self.outcome.last_data_at is None or moment > self.outcome.last_data_at):
            self.outcome.last_data_at = moment

    def _points(self, codes: Iterable[str]) -> dict[str, MonitorPoint]:
        wanted = sorted(set(codes))
        found: dict[str, MonitorPoint] = {}
        for start in range(0, len(wanted), 500):
            query = select(MonitorPoint).where(
                MonitorPoint.enterprise_id == self.feed.enterprise_id,
                MonitorPoint.code.in_(wanted[start : start + 500]),
            )
            found.update({p.code: p for p in self.db_session.scalars(query) if p.mine_id == self.feed.mine_id})
        return found

    def _switches(self) -> dict[str, SwitchPoint]:
        query = select(SwitchPoint).where(SwitchPoint.feed_id == self.feed.id)
        return {s.code: s for s in self.db_session.scalars(query)}

    # --- AQMC: analogue point definitions --------------------------------------------------------------------------

    def _analogue_points(self, chunk: list[Record]) -> None:
        mine = self.db_session.get(Mine, self.feed.mine_id)
        assert mine is not None
        for record in chunk:
            try:
                with transaction(self.db_session):
                    self._analogue_point(mine, record)
            except YingjiError as err:
                self.refuse(record, err.field or "point", err.render())
        if self.edge is not None:  # new or changed points reach the workers as a control record now, not later
            self.edge.refresh(self.db_session, to_ms(self.clock.now()))

    def _analogue_point(self, mine: Mine, record: Record) -> None:
        values = record.values
        self._seen(values.get("defined_at"))
        sensor = self.profile.analogue_types[values["sensor_type"]]
        unit = values.get("unit")
        expected = sensor_ranges()[sensor.kind].unit
        if unit is not None and self.profile.unit(unit) != expected:
            self.refuse(record, "unit", f"单位“{unit}”不是{sensor.kind.label}的 {expected}")
            return
        location: str = values["location"]
        location_class = self.profile.location_class(sensor.kind, location, sensor.location_class)
        if location_class is None:
            self.refuse(record, "location", f"无法从安装地点“{location[:40]}”确定{sensor.kind.label}的地点类别")
            return
        if ingest.CODE.fullmatch(values["point"]) is None:
            self.refuse(record, "point", "测点编号须为 1–40 个字母、数字或 _ . -")
            return
        name = f"{location}{sensor.name}"[:120]
        data = points.PointIn(
            code=values["point"],
            name=name if len(name) >= 2 else f"{name}测点",
            kind=sensor.kind,
            mine=mine.name,
            location_class=location_class,
            polling_s=min(self.feed.cycle_s, MAX_POLLING_S),
        )
        existing = self._points([data.code]).get(data.code)
        unchanged = existing is not None and (
            (existing.name, existing.kind, existing.location_class, existing.active)
            == (data.name, data.kind, data.location_class, True)
        )
        point = existing if existing is not None and unchanged else None
        if point is None:
            if existing is not None:
                data = data.model_copy(update={"polling_s": existing.polling_s})
            point = points.save(db_session=self.db_session, clock=self.clock, actor=self.actor, data=data)
            if existing is None:
                self.outcome.points_created += 1
            else:
                self.outcome.points_updated += 1
        declared = DeclaredLimits(
            alarm_high=values.get("alarm_high"),
            alarm_low=values.get("alarm_low"),
            power_cut=values.get("power_cut"),
            recovery=values.get("recovery"),
        )
        found: list[Laxity] = []
        for rule in rules_for(sensor.kind, location_class):
            levels = [RegulationLevel(lv.raise_at, lv.clear_at, lv.power_cut) for lv in rule.levels]
            found += laxities(rule.id, rule.direction, levels, declared)
        row = self.db_session.get(DeclaredLimit, point.id) or DeclaredLimit(point_id=point.id)
        row.feed_id, row.sensor_type, row.location = self.feed.id, values["sensor_type"], location[:120]
        row.range_low, row.range_high = values.get("range_low"), values.get("range_high")
        row.alarm_high, row.alarm_low = declared.alarm_high, declared.alarm_low
        row.power_cut, row.recovery = declared.power_cut, declared.recovery
        row.power_cut_area = values.get("power_cut_area")
        row.lax = [
            {"rule_id": f.rule_id, "item": f.item, "label": f.label, "declared": f.declared, "regulation": f.regulation}
            for f in found
        ]
        row.updated_at = self.clock.now()
        self.db_session.add(row)
        self._flag_laxity(point, found)
        if found:
            self.outcome.lax_points.append(point.code)

    def _flag_laxity(self, point: MonitorPoint, found: list[Laxity]) -> None:
        """One 申报阈值 alarm per (point, rule) while the declaration is laxer than the rule; cleared once it is not."""
        now = self.clock.now()
        by_rule: dict[str, list[Laxity]] = {}
        for finding in found:
            by_rule.setdefault(finding.rule_id, []).append(finding)
        open_rules = set(
            self.db_session.scalars(
                select(Alarm.rule_id).where(
                    Alarm.point_id == point.id,
                    Alarm.condition == AlarmCondition.DECLARED,
                    Alarm.active.is_(True),
                )
            )
        )
        changes: list[AlarmChange] = []
        for rule_id in sorted(set(by_rule) | open_rules):
            lax = by_rule.get(rule_id, [])
            if bool(lax) == (rule_id in open_rules):
                continue
            words = "、".join(f"{f.label} {f.declared:g}（规程 {f.regulation:g}）" for f in lax)
            changes.append(
                AlarmChange(
                    point_id=point.id,
                    rule_id=rule_id,
                    condition=AlarmCondition.DECLARED,
                    before=0 if lax else 1,
                    after=1 if lax else 0,
                    value=lax[0].declared if lax else None,
                    at=now,
                    level_name=f"申报{words}"[:40] if lax else "申报阈值已符合规程",
                    site_key=f"mine:{point.mine_id}",
                    enterprise_id=point.enterprise_id,
                    division_code=point.division_code,
                    severity=(Severity.FAULT if lax else Severity.CLEARED).rank,
                )
            )
        if changes:
            self.outcome.alarm_ids += alarm_store.apply_changes(self.db_session, changes)

    # --- AQKC / AQKD: switch points and their changes --------------------------------------------------------------

    def _switch_points(self, chunk: list[Record]) -> None:
        with transaction(self.db_session):
            known = self._switches()
            for record in chunk:
                values = record.values
                self._seen(values.get("defined_at"))
                alarm_state = values.get("alarm_state")
                if alarm_state not in (None, 0, 1):
                    self.refuse(record, "alarm_state", "报警状态只能是 0 或 1")
                    continue
                switch = known.get(values["point"])
                if switch is None:
                    switch = known[values["point"]] = SwitchPoint(feed_id=self.feed.id, code=values["point"])
                switch.location = values["location"][:120]
                switch.switch_type = values["switch_type"]
                switch.type_name = self.profile.switch_types[values["switch_type"]].name
                switch.state0, switch.state1 = values.get("state0"), values.get("state1")
                switch.alarm_state, switch.power_cut_area = alarm_state, values.get("power_cut_area")
                switch.updated_at = self.clock.now()
                self.db_session.add(switch)
                self.outcome.switch_points += 1

    def _switch_changes(self, chunk: list[Record]) -> None:
        with transaction(self.db_session):
            known = self._switches()
            for record in sorted(chunk, key=lambda r: r.values["time"]):
                values = record.values
                switch = known.get(values["point"])
                if switch is None:
                    self.refuse(record, "point", "开关量测点未定义（须先传 AQKC）")
                    continue
                if values["state"] not in (0, 1):
                    self.refuse(record, "state", "开关量状态只能是 0 或 1")
                    continue
                self._seen(values["time"])
                self._switch_state(switch, values["time"], values["state"])

    def _switch_state(self, switch: SwitchPoint, at: datetime, state: int) -> None:
        exists = self.db_session.scalar(
            select(SwitchChange.id).where(SwitchChange.switch_id == switch.id, SwitchChange.at == at)
        )
        if exists is None:
            self.db_session.add(
                SwitchChange(
                    switch_id=switch.id,
                    at=at,
                    state=state,
                    alarm=switch.alarm_state is not None and state == switch.alarm_state,
                    received_at=self.clock.now(),
                )
            )
            self.db_session.flush()
            self.outcome.switch_changes += 1
        if switch.last_at is None or at >= switch.last_at:
            switch.last_state, switch.last_at = state, at

    # --- AQSS: real-time values, through the gateway ingest ---------------------------------------------------------

    def _realtime(self, chunk: list[Record]) -> None:
        switches = self._switches()
        analogue: list[Record] = []
        with transaction(self.db_session):
            for record in sorted(chunk, key=lambda r: r.values["time"]):  # a backlog is taken in time order
                values = record.values
                self._seen(values["time"])
                state = self.profile.states.get(values.get("state") or "")
                switch = switches.get(values["point"])
                if switch is not None:
                    number = values["value"]
                    if number not in (0.0, 1.0):
                        self.refuse(record, "value", "开关量测值只能是 0 或 1")
                    elif switch.last_state != int(number):  # a change the centre station did not send as AQKD
                        self._switch_state(switch, values["time"], int(number))
                    else:
                        switch.last_at = max(switch.last_at or values["time"], values["time"])
                elif state is not None and state.meaning in SKIPPED_STATES:
                    self.outcome.not_evaluated += 1
                else:
                    analogue.append(record)
        if not analogue:
            return
        batch = ingest.Batch(
            codes=[r.values["point"] for r in analogue],
            time_ms=np.array([to_ms(r.values["time"]) for r in analogue], np.int64),
            value=np.array([r.values["value"] for r in analogue], np.float64),
        )
        if self.edge is not None:
            published = ingest_at_edge(
                db_session=self.db_session, clock=self.clock, actor=self.actor, runner=self.edge, batch=batch
            )
            rejected, accepted = published.rejected, published.accepted
            self.outcome.queued = True
        else:
            result = ingest.taken(
                "networking",
                db_session=self.db_session,
                clock=self.clock,
                actor=self.actor,
                engine=self.engine,
                batch=batch,
            )
            rejected, accepted = result.rejected, result.accepted
            self.outcome.transitions += result.transitions
            self.outcome.alarm_ids += result.alarm_ids
        for row in rejected:
            self.refuse(analogue[row["index"]], row["field"], row["reason"])
        self.outcome.readings += accepted

    # --- AQMT: the mine's 5-minute statistics ----------------------------------------------------------------------

    def _statistics(self, chunk: list[Record]) -> None:
        with transaction(self.db_session):
            known = self._points(r.values["point"] for r in chunk)
            for record in chunk:
                values = record.values
                point = known.get(values["point"])
                if point is None:
                    self.refuse(record, "point", "测点未定义（须先传 AQMC）")
                    continue
                if not values["min"] <= values["mean"] <= values["max"]:
                    self.refuse(record, "mean", "须满足 最小值 ≤ 平均值 ≤ 最大值")
                    continue
                self._seen(values["period_end"])
                row = self.db_session.get(PointStatistic, (point.id, values["period_end"])) or PointStatistic(
                    point_id=point.id, period_end=values["period_end"]
                )
                row.vmax, row.vmax_at = values["max"], values.get("max_time")
                row.vmin, row.vmin_at = values["min"], values.get("min_time")
                row.vmean, row.received_at = values["mean"], self.clock.now()
                self.db_session.add(row)
                self.db_session.flush()
                self.outcome.statistics += 1

    # --- GJXX: the mine's alarms, compared with the engine's -------------------------------------------------------

    def _mine_alarms(self, chunk: list[Record]) -> None:
        tolerance = timedelta(seconds=2 * max(self.feed.cycle_s, 30))
        with transaction(self.db_session):
            known = self._points(r.values["point"] for r in chunk)
            switches = self._switches()
            for record in chunk:
                values = record.values
                started, ended = values["started_at"], values.get("ended_at")
                if ended is not None and ended < started:
                    self.refuse(record, "ended_at", "结束时间早于开始时间")
                    continue
                self._seen(ended or started)
                kind = self.profile.alarm_types[values["alarm_type"]]
                point = known.get(values["point"])
                engine_alarm: Alarm | None = None
                if point is None:
                    agreement = Agreement.NOT_COMPARED if values["point"] in switches else Agreement.UNKNOWN_POINT
                elif kind.condition is None:
                    agreement = Agreement.NOT_COMPARED
                else:
                    condition = AlarmCondition(kind.condition)
                    engine_alarm = self.db_session.scalars(
                        select(Alarm)
                        .where(
                            Alarm.point_id == point.id,
                            Alarm.condition == condition,
                            Alarm.raised_at <= (ended or started) + tolerance,
                            (Alarm.cleared_at.is_(None)) | (Alarm.cleared_at >= started - tolerance),
                        )
                        .order_by(Alarm.raised_at, Alarm.id)
                    ).first()
                    agreement = Agreement.AGREES if engine_alarm is not None else Agreement.ENGINE_SILENT
                row = self.db_session.scalars(
                    select(MineAlarm).where(
                        MineAlarm.feed_id == self.feed.id,
                        MineAlarm.point_code == values["point"],
                        MineAlarm.alarm_type == values["alarm_type"],
                        MineAlarm.started_at == started,
                    )
                ).first() or MineAlarm(
                    feed_id=self.feed.id,
                    point_code=values["point"],
                    alarm_type=values["alarm_type"],
                    started_at=started,
                )
                row.point_id = point.id if point is not None else None
                row.alarm_name, row.ended_at = kind.name, ended
                row.max_value, row.measures = values.get("max_value"), values.get("measures")
                row.agreement, row.engine_alarm_id = agreement, engine_alarm.id if engine_alarm else None
                row.received_at = self.clock.now()
                self.db_session.add(row)
                self.db_session.flush()
                tally = self.outcome.mine_alarms
                tally[agreement.value] = tally.get(agreement.value, 0) + 1


def _chunks(records: Iterable[Record]) -> Iterable[tuple[FileType, list[Record]]]:
    """Consecutive records of one file type, at most CHUNK at a time, in file order."""
    chunk: list[Record] = []
    for record in records:
        if chunk and (record.file_type is not chunk[0].file_type or len(chunk) >= CHUNK):
            yield chunk[0].file_type, chunk
            chunk = []
        chunk.append(record)
    if chunk:
        yield chunk[0].file_type, chunk


def describe(outcome: Outcome) -> dict[str, Any]:
    return {
        "points_created": outcome.points_created,
        "points_updated": outcome.points_updated,
        "lax_points": outcome.lax_points,
        "readings": outcome.readings,
        "not_evaluated": outcome.not_evaluated,
        "transitions": outcome.transitions,
        "alarm_ids": sorted(set(outcome.alarm_ids)),
        "statistics": outcome.statistics,
        "switch_points": outcome.switch_points,
        "switch_changes": outcome.switch_changes,
        "mine_alarms": outcome.mine_alarms,
        "queued": outcome.queued,
    }

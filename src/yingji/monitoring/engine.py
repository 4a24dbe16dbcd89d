"""The live engine: every active point's channels, their state arrays, and one lock around evaluate-and-persist.

One process per database owns the engine (``yingji serve``, under the lock in ownership.py); elsewhere it refuses
ingest and its worker skips the no-data check, and a takeover rebuilds the state from the database. A batch is
evaluated, its transitions and per-minute readings are written in one transaction, and only then is the sender
answered; if the write fails the touched channels' state is restored, so the engine never runs ahead of the
database. State is rebuilt from the database on start (open alarms give levels and flags, the last stored reading
gives last value and time), so a restart neither loses an alarm nor raises it twice. A point never heard from counts
as heard at its registration: readings from before it are refused, and it goes offline N polling cycles after
registration if nothing comes.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from yingji.core.clock import from_ms, to_ms
from yingji.core.errors import InvalidInput
from yingji.monitoring import readings
from yingji.monitoring.alarm_store import AlarmChange
from yingji.monitoring.models import Alarm, AlarmCondition, MonitorPoint, Severity, SiteKind
from yingji.monitoring.ownership import EngineOwnership
from yingji.monitoring.points import PointRule, mine_point_rules, pond_point_rule
from yingji.monitoring.readings import MinuteBuffer
from yingji.monitoring.schema import SensorKind, sensor_ranges
from yingji.registry.service import revision
from yingji.rules import thresholds
from yingji.rules.thresholds import ChannelState, Condition, RuleTable, Transitions

logger = logging.getLogger(__name__)
OFFLINE_CYCLES = 3  # 无数据：连续 3 个巡检周期没有读数
CONDITIONS = {
    Condition.LEVEL: AlarmCondition.LEVEL,
    Condition.OFFLINE: AlarmCondition.OFFLINE,
    Condition.STUCK: AlarmCondition.STUCK,
    Condition.RATE: AlarmCondition.RATE,
}
FLAG_NAMES = {AlarmCondition.OFFLINE: "无数据", AlarmCondition.STUCK: "数值不变", AlarmCondition.RATE: "上升过快"}
POINT_LEVEL = frozenset({AlarmCondition.OFFLINE, AlarmCondition.STUCK})  # one per point, not per rule


@dataclass(frozen=True)
class PointSlot:
    """Where a point's channels sit (contiguous) and what its alarms carry."""

    point_id: int
    first: int
    count: int
    site_key: str
    enterprise_id: int
    division_code: str
    kind: SensorKind


@dataclass
class Layout:
    """The loaded registry: points by (enterprise, code), channels in point order, the compiled rule table."""

    revision: int = -1
    by_code: dict[tuple[int, str], int] = field(default_factory=dict)  # → index into slots
    by_enterprise: dict[int, dict[str, int]] = field(default_factory=dict)  # the same, per enterprise (lookups)
    last_codes: dict[int, tuple[list[str] | str, NDArray[np.int64]]] = field(default_factory=dict)  # per enterprise
    slots: list[PointSlot] = field(default_factory=list)
    first: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    count: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    point_id: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))  # per slot
    channel_slot: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    channel_rules: list[PointRule] = field(default_factory=list)
    offline_ms: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    low: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0, np.float64))  # per slot: physical range
    high: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0, np.float64))
    table: RuleTable | None = None
    state: ChannelState | None = None


@dataclass(frozen=True)
class Evaluation:
    accepted: NDArray[np.bool_]
    changes: list[AlarmChange]
    point_ids: NDArray[np.int64]


class MonitoringEngine:
    """Owns the layout and state; all access goes through ``locked()``."""

    def __init__(self, config: thresholds.EngineConfig = thresholds.DEFAULT_CONFIG) -> None:
        self.config = config
        self.layout = Layout()
        self._lock = threading.Lock()
        self.ownership: EngineOwnership | None = None  # None: owned outright (tests, benchmarks); serve sets it
        self._generation = 0  # the ownership generation the layout was loaded under
        self.minutes = MinuteBuffer()  # the open minutes of the readings store (readings.py)

    def owns(self) -> bool:
        """Whether this process may ingest and run the engine's duties (the no-data check)."""
        return self.ownership is None or self.ownership.owns()

    def require_owner(self) -> None:
        """Raise EngineNotOwned (503) when another process owns the engine of this database."""
        if self.ownership is not None:
            self.ownership.require()

    @contextmanager
    def locked(self) -> Iterator[MonitoringEngine]:
        with self._lock:
            yield self

    # --- loading ----------------------------------------------------------------------------------------------------

    def ensure_current(self, db_session: Session, now_ms: int) -> Layout:
        """Reload when the registry changed since the last load (points added, changed, retired), or from scratch when
        ownership was (re)acquired since: the state held before may be stale. Raises EngineNotOwned for a non-owner."""
        self.require_owner()
        generation = 0 if self.ownership is None else self.ownership.generation
        current = revision(db_session=db_session)
        if self.layout.state is None or current != self.layout.revision or generation != self._generation:
            fresh = self.layout.state is None or generation != self._generation
            previous = Layout() if fresh else self.layout
            if fresh:  # another owner may have closed minutes meanwhile: the pending rows are the truth
                self.minutes.recover(db_session)
            self.layout = load(db_session, now_ms, current, self.config)
            if fresh:
                _restore_pending(self.layout, self.minutes)
            self._generation = generation
            carry_over(previous, self.layout)
            # A million points are millions of long-lived objects; without this every full collection walks them
            # all and stalls a batch for hundreds of milliseconds (bench/monitoring p99). Frozen objects are never
            # collected, so the previous freeze is thawed first: the old layout, and whatever else was frozen with
            # it and has since become garbage, can go (without this a process that reloads often only grows).
            gc.unfreeze()
            gc.collect()
            gc.freeze()
        return self.layout

    # --- batches ----------------------------------------------------------------------------------------------------

    def slot_indices(self, enterprise_id: int, codes: list[str] | str) -> NDArray[np.int64]:
        """Slot index per reading (-1: no such point of this enterprise); ``codes`` a list or one string of codes,
        one per line."""
        # A gateway sends its points in the same order every cycle: comparing the list with the last one is ~50×
        # cheaper than looking each code up (random access into a large dict), and one string compares as memory.
        last = self.layout.last_codes.get(enterprise_id)
        if last is not None and type(last[0]) is type(codes) and last[0] == codes:
            return last[1].copy()
        own = self.layout.by_enterprise.get(enterprise_id, {})  # map(dict.get) runs at C speed, no key tuples
        listed = codes.split("\n") if isinstance(codes, str) else codes
        slots = np.fromiter(map(own.get, listed, repeat(-1)), np.int64, count=len(listed))
        self.layout.last_codes[enterprise_id] = (codes, slots.copy())
        return slots

    def out_of_range(self, slots: NDArray[np.int64], value: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Readings of known points (slot ≥ 0) outside their kind's physical range."""
        if self.layout.low.size == 0:
            return np.zeros(slots.size, np.bool_)
        known = np.maximum(slots, 0)
        inside = (value >= self.layout.low[known]) & (value <= self.layout.high[known])
        return (slots >= 0) & ~inside

    def evaluate(
        self,
        slots: NDArray[np.int64],
        time_ms: NDArray[np.int64],
        value: NDArray[np.float64],
        mapped: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]] | None = None,
    ) -> Evaluation:
        """Run the kernel over readings of known points; one reading feeds every channel of its point. ``mapped`` is
        ``channels_of(slots)`` when the caller has it already."""
        layout = self.layout
        assert layout.state is not None and layout.table is not None
        channel, reading, starts = self.channels_of(slots) if mapped is None else mapped
        result = thresholds.evaluate(layout.state, layout.table, channel, time_ms[reading], value[reading], self.config)
        return Evaluation(
            accepted=result.accepted[starts], changes=self.changes(result.transitions), point_ids=layout.point_id[slots]
        )

    @contextmanager
    def offline_flags_restored_on_failure(self, now_ms: int) -> Iterator[list[AlarmChange]]:
        """Flag points silent for N polling cycles; yields their alarm changes and unflags them if the block fails."""
        state = self.layout.state
        assert state is not None
        found = thresholds.check_offline(state, now_ms, self.config, self.layout.offline_ms)
        try:
            yield self.changes(found)
        except BaseException:
            state.flags[found.channel] &= ~thresholds.OFFLINE_BIT
            raise

    def changes(self, transitions: Transitions) -> list[AlarmChange]:
        """Engine rows → alarm changes; a point-level condition is taken from the point's first channel only."""
        layout = self.layout
        out: list[AlarmChange] = []
        for channel, time_ms, condition, before, after, value in transitions.rows():
            slot = layout.slots[int(layout.channel_slot[channel])]
            kind = CONDITIONS[condition]
            if kind in POINT_LEVEL and channel != slot.first:
                continue
            rule = layout.channel_rules[channel]
            is_level = kind is AlarmCondition.LEVEL
            name = rule.level_names[(after or before) - 1] if is_level else FLAG_NAMES[kind]
            severity = rule.severity(after) if is_level else (Severity.FAULT if after else Severity.CLEARED)
            out.append(
                AlarmChange(
                    point_id=slot.point_id,
                    rule_id="" if kind in POINT_LEVEL else rule.rule_id,
                    condition=kind,
                    before=before,
                    after=after,
                    value=value if np.isfinite(value) else None,
                    at=from_ms(time_ms),
                    level_name=name,
                    severity=severity.rank,
                    site_key=slot.site_key,
                    enterprise_id=slot.enterprise_id,
                    division_code=slot.division_code,
                )
            )
        return out

    @contextmanager
    def restoring(self, channels: NDArray[np.int64] | None = None) -> Iterator[None]:
        """Undo state changes to ``channels`` (all when None) if the block fails, e.g. the commit."""
        state = self.layout.state
        assert state is not None
        index = np.arange(state.rule.size) if channels is None else channels  # repeats copy and restore alike
        saved = [array[index].copy() for array in state.kernel_arrays()]
        try:
            yield
        except BaseException:
            for array, copy in zip(state.kernel_arrays(), saved, strict=True):
                array[index] = copy
            raise

    def channels_of(self, slots: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
        """Every channel of each reading's point, the reading each came from, and where each reading's run starts."""
        layout = self.layout
        counts = layout.count[slots]
        reading = np.repeat(np.arange(slots.size), counts)
        starts = np.cumsum(counts) - counts
        return layout.first[slots][reading] + (np.arange(reading.size) - starts[reading]), reading, starts


def load(
    db_session: Session,
    now_ms: int,
    current_revision: int,
    config: thresholds.EngineConfig,
    sites: tuple[Sequence[int], Sequence[int]] | None = None,
) -> Layout:
    """The layout of every active point, or of the points of the given (mine ids, pond ids) only (a cluster
    partition's: the query, and the restore from open alarms and newest minutes, then touch only those)."""
    layout = Layout(revision=current_revision)
    specs: list[thresholds.LevelSpec] = []
    rule_index: dict[tuple[str, int | None], int] = {}
    channel_rule: list[int] = []
    firsts: list[int] = []
    counts: list[int] = []
    channel_slot: list[int] = []
    offline: list[int] = []
    registered: list[int] = []
    columns = (
        MonitorPoint.id,
        MonitorPoint.code,
        MonitorPoint.kind,
        MonitorPoint.location_class,
        MonitorPoint.site_kind,
        MonitorPoint.mine_id,
        MonitorPoint.pond_id,
        MonitorPoint.enterprise_id,
        MonitorPoint.division_code,
        MonitorPoint.design,
        MonitorPoint.clear_margin,
        MonitorPoint.polling_s,
        MonitorPoint.created_at,
    )
    # plain rows, not ORM objects: a million points load in seconds
    query = select(*columns).where(MonitorPoint.active.is_(True)).order_by(MonitorPoint.id)
    if sites is not None:
        query = query.where(or_(MonitorPoint.mine_id.in_(list(sites[0])), MonitorPoint.pond_id.in_(list(sites[1]))))
    for point in db_session.execute(query):
        site_key = f"mine:{point.mine_id}" if point.mine_id is not None else f"pond:{point.pond_id}"
        try:
            rules: Sequence[PointRule] = (
                [pond_point_rule(point.kind, point.design, point.clear_margin)]
                if point.site_kind is SiteKind.POND
                else mine_point_rules(point.kind, point.location_class)
            )
        except InvalidInput as err:  # a bundled rule was withdrawn after the point was registered
            logger.error("测点 %s 没有可用的阈值规则，未纳入监测：%s", point.id, err.render())
            continue
        slot = len(layout.slots)
        layout.slots.append(
            PointSlot(
                point.id,
                len(channel_rule),
                len(rules),
                site_key,
                point.enterprise_id,
                point.division_code,
                point.kind,
            )
        )
        layout.by_code[(point.enterprise_id, point.code)] = slot
        layout.by_enterprise.setdefault(point.enterprise_id, {})[point.code] = slot
        firsts.append(len(channel_rule))
        registered.append(to_ms(point.created_at))
        counts.append(len(rules))
        for rule in rules:
            key = (rule.rule_id, point.id if rule.aggregation else None)  # pond rules are per point
            if key not in rule_index:
                rule_index[key] = len(specs)
                specs.append(rule.spec)
            channel_rule.append(rule_index[key])
            layout.channel_rules.append(rule)
            channel_slot.append(slot)
            offline.append(OFFLINE_CYCLES * point.polling_s * 1000)
    layout.first = np.array(firsts, np.int64)
    layout.count = np.array(counts, np.int64)
    layout.point_id = np.array([slot.point_id for slot in layout.slots], np.int64)
    layout.channel_slot = np.array(channel_slot, np.int64)
    layout.offline_ms = np.array(offline, np.int64)
    ranges = sensor_ranges()
    layout.low = np.array([ranges[slot.kind].low for slot in layout.slots], np.float64)
    layout.high = np.array([ranges[slot.kind].high for slot in layout.slots], np.float64)
    layout.table = RuleTable.build(specs) if specs else RuleTable.build([thresholds.LevelSpec(levels=[(1.0, 1.0)])])
    layout.state = ChannelState.new(np.array(channel_rule, np.int32), now_ms)
    # never heard from: counts as heard at registration
    layout.state.last_time[:] = np.repeat(np.array(registered, np.int64), layout.count)
    layout.state.changed_at[:] = layout.state.last_time
    _restore(db_session, layout, config, only=sites is not None)
    return layout


def _restore(db_session: Session, layout: Layout, config: thresholds.EngineConfig, *, only: bool = False) -> None:
    """Levels and flags from open, active alarms; last value and time from the newest stored minute; a stuck point
    stays stuck (its unchanged-since time is put back before the alarm was raised)."""
    state = layout.state
    assert state is not None
    by_point = {slot.point_id: slot for slot in layout.slots}
    bits = {AlarmCondition.OFFLINE: 1, AlarmCondition.STUCK: 2, AlarmCondition.RATE: 4}
    stuck_since: dict[int, int] = {}
    ids = [slot.point_id for slot in layout.slots]
    alarms = select(Alarm).where(Alarm.active.is_(True))
    if only:  # a partition's points only (few): the whole table is every partition's business
        alarms = alarms.where(Alarm.point_id.in_(ids))
    for alarm in db_session.scalars(alarms):
        slot = by_point.get(alarm.point_id)
        if slot is None:
            continue
        if alarm.condition is not AlarmCondition.LEVEL and alarm.condition not in bits:
            continue  # not the engine's: a declared-limit finding is kept by the networking adapter
        if alarm.condition is AlarmCondition.STUCK:
            stuck_since[alarm.point_id] = to_ms(alarm.raised_at) - config.stuck_after_ms
        for channel in range(slot.first, slot.first + slot.count):
            rule = layout.channel_rules[channel]
            if alarm.condition is AlarmCondition.LEVEL and rule.rule_id == alarm.rule_id:
                state.level[channel] = min(alarm.level, len(rule.level_names))
            elif alarm.condition in POINT_LEVEL or rule.rule_id == alarm.rule_id:
                state.flags[channel] |= bits[alarm.condition]
    newest = readings.latest(db_session, layout.point_id if only else None)
    rows = zip(*(newest[name].tolist() for name in ("point_id", "last_ms", "last_value")), strict=True)
    for point_id, last_ms, last_value in rows:
        slot = by_point.get(point_id)
        if slot is None:
            continue
        channels = slice(slot.first, slot.first + slot.count)
        state.last_time[channels] = last_ms
        state.changed_at[channels] = stuck_since.get(point_id, last_ms)
        state.last_value[channels] = last_value


def _restore_pending(layout: Layout, minutes: MinuteBuffer) -> None:
    """The newest reading per point may still sit in an open minute (pending rows), newer than any minute row."""
    state = layout.state
    if state is None or not minutes.held:
        return
    by_point = {slot.point_id: slot for slot in layout.slots}
    point_id = np.concatenate([h.point_id for h in minutes.held])
    time_ms = np.concatenate([h.time_ms for h in minutes.held])
    value = np.concatenate([h.value for h in minutes.held])
    order = np.lexsort((time_ms, point_id))
    last = np.r_[point_id[order][1:] != point_id[order][:-1], True]
    for pid, when, number in zip(
        point_id[order][last].tolist(), time_ms[order][last].tolist(), value[order][last].tolist(), strict=True
    ):
        slot = by_point.get(pid)
        if slot is None or state.last_time[slot.first] >= when:
            continue
        channels = slice(slot.first, slot.first + slot.count)
        unchanged = state.changed_at[channels] == state.last_time[channels]
        state.changed_at[channels] = np.where(unchanged, when, state.changed_at[channels])
        state.last_time[channels] = when
        state.last_value[channels] = number


def carry_over(previous: Layout, layout: Layout) -> None:
    """Keep the in-memory state (pending on-delays, stuck timers, rate windows) of every channel whose point and
    rule are unchanged across a reload; changed or new channels keep what ``_restore`` gave them."""
    if previous.state is None or layout.state is None:
        return
    old_channel: dict[tuple[int, str], int] = {}
    for slot in previous.slots:
        for channel in range(slot.first, slot.first + slot.count):
            old_channel[(slot.point_id, previous.channel_rules[channel].rule_id)] = channel
    new_index: list[int] = []
    old_index: list[int] = []
    for slot in layout.slots:
        for channel in range(slot.first, slot.first + slot.count):
            rule = layout.channel_rules[channel]
            old = old_channel.get((slot.point_id, rule.rule_id))
            if old is not None and previous.channel_rules[old] == rule:
                new_index.append(channel)
                old_index.append(old)
    for name, new_array, old_array in zip(
        thresholds.STATE_FIELDS, layout.state.kernel_arrays(), previous.state.kernel_arrays(), strict=True
    ):
        if name != "rule":  # rule indices belong to each layout's own table
            new_array[new_index] = old_array[old_index]

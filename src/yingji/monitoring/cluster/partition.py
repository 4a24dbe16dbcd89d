"""One partition's engine: the channels of its sites' points, its open minutes and its stream clock.

Everything it decides follows from the stream's records in order (readings, ticks, control records), never from a
wall clock, so replaying the same records from a snapshot rebuilds exactly the same state: on-delay timers, rate
windows and no-data clocks survive a takeover. Outputs are produced per record (``Output``) and written by the caller
in its commit; during a replay they are simply dropped (the database already holds them).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import msgpack
import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.monitoring import alarm_store, readings
from yingji.monitoring.alarm_store import AlarmChange
from yingji.monitoring.cluster import protocol
from yingji.monitoring.engine import Layout, MonitoringEngine, carry_over, load
from yingji.monitoring.models import MonitorPoint
from yingji.registry.service import revision
from yingji.rules import thresholds

SNAPSHOT_VERSION = 1
DTYPES = {
    name: np.dtype(dtype)
    for name, dtype in zip(
        thresholds.STATE_FIELDS, ("i4", "i1", "i1", "i8", "f8", "i8", "i8", "u1", "f8", "i8"), strict=True
    )
}


SiteKey = tuple[str, int, int]  # database, registry revision, newest point id
_SITES: dict[SiteKey, dict[int, tuple[list[int], list[int]]]] = {}  # → partition → (mine ids, pond ids)
_SITES_LOCK = threading.Lock()


def partition_sites(db_session: Session, current: int) -> dict[int, tuple[list[int], list[int]]]:
    """Every partition's sites at this registry revision (one query of the distinct sites, shared by the worker's
    partitions: loading 64 partitions must not read the whole point registry 64 times). Keyed also by the newest
    point id, so points written without a revision bump (bulk loads) are seen."""
    newest = db_session.execute(select(func.max(MonitorPoint.id))).scalar() or 0
    key = (str(db_session.get_bind().engine.url), current, int(newest))
    with _SITES_LOCK:
        cached = _SITES.get(key)
        if cached is not None:
            return cached
        found: dict[int, tuple[list[int], list[int]]] = {}
        query = select(MonitorPoint.mine_id, MonitorPoint.pond_id).where(MonitorPoint.active.is_(True)).distinct()
        for mine_id, pond_id in db_session.execute(query):
            site = f"mine:{mine_id}" if mine_id is not None else f"pond:{pond_id}"
            mines, ponds = found.setdefault(protocol.partition_of(site), ([], []))
            if mine_id is not None:
                mines.append(mine_id)
            elif pond_id is not None:
                ponds.append(pond_id)
        _SITES.clear()
        _SITES[key] = found
        return found


@dataclass
class Output:
    """What one record asks to be written: its alarm changes, then the minute rows its tick closed."""

    changes: list[AlarmChange] = field(default_factory=list)
    minutes: readings.Columns | None = None
    readings: int = 0
    arrival_ms: int = 0
    part: int = 0  # the writer of the minute rows: the partition (so two workers never write the same row)

    @property
    def writes(self) -> bool:
        return bool(self.changes) or self.minutes is not None

    def write(self, db_session: Session) -> None:
        """In the caller's transaction; record by record, so how records are grouped into commits changes nothing."""
        if self.changes:
            alarm_store.apply_changes(db_session, self.changes)
        if self.minutes is not None:
            readings.merge(db_session, self.minutes, part=self.part)


def write_outputs(db_session: Session, outputs: list[Output]) -> None:
    """Several records' outputs in the caller's transaction with the statements of one: the alarm changes of all of
    them in one ``apply_change_runs`` (each record a run, so the outcome is the record-by-record one), then the minute
    rows record by record."""
    alarm_store.apply_change_runs(db_session, [out.changes for out in outputs if out.changes])
    for out in outputs:
        if out.minutes is not None:
            readings.merge(db_session, out.minutes, part=out.part)  # the writer: its partition


class PartitionEngine:
    """The engine of one partition: a ``MonitoringEngine`` holding only the partition's points."""

    def __init__(self, partition: int, config: thresholds.EngineConfig = thresholds.DEFAULT_CONFIG) -> None:
        self.partition = partition
        self.engine = MonitoringEngine(config)
        self.clock_ms = 0  # the newest tick applied: stream time
        self.open: list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]] = []
        self._index: NDArray[np.int64] = np.zeros(0, np.int64)  # slot order sorted by point id

    @property
    def layout(self) -> Layout:
        return self.engine.layout

    def _layout(self, db_session: Session) -> Layout:
        current = revision(db_session=db_session)
        sites = partition_sites(db_session, current).get(self.partition, ([], []))
        return load(db_session, 0, current, self.engine.config, sites)

    def load(self, db_session: Session) -> None:
        """Fresh state from the registry (and, as the single process does, open alarms and newest minutes)."""
        self._set_layout(self._layout(db_session))

    def reload(self, db_session: Session) -> None:
        """A control record: the registry changed; channels whose point and rule are unchanged keep their state."""
        previous = self.layout
        fresh = self._layout(db_session)
        carry_over(previous, fresh)
        self._set_layout(fresh)

    def _set_layout(self, layout: Layout) -> None:
        self.engine.layout = layout
        self._index = np.argsort(layout.point_id, kind="stable")

    def slots(self, point_id: NDArray[np.int64]) -> NDArray[np.int64]:
        """Slot per reading, -1 for a point this partition does not hold (retired since the edge checked it)."""
        ids = self.layout.point_id
        if not ids.size:
            return np.full(point_id.size, -1, np.int64)
        sorted_ids = ids[self._index]
        where = np.minimum(np.searchsorted(sorted_ids, point_id), ids.size - 1)
        found = sorted_ids[where] == point_id
        return np.where(found, self._index[where], -1).astype(np.int64)

    # --- records ------------------------------------------------------------------------------------------------------

    def apply(self, record: protocol.Record, db_session: Session) -> Output:
        """Apply one record to the state; the database is read only for a control record's reload."""
        if record.kind == protocol.READINGS:
            return self._readings(record)
        if record.kind == protocol.TICK:
            return self._tick(record.at)
        if record.kind == protocol.CONTROL:
            self.reload(db_session)
        return Output()

    def _readings(self, record: protocol.Record) -> Output:
        slots = self.slots(record.point_id)
        known = slots >= 0
        if not known.any():
            return Output(arrival_ms=record.at)
        slots, time_ms, value = slots[known], record.time_ms[known], record.value[known]
        evaluation = self.engine.evaluate(slots, time_ms, value)
        kept = evaluation.accepted
        if kept.any():
            self.open.append((evaluation.point_ids[kept], time_ms[kept], value[kept]))
        return Output(changes=evaluation.changes, readings=int(kept.sum()), arrival_ms=record.at)

    def _tick(self, at_ms: int) -> Output:
        if at_ms <= self.clock_ms:
            return Output()
        self.clock_ms = at_ms
        state = self.layout.state
        assert state is not None
        found = thresholds.check_offline(state, at_ms, self.engine.config, self.layout.offline_ms)
        minutes = self._close(readings.closed_before(at_ms))
        return Output(changes=self.engine.changes(found), minutes=minutes, part=self.partition)

    def _close(self, cutoff: int) -> readings.Columns | None:
        if not self.open:
            return None
        point_id, time_ms, value = (np.concatenate([part[k] for part in self.open]) for k in range(3))
        done = time_ms // readings.MINUTE_MS < cutoff
        if not done.any():
            self.open = [(point_id, time_ms, value)]
            return None
        rest = ~done
        self.open = [(point_id[rest], time_ms[rest], value[rest])] if rest.any() else []
        return readings.summarise_columns(point_id[done], time_ms[done], value[done])

    def open_readings(self) -> int:
        return sum(part[0].size for part in self.open)

    # --- snapshots ----------------------------------------------------------------------------------------------------

    def snapshot(self) -> bytes:
        """Kernel arrays with each channel's (point, rule), the open minutes and the stream clock."""
        layout = self.layout
        state = layout.state
        assert state is not None
        channel_point = layout.point_id[layout.channel_slot] if layout.channel_slot.size else np.zeros(0, np.int64)
        if self.open:
            p, t, v = (np.concatenate([part[k] for part in self.open]) for k in range(3))
            self.open = [(p, t, v)]
        else:
            p, t, v = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        body: dict[str, Any] = {
            "version": SNAPSHOT_VERSION,
            "partition": self.partition,
            "clock": self.clock_ms,
            "points": channel_point.astype("<i8").tobytes(),
            "rules": [rule.rule_id for rule in layout.channel_rules],
            "state": {
                name: np.ascontiguousarray(array, DTYPES[name].newbyteorder("<")).tobytes()
                for name, array in zip(thresholds.STATE_FIELDS, state.kernel_arrays(), strict=True)
                if name != "rule"
            },
            "open": [p.astype("<i8").tobytes(), t.astype("<i8").tobytes(), v.astype("<f8").tobytes()],
        }
        return bytes(msgpack.packb(body))

    def restore(self, data: bytes, db_session: Session) -> None:
        """The registry's current layout with each channel's state put back from the snapshot by (point, rule)."""
        body = msgpack.unpackb(data, raw=False)
        if body.get("version") != SNAPSHOT_VERSION or body.get("partition") != self.partition:
            raise ValueError("快照版本或分区不符")
        self.load(db_session)
        layout = self.layout
        state = layout.state
        assert state is not None
        old_points = np.frombuffer(body["points"], "<i8")
        old_at = {(int(p), r): n for n, (p, r) in enumerate(zip(old_points.tolist(), body["rules"], strict=True))}
        new_index: list[int] = []
        old_index: list[int] = []
        for channel, rule in enumerate(layout.channel_rules):
            point = int(layout.point_id[layout.channel_slot[channel]])
            old = old_at.get((point, rule.rule_id))
            if old is not None:
                new_index.append(channel)
                old_index.append(old)
        for name, array in zip(thresholds.STATE_FIELDS, state.kernel_arrays(), strict=True):
            if name != "rule":
                saved = np.frombuffer(body["state"][name], DTYPES[name].newbyteorder("<"))
                array[new_index] = saved[old_index]
        self.clock_ms = int(body["clock"])
        p, t, v = body["open"]
        point_id = np.frombuffer(p, "<i8").astype(np.int64)
        self.open = (
            [(point_id, np.frombuffer(t, "<i8").astype(np.int64), np.frombuffer(v, "<f8").astype(np.float64))]
            if point_id.size
            else []
        )

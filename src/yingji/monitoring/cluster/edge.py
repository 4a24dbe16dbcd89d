"""The edge side of the cluster: check a decoded batch, split it by partition, publish, answer after JetStream's ack.

An edge holds no engine state: codes resolve through a registry snapshot (``EdgeRegistry``, reloaded when the
registry's revision moves, and then announced to every partition as a control record), the basic checks of the
single-process ingest run here (unknown point, time skew against this edge's clock, physical range), and each
partition's share goes out as one compact column record with a message id derived from its content, so a gateway
that resends after a lost answer is deduplicated by JetStream (and, beyond its window, refused as stale by the
engine). The gateway is answered only once every share is acknowledged by the stream (replicated on R3).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from nats import errors as nats_errors
from nats.aio.client import Client
from nats.js import JetStreamContext
from numpy.typing import NDArray
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, to_ms
from yingji.core.errors import Forbidden, Unavailable
from yingji.monitoring import ingest
from yingji.monitoring.cluster import protocol
from yingji.monitoring.cluster.stream import connect, ensure_stream
from yingji.monitoring.models import MonitorPoint
from yingji.monitoring.schema import SensorKind, sensor_ranges
from yingji.registry.service import revision

logger = logging.getLogger(__name__)
T = TypeVar("T")
PUBLISH_DEADLINE_S = 30.0  # a leader election takes seconds; past this the gateway is told to resend


class StreamUnavailable(Unavailable):
    status, code = 503, "stream_unavailable"
    message = "数据流暂不可用（集群选举中或节点不足），请稍后重发本批（重发不会重复计入）"


@dataclass
class EdgeRegistry:
    """Active points as arrays: per enterprise, code → index; per index the point, its partition and range."""

    revision: int = -1
    by_enterprise: dict[int, dict[str, int]] = field(default_factory=dict)
    point_id: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    partition: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    low: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0, np.float64))
    high: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0, np.float64))
    kinds: list[SensorKind] = field(default_factory=list)

    @classmethod
    def load(cls, db_session: Session) -> EdgeRegistry:
        registry = cls(revision=revision(db_session=db_session))
        ranges = sensor_ranges()
        ids: list[int] = []
        parts: list[int] = []
        columns = (
            MonitorPoint.id,
            MonitorPoint.code,
            MonitorPoint.enterprise_id,
            MonitorPoint.mine_id,
            MonitorPoint.pond_id,
            MonitorPoint.kind,
        )
        query = select(*columns).where(MonitorPoint.active.is_(True)).order_by(MonitorPoint.id)
        for point in db_session.execute(query):
            site = f"mine:{point.mine_id}" if point.mine_id is not None else f"pond:{point.pond_id}"
            registry.by_enterprise.setdefault(point.enterprise_id, {})[point.code] = len(ids)
            ids.append(point.id)
            parts.append(protocol.partition_of(site))
            registry.kinds.append(point.kind)
        registry.point_id = np.array(ids, np.int64)
        registry.partition = np.array(parts, np.int64)
        registry.low = np.array([ranges[kind].low for kind in registry.kinds], np.float64)
        registry.high = np.array([ranges[kind].high for kind in registry.kinds], np.float64)
        return registry

    def check(
        self, enterprise_id: int, batch: ingest.Batch, now_ms: int
    ) -> tuple[NDArray[np.int64], dict[int, tuple[str, str]]]:
        """Index per reading (-1 unknown) and the problems of every refused row, named as the single process does."""
        own = self.by_enterprise.get(enterprise_id, {})
        index = np.fromiter((own.get(code, -1) for code in batch.codes), np.int64, count=len(batch.codes))
        problems = dict(batch.problems)
        known = np.maximum(index, 0)
        outside = (index >= 0) & ~((batch.value >= self.low[known]) & (batch.value <= self.high[known]))
        if not self.low.size:
            outside = np.zeros(index.size, np.bool_)
        checks = (
            (index < 0, "point", "测点编号未在本企业登记"),
            (batch.time_ms > now_ms + ingest.FUTURE_SKEW_MS, "time", "时间晚于服务器时间 5 分钟以上（网关时钟需校准）"),
            (batch.time_ms < now_ms - ingest.MAX_AGE_MS, "time", "读数早于 7 天前，不再接收"),
        )
        for mask, name, reason in checks:
            for row in np.flatnonzero(mask).tolist():
                problems.setdefault(row, (name, reason))
        for row in np.flatnonzero(outside).tolist():
            kind = self.kinds[int(index[row])]
            bounds = sensor_ranges()[kind]
            reason = f"超出{kind.label}传感器的物理量程 {bounds.low:g}–{bounds.high:g} {bounds.unit}"
            problems.setdefault(row, ("value", reason))
        return index, problems


@dataclass(frozen=True)
class Published:
    """What the stream acknowledged for one gateway batch."""

    received: int
    accepted: int
    rejected: list[dict[str, Any]]
    sequences: dict[int, int]  # partition → stream sequence
    duplicates: int  # shares JetStream had already (a resend)

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "accepted": self.accepted,
            "rejected_count": len(self.rejected),
            "rejected": self.rejected[: ingest.MAX_REJECTIONS_LISTED],
            "queued": True,  # the engine workers judge and commit these shortly; alarms are not known yet
            "duplicates": self.duplicates,
        }


class Edge:
    """Publishes checked shares of gateway batches, ticks and control records (asyncio)."""

    def __init__(self, js: JetStreamContext, registry: EdgeRegistry | None = None) -> None:
        self.js = js
        self.registry = registry or EdgeRegistry()

    async def _publish(self, subject: str, body: bytes, msg_id: str, deadline_s: float = PUBLISH_DEADLINE_S) -> Any:
        """Publish until acknowledged (the same message id every try, so a retry after a lost ack dedupes)."""
        until = time.monotonic() + deadline_s
        while True:
            try:
                return await self.js.publish(subject, body, headers={"Nats-Msg-Id": msg_id}, timeout=2.0)
            # no responders / unavailable while the stream elects, a lost ack (timeout), the connection reconnecting
            except (nats_errors.Error, TimeoutError) as err:
                if time.monotonic() > until:
                    raise StreamUnavailable() from err
                await asyncio.sleep(0.1)

    async def publish(self, enterprise_id: int, batch: ingest.Batch, now_ms: int) -> Published:
        index, problems = self.registry.check(enterprise_id, batch, now_ms)
        usable = np.ones(index.size, np.bool_)
        usable[list(problems)] = False
        rows = np.flatnonzero(usable)
        sent = await self.publish_columns(
            self.registry.point_id[index[rows]],
            self.registry.partition[index[rows]],
            batch.time_ms[rows],
            batch.value[rows],
            arrival_ms=now_ms,
        )
        rejected = [
            {"index": row, "point": batch.codes[row], "field": name, "reason": reason}
            for row, (name, reason) in sorted(problems.items())
        ]
        return Published(
            received=len(batch.codes),
            accepted=int(rows.size),
            rejected=rejected,
            sequences={p: ack.seq for p, ack in sent.items()},
            duplicates=sum(1 for ack in sent.values() if ack.duplicate),
        )

    async def publish_columns(
        self,
        point_id: NDArray[np.int64],
        partition: NDArray[np.int64],
        time_ms: NDArray[np.int64],
        value: NDArray[np.float64],
        *,
        arrival_ms: int,
    ) -> dict[int, Any]:
        """Checked readings → one record per partition, all in flight together; returns the acks by partition."""
        if not point_id.size:
            return {}
        order = np.argsort(partition, kind="stable")
        parts = partition[order]
        bounds = np.flatnonzero(np.r_[True, parts[1:] != parts[:-1], True])
        jobs: dict[int, Awaitable[Any]] = {}
        for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            take = order[start:end]
            body, msg_id = protocol.pack_readings(point_id[take], time_ms[take], value[take], arrival_ms)
            p = int(parts[start])
            jobs[p] = self._publish(protocol.subject(p), body, msg_id)
        acks = await asyncio.gather(*jobs.values())
        return dict(zip(jobs, acks, strict=True))

    async def tick(self, at_ms: int, partitions: range = range(protocol.PARTITIONS)) -> None:
        """Stream time into every partition (several edges ticking the same second dedupe)."""
        body = protocol.pack_tick(at_ms)
        await asyncio.gather(
            *(self._publish(protocol.subject(p), body, protocol.tick_id(p, at_ms)) for p in partitions)
        )

    async def announce(self, revision: int, at_ms: int, newest: int = 0) -> None:
        """A registry change: every partition's worker reloads its layout at this point of its stream."""
        body = protocol.pack_control(revision, at_ms)
        await asyncio.gather(
            *(
                self._publish(protocol.subject(p), body, protocol.control_id(p, revision, newest))
                for p in range(protocol.PARTITIONS)
            )
        )


class EdgeRunner:
    """An ``Edge`` on its own event loop thread, for the synchronous HTTP, MQTT and file paths; it also ticks."""

    def __init__(self, nats_urls: list[str], *, replicas: int = 3, tick_s: float = 5.0, name: str = "edge") -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="yingji-edge", daemon=True)
        self._thread.start()
        self.nc: Client = self.call(connect(nats_urls, name=name))
        js = self.nc.jetstream(timeout=5.0)
        self.call(ensure_stream(js, replicas))
        self.edge = Edge(js)
        self._lock = threading.Lock()
        self._seen = (-1, -1)  # registry revision and newest point id of the loaded registry
        self._ticker: Future[None] = asyncio.run_coroutine_threadsafe(self._tick_loop(tick_s), self._loop)
        self._ticker.add_done_callback(_ticker_ended)

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = PUBLISH_DEADLINE_S + 10) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _tick_loop(self, tick_s: float) -> None:
        while True:
            await asyncio.sleep(tick_s)
            try:
                await self.edge.tick(int(time.time() * 1000))
            except StreamUnavailable:  # no quorum for the whole deadline: the next tick carries stream time on
                logger.warning("数据流不可用，本次时间标记未写入")

    def refresh(self, db_session: Session, now_ms: int) -> None:
        """Reload the registry when its revision (or its newest point: bulk loads bump no revision) moved, and
        announce the change to every partition."""
        current = revision(db_session=db_session)
        newest = int(db_session.execute(select(func.max(MonitorPoint.id))).scalar() or 0)
        if (current, newest) == self._seen:
            return
        with self._lock:
            if (current, newest) != self._seen:
                self.edge.registry = EdgeRegistry.load(db_session)
                self.call(self.edge.announce(current, now_ms, newest))
                self._seen = (current, newest)

    def close(self) -> None:
        self._ticker.cancel()
        self.call(self.nc.drain(), timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)


def _ticker_ended(future: Future[None]) -> None:
    """The tick loop ends only when the edge closes; an error it does not expect (a bug) is said, not swallowed."""
    if not future.cancelled() and (error := future.exception()) is not None:
        logger.error("边缘进程的时间标记循环意外终止", exc_info=error)


class ClusterLock:
    """The engine lock of an edge process: never its own, always held by the cluster's workers, so the single-process
    engine never starts here and its duties (the no-data check, minute closing) are left to the workers."""

    HOLDER = "集群引擎工作进程（yingji serve --role worker）"

    def acquire(self) -> bool:
        return False

    def held(self) -> bool:
        return False

    def holder(self) -> str | None:
        return self.HOLDER

    def release(self) -> None:
        return None


def ingest_at_edge(
    *, db_session: Session, clock: Clock, actor: Actor, runner: EdgeRunner, batch: ingest.Batch
) -> Published:
    """The edge role's ingest: the gateway's permission and enterprise as in the single process, then publish."""
    actor.require(Permission.MONITORING_INGEST)
    if actor.organisation_id is None:
        raise Forbidden(reason="监测数据只能由企业网关账号上传（令牌绑定企业，只能写本企业的测点）")
    now_ms = to_ms(clock.now())
    runner.refresh(db_session, now_ms)
    return runner.call(runner.edge.publish(actor.organisation_id, batch, now_ms))

"""Operations metrics in the Prometheus text format (issue 24 item 6): readings taken and the time a batch takes to
be evaluated and committed, per channel, counted in this process; and, read from the database at each scrape, the
engine's owner and its acquisitions (takeovers), active alarms, the delivery outbox's backlog and its oldest item's
age (lag), and stopped networking feeds. Served at /metrics to accounts with ``ops.read``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from yingji.db.outbox import DeliveryStatus, OutboxItem
from yingji.db.session import reading
from yingji.monitoring.engine import MonitoringEngine
from yingji.monitoring.models import Alarm
from yingji.monitoring.networking.models import NetworkingFeed

PROCESS = CollectorRegistry(auto_describe=True)
READINGS = Counter(
    "yingji_readings", "监测读数（本进程）：received 收到，accepted 接收", ["channel", "outcome"], registry=PROCESS
)
TRANSITIONS = Counter("yingji_alarm_transitions", "报警状态变化（本进程）", ["channel"], registry=PROCESS)
BATCH_SECONDS = Histogram(
    "yingji_ingest_batch_seconds",
    "一批读数从校验、引擎判定到报警和分钟汇总提交的用时（秒，本进程）",
    ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    registry=PROCESS,
)
CLUSTER_COMMIT_SECONDS = Histogram(
    "yingji_cluster_commit_seconds",
    "集群工作进程一次分区提交（报警、分钟汇总和已提交序号）的用时（秒，本进程）",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
    registry=PROCESS,
)
CLUSTER_ARRIVAL_SECONDS = Histogram(
    "yingji_cluster_arrival_to_commit_seconds",
    "读数到达边缘进程至其报警提交的用时（秒，本进程）",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=PROCESS,
)
PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)


def observe_batch(channel: str, *, received: int, accepted: int, transitions: int, seconds: float) -> None:
    READINGS.labels(channel, "received").inc(received)
    READINGS.labels(channel, "accepted").inc(accepted)
    TRANSITIONS.labels(channel).inc(transitions)
    BATCH_SECONDS.labels(channel).observe(seconds)


def observe_commit(seconds: float, arrivals_ms: list[int]) -> None:
    """A cluster worker's partition commit: its duration and each record's edge arrival → committed."""
    CLUSTER_COMMIT_SECONDS.observe(seconds)
    now_ms = time.time() * 1000
    for at in arrivals_ms:
        CLUSTER_ARRIVAL_SECONDS.observe(max(0.0, (now_ms - at) / 1000))


class StateCollector(Collector):
    """What the database and the ownership say now (every process reports the same shared state but its own
    ownership)."""

    def __init__(self, makers: sessionmaker[Session], engine: MonitoringEngine, now: datetime) -> None:
        self._makers, self._engine, self._now = makers, engine, now

    def collect(self) -> Iterator[Metric]:
        ownership = self._engine.ownership
        yield GaugeMetricFamily("yingji_engine_owner", "本进程是否负责监测引擎（1 是）", value=int(self._engine.owns()))
        taken = 0 if ownership is None else ownership.generation  # None: owned outright (embedded, tests)
        yield CounterMetricFamily("yingji_engine_acquisitions", "本进程取得监测引擎负责权的次数（接管）", value=taken)
        with reading(self._makers) as db_session:
            active = db_session.scalar(select(func.count()).select_from(Alarm).where(Alarm.active.is_(True))) or 0
            queued = db_session.execute(
                select(func.count(), func.min(OutboxItem.created_at)).where(OutboxItem.status.in_(PENDING))
            ).one()
            stale = db_session.scalar(
                select(func.count()).select_from(NetworkingFeed).where(NetworkingFeed.stale_since.is_not(None))
            )
        yield GaugeMetricFamily("yingji_alarms_active", "活动报警数", value=active)
        yield GaugeMetricFamily("yingji_outbox_pending", "待发送的通知（短信、邮件、推送）", value=queued[0] or 0)
        oldest = queued[1]
        lag = 0.0 if oldest is None else max(0.0, (self._now - oldest).total_seconds())
        yield GaugeMetricFamily("yingji_outbox_oldest_pending_seconds", "最早一条待发送通知已等待的秒数", value=lag)
        yield GaugeMetricFamily("yingji_networking_feeds_stopped", "联网数据中断的矿山数", value=stale or 0)
        yield from _cluster(self._makers)


def _cluster(makers: sessionmaker[Session]) -> Iterator[Metric]:
    """Per partition of the monitoring cluster (nothing in the single-process mode): lag in records, the last
    commit's duration, arrival → committed, and acquisitions beyond the first (takeovers)."""
    from yingji.monitoring.cluster import status

    with reading(makers) as db_session:
        rows = status.partitions(db_session)
        timings = status.timings(db_session)
    if not rows:
        return
    lag = GaugeMetricFamily(
        "yingji_cluster_lag_records", "分区积压：已写入数据流、尚未提交的记录数", labels=["partition"]
    )
    commit = GaugeMetricFamily(
        "yingji_cluster_commit_seconds_last", "分区最近一次提交的用时（秒）", labels=["partition"]
    )
    arrival = GaugeMetricFamily(
        "yingji_cluster_arrival_to_commit_seconds_last",
        "分区最近一次提交中读数从到达边缘到提交的最长用时（秒）",
        labels=["partition"],
    )
    owned = GaugeMetricFamily("yingji_cluster_partition_owned", "分区是否有未过期的租约（1 有）", labels=["partition"])
    for row in rows:
        label = [str(row.partition)]
        lag.add_metric(label, row.pending)
        owned.add_metric(label, 1 if row.lease_left_s is not None and row.lease_left_s > 0 else 0)
        seconds = timings.get(row.partition, (0.0, 0.0))
        commit.add_metric(label, seconds[0])
        arrival.add_metric(label, seconds[1])
    yield lag
    yield commit
    yield arrival
    yield owned
    takeovers = sum(max(0, row.epoch - 1) for row in rows)
    yield CounterMetricFamily(
        "yingji_cluster_takeovers", "分区被另一工作进程接管的次数（纪元增加，首次取得不计）", value=takeovers
    )


def render(makers: sessionmaker[Session], engine: MonitoringEngine, now: datetime) -> bytes:
    state = CollectorRegistry(auto_describe=False)
    state.register(StateCollector(makers, engine, now))
    return generate_latest(PROCESS) + generate_latest(state)

"""Cluster health as a read model (per partition: owner, epoch, lease left, committed sequence, lag, last commit)
and the process-local gauges a worker keeps (commit latency, arrival → committed). ``read`` is what
/api/ops/cluster answers and the console's 集群状态 page shows (ops.read only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import Field
from sqlalchemy import text
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.labels import LabelledEnum
from yingji.core.schemas import YingjiModel

# A partition this far behind (records its consumer still held after the last fetch, ~10 fetches of 512) is
# flagged: its alarms are arriving late, usually because its worker is overloaded or its commits are slow.
LAG_LARGE = 5000


class PartitionState(LabelledEnum):
    NO_OWNER = "no_owner", "无负责进程"
    LEASE_EXPIRED = "lease_expired", "租约已过期"
    LAGGING = "lagging", "积压过大"
    OK = "ok", "正常"


@dataclass(frozen=True)
class PartitionHealth:
    partition: int
    owner: str | None
    epoch: int
    lease_left_s: float | None
    committed_seq: int
    committed_at: datetime | None
    pending: int
    snapshot_seq: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "partition": self.partition,
            "owner": self.owner,
            "epoch": self.epoch,
            "lease_left_s": self.lease_left_s,
            "committed_seq": self.committed_seq,
            "committed_at": self.committed_at.isoformat() if self.committed_at else None,
            "lag": self.pending,
            "snapshot_seq": self.snapshot_seq,
            "healthy": self.lease_left_s is not None and self.lease_left_s > 0,
            "state": self.state,
            "state_label": self.state.label,
        }

    @property
    def state(self) -> PartitionState:
        if self.owner is None:
            return PartitionState.NO_OWNER
        if self.lease_left_s is None or self.lease_left_s <= 0:
            return PartitionState.LEASE_EXPIRED
        if self.pending >= LAG_LARGE:
            return PartitionState.LAGGING
        return PartitionState.OK


def partitions(db_session: Session) -> list[PartitionHealth]:
    """Every partition's row (empty when no cluster runs on this database, e.g. SQLite or the embedded mode)."""
    if db_session.get_bind().dialect.name != "postgresql":
        return []
    rows = db_session.execute(
        text(
            "SELECT partition, owner, epoch,"
            " EXTRACT(EPOCH FROM (expires_at - clock_timestamp())) AS left_s,"
            " committed_seq, committed_at, pending, snapshot_seq"
            " FROM monitoring_partition_lease ORDER BY partition"
        )
    ).all()
    return [
        PartitionHealth(
            partition=row.partition,
            owner=row.owner,
            epoch=row.epoch,
            lease_left_s=None if row.left_s is None else float(row.left_s),
            committed_seq=row.committed_seq,
            committed_at=row.committed_at,
            pending=row.pending,
            snapshot_seq=row.snapshot_seq,
        )
        for row in rows
    ]


def workers(db_session: Session, alive_s: float = 5.0) -> list[dict[str, Any]]:
    """Every worker that ever heartbeated, each marked alive when seen within ``alive_s`` (the lease)."""
    if db_session.get_bind().dialect.name != "postgresql":
        return []
    rows = db_session.execute(
        text(
            "SELECT name, started_at, seen_at, seen_at > clock_timestamp() - make_interval(secs => :ttl) AS alive"
            " FROM monitoring_cluster_worker ORDER BY name"
        ),
        {"ttl": alive_s},
    ).all()
    return [
        {"name": r.name, "started_at": r.started_at.isoformat(), "seen_at": r.seen_at.isoformat(), "alive": r.alive}
        for r in rows
    ]


def timings(db_session: Session) -> dict[int, tuple[float, float]]:
    """partition → (last commit's seconds, its records' longest edge arrival → committed seconds)."""
    if db_session.get_bind().dialect.name != "postgresql":
        return {}
    rows = db_session.execute(
        text("SELECT partition, commit_seconds, arrival_seconds FROM monitoring_partition_lease")
    ).all()
    return {row[0]: (float(row[1]), float(row[2])) for row in rows}


class ClusterPartitionRead(YingjiModel):
    """One stream partition of the monitoring cluster as the status page shows it."""

    partition: int
    owner: str | None = Field(description="负责的工作进程")
    epoch: int = Field(description="租约纪元")
    lease_left_s: float | None = Field(description="租约剩余秒数（负数：已过期的秒数）")
    committed_seq: int = Field(description="已提交序号")
    committed_at: str | None = Field(description="最近提交时间")
    lag: int = Field(description="积压（条）")
    snapshot_seq: int = Field(description="快照序号")
    healthy: bool = Field(description="租约有效")
    state: PartitionState = Field(description="no_owner、lease_expired、lagging 或 ok")
    state_label: str = Field(description="状态（中文）")


class ClusterWorkerRead(YingjiModel):
    name: str
    started_at: str
    seen_at: str
    alive: bool = Field(description="租约时间内有心跳")


class ClusterStatusRead(YingjiModel):
    """监测集群状态 (no partitions in the single-process mode or on SQLite)."""

    mode: str = Field(description="cluster 或 single")
    partitions: list[ClusterPartitionRead]
    workers: list[ClusterWorkerRead]
    lag_total: int
    unhealthy: list[int] = Field(description="租约失效的分区")
    problems: list[int] = Field(description="异常的分区（无负责进程、租约过期或积压过大），异常在前")
    lag_large: int = Field(description="积压达到此条数即为异常")


def read(db_session: Session, actor: Actor, *, edge: bool, alive_s: float) -> ClusterStatusRead:
    """The cluster's state for ops.read accounts. ``edge``: this process publishes to the cluster (serve --role
    edge), so it is in the cluster mode even while no worker holds a partition (all of them down)."""
    actor.require(Permission.OPS_READ)
    rows = partitions(db_session)
    found = [row.as_dict() for row in rows]
    order = list(PartitionState)
    troubled = sorted((row for row in rows if row.state is not PartitionState.OK), key=lambda r: order.index(r.state))
    return ClusterStatusRead.model_validate(
        {
            "mode": "cluster" if edge or any(row.owner for row in rows) else "single",
            "partitions": found,
            "workers": workers(db_session, alive_s),
            "lag_total": sum(row.pending for row in rows),
            "unhealthy": [row.partition for row in rows if not (row.lease_left_s is not None and row.lease_left_s > 0)],
            "problems": [row.partition for row in troubled],
            "lag_large": LAG_LARGE,
        }
    )

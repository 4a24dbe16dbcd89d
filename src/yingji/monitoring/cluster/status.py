"""Cluster health as a read model (per partition: owner, epoch, lease left, committed sequence, lag, last commit)
and the process-local gauges a worker keeps (commit latency, arrival → committed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


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
        }


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


def workers(db_session: Session) -> list[dict[str, Any]]:
    if db_session.get_bind().dialect.name != "postgresql":
        return []
    rows = db_session.execute(
        text("SELECT name, started_at, seen_at FROM monitoring_cluster_worker ORDER BY name")
    ).all()
    return [{"name": r.name, "started_at": r.started_at.isoformat(), "seen_at": r.seen_at.isoformat()} for r in rows]


def timings(db_session: Session) -> dict[int, tuple[float, float]]:
    """partition → (last commit's seconds, its records' longest edge arrival → committed seconds)."""
    if db_session.get_bind().dialect.name != "postgresql":
        return {}
    rows = db_session.execute(
        text("SELECT partition, commit_seconds, arrival_seconds FROM monitoring_partition_lease")
    ).all()
    return {row[0]: (float(row[1]), float(row[2])) for row in rows}

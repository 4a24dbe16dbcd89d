"""Partition leases and worker heartbeats of the monitoring cluster (PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from yingji.db.base import Base


class PartitionLease(Base):
    """Who owns a partition, under which epoch, until when; how far it has committed and its latest engine snapshot.

    The epoch grows by one at every acquisition; a commit is accepted only while the row still carries the
    committer's epoch (fencing), so a stalled former owner cannot write after a takeover."""

    __tablename__ = "monitoring_partition_lease"

    partition: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    owner: Mapped[str | None] = mapped_column(String(120))
    epoch: Mapped[int] = mapped_column(BigInteger, default=0)
    expires_at: Mapped[datetime | None]
    acquired_at: Mapped[datetime | None]
    committed_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # stream sequence, all ≤ it are committed
    committed_at: Mapped[datetime | None]
    snapshot: Mapped[bytes | None] = mapped_column(LargeBinary)
    snapshot_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    pending: Mapped[int] = mapped_column(BigInteger, default=0)  # messages behind the last committed one (lag)
    commit_seconds: Mapped[float] = mapped_column(Float, default=0.0)  # the last commit's duration
    arrival_seconds: Mapped[float] = mapped_column(Float, default=0.0)  # edge arrival → committed, last message


class ClusterWorker(Base):
    """A live worker process (heartbeat): the number alive sets each one's fair share of partitions."""

    __tablename__ = "monitoring_cluster_worker"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime]

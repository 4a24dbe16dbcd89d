"""Partition leases with epochs in PostgreSQL: acquire, renew, release, and the fenced commit.

Times are the database server's (``clock_timestamp()``), so workers' clocks never decide who owns what. Acquiring an
expired (or never held) lease bumps the epoch; renewing needs the holder's epoch; the commit of a partition's work
updates its committed sequence ``WHERE epoch = mine`` first in the transaction — no row updated means another worker
has taken the partition, and the whole transaction is rolled back (fencing).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from yingji.monitoring.cluster.protocol import PARTITIONS


class LeaseLost(Exception):
    """The partition's lease carries another epoch now: this worker must drop the partition."""

    def __init__(self, partition: int, epoch: int) -> None:
        super().__init__(f"分区 {partition} 的租约已被接管（本进程纪元 {epoch}）")
        self.partition, self.epoch = partition, epoch


@dataclass(frozen=True)
class Lease:
    partition: int
    epoch: int
    committed_seq: int
    snapshot: bytes | None
    snapshot_seq: int


def ensure_rows(db_session: Session) -> None:
    """One row per partition (idempotent; the first worker creates them)."""
    db_session.execute(
        text(
            "INSERT INTO monitoring_partition_lease (partition, epoch, committed_seq, snapshot_seq, pending,"
            " commit_seconds, arrival_seconds) SELECT p, 0, 0, 0, 0, 0, 0 FROM generate_series(0, :last) AS p"
            " ON CONFLICT (partition) DO NOTHING"
        ),
        {"last": PARTITIONS - 1},
    )


def heartbeat(db_session: Session, worker: str, ttl_s: float) -> int:
    """Record this worker as alive; returns how many workers are alive (seen within ``ttl_s``)."""
    db_session.execute(
        text(
            "INSERT INTO monitoring_cluster_worker (name, started_at, seen_at)"
            " VALUES (:w, clock_timestamp(), clock_timestamp())"
            " ON CONFLICT (name) DO UPDATE SET seen_at = excluded.seen_at"
        ),
        {"w": worker},
    )
    alive = db_session.execute(
        text(
            "SELECT count(*) FROM monitoring_cluster_worker"
            " WHERE seen_at > clock_timestamp() - make_interval(secs => :ttl)"
        ),
        {"ttl": ttl_s},
    ).scalar_one()
    return max(1, int(alive))


def break_stalled(db_session: Session, ttl_s: float) -> int:
    """End the database sessions of owners whose lease has expired while a transaction of theirs has been open for
    longer than half a lease: a stopped process (SIGSTOP, swapped out, a VM paused) mid-commit would otherwise keep its
    partition's row locked for ever and no one could take the partition. Its commit then fails, as fencing wants."""
    ended = db_session.execute(
        text(
            "SELECT count(pg_terminate_backend(a.pid)) FROM pg_stat_activity a"
            " WHERE a.pid <> pg_backend_pid() AND a.datname = current_database()"
            " AND a.xact_start < clock_timestamp() - make_interval(secs => :ttl / 2)"
            " AND a.application_name IN (SELECT owner FROM monitoring_partition_lease"
            "   WHERE owner IS NOT NULL AND expires_at < clock_timestamp())"
        ),
        {"ttl": ttl_s},
    ).scalar_one()
    return int(ended or 0)


def acquire(db_session: Session, worker: str, ttl_s: float, limit: int) -> list[Lease]:
    """Take up to ``limit`` expired or never held leases, each under a new epoch (skipping rows being taken)."""
    if limit <= 0:
        return []
    rows = db_session.execute(
        text(
            "UPDATE monitoring_partition_lease l SET owner = :w, epoch = l.epoch + 1,"
            " expires_at = clock_timestamp() + make_interval(secs => :ttl), acquired_at = clock_timestamp()"
            " FROM (SELECT partition FROM monitoring_partition_lease"
            "       WHERE expires_at IS NULL OR expires_at < clock_timestamp()"
            "       ORDER BY partition LIMIT :n FOR UPDATE SKIP LOCKED) free"
            " WHERE l.partition = free.partition"
            " RETURNING l.partition, l.epoch, l.committed_seq, l.snapshot, l.snapshot_seq"
        ),
        {"w": worker, "ttl": ttl_s, "n": limit},
    ).all()
    return sorted((Lease(*row) for row in rows), key=lambda lease: lease.partition)


def renew(db_session: Session, worker: str, held: dict[int, int], ttl_s: float) -> set[int]:
    """Extend the leases still carrying this worker's epochs; returns the partitions renewed (the rest are lost)."""
    if not held:
        return set()
    rows = db_session.execute(
        text(
            "UPDATE monitoring_partition_lease SET expires_at = clock_timestamp() + make_interval(secs => :ttl)"
            " WHERE owner = :w AND (partition, epoch) IN"
            " (SELECT * FROM unnest(CAST(:p AS int[]), CAST(:e AS bigint[])))"
            " RETURNING partition"
        ),
        {"w": worker, "ttl": ttl_s, "p": list(held), "e": list(held.values())},
    ).scalars()
    return set(rows)


def release(db_session: Session, partition: int, epoch: int) -> None:
    """Give a partition up at once (rebalancing after a worker joined): expired now, epoch kept for the next one."""
    db_session.execute(
        text(
            "UPDATE monitoring_partition_lease SET expires_at = clock_timestamp() - interval '1 second'"
            " WHERE partition = :p AND epoch = :e"
        ),
        {"p": partition, "e": epoch},
    )


def fence(
    db_session: Session,
    partition: int,
    epoch: int,
    seq: int,
    *,
    pending: int = 0,
    commit_seconds: float = 0.0,
    arrival_seconds: float = 0.0,
    snapshot: bytes | None = None,
) -> None:
    """First statement of a partition's commit: move its committed sequence (and snapshot) under this epoch only.

    Raises LeaseLost when the epoch moved on; the caller's transaction must then roll back."""
    snapshot_sql = ", snapshot = :snap, snapshot_seq = :seq" if snapshot is not None else ""
    params: dict[str, object] = {
        "p": partition,
        "e": epoch,
        "seq": seq,
        "pending": pending,
        "cs": commit_seconds,
        "as": arrival_seconds,
    }
    if snapshot is not None:
        params["snap"] = snapshot
    updated = db_session.execute(
        text(
            "UPDATE monitoring_partition_lease SET committed_seq = :seq, committed_at = clock_timestamp(),"
            f" pending = :pending, commit_seconds = :cs, arrival_seconds = :as{snapshot_sql}"
            " WHERE partition = :p AND epoch = :e RETURNING partition"
        ),
        params,
    ).first()
    if updated is None:
        raise LeaseLost(partition, epoch)

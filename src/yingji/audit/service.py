"""record() appends one hash-chained audit entry inside the caller's transaction; verify() checks the chain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from yingji.audit.chain import GENESIS, entry_hash
from yingji.audit.models import AuditEntry, AuditHead
from yingji.core.clock import Clock


def _claim_next(db_session: Session) -> tuple[int, str]:
    """Take the next sequence number and the previous hash, holding the head until commit.

    An UPDATE (not a SELECT) comes first: it takes SQLite's write lock and PostgreSQL's row lock at once, so two
    writers can never read the same head and fork the chain.
    """
    claimed = db_session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)
    ).first()
    if claimed is None:  # a database created without the migrations' head row
        db_session.add(AuditHead(id=1, seq=1, hash=GENESIS))
        db_session.flush()
        return 1, GENESIS
    return int(claimed.seq), str(claimed.hash)


def record(
    *,
    db_session: Session,
    clock: Clock,
    actor: str,
    action: str,
    target_kind: str,
    target_key: str,
    detail: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an audit entry; the caller's commit makes it durable together with the change it describes."""
    seq, prev_hash = _claim_next(db_session)
    at = clock.now().astimezone(UTC)
    digest = entry_hash(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        target_kind=target_kind,
        target_key=target_key,
        detail=detail,
        before=before,
        after=after,
        prev_hash=prev_hash,
    )
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        target_kind=target_kind,
        target_key=target_key,
        detail=detail or {},
        before=before,
        after=after,
        prev_hash=prev_hash,
        hash=digest,
    )
    db_session.add(entry)
    db_session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=digest))
    db_session.flush()
    return entry


def list_(*, db_session: Session, target_kind: str | None = None, limit: int = 100) -> Sequence[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if target_kind is not None:
        query = query.where(AuditEntry.target_kind == target_kind)
    return db_session.scalars(query).all()


@dataclass(frozen=True)
class Verification:
    entries: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(*, db_session: Session) -> Verification:
    """Recompute every hash and link; report edited, deleted or reordered entries (Chinese, by sequence number)."""
    problems: list[str] = []
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for entry in db_session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(1000):
        count += 1
        if entry.seq != expected_seq:
            problems.append(f"第 {expected_seq}–{entry.seq - 1} 条缺失（被删除）")
        if entry.prev_hash != expected_prev:
            problems.append(f"第 {entry.seq} 条的前序哈希与上一条不符")
        recomputed = entry_hash(
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            target_kind=entry.target_kind,
            target_key=entry.target_key,
            detail=entry.detail,
            before=entry.before,
            after=entry.after,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            problems.append(f"第 {entry.seq} 条内容被修改（哈希不符）")
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    head = db_session.get(AuditHead, 1)
    if head is None and count:
        problems.append("链尾记录缺失（audit_head 被删除）")
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        problems.append(f"链尾记录为第 {head.seq} 条，实际最后一条为第 {expected_seq - 1} 条（末尾条目被删除）")
    return Verification(entries=count, problems=tuple(problems))

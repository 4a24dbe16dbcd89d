"""record() appends one signed, hash-chained audit entry inside the caller's transaction; verify() checks the chain
against the key file and the latest checkpoint (threat model: docs/decisions.md “Audit chain”)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from yingji.audit import anchor, keys
from yingji.audit.chain import GENESIS, entry_hash
from yingji.audit.models import AuditEntry, AuditHead
from yingji.core.clock import Clock


def _claim_next(db_session: Session, count: int = 1) -> tuple[int, str]:
    """Take the next ``count`` sequence numbers (returning the first) and the previous hash, holding the head until
    commit.

    An UPDATE (not a SELECT) comes first: it takes SQLite's write lock and PostgreSQL's row lock at once, so two
    writers can never read the same head and fork the chain.
    """
    claimed = db_session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + count)
        .returning(AuditHead.seq, AuditHead.hash)
    ).first()
    if claimed is None:  # a database created without the migrations' head row
        db_session.add(AuditHead(id=1, seq=count, hash=GENESIS))
        db_session.flush()
        return 1, GENESIS
    return int(claimed.seq) - count + 1, str(claimed.hash)


@dataclass(frozen=True)
class Change:
    """One entry for record_many (the same fields record() takes)."""

    action: str
    target_kind: str
    target_key: str
    detail: dict[str, Any] | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def record_many(*, db_session: Session, clock: Clock, actor: str, changes: Sequence[Change]) -> int:
    """Append several entries at once — one head claim, the chain computed here, one insert — for bulk work such as
    an import, whose write transaction should stay short; the entries are the same as record() would write."""
    if not changes:
        return 0
    first, prev_hash = _claim_next(db_session, len(changes))
    key_id, key = keys.signing(db_session).current
    at = clock.now().astimezone(UTC)
    rows = []
    for offset, change in enumerate(changes):
        fields: dict[str, Any] = {
            "seq": first + offset,
            "at": at,
            "actor": actor,
            "action": change.action,
            "target_kind": change.target_kind,
            "target_key": change.target_key,
            "before": change.before,
            "after": change.after,
            "prev_hash": prev_hash,
            "key_id": key_id,
        }
        digest = entry_hash(**fields, detail=change.detail, key=key)
        rows.append({**fields, "detail": change.detail or {}, "hash": digest})
        prev_hash = digest
    db_session.execute(insert(AuditEntry), rows)
    db_session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=prev_hash))
    db_session.info[anchor.APPENDED] = True
    return len(rows)


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
    # the keys are read after claiming the head: an entry after a rotation's entry is signed with the new key
    key_id, key = keys.signing(db_session).current
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
        key=key,
        key_id=key_id,
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
        key_id=key_id,
    )
    db_session.add(entry)
    db_session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=digest))
    db_session.flush()
    db_session.info[anchor.APPENDED] = True  # a session with anchor.attach() checkpoints after its commit
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
    keyed_from: int | None = None  # first signed entry; those before it are the unkeyed legacy prefix
    checkpoint: int | None = None  # the checkpointed head compared with, if any
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


class _Keys:
    """The keyring, read on the first signed entry; a missing file is reported once as a problem, not raised."""

    def __init__(self, keyring: keys.Keyring | None, path: Path | None) -> None:
        self.keyring, self.path, self.error = keyring, path, ""

    def get(self) -> keys.Keyring | None:
        if self.keyring is None and not self.error:
            try:
                self.keyring = keys.read(self.path or keys.default_path())
            except keys.AuditKeyUnavailable as err:
                self.error = err.render()
        return self.keyring


def verify(
    *,
    db_session: Session,
    keyring: keys.Keyring | None = None,
    key_file: Path | None = None,
    checkpoint_file: Path | None = None,
) -> Verification:
    """Recompute every hash and link and compare the head with the checkpoint; report, in Chinese by sequence
    number, edited, deleted, reordered or forged entries, a rewound or deleted tail and a missing or wrong key.

    Without ``checkpoint_file`` only the chain itself is checked (a rewind or total deletion then passes).
    """
    problems: list[str] = []
    ring = _Keys(keyring, key_file)
    checkpoint, checkpoint_note = _checkpoint(checkpoint_file, ring, problems)
    expected_prev, expected_seq, count = GENESIS, 1, 0
    keyed_from: int | None = None
    key_order = -1
    entries = select(AuditEntry).order_by(AuditEntry.seq).execution_options(populate_existing=True)
    for entry in db_session.scalars(entries).yield_per(1000):
        count += 1
        if entry.seq != expected_seq:
            problems.append(f"第 {expected_seq}–{entry.seq - 1} 条缺失（被删除）")
        if entry.prev_hash != expected_prev:
            problems.append(f"第 {entry.seq} 条的前序哈希与上一条不符")
        key: bytes | None = None
        if entry.key_id is None:
            if keyed_from is not None:
                problems.append(f"第 {entry.seq} 条未签名，而自第 {keyed_from} 条起的条目均已签名（伪造或插入的条目）")
        else:
            keyed_from = keyed_from or entry.seq
            current = ring.get()
            if current is None:
                pass  # reported once below
            elif (order := current.order(entry.key_id)) is None:
                problems.append(f"第 {entry.seq} 条的签名密钥 {entry.key_id} 不在密钥文件中，无法校验")
            else:
                if order < key_order:
                    problems.append(f"第 {entry.seq} 条使用了已轮换停用的旧密钥 {entry.key_id} 签名（伪造的条目）")
                key_order, key = max(key_order, order), current.key(entry.key_id)
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
            key=key,
            key_id=entry.key_id,
        )
        if (key is not None or entry.key_id is None) and recomputed != entry.hash:
            problems.append(f"第 {entry.seq} 条内容被修改或伪造（{'签名' if key else '哈希'}不符）")
        if checkpoint is not None and entry.seq == checkpoint.seq and entry.hash != checkpoint.hash:
            problems.append(f"第 {entry.seq} 条与检查点记录的哈希不符（检查点之前的链被改写）")
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    if ring.error and keyed_from is not None:
        problems.append(f"{ring.error}；第 {keyed_from} 条起的签名条目无法校验")
    head = db_session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    if head is None and count:
        problems.append("链尾记录缺失（audit_head 被删除）")
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        problems.append(f"链尾记录为第 {head.seq} 条，实际最后一条为第 {expected_seq - 1} 条（末尾条目被删除）")
    if checkpoint is not None and expected_seq - 1 < checkpoint.seq:
        if count == 0:
            problems.append(f"审计日志为空，而检查点（{checkpoint.at}）记录了 {checkpoint.seq} 条（日志被整体删除）")
        else:
            problems.append(
                f"最后一条为第 {expected_seq - 1} 条，落后于检查点（{checkpoint.at}）记录的第 {checkpoint.seq} 条"
                "（末尾条目被删除或数据库被回滚）"
            )
    return Verification(
        entries=count,
        problems=tuple(problems),
        keyed_from=keyed_from,
        checkpoint=checkpoint.seq if checkpoint else None,
        notes=(checkpoint_note,) if checkpoint_note else (),
    )


def _checkpoint(path: Path | None, ring: _Keys, problems: list[str]) -> tuple[anchor.Checkpoint | None, str]:
    """The checkpoint to compare with, if it is there and its signature holds (else a problem or a note)."""
    if path is None:
        return None, ""
    try:
        checkpoint = anchor.read(path)
    except anchor.CheckpointUnreadable:
        problems.append(f"检查点文件 {path} 无法解析（被改动或损坏）")
        return None, ""
    if checkpoint is None:
        return None, f"尚无检查点文件 {path}：无法发现末尾条目被删除或整体删除"
    current = ring.get()
    if current is None:
        problems.append(f"{ring.error}；检查点无法校验")
        return None, ""
    if not checkpoint.valid(current):
        problems.append(f"检查点文件 {path} 的签名不符（被伪造或篡改）")
        return None, ""
    return checkpoint, ""

"""The checkpoint file: the chain's head (sequence number and hash), HMAC-signed and kept outside the database.

The verifier compares the database with the latest checkpoint, which catches what the chain alone cannot: a tail
cut off together with the head (a rewind) and a log deleted as a whole. Checkpoints only move forward, and are
written only after the transaction that appended has committed, so they never run ahead of the database.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from yingji.audit import keys
from yingji.audit.models import AuditHead
from yingji.config import get_settings

logger = logging.getLogger(__name__)
FORMAT = "yingji-audit-checkpoint/1"
APPENDED = "yingji.audit.appended"  # Session.info flag set by record()
_PENDING = "yingji.audit.checkpoint"


class CheckpointUnreadable(Exception):
    """The file exists but is not a checkpoint (truncated, edited by hand, another format)."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int  # the head's sequence number; the chain has no gaps, so also the number of entries
    hash: str
    at: str  # when it was written (UTC, for people)
    key_id: str
    mac: str

    def signed_body(self) -> bytes:
        body = {"format": FORMAT, "seq": self.seq, "entries": self.seq, "hash": self.hash, "at": self.at}
        return json.dumps(body | {"key_id": self.key_id}, sort_keys=True, separators=(",", ":")).encode()

    def valid(self, keyring: keys.Keyring) -> bool:
        key = keyring.key(self.key_id)
        expected = hmac.new(key, self.signed_body(), hashlib.sha256).hexdigest() if key else ""
        return bool(key) and hmac.compare_digest(expected.encode(), self.mac.encode())


def default_path() -> Path:
    return get_settings().resolved_audit_checkpoint_file()


def read(path: Path) -> Checkpoint | None:
    """The checkpoint in ``path``, or None when none was written yet."""
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT:
            raise CheckpointUnreadable(path)
        return Checkpoint(
            seq=int(raw["seq"]), hash=str(raw["hash"]), at=str(raw["at"]), key_id=str(raw["key_id"]), mac=raw["mac"]
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CheckpointUnreadable(path) from err


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One writer at a time across threads and processes (flock on a lock file beside the checkpoint)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write(path: Path, keyring: keys.Keyring, seq: int, head_hash: str) -> Checkpoint | None:
    """Sign and write the head unless the file already holds this head or a later one; returns what was written."""
    key_id, key = keyring.current
    unsigned = Checkpoint(
        seq=seq, hash=head_hash, at=datetime.now(UTC).isoformat(timespec="seconds"), key_id=key_id, mac=""
    )
    signed = replace(unsigned, mac=hmac.new(key, unsigned.signed_body(), hashlib.sha256).hexdigest())
    with _locked(path):
        try:
            current = read(path)
        except CheckpointUnreadable:
            current = None  # replaced; verify reported it while it was there
        if current is not None and current.seq >= seq:
            return None
        body = json.loads(signed.signed_body()) | {"mac": signed.mac}
        partial = path.with_name(f".{path.name}.tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, json.dumps(body, indent=2).encode())
            os.fsync(fd)  # a checkpoint that survives power loss, like the commit it follows
        finally:
            os.close(fd)
        os.replace(partial, path)
    return signed


def write_head(makers: sessionmaker[Session], path: Path | None = None) -> Checkpoint | None:
    """Checkpoint the committed head (the worker's round, `yingji audit checkpoint`)."""
    with makers() as db_session:
        head = db_session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
        if head is None or head.seq == 0:
            return None
        keyring = keys.signing(db_session)
    return write(path or default_path(), keyring, int(head.seq), str(head.hash))


def attach(makers: sessionmaker[Session], path: Path | None = None) -> None:
    """Checkpoint after every commit that appended to the chain, on sessions from ``makers``.

    The head is read just before commit (inside the transaction, so a rolled-back savepoint's entries are not
    counted) and written just after: a checkpoint never names an entry the database does not hold.
    """
    target = path or default_path()

    @event.listens_for(makers, "before_commit")
    def _read_head(db_session: Session) -> None:
        if db_session.info.pop(APPENDED, False):
            head = db_session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
            if head is not None:
                db_session.info[_PENDING] = (int(head.seq), str(head.hash), keys.signing(db_session))

    @event.listens_for(makers, "after_commit")
    def _write(db_session: Session) -> None:
        pending = db_session.info.pop(_PENDING, None)
        if pending is not None:
            seq, head_hash, keyring = pending
            try:
                write(target, keyring, seq, head_hash)
            except OSError:  # never fail a committed change; the worker's next round writes it
                logger.exception("audit checkpoint %s could not be written", target)

    @event.listens_for(makers, "after_rollback")
    def _forget(db_session: Session) -> None:
        db_session.info.pop(APPENDED, None)
        db_session.info.pop(_PENDING, None)

"""audit_log: one row per state change, hash-chained; the database refuses UPDATE and DELETE (see migrations)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from yingji.db.base import Base


class AuditEntry(Base):
    """Who changed what, when, from what to what; each entry carries the hash of the one before."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)  # 1, 2, 3 … without gaps: a gap is a deleted entry
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80), index=True)
    target_kind: Mapped[str] = mapped_column(String(60))
    target_key: Mapped[str] = mapped_column(String(120))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256 with key key_id; plain SHA-256 before keying
    key_id: Mapped[str | None] = mapped_column(String(16))  # None: an entry from before the chain was keyed


class AuditHead(Base):
    """The chain's last link; locked while appending so concurrent writers cannot fork the chain."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))

"""record(): append one audit row inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit.models import AuditEntry
from yingji.core.clock import Clock


def record(
    *,
    db_session: Session,
    clock: Clock,
    actor: str,
    action: str,
    target_kind: str,
    target_key: str,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an audit entry; the caller's commit makes it durable together with the change it describes."""
    entry = AuditEntry(
        at=clock.now(),
        actor=actor,
        action=action,
        target_kind=target_kind,
        target_key=target_key,
        detail=detail or {},
    )
    db_session.add(entry)
    db_session.flush()
    return entry


def list_(*, db_session: Session, target_kind: str | None = None, limit: int = 100) -> Sequence[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if target_kind is not None:
        query = query.where(AuditEntry.target_kind == target_kind)
    return db_session.scalars(query).all()

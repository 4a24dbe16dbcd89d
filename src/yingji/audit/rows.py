"""A table row as JSON-safe values, and the audit entry for a change to it (before/after), shared by the domains."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.core.clock import Clock
from yingji.db.base import Base


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(row: Base) -> dict[str, Any]:
    """Every column of a row as JSON-safe values (for audit before/after and the API)."""
    return {c.key: jsonable(getattr(row, c.key)) for c in row.__table__.columns}


def record_change(
    db_session: Session, clock: Clock, username: str, action: str, row: Base, before: dict[str, Any] | None
) -> None:
    """Flush the row (so it has its id) and append the audit entry in the caller's transaction."""
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=username,
        action=action,
        target_kind=row.__tablename__,
        target_key=str(row.id),  # type: ignore[attr-defined]
        before=before,
        after=snapshot(row),
    )

"""One row per throttled event: a failed login, an anonymous submission; pruned once out of every window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from yingji.db.base import Base


class ThrottleEvent(Base):
    __tablename__ = "throttle_event"
    __table_args__ = (
        Index("ix_throttle_event_scope_key_at", "scope", "key", "at"),
        Index("ix_throttle_event_scope_at", "scope", "at"),  # pruning
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(32))  # e.g. login.account, login.address, tip.target
    key: Mapped[str] = mapped_column(String(200))  # the account name, client address or target
    at: Mapped[datetime]

"""The transactional outbox: side effects are rows written in the same transaction as the change that causes them.

A worker claims due rows, delivers them outside any transaction and records the result; a crash between claim and
record leaves the row claimed, and it is retried after the lease — with the same idempotency key, so a recipient
that honours the key (and every built-in file drop) sees it once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, String, Text, UniqueConstraint, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from yingji.db.base import Base, str_enum

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  # 待发送
    SENDING = "sending"  # 发送中（已领取）
    SENT = "sent"  # 已发送
    FAILED = "failed"  # 发送失败（不再重试）
    ACKNOWLEDGED = "acknowledged"  # 对方已确认


class OutboxItem(Base):
    """One message to one recipient over one channel."""

    __tablename__ = "outbox_item"
    __table_args__ = (UniqueConstraint("topic", "key", "channel", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)  # e.g. warning
    key: Mapped[str] = mapped_column(String(120))  # e.g. the CAP identifier
    channel: Mapped[str] = mapped_column(String(20))  # webhook / sms / email / file
    recipient: Mapped[str] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


def enqueue(
    *, db_session: Session, now: datetime, topic: str, key: str, channel: str, recipient: str, payload: dict[str, Any]
) -> OutboxItem:
    """Queue one delivery in the caller's transaction; queuing the same (topic, key, channel, recipient) twice is a
    no-op that returns the first row."""
    existing = db_session.scalars(
        select(OutboxItem).where(
            OutboxItem.topic == topic,
            OutboxItem.key == key,
            OutboxItem.channel == channel,
            OutboxItem.recipient == recipient,
        )
    ).first()
    if existing is not None:
        return existing
    item = OutboxItem(
        topic=topic,
        key=key,
        channel=channel,
        recipient=recipient,
        payload=payload | {"ack_token": secrets.token_urlsafe(16)},  # the recipient's receipt proves delivery
        status=DeliveryStatus.QUEUED,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    db_session.add(item)
    db_session.flush()
    return item


def claim(*, db_session: Session, now: datetime, limit: int = 20) -> list[OutboxItem]:
    """Claim due rows (queued, or sending with an expired lease) with one UPDATE; the caller commits before delivering.

    The UPDATE, not a SELECT, decides who owns a row: it takes SQLite's write lock and PostgreSQL's row locks, so two
    workers never claim the same row. Rows whose lease expired after the last allowed attempt fail instead.
    """
    expired = (OutboxItem.status == DeliveryStatus.SENDING) & (OutboxItem.claimed_at <= now - LEASE)
    db_session.execute(
        update(OutboxItem)
        .where(expired, OutboxItem.attempts >= MAX_ATTEMPTS)
        .values(status=DeliveryStatus.FAILED, last_error="多次尝试后仍未确认送达")
    )
    due = (
        select(OutboxItem.id)
        .where(or_((OutboxItem.status == DeliveryStatus.QUEUED) & (OutboxItem.next_attempt_at <= now), expired))
        .order_by(OutboxItem.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed_ids = list(
        db_session.scalars(
            update(OutboxItem)
            .where(OutboxItem.id.in_(due.scalar_subquery()), or_(OutboxItem.status == DeliveryStatus.QUEUED, expired))
            .values(status=DeliveryStatus.SENDING, claimed_at=now, attempts=OutboxItem.attempts + 1)
            .returning(OutboxItem.id)
        )
    )
    if not claimed_ids:
        return []
    query = select(OutboxItem).where(OutboxItem.id.in_(claimed_ids)).order_by(OutboxItem.id)
    return list(db_session.scalars(query.execution_options(populate_existing=True)))


def record_sent(*, db_session: Session, item_id: int, now: datetime) -> None:
    item = db_session.get_one(OutboxItem, item_id)
    if item.status is DeliveryStatus.SENDING:  # an acknowledgement that arrived first is never overwritten
        item.status, item.sent_at, item.last_error = DeliveryStatus.SENT, now, None
    db_session.flush()


def record_failure(*, db_session: Session, item_id: int, now: datetime, error: str) -> None:
    """Back off exponentially (30 s, 1 min, 2 min … capped at 30 min); give up after MAX_ATTEMPTS."""
    item = db_session.get_one(OutboxItem, item_id)
    if item.status is not DeliveryStatus.SENDING:
        return
    item.last_error = error[:2000]
    if item.attempts >= MAX_ATTEMPTS:
        item.status = DeliveryStatus.FAILED
    else:
        item.status = DeliveryStatus.QUEUED
        item.next_attempt_at = now + min(timedelta(seconds=30 * 2 ** (item.attempts - 1)), timedelta(minutes=30))
    db_session.flush()


def acknowledge(*, db_session: Session, item_id: int, token: str, now: datetime) -> OutboxItem | None:
    """Record the recipient's receipt: only with the item's own token, and only once it was sent."""
    item = db_session.get(OutboxItem, item_id)
    if item is None or not secrets.compare_digest(str(item.payload.get("ack_token", "")), token):
        return None
    if item.status is DeliveryStatus.SENT:
        item.status, item.acknowledged_at = DeliveryStatus.ACKNOWLEDGED, now
        db_session.flush()
    return item

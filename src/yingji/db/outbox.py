"""The transactional outbox: side effects are rows written in the same transaction as the change that causes them.

A worker claims due rows, delivers them outside any transaction and records the result; a crash between claim and
record leaves the row claimed, and it is retried after the lease — with the same idempotency key, so a recipient
that honours the key (and every built-in file drop) sees it once.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, String, Text, UniqueConstraint, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from yingji.db.base import Base, str_enum

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
MAX_ID = 2**63 - 1  # larger ids cannot be in the table (and overflow PostgreSQL's bigint)


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
    """Mark a delivered item sent; one acknowledged meanwhile (the recipient answered before the call returned)
    stays acknowledged. Conditional UPDATEs, not read-then-write, so a receipt committed in between is never lost."""
    db_session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id, OutboxItem.status == DeliveryStatus.SENDING)
        .values(status=DeliveryStatus.SENT, sent_at=now, last_error=None)
    )
    db_session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id, OutboxItem.status == DeliveryStatus.ACKNOWLEDGED, OutboxItem.sent_at.is_(None))
        .values(sent_at=now, last_error=None)
    )


def record_failure(*, db_session: Session, item_id: int, now: datetime, error: str) -> None:
    """Back off exponentially (30 s, 1 min, 2 min … capped at 30 min); give up after MAX_ATTEMPTS.

    Only a row still being sent changes: a receipt that arrived during a call that then failed proves delivery.
    """
    attempts = db_session.scalar(select(OutboxItem.attempts).where(OutboxItem.id == item_id))
    if attempts is None:
        return
    values: dict[str, Any] = {"last_error": error[:2000]}
    if attempts >= MAX_ATTEMPTS:
        values["status"] = DeliveryStatus.FAILED
    else:
        values["status"] = DeliveryStatus.QUEUED
        values["next_attempt_at"] = now + min(timedelta(seconds=30 * 2 ** (attempts - 1)), timedelta(minutes=30))
    db_session.execute(
        update(OutboxItem).where(OutboxItem.id == item_id, OutboxItem.status == DeliveryStatus.SENDING).values(values)
    )


def acknowledge(*, db_session: Session, item_id: int, token: str, now: datetime) -> OutboxItem | None:
    """Record the recipient's receipt: only with the item's own token, once it has been handed to a channel.

    The token compares as bytes (any text a caller sends is comparable); an unknown id and a wrong token both
    return None. A receipt may arrive while the delivering call is still running (status ``sending``) or after a
    call we counted as failed: the token is only ever in what was sent, so it proves delivery.
    """
    item = db_session.get(OutboxItem, item_id) if 0 < item_id <= MAX_ID else None
    expected = str(item.payload.get("ack_token", "")) if item is not None else ""
    if item is None or not hmac.compare_digest(expected.encode(), token.encode("utf-8", "surrogatepass")):
        return None
    db_session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id, OutboxItem.attempts > 0, OutboxItem.status != DeliveryStatus.ACKNOWLEDGED)
        .values(status=DeliveryStatus.ACKNOWLEDGED, acknowledged_at=now)
    )
    db_session.refresh(item)
    return item

"""Deliveries that cannot go out: a channel with messages waiting or failed while it is not configured is shown to
administrators as a banner, so nothing sits as 待发送 unnoticed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.config import Settings
from yingji.db.outbox import DeliveryStatus, OutboxItem

CHANNEL_SETTINGS = {"sms": ("sms_gateway", "短信网关（YINGJI_SMS_GATEWAY）")}


def stuck_channels(db_session: Session, settings: Settings) -> list[str]:
    """One sentence per unconfigured channel that holds undelivered messages."""
    found = []
    for channel, (attribute, label) in CHANNEL_SETTINGS.items():
        if getattr(settings, attribute):
            continue
        waiting = db_session.scalar(
            select(func.count()).where(
                OutboxItem.channel == channel,
                OutboxItem.status.in_((DeliveryStatus.QUEUED, DeliveryStatus.SENDING, DeliveryStatus.FAILED)),
            )
        )
        if waiting:
            found.append(f"未配置{label}：{waiting} 条通知未能发出，请配置后重试，或电话通知")
    return found

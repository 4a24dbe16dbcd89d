"""One notification to one account; the key keeps an event from reaching the same account twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum


class NoticeKind(LabelledEnum):
    INCIDENT = "incident", "新事故"
    ESCALATION = "escalation", "提级建议"
    RESPONSE = "response", "应急响应"
    CLOCK_DUE = "clock_due", "报告时限将到"
    CLOCK_OVERDUE = "clock_overdue", "报告超时"
    ALARM = "alarm", "报警升级"
    WARNING = "warning", "预警"
    TASK = "task", "任务"
    HAZARD = "hazard", "隐患督办"
    DELIVERY = "delivery", "通知未送达"
    DUTY = "duty", "履职任务"


class Notice(Base):
    __tablename__ = "inbox_notice"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_inbox_notice_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(str_enum(NoticeKind))
    key: Mapped[str] = mapped_column(String(120))  # the event, e.g. incident-7-reported
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(300))  # the console page to open
    division_code: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]

"""Tips 举报: the reporter's identity lives only here and is shown only to the handling officer."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum
from yingji.rules.tips import TipState


class TipChannel(LabelledEnum):
    HOTLINE = "hotline", "举报电话"  # 如12350、0477-6911545
    WEB = "web", "网上举报"  # 公众表单
    WECHAT = "wechat", "微信小程序"
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"


class Tip(Base):
    __tablename__ = "tip"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(24), unique=True)  # the reporter's receipt for follow-up
    channel: Mapped[TipChannel] = mapped_column(str_enum(TipChannel))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))  # the enterprise reported on
    subject: Mapped[str] = mapped_column(String(200))  # 被举报单位或场所（as the reporter names it）
    description: Mapped[str] = mapped_column(Text)
    reporter_name: Mapped[str | None] = mapped_column(String(40))
    reporter_phone: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[TipState] = mapped_column(str_enum(TipState), index=True)
    handler: Mapped[str | None] = mapped_column(String(64))  # the one account that sees the reporter
    substantiated: Mapped[bool | None]
    verification: Mapped[str | None] = mapped_column(Text)
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id"))
    answer: Mapped[str | None] = mapped_column(Text)
    reward_yuan: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    reward_note: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

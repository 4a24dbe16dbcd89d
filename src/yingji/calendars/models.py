"""holiday_schedule_day: the State Council's published days off and make-up working days, per year."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from yingji.db.base import Base


class DayKind(StrEnum):
    OFF = "off"  # 放假
    WORK = "work"  # 调休上班


class ScheduleDay(Base):
    __tablename__ = "holiday_schedule_day"

    day: Mapped[date] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    kind: Mapped[DayKind] = mapped_column(Enum(DayKind, native_enum=False, length=8))
    source: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime]

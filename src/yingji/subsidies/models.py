"""The administrator's choices between the readings a programme's data holds for a contested sentence (append-only:
the latest is in force, the earlier ones are its history)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.db.base import Base


class ReadingChoice(Base):
    """An administrator's choice between the readings a programme's data holds for a contested sentence; the latest
    is in force, the earlier ones stay as its history."""

    __tablename__ = "subsidy_reading_choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[str] = mapped_column(String(60), index=True)
    question: Mapped[str] = mapped_column(String(60))
    option: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    chosen_by: Mapped[str] = mapped_column(String(64))
    chosen_at: Mapped[datetime]

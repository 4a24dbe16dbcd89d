"""One liaison officer per member unit of a plan; a change replaces the row and is kept in the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.db.base import Base


class Liaison(Base):
    __tablename__ = "plan_liaison"
    __table_args__ = (UniqueConstraint("plan_id", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(120))  # the member unit as the plan names it
    name: Mapped[str] = mapped_column(String(40))
    position: Mapped[str | None] = mapped_column(String(60))
    mobile: Mapped[str] = mapped_column(String(40))
    office_phone: Mapped[str | None] = mapped_column(String(40))
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column()

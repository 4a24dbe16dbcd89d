"""Dated instances of recurring duties per unit, what the unit handed in for them (with attachments), and the
monthly bulletins (月通报) that rank the units."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.db.base import Base


class DutyInstance(Base):
    """One unit's duty for one period: due on a day; complete once ``min_times`` submissions are in."""

    __tablename__ = "recurring_duty_instance"
    __table_args__ = (UniqueConstraint("duty_key", "organisation_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_key: Mapped[str] = mapped_column(String(100), index=True)  # file/id in duties/data
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # the unit
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)  # the unit's division
    period_key: Mapped[str] = mapped_column(String(16))  # 2026-W48, 2026-11, 2026-Q4, 2026-H2, 2026
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    due_on: Mapped[date] = mapped_column(index=True)
    remind_on: Mapped[date]  # due_on less the reminder days (platform default per cadence)
    min_times: Mapped[int]
    submitted: Mapped[int] = mapped_column(default=0)  # submissions so far
    completed_on: Mapped[date | None]  # the (local) day the last required submission came in
    waived_at: Mapped[datetime | None]  # 免报: the office released the unit from this instance
    waived_by: Mapped[str | None] = mapped_column(String(64))
    waive_reason: Mapped[str | None] = mapped_column(Text)
    reminded_at: Mapped[datetime | None]  # the reminder before the due day went out
    overdue_notified_at: Mapped[datetime | None]  # the notice after the due day went out
    seed: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]


class DutySubmission(Base):
    """What the unit handed in (never edited): the table or report text, or the record of what it held."""

    __tablename__ = "recurring_duty_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("recurring_duty_instance.id"), index=True)
    held_on: Mapped[date | None]  # the inspection, drill or meeting day (records)
    summary: Mapped[str] = mapped_column(Text)  # 进展 / 总体情况和经验做法 / 开展情况
    tasks_note: Mapped[str | None] = mapped_column(Text)  # 重点指标任务进展（补充说明）
    problems: Mapped[str | None] = mapped_column(Text)  # 存在的问题和困难
    next_steps: Mapped[str | None] = mapped_column(Text)  # 近期工作安排
    submitted_on: Mapped[date]  # local day
    is_late: Mapped[bool]
    submitted_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class DutyAttachment(Base):
    """A photo or document the unit adds before it submits, kept in the database like a hazard's attachments."""

    __tablename__ = "recurring_duty_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("recurring_duty_instance.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class DutyBulletin(Base):
    """月通报: the ranking of the units for one month as issued (a snapshot), naming the late ones."""

    __tablename__ = "recurring_duty_bulletin"
    __table_args__ = (UniqueConstraint("file_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7))  # 2026-11
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    ranking: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime]

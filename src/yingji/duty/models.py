"""值班: the duty roster of a body (排班), its duty log (值班日志) and shift handovers (交接班).

Each row carries its body's division (copied from the registry's organisation) so that one SQL filter scopes every
list and single read. The duty log is append-only (a correction is a new entry that names the one it corrects);
handovers change state once (pending → accepted or withdrawn) and keep the open items as they were at handover.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum


class LogKind(LabelledEnum):
    CALL = "call", "接报来电"
    ACTION = "action", "处置情况"
    NOTE = "note", "值班记事"


class HandoverState(LabelledEnum):
    PENDING = "pending", "待接班确认"
    ACCEPTED = "accepted", "已接班"
    WITHDRAWN = "withdrawn", "已撤回"


class DutyShift(Base):
    """One shift of a body's roster: the officer on duty (an account) and the leader on duty (带班领导)."""

    __tablename__ = "duty_shift"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="shift_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    officer: Mapped[str] = mapped_column(String(64))  # 值班员（账号）
    leader_name: Mapped[str] = mapped_column(String(40))  # 带班领导
    leader_phone: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class DutyLogEntry(Base):
    """值班日志: a call received, an action taken or a note, by the officer who wrote it (append-only)."""

    __tablename__ = "duty_log_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    kind: Mapped[LogKind] = mapped_column(str_enum(LogKind))
    occurred_at: Mapped[datetime]  # when the call came or the action was taken (the officer may say earlier)
    text: Mapped[str] = mapped_column(Text)
    caller: Mapped[str | None] = mapped_column(String(120))  # 来电单位或来电人
    caller_phone: Mapped[str | None] = mapped_column(String(40))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("duty_log_entry.id"), index=True)
    officer: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]


class DutyHandover(Base):
    """交接班: the outgoing officer hands the desk, with its open items at that moment, to the incoming one."""

    __tablename__ = "duty_handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    state: Mapped[HandoverState] = mapped_column(str_enum(HandoverState), index=True)
    from_officer: Mapped[str] = mapped_column(String(64))
    to_officer: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    items: Mapped[dict[str, Any]] = mapped_column(JSON)  # OpenItems as handed over (counts and the first rows)
    handed_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accept_note: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None]

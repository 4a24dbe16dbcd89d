"""Campaign tasks with append-only progress reports; KPI targets with append-only yearly values."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.db.base import Base, str_enum
from yingji.rules.kpi import Direction


class LedgerTask(Base):
    """A measure, task or key project of a campaign or plan (loaded from data files citing the seed)."""

    __tablename__ = "ledger_task"
    __table_args__ = (UniqueConstraint("programme", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(String(64), index=True)  # e.g. hangjin-2024-2026
    code: Mapped[str] = mapped_column(String(20))
    section: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(String(200))  # 牵头单位
    responsible: Mapped[list[str]] = mapped_column(JSON)  # 责任单位
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    due: Mapped[date | None]
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{due, text}]
    seed: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    # a department's sub-plan of the campaign (None: the campaign's own measure); its department as the data names it
    subplan: Mapped[str | None] = mapped_column(String(64), index=True)
    department: Mapped[str | None] = mapped_column(String(100), index=True)
    leader: Mapped[str | None] = mapped_column(String(100))  # 责任领导, where the plan names one
    # the listed problems this task rectifies: [{code, source, text, seed}] (None on rows loaded before 0032)
    fixes: Mapped[list[dict[str, str]] | None] = mapped_column(JSON, default=list)


class TaskProgress(Base):
    """One progress report: never edited; the newest one is the task's state."""

    __tablename__ = "task_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("ledger_task.id"), index=True)
    reported_on: Mapped[date]
    percent: Mapped[int]
    done: Mapped[bool]
    milestones_done: Mapped[list[int]] = mapped_column(JSON)  # indexes into the task's milestones
    note: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Target(Base):
    """A KPI target: baseline, direction and target year as the plan gives them."""

    __tablename__ = "ledger_target"
    __table_args__ = (UniqueConstraint("programme", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(String(64), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str | None] = mapped_column(String(20))  # binding 约束性 / expected 预期性
    direction: Mapped[Direction] = mapped_column(str_enum(Direction))
    baseline_year: Mapped[int | None]
    baseline_value: Mapped[float | None]
    change_percent: Mapped[float | None]
    target_value: Mapped[float | None]
    target_year: Mapped[int]
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    seed: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    subplan: Mapped[str | None] = mapped_column(String(64), index=True)  # as on LedgerTask


class TargetValue(Base):
    """A yearly value entered for a target (statistics); a correction is a newer row for the same year."""

    __tablename__ = "ledger_target_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("ledger_target.id"), index=True)
    year: Mapped[int]
    value: Mapped[float]
    source: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]

"""Warning tables: the warning (预警) with its state, every published message (CAP), and warning-period tasks.

The table is ``EarlyWarning``, never ``Warning`` (a Python builtin).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum


class WarningKind(LabelledEnum):
    ACCIDENT = "accident", "事故预警"
    METEOROLOGICAL = "meteorological", "气象灾害预警"


class WarningStatus(LabelledEnum):
    PROPOSED = "proposed", "建议（待审定）"  # 由监测报警或事故报告提出，待有权机关审定
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已发布"  # 预警期
    LIFTED = "lifted", "已解除"
    REJECTED = "rejected", "不予发布"


class EarlyWarning(Base):
    __tablename__ = "early_warning"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[WarningKind] = mapped_column(str_enum(WarningKind))
    plan_id: Mapped[str] = mapped_column(String(64))
    hazard: Mapped[str | None] = mapped_column(String(40))  # meteorological hazard id
    category: Mapped[str] = mapped_column(String(60))  # 可能发生的事故类别 / 灾种
    level: Mapped[int]
    status: Mapped[WarningStatus] = mapped_column(str_enum(WarningStatus), index=True)
    title: Mapped[str] = mapped_column(String(200))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)  # 主要影响区域
    division_codes: Mapped[list[str]] = mapped_column(JSON)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)  # the plan's mandatory message fields, by Chinese name
    is_exercise: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime | None]
    issuer_body: Mapped[str | None] = mapped_column(String(200))
    issuer_division: Mapped[str | None] = mapped_column(String(12))
    issued_by: Mapped[str | None] = mapped_column(String(120))
    issued_at: Mapped[datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(120))
    lifted_at: Mapped[datetime | None]
    source: Mapped[str | None] = mapped_column(String(200))  # who proposed it, e.g. monitoring:alarm:42
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime]


class WarningArea(Base):
    """One division a warning covers, with its jurisdiction stem: the rows scope filters run on in SQL."""

    __tablename__ = "warning_area"

    warning_id: Mapped[int] = mapped_column(ForeignKey("early_warning.id"), primary_key=True)
    division_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    stem: Mapped[str] = mapped_column(String(12), index=True)


class WarningMessage(Base):
    """One published message: Alert, then Update for each change, then Cancel; each references the previous."""

    __tablename__ = "warning_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("early_warning.id"), index=True)
    msg_type: Mapped[str] = mapped_column(String(10))
    identifier: Mapped[str] = mapped_column(String(64), unique=True)
    sent: Mapped[datetime]
    level: Mapped[int]
    references: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    xml: Mapped[str] = mapped_column(Text)


class WarningTask(Base):
    """A warning-period action (预警行动) for the plan's units, cumulative from blue upward."""

    __tablename__ = "warning_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("early_warning.id"), index=True)
    level: Mapped[int]
    owner_unit: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    done: Mapped[bool] = mapped_column(default=False)


class ExternalState(LabelledEnum):
    IN_FORCE = "in_force", "生效中"
    UPDATED = "updated", "已被更新"
    CANCELLED = "cancelled", "已取消"


class ExternalWarning(Base):
    """Another agency's CAP alert as received (气象、自然资源、地震部门): kept as sent, one row per sender + identifier;
    an Update or Cancel marks the alerts it references. Expiry is read against ``expires``, not stored."""

    __tablename__ = "external_warning"
    __table_args__ = (UniqueConstraint("sender", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender: Mapped[str] = mapped_column(String(200))
    identifier: Mapped[str] = mapped_column(String(200))
    sent: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # CAP status: Actual, Exercise, Test …
    msg_type: Mapped[str] = mapped_column(String(16))
    state: Mapped[ExternalState] = mapped_column(str_enum(ExternalState), index=True)
    references: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    categories: Mapped[list[str]] = mapped_column(JSON)
    event: Mapped[str | None] = mapped_column(String(200))
    urgency: Mapped[str | None] = mapped_column(String(16))
    severity: Mapped[str | None] = mapped_column(String(16))
    certainty: Mapped[str | None] = mapped_column(String(16))
    level: Mapped[int | None]  # 1 红 … 4 蓝
    sender_name: Mapped[str | None] = mapped_column(String(200))
    headline: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    instruction: Mapped[str | None] = mapped_column(Text)
    effective: Mapped[datetime | None]
    expires: Mapped[datetime | None] = mapped_column(index=True)
    division_codes: Mapped[list[str]] = mapped_column(JSON)  # the geocodes that name divisions we know
    areas: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # description, geocodes, polygons, circles as sent
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("external_warning.id"))
    source: Mapped[str] = mapped_column(String(200))  # upload by whom / file name
    received_at: Mapped[datetime]


class ExternalWarningArea(Base):
    """A division an external alert names (stem "" for an alert naming none: it concerns everyone), for scope."""

    __tablename__ = "external_warning_area"

    warning_id: Mapped[int] = mapped_column(ForeignKey("external_warning.id"), primary_key=True)
    division_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    stem: Mapped[str] = mapped_column(String(12), index=True)

"""Hazards, their append-only events and their attachments (photos, inspection records)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum
from yingji.registry.enums import EnterpriseSector
from yingji.rules.hazards import HazardGrade, HazardState, RectificationFault


class Channel(LabelledEnum):
    SELF_CHECK = "self_check", "企业自查"  # 企业自查上报
    INSPECTION = "inspection", "监管检查"  # 督导检查发现
    TIP = "tip", "群众举报"  # 群众举报查实


class Hazard(Base):
    __tablename__ = "hazard"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    sector: Mapped[EnterpriseSector | None] = mapped_column(str_enum(EnterpriseSector))
    mine_id: Mapped[int | None] = mapped_column(ForeignKey("mine.id"))
    supervising_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    place: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(60))
    grade: Mapped[HazardGrade] = mapped_column(str_enum(HazardGrade), index=True)
    criteria: Mapped[list[str]] = mapped_column(JSON)  # checklist item codes that make it major
    grade_note: Mapped[str | None] = mapped_column(Text)
    state: Mapped[HazardState] = mapped_column(str_enum(HazardState), index=True)
    found_on: Mapped[date]
    reported_by: Mapped[str] = mapped_column(String(64))
    responsible: Mapped[str | None] = mapped_column(String(80))  # 五落实
    measures: Mapped[str | None] = mapped_column(Text)
    funds_yuan: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    deadline: Mapped[date | None] = mapped_column(index=True)
    contingency_plan: Mapped[str | None] = mapped_column(Text)
    deadline_reason: Mapped[str | None] = mapped_column(Text)  # why a general hazard has more than a week
    requested_deadline: Mapped[date | None]  # a longer deadline asked for, awaiting the supervisor's consent
    deadline_consented_by: Mapped[str | None] = mapped_column(String(64))  # the officer who consented
    escalation_rung: Mapped[int] = mapped_column(default=0)  # ladder rungs already taken
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class HazardEvent(Base):
    """One step of a hazard's life: never updated or deleted (the audit log holds the same, hash-chained)."""

    __tablename__ = "hazard_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class HazardAttachment(Base):
    """A photo or document kept in the database, so it commits (or not) with the record it belongs to."""

    __tablename__ = "hazard_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class HazardAccountability(Base):
    """A closed hazard found unrectified (虚假整改、纸面整改、整改不到位): who signed it off, who submitted it and who
    was responsible, kept for the accountability the seed demands (004#L718-L724, L5471-L5475). Never updated."""

    __tablename__ = "hazard_accountability"

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id"), index=True)
    fault: Mapped[RectificationFault] = mapped_column(str_enum(RectificationFault))
    finding: Mapped[str] = mapped_column(Text)
    signed_off_by: Mapped[str | None] = mapped_column(String(64), index=True)  # the officer who accepted (验收销号)
    signed_off_at: Mapped[datetime | None]
    submitted_by: Mapped[str | None] = mapped_column(String(64))  # who applied for acceptance
    responsible: Mapped[str | None] = mapped_column(String(80))  # 五落实 整改责任人
    principal: Mapped[str | None] = mapped_column(String(40))  # the enterprise's 主要负责人 at the time
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]

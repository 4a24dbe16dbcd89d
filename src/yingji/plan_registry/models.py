"""Registered plans and their dated activities (filing, drills, evaluations, revision triggers; append-only)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum


class HolderKind(LabelledEnum):
    GOVERNMENT = "government", "人民政府"
    DEPARTMENT = "department", "政府部门"
    ENTERPRISE = "enterprise", "企业"


class PlanType(LabelledEnum):
    OVERALL = "overall", "总体应急预案"
    SPECIAL = "special", "专项应急预案"
    DEPARTMENT = "department", "部门应急预案"
    COMPREHENSIVE = "comprehensive", "企业综合应急预案"
    ENTERPRISE_SPECIAL = "enterprise_special", "企业专项应急预案"
    ON_SITE = "on_site", "现场处置方案"


class ActivityKind(LabelledEnum):
    FILING = "filing", "备案"
    DRILL = "drill", "演练"
    EVALUATION = "evaluation", "评估"
    REVISION_TRIGGER = "revision_trigger", "修订情形"


class PlanRecord(Base):
    __tablename__ = "plan_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    doc_no: Mapped[str | None] = mapped_column(String(80), unique=True)
    holder_kind: Mapped[HolderKind] = mapped_column(str_enum(HolderKind))
    holder_name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    plan_type: Mapped[PlanType] = mapped_column(str_enum(PlanType))
    production_safety: Mapped[bool]
    high_risk: Mapped[bool]
    version: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date]
    filed_on: Mapped[date | None]
    filed_with: Mapped[str | None] = mapped_column(String(120))
    bundled_plan_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # plans/data/<id>.yaml
    created_at: Mapped[datetime]


class PlanActivity(Base):
    __tablename__ = "plan_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan_record.id"), index=True)
    kind: Mapped[ActivityKind] = mapped_column(str_enum(ActivityKind))
    on: Mapped[date]
    detail: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]

"""Instrument registry tables: each measuring instrument of an enterprise, and its append-only calibration records."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.db.base import Base, str_enum
from yingji.metrology.enums import CalibrationMethod, CalibrationResult, InstrumentStatus


class Instrument(Base):
    """碳计量器具: one measuring instrument of an enterprise; the latest calibration's outcome is kept beside it."""

    __tablename__ = "metrology_instrument"
    __table_args__ = (UniqueConstraint("organisation_id", "serial_no"),)  # 出厂编号 unique per enterprise

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)  # the enterprise's
    name: Mapped[str] = mapped_column(String(120))  # 器具名称
    kind: Mapped[str] = mapped_column(String(40), index=True)  # 器具类别, one of defaults.yaml kinds
    quantity: Mapped[str] = mapped_column(String(40))  # 测量参数
    serial_no: Mapped[str] = mapped_column(String(64))  # 出厂编号
    model: Mapped[str | None] = mapped_column(String(80))  # 型号规格
    manufacturer: Mapped[str | None] = mapped_column(String(120))  # 制造单位
    measuring_range: Mapped[str | None] = mapped_column(String(80))  # 测量范围
    accuracy_class: Mapped[str | None] = mapped_column(String(40))  # 准确度等级
    location: Mapped[str] = mapped_column(String(200))  # 安装位置
    source_stream: Mapped[str | None] = mapped_column(String(120))  # 排放源/源流
    for_carbon_accounting: Mapped[bool]  # 用于碳排放核算
    interval_months: Mapped[int]  # 检定校准周期（月）
    status: Mapped[InstrumentStatus] = mapped_column(str_enum(InstrumentStatus), index=True)
    last_calibrated_on: Mapped[date | None]
    last_result: Mapped[CalibrationResult | None] = mapped_column(str_enum(CalibrationResult))
    next_due_on: Mapped[date | None] = mapped_column(index=True)  # last calibration + interval; None: none valid
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Calibration(Base):
    """One verification or calibration (检定/校准) result: never updated or deleted (database triggers refuse it)."""

    __tablename__ = "metrology_calibration"
    __table_args__ = (UniqueConstraint("instrument_id", "certificate_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("metrology_instrument.id"), index=True)
    calibrated_on: Mapped[date]
    method: Mapped[CalibrationMethod] = mapped_column(str_enum(CalibrationMethod))
    body: Mapped[str] = mapped_column(String(120))  # 检定校准机构
    certificate_no: Mapped[str] = mapped_column(String(64))  # 证书（结果通知书）编号
    result: Mapped[CalibrationResult] = mapped_column(str_enum(CalibrationResult))
    interval_months: Mapped[int]  # the interval the due date was computed with
    next_due_on: Mapped[date | None]  # calibrated_on + interval_months; None after 不合格
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]

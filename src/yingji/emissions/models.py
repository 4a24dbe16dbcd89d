"""One row per key enterprise and year: NOx, VOCs and CO₂ emitted and the environmental facilities' efficiency."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum


class EmissionSector(LabelledEnum):
    """The key fields the pilot names (“煤电、煤化工等重点行业企业”, “煤化工、焦化、电石等行业重点企业”)."""

    COAL_POWER = "coal_power", "煤电"
    COAL_CHEMICAL = "coal_chemical", "煤化工"
    COKING = "coking", "焦化"
    CARBIDE = "carbide", "电石"
    OTHER = "other", "其他重点行业"


class EmissionEntry(Base):
    __tablename__ = "emission_entry"
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    sector: Mapped[EmissionSector] = mapped_column(str_enum(EmissionSector))
    nox_t: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    vocs_t: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    co2_t: Mapped[Decimal] = mapped_column(Numeric(16, 3))
    facility_efficiency_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))  # 环保设施运行效率
    source: Mapped[str] = mapped_column(String(200))  # 统计口径、监测来源
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]

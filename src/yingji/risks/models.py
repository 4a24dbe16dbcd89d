"""One risk entry: a place at risk from one hazard, its level and where the finding comes from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum


class RiskLevel(LabelledEnum):
    """The order the console lists them in: the highest first."""

    HIGH = "high", "高风险"
    FAIRLY_HIGH = "fairly_high", "较高风险"
    MEDIUM = "medium", "中风险"
    LOW = "low", "低风险"


class RiskSource(LabelledEnum):
    CENSUS = "census", "风险普查"
    ASSESSMENT = "assessment", "风险评估"
    ZONING = "zoning", "风险区划"


class WeatherRisk(Base):
    __tablename__ = "weather_risk"

    id: Mapped[int] = mapped_column(primary_key=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    hazard: Mapped[str] = mapped_column(String(40), index=True)  # a hazard id of the meteorological plans
    level: Mapped[RiskLevel] = mapped_column(str_enum(RiskLevel))
    place: Mapped[str] = mapped_column(String(200))  # 风险点、区域
    exposure: Mapped[str | None] = mapped_column(Text)  # 承灾体：人口、学校、道路、设施……
    source: Mapped[RiskSource] = mapped_column(str_enum(RiskSource))
    year: Mapped[int]
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]

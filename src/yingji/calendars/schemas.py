"""The file an administrator loads: one year's published schedule."""

from __future__ import annotations

from datetime import date

from pydantic import Field, ValidationInfo, field_validator, model_validator

from yingji.core.schemas import YingjiModel


class ScheduleIn(YingjiModel):
    """某年度国务院办公厅公布的节假日安排。"""

    year: int = Field(ge=2000, le=2100, description="年度")
    source: str = Field(min_length=4, max_length=200, description="依据，如 国办发明电〔2026〕X号")
    days_off: list[date] = Field(min_length=1, description="放假日期（含调休放假的工作日）")
    working_weekends: list[date] = Field(default_factory=list, description="调休上班的周末日期")

    @field_validator("days_off", "working_weekends")
    @classmethod
    def _same_year(cls, days: list[date], info: ValidationInfo) -> list[date]:
        year = info.data.get("year")
        stray = [d for d in days if d.year != year]
        if year is not None and stray:
            raise ValueError(f"{stray[0]} 不属于 {year} 年")
        return days

    @model_validator(mode="after")
    def _consistent(self) -> ScheduleIn:
        both = set(self.days_off) & set(self.working_weekends)
        if both:
            raise ValueError(f"{min(both)} 不能既放假又调休上班")
        weekdays = [d for d in self.working_weekends if d.weekday() < 5]
        if weekdays:
            raise ValueError(f"working_weekends 中的 {weekdays[0]} 不是周末")
        return self

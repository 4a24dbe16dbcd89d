"""Monitoring read models: alarms with the enterprise, site and point in words, and what the caller may do now."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from yingji.core.paging import Filters
from yingji.core.schemas import YingjiModel
from yingji.monitoring.access import AlarmAction
from yingji.monitoring.models import AlarmCondition, Severity
from yingji.monitoring.schema import SensorKind

ALARM_STATE_LABELS = {
    "open": "未关闭",
    "unacked": "未确认",
    "active": "报警中",
    "shelved": "已搁置",
    "closed": "已关闭",
    "all": "全部",
}
ALARM_STATES = tuple(ALARM_STATE_LABELS)


class AlarmFilters(Filters):
    state: str = Field(default="open", max_length=10, description="open、active、unacked、shelved、closed、all")
    site: str | None = Field(default=None, max_length=30, description="场所，如 mine:7、pond:3")
    enterprise: int | None = Field(default=None, ge=1, le=2**31 - 1, description="企业（单位编号）")
    kind: SensorKind | None = Field(default=None, description="测点类型，如 CH4")
    severity: Severity | None = Field(default=None, description="紧急程度：critical、alarm、fault、cleared")
    group: int | None = Field(default=None, ge=1, le=2**31 - 1, description="只看一个报警泛滥组的报警")
    ungrouped: bool = Field(default=False, description="泛滥组逐条列出（默认每组一行）")

    @property
    def collapses_floods(self) -> bool:
        return self.group is None and not self.ungrouped


class AlarmEventRead(YingjiModel):
    at: datetime
    kind: str
    actor: str | None
    level: int | None
    value: float | None
    text: str | None


class AlarmRead(YingjiModel):
    """One alarm as the duty officer reads it: which enterprise, which site, which point, how bad now and at worst."""

    id: int
    point_id: int
    point_code: str
    point_name: str
    kind: str
    kind_label: str
    unit: str
    rule_id: str
    condition: AlarmCondition
    condition_label: str
    site: str
    site_name: str
    enterprise_id: int
    enterprise_name: str
    division_code: str
    division_name: str
    level: int
    peak_level: int
    level_name: str
    peak_level_name: str
    severity: Severity = Field(description="紧急程度：紧急（断电级、尾矿库红色）、报警、故障（无数据等）、已恢复")
    severity_label: str
    value: float | None
    active: bool
    active_since: datetime = Field(description="最近一次报警（再次报警时更新）")
    duration_label: str = Field(description="持续多久（报警中）或何时恢复，如 “持续 25 分钟”")
    acknowledged: bool
    open: bool
    shelved_until: datetime | None
    raised_at: datetime
    cleared_at: datetime | None
    acked_at: datetime | None
    acked_by: str | None
    closed_at: datetime | None
    group_id: int | None
    group_size: int | None = Field(default=None, description="泛滥组合并为一行时，组内符合条件的报警数")
    escalation_step: int
    raise_count: int
    warning_id: int | None
    allowed_actions: list[AlarmAction]


class AlarmDetail(AlarmRead):
    events: list[AlarmEventRead]


class AlarmAnnouncement(YingjiModel):
    id: int
    text: str = Field(description="一句话：企业、场所、测点、级别与数值")


class AcknowledgedMany(YingjiModel):
    acknowledged: list[int] = Field(description="本次确认的报警")
    already_handled: int = Field(description="已由他人确认或已关闭、未再处理的条数")


class WarningProposed(YingjiModel):
    warning_id: int
    plan_id: str
    level: int
    status: str

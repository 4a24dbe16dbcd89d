"""Monitoring read models: alarms with the enterprise, site and point in words, and what the caller may do now."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from yingji.core.paging import Filters
from yingji.core.schemas import YingjiModel
from yingji.monitoring.access import AlarmAction
from yingji.monitoring.models import AlarmCondition

ALARM_STATES = ("open", "active", "unacked", "shelved", "closed", "all")


class AlarmFilters(Filters):
    state: str = Field(default="open", max_length=10, description="open、active、unacked、shelved、closed、all")
    site: str | None = Field(default=None, max_length=30, description="场所，如 mine:7、pond:3")


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
    value: float | None
    active: bool
    acknowledged: bool
    open: bool
    shelved_until: datetime | None
    raised_at: datetime
    cleared_at: datetime | None
    acked_at: datetime | None
    acked_by: str | None
    closed_at: datetime | None
    group_id: int | None
    escalation_step: int
    raise_count: int
    warning_id: int | None
    allowed_actions: list[AlarmAction]


class AlarmDetail(AlarmRead):
    events: list[AlarmEventRead]


class WarningProposed(YingjiModel):
    warning_id: int
    plan_id: str
    level: int
    status: str

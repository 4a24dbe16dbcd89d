"""Monitoring read models: alarms, points, rules and readings with the enterprise, site and point in words, and what
the caller may do now."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, ConfigDict, Field
from sqlalchemy import ColumnElement, exists, select

from yingji.core.errors import InvalidInput
from yingji.core.labels import LabelledEnum
from yingji.core.paging import Filters, Page
from yingji.core.schemas import YingjiModel
from yingji.monitoring.access import AlarmAction, PointAction
from yingji.monitoring.models import Alarm, AlarmCondition, MonitorPoint, Severity, SiteKind
from yingji.monitoring.networking.schemas import DeclaredLimitRead
from yingji.monitoring.schema import RuleBasis, RuleLevel, SensorKind

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


# --- threshold rules ------------------------------------------------------------------------------------------------


class RuleFilters(Filters):
    kind: SensorKind | None = None
    location_class: str | None = Field(default=None, max_length=60, description="设置地点类别，如 采煤工作面上隅角")
    verified: bool | None = Field(default=None, description="是否已按正式文本核实")


class ThresholdRuleRead(YingjiModel):
    """A bundled threshold rule with its basis, as an engineer checks it against the printed standard."""

    id: str
    kind: SensorKind
    kind_label: str
    unit: str
    location_class: str
    condition: str
    direction: Literal["high", "low"]
    direction_label: str = Field(description="高于限值报警 / 低于限值报警")
    strict: bool
    levels: list[RuleLevel]
    power_cut_scope: str | None
    on_delay_s: float
    rate_of_rise_per_min: float | None
    basis: RuleBasis
    verified: bool
    verified_label: str
    note: str | None


# --- points ---------------------------------------------------------------------------------------------------------


class PointState(LabelledEnum):
    ACTIVE = "active", "在用"
    INACTIVE = "inactive", "停用"
    ALARMING = "alarming", "报警中"


class PointFilters(Filters):
    site: str | None = Field(default=None, max_length=30, description="场所，如 mine:7、pond:3")
    kind: SensorKind | None = None
    state: PointState | None = Field(default=None, description="active 在用、inactive 停用、alarming 有未恢复的报警")

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.site is not None:
            kind, _, raw_id = self.site.partition(":")
            if kind not in ("mine", "pond") or not raw_id.isdigit() or len(raw_id) > 18:
                raise InvalidInput(field="site", reason="site 形如 mine:7 或 pond:3")
            column = MonitorPoint.mine_id if kind == "mine" else MonitorPoint.pond_id
            found.append(column == int(raw_id))
        if self.kind is not None:
            found.append(MonitorPoint.kind == self.kind)
        if self.state is PointState.ACTIVE:
            found.append(MonitorPoint.active.is_(True))
        elif self.state is PointState.INACTIVE:
            found.append(MonitorPoint.active.is_(False))
        elif self.state is PointState.ALARMING:
            found.append(exists(select(Alarm.id).where(Alarm.point_id == MonitorPoint.id, Alarm.active.is_(True))))
        return found


class PointRead(YingjiModel):
    """One measurement point with its site, enterprise and place in words, and what the caller may do to it."""

    id: int
    code: str
    name: str
    kind: SensorKind
    kind_label: str
    unit: str
    location_class: str | None
    site_kind: SiteKind
    site_kind_label: str
    site: str = Field(description="场所键，如 mine:7")
    site_name: str
    mine_id: int | None
    pond_id: int | None
    enterprise_id: int
    enterprise_name: str
    division_code: str
    division_name: str
    design: dict[str, float] | None
    clear_margin: float
    polling_s: int
    active: bool
    state_label: str = Field(description="在用 / 停用")
    rules: list[str] = Field(description="套用的阈值规则编号")
    created_at: datetime
    declared: DeclaredLimitRead | None = Field(
        default=None, description="矿方在联网文件（AQMC）中申报的量程与报警、断电、复电值，及宽于规程之处"
    )
    declared_lax: bool = Field(default=False, description="矿方申报的阈值是否宽于规程")
    allowed_actions: list[PointAction]


class ReadingWindow(Filters):
    since: AwareDatetime | None = Field(default=None, description="起（含），缺省为 until 前 6 小时")
    until: AwareDatetime | None = Field(default=None, description="止（不含），缺省为现在（含正在进行的这一分钟）")


class ReadingMinuteRead(YingjiModel):
    minute: datetime
    n: int
    min: float
    max: float
    mean: float
    last: float


class PointReadings(Page[ReadingMinuteRead]):
    """One page of a point's stored minutes (oldest first) in the window asked, with the point named."""

    point_id: int
    point_code: str
    point_name: str
    unit: str
    since: datetime
    until: datetime


class PondPointRead(YingjiModel):
    id: int
    code: str
    name: str
    level: int
    colour: str | None


class PondItemRead(YingjiModel):
    kind: SensorKind
    label: str
    level: int
    colour: str | None
    points: list[PondPointRead]


class PondItemsRead(YingjiModel):
    """A tailings pond's colour per monitoring item (GB 50863 §5.5.4) and the basis of the count."""

    pond_id: int
    name: str
    enterprise_name: str
    division_code: str
    division_name: str
    items: list[PondItemRead]
    colour: str | None
    basis: str
    note: str


# --- ingest ---------------------------------------------------------------------------------------------------------


class IngestRejection(YingjiModel):
    model_config = ConfigDict(str_strip_whitespace=False)  # a refused code is echoed exactly as it was escaped

    index: int = Field(description="批内序号（从 0 起）")
    point: str = Field(description="测点编号（转义后回显；无法识别时为空）")
    field: str
    reason: str


class IngestAck(YingjiModel):
    """The gateway's receipt: counts, the rows refused and why (the first 1 000), the alarms touched — built from
    what the ingest already holds (no lookups on the hot path)."""

    model_config = ConfigDict(str_strip_whitespace=False)

    received: int
    accepted: int
    rejected_count: int
    rejected: list[IngestRejection]
    transitions: int
    alarm_ids: list[int]

"""一张图 and 指挥大屏 read models: every feature with its category and status in words, the console page it opens,
and the warning areas by county; the command hall's panels embed the owning domains' own read models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Query
from pydantic import Field

from yingji.core.labels import LabelledEnum
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.duty.schemas import ShiftRead
from yingji.hazards.schemas import HazardRead
from yingji.incidents.schemas import IncidentSummary
from yingji.monitoring.schemas import AlarmRead
from yingji.registry.schemas import LAT_RANGE, LON_RANGE, ResourceHitRead
from yingji.warnings.schemas import ExternalWarningRead, WarningRead

MAX_RADIUS_KM = 300.0


class LayerKey(LabelledEnum):
    """The map's layers, in the order the layer switch lists them."""

    ALARMS = "alarms", "报警中的矿山和尾矿库"
    INCIDENTS = "incidents", "事故"
    MINES = "mines", "矿山"
    PONDS = "ponds", "尾矿库"
    HAZARD_SOURCES = "hazard_sources", "重大危险源"
    GOAFS = "goafs", "采空区/支护四色风险"  # seed 002#L213, L289
    TEAMS = "teams", "救援队伍"
    DEPOTS = "depots", "物资储备库"
    SHELTERS = "shelters", "避难场所"
    EXPERTS = "experts", "专家所在单位"


class MapFeature(YingjiModel):
    """One placed record: its category (what the marker's colour says) and a line of words, and its page."""

    id: int
    name: str
    lon: float
    lat: float
    division_code: str
    division_name: str
    category: str = Field(description="图例分类（值）：矿山状态、尾矿库颜色、报警紧急程度、事故等级、危险源级别等")
    category_label: str
    group: str | None = Field(default=None, description="图层内的分组（值），如矿山类型")
    group_label: str | None = None
    detail: str = Field(description="一行文字：类型、状态、数量等")
    url: str = Field(description="控制台中该记录的页面")


class LegendEntry(YingjiModel):
    category: str
    label: str
    count: int


class MapLayerRead(YingjiModel):
    key: LayerKey
    label: str
    features: list[MapFeature]
    legend: list[LegendEntry] = Field(description="本图层的分类及各类数量（按严重程度或固定顺序）")
    groups: list[LegendEntry] = Field(description="可分别开关的分组（如矿山类型）；没有则为空")


class CountyRead(YingjiModel):
    code: str
    name: str
    city_code: str


class WarningArea(YingjiModel):
    """A warning in force over the counties it covers (a city-wide warning covers each of its counties)."""

    warning: WarningRead
    counties: list[str] = Field(description="覆盖的旗县区代码（6 位）")


class ExternalArea(YingjiModel):
    """Another agency's alert in force over the counties its division codes name (circles drawn as sent)."""

    warning: ExternalWarningRead
    counties: list[str] = Field(description="覆盖的旗县区代码（6 位）")


class MapRead(YingjiModel):
    """The caller's 一张图: the cities whose boundaries are drawn, the jurisdiction to fit and highlight, its layers
    and the warnings in force."""

    scope_code: str | None = Field(description="管辖区划代码；管理员为空（全区）")
    scope_name: str
    cities: list[str] = Field(description="绘制其旗县区边界的盟市代码")
    focus: list[str] = Field(description="打开时适配并突出显示的旗县区代码（本辖区）")
    counties: list[CountyRead]
    layers: list[MapLayerRead]
    warnings: list[WarningArea]
    external: list[ExternalArea] = Field(description="生效中的外部预警（气象、自然资源、地震等部门）")


Lon = Annotated[float, Query(ge=LON_RANGE[0], le=LON_RANGE[1], description="经度（WGS-84）")]
Lat = Annotated[float, Query(ge=LAT_RANGE[0], le=LAT_RANGE[1], description="纬度（WGS-84）")]
RadiusKm = Annotated[float, Query(gt=0, le=MAX_RADIUS_KM, description=f"半径（公里，至多 {MAX_RADIUS_KM:g}）")]
IncidentRef = Annotated[RowId | None, Query(description="以事故地点为中心（代替 lon/lat）")]


class RadiusKindCount(YingjiModel):
    kind: str
    label: str
    count: int


class RadiusRead(YingjiModel):
    """Resources and shelters within the radius, nearest first, with straight-line distance and estimated drive."""

    lon: float
    lat: float
    radius_km: float
    incident_id: int | None
    centre_name: str = Field(description="中心点：事故名称或“地图上选定的点”")
    items: list[ResourceHitRead]
    total: int
    truncated: bool = Field(description="范围内资源多于一次所列（500 条）")
    by_kind: list[RadiusKindCount]
    shelter_capacity: int = Field(description="范围内避难场所可容纳人数合计")
    travel_note: str


# --- 指挥大屏 ------------------------------------------------------------------------------------------------------


class ClockRead(YingjiModel):
    """An incident's nearest open reporting clock."""

    due_at: datetime
    to_body: str
    kind_label: str
    overdue: bool


class ScreenIncident(YingjiModel):
    incident: IncidentSummary
    grade: int | None = Field(description="研判等级（1 特别重大 … 4 一般）；未研判为空")
    grade_label: str
    provisional: bool
    next_clock: ClockRead | None
    url: str


class SeverityCount(YingjiModel):
    severity: str
    label: str
    count: int


class ReadinessRead(YingjiModel):
    kind: str
    label: str
    count: int
    count_unit: str = Field(description="量词：支、座、处…")
    figure: int | None = Field(description="人数、容纳人数或物资品种数")
    figure_label: str


class Series(YingjiModel):
    name: str
    values: list[int]


class ChartRead(YingjiModel):
    title: str
    labels: list[str]
    series: list[Series]


class HazardFigures(YingjiModel):
    open: int
    overdue: int
    major_open: int
    overdue_items: list[HazardRead] = Field(description="逾期未整改的隐患（至多 6 条，最早期限在前）")


class ScreenRead(YingjiModel):
    """Everything the command hall shows around the map, in the caller's jurisdiction."""

    as_of: datetime
    scope_name: str
    incidents: list[ScreenIncident] = Field(description="处置中的事故（至多 8 起，最近的报告时限在前）")
    incidents_total: int
    warnings: list[WarningRead]
    alarms_by_severity: list[SeverityCount]
    alarms_latest: list[AlarmRead]
    hazards: HazardFigures
    readiness: list[ReadinessRead]
    duty: list[ShiftRead] = Field(description="今日的班次（本级在前、正在值班的在前，至多 4 个）")
    duty_total: int
    alarms_per_hour: ChartRead
    incidents_by_grade: ChartRead
    hazards_per_week: ChartRead

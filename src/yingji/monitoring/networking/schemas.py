"""Networking read models: a feed with its stopped-feed warning, a file's import report, a point's declared limits."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from yingji.core.paging import Filters
from yingji.core.schemas import YingjiModel

FEED_CODE = r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,39}$"  # names the mine's drop folder: no dots, no separators


class FeedIn(YingjiModel):
    """登记矿井联网：联网编码（传输目录名）、格式、传输周期。"""

    mine: Annotated[str, Field(min_length=2, max_length=120, description="矿山名称")]
    code: Annotated[str, Field(pattern=FEED_CODE, description="矿井联网编码，亦为传输目录下该矿的子目录名")]
    profile: Annotated[str, Field(min_length=2, max_length=64)] = "kj-generic"
    cycle_s: Annotated[int, Field(ge=1, le=3600, description="传输周期（秒），缺省取格式的周期")] | None = None


class FeedFilters(Filters):
    stale: bool | None = Field(default=None, description="只看中断（true）或正常（false）的联网")


class FeedRead(YingjiModel):
    """A mine's networking feed and whether it has stopped (a graded warning, 矿安〔2025〕100号)."""

    id: int
    code: str
    mine_id: int
    mine_name: str
    enterprise_id: int
    enterprise_name: str
    division_code: str
    division_name: str
    profile: str
    profile_name: str
    profile_verified: bool
    cycle_s: int
    registered_at: datetime
    last_file_at: datetime | None
    last_data_at: datetime | None
    stale: bool
    stale_since: datetime | None
    grade: int | None = Field(description="中断预警级别：1 红 2 橙 3 黄 4 蓝；正常时为空")
    grade_label: str
    state_label: str


class RejectRead(YingjiModel):
    file: str
    line: int
    record: int = Field(description="文件中的记录序号（头记录不计；0 为头记录或整个文件）")
    file_type: str | None
    field: str
    reason: str


class ImportReport(YingjiModel):
    """What one networking file did: counts, each refused record with its place and field, and the effects."""

    file_id: int | None
    file: str
    feed: str
    encoding: str
    file_types: list[str]
    records: int
    accepted: int
    rejected_count: int
    rejected: list[RejectRead]
    warnings: list[str]
    points_created: int
    points_updated: int
    lax_points: list[str] = Field(description="申报阈值宽于规程的测点")
    readings: int = Field(description="进入监测引擎的读数")
    not_evaluated: int = Field(description="状态为故障、标校等不参与判定的读数")
    transitions: int
    alarm_ids: list[int]
    statistics: int
    switch_points: int
    switch_changes: int
    mine_alarms: dict[str, int] = Field(description="矿方报警按与平台判定是否一致计数")
    queued: bool = Field(
        default=False, description="读数已写入监测集群的数据流，由工作进程稍后判定（此时 transitions 为 0）"
    )


class LaxityRead(YingjiModel):
    rule_id: str
    item: str
    label: str
    declared: float
    regulation: float


class DeclaredLimitRead(YingjiModel):
    """The limits the mine declared for a point (AQMC), beside the rules' own; ``lax`` lists what is laxer."""

    sensor_type: str
    location: str
    range_low: float | None
    range_high: float | None
    alarm_high: float | None
    alarm_low: float | None
    power_cut: float | None
    recovery: float | None
    power_cut_area: str | None
    lax: list[LaxityRead]
    lax_label: str
    updated_at: datetime

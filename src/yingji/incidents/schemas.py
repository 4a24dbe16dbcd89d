"""Incident request bodies; counts left empty are unknown (the assessment is then provisional)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field, model_validator

from yingji.core.divisions import CODE_PATTERN
from yingji.core.schemas import YingjiModel
from yingji.incidents.enums import AccidentSector, TaskStatus
from yingji.plans.schema import ReportKind
from yingji.registry.schemas import Latitude, Longitude
from yingji.rules.levels import Condition

Count = Annotated[int, Field(ge=0, le=100_000)]
ClientKey = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9_.:-]{8,80}$", description="客户端生成的幂等键：重复提交返回同一记录")
]


class Casualties(YingjiModel):
    deaths: Count | None = Field(default=None, description="死亡")
    serious_injuries: Count | None = Field(default=None, description="重伤（含急性工业中毒）")
    direct_loss_yuan: Annotated[int, Field(ge=0, le=10**13)] | None = Field(
        default=None, description="直接经济损失（元）"
    )
    missing: Count | None = Field(default=0, description="失踪")
    trapped: Count | None = Field(default=0, description="被困")
    endangered: Count | None = Field(default=0, description="涉险")
    social_impact: Annotated[int, Field(ge=1, le=4)] | None = None
    conditions: list[Condition] = Field(default_factory=list)


class InitialReport(Casualties):
    """初报：事故发生单位、时间、地点、信息来源、事故类别、简要经过、伤亡（含失踪、被困）、损失、已采取的措施。"""

    client_key: ClientKey
    title: str = Field(min_length=4, max_length=200, description="事件名称")
    division_code: str = Field(pattern=CODE_PATTERN, description="事发地行政区划")
    sector: AccidentSector
    accident_type: str = Field(min_length=2, max_length=40, description="事故类别，如 透水、冒顶片帮、中毒窒息")
    unit: str | None = Field(default=None, max_length=120, description="事故发生单位（已登记企业名称）")
    mine: str | None = Field(default=None, max_length=120, description="事发矿山（已登记名称）")
    place: str = Field(min_length=2, max_length=200, description="地点")
    lon: Longitude | None = None
    lat: Latitude | None = None
    occurred_at: AwareDatetime = Field(description="事故发生时间")
    known_at: AwareDatetime | None = Field(
        default=None, description="现场人员知悉时间；报告时限由此起算，缺省为发生时间"
    )
    source: str = Field(min_length=2, max_length=200, description="信息来源")
    course: str = Field(min_length=2, max_length=4000, description="简要经过")
    scene: str | None = Field(default=None, max_length=4000, description="现场救援情况")
    impact: str | None = Field(default=None, max_length=2000, description="影响范围和损害程度的初步估计")
    measures: str = Field(min_length=2, max_length=4000, description="已采取的措施")

    @model_validator(mode="after")
    def _times_in_order(self) -> InitialReport:
        if self.known_at is not None and self.known_at < self.occurred_at:
            raise ValueError("known_at（知悉时间）不能早于 occurred_at（发生时间）")
        return self


class FollowUpReport(Casualties):
    """续报 / 终报：最新伤亡和进展；kind 为 follow_up 或 final。"""

    client_key: ClientKey
    kind: ReportKind = ReportKind.FOLLOW_UP
    content: dict[str, Annotated[str, Field(max_length=4000)]] = Field(
        default_factory=dict, description="按预案要求的报告内容，如 {“事故原因”: …, “整改措施”: …}"
    )

    @model_validator(mode="after")
    def _not_initial(self) -> FollowUpReport:
        if self.kind is ReportKind.INITIAL:
            raise ValueError("初报请用 POST /api/incidents")
        return self


class PlanOverride(YingjiModel):
    plan_ids: list[str] = Field(min_length=1, max_length=4)
    reason: str = Field(min_length=4, max_length=500, description="改变适用预案的理由")


class StartResponse(YingjiModel):
    plan_id: str
    level: int = Field(ge=1, le=4)
    reason: str | None = Field(default=None, max_length=500, description="与研判级别不同时（提级、降级）必填")


class AdjustResponse(YingjiModel):
    level: int = Field(ge=1, le=4)
    reason: str = Field(min_length=4, max_length=500)


class ConfirmCondition(YingjiModel):
    condition: str = Field(min_length=2, max_length=200, description="预案中的一项应急结束条件（原文）")


class Acknowledge(YingjiModel):
    note: str | None = Field(default=None, max_length=500)


class TaskUpdate(YingjiModel):
    status: TaskStatus | None = None
    notes: str | None = Field(default=None, max_length=2000)


class RescuersInZone(YingjiModel):
    count: int = Field(ge=0, le=10_000, description="进入危险区域的救援人员数")
    zone: str = Field(min_length=2, max_length=200)


class Handover(YingjiModel):
    from_body: str = Field(min_length=2, max_length=200, description="移交方，如 事故发生单位")
    to_body: str = Field(min_length=2, max_length=200, description="接管方，如 现场指挥部")


class DispatchIn(YingjiModel):
    resource_kind: str = Field(pattern=r"^(rescue_team|expert|depot|shelter|transport)$")
    resource_id: int = Field(gt=0)
    note: str | None = Field(default=None, max_length=500)


class ReleaseIn(YingjiModel):
    plan_id: str
    text: str = Field(min_length=4, max_length=4000, description="发布内容")

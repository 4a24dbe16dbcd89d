"""Request and answer bodies for an assessment; field descriptions are Chinese for the OpenAPI page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, Field

from yingji.core.schemas import YingjiModel
from yingji.rules.levels import Condition

Count = Annotated[int, Field(ge=0, le=1_000_000)]
Yuan = Annotated[int, Field(ge=0, le=10**13)]


class AssessRequest(YingjiModel):
    """一起事故的已知事实；未填写（null）的数字表示尚不清楚，结论将标为暂定。"""

    plan: str = Field(min_length=1, max_length=64, description="预案 ID，见 GET /api/plans")
    deaths: Count | None = Field(default=None, description="死亡人数")
    serious_injuries: Count | None = Field(default=None, description="重伤人数（含急性工业中毒）")
    direct_loss_yuan: Yuan | None = Field(default=None, description="直接经济损失（元）")
    missing: Count = Field(default=0, description="失踪（下落不明、失联）人数")
    trapped: Count = Field(default=0, description="被困（受困）人数")
    endangered: Count = Field(default=0, description="涉险人数")
    social_impact: Annotated[int, Field(ge=1, le=4)] | None = Field(
        default=None, description="研判的社会影响等级：1 特别重大 … 4 一般"
    )
    conditions: list[Condition] = Field(default_factory=list, description="其他情形，如 超出旗县区处置能力、敏感")
    known_at: AwareDatetime | None = Field(default=None, description="事故现场人员发现事故的时间（带时区）")
    accident_type: str | None = Field(default=None, max_length=40, description="事故类型，如 road_traffic、fire")


class BasisRead(YingjiModel):
    rule: str
    plan: str
    clause: str
    seed: str | None
    quote: str | None
    source: str | None


class DeadlineRead(YingjiModel):
    from_: str = Field(alias="from", description="报告人")
    to: str = Field(description="接报机关")
    timing: str = Field(description="immediately 立即 / promptly 及时 / within N 分钟内")
    within_minutes: int | None
    form: str = Field(description="any / phone 电话 / written 书面")
    latest_minutes: int = Field(description="自最初报告起的最迟分钟数（前序环节均用满时限）")
    due_at: datetime | None
    seed: str | None
    statutory_source: str | None = Field(default=None, description="预案未给时限时，所依据的国家规定条款")


class UpgradeRead(YingjiModel):
    to_level: int
    name: str
    decided_by: str
    requires_approval: bool


class PlanRef(YingjiModel):
    id: str
    title: str
    doc_no: str


class AssessmentRead(YingjiModel):
    plan: PlanRef
    grade: str = Field(description="一般 / 较大 / 重大 / 特别重大")
    grade_level: int = Field(description="1 特别重大 … 4 一般")
    provisional: bool = Field(description="有未知数字，等级只可能上升")
    in_scope: bool = Field(description="本预案是否适用（本级预案常只管较大及以上或特定情形）")
    response_level: int | None = Field(description="预案的响应级别编号，1 为最高；预案未设定时为 null")
    response_level_name: str | None
    decided_by: str | None
    state_holder: str | None
    lead_body: str | None
    actions: list[str]
    upgrade: UpgradeRead | None
    report_deadlines: list[DeadlineRead]
    report_reach: str = Field(description="按条例第十条，该等级事故至少须上报到的层级")
    release_authority: str | None
    supplementary_report_days: int
    evaluation_report_days: int | None = Field(description="总结评估报告期限（日）；预案只说“及时”时为空")
    notes: list[str]
    basis: list[BasisRead]

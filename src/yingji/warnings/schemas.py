"""Warning request bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, Field
from sqlalchemy import ColumnElement, or_

from yingji.assess.schemas import BasisRead
from yingji.core.divisions import CODE_PATTERN
from yingji.core.paging import Filters
from yingji.core.schemas import YingjiModel
from yingji.db.outbox import DeliveryStatus
from yingji.warnings.models import WarningKind, WarningStatus
from yingji.warnings.policy import WarningAction

Code = Annotated[str, Field(pattern=CODE_PATTERN)]
# Text that XML 1.0 can carry (CAP is XML): no control characters except tab and line breaks.
XML_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*$"
Line = Annotated[str, Field(pattern=r"^[^\x00-\x1f\ufffe\uffff]*$")]
Text = Annotated[str, Field(max_length=4000, pattern=XML_TEXT)]


class WarningDraft(YingjiModel):
    """预警草稿：按预案填写必备内容（如 发布单位、发布时间 由系统填写）。"""

    kind: WarningKind
    plan_id: str = Field(min_length=1, max_length=64)
    level: int = Field(ge=1, le=4, description="1 红 2 橙 3 黄 4 蓝")
    hazard: str | None = Field(default=None, max_length=40, description="气象灾种 id，如 rainstorm")
    category: Line = Field(min_length=2, max_length=60, description="可能发生的事故类别 / 灾种")
    title: Line = Field(min_length=4, max_length=200)
    division_codes: list[Code] = Field(min_length=1, max_length=50, description="影响区域（行政区划代码）")
    fields: dict[Line, Text] = Field(default_factory=dict)
    is_exercise: bool = Field(default=False, description="演练（CAP status=Exercise）")
    expires_at: AwareDatetime | None = None
    source: str | None = Field(default=None, max_length=200, description="提出来源，如 monitoring:alarm:42")
    note: str | None = Field(default=None, max_length=2000)


class WarningChange(YingjiModel):
    level: int | None = Field(default=None, ge=1, le=4)
    fields: dict[Line, Text] = Field(default_factory=dict)
    reason: str = Field(min_length=4, max_length=500)


class WarningCompletion(YingjiModel):
    """发布时补全的内容（预警建议常缺少部分必备内容）。"""

    fields: dict[Line, Text] = Field(default_factory=dict)


class WarningDecision(YingjiModel):
    reason: str = Field(min_length=2, max_length=500)


class HazardObservationIn(YingjiModel):
    """一个灾种的监测/预报数据：每个量在各格点（面积）或站点上的数值。"""

    hazard: str = Field(pattern=r"^[a-z_]+$", description="灾种 id，如 rainstorm、gale、fog")
    on: date = Field(description="日期（霜冻按季节窗口判断）")
    samples: dict[str, list[float]] = Field(description="量 → 各等面积格点（或单值）上的数值")
    stations: dict[str, list[float]] | None = Field(default=None, description="量 → 各站点数值（与格点同名时使用）")
    confirmed: list[str] = Field(default_factory=list, description="预报员已确认的附加条件原文（如 持续或加重）")


class WeatherAssessment(YingjiModel):
    plan_id: str = "ordos-weather-2024"
    observations: list[HazardObservationIn] = Field(min_length=1, max_length=9)


# --- read models ---


class WarningFilters(Filters):
    q: str | None = Field(default=None, max_length=60, description="检索预警标题、类别")
    status: WarningStatus | None = None
    level: int | None = Field(default=None, ge=1, le=4, description="1 红 2 橙 3 黄 4 蓝")
    kind: WarningKind | None = None
    issued_from: AwareDatetime | None = None
    issued_to: AwareDatetime | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        from yingji.warnings.models import EarlyWarning

        found: list[ColumnElement[bool]] = []
        if self.q:
            found.append(
                or_(
                    EarlyWarning.title.contains(self.q, autoescape=True),
                    EarlyWarning.category.contains(self.q, autoescape=True),
                )
            )
        if self.status is not None:
            found.append(EarlyWarning.status == self.status)
        if self.level is not None:
            found.append(EarlyWarning.level == self.level)
        if self.kind is not None:
            found.append(EarlyWarning.kind == self.kind)
        if self.issued_from is not None:
            found.append(EarlyWarning.issued_at >= self.issued_from)
        if self.issued_to is not None:
            found.append(EarlyWarning.issued_at < self.issued_to)
        return found


class AreaRead(YingjiModel):
    code: str
    name: str


class WarningRead(YingjiModel):
    """A warning as people read it: colour and status in words, areas by name, and what the caller may do now."""

    id: int
    kind: WarningKind
    kind_label: str
    plan_id: str
    plan_title: str
    hazard: str | None
    category: str
    level: int
    colour: str
    status: WarningStatus
    status_label: str
    title: str
    division_codes: list[str]
    areas: list[AreaRead]
    fields: dict[str, Any]
    is_exercise: bool
    issuer_body: str | None
    issued_at: datetime | None
    lifted_at: datetime | None
    expires_at: datetime | None
    source: str | None
    allowed_actions: list[WarningAction]


class MessageRead(YingjiModel):
    msg_type: str
    identifier: str
    sent: datetime
    level: int
    references: str | None
    reason: str | None


class WarningTaskRead(YingjiModel):
    id: int
    level: int
    owner_unit: str
    title: str
    done: bool


class DeliveryRead(YingjiModel):
    id: int
    key: str
    channel: str
    recipient: str
    status: str
    attempts: int
    last_error: str | None


class WarningDetail(WarningRead):
    messages: list[MessageRead]
    tasks: list[WarningTaskRead]
    deliveries: list[DeliveryRead] = Field(description="推送记录（仅发布方可见）")


class HazardLevelRead(YingjiModel):
    """One hazard's level under the weather plan's 8.2 criteria."""

    hazard: str
    hazard_name: str
    level: int | None
    colour: str | None
    provisional: bool
    network_sms: bool = Field(description="是否须全网发布短信")
    notes: list[str]
    basis: list[BasisRead]


class WeatherAssessmentRead(YingjiModel):
    """Each hazard's level, the combined level (the most severe that meets its criteria) and who signs."""

    hazards: dict[str, HazardLevelRead]
    level: int | None
    colour: str | None
    signed_by: str | None
    notes: list[str]
    basis: list[BasisRead]


class DeliveryReceipt(YingjiModel):
    """The answer to a recipient's receipt: nothing but the delivery's state (the token was the proof)."""

    status: DeliveryStatus = Field(description="acknowledged 已确认；尚未交给渠道的推送仍为 queued，不计回执")


class ExternalFilters(Filters):
    in_force: bool = Field(default=True, description="只列生效中的（未更新、未取消、未过期）")
    q: str | None = Field(default=None, max_length=60, description="按事件、标题或发布单位查找")


class ExternalAreaRead(YingjiModel):
    description: str
    geocodes: list[str] = Field(description="编码方案:编码（原样）")
    polygons: int
    circles: list[list[float]] = Field(description="[经度, 纬度, 半径公里]")


class ExternalWarningRead(YingjiModel):
    """Another agency's alert in words: who, what, how bad, where, until when, and its place in the update chain."""

    id: int
    sender: str
    sender_name: str
    event: str | None
    categories: list[str]
    category_labels: list[str]
    level: int | None
    level_label: str | None = Field(description="红色/橙色/黄色/蓝色预警（按预警级别参数或严重程度）")
    severity_label: str | None
    urgency_label: str | None
    certainty_label: str | None
    headline: str | None
    description: str | None
    instruction: str | None
    sent: datetime
    effective: datetime | None
    expires: datetime | None
    msg_type_label: str
    is_exercise: bool
    state: str
    state_label: str
    in_force: bool
    division_codes: list[str]
    division_names: list[str]
    areas: list[ExternalAreaRead]
    replaced_by_id: int | None
    received_at: datetime
    source: str


class ExternalSkipped(YingjiModel):
    position: int = Field(description="文档中的第几条预警")
    identifier: str | None
    problem: str


class ExternalImportRead(YingjiModel):
    accepted: list[int] = Field(description="新收录的外部预警编号")
    duplicates: int = Field(description="已收录过（同一发布方、同一标识）而未重复收录的条数")
    updated: int = Field(description="被本次更新消息取代的已收录预警数")
    cancelled: int = Field(description="被本次取消消息取消的已收录预警数")
    skipped: list[ExternalSkipped]

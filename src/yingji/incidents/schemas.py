"""Incident request bodies; counts left empty are unknown (the assessment is then provisional)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import ColumnElement

from yingji.core.divisions import CODE_PATTERN
from yingji.core.paging import Filters
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.incidents.enums import (
    AccidentSector,
    AftermathKind,
    AftermathStatus,
    IncidentStatus,
    ObligationKind,
    ReceiptRole,
    ReliefCategory,
    TaskSource,
    TaskStatus,
)
from yingji.incidents.policy import AftermathAction, IncidentAction, ResponseAction, TaskAction
from yingji.plans.schema import ReportKind
from yingji.registry.enums import ResourceKind
from yingji.registry.schemas import Latitude, Longitude, ResourceHitRead
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
    # A count not given is unknown, never a confident zero: the assessment says provisional until it is reported.
    missing: Count | None = Field(default=None, description="失踪（不详可空）")
    trapped: Count | None = Field(default=None, description="被困（不详可空）")
    endangered: Count | None = Field(default=None, description="涉险（不详可空）")
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

    @field_validator("sector")
    @classmethod
    def _an_accident(cls, sector: AccidentSector) -> AccidentSector:
        if sector is AccidentSector.WEATHER:  # a weather event comes from its issued warning
            raise ValueError(
                "气象灾害由已发布的气象灾害预警转入应急处置（/api/incidents/from-warning/{编号}），不填初报"
            )
        return sector

    @model_validator(mode="after")
    def _times_in_order(self) -> InitialReport:
        if self.known_at is not None and self.known_at < self.occurred_at:
            raise ValueError("known_at（知悉时间）不能早于 occurred_at（发生时间）")
        return self


class EndResponse(YingjiModel):
    reason: str | None = Field(
        default=None, max_length=500, description="尚有报告未登记或任务未完成时必填：为何仍宣布结束"
    )


class DecidersNotified(YingjiModel):
    reached: list[str] = Field(description="短信已排队发送的机关（按登记的值班电话）")


class ReportingPlace(YingjiModel):
    """A registered mine or enterprise the 初报 form offers: choosing it fills the unit, division, sector, and the
    place and coordinates as registered (the officer narrows the place, e.g. to the working face)."""

    mine: str | None
    unit: str
    division_code: str
    sector: AccidentSector | None
    place: str | None = Field(description="登记的位置：矿山名称或单位地址")
    lon: float | None
    lat: float | None


class DemandedContent(YingjiModel):
    content: str = Field(description="初报内容项，如 impact_or_loss")
    inputs: list[str] = Field(description="填写该项的表单字段（任一）")
    demanded_by: list[str] = Field(description="要求该项的预案及其原文用语")


class InitialRequirements(YingjiModel):
    """The 初报 contents the plans that would apply here demand, for marking the form before it is submitted."""

    plans: list[str] = Field(description="将适用的预案")
    fields: list[DemandedContent]


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
    """接报登记：报告实际送达的时间和接报人；由接收机关（或其上级代为）登记。"""

    received_at: AwareDatetime = Field(description="接报时间（报告实际送达的时间，不晚于当前时间）")
    received_by: str = Field(min_length=1, max_length=60, description="接报人")
    note: str | None = Field(default=None, max_length=500)


class TaskUpdate(YingjiModel):
    """Only the fields sent change; ``assignee`` or ``due_at`` sent as null clears it."""

    status: TaskStatus | None = None
    notes: str | None = Field(default=None, max_length=2000)
    assignee: str | None = Field(default=None, min_length=2, max_length=120, description="承办人（姓名、电话）")
    due_at: AwareDatetime | None = Field(default=None, description="完成时限")


class RescuersInZone(YingjiModel):
    count: int = Field(ge=0, le=10_000, description="进入危险区域的救援人员数")
    zone: str = Field(min_length=2, max_length=200)


class Handover(YingjiModel):
    from_body: str = Field(min_length=2, max_length=200, description="移交方，如 事故发生单位")
    to_body: str = Field(min_length=2, max_length=200, description="接管方，如 现场指挥部")


class DispatchIn(YingjiModel):
    resource_kind: str = Field(pattern=r"^(rescue_team|expert|depot|shelter|transport)$")
    resource_id: RowId
    note: str | None = Field(default=None, max_length=500)


class ReleaseIn(YingjiModel):
    plan_id: str
    text: str = Field(min_length=4, max_length=4000, description="发布内容")


# --- read models: what the API, the console and the CLI render -------------------------------------------------------


class IncidentFilters(Filters):
    """The filters a duty officer narrows the incident register by."""

    q: str | None = Field(default=None, max_length=60, description="检索事故名称")
    status: IncidentStatus | None = None
    division_code: str | None = Field(default=None, pattern=CODE_PATTERN)
    sector: AccidentSector | None = None
    occurred_from: AwareDatetime | None = None
    occurred_to: AwareDatetime | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        from yingji.core.divisions import stem
        from yingji.incidents.models import Incident

        found: list[ColumnElement[bool]] = []
        if self.q:
            found.append(Incident.title.contains(self.q, autoescape=True))
        if self.status is not None:
            found.append(Incident.status == self.status)
        if self.division_code is not None:
            found.append(Incident.division_code.startswith(stem(self.division_code), autoescape=True))
        if self.sector is not None:
            found.append(Incident.sector == self.sector)
        if self.occurred_from is not None:
            found.append(Incident.occurred_at >= self.occurred_from)
        if self.occurred_to is not None:
            found.append(Incident.occurred_at < self.occurred_to)
        return found


class PlanRef(YingjiModel):
    id: str
    title: str


class AssessmentRead(YingjiModel):
    plan_id: str
    plan_title: str
    grade: int | None
    grade_label: str | None
    provisional: bool
    in_scope: bool
    response_level: int | None
    response_level_name: str | None
    decided_by: str | None
    lead_body: str | None
    release_authority: str | None
    upgrade_to: int | None
    basis: list[dict[str, Any]]


class ObligationRead(YingjiModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: int
    plan_id: str
    kind: ObligationKind
    kind_label: str
    from_body: str = Field(alias="from")
    to_body: str = Field(alias="to")
    form: str
    form_label: str
    due_at: datetime | None
    acknowledged_at: datetime | None = Field(description="登记时间")
    acknowledged_by: str | None = Field(description="登记账号")
    acknowledged_as: ReceiptRole | None = Field(description="登记身份：接收机关、其上级代为确认、报送机关登记……")
    acknowledged_as_label: str | None
    received_at: datetime | None = Field(description="接报时间（报告实际送达）；迟报据此判断")
    received_by: str | None = Field(description="接报人")
    late: bool
    withdrawn_at: datetime | None
    open: bool = Field(description="尚待报告（未登记、未撤销）：控制台排在最前")
    timing_note: str | None = Field(
        default=None, description="预案只说“立即”时，所用的法定外限，如 原文“立即”，按《条例》第十一条以 2 小时为限"
    )
    record_as: ReceiptRole | None = Field(description="本账号可以何种身份登记接报；为空表示不能登记")
    basis: list[dict[str, Any]]


class ResponseRead(YingjiModel):
    id: int
    plan_id: str
    plan_title: str
    level: int
    level_name: str
    decided_by: str
    started_by: str
    started_at: datetime
    has_onsite_hq: bool
    ended_at: datetime | None
    ended_by: str | None
    allowed_actions: list[ResponseAction]


class IncidentBase(YingjiModel):
    """What every view of an incident names: codes with their words."""

    id: int
    title: str
    division_code: str
    division_name: str
    sector: AccidentSector
    sector_label: str
    status: IncidentStatus
    status_label: str
    occurred_at: datetime
    plan_ids: list[str]
    plans: list[PlanRef]


class IncidentSummary(IncidentBase):
    """One row of the incident register."""

    late: int = Field(description="迟报的报告义务数")


class FollowUpRead(YingjiModel):
    """The next 续报 expected while a response runs (the interval is a platform default; the plans say 及时续报)."""

    due_at: datetime
    last_report_at: datetime
    overdue: bool
    contents: list[str] = Field(description="预案要求续报包含的内容")
    note: str = Field(description="时限的来历")
    basis: list[dict[str, Any]]


class IncidentRead(IncidentBase):
    """Everything a duty officer needs on one screen, with what this caller may do now."""

    accident_type: str | None
    known_at: datetime | None
    lon: float | None = Field(description="事发位置经度（WGS-84）")
    lat: float | None
    facts: dict[str, Any]
    plan_override: dict[str, Any] | None
    assessments: list[AssessmentRead]
    obligations: list[ObligationRead]
    responses: list[ResponseRead]
    follow_up: FollowUpRead | None = Field(description="下一次续报（响应期间）")
    allowed_actions: list[IncidentAction]
    startable_levels: dict[str, list[int]] = Field(description="本账号可启动的预案及级别")


class ObligationAck(YingjiModel):
    id: int
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    acknowledged_as: ReceiptRole | None
    received_at: datetime | None
    received_by: str | None
    late: bool


class ResponseStarted(YingjiModel):
    id: int
    level: int
    has_onsite_hq: bool
    decided_by: str


class EndConditionRead(YingjiModel):
    response_id: int
    condition: str
    confirmed_by: str
    confirmed_at: datetime


# --- lists of one incident: tasks, reports, timeline, dispatch ------------------------------------------------------


class TaskFilters(Filters):
    group: str | None = Field(
        default=None, max_length=60, description="工作组名称，或 响应级别行动、成员单位职责（无工作组的任务）"
    )
    state: TaskStatus | None = None
    response_id: RowId | None = None


class TaskRead(YingjiModel):
    """One task of a response: who owns it, where it came from, its state, and whether this caller may update it."""

    id: int
    response_id: int
    source: TaskSource
    source_label: str
    group: str | None = Field(description="工作组（按预案）")
    group_label: str = Field(description="任务所属的分组：工作组，或 响应级别行动、成员单位职责")
    owner_unit: str
    liaison: str | None = Field(description="责任单位登记的应急联络员及手机（预案建立联络员制度的）")
    title: str
    assignee: str | None = Field(description="承办人")
    due_at: datetime | None = Field(description="完成时限")
    overdue: bool = Field(description="已过完成时限而未完成")
    status: TaskStatus
    status_label: str
    notes: str | None
    updated_at: datetime
    updated_by: str
    allowed_actions: list[TaskAction]


class ReportFilters(Filters):
    kind: ReportKind | None = None


class FactLine(YingjiModel):
    key: str
    label: str
    text: str


class ReportRead(YingjiModel):
    id: int
    kind: ReportKind
    kind_label: str
    submitted_by: str
    submitted_at: datetime
    content: dict[str, Any]
    facts: dict[str, Any]
    fact_lines: list[FactLine] = Field(description="伤亡与情形，按报告中的中文名称")


class TimelineFilters(Filters):
    kind: str | None = Field(
        default=None, pattern=r"^[a-z_.]{2,40}$", description="事项类别，如 dispatch；response 含全部 response.* 事项"
    )
    newest_first: bool = Field(default=False, description="新的在前（默认按顺序，旧的在前）")


class TimelineEventRead(YingjiModel):
    seq: int
    at: datetime
    actor: str
    kind: str
    kind_label: str
    summary: str
    data: dict[str, Any]


class DispatchRead(YingjiModel):
    id: int
    resource_kind: ResourceKind
    resource_kind_label: str
    resource_id: int
    resource_name: str
    note: str | None
    dispatched_by: str
    dispatched_at: datetime


class SuggestionFilters(Filters):
    kind: ResourceKind | None = None
    specialty: str | None = Field(default=None, max_length=20, description="专家专业")


class DispatchSuggestionRead(ResourceHitRead):
    """A resource near the incident, nearest first (the mine's contracted rescue team leads)."""

    allowed_actions: list[IncidentAction]


class PhotoRead(YingjiModel):
    """A site photo carried by a 续报 (the image itself at ``url``)."""

    id: int
    report_id: int
    filename: str
    content_type: str
    size: int
    uploaded_by: str
    created_at: datetime
    url: str


# --- 后期处置 (post-event records) -----------------------------------------------------------------------------------

Body = Annotated[str, Field(min_length=1, max_length=120)]
People = Annotated[int, Field(ge=0, le=10_000_000)]
Yuan = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), max_digits=15, decimal_places=2)]
Note = Annotated[str | None, Field(max_length=2000)]


class VerificationIn(YingjiModel):
    """灾情核定 (003#L6 5.3): the verified account of losses, after the response has ended; the basis of relief."""

    kind: Literal["verification"]
    body: Body = Field(description="核定单位，如 市应急管理局会同有关单位")
    deaths: People = Field(default=0, description="死亡人数")
    missing: People = Field(default=0, description="失踪人数")
    injured: People = Field(default=0, description="受伤人数")
    affected_people: People = Field(default=0, description="受灾人口")
    relocated_people: People = Field(default=0, description="紧急转移安置人口")
    houses_collapsed: People = Field(default=0, description="倒塌房屋（间）")
    houses_damaged: People = Field(default=0, description="损坏房屋（间）")
    crop_hectares: Annotated[Decimal, Field(ge=0, le=Decimal("1e9"), max_digits=12, decimal_places=2)] = Field(
        default=Decimal(0), description="农作物受灾面积（公顷）"
    )
    direct_loss_10k_yuan: Yuan = Field(default=Decimal(0), description="直接经济损失（万元）")
    note: Note = None


class ReliefIn(YingjiModel):
    """A relief or after-care measure (003#L6 5.4 救助、卫生防疫、保险理赔、灾后重建; 5.1 对口支援)."""

    kind: Literal["relief"]
    body: Body = Field(description="实施单位")
    category: ReliefCategory
    content: Annotated[str, Field(min_length=1, max_length=2000, description="内容")]
    beneficiaries: People | None = Field(default=None, description="受助人数")
    amount_yuan: Yuan | None = Field(default=None, description="金额（元）")
    on: date = Field(description="日期")


class RequisitionIn(YingjiModel):
    """Property requisitioned for the rescue: to be returned, or compensated if destroyed or lost (003#L6 5.5)."""

    kind: Literal["requisition"]
    body: Body = Field(description="实施征用的人民政府或单位")
    item: Annotated[str, Field(min_length=1, max_length=200, description="被征用的房屋、运输工具、通信设备等")]
    owner: Body = Field(description="被征用单位或个人")
    on: date = Field(description="征用日期")


AftermathIn = Annotated[VerificationIn | ReliefIn | RequisitionIn, Field(discriminator="kind")]


class SettleIn(YingjiModel):
    outcome: Literal["returned", "compensated"] = Field(description="returned 已归还；compensated 毁损、灭失已补偿")
    on: date = Field(description="归还或补偿日期")
    compensation_yuan: Yuan | None = Field(default=None, description="补偿金额（元），补偿时必填")
    note: Note = None


class AftermathLine(YingjiModel):
    label: str
    text: str


class AftermathRead(YingjiModel):
    """One post-event record with its details as labelled lines, and what this caller may do with it."""

    id: int
    kind: AftermathKind
    kind_label: str
    status: AftermathStatus
    status_label: str
    body: str
    summary: str = Field(description="一句话摘要")
    lines: list[AftermathLine]
    recorded_by: str
    recorded_at: datetime
    settled_by: str | None
    settled_at: datetime | None
    allowed_actions: list[AftermathAction]


class AftermathFilters(Filters):
    kind: AftermathKind | None = None
    status: AftermathStatus | None = None

"""Recurring duties over HTTP: what a unit submits, the filters of the calendar, and the read models (names beside
the codes, the computed state, what the caller may do)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from yingji.core.labels import LabelledEnum
from yingji.core.paging import Filters
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.duties.schema import DutyKind, Form
from yingji.rules.duties import Cadence, DutyState

Text = Annotated[str, Field(min_length=2, max_length=4000)]
MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"  # 2026-11
PERIOD_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2]|W(0[1-9]|[1-4]\d|5[0-3]))$"  # a month or an ISO week (2026-W48)


class InstanceAction(LabelledEnum):
    SUBMIT = "submit", "报送"
    ATTACH = "attach", "上传附件"
    WAIVE = "waive", "免报"


class RankingAction(LabelledEnum):
    ISSUE_BULLETIN = "issue_bulletin", "发布月通报"


class SubmissionIn(YingjiModel):
    """本单位报送：调度表填“本周进展”；工作报告按附件3填四部分；检查、演练、会议记录填开展日期和情况。"""

    held_on: date | None = Field(default=None, description="开展日期（检查、演练、会议记录必填，须在本期内）")
    summary: Text = Field(description="本周进展 / 总体情况和经验做法 / 开展情况")
    tasks_note: Annotated[str, Field(max_length=4000)] | None = Field(
        default=None, description="重点指标任务进展补充说明（工作报告）"
    )
    problems: Annotated[str, Field(max_length=4000)] | None = Field(default=None, description="存在的问题和困难")
    next_steps: Annotated[str, Field(max_length=4000)] | None = Field(default=None, description="近期工作安排")


class WaiveIn(YingjiModel):
    reason: Annotated[str, Field(min_length=2, max_length=500, description="免报理由")]


class BulletinIn(YingjiModel):
    month: Annotated[str, Field(pattern=MONTH_PATTERN, description="通报月份，如 2026-11")]
    note: Annotated[str, Field(max_length=2000)] | None = Field(default=None, description="通报说明")


class InstanceFilters(Filters):
    file: str | None = Field(default=None, max_length=64, description="任务清单编号")
    duty: str | None = Field(default=None, max_length=100, description="任务编号（清单/任务）")
    unit_id: RowId | None = Field(default=None, description="承担单位")
    kind: DutyKind | None = None
    state: DutyState | None = None
    due_from: date | None = Field(default=None, description="期限不早于")
    due_to: date | None = Field(default=None, description="期限不晚于")


class DutyRead(YingjiModel):
    key: str
    file: str
    label: str
    kind: DutyKind
    kind_label: str
    cadence: Cadence
    cadence_label: str
    min_times: int
    due_text: str
    applies_text: str
    department_name: str
    form: Form
    form_label: str
    remind_days: int
    seed: str
    quote: str
    reading: str | None


class SubmissionRead(YingjiModel):
    id: int
    held_on: date | None
    summary: str
    tasks_note: str | None
    problems: str | None
    next_steps: str | None
    submitted_on: date
    is_late: bool
    submitted_by: str


class AttachmentRead(YingjiModel):
    id: int
    filename: str
    content_type: str
    size: int
    url: str


class InstanceRead(YingjiModel):
    id: int
    duty_key: str
    duty_label: str
    kind: DutyKind
    kind_label: str
    cadence_label: str
    form: Form
    form_label: str
    unit_id: int
    unit_name: str
    division_code: str
    division_name: str
    department_name: str
    period_key: str
    period_label: str
    starts_on: date
    ends_on: date
    due_on: date
    remind_on: date
    min_times: int
    submitted: int
    completed_on: date | None
    state: DutyState
    state_label: str
    days_late: int
    waive_reason: str | None
    seed: str
    quote: str
    submissions: list[SubmissionRead]
    attachments: list[AttachmentRead]
    allowed_actions: list[InstanceAction]


class TallyRead(YingjiModel):
    """One unit's (or one department's duties') instances due in the window, by outcome."""

    rank: int | None = None  # 0: nothing settled yet
    unit_id: int | None = None
    name: str
    due: int
    on_time: int
    late: int
    overdue: int
    pending: int
    late_days: int
    rate: float | None = Field(description="按时完成率（%），分母为已到期或已完成的任务")
    is_late: bool


class ComplianceRead(YingjiModel):
    file: str
    title: str
    due_from: date
    due_to: date
    units: list[TallyRead]
    departments: list[TallyRead]


class BulletinRead(YingjiModel):
    id: int
    month: str
    note: str | None
    issued_by: str
    issued_at: datetime
    late_units: list[str]


class RankingRead(YingjiModel):
    """月通报: the month's ranking (晾晒), the late units, and the bulletin once issued."""

    file: str
    title: str
    month: str
    month_label: str
    office_name: str
    rows: list[TallyRead]
    late_units: list[str]
    bulletin: BulletinRead | None
    allowed_actions: list[RankingAction]

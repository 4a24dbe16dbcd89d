"""值班 inputs, read models (names beside codes, the caller's allowed actions) and list filters."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, Field
from sqlalchemy import ColumnElement, or_

from yingji.core import divisions
from yingji.core.divisions import CODE_PATTERN
from yingji.core.labels import LabelledEnum
from yingji.core.paging import Filters
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.duty.models import DutyHandover, DutyLogEntry, DutyShift, HandoverState, LogKind
from yingji.registry.enums import OrganisationKind
from yingji.registry.models import Organisation

Phone = Annotated[str, Field(pattern=r"^[0-9+\-（）() 转]{5,40}$")]
Username = Annotated[str, Field(pattern=r"^[a-z0-9_.-]{3,64}$")]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Note = Annotated[str, Field(max_length=4000)]


class BodyAction(LabelledEnum):
    SCHEDULE = "schedule", "排班"
    WRITE_LOG = "write_log", "记值班日志"
    HAND_OVER = "hand_over", "交班"


class LogAction(LabelledEnum):
    CORRECT = "correct", "更正"


class HandoverAction(LabelledEnum):
    ACCEPT = "accept", "接班确认"
    WITHDRAW = "withdraw", "撤回"


class OpenItemKind(LabelledEnum):
    ALARM = "alarm", "未确认报警"
    CLOCK = "clock", "报告时限"
    INCIDENT = "incident", "未结束事故"


# --- inputs ---------------------------------------------------------------------------------------------------------


class ShiftIn(YingjiModel):
    """一个班次：值班员（本级值班账号）与带班领导。"""

    body_id: RowId = Field(description="值班单位（登记的政府、部门或指挥部办公室）")
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    officer: Username = Field(description="值班员登录名")
    leader_name: Annotated[str, Field(min_length=2, max_length=40)] = Field(description="带班领导")
    leader_phone: Phone | None = None
    note: Note | None = None


class LogEntryIn(YingjiModel):
    """值班日志一条：接报来电、处置情况或记事；更正时写明所更正的条目（原条目保留）。"""

    body_id: RowId
    kind: LogKind
    text: Text
    occurred_at: AwareDatetime | None = Field(default=None, description="发生时间（默认记录时）")
    caller: Annotated[str, Field(max_length=120)] | None = Field(default=None, description="来电单位或来电人")
    caller_phone: Phone | None = None
    corrects_id: RowId | None = Field(default=None, description="所更正的日志条目")


class HandoverIn(YingjiModel):
    """交班：接班人与交班说明；遗留事项由系统在交班时汇总。"""

    body_id: RowId
    to_officer: Username = Field(description="接班值班员登录名")
    note: Note | None = None


class AcceptIn(YingjiModel):
    note: Note | None = Field(default=None, description="接班意见")


# --- reads ----------------------------------------------------------------------------------------------------------


class OpenItem(YingjiModel):
    kind: OpenItemKind
    kind_label: str
    ref_id: int = Field(description="报警、事故的编号（时限：所属事故）")
    title: str
    detail: str
    at: datetime | None = Field(description="报警时间、时限截止时间或事故发生时间")
    overdue: bool = False
    link: str


class OpenItems(YingjiModel):
    """Open items of a body's jurisdiction at one moment: what a handover carries to the next officer."""

    as_of: datetime
    alarms: int = Field(description="未确认报警")
    clocks: int = Field(description="未完成的报告时限")
    overdue_clocks: int = Field(description="其中已超时")
    incidents: int = Field(description="未结束的事故")
    items: list[OpenItem] = Field(description="每类最多 50 条：最紧急的报警、最近到期的时限、最新的事故")


class ShiftRead(YingjiModel):
    id: int
    body_id: int
    body_name: str
    starts_at: datetime
    ends_at: datetime
    officer: str
    officer_name: str
    leader_name: str
    leader_phone: str | None
    note: str | None
    on_now: bool
    created_by: str
    created_at: datetime


class DutyBodyRead(YingjiModel):
    """A body with a duty desk: who is on duty now, the next shift, and what the caller may do there."""

    id: int
    name: str
    kind: OrganisationKind
    kind_label: str
    division_code: str
    division_name: str
    duty_phone: str | None
    on_duty: ShiftRead | None
    next_shift: ShiftRead | None
    pending_handover_id: int | None
    allowed_actions: list[BodyAction]


class LogEntryRead(YingjiModel):
    id: int
    body_id: int
    body_name: str
    kind: LogKind
    kind_label: str
    occurred_at: datetime
    recorded_at: datetime
    text: str
    caller: str | None
    caller_phone: str | None
    officer: str
    officer_name: str
    corrects_id: int | None
    corrected_by: list[int] = Field(description="更正本条的日志条目")
    allowed_actions: list[LogAction]


class HandoverRead(YingjiModel):
    id: int
    body_id: int
    body_name: str
    state: HandoverState
    state_label: str
    from_officer: str
    from_officer_name: str
    to_officer: str
    to_officer_name: str
    note: str | None
    items: OpenItems
    handed_at: datetime
    accepted_at: datetime | None
    accept_note: str | None
    withdrawn_at: datetime | None
    allowed_actions: list[HandoverAction]


class KeeperRead(YingjiModel):
    """An account that may keep duty for a body (a duty officer or commander of its division)."""

    username: str
    display_name: str
    role_label: str


class ContactRead(YingjiModel):
    """通讯录: a unit of the registry with its duty phone and contact."""

    id: int
    name: str
    kind: OrganisationKind
    kind_label: str
    division_code: str
    division_name: str
    duty_phone: str | None
    contact_person: str | None
    contact_phone: str | None
    address: str | None


# --- filters --------------------------------------------------------------------------------------------------------


class BodyFilters(Filters):
    q: str | None = Field(default=None, max_length=60, description="名称包含")
    division: str | None = Field(default=None, pattern=CODE_PATTERN, description="行政区划代码（含下级）")

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.q:
            found.append(Organisation.name.contains(self.q, autoescape=True))
        if self.division is not None:
            found.append(Organisation.division_code.startswith(divisions.stem(self.division), autoescape=True))
        return found


class ShiftFilters(Filters):
    body: RowId | None = Field(default=None, description="值班单位")
    ends_after: AwareDatetime | None = Field(default=None, description="结束时间晚于（默认全部）")
    starts_before: AwareDatetime | None = Field(default=None, description="开始时间早于")

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.body is not None:
            found.append(DutyShift.body_id == self.body)
        if self.ends_after is not None:
            found.append(DutyShift.ends_at > self.ends_after)
        if self.starts_before is not None:
            found.append(DutyShift.starts_at < self.starts_before)
        return found


class LogFilters(Filters):
    body: RowId | None = Field(default=None, description="值班单位")
    kind: LogKind | None = None
    officer: str | None = Field(default=None, max_length=64)

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.body is not None:
            found.append(DutyLogEntry.body_id == self.body)
        if self.kind is not None:
            found.append(DutyLogEntry.kind == self.kind)
        if self.officer is not None:
            found.append(DutyLogEntry.officer == self.officer)
        return found


class HandoverFilters(Filters):
    body: RowId | None = Field(default=None, description="值班单位")
    state: HandoverState | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.body is not None:
            found.append(DutyHandover.body_id == self.body)
        if self.state is not None:
            found.append(DutyHandover.state == self.state)
        return found


class ContactFilters(Filters):
    q: str | None = Field(default=None, max_length=60, description="单位、联系人或电话包含")
    kind: OrganisationKind | None = None
    division: str | None = Field(default=None, pattern=CODE_PATTERN, description="行政区划代码（含下级）")

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.q:
            found.append(
                or_(
                    Organisation.name.contains(self.q, autoescape=True),
                    Organisation.contact_person.contains(self.q, autoescape=True),
                    Organisation.duty_phone.contains(self.q, autoescape=True),
                    Organisation.contact_phone.contains(self.q, autoescape=True),
                )
            )
        if self.kind is not None:
            found.append(Organisation.kind == self.kind)
        if self.division is not None:
            found.append(Organisation.division_code.startswith(divisions.stem(self.division), autoescape=True))
        return found

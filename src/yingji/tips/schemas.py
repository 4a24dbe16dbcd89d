"""Tip read models (the reporter masked for all but the handler) and the list's filters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pydantic import Field
from sqlalchemy import ColumnElement, or_

from yingji.core import divisions
from yingji.core.clock import LOCAL_TZ
from yingji.core.divisions import CODE_PATTERN
from yingji.core.paging import Filters
from yingji.core.schemas import YingjiModel
from yingji.rules.tips import TipAction, TipState
from yingji.tips.models import Tip, TipChannel


class TipFilters(Filters):
    q: str | None = Field(default=None, max_length=60, description="检索被举报单位或场所、举报内容")
    state: TipState | None = None
    channel: TipChannel | None = None
    division: str | None = Field(default=None, pattern=CODE_PATTERN, description="行政区划代码（含下级）")
    received_from: date | None = Field(default=None, description="收到日期不早于")
    received_to: date | None = Field(default=None, description="收到日期不晚于")

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.q:  # never the reporter's name or phone: a search must not reveal who reported
            found.append(
                or_(Tip.subject.contains(self.q, autoescape=True), Tip.description.contains(self.q, autoescape=True))
            )
        if self.state is not None:
            found.append(Tip.state == self.state)
        if self.channel is not None:
            found.append(Tip.channel == self.channel)
        if self.division is not None:
            found.append(Tip.division_code.startswith(divisions.stem(self.division), autoescape=True))
        if self.received_from is not None:
            found.append(Tip.received_at >= datetime.combine(self.received_from, time(), LOCAL_TZ))
        if self.received_to is not None:
            found.append(Tip.received_at < datetime.combine(self.received_to + timedelta(days=1), time(), LOCAL_TZ))
        return found


class TipRead(YingjiModel):
    """A tip as this caller may see it, with the steps it may take now."""

    id: int
    channel: TipChannel
    channel_label: str
    division_code: str
    division_name: str
    organisation_id: int | None
    organisation_name: str | None
    subject: str
    description: str
    reporter_name: str | None = Field(description="举报人（仅经办人可见，其他人为“（保密）”）")
    reporter_phone: str | None
    anonymous: bool
    state: TipState
    state_label: str
    handler: str | None
    substantiated: bool | None
    verification: str | None
    hazard_id: int | None
    answer: str | None
    reward_yuan: str | None
    reward_note: str | None
    reward_cap_yuan: str | None = Field(description="适用的举报奖励规则给出的上限（元）；无上限或未配置时为空")
    reward_basis: list[str] = Field(description="适用的举报奖励规则条款")
    received_at: datetime
    closed_at: datetime | None
    allowed_actions: list[TipAction]


class TipReceipt(YingjiModel):
    """What the public form answers: the receipt code to follow the tip with."""

    tracking_code: str
    state: TipState
    state_label: str


class TipPublicStatus(YingjiModel):
    """What a reporter sees with the receipt code: never the verification details or anyone's identity."""

    state: TipState
    state_label: str
    received_at: datetime
    answer: str | None

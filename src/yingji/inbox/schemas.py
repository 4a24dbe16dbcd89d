"""Inbox read models."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from yingji.core.schemas import YingjiModel
from yingji.inbox.models import NoticeKind


class NoticeRead(YingjiModel):
    id: int
    kind: NoticeKind
    kind_label: str
    title: str
    body: str
    url: str | None = Field(description="控制台中打开的页面")
    created_at: datetime
    read: bool


class NoticesRead(YingjiModel):
    """One page of the inbox, newest first, with the unread count the bell shows."""

    items: list[NoticeRead]
    total: int
    limit: int
    offset: int
    unread: int


class MarkedRead(YingjiModel):
    marked: int = Field(description="本次标为已读的条数")

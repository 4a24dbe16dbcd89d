"""Audit read models and the log's filters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field
from sqlalchemy import ColumnElement

from yingji.audit.models import AuditEntry
from yingji.core.paging import Filters
from yingji.core.schemas import YingjiModel


class AuditFilters(Filters):
    """What the log is narrowed by: the target, who acted, the action (or its prefix, e.g. ``registry.``), a period."""

    target_kind: str | None = Field(default=None, max_length=60, description="对象类别，如 mines、user")
    target_key: str | None = Field(default=None, max_length=120, description="对象编号或名称")
    actor: str | None = Field(default=None, max_length=120, description="操作账号")
    action: str | None = Field(
        default=None, max_length=80, description="操作（以其开头，如 registry. 或 users.disable）"
    )
    since: datetime | None = Field(default=None, description="不早于（含时区）")
    until: datetime | None = Field(default=None, description="早于（含时区）")

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.target_kind is not None:
            found.append(AuditEntry.target_kind == self.target_kind)
        if self.target_key is not None:
            found.append(AuditEntry.target_key == self.target_key)
        if self.actor is not None:
            found.append(AuditEntry.actor == self.actor)
        if self.action is not None:
            found.append(AuditEntry.action.startswith(self.action, autoescape=True))
        if self.since is not None:
            found.append(AuditEntry.at >= self.since)
        if self.until is not None:
            found.append(AuditEntry.at < self.until)
        return found


class AuditEntryRead(YingjiModel):
    seq: int = Field(description="序号（连续；缺号即有条目被删除）")
    at: datetime
    actor: str
    action: str
    target_kind: str
    target_key: str
    detail: dict[str, Any] | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str
    key_id: str | None = Field(description="签名密钥编号（空：启用签名之前的条目）")


class VerificationRead(YingjiModel):
    ok: bool
    entries: int
    problems: list[str] = Field(description="被修改、伪造或删除的条目与回滚")
    keyed_from: int | None = Field(description="第一条签名条目的序号")
    checkpoint: int | None = Field(description="比对的检查点序号")
    notes: list[str]

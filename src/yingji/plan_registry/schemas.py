"""Plan-registry read models (each plan with its legal calendar and allowed actions) and the list's filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field
from sqlalchemy import ColumnElement, or_

from yingji.core import divisions
from yingji.core.divisions import CODE_PATTERN
from yingji.core.paging import Filters
from yingji.core.schemas import YingjiModel
from yingji.plan_registry.models import ActivityKind, HolderKind, PlanRecord, PlanType
from yingji.plan_registry.policy import PlanRecordAction


class PlanRecordFilters(Filters):
    q: str | None = Field(default=None, max_length=60, description="检索预案名称、文号、持有者")
    division: str | None = Field(default=None, pattern=CODE_PATTERN, description="行政区划代码（含下级）")
    holder_kind: HolderKind | None = None
    plan_type: PlanType | None = None
    overdue: bool = Field(default=False, description="只列有逾期事项的预案")
    issued_from: date | None = Field(default=None, description="印发日期不早于")
    issued_to: date | None = Field(default=None, description="印发日期不晚于")

    def clauses(self) -> list[ColumnElement[bool]]:
        """Every filter but ``overdue`` (computed from the calendar: the service applies it)."""
        found: list[ColumnElement[bool]] = []
        if self.q:
            found.append(
                or_(
                    PlanRecord.title.contains(self.q, autoescape=True),
                    PlanRecord.doc_no.contains(self.q, autoescape=True),
                    PlanRecord.holder_name.contains(self.q, autoescape=True),
                )
            )
        if self.division is not None:
            found.append(PlanRecord.division_code.startswith(divisions.stem(self.division), autoescape=True))
        if self.holder_kind is not None:
            found.append(PlanRecord.holder_kind == self.holder_kind)
        if self.plan_type is not None:
            found.append(PlanRecord.plan_type == self.plan_type)
        if self.issued_from is not None:
            found.append(PlanRecord.issued_on >= self.issued_from)
        if self.issued_to is not None:
            found.append(PlanRecord.issued_on <= self.issued_to)
        return found


class DueRead(YingjiModel):
    on: date | None
    done_on: date | None
    overdue: bool
    provisional: bool = Field(description="跨越尚未公布节假日安排的年份，期限为推算")


class PlanRecordRead(YingjiModel):
    """A registered plan with its filing deadline, next drill and evaluation, and what the caller may record."""

    id: int
    title: str
    doc_no: str | None
    holder: str
    holder_kind: HolderKind
    holder_kind_label: str
    division_code: str
    division_name: str
    plan_type: PlanType
    plan_type_label: str
    issued_on: date
    bundled_plan_id: str | None = Field(description="内置预案编号（如有）")
    cadence: str
    filing: DueRead
    next_drill: DueRead
    next_evaluation: DueRead
    overdue: list[str] = Field(description="逾期事项：备案、演练、评估")
    basis: list[dict[str, Any]]
    allowed_actions: list[PlanRecordAction]


class ActivityRead(YingjiModel):
    kind: ActivityKind
    kind_label: str
    on: date
    detail: str
    note: str | None
    actor: str


class PlanRecordDetail(PlanRecordRead):
    activities: list[ActivityRead]

"""Request bodies of /api/programmes and /api/rehab: strict, bounded, with Chinese field errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from yingji.core.divisions import CODE_PATTERN
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
DivisionCode = Annotated[str, Field(pattern=CODE_PATTERN)]
IdNumber = Annotated[str, Field(pattern=r"^\d{17}[\dX]$")]  # 公民身份号码 GB 11643
Fact = bool | Annotated[float, Field(allow_inf_nan=False, ge=0, le=1000)]


class RoundIn(YingjiModel):
    programme: Short
    number: Annotated[int, Field(ge=1, le=1000)]
    title: Name
    approval_ref: Name
    approved_on: date
    notice_on: date
    apply_until: date

    @model_validator(mode="after")
    def _order(self) -> RoundIn:
        if self.notice_on < self.approved_on:
            raise ValueError("notice_on：申报通知须在实施方案批准之后发布")
        if self.apply_until < self.notice_on:
            raise ValueError("apply_until：申报截止日不能早于通知发布日")
        return self


class EventIn(YingjiModel):
    kind: Key
    on: date
    note: Annotated[str, StringConstraints(max_length=200)] | None = None


class PersonIn(YingjiModel):
    id_number: IdNumber
    birth_year: Annotated[int, Field(ge=1900, le=2100)]
    ethnicity: Short | None = None


class ApplicationIn(YingjiModel):
    round_id: RowId
    subject_name: Name | None = None  # enterprises: taken from the registry
    organisation_id: RowId | None = None
    person: PersonIn | None = None
    division_code: DivisionCode | None = None
    category: Short | None = None
    item_name: Name | None = None
    facts: dict[Key, Fact] = Field(default_factory=dict, max_length=40)
    events: list[EventIn] = Field(default_factory=list, max_length=100)
    materials: list[Key] = Field(default_factory=list, max_length=40)


class ResubmitIn(YingjiModel):
    facts: dict[Key, Fact] = Field(default_factory=dict, max_length=40)
    events: list[EventIn] = Field(default_factory=list, max_length=100)
    materials: list[Key] = Field(default_factory=list, max_length=40)


class AdvanceIn(YingjiModel):
    outcome: Literal["pass", "return", "reject"] = "pass"
    reason: Text | None = None
    expected_stage: Key | None = None  # guards against acting on a stage someone else has just moved

    @model_validator(mode="after")
    def _reason(self) -> AdvanceIn:
        if self.outcome != "pass" and self.reason is None:
            raise ValueError("reason：退回或不予通过须说明理由")
        return self


class SelectIn(YingjiModel):
    winners: list[RowId] = Field(default_factory=list, max_length=200)
    reason: Text


class ObjectionIn(YingjiModel):
    objector: Short
    contact: Short | None = None
    written: bool
    content: Text
    received_on: date | None = None


class ResolveIn(YingjiModel):
    upheld: bool
    reply: Text


class MemberIn(YingjiModel):
    expert_id: RowId
    username: Short | None = None
    leader: bool = False


class PanelIn(YingjiModel):
    panel: Key
    members: list[MemberIn] = Field(min_length=1, max_length=60)


class DrawIn(YingjiModel):
    panel: Key
    exclude: list[RowId] = Field(default_factory=list, max_length=200)


class RecusalIn(YingjiModel):
    application_id: int
    reason: Text


class ScoreIn(YingjiModel):
    score: Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
    opinion: Text


class PoolMemberIn(YingjiModel):
    expert_id: RowId
    username: Short | None = None
    categories: list[Short] = Field(default_factory=list, max_length=10)
    qualifications: list[Key] = Field(default_factory=list, max_length=10)
    appointed_on: date


class RevokeIn(YingjiModel):
    ground: Key
    event_on: date
    reason: Text


class EndIn(YingjiModel):
    kind: Literal["deceased", "waived", "honorary"]
    on: date
    reason: Text


class EvaluationIn(YingjiModel):
    year: Annotated[int, Field(ge=2000, le=2100)]
    grade: Key
    circumstances: list[Key] = Field(default_factory=list, max_length=10)
    remarks: Text | None = None


class VisitIn(YingjiModel):
    visited_on: date
    notes: Text


class PastTitleIn(YingjiModel):
    """A title conferred before the platform (for the re-application gap and revocation windows)."""

    organisation_id: RowId | None = None
    subject_name: Name | None = None
    division_code: DivisionCode | None = None
    round_number: Annotated[int, Field(ge=1, le=1000)]
    conferred_on: date
    category: Short | None = None
    item_name: Name | None = None
    birth_year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    id_number: IdNumber | None = None

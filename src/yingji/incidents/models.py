"""Incident tables: the incident, its reports, assessments per plan, statutory obligations, responses, tasks, the
end-condition checklist, dispatches, and the append-only timeline.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.db.base import Base, str_enum
from yingji.incidents.enums import (
    AccidentSector,
    AftermathKind,
    AftermathStatus,
    IncidentStatus,
    ObligationKind,
    TaskSource,
    TaskStatus,
)
from yingji.plans.schema import ReportKind


class Incident(Base):
    """突发事件: one accident as the platform tracks it; counts hold the latest reported facts (None = unknown)."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    sector: Mapped[AccidentSector] = mapped_column(str_enum(AccidentSector))
    accident_type: Mapped[str | None] = mapped_column(String(40))  # 事故类别，如 透水、冒顶片帮
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    mine_id: Mapped[int | None] = mapped_column(ForeignKey("mine.id"))
    lon: Mapped[float | None]
    lat: Mapped[float | None]
    occurred_at: Mapped[datetime]
    known_at: Mapped[datetime]  # 事故现场有关人员知悉：报告时限由此起算
    status: Mapped[IncidentStatus] = mapped_column(str_enum(IncidentStatus))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan_ids: Mapped[list[str]] = mapped_column(JSON)  # 适用预案（每级政府一部）
    plan_override: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {plan_ids, reason, by, at}
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("early_warning.id"), unique=True)  # 气象灾害: its warning
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime]


class Report(Base):
    """信息报告: 初报 / 续报 / 终报; a submitter's client key makes a repeated submission return the same record."""

    __tablename__ = "incident_report"
    __table_args__ = (UniqueConstraint("submitted_by", "client_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    kind: Mapped[ReportKind] = mapped_column(str_enum(ReportKind))
    client_key: Mapped[str] = mapped_column(String(80))
    body_hash: Mapped[str | None] = mapped_column(String(64))  # a repeat with another body is a conflict
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_by: Mapped[str] = mapped_column(String(120))
    submitted_at: Mapped[datetime]


class Assessment(Base):
    """The rule core's answer under one plan after one report, stored with its basis."""

    __tablename__ = "incident_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("incident_report.id"))
    plan_id: Mapped[str] = mapped_column(String(64))
    grade: Mapped[int]
    provisional: Mapped[bool]
    in_scope: Mapped[bool]
    response_level: Mapped[int | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    lead_body: Mapped[str | None] = mapped_column(String(200))
    release_authority: Mapped[str | None] = mapped_column(String(200))
    upgrade_to: Mapped[int | None]
    basis: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    assessed_at: Mapped[datetime]


class Obligation(Base):
    """A statutory clock: who must tell whom (or deliver what) by when; acknowledged with who/when."""

    __tablename__ = "incident_obligation"
    __table_args__ = (UniqueConstraint("incident_id", "plan_id", "kind", "from_body", "to_body", "form"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    plan_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[ObligationKind] = mapped_column(str_enum(ObligationKind))
    from_body: Mapped[str] = mapped_column(String(200))
    to_body: Mapped[str] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(16))  # any / phone / written / document
    due_at: Mapped[datetime | None] = mapped_column(index=True)  # None: the plan sets no time (“及时”)
    window_minutes: Mapped[int | None]
    acknowledged_at: Mapped[datetime | None]  # when the receipt was recorded
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))  # the account that recorded it
    acknowledged_as: Mapped[str | None] = mapped_column(String(24))  # ReceiptRole: receiver, superior …
    received_at: Mapped[datetime | None]  # when the report actually arrived (entered): 迟报 is judged on this
    received_by: Mapped[str | None] = mapped_column(String(60))  # who took it (接报人)
    overdue_flagged_at: Mapped[datetime | None]  # set once by the clock checker: 迟报
    reminded_at: Mapped[datetime | None]  # set once when the reminder before the due time went out
    withdrawn_at: Mapped[datetime | None]  # no longer required (grade fell, or the plan no longer applies)
    basis: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class ResponseRecord(Base):
    """An emergency response started under one plan at one level; ended only by its starter."""

    __tablename__ = "incident_response"
    __table_args__ = (
        # At most one active response per plan: a concurrent second start fails instead of doubling the command.
        Index(
            "uq_incident_response_active",
            "incident_id",
            "plan_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    plan_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[int]
    started_level: Mapped[int]  # 谁启动谁终止: the body that decided this level ends the response
    decided_by: Mapped[str] = mapped_column(String(200))  # the body, from the plan
    started_by: Mapped[str] = mapped_column(String(120))  # the account that acted for it
    started_at: Mapped[datetime]
    has_onsite_hq: Mapped[bool]
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(120))


class Task(Base):
    """A duty that became work: owner unit, the person carrying it out and by when, status, notes."""

    __tablename__ = "incident_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("incident_response.id"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    source: Mapped[TaskSource] = mapped_column(str_enum(TaskSource))
    group_name: Mapped[str | None] = mapped_column(String(60))
    owner_unit: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    assignee: Mapped[str | None] = mapped_column(String(120))  # 承办人: a person of the owner unit, named by the HQ
    due_at: Mapped[datetime | None]  # 完成时限 set by the HQ (the plans give duties, not times)
    status: Mapped[TaskStatus] = mapped_column(str_enum(TaskStatus))
    notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(120))


class EndConditionCheck(Base):
    """One confirmed end condition (应急结束条件) of a response, with who confirmed it and when."""

    __tablename__ = "incident_end_check"
    __table_args__ = (UniqueConstraint("response_id", "condition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("incident_response.id"), index=True)
    condition: Mapped[str] = mapped_column(String(200))
    confirmed_by: Mapped[str] = mapped_column(String(120))
    confirmed_at: Mapped[datetime]


class Dispatch(Base):
    """A resource sent to the incident (rescue team, expert, depot materials)."""

    __tablename__ = "incident_dispatch"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    resource_kind: Mapped[str] = mapped_column(String(20))
    resource_id: Mapped[int]
    resource_name: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    dispatched_by: Mapped[str] = mapped_column(String(120))
    dispatched_at: Mapped[datetime]


class TimelineEvent(Base):
    """时间线: an ordered, append-only record of everything that happened to an incident."""

    __tablename__ = "incident_event"
    __table_args__ = (UniqueConstraint("incident_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    seq: Mapped[int]
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)  # 中文摘要
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class ReportPhoto(Base):
    """A photo from the site carried by a 续报 (taken with the phone's camera): kept in the database like the hazards'
    attachments, so it commits (or not) with the record it belongs to."""

    __tablename__ = "incident_report_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("incident_report.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime]


class Aftermath(Base):
    """One post-event record: a verified loss account (灾情核定), a relief measure, or a requisitioned item that must
    be returned or compensated (征用补偿). The typed details are validated by the schemas and kept as JSON."""

    __tablename__ = "incident_aftermath"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    kind: Mapped[AftermathKind] = mapped_column(str_enum(AftermathKind))
    status: Mapped[AftermathStatus] = mapped_column(str_enum(AftermathStatus))
    body: Mapped[str] = mapped_column(String(120))  # the unit that verified, gave relief or requisitioned
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]
    settlement: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    settled_by: Mapped[str | None] = mapped_column(String(120))
    settled_at: Mapped[datetime | None]

"""Plan-registry read models: the legal calendar per plan, division names and activities in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date

from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.calendars.service import work_calendar
from yingji.core import xlsx
from yingji.plan_registry import policy, service
from yingji.plan_registry.models import PlanRecord
from yingji.plan_registry.schemas import ActivityRead, DueRead, PlanRecordDetail, PlanRecordRead
from yingji.registry import divisions


def read_all(db_session: Session, actor: Actor, records: Sequence[PlanRecord], today: date) -> list[PlanRecordRead]:
    """A page of plans: one query for their latest activities, one for the division names, one work calendar."""
    last = service.last_activities(db_session, [r.id for r in records])
    names = divisions.names(db_session, (r.division_code for r in records))
    work = work_calendar(db_session=db_session)
    rows = []
    for record in records:
        due = service.calendar_of(record, last, work, today)
        rows.append(
            PlanRecordRead(
                id=record.id,
                title=record.title,
                doc_no=record.doc_no,
                holder=record.holder_name,
                holder_kind=record.holder_kind,
                holder_kind_label=record.holder_kind.label,
                division_code=record.division_code,
                division_name=names.get(record.division_code, record.division_code),
                plan_type=record.plan_type,
                plan_type_label=record.plan_type.label,
                issued_on=record.issued_on,
                bundled_plan_id=record.bundled_plan_id,
                cadence=due.cadence.id,
                filing=DueRead(**asdict(due.filing)),
                next_drill=DueRead(**asdict(due.next_drill)),
                next_evaluation=DueRead(**asdict(due.next_evaluation)),
                overdue=service.overdue_items(due),
                basis=[b.as_dict() for b in due.cadence.basis],
                allowed_actions=policy.actions(actor, record),
            )
        )
    return rows


def detail(db_session: Session, actor: Actor, record: PlanRecord, today: date) -> PlanRecordDetail:
    return PlanRecordDetail(
        **read_all(db_session, actor, [record], today)[0].model_dump(),
        activities=[
            ActivityRead(kind=a.kind, kind_label=a.kind.label, on=a.on, detail=a.detail, note=a.note, actor=a.actor)
            for a in service.activities(db_session, record)
        ],
    )


def workbook(rows: Sequence[PlanRecordRead], today: date) -> bytes:
    """The plan register with its legal calendar as a spreadsheet (words, not codes)."""

    def due(item: DueRead) -> str:
        if item.done_on:
            return f"已于 {item.done_on} 完成"
        return f"{item.on or '—'}{'（推算）' if item.provisional else ''}{'（逾期）' if item.overdue else ''}"

    header = [
        "预案",
        "文号",
        "持有者",
        "持有者类别",
        "区划",
        "类型",
        "印发日期",
        "备案",
        "下次演练",
        "下次评估",
        "逾期事项",
    ]
    body = [
        [
            r.title,
            r.doc_no or "",
            r.holder,
            r.holder_kind_label,
            r.division_name,
            r.plan_type_label,
            r.issued_on,
            due(r.filing),
            due(r.next_drill),
            due(r.next_evaluation),
            "、".join(r.overdue),
        ]
        for r in rows
    ]
    return xlsx.workbook([(f"预案登记与法定日历（{today.isoformat()}）", header, body)])

"""Ledger read models: programme titles and division names beside the codes, the computed status, allowed actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core import xlsx
from yingji.ledger import policy, service
from yingji.ledger.models import LedgerTask, Target
from yingji.ledger.schema import campaigns, target_plans
from yingji.ledger.schemas import TargetKind, TargetRead, TaskMilestoneRead, TaskRead, TaskStatus
from yingji.registry import divisions


def programme_title(programme: str) -> str:
    """The campaign's or plan's title (a programme no longer in the data files keeps its id)."""
    found = campaigns().get(programme) or target_plans().get(programme)
    return found.title if found is not None else programme


def tasks(db_session: Session, actor: Actor, rows: Sequence[LedgerTask], on: date) -> list[TaskRead]:
    """A page of tasks: one query for their newest progress reports and one for the division names."""
    latest = service.latest_progress(db_session, [t.id for t in rows])
    names = divisions.names(db_session, (t.division_code for t in rows))
    found = []
    for task in rows:
        report = latest.get(task.id)
        status = service.task_status(task, report, on)
        done_steps = set(report.milestones_done) if report else set()
        finished = status is TaskStatus.DONE
        found.append(
            TaskRead(
                id=task.id,
                programme=task.programme,
                programme_title=programme_title(task.programme),
                code=task.code,
                section=task.section,
                title=task.title,
                lead=task.lead,
                responsible=list(task.responsible),
                division_code=task.division_code,
                division_name=names.get(task.division_code, task.division_code),
                due=task.due,
                status=status,
                status_label=status.label,
                percent=report.percent if report else 0,
                last_report=report.reported_on if report else None,
                last_note=report.note if report else None,
                last_reporter=report.actor if report else None,
                milestones=[
                    TaskMilestoneRead(
                        due=date.fromisoformat(m["due"]),
                        text=m["text"],
                        done=i in done_steps or finished,
                        overdue=i not in done_steps and not finished and date.fromisoformat(m["due"]) < on,
                    )
                    for i, m in enumerate(task.milestones)
                ],
                seed=task.seed,
                allowed_actions=policy.task_actions(actor, task, finished),
            )
        )
    return found


def targets(db_session: Session, actor: Actor, rows: Sequence[Target]) -> list[TargetRead]:
    """A page of targets: one query for their values and one for the division names."""
    entered = service.values(db_session, [t.id for t in rows])
    names = divisions.names(db_session, (t.division_code for t in rows))
    found = []
    for target in rows:
        values = entered.get(target.id, {})
        result = service.kpi_of(target, values)
        kind = TargetKind(target.kind) if target.kind in TargetKind.labels() else None
        found.append(
            TargetRead(
                id=target.id,
                programme=target.programme,
                programme_title=programme_title(target.programme),
                code=target.code,
                name=target.name,
                unit=target.unit,
                kind=target.kind,
                kind_label=kind.label if kind else None,
                direction=target.direction,
                direction_label=target.direction.label,
                division_code=target.division_code,
                division_name=names.get(target.division_code, target.division_code),
                baseline_year=target.baseline_year,
                baseline_value=target.baseline_value,
                change_percent=target.change_percent,
                target_value=target.target_value,
                target_year=target.target_year,
                goal=result.goal,
                latest_year=result.latest_year,
                latest_value=result.latest_value,
                expected_now=result.expected_now,
                status=result.status,
                status_label=result.label,
                values={str(y): v for y, v in sorted(values.items())},
                seed=target.seed,
                allowed_actions=policy.target_actions(actor, target),
            )
        )
    return found


def task_workbook(rows: Sequence[TaskRead], today: date) -> bytes:
    """The task list as a spreadsheet (the page's columns, words not codes)."""
    header = ["方案", "措施", "编号", "任务", "牵头单位", "责任单位", "区划", "期限", "完成百分比", "状态"]
    header += ["最近报送", "最近进展"]
    body = [
        [
            t.programme_title,
            t.section or "",
            t.code,
            t.title,
            t.lead or "",
            "、".join(t.responsible),
            t.division_name,
            t.due,
            t.percent,
            t.status_label,
            t.last_report,
            t.last_note or "",
        ]
        for t in rows
    ]
    return xlsx.workbook([(f"督办任务（{today.isoformat()}）", header, body)])

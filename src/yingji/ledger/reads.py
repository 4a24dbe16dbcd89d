"""Ledger read models: programme titles and division names beside the codes, the computed status, allowed actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core import xlsx
from yingji.ledger import policy, service
from yingji.ledger.models import LedgerTask, Target
from yingji.ledger.schema import campaigns, subplans, target_plans
from yingji.ledger.schemas import (
    ProblemRead,
    SubPlanMilestoneRead,
    SubPlanRead,
    TargetKind,
    TargetRead,
    TaskMilestoneRead,
    TaskRead,
    TaskStatus,
)
from yingji.registry import divisions


def programme_title(programme: str) -> str:
    """The campaign's or plan's title (a programme no longer in the data files keeps its id)."""
    found = campaigns().get(programme) or target_plans().get(programme)
    return found.title if found is not None else programme


def subplan_title(subplan: str | None) -> str | None:
    """The sub-plan's short title (one no longer in the data files keeps its id)."""
    if subplan is None:
        return None
    found = subplans().get(subplan)
    return found.short_title if found is not None else subplan


def number(task: LedgerTask) -> str:
    """The task's number as its plan prints it: a sub-plan's code without the sub-plan's prefix."""
    found = subplans().get(task.subplan) if task.subplan else None
    return task.code.removeprefix(found.prefix) if found is not None else task.code


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
                subplan=task.subplan,
                subplan_title=subplan_title(task.subplan),
                department=task.department,
                code=task.code,
                number=number(task),
                section=task.section,
                title=task.title,
                lead=task.lead,
                leader=task.leader,
                responsible=list(task.responsible),
                fixes=[ProblemRead.model_validate(p) for p in task.fixes or []],
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
                subplan=target.subplan,
                subplan_title=subplan_title(target.subplan),
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


def subplan_rows(
    db_session: Session, actor: Actor, programme: str | None, department: str | None, on: date
) -> list[SubPlanRead]:
    """The sub-plans of the campaigns in scope with their tasks' standing (one query for the tasks, one for their
    newest reports); a campaign outside the caller's divisions lists none, as do enterprises."""
    policy.task_scope(actor)  # the list's permission
    if actor.organisation_id is not None:
        return []
    found = [
        s
        for s in subplans().values()
        if (programme is None or s.parent == programme)
        and (department is None or s.department == department)
        and actor.covers_division(campaigns()[s.parent].division_code)
    ]
    rows = service.subplan_tasks(db_session, actor, [s.id for s in found])
    latest = service.latest_progress(db_session, [t.id for t in rows])
    statuses: dict[str, list[TaskStatus]] = {}
    for task in rows:
        statuses.setdefault(task.subplan or "", []).append(service.task_status(task, latest.get(task.id), on))
    return [
        SubPlanRead(
            id=s.id,
            programme=s.parent,
            programme_title=programme_title(s.parent),
            number=s.number,
            title=s.title,
            short_title=s.short_title,
            department=s.department,
            seed=s.seed,
            measures=len(s.measures),
            targets=len(s.targets),
            milestones=[SubPlanMilestoneRead(due=m.due, text=m.text, seed=m.seed) for m in s.milestones],
            tasks=len(statuses.get(s.id, [])),
            overdue=statuses.get(s.id, []).count(TaskStatus.OVERDUE),
            done=statuses.get(s.id, []).count(TaskStatus.DONE),
        )
        for s in found
    ]


def task_workbook(rows: Sequence[TaskRead], today: date) -> bytes:
    """The task list as a spreadsheet (the page's columns, words not codes)."""
    header = ["方案", "措施", "编号", "任务", "牵头单位", "责任单位", "区划", "期限", "完成百分比", "状态"]
    header += ["最近报送", "最近进展", "子方案", "部门"]
    body = [
        [
            t.programme_title,
            t.section or "",
            t.number,
            t.title,
            t.lead or "",
            "、".join(t.responsible),
            t.division_name,
            t.due,
            t.percent,
            t.status_label,
            t.last_report,
            t.last_note or "",
            t.subplan_title or "",
            t.department or "",
        ]
        for t in rows
    ]
    return xlsx.workbook([(f"督办任务（{today.isoformat()}）", header, body)])

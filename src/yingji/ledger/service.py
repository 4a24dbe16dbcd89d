"""Load the campaigns and targets from data, record progress and yearly values, and compute their status."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, to_local
from yingji.core.errors import Forbidden, InvalidInput, NotFound
from yingji.core.schemas import YingjiModel
from yingji.ledger.models import LedgerTask, Target, TargetValue, TaskProgress
from yingji.ledger.schema import campaigns, target_plans
from yingji.rules.kpi import KpiTarget, kpi_status

DUE_SOON = timedelta(days=30)


class ProgressIn(YingjiModel):
    """进展报告：完成百分比、说明；done=true 表示任务完成。"""

    percent: int
    done: bool = False
    milestones_done: Annotated[list[int], Field(max_length=100)] = Field(default_factory=list)
    note: Annotated[str, Field(max_length=4000)]
    reported_on: date | None = None


class ValueIn(YingjiModel):
    """指标年度数据（统计口径来源必填）。"""

    year: int
    value: Annotated[float, Field(allow_inf_nan=False)]
    source: Annotated[str, Field(max_length=200)]


def load(*, db_session: Session, clock: Clock, actor: Actor) -> int:
    """Insert the data files' measures, key projects and targets not yet in the database (idempotent)."""
    have_tasks = {(p, c) for p, c in db_session.execute(select(LedgerTask.programme, LedgerTask.code))}
    have_targets = {(p, c) for p, c in db_session.execute(select(Target.programme, Target.code))}
    now, added = clock.now(), 0
    rows: list[LedgerTask | Target] = []
    for campaign in campaigns().values():
        for m in campaign.measures:
            if (campaign.id, m.code) in have_tasks:
                continue
            rows.append(
                LedgerTask(
                    programme=campaign.id,
                    code=m.code,
                    section=m.section,
                    title=m.title,
                    lead=m.lead,
                    responsible=list(m.responsible),
                    division_code=campaign.division_code,
                    due=m.due,
                    milestones=[{"due": s.due.isoformat(), "text": s.text} for s in m.milestones],
                    seed=m.seed,
                    created_at=now,
                )
            )
    for plan in target_plans().values():
        for p in plan.projects:
            if (plan.id, p.code) not in have_tasks:
                rows.append(
                    LedgerTask(
                        programme=plan.id,
                        code=p.code,
                        section="重点工程",
                        title=p.name + (f"：{p.goal}" if p.goal else ""),
                        lead=None,
                        responsible=[],
                        division_code=plan.division_code,
                        due=p.due,
                        milestones=[],
                        seed=p.seed,
                        created_at=now,
                    )
                )
        for t in plan.targets:
            if (plan.id, t.code) not in have_targets:
                rows.append(
                    Target(
                        programme=plan.id,
                        code=t.code,
                        name=t.name,
                        unit=t.unit,
                        kind=t.kind,
                        direction=t.direction,
                        baseline_year=t.baseline_year,
                        baseline_value=t.baseline_value,
                        change_percent=t.change_percent,
                        target_value=t.target_value,
                        target_year=t.target_year,
                        division_code=plan.division_code,
                        seed=t.seed,
                        created_at=now,
                    )
                )
    for row in rows:
        db_session.add(row)
        added += 1
    if added:
        db_session.flush()
        audit.record(
            db_session=db_session,
            clock=clock,
            actor=actor.username,
            action="ledger.load",
            target_kind="ledger",
            target_key="data",
            detail={"rows": str(added)},
        )
    return added


def _readable(actor: Actor, division_code: str) -> bool:
    return actor.organisation_id is None and actor.covers_division(division_code)


def _writable(actor: Actor, division_code: str) -> None:
    actor.require(Permission.LEDGER_WRITE)
    if not actor.covers_division(division_code):
        raise Forbidden(reason="只能填报本辖区的督办任务和指标")


# --- tasks ----------------------------------------------------------------------------------------------------------


def _latest_progress(db_session: Session, task_ids: list[int]) -> dict[int, TaskProgress]:
    if not task_ids:
        return {}
    newest = select(func.max(TaskProgress.id)).where(TaskProgress.task_id.in_(task_ids)).group_by(TaskProgress.task_id)
    return {p.task_id: p for p in db_session.scalars(select(TaskProgress).where(TaskProgress.id.in_(newest)))}


def task_status(task: LedgerTask, latest: TaskProgress | None, on: date) -> str:
    if latest is not None and latest.done:
        return "done"
    if task.due is not None and task.due < on:
        return "overdue"
    if task.due is not None and task.due - on <= DUE_SOON:
        return "due_soon"
    return "in_progress" if latest is not None else "not_started"


TASK_STATUS_LABELS = {
    "done": "已完成",
    "overdue": "逾期未完成",
    "due_soon": "临近期限",
    "in_progress": "推进中",
    "not_started": "未报进展",
}


def _task_row(task: LedgerTask, latest: TaskProgress | None, on: date) -> dict[str, Any]:
    done_steps = set(latest.milestones_done) if latest else set()
    status = task_status(task, latest, on)
    return {
        "id": task.id,
        "programme": task.programme,
        "code": task.code,
        "section": task.section,
        "title": task.title,
        "lead": task.lead,
        "responsible": task.responsible,
        "due": task.due,
        "status": status,
        "status_label": TASK_STATUS_LABELS[status],
        "percent": latest.percent if latest else 0,
        "last_report": latest.reported_on if latest else None,
        "milestones": [
            {
                "due": m["due"],
                "text": m["text"],
                "done": i in done_steps or status == "done",
                "overdue": i not in done_steps and status != "done" and date.fromisoformat(m["due"]) < on,
            }
            for i, m in enumerate(task.milestones)
        ],
        "seed": task.seed,
    }


def tasks(
    *, db_session: Session, clock: Clock, actor: Actor, programme: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    actor.require(Permission.PLANS_READ)
    query = select(LedgerTask).order_by(LedgerTask.programme, LedgerTask.id)
    if programme is not None:
        query = query.where(LedgerTask.programme == programme)
    found = [t for t in db_session.scalars(query) if _readable(actor, t.division_code)]
    latest = _latest_progress(db_session, [t.id for t in found])
    on = to_local(clock.now()).date()
    rows = [_task_row(t, latest.get(t.id), on) for t in found]
    return [r for r in rows if status is None or r["status"] == status]


def _task(db_session: Session, actor: Actor, task_id: int) -> LedgerTask:
    actor.require(Permission.PLANS_READ)
    task = db_session.get(LedgerTask, task_id)
    if task is None or not _readable(actor, task.division_code):
        raise NotFound(kind="督办任务", key=str(task_id))
    return task


def report_progress(
    *, db_session: Session, clock: Clock, actor: Actor, task_id: int, data: ProgressIn
) -> dict[str, Any]:
    task = _task(db_session, actor, task_id)
    _writable(actor, task.division_code)
    on = to_local(clock.now()).date()
    reported_on = data.reported_on or on
    if reported_on > on:
        raise InvalidInput(field="reported_on", reason="reported_on：报告日期不能晚于今天")
    if not 0 <= data.percent <= 100:
        raise InvalidInput(field="percent", reason="percent：完成百分比须在 0–100 之间")
    if data.done and data.percent != 100:
        raise InvalidInput(field="percent", reason="percent：任务完成时完成百分比须为 100")
    bad = [i for i in data.milestones_done if not 0 <= i < len(task.milestones)]
    if bad:
        raise InvalidInput(field="milestones_done", reason=f"milestones_done：该任务没有第 {bad[0]} 个节点（从 0 起）")
    if not data.note.strip():
        raise InvalidInput(field="note", reason="note：进展说明必填")
    previous = _latest_progress(db_session, [task.id]).get(task.id)
    if previous is not None and previous.done:
        raise InvalidInput(field="task_id", reason="任务已报完成，不再接收进展")
    done_steps = sorted(set(data.milestones_done) | set(previous.milestones_done if previous else []))
    row = TaskProgress(
        task_id=task.id,
        reported_on=reported_on,
        percent=data.percent,
        done=data.done,
        milestones_done=done_steps,
        note=data.note,
        actor=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="ledger.progress",
        target_kind="ledger_task",
        target_key=str(task.id),
        detail={"percent": str(data.percent), "done": str(data.done)},
    )
    return _task_row(task, row, on)


# --- targets --------------------------------------------------------------------------------------------------------


def _values(db_session: Session, target_ids: list[int]) -> dict[int, dict[int, float]]:
    """Per target, per year: the newest value entered (a later row corrects an earlier one)."""
    out: dict[int, dict[int, float]] = {}
    if not target_ids:
        return out
    query = select(TargetValue).where(TargetValue.target_id.in_(target_ids)).order_by(TargetValue.id)
    for v in db_session.scalars(query):
        out.setdefault(v.target_id, {})[v.year] = v.value
    return out


def _target_row(target: Target, values: dict[int, float]) -> dict[str, Any]:
    kpi = KpiTarget(
        direction=target.direction,
        target_year=target.target_year,
        baseline_year=target.baseline_year,
        baseline_value=target.baseline_value,
        change_percent=target.change_percent,
        target_value=target.target_value,
    )
    result = kpi_status(kpi, values)
    return {
        "id": target.id,
        "programme": target.programme,
        "code": target.code,
        "name": target.name,
        "unit": target.unit,
        "kind": target.kind,
        "direction": target.direction.value,
        "baseline_year": target.baseline_year,
        "baseline_value": target.baseline_value,
        "change_percent": target.change_percent,
        "target_value": target.target_value,
        "target_year": target.target_year,
        "goal": result.goal,
        "latest_year": result.latest_year,
        "latest_value": result.latest_value,
        "expected_now": result.expected_now,
        "status": result.status.value,
        "status_label": result.label,
        "values": {str(y): v for y, v in sorted(values.items())},
        "seed": target.seed,
    }


def targets(*, db_session: Session, actor: Actor, programme: str | None = None) -> list[dict[str, Any]]:
    actor.require(Permission.PLANS_READ)
    query = select(Target).order_by(Target.programme, Target.id)
    if programme is not None:
        query = query.where(Target.programme == programme)
    found = [t for t in db_session.scalars(query) if _readable(actor, t.division_code)]
    values = _values(db_session, [t.id for t in found])
    return [_target_row(t, values.get(t.id, {})) for t in found]


def record_value(*, db_session: Session, clock: Clock, actor: Actor, target_id: int, data: ValueIn) -> dict[str, Any]:
    actor.require(Permission.PLANS_READ)
    target = db_session.get(Target, target_id)
    if target is None or not _readable(actor, target.division_code):
        raise NotFound(kind="指标", key=str(target_id))
    _writable(actor, target.division_code)
    this_year = to_local(clock.now()).year
    first = target.baseline_year or target.target_year - 10
    if not first <= data.year <= this_year:
        raise InvalidInput(field="year", reason=f"year：年份须在 {first} 与 {this_year} 之间")
    if data.value < 0 or (target.unit == "%" and data.value > 100):
        raise InvalidInput(field="value", reason=f"value：{target.name}的取值超出范围")
    if not data.source.strip():
        raise InvalidInput(field="source", reason="source：数据来源必填")
    db_session.add(
        TargetValue(
            target_id=target.id,
            year=data.year,
            value=data.value,
            source=data.source,
            actor=actor.username,
            created_at=clock.now(),
        )
    )
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="ledger.value",
        target_kind="ledger_target",
        target_key=str(target.id),
        detail={"year": str(data.year), "value": str(data.value), "source": data.source},
    )
    return _target_row(target, _values(db_session, [target.id]).get(target.id, {}))

"""Load the campaigns and targets from data, record progress and yearly values, and compute their status."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import ColumnElement, and_, func, not_, or_, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, to_local
from yingji.core.errors import Forbidden, InvalidInput, InvalidState, NotFound
from yingji.core.paging import MAX_LIMIT, PageParams, paginate
from yingji.core.schemas import YingjiModel
from yingji.ledger import policy
from yingji.ledger.models import LedgerTask, Target, TargetValue, TaskProgress
from yingji.ledger.schema import Measure, TargetRow, campaigns, subplans, target_plans
from yingji.ledger.schemas import TargetFilters, TaskFilters, TaskStatus
from yingji.rules.kpi import KpiResult, KpiTarget, kpi_status

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


def _task(programme: str, division_code: str, m: Measure, now: datetime, **extra: Any) -> LedgerTask:
    return LedgerTask(
        programme=programme,
        code=m.code,
        section=m.section,
        title=m.title,
        lead=m.lead,
        leader=m.leader,
        responsible=list(m.responsible),
        division_code=division_code,
        due=m.due,
        milestones=[{"due": s.due.isoformat(), "text": s.text} for s in m.milestones],
        seed=m.seed,
        created_at=now,
        **extra,
    )


def _target(programme: str, division_code: str, t: TargetRow, now: datetime, subplan: str | None = None) -> Target:
    return Target(
        programme=programme,
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
        division_code=division_code,
        seed=t.seed,
        created_at=now,
        subplan=subplan,
    )


def load(*, db_session: Session, clock: Clock, actor: Actor) -> int:
    """Insert the data files' measures, key projects and targets not yet in the database (idempotent); a sub-plan's
    rows go under its campaign, marked with the sub-plan and its department."""
    have_tasks = {(p, c) for p, c in db_session.execute(select(LedgerTask.programme, LedgerTask.code))}
    have_targets = {(p, c) for p, c in db_session.execute(select(Target.programme, Target.code))}
    now = clock.now()
    rows: list[LedgerTask | Target] = []
    found = campaigns()
    for campaign in found.values():
        problems = {p.code: p for p in campaign.problems}
        for m in campaign.measures:
            if (campaign.id, m.code) not in have_tasks:
                fixes = [
                    {"code": c, "source": problems[c].source, "text": problems[c].text, "seed": problems[c].seed}
                    for c in m.fixes
                ]
                rows.append(_task(campaign.id, campaign.division_code, m, now, fixes=fixes))
        rows += [
            _target(campaign.id, campaign.division_code, t, now)
            for t in campaign.targets
            if (campaign.id, t.code) not in have_targets
        ]
    for sub in subplans().values():
        division = found[sub.parent].division_code
        rows += [
            _task(sub.parent, division, m, now, subplan=sub.id, department=sub.department, fixes=[])
            for m in sub.measures
            if (sub.parent, m.code) not in have_tasks
        ]
        rows += [
            _target(sub.parent, division, t, now, subplan=sub.id)
            for t in sub.targets
            if (sub.parent, t.code) not in have_targets
        ]
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
                        fixes=[],
                    )
                )
        rows += [
            _target(plan.id, plan.division_code, t, now) for t in plan.targets if (plan.id, t.code) not in have_targets
        ]
    db_session.add_all(rows)
    added = len(rows)
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


def _writable(actor: Actor, division_code: str) -> None:
    actor.require(Permission.LEDGER_WRITE)
    if not policy.may_write(actor, division_code):
        raise Forbidden(subcode="ledger.write.out_of_scope", reason="只能填报本辖区的督办任务和指标")


# --- tasks ----------------------------------------------------------------------------------------------------------


def _latest_progress(db_session: Session, task_ids: list[int]) -> dict[int, TaskProgress]:
    if not task_ids:
        return {}
    newest = select(func.max(TaskProgress.id)).where(TaskProgress.task_id.in_(task_ids)).group_by(TaskProgress.task_id)
    return {p.task_id: p for p in db_session.scalars(select(TaskProgress).where(TaskProgress.id.in_(newest)))}


def latest_progress(db_session: Session, task_ids: list[int]) -> dict[int, TaskProgress]:
    return _latest_progress(db_session, task_ids)


def task_status(task: LedgerTask, latest: TaskProgress | None, on: date) -> TaskStatus:
    """The status of one task (``_status_clause`` says the same in SQL, for filtering before paging)."""
    if latest is not None and latest.done:
        return TaskStatus.DONE
    if task.due is not None and task.due < on:
        return TaskStatus.OVERDUE
    if task.due is not None and task.due - on <= DUE_SOON:
        return TaskStatus.DUE_SOON
    return TaskStatus.IN_PROGRESS if latest is not None else TaskStatus.NOT_STARTED


def _status_clause(status: TaskStatus, latest: Any, on: date) -> ColumnElement[bool]:
    """``task_status`` as a WHERE clause over the task and its newest progress report (``latest``, outer-joined)."""
    done = and_(latest.c.id.is_not(None), latest.c.done.is_(True))
    open_ = not_(done)
    later = or_(LedgerTask.due.is_(None), LedgerTask.due > on + DUE_SOON)
    match status:
        case TaskStatus.DONE:
            return done
        case TaskStatus.OVERDUE:
            return and_(open_, LedgerTask.due < on)
        case TaskStatus.DUE_SOON:
            return and_(open_, LedgerTask.due >= on, LedgerTask.due <= on + DUE_SOON)
        case TaskStatus.IN_PROGRESS:
            return and_(open_, later, latest.c.id.is_not(None))
        case TaskStatus.NOT_STARTED:
            return and_(later, latest.c.id.is_(None))


def tasks(
    *, db_session: Session, clock: Clock, actor: Actor, params: PageParams, filters: TaskFilters | None = None
) -> tuple[list[LedgerTask], int]:
    """One page of the tasks in scope (by programme, then as loaded), with the total; status filtered in SQL."""
    filters = filters or TaskFilters()
    query = select(LedgerTask).where(policy.task_scope(actor), *filters.clauses())
    if filters.status is not None:
        newest = select(func.max(TaskProgress.id)).group_by(TaskProgress.task_id)
        latest = select(TaskProgress).where(TaskProgress.id.in_(newest)).subquery()
        query = query.outerjoin(latest, latest.c.task_id == LedgerTask.id).where(
            _status_clause(filters.status, latest, to_local(clock.now()).date())
        )
    return paginate(db_session, query, params, order_by=[LedgerTask.programme, LedgerTask.id])


def subplan_tasks(db_session: Session, actor: Actor, subplan_ids: list[str]) -> list[LedgerTask]:
    """Every task of these sub-plans in the caller's scope (a campaign's sub-plans hold a few hundred)."""
    if not subplan_ids:
        return []
    query = select(LedgerTask).where(policy.task_scope(actor), LedgerTask.subplan.in_(subplan_ids))
    return list(db_session.scalars(query.order_by(LedgerTask.id)))


def all_tasks(*, db_session: Session, clock: Clock, actor: Actor, programme: str) -> list[LedgerTask]:
    """Every task of one programme in scope (a report covers them all; a programme has dozens, not thousands)."""
    found, _ = tasks(
        db_session=db_session,
        clock=clock,
        actor=actor,
        params=PageParams(limit=MAX_LIMIT),
        filters=TaskFilters(programme=programme),
    )
    return found


def get_task(*, db_session: Session, actor: Actor, task_id: int) -> LedgerTask:
    """A task through the list's own scope filter; others are NotFound."""
    task = db_session.scalars(select(LedgerTask).where(LedgerTask.id == task_id, policy.task_scope(actor))).first()
    if task is None:
        raise NotFound(kind="督办任务", key=str(task_id))
    return task


def report_progress(*, db_session: Session, clock: Clock, actor: Actor, task_id: int, data: ProgressIn) -> LedgerTask:
    task = get_task(db_session=db_session, actor=actor, task_id=task_id)
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
        raise InvalidState(field="task_id", subcode="ledger.progress.done", reason="任务已报完成，不再接收进展")
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
    return task


# --- targets --------------------------------------------------------------------------------------------------------


def values(db_session: Session, target_ids: list[int]) -> dict[int, dict[int, float]]:
    """Per target, per year: the newest value entered (a later row corrects an earlier one)."""
    out: dict[int, dict[int, float]] = {}
    if not target_ids:
        return out
    query = select(TargetValue).where(TargetValue.target_id.in_(target_ids)).order_by(TargetValue.id)
    for v in db_session.scalars(query):
        out.setdefault(v.target_id, {})[v.year] = v.value
    return out


def kpi_of(target: Target, entered: dict[int, float]) -> KpiResult:
    kpi = KpiTarget(
        direction=target.direction,
        target_year=target.target_year,
        baseline_year=target.baseline_year,
        baseline_value=target.baseline_value,
        change_percent=target.change_percent,
        target_value=target.target_value,
    )
    return kpi_status(kpi, entered)


def targets(
    *, db_session: Session, actor: Actor, params: PageParams, filters: TargetFilters | None = None
) -> tuple[list[Target], int]:
    """One page of the targets in scope (by plan, then as loaded), with the total."""
    query = select(Target).where(policy.target_scope(actor), *(filters.clauses() if filters else ()))
    return paginate(db_session, query, params, order_by=[Target.programme, Target.id])


def get_target(*, db_session: Session, actor: Actor, target_id: int) -> Target:
    target = db_session.scalars(select(Target).where(Target.id == target_id, policy.target_scope(actor))).first()
    if target is None:
        raise NotFound(kind="指标", key=str(target_id))
    return target


def record_value(*, db_session: Session, clock: Clock, actor: Actor, target_id: int, data: ValueIn) -> Target:
    target = get_target(db_session=db_session, actor=actor, target_id=target_id)
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
    return target

"""Who reads which campaign tasks and KPI targets, and what the caller may record on one now.

Tasks and targets belong to the division of their campaign or plan: officers of that division or above read them
and, with the ledger permission, report progress and enter values; enterprises see neither.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false
from sqlalchemy.orm import InstrumentedAttribute

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.core.labels import LabelledEnum
from yingji.ledger.models import LedgerTask, Target


class TaskAction(LabelledEnum):
    REPORT_PROGRESS = "report_progress", "报送进展"


class TargetAction(LabelledEnum):
    RECORD_VALUE = "record_value", "填报年度数据"


def _scope(actor: Actor, column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
    actor.require(Permission.PLANS_READ)
    if actor.organisation_id is not None:
        return false()
    return actor.division_filter(column)


def task_scope(actor: Actor) -> ColumnElement[bool]:
    return _scope(actor, LedgerTask.division_code)


def target_scope(actor: Actor) -> ColumnElement[bool]:
    return _scope(actor, Target.division_code)


def may_write(actor: Actor, division_code: str) -> bool:
    return actor.has(Permission.LEDGER_WRITE) and actor.covers_division(division_code)


def task_actions(actor: Actor, task: LedgerTask, done: bool) -> list[TaskAction]:
    """Progress is reported until a report says the task is done."""
    return allowed(
        actor,
        Permission.LEDGER_WRITE,
        [(TaskAction.REPORT_PROGRESS, may_write(actor, task.division_code) and not done)],
    )


def target_actions(actor: Actor, target: Target) -> list[TargetAction]:
    return allowed(
        actor, Permission.LEDGER_WRITE, [(TargetAction.RECORD_VALUE, may_write(actor, target.division_code))]
    )

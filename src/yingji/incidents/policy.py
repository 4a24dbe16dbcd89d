"""Who sees which incidents, and what the caller may do to one now — the one place the console, API and CLI ask.

Built from the shared primitives (auth/policy.py): the deciding body of each response level is the plan's data
(``plan.response.authority``), so 谁启动谁终止 and the level a body may start need no plan-specific code.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed, may_act
from yingji.auth.roles import Permission
from yingji.core.labels import LabelledEnum
from yingji.incidents.enums import AftermathStatus, IncidentStatus
from yingji.incidents.models import Aftermath, Incident, ResponseRecord
from yingji.plans import loader
from yingji.plans.schema import Authority, Plan


class IncidentAction(LabelledEnum):
    FOLLOW_UP = "follow_up", "续报"
    OVERRIDE_PLANS = "override_plans", "调整适用预案"
    ACKNOWLEDGE = "acknowledge", "登记接报"
    START_RESPONSE = "start_response", "启动响应"
    DISPATCH = "dispatch", "调派"
    RECORD = "record", "记录现场情况"
    RELEASE = "release", "发布信息"
    NOTIFY_DECIDER = "notify_decider", "通知决定机关"
    RECORD_AFTERMATH = "record_aftermath", "记录救助、征用"
    VERIFY_LOSSES = "verify_losses", "灾情核定"


class ResponseAction(LabelledEnum):
    ADJUST = "adjust", "调整级别"
    UPDATE_TASKS = "update_tasks", "更新任务"
    CONFIRM_END_CONDITION = "confirm_end_condition", "确认结束条件"
    END = "end", "宣布应急结束"


class TaskAction(LabelledEnum):
    UPDATE = "update", "更新状态"


class AftermathAction(LabelledEnum):
    SETTLE = "settle", "登记归还或补偿"


def scope(actor: Actor) -> ColumnElement[bool]:
    """The incidents an actor may read: an enterprise its own, everyone else those in its jurisdiction."""
    actor.require(Permission.PLANS_READ)
    if actor.organisation_id is not None:
        return Incident.enterprise_id == actor.organisation_id
    return actor.division_filter(Incident.division_code)


def decides(actor: Actor, plan: Plan, level: int) -> bool:
    """Whether the actor may act for the body ``plan`` names as deciding response ``level``."""
    meta = plan.metadata
    authority = plan.response.authority.get(level)
    return authority is not None and may_act(actor, authority, meta.government_level, meta.jurisdiction)


def confirms_end_conditions(actor: Actor, plan: Plan) -> bool:
    """Whether the actor speaks for the HQ responding under this plan — its commanders and the duty officers of that
    government, who staff its office: only they confirm its end conditions (not another level's accounts)."""
    meta = plan.metadata
    return may_act(actor, Authority.HQ_OFFICE, meta.government_level, meta.jurisdiction)


def startable_levels(actor: Actor, incident: Incident, responded: Collection[str]) -> dict[str, list[int]]:
    """Per applicable plan without a response yet, the levels this actor's body may start (empty plans left out)."""
    if not actor.has(Permission.INCIDENTS_COMMAND):
        return {}
    found: dict[str, list[int]] = {}
    for plan_id in incident.plan_ids:
        if plan_id in responded:
            continue
        plan = loader.get(plan_id)
        levels = [lvl.level for lvl in plan.response.levels if decides(actor, plan, lvl.level)]
        if levels:
            found[plan_id] = levels
    return found


def incident_actions(
    actor: Actor,
    incident: Incident,
    startable: dict[str, list[int]],
    *,
    receivable: bool,
    responses: Collection[ResponseRecord] = (),
) -> list[IncidentAction]:
    """``receivable``: some open obligation is this caller's to record (as receiver, superior … — see receipts);
    ``responses``: the incident's responses — relief and requisitions follow a start, the loss account an end."""
    open_ = incident.status is not IncidentStatus.ENDED
    officer = actor.has(Permission.INCIDENTS_COMMAND)
    reporter = actor.has(Permission.INCIDENTS_REPORT)
    return [
        *allowed(
            actor,
            Permission.PLANS_READ,
            [(IncidentAction.FOLLOW_UP, reporter), (IncidentAction.ACKNOWLEDGE, receivable)],
        ),
        *allowed(
            actor,
            Permission.INCIDENTS_COMMAND,
            [
                (IncidentAction.OVERRIDE_PLANS, officer and open_),
                (IncidentAction.START_RESPONSE, bool(startable)),
                (IncidentAction.NOTIFY_DECIDER, open_ and not startable),
                (IncidentAction.DISPATCH, open_),
                (IncidentAction.RECORD, open_),
                (IncidentAction.RELEASE, True),
                (IncidentAction.RECORD_AFTERMATH, bool(responses)),
                (IncidentAction.VERIFY_LOSSES, any(r.ended_at is not None for r in responses)),
            ],
        ),
    ]


def response_actions(actor: Actor, response: ResponseRecord) -> list[ResponseAction]:
    """谁启动谁终止: adjusting and ending need the body that decides the level now (and, to end, the starter's)."""
    if response.ended_at is not None:
        return []
    plan = loader.get(response.plan_id)
    current = decides(actor, plan, response.level)
    return allowed(
        actor,
        Permission.INCIDENTS_COMMAND,
        [
            (ResponseAction.ADJUST, current),
            (ResponseAction.UPDATE_TASKS, True),
            (ResponseAction.CONFIRM_END_CONDITION, confirms_end_conditions(actor, plan)),
            (ResponseAction.END, current and decides(actor, plan, response.started_level)),
        ],
    )


def task_actions(response_actions_now: Collection[ResponseAction]) -> list[TaskAction]:
    """A task is updated while its response offers 更新任务 (the response's actions, computed once per response)."""
    return [TaskAction.UPDATE] if ResponseAction.UPDATE_TASKS in response_actions_now else []


def dispatch_actions(actor: Actor, incident: Incident) -> list[IncidentAction]:
    """What a dispatch suggestion offers: 调派 while the incident is open, to those who command."""
    return allowed(
        actor, Permission.INCIDENTS_COMMAND, [(IncidentAction.DISPATCH, incident.status is not IncidentStatus.ENDED)]
    )


def aftermath_actions(actor: Actor, row: Aftermath) -> list[AftermathAction]:
    """A requisitioned item is settled once — returned, or compensated — by those who command."""
    return allowed(actor, Permission.INCIDENTS_COMMAND, [(AftermathAction.SETTLE, row.status is AftermathStatus.HELD)])

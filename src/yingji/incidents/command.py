"""Response command: start (deciding body only), adjust, tasks from the plan, end (starter only, once every end
condition is confirmed), post-event obligations, information release, rescuers, handover and dispatch.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.policy import acts_for_office
from yingji.auth.roles import Permission
from yingji.core.clock import Clock
from yingji.core.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound, RuleViolation
from yingji.incidents import alerts, policy, service, timeline
from yingji.incidents.enums import IncidentStatus, ObligationKind, TaskSource, TaskStatus
from yingji.incidents.models import (
    Dispatch,
    EndConditionCheck,
    Incident,
    Obligation,
    ResponseRecord,
    Task,
    TimelineEvent,
)
from yingji.incidents.policy import TaskAction
from yingji.incidents.schemas import (
    AdjustResponse,
    DispatchIn,
    Handover,
    ReleaseIn,
    RescuersInZone,
    StartResponse,
    TaskUpdate,
)
from yingji.plans import loader
from yingji.plans.schema import Plan, ResponseLevel
from yingji.registry import service as registry
from yingji.registry.enums import ResourceKind
from yingji.registry.models import Mine, RescueTeam
from yingji.registry.specs import BY_NAME, SPEC_OF_RESOURCE
from yingji.rules.levels import Grade
from yingji.rules.reporting import release_rule


def _plan_of(incident: Incident, plan_id: str) -> Plan:
    if plan_id not in incident.plan_ids:
        raise InvalidInput(field="plan_id", reason=f"plan_id：「{plan_id}」不是该事件的适用预案")
    return loader.get(plan_id)


def _level(plan: Plan, number: int) -> ResponseLevel:
    level = next((lvl for lvl in plan.response.levels if lvl.level == number), None)
    if level is None:
        raise InvalidInput(field="level", reason=f"level：{plan.metadata.title}没有 {number} 级响应")
    return level


def _require_authority(actor: Actor, plan: Plan, level: ResponseLevel) -> None:
    """403 unless the actor may act for the body the plan names as deciding this level."""
    meta = plan.metadata
    if not policy.decides(actor, plan, level.level):
        raise Forbidden(
            subcode="incident.response.not_decider",
            reason=f"{meta.title}规定{level.name}响应由“{level.decided_by.body}”决定，当前账号不能代表该机关",
            basis=[b.to_basis(rule="decided_by", plan=plan.id) for b in level.decided_by.basis],
        )


def _active(db_session: Session, incident: Incident, plan_id: str) -> ResponseRecord | None:
    query = select(ResponseRecord).where(
        ResponseRecord.incident_id == incident.id, ResponseRecord.plan_id == plan_id, ResponseRecord.ended_at.is_(None)
    )
    return db_session.scalars(query).first()


def get_response(*, db_session: Session, actor: Actor, incident_id: int, response_id: int) -> ResponseRecord:
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    response = db_session.get(ResponseRecord, response_id)
    if response is None or response.incident_id != incident.id:
        raise NotFound(kind="应急响应", key=str(response_id))
    return response


def start(*, db_session: Session, clock: Clock, actor: Actor, incident_id: int, data: StartResponse) -> ResponseRecord:
    """Start a response at a level and open the command: HQ, on-site HQ where the level requires it, tasks."""
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    plan = _plan_of(incident, data.plan_id)
    level = _level(plan, data.level)
    _require_authority(actor, plan, level)
    incident = service.lock(db_session, incident)  # a concurrent second start waits here, then sees the first
    if _active(db_session, incident, plan.id) is not None:
        raise Conflict(field="plan_id", reason="该预案下已有进行中的响应，请使用调整级别")
    proposed = next(
        (a for a in service.assessments(db_session=db_session, incident=incident) if a.plan_id == plan.id), None
    )
    if proposed is not None and proposed.response_level != level.level and not data.reason:
        raise InvalidInput(
            field="reason",
            reason=f"reason：研判建议为{proposed.response_level}级，启动其他级别（提级或降级）须说明理由",
        )
    now = clock.now()
    response = ResponseRecord(
        incident_id=incident.id,
        plan_id=plan.id,
        level=level.level,
        started_level=level.level,
        decided_by=level.decided_by.body,
        started_by=actor.username,
        started_at=now,
        has_onsite_hq=level.level in plan.response.onsite_hq_levels,
        ended_at=None,
        ended_by=None,
    )
    db_session.add(response)
    incident.status = IncidentStatus.RESPONDING
    db_session.flush()
    hq = plan.headquarters
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind="response.started",
        summary=f"{level.decided_by.body}启动{level.name}应急响应（{plan.metadata.title}）；{level.state_holder.body}"
        f"进入响应状态，总指挥{hq.commander}，指挥部办公室{hq.office}"
        f"{'；成立现场指挥部' if response.has_onsite_hq else ''}{('；理由：' + data.reason) if data.reason else ''}",
        data={"response_id": response.id, "level": level.level, "plan_id": plan.id},
    )
    count = _open_tasks(db_session, clock, actor, incident, response, plan, level)
    alerts.response_changed(
        db_session,
        clock,
        incident,
        f"response-{response.id}-started",
        f"{level.decided_by.body}启动{level.name}应急响应",
        f"{incident.title}：{level.decided_by.body}启动{level.name}应急响应（{plan.metadata.title}）",
    )
    _audit(
        db_session,
        clock,
        actor,
        "incidents.response.start",
        "incident",
        incident.id,
        None,
        {
            "response_id": response.id,
            "plan_id": plan.id,
            "level": level.level,
            "tasks": count,
            "reason": data.reason,
        },
    )
    return response


def _open_tasks(
    db_session: Session,
    clock: Clock,
    actor: Actor,
    incident: Incident,
    response: ResponseRecord,
    plan: Plan,
    level: ResponseLevel,
    *,
    member_duties: bool = True,
    working_groups: bool = True,
) -> int:
    """Turn the level's actions, the member units' duties and (with an on-site HQ) the groups' duties into tasks."""
    now = clock.now()
    tasks = [
        Task(source=TaskSource.LEVEL_ACTION, group_name=None, owner_unit=level.state_holder.body, title=action)
        for action in level.actions
    ]
    if member_duties:
        for unit in plan.member_units.units:
            tasks += [
                Task(source=TaskSource.MEMBER_DUTY, group_name=None, owner_unit=unit.name, title=duty)
                for duty in unit.duties
            ]
    if working_groups and response.has_onsite_hq and plan.onsite_command is not None:
        for group in plan.onsite_command.working_groups:
            owner = group.lead[0] if group.lead else group.name
            tasks += [
                Task(source=TaskSource.WORKING_GROUP, group_name=group.name, owner_unit=owner, title=duty)
                for duty in group.duties
            ]
    for task in tasks:
        task.response_id, task.incident_id = response.id, incident.id
        task.status, task.updated_at, task.updated_by = TaskStatus.OPEN, now, actor.username
    db_session.add_all(tasks)
    db_session.flush()
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor="system",
        kind="tasks.opened",
        summary=f"按预案生成任务 {len(tasks)} 项（{level.name}响应）",
        data={"response_id": response.id, "count": len(tasks)},
    )
    alerts.tasks_assigned(db_session, clock, incident, level.name, tasks)
    return len(tasks)


def adjust(
    *, db_session: Session, clock: Clock, actor: Actor, incident_id: int, response_id: int, data: AdjustResponse
) -> ResponseRecord:
    """Raise or lower an active response. The actor must be entitled to decide both the current and the new level,
    so a lower body can neither raise beyond itself nor take over (and then end) a higher body's response.
    """
    response = get_response(db_session=db_session, actor=actor, incident_id=incident_id, response_id=response_id)
    incident = service.lock(db_session, db_session.get_one(Incident, response.incident_id))
    db_session.refresh(response)
    if response.ended_at is not None:
        raise Conflict(field="response_id", reason="该响应已结束")
    plan = loader.get(response.plan_id)
    level = _level(plan, data.level)
    if level.level == response.level:
        raise InvalidInput(field="level", reason=f"level：响应已是{level.name}")
    _require_authority(actor, plan, _level(plan, response.level))
    _require_authority(actor, plan, level)
    before = response.level
    response.level, response.decided_by = level.level, level.decided_by.body
    opening_hq = not response.has_onsite_hq and level.level in plan.response.onsite_hq_levels
    response.has_onsite_hq = response.has_onsite_hq or opening_hq
    db_session.flush()
    word = "提升" if level.level < before else "降低"
    hq_note = "；成立现场指挥部" if opening_hq else ""
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind="response.adjusted",
        summary=f"响应级别由{before}级{word}为{level.name}（理由：{data.reason}）{hq_note}",
        data={"response_id": response.id, "from": before, "to": level.level},
    )
    if level.level < before:  # a raised level brings its own actions, and the groups if the on-site HQ opens now
        _open_tasks(
            db_session, clock, actor, incident, response, plan, level, member_duties=False, working_groups=opening_hq
        )
    else:
        _change_reports(db_session, clock, incident, plan, "lowered")
    _audit(
        db_session,
        clock,
        actor,
        "incidents.response.adjust",
        "response",
        response.id,
        {"level": before},
        {"level": level.level, "reason": data.reason},
    )
    return response


def update_task(
    *, db_session: Session, clock: Clock, actor: Actor, incident_id: int, task_id: int, data: TaskUpdate
) -> Task:
    """Status, notes, assignee and due time, while the task's response offers 更新任务 (the read's own policy)."""
    incident = _writable(db_session, actor, incident_id)
    task = db_session.get(Task, task_id)
    if task is None or task.incident_id != incident.id:
        raise NotFound(kind="任务", key=str(task_id))
    response = db_session.get_one(ResponseRecord, task.response_id)
    if TaskAction.UPDATE not in policy.task_actions(policy.response_actions(actor, response)):
        raise InvalidState(reason="该响应已结束，任务不能再更新", subcode="incident.task.response_ended")
    before = _task_state(task)
    sent = data.model_fields_set
    if data.status is not None:
        task.status = data.status
    if data.notes is not None:
        task.notes = data.notes
    if "assignee" in sent:
        task.assignee = data.assignee
    if "due_at" in sent:
        task.due_at = data.due_at
    task.updated_at, task.updated_by = clock.now(), actor.username
    db_session.flush()
    who = f"，承办人 {task.assignee}" if task.assignee else ""
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind="task.updated",
        summary=f"任务（{task.owner_unit}{who}）：{task.title[:40]} → {task.status.label}",
        data={"task_id": task.id, "before": before},
    )
    _audit(db_session, clock, actor, "incidents.task", "task", task.id, before, _task_state(task))
    return task


def _task_state(task: Task) -> dict[str, str | None]:
    due = None if task.due_at is None else task.due_at.isoformat()
    return {"status": task.status.value, "notes": task.notes, "assignee": task.assignee, "due_at": due}


def confirm_condition(
    *, db_session: Session, clock: Clock, actor: Actor, incident_id: int, response_id: int, condition: str
) -> EndConditionCheck:
    """Confirm one of the plan's end conditions, with who and when: only the responding HQ (the commanders and duty
    officers of the plan's own government) confirms — another level's account neither helps nor hinders its end."""
    response = get_response(db_session=db_session, actor=actor, incident_id=incident_id, response_id=response_id)
    plan = loader.get(response.plan_id)
    if not policy.confirms_end_conditions(actor, plan):
        raise Forbidden(
            reason=f"应急结束条件由负责该响应的“{plan.headquarters.name}”确认",
            subcode="incident.end_condition.not_hq",
            basis=[b.to_basis(rule="end_conditions", plan=plan.id) for b in plan.end_conditions.basis],
        )
    if condition not in plan.end_conditions.all_of:
        raise InvalidInput(
            field="condition",
            reason=f"condition：不是{plan.metadata.title}的应急结束条件",
            details=[{"field": "condition", "problem": c} for c in plan.end_conditions.all_of],
        )
    if response.ended_at is not None:
        raise Conflict(field="response_id", reason="该响应已结束")
    existing = db_session.scalars(
        select(EndConditionCheck).where(
            EndConditionCheck.response_id == response.id, EndConditionCheck.condition == condition
        )
    ).first()
    if existing is not None:
        return existing
    check = EndConditionCheck(
        response_id=response.id, condition=condition, confirmed_by=actor.username, confirmed_at=clock.now()
    )
    db_session.add(check)
    db_session.flush()
    incident = db_session.get_one(Incident, response.incident_id)
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind="end_condition.confirmed",
        summary=f"确认结束条件：{condition}",
        data={"response_id": response.id},
    )
    _audit(db_session, clock, actor, "incidents.end_condition", "response", response.id, None, {"condition": condition})
    return check


def open_items(db_session: Session, response: ResponseRecord) -> list[str]:
    """What is still undone when a response would end: statutory reports not yet logged, its tasks not done."""
    reports = db_session.scalars(
        select(Obligation).where(
            Obligation.incident_id == response.incident_id,
            Obligation.kind == ObligationKind.REPORT,
            Obligation.acknowledged_at.is_(None),
            Obligation.withdrawn_at.is_(None),
        )
    ).all()
    tasks = db_session.scalars(
        select(Task).where(Task.response_id == response.id, Task.status != TaskStatus.DONE)
    ).all()
    return [f"报告未登记：{o.from_body}→{o.to_body}" for o in reports] + [
        f"任务未完成：{t.owner_unit} {t.title}" for t in tasks
    ]


def end(
    *, db_session: Session, clock: Clock, actor: Actor, incident_id: int, response_id: int, reason: str | None = None
) -> ResponseRecord:
    """End a response: only the body that started it (谁启动谁终止), only with every end condition confirmed; with
    reports unlogged or tasks open, only with a reason, which is recorded."""
    response = get_response(db_session=db_session, actor=actor, incident_id=incident_id, response_id=response_id)
    service.lock(db_session, db_session.get_one(Incident, response.incident_id))  # a concurrent second end waits
    db_session.refresh(response)
    if response.ended_at is not None:
        raise Conflict(field="response_id", reason="该响应已结束")
    plan = loader.get(response.plan_id)
    level = _level(plan, response.level)
    try:
        # The body that started it, and whoever decides the level it is at now: a lower body cannot end a higher one's.
        _require_authority(actor, plan, _level(plan, response.started_level))
        _require_authority(actor, plan, level)
    except Forbidden as err:
        raise Forbidden(
            reason=f"谁启动谁终止：该响应由“{response.decided_by}”启动，只能由其宣布结束",
            basis=[plan.response.ended_by_starter.to_basis(rule="may_end", plan=plan.id)],
        ) from err
    confirmed = set(
        db_session.scalars(select(EndConditionCheck.condition).where(EndConditionCheck.response_id == response.id))
    )
    missing = [c for c in plan.end_conditions.all_of if c not in confirmed]
    if missing:
        raise RuleViolation(
            field="end_conditions",
            plan=plan.metadata.title,
            rule=f"尚有 {len(missing)} 项应急结束条件未确认",
            basis=[b.to_basis(rule="end_conditions", plan=plan.id) for b in plan.end_conditions.basis],
            details=[{"field": "end_conditions", "problem": c} for c in missing],
        )
    undone = open_items(db_session, response)
    if undone and not (reason and reason.strip()):
        raise InvalidState(
            field="reason",
            reason=f"尚有 {len(undone)} 项报告未登记或任务未完成，结束响应须说明理由",
            subcode="incident.end.open_items",
            details=[{"field": "reason", "problem": item} for item in undone[:50]],
        )
    now = clock.now()
    response.ended_at, response.ended_by = now, actor.username
    incident = db_session.get_one(Incident, response.incident_id)
    if all(
        r.ended_at is not None
        for r in db_session.scalars(select(ResponseRecord).where(ResponseRecord.incident_id == incident.id))
    ):
        incident.status = IncidentStatus.ENDED
    db_session.flush()
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind="response.ended",
        summary=f"{response.decided_by}宣布{level.name}应急响应结束"
        + (f"（尚有 {len(undone)} 项未完成，理由：{reason}）" if undone else ""),
        data={"response_id": response.id, "open_items": undone, "reason": reason if undone else None},
    )
    alerts.response_changed(
        db_session,
        clock,
        incident,
        f"response-{response.id}-ended",
        f"{level.name}应急响应结束",
        f"{incident.title}：{response.decided_by}宣布{level.name}应急响应结束",
    )
    _post_event_obligations(db_session, clock, incident, plan, response)
    _change_reports(db_session, clock, incident, plan, "ended")
    _audit(
        db_session,
        clock,
        actor,
        "incidents.response.end",
        "response",
        response.id,
        None,
        {"ended_at": now.isoformat(), "open_items": len(undone), "reason": reason},
    )
    return response


def _change_reports(db_session: Session, clock: Clock, incident: Incident, plan: Plan, change: str) -> None:
    """The report a plan requires within hours after the response is lowered or lifted (003#L6 4.8: 24 小时内向市委、
    市人民政府相关部门和自治区气象局报告), one per recipient; a repeated lowering leaves the first clock as it is."""
    rule = plan.response.change_report
    if rule is None:
        return
    now = clock.now()
    have = {
        o.to_body
        for o in db_session.scalars(
            select(Obligation).where(
                Obligation.incident_id == incident.id,
                Obligation.plan_id == plan.id,
                Obligation.kind == ObligationKind.CHANGE_REPORT,
                Obligation.form == change,
            )
        )
    }
    basis = [b.to_basis(rule="change_report", plan=plan.id).as_dict() for b in rule.basis]
    fresh = [
        Obligation(
            incident_id=incident.id,
            plan_id=plan.id,
            kind=ObligationKind.CHANGE_REPORT,
            from_body=rule.by,
            to_body=to,
            form=change,
            due_at=now + timedelta(hours=rule.within_hours),
            window_minutes=rule.within_hours * 60,
            basis=basis,
        )
        for to in rule.to
        if to not in have
    ]
    if not fresh:
        return
    db_session.add_all(fresh)
    db_session.flush()
    word = "降低响应级别" if change == "lowered" else "解除应急响应"
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor="system",
        kind="obligation.opened",
        summary=f"{word}后{rule.within_hours}小时内由{rule.by}向{'、'.join(rule.to)}报告",
        data={"count": len(fresh)},
    )


def _post_event_obligations(
    db_session: Session, clock: Clock, incident: Incident, plan: Plan, response: ResponseRecord
) -> None:
    post = plan.post_event
    assert response.ended_at is not None
    basis = [b.to_basis(rule="post_event", plan=plan.id).as_dict() for b in post.basis]
    due = None
    if post.evaluation_report_days is not None:
        due = response.ended_at + timedelta(days=post.evaluation_report_days)
    wanted = [
        Obligation(
            incident_id=incident.id,
            plan_id=plan.id,
            kind=ObligationKind.EVALUATION_REPORT,
            from_body=plan.headquarters.office,
            to_body="、".join(post.evaluation_report_to),  # empty where the plan names no recipient (东胜区)
            form="document",
            due_at=due,
            window_minutes=None,
            basis=basis,
        )
    ]
    wanted += [
        Obligation(
            incident_id=incident.id,
            plan_id=plan.id,
            kind=ObligationKind.POST_EVENT,
            from_body="有关单位",
            to_body=text[:200],
            form="document",
            due_at=None,
            window_minutes=None,
            basis=basis,
        )
        for text in post.obligations
    ]
    existing = {
        (o.kind, o.from_body, o.to_body, o.form)
        for o in db_session.scalars(
            select(Obligation).where(Obligation.incident_id == incident.id, Obligation.plan_id == plan.id)
        )
    }
    fresh = [o for o in wanted if (o.kind, o.from_body, o.to_body, o.form) not in existing]
    for obligation in wanted:
        if obligation in fresh:
            continue
        # A second response under the same plan ended: the evaluation report's clock restarts from this end.
        for row in db_session.scalars(
            select(Obligation).where(
                Obligation.incident_id == incident.id,
                Obligation.plan_id == plan.id,
                Obligation.kind == obligation.kind,
                Obligation.to_body == obligation.to_body,
                Obligation.acknowledged_at.is_(None),
            )
        ):
            row.due_at = obligation.due_at
    db_session.add_all(fresh)
    db_session.flush()
    when = f"应急结束后{post.evaluation_report_days}日内" if post.evaluation_report_days else "及时（预案未规定天数）"
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor="system",
        kind="post_event.opened",
        summary=f"后期处置义务 {len(wanted)} 项；总结评估报告{when}",
    )


def _audit(
    db_session: Session,
    clock: Clock,
    actor: Actor,
    action: str,
    kind: str,
    key: int,
    before: Mapping[str, object] | None,
    after: Mapping[str, object] | None,
) -> None:
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=action,
        target_kind=kind,
        target_key=str(key),
        before=None if before is None else dict(before),
        after=None if after is None else dict(after),
    )


def release(*, db_session: Session, clock: Clock, actor: Actor, incident_id: int, data: ReleaseIn) -> TimelineEvent:
    """Record an information release, made by an account of the body the plan names for the grade (信息发布)."""
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    plan = _plan_of(incident, data.plan_id)
    if plan.public_release is None:
        raise RuleViolation(field="plan_id", plan=plan.metadata.title, rule="本预案不规定事故信息发布")
    facts = service.rule_facts(incident.facts)
    latest = next(a for a in service.assessments(db_session=db_session, incident=incident) if a.plan_id == plan.id)
    found = release_rule(plan.public_release, Grade(latest.grade), sensitive=facts.is_sensitive, plan_id=plan.id)
    rule = found.value
    if rule is None:
        raise RuleViolation(field="plan_id", plan=plan.metadata.title, rule=found.notes[0])
    if not acts_for_office(actor, rule.level, incident.division_code):
        raise Forbidden(
            reason=f"该等级事故的信息由“{rule.body}”发布", basis=found.basis, subcode="incident.release.not_body"
        )
    event = timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind="release",
        summary=f"{rule.body}发布信息：{data.text[:200]}",
        data={"plan_id": plan.id, "text": data.text},
    )
    _audit(
        db_session,
        clock,
        actor,
        "incidents.release",
        "incident",
        incident.id,
        None,
        {"body": rule.body, "text": data.text},
    )
    return event


def record_rescuers(
    *, db_session: Session, clock: Clock, actor: Actor, incident_id: int, data: RescuersInZone
) -> TimelineEvent:
    incident = _writable(db_session, actor, incident_id)
    event = timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind="rescuers.in_zone",
        summary=f"进入危险区域（{data.zone}）的救援人员：{data.count} 人",
        data=data.model_dump(),
    )
    _audit(db_session, clock, actor, "incidents.rescuers", "incident", incident.id, None, data.model_dump())
    return event


def handover(*, db_session: Session, clock: Clock, actor: Actor, incident_id: int, data: Handover) -> TimelineEvent:
    incident = _writable(db_session, actor, incident_id)
    event = timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind="command.handover",
        summary=f"指挥权移交：{data.from_body} → {data.to_body}",
        data=data.model_dump(),
    )
    _audit(db_session, clock, actor, "incidents.handover", "incident", incident.id, None, data.model_dump())
    return event


def dispatch(*, db_session: Session, clock: Clock, actor: Actor, incident_id: int, data: DispatchIn) -> Dispatch:
    """Record a dispatch of a resource the actor may see — or of the incident mine's contracted rescue team."""
    incident = _writable(db_session, actor, incident_id)
    try:
        spec = BY_NAME[SPEC_OF_RESOURCE[ResourceKind(data.resource_kind)]]
        name = registry.get(db_session=db_session, actor=actor, spec=spec, row_id=data.resource_id).name  # type: ignore[attr-defined]
    except NotFound:
        mine = None if incident.mine_id is None else db_session.get(Mine, incident.mine_id)
        contracted = (
            mine is not None and data.resource_kind == "rescue_team" and mine.contracted_team_id == data.resource_id
        )
        if not contracted:
            raise
        name = db_session.get_one(RescueTeam, data.resource_id).name
    row = Dispatch(
        incident_id=incident.id,
        resource_kind=data.resource_kind,
        resource_id=data.resource_id,
        resource_name=name,
        note=data.note,
        dispatched_by=actor.username,
        dispatched_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind="dispatch",
        summary=f"调派：{name}{('（' + data.note + '）') if data.note else ''}",
        data={"dispatch_id": row.id, "kind": data.resource_kind, "resource_id": data.resource_id},
    )
    _audit(
        db_session,
        clock,
        actor,
        "incidents.dispatch",
        "incident",
        incident.id,
        None,
        {"kind": data.resource_kind, "resource_id": data.resource_id, "name": name},
    )
    return row


def _writable(db_session: Session, actor: Actor, incident_id: int) -> Incident:
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    if not actor.has(Permission.INCIDENTS_COMMAND):
        raise Forbidden(reason="只有指挥和值班人员可以记录此项", subcode="incident.command.role")
    return incident

"""Telling people, so the duty officer does not have to phone them: inbox notices to the officers whose jurisdiction
holds the place, and an SMS with the facts and a link to every body on the reporting chain and each deciding body
(their duty phones from the registry); reminders before a reporting clock runs out, and when it has."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.roles import Permission
from yingji.core.clock import Clock, to_local
from yingji.core.divisions import city_of, county_of
from yingji.db import outbox
from yingji.inbox import service as inbox
from yingji.inbox.models import NoticeKind
from yingji.incidents import follow_up, timeline
from yingji.incidents.enums import ObligationKind
from yingji.incidents.models import Assessment, Incident, Obligation, ResponseRecord, Task
from yingji.liaisons import service as liaisons
from yingji.liaisons.models import Liaison
from yingji.plans import loader
from yingji.plans.schema import BodyLevel
from yingji.registry import divisions
from yingji.registry.models import Organisation
from yingji.rules.levels import GRADE_LABELS, Grade

REMIND_LEAD = timedelta(minutes=15)  # a reminder this long before a clock runs out (half a shorter window)
UNKNOWN = "不详"


def room(incident: Incident) -> str:
    return f"/console/incidents/{incident.id}"


def _officers(db_session: Session, incident: Incident) -> list[int]:
    return inbox.officers_over(db_session, incident.division_code, Permission.INCIDENTS_COMMAND)


def _count(value: object) -> str:
    return UNKNOWN if value is None else str(value)


def facts_line(incident: Incident) -> str:
    """死亡 1、重伤 不详 …: an unknown count says 不详, never 0."""
    facts = incident.facts
    parts = [("死亡", "deaths"), ("重伤", "serious_injuries"), ("失踪", "missing"), ("被困", "trapped")]
    return "、".join(f"{label} {_count(facts.get(key))}" for label, key in parts)


def _level_name(assessment: Assessment) -> str:
    levels = loader.get(assessment.plan_id).response.levels
    return next(
        (lvl.name for lvl in levels if lvl.level == assessment.response_level), f"{assessment.response_level}级"
    )


def _assessment_line(assessments: Iterable[Assessment]) -> str:
    lines = []
    for a in assessments:
        grade = GRADE_LABELS[Grade(a.grade)] + ("（暂定）" if a.provisional else "")
        level = f"，{_level_name(a)}响应由{a.decided_by}决定" if a.response_level and a.decided_by else ""
        lines.append(grade + level)
    return "；".join(dict.fromkeys(lines)) or "尚无研判"


def region_of(code: str) -> str:
    return code[:2] + "0000"


LEVEL_DIVISION: dict[BodyLevel, Callable[[str], str]] = {
    BodyLevel.COUNTY: county_of,
    BodyLevel.CITY: city_of,
    BodyLevel.REGION: region_of,
    BodyLevel.NATION: region_of,  # a state bureau's office in the region (e.g. 国家矿山安全监察局内蒙古局)
}
PLACE_WORDS = re.compile(r"^(事发地)?(旗县级|盟市级|市级|县级)?")


def _core(body: str, place_names: Iterable[str]) -> str:
    """The kind of body a plan names, without its place: 事发地旗县级应急管理局（矿山安全监管局） → 应急管理局."""
    core = re.sub(r"（.*?）|\(.*?\)", "", body)
    for name in sorted(place_names, key=len, reverse=True):
        core = core.removeprefix(name)
    return PLACE_WORDS.sub("", core)


def _registered(db_session: Session, incident: Incident, body: str) -> Organisation | None:
    """The registry's organisation for a body of the plans: the exact name, else the body's kind (应急管理局,
    人民政府 …) among the organisations of the division its level stands for (the incident's county, city, region)."""
    exact = db_session.scalars(select(Organisation).where(Organisation.name == body).limit(1)).first()
    if exact is not None:
        return exact
    for plan_id in incident.plan_ids:
        plan = loader.get(plan_id)
        if body == plan.headquarters.name:  # an HQ is reached through its standing office (指挥部办公室)
            office = db_session.scalars(
                select(Organisation).where(Organisation.name == plan.headquarters.office).limit(1)
            ).first()
            if office is not None:
                return office
        level = plan.reporting.body_levels.get(body) if plan.reporting is not None else None
        if level is None or level not in LEVEL_DIVISION:
            continue
        code = LEVEL_DIVISION[level](incident.division_code)
        places = divisions.names(db_session, [code, county_of(incident.division_code), city_of(incident.division_code)])
        core = _core(body, places.values())
        if not core:
            continue
        candidates = db_session.scalars(
            select(Organisation)
            .where(Organisation.division_code == code, Organisation.name.contains(core, autoescape=True))
            .order_by(Organisation.id)
            .limit(1)
        )
        found = candidates.first()
        if found is not None:
            return found
    return None


def _phones(db_session: Session, incident: Incident, bodies: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Duty phones (registered name → phone) of the named bodies; the bodies without one (or not registered)."""
    found: dict[str, str] = {}
    missing: list[str] = []
    for body in sorted({b for b in bodies if b}):
        organisation = _registered(db_session, incident, body)
        if organisation is not None and organisation.duty_phone:
            found[organisation.name] = organisation.duty_phone
        else:
            missing.append(body)
    return found, missing


def _unit_bodies(incident: Incident) -> set[str]:
    """The accident unit's own people: they are the source of the report, not told of it."""
    unit: set[str] = set()
    for plan_id in incident.plan_ids:
        plan = loader.get(plan_id)
        if plan.reporting is not None:
            unit |= {body for body, level in plan.reporting.body_levels.items() if level is BodyLevel.UNIT}
    return unit


def _tell_officers(
    db_session: Session, now: datetime, incident: Incident, kind: NoticeKind, key: str, title: str, body: str
) -> int:
    """Into the inbox of every officer whose jurisdiction holds the place, once per event; returns notices added."""
    return inbox.post(
        db_session,
        now=now,
        user_ids=_officers(db_session, incident),
        kind=kind,
        key=key,
        title=title,
        body=body,
        url=room(incident),
        division_code=incident.division_code,
    )


def _sms(
    db_session: Session, now: datetime, incident: Incident, topic: str, key: str, phone: str, text: str, to: str = ""
) -> None:
    """One SMS through the outbox with the incident's link (the gateway adapter prefixes the public address)."""
    outbox.enqueue(
        db_session=db_session,
        now=now,
        topic=topic,
        key=key,
        channel="sms",
        recipient=phone,
        payload={"headline": text, "sms_text": text, "link": room(incident), "incident_id": incident.id, "to": to},
    )


def incident_reported(db_session: Session, clock: Clock, incident: Incident) -> None:
    """After the 初报 is recorded and assessed: the officers over the place, the reporting chain, the deciders."""
    now = clock.now()
    assessments = list(db_session.scalars(select(Assessment).where(Assessment.incident_id == incident.id)))
    obligations = list(
        db_session.scalars(
            select(Obligation).where(Obligation.incident_id == incident.id, Obligation.kind == ObligationKind.REPORT)
        )
    )
    place = divisions.names(db_session, [incident.division_code]).get(incident.division_code, "")
    when = to_local(incident.occurred_at).strftime("%m-%d %H:%M")
    summary = f"{place}{incident.title}（{when}）：{facts_line(incident)}。研判：{_assessment_line(assessments)}"
    _tell_officers(
        db_session,
        now,
        incident,
        NoticeKind.INCIDENT,
        f"incident-{incident.id}-reported",
        f"新事故：{incident.title}",
        summary,
    )
    bodies = {o.to_body for o in obligations} | {a.decided_by for a in assessments if a.decided_by}
    phones, unreachable = _phones(db_session, incident, bodies - _unit_bodies(incident))
    for body, phone in phones.items():
        _sms(
            db_session,
            now,
            incident,
            "incident.reported",
            f"incident-{incident.id}",
            phone,
            f"【事故信息】{summary}",
            body,
        )
    _record_reach(db_session, clock, incident, sorted(phones), unreachable, what="")


def _record_reach(
    db_session: Session, clock: Clock, incident: Incident, reached: list[str], unreached: list[str], what: str
) -> None:
    """On the timeline: who was sent an SMS, and who could not be (no registered duty phone) and must be phoned."""
    for kind, bodies, summary in (
        ("notify.sent", reached, f"{what}已通知（短信）：{'、'.join(reached)}"),
        ("notify.unreachable", unreached, f"{what}未登记值班电话，未能自动通知：{'、'.join(unreached)}（请电话通知）"),
    ):
        if bodies:
            timeline.record_event(
                db_session=db_session,
                clock=clock,
                incident=incident,
                actor="system",
                kind=kind,
                summary=summary,
                data={"bodies": bodies},
            )


def response_changed(db_session: Session, clock: Clock, incident: Incident, key: str, title: str, body: str) -> None:
    """Response started, adjusted or ended: every officer over the place hears of it."""
    inbox.post(
        db_session,
        now=clock.now(),
        user_ids=_officers(db_session, incident),
        kind=NoticeKind.RESPONSE,
        key=f"incident-{incident.id}-{key}",
        title=title,
        body=body,
        url=room(incident),
        division_code=incident.division_code,
    )


def tasks_assigned(
    db_session: Session, clock: Clock, incident: Incident, level_name: str, tasks: Sequence[Task]
) -> None:
    """A response's tasks reach their units: the inbox of the unit's accounts and an SMS to its duty phone, once per
    unit and response; units the registry does not know (or without a phone) are named on the timeline."""
    now = clock.now()
    by_unit: dict[str, list[Task]] = {}
    for task in tasks:
        by_unit.setdefault(task.owner_unit, []).append(task)
    reached: list[str] = []
    unreached: list[str] = []
    for unit, own in sorted(by_unit.items()):
        titles = "；".join(t.title[:30] for t in own[:3]) + ("…" if len(own) > 3 else "")
        text = f"{incident.title}已启动{level_name}响应，{unit}任务 {len(own)} 项：{titles}"
        key = f"response-{own[0].response_id}-{level_name}-tasks-{unit}"
        liaison = _liaison(db_session, own[0], unit)
        if liaison is not None:  # the person the unit named for the HQ's contact (联络员) is told directly
            message = f"【应急任务】{text}"
            _sms(db_session, now, incident, "incident.tasks", f"{key}-liaison", liaison.mobile, message, unit)
        organisation = _registered(db_session, incident, unit)
        if organisation is None:
            (reached if liaison is not None else unreached).append(unit)
            continue
        inbox.post(
            db_session,
            now=now,
            user_ids=inbox.enterprise_accounts(db_session, organisation.id),
            kind=NoticeKind.TASK,
            key=key,
            title=f"应急任务：{incident.title}",
            body=text,
            url=room(incident),
            division_code=incident.division_code,
        )
        if organisation.duty_phone:
            _sms(db_session, now, incident, "incident.tasks", key, organisation.duty_phone, f"【应急任务】{text}", unit)
        (reached if organisation.duty_phone or liaison is not None else unreached).append(unit)
    _record_reach(db_session, clock, incident, reached, unreached, what="任务")


def _liaison(db_session: Session, task: Task, unit: str) -> Liaison | None:
    response = db_session.get(ResponseRecord, task.response_id)
    if response is None:
        return None
    pair = (response.plan_id, unit)
    return liaisons.of_units(db_session, [pair]).get(pair)


def _lead(obligation: Obligation) -> timedelta:
    if obligation.window_minutes is None:
        return REMIND_LEAD
    return min(REMIND_LEAD, timedelta(minutes=obligation.window_minutes) / 2)


def _clock_text(obligation: Obligation) -> str:
    return f"{obligation.from_body}→{obligation.to_body or '（预案未规定报送对象）'}"


def remind_due(db_session: Session, clock: Clock) -> int:
    """Remind the officers over the place (inbox) and the reporting body (SMS) once before each clock runs out."""
    now = clock.now()
    query = (
        select(Obligation)
        .where(
            Obligation.kind == ObligationKind.REPORT,
            Obligation.due_at.is_not(None),
            Obligation.due_at >= now,
            Obligation.due_at <= now + REMIND_LEAD,
            Obligation.acknowledged_at.is_(None),
            Obligation.withdrawn_at.is_(None),
            Obligation.reminded_at.is_(None),
        )
        .order_by(Obligation.due_at)
        .with_for_update(skip_locked=True)
    )
    reminded = 0
    for obligation in db_session.scalars(query):
        assert obligation.due_at is not None
        if obligation.due_at - now > _lead(obligation):
            continue
        obligation.reminded_at = now
        incident = db_session.get_one(Incident, obligation.incident_id)
        due = to_local(obligation.due_at).strftime("%H:%M")
        text = f"报告时限将到：{_clock_text(obligation)}，须在 {due} 前报告（{incident.title}）"
        _tell_officers(db_session, now, incident, NoticeKind.CLOCK_DUE, f"obligation-{obligation.id}-due", text, text)
        phones, _ = _phones(db_session, incident, [obligation.from_body])
        for phone in phones.values():
            _sms(
                db_session,
                now,
                incident,
                "incident.clock",
                f"obligation-{obligation.id}-due",
                phone,
                f"【报告提醒】{text}",
            )
        reminded += 1
    reminded += remind_follow_ups(db_session, now)
    db_session.flush()
    return reminded


def follow_up_text(expected: follow_up.FollowUpDue) -> str:
    last = to_local(expected.last_report_at).strftime("%H:%M")
    by = to_local(expected.due_at).strftime("%H:%M")
    wanted = "、".join(dict.fromkeys(f for c in expected.contents for f in c.fields))
    return f"上次报告 {last}，请在 {by} 前续报（{wanted}）"


def remind_follow_ups(db_session: Session, now: datetime) -> int:
    """While a response runs, the officers over the place are reminded once per gap before a 续报 is expected."""
    reminded = 0
    for incident in follow_up.responding(db_session):
        expected = follow_up.due(db_session, incident)
        if expected is None or now < expected.due_at - REMIND_LEAD:
            continue
        text = follow_up_text(expected)
        key = f"incident-{incident.id}-followup-{expected.last_report_id}"
        title = f"续报提醒：{incident.title}"
        reminded += bool(_tell_officers(db_session, now, incident, NoticeKind.CLOCK_DUE, key, title, text))
    return reminded


def overdue(db_session: Session, now: datetime, incident: Incident, obligation: Obligation) -> None:
    """A clock has run out unmet (迟报): the officers over the place are told once."""
    text = f"已超时：{_clock_text(obligation)}（{incident.title}）"
    _tell_officers(
        db_session, now, incident, NoticeKind.CLOCK_OVERDUE, f"obligation-{obligation.id}-overdue", text, text
    )


def plan_deciders(incident: Incident) -> set[str]:
    """The bodies the plans name as deciding their levels — for an event without an assessment (a weather event
    taken in from its warning: 003#L6 4.3, 市人影指挥部 proposes and 市防灾减灾救灾委员会 decides)."""
    return {lvl.decided_by.body for plan_id in incident.plan_ids for lvl in loader.get(plan_id).response.levels}


def notify_deciders(db_session: Session, clock: Clock, incident: Incident, actor: str) -> list[str]:
    """通知决定机关: the officer who may not start the response asks the bodies that decide it, by SMS to their duty
    phones and in the inbox of the accounts over the place; returns the bodies reached. Each press is a new message."""
    now = clock.now()
    assessments = list(db_session.scalars(select(Assessment).where(Assessment.incident_id == incident.id)))
    deciders = {a.decided_by for a in assessments if a.decided_by and a.response_level} or plan_deciders(incident)
    stamp = now.strftime("%Y%m%d%H%M%S")
    text = f"【请研判启动响应】{incident.title}：{facts_line(incident)}。研判：{_assessment_line(assessments)}"
    phones, unreachable = _phones(db_session, incident, deciders)
    for body, phone in phones.items():
        _sms(db_session, now, incident, "incident.decider", f"incident-{incident.id}-{stamp}", phone, text, body)
    _tell_officers(
        db_session,
        now,
        incident,
        NoticeKind.ESCALATION,
        f"incident-{incident.id}-decider-{stamp}",
        f"请研判启动响应：{incident.title}",
        text,
    )
    reached = "、".join(sorted(phones)) or "无（未登记值班电话）"
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor,
        kind="notify.decider",
        summary=f"通知决定机关：{'、'.join(sorted(deciders)) or '（无）'}；短信送达：{reached}"
        + (f"；未能自动通知：{'、'.join(unreachable)}" if unreachable else ""),
        data={"bodies": sorted(phones), "unreachable": unreachable},
    )
    return sorted(phones)

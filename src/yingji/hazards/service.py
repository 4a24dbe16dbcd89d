"""The hazard closed loop on the database: report, confirm, 五落实, submit, accept (销号) or reject, and the ladder.

Every step goes through rules.hazards.transition (which party may take it from which state), is written as an
append-only HazardEvent and as an audit entry in the same transaction. Major hazards notify the enterprise's
principal leader, its actual controller and the supervising body through the outbox ("及时将重大事故隐患信息通知到
相关生产经营单位的主要负责人、实际控制人", 004#L746-L750). A general hazard has a week to be rectified unless the
supervisor consents to more (004#L4254); a closed hazard found unrectified is re-opened with accountability recorded
against whoever signed it off (004#L718-L724).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.clock import Clock, local_today
from yingji.core.errors import Forbidden, InvalidInput, InvalidState, NotFound, TooLarge
from yingji.core.paging import MAX_LIMIT, PageParams, paginate
from yingji.db import outbox
from yingji.hazards import policy
from yingji.hazards.models import Channel, Hazard, HazardAccountability, HazardAttachment, HazardEvent
from yingji.hazards.schema import (
    ConfirmIn,
    ExtensionIn,
    HazardIn,
    RectificationIn,
    ReopenIn,
    StepIn,
    checklist_for,
    ladder,
)
from yingji.hazards.schemas import HazardFilters, HazardOrder
from yingji.inbox import service as inbox
from yingji.inbox.models import NoticeKind
from yingji.registry.enums import OrganisationKind
from yingji.registry.models import Mine, Organisation
from yingji.rules.hazards import (
    FiveImplementations,
    HazardAction,
    HazardGrade,
    HazardState,
    Party,
    check_five,
    determine_grade,
    ladder_step,
    needs_consent,
    require_reason,
    transition,
    week_deadline,
)

OPEN_STATES = (HazardState.REPORTED, HazardState.CONFIRMED, HazardState.RECTIFYING, HazardState.AWAITING_ACCEPTANCE)
MAX_EXPORT_ROWS = 5000  # one spreadsheet of a county's hazards; a larger list is narrowed by its filters first
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {  # content type → leading bytes the file must start with
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "application/pdf": b"%PDF-",
}


# --- events and notifications ---------------------------------------------------------------------------------------


def _record(
    db_session: Session,
    clock: Clock,
    actor: Actor,
    hazard: Hazard,
    action: str,
    *,
    before: HazardState | None = None,
    note: str | None = None,
    **detail: Any,
) -> None:
    after = hazard.state if before is not None else None
    db_session.add(
        HazardEvent(
            hazard_id=hazard.id,
            action=action,
            from_state=before.value if before else None,
            to_state=after.value if after else None,
            note=note,
            detail={k: str(v) for k, v in detail.items()},
            actor=actor.username,
            at=clock.now(),
        )
    )
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=f"hazard.{action}",
        target_kind="hazard",
        target_key=str(hazard.id),
        detail={k: str(v) for k, v in detail.items()} | ({"note": note} if note else {}),
        before={"state": before.value} if before else None,
        after={"state": after.value} if after else None,
    )


def _recipients(db_session: Session, hazard: Hazard) -> list[tuple[str, str | None]]:
    """(who, phone) for the enterprise's principal leader, its actual controller (004#L748) and the supervising body;
    phone None when unregistered. A controller with the principal's own phone is sent one message, not two."""
    enterprise = db_session.get(Organisation, hazard.organisation_id)
    assert enterprise is not None
    who: list[tuple[str, str | None]] = [
        (f"{enterprise.name}主要负责人{enterprise.principal_name or ''}", enterprise.principal_phone)
    ]
    if not enterprise.controller_phone or enterprise.controller_phone != enterprise.principal_phone:
        who.append((f"{enterprise.name}实际控制人{enterprise.controller_name or ''}", enterprise.controller_phone))
    if hazard.supervising_org_id is not None:
        body = db_session.get(Organisation, hazard.supervising_org_id)
        if body is not None:
            who.append((body.name, body.duty_phone))
    return who


def _notify(db_session: Session, clock: Clock, actor: Actor, hazard: Hazard, reason: str, text: str) -> None:
    """Queue one SMS per recipient (same transaction); a recipient without a phone is recorded as not reached. The
    supervisors over the place and the enterprise's accounts also find it in their inbox."""
    inbox.post(
        db_session,
        now=clock.now(),
        user_ids=[
            *inbox.officers_over(db_session, hazard.division_code, Permission.HAZARDS_SUPERVISE),
            *inbox.enterprise_accounts(db_session, hazard.organisation_id),
        ],
        kind=NoticeKind.HAZARD,
        key=f"hazard-{hazard.id}-{reason}",
        title=text[:200],
        body=text,
        url=f"/console/hazards/{hazard.id}",
        division_code=hazard.division_code,
    )
    missing = []
    for who, phone in _recipients(db_session, hazard):
        if not phone:
            missing.append(who)
            continue
        outbox.enqueue(
            db_session=db_session,
            now=clock.now(),
            topic="hazard",
            key=f"hazard-{hazard.id}-{reason}",
            channel="sms",
            recipient=phone,
            payload={"headline": text, "text": text, "sms_text": text, "hazard_id": hazard.id, "to": who},
        )
    if missing:
        _record(
            db_session, clock, actor, hazard, "notify_unreachable", note=f"未登记电话，未能通知：{'、'.join(missing)}"
        )


def _notify_major(db_session: Session, clock: Clock, actor: Actor, hazard: Hazard) -> None:
    enterprise = db_session.get(Organisation, hazard.organisation_id)
    name = enterprise.name if enterprise else str(hazard.organisation_id)
    text = f"【重大事故隐患】{name}：{hazard.place}（{hazard.category}）。请立即组织整改，落实“五落实”。"
    _notify(db_session, clock, actor, hazard, "major", text)


# --- scope ----------------------------------------------------------------------------------------------------------


def visible(db_session: Session, actor: Actor, hazard_id: int, *, for_update: bool = False) -> Hazard:
    """A hazard through the list's own scope filter; others are NotFound."""
    query = select(Hazard).where(Hazard.id == hazard_id, policy.scope(actor))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    hazard = db_session.scalars(query).first()
    if hazard is None:
        raise NotFound(kind="隐患", key=str(hazard_id))
    return hazard


def _enterprise(db_session: Session, actor: Actor, data: HazardIn) -> Organisation:
    may = policy.report_channels(actor)
    if data.channel is Channel.SELF_CHECK:
        if Channel.SELF_CHECK not in may:
            raise Forbidden(reason="企业自查隐患只能由企业账号上报；监管人员请选择“监管检查”")
        if data.organisation_id not in (None, actor.organisation_id):
            raise Forbidden(reason="企业账号只能上报本企业的隐患")
        organisation_id: int | None = actor.organisation_id
    else:
        if Channel.INSPECTION not in may:
            raise Forbidden(reason="监管检查发现的隐患只能由负有监管职责的部门登记")
        organisation_id = data.organisation_id
    if organisation_id is None:
        raise InvalidInput(field="organisation_id", reason="organisation_id：必须指明隐患所在企业")
    enterprise = db_session.get(Organisation, organisation_id)
    if enterprise is None or not actor.covers_record(
        division_code=enterprise.division_code, organisation_id=enterprise.id
    ):
        raise InvalidInput(
            field="organisation_id", reason=f"organisation_id：辖区内没有编号为 {organisation_id} 的单位"
        )
    if enterprise.kind is not OrganisationKind.ENTERPRISE:
        raise InvalidInput(field="organisation_id", reason=f"organisation_id：「{enterprise.name}」不是企业")
    return enterprise


def _supervising_body(db_session: Session, enterprise: Organisation, mine: Mine | None) -> int | None:
    """The mine's registered supervisor, else the emergency-management bureau of the enterprise's county."""
    if mine is not None and mine.supervising_org_id is not None:
        return mine.supervising_org_id
    query = select(Organisation.id).where(
        Organisation.kind == OrganisationKind.DEPARTMENT,
        Organisation.division_code == divisions.county_of(enterprise.division_code),
        Organisation.name.endswith("应急管理局"),
    )
    return db_session.scalars(query.order_by(Organisation.id)).first()


def _grade(enterprise: Organisation, criteria: list[str], note: str | None) -> HazardGrade:
    checklist = checklist_for(enterprise.sector)
    codes = frozenset(i.code for i in checklist.items) if checklist else frozenset()
    return determine_grade(criteria, codes, note)


# --- the loop -------------------------------------------------------------------------------------------------------


def report(
    *, db_session: Session, clock: Clock, actor: Actor, data: HazardIn, channel: Channel | None = None
) -> Hazard:
    """Record a hazard found by self-check or inspection (or, via tips, a verified public tip)."""
    actor.require(Permission.HAZARDS_REPORT)
    enterprise = _enterprise(db_session, actor, data) if channel is None else _tip_enterprise(db_session, actor, data)
    mine = None
    if data.mine_id is not None:
        mine = db_session.get(Mine, data.mine_id)
        if mine is None or mine.enterprise_id != enterprise.id:
            raise InvalidInput(
                field="mine_id", reason=f"mine_id：「{enterprise.name}」没有编号为 {data.mine_id} 的矿山"
            )
    if data.found_on > local_today(clock):
        raise InvalidInput(field="found_on", reason="found_on：发现日期不能晚于今天")
    now = clock.now()
    hazard = Hazard(
        channel=channel or data.channel,
        organisation_id=enterprise.id,
        division_code=enterprise.division_code,
        sector=enterprise.sector,
        mine_id=mine.id if mine else None,
        supervising_org_id=_supervising_body(db_session, enterprise, mine),
        place=data.place,
        description=data.description,
        category=data.category,
        grade=_grade(enterprise, data.criteria, data.grade_note),
        criteria=list(data.criteria),
        grade_note=data.grade_note,
        state=HazardState.REPORTED,
        found_on=data.found_on,
        reported_by=actor.username,
        created_at=now,
        updated_at=now,
    )
    db_session.add(hazard)
    db_session.flush()
    _record(db_session, clock, actor, hazard, "report", channel=hazard.channel.value, grade=hazard.grade.value)
    if hazard.grade is HazardGrade.MAJOR:
        _notify_major(db_session, clock, actor, hazard)
    return hazard


def _tip_enterprise(db_session: Session, actor: Actor, data: HazardIn) -> Organisation:
    enterprise = db_session.get(Organisation, data.organisation_id) if data.organisation_id else None
    if (
        enterprise is None
        or enterprise.kind is not OrganisationKind.ENTERPRISE
        or not actor.covers_division(enterprise.division_code)
    ):
        raise InvalidInput(field="organisation_id", reason="organisation_id：举报查实的隐患须指明被举报企业")
    return enterprise


def _step(
    db_session: Session, clock: Clock, actor: Actor, hazard_id: int, action: HazardAction
) -> tuple[Hazard, HazardState]:
    hazard = visible(db_session, actor, hazard_id, for_update=True)
    before = hazard.state
    hazard.state = transition(before, action, policy.require_party(actor, hazard))
    hazard.updated_at = clock.now()
    return hazard, before


def confirm(*, db_session: Session, clock: Clock, actor: Actor, hazard_id: int, data: ConfirmIn) -> Hazard:
    hazard, before = _step(db_session, clock, actor, hazard_id, HazardAction.CONFIRM)
    was = hazard.grade
    if data.criteria is not None:
        if not policy.may_regrade(actor, hazard):
            raise Forbidden(subcode="hazard.confirm.not_supervisor", reason="只有监管部门可以在确认时改定隐患等级")
        enterprise = db_session.get(Organisation, hazard.organisation_id)
        assert enterprise is not None
        hazard.grade = _grade(enterprise, data.criteria, data.grade_note)
        hazard.criteria, hazard.grade_note = list(data.criteria), data.grade_note
        if was is HazardGrade.MAJOR and hazard.grade is not HazardGrade.MAJOR and not (data.note or "").strip():
            raise InvalidInput(field="note", reason="note：将重大事故隐患改定为一般隐患须写明理由")
    _record(
        db_session,
        clock,
        actor,
        hazard,
        "confirm",
        before=before,
        note=data.note,
        grade_from=was.value,
        grade=hazard.grade.value,
    )
    if hazard.grade is HazardGrade.MAJOR and was is not HazardGrade.MAJOR:
        _notify_major(db_session, clock, actor, hazard)
    return hazard


def rectify(*, db_session: Session, clock: Clock, actor: Actor, hazard_id: int, data: RectificationIn) -> Hazard:
    """落实整改：all five of 五落实, checked before the state changes (nothing is stored on refusal).

    A general hazard's deadline more than a week after it was found needs a written reason (422 without). The
    supervisor setting such a deadline consents by doing so; an enterprise's request waits for the supervisor's
    consent, and until then the week's deadline holds (004#L4254: "原则上一周内")."""
    five = FiveImplementations(
        responsible=data.responsible,
        measures=data.measures,
        funds_yuan=float(data.funds_yuan) if data.funds_yuan is not None else None,
        deadline=data.deadline,
        contingency_plan=data.contingency_plan,
    )
    check_five(five, local_today(clock))
    assert data.deadline is not None  # check_five requires it
    found = visible(db_session, actor, hazard_id, for_update=True)
    require_reason(found.grade, found.found_on, data.deadline, data.deadline_reason)
    hazard, before = _step(db_session, clock, actor, hazard_id, HazardAction.PLAN)
    hazard.responsible, hazard.measures = data.responsible, data.measures
    hazard.funds_yuan, hazard.contingency_plan = data.funds_yuan, data.contingency_plan
    longer = needs_consent(hazard.grade, hazard.found_on, data.deadline)
    hazard.deadline_reason = data.deadline_reason if longer else None
    hazard.requested_deadline, hazard.deadline_consented_by, hazard.deadline = None, None, data.deadline
    if longer and policy.party(actor, hazard) is Party.SUPERVISOR:
        hazard.deadline_consented_by = actor.username
    elif longer:
        hazard.requested_deadline, hazard.deadline = data.deadline, week_deadline(hazard.found_on)
    asked: dict[str, Any] = {"requested_deadline": data.deadline, "reason": data.deadline_reason} if longer else {}
    _record(db_session, clock, actor, hazard, "rectify", before=before, deadline=hazard.deadline, **asked)
    if hazard.requested_deadline is not None:
        _ask_consent(db_session, clock, hazard)
    return hazard


def _ask_consent(db_session: Session, clock: Clock, hazard: Hazard) -> None:
    """The supervisors over the place find an enterprise's request for a longer deadline in their inbox."""
    enterprise = db_session.get(Organisation, hazard.organisation_id)
    text = (
        f"【隐患延期整改申请】{enterprise.name if enterprise else ''}：{hazard.place}，申请整改时限至 "
        f"{hazard.requested_deadline}（一般隐患原则上一周内完成整改），理由：{hazard.deadline_reason}"
    )
    inbox.post(
        db_session,
        now=clock.now(),
        user_ids=inbox.officers_over(db_session, hazard.division_code, Permission.HAZARDS_SUPERVISE),
        kind=NoticeKind.HAZARD,
        key=f"hazard-{hazard.id}-extension-{hazard.requested_deadline}",
        title=text[:200],
        body=text,
        url=f"/console/hazards/{hazard.id}",
        division_code=hazard.division_code,
    )


def extend(*, db_session: Session, clock: Clock, actor: Actor, hazard_id: int, data: ExtensionIn) -> Hazard:
    """The supervisor consents to (or refuses) an enterprise's longer deadline; consent starts the ladder afresh."""
    if not data.approve and not (data.note or "").strip():
        raise InvalidInput(field="note", reason="note：不同意延期须写明理由")
    hazard, before = _step(db_session, clock, actor, hazard_id, HazardAction.EXTEND)
    requested = hazard.requested_deadline
    if requested is None:
        raise InvalidState(
            field="requested_deadline",
            subcode="hazard.extend.none_pending",
            reason="该隐患没有待审批的延期申请",
        )
    if data.approve and requested < local_today(clock):
        raise InvalidState(
            field="requested_deadline",
            subcode="hazard.extend.lapsed",
            reason=f"申请的整改时限 {requested} 已过，请企业重新申请",
        )
    if data.approve:
        hazard.deadline, hazard.deadline_consented_by, hazard.escalation_rung = requested, actor.username, 0
    hazard.requested_deadline = None
    _record(
        db_session,
        clock,
        actor,
        hazard,
        "extend" if data.approve else "extend_refused",
        before=before,
        note=data.note,
        requested_deadline=requested,
        deadline=hazard.deadline,
    )
    return hazard


def reopen(*, db_session: Session, clock: Clock, actor: Actor, hazard_id: int, data: ReopenIn) -> Hazard:
    """A closed hazard found unrectified: back to rectification under a new deadline, with the accountability of
    whoever signed it off (the accepting officer), applied for acceptance and was responsible recorded."""
    if data.deadline < local_today(clock):
        raise InvalidInput(field="deadline", reason="deadline：重新整改时限不能早于今天")
    hazard, before = _step(db_session, clock, actor, hazard_id, HazardAction.REOPEN)

    def last(action: str) -> HazardEvent | None:
        query = select(HazardEvent).where(HazardEvent.hazard_id == hazard.id, HazardEvent.action == action)
        return db_session.scalars(query.order_by(HazardEvent.id.desc()).limit(1)).first()

    accepted, submitted = last(HazardAction.ACCEPT.value), last(HazardAction.SUBMIT.value)
    enterprise = db_session.get(Organisation, hazard.organisation_id)
    row = HazardAccountability(
        hazard_id=hazard.id,
        fault=data.fault,
        finding=data.finding,
        signed_off_by=accepted.actor if accepted else None,
        signed_off_at=accepted.at if accepted else None,
        submitted_by=submitted.actor if submitted else None,
        responsible=hazard.responsible,
        principal=enterprise.principal_name if enterprise else None,
        recorded_by=actor.username,
        recorded_at=clock.now(),
    )
    db_session.add(row)
    hazard.deadline, hazard.requested_deadline, hazard.escalation_rung = data.deadline, None, 0
    hazard.deadline_consented_by, hazard.deadline_reason = actor.username, data.finding
    hazard.closed_at = None
    _record(
        db_session,
        clock,
        actor,
        hazard,
        HazardAction.REOPEN.value,
        before=before,
        note=data.finding,
        fault=data.fault.value,
        signed_off_by=row.signed_off_by or "",
        deadline=data.deadline,
    )
    name = enterprise.name if enterprise else ""
    text = (
        f"【隐患{data.fault.label}】{name}：{hazard.place}（已销号）经核查未整改到位，已重新整改，"
        f"整改时限 {data.deadline}；将依法依规追究责任。"
    )
    _notify(db_session, clock, actor, hazard, f"reopen-{row.recorded_at:%Y%m%d%H%M%S}", text)
    return hazard


def step(
    *, db_session: Session, clock: Clock, actor: Actor, hazard_id: int, action: HazardAction, data: StepIn
) -> Hazard:
    """dismiss / submit / accept / reject: the steps that carry only a note."""
    if action in (HazardAction.CONFIRM, HazardAction.PLAN, HazardAction.EXTEND, HazardAction.REOPEN):
        raise InvalidInput(field="action", reason="确认、落实整改、审批延期和重新整改有各自的接口")
    if action in (HazardAction.DISMISS, HazardAction.REJECT) and not data.note:
        raise InvalidInput(field="note", reason="note：核实不属实或验收不合格须写明理由")
    if action is HazardAction.REJECT and (data.deadline is None or data.deadline < local_today(clock)):
        raise InvalidInput(field="deadline", reason="deadline：验收不合格须重新确定整改时限（不早于今天）")
    hazard, before = _step(db_session, clock, actor, hazard_id, action)
    if action is HazardAction.SUBMIT and policy.party(actor, hazard) is Party.SUPERVISOR and not data.note:
        raise InvalidInput(field="note", reason="note：监管部门代企业申请验收须写明情况")
    if action is HazardAction.REJECT:  # a new deadline starts the overdue ladder afresh
        assert data.deadline is not None
        hazard.deadline, hazard.escalation_rung, hazard.requested_deadline = data.deadline, 0, None
        if needs_consent(hazard.grade, hazard.found_on, data.deadline):  # set by the supervisor: consented
            hazard.deadline_consented_by, hazard.deadline_reason = actor.username, data.note
    if hazard.state in (HazardState.CLOSED, HazardState.DISMISSED):
        hazard.closed_at = clock.now()
    _record(db_session, clock, actor, hazard, action.value, before=before, note=data.note, deadline=hazard.deadline)
    return hazard


# --- overdue ladder -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Escalation:
    hazard_id: int
    action: str
    label: str


def escalate_overdue(*, db_session: Session, clock: Clock, actor: Actor) -> list[Escalation]:
    """Take every ladder rung now due on hazards still being rectified past their deadline (each rung once)."""
    steps = ladder()
    on = local_today(clock)
    query = select(Hazard).where(Hazard.state == HazardState.RECTIFYING, Hazard.deadline < on)
    taken: list[Escalation] = []
    for hazard in db_session.scalars(query.order_by(Hazard.id).with_for_update()):
        assert hazard.deadline is not None
        due = ladder_step(hazard.deadline, on, steps)
        new = steps[hazard.escalation_rung : due]
        for rung in new:
            _record(
                db_session, clock, actor, hazard, f"escalate_{rung.action}", note=rung.label, deadline=hazard.deadline
            )
            taken.append(Escalation(hazard.id, rung.action, rung.label))
        if new:  # several rungs due at once (a worker outage): one message, at the highest
            top = new[-1]
            enterprise = db_session.get(Organisation, hazard.organisation_id)
            name = enterprise.name if enterprise else ""
            text = f"【隐患整改逾期·{top.label}】{name}：{hazard.place}，整改时限 {hazard.deadline}，至今未完成验收。"
            _notify(db_session, clock, actor, hazard, top.action, text)
        if due > hazard.escalation_rung:
            hazard.escalation_rung, hazard.updated_at = due, clock.now()
    return taken


# --- attachments ----------------------------------------------------------------------------------------------------


def check_upload(filename: str, content_type: str, data: bytes) -> tuple[str, str]:
    """The one check of an uploaded photo or document (name, declared type, size, leading bytes), shared with the
    enforcement record's photos; returns the cleaned name and the SHA-256."""
    name = filename.strip()
    if not name or len(name) > 200 or any(c in name for c in "/\\\0"):
        raise InvalidInput(field="filename", reason="filename：文件名须为 1–200 个字符且不含路径")
    magic = ATTACHMENT_TYPES.get(content_type)
    if magic is None:
        raise InvalidInput(field="content_type", reason=f"content_type：只接受 {'、'.join(ATTACHMENT_TYPES)}")
    if not data or len(data) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(field="body", reason=f"附件须为 1 字节至 {MAX_ATTACHMENT_BYTES // 1048576} MiB")
    if not data.startswith(magic):
        raise InvalidInput(field="body", reason=f"文件内容不是 {content_type}")
    return name, hashlib.sha256(data).hexdigest()


def attach(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    hazard_id: int,
    filename: str,
    content_type: str,
    data: bytes,
) -> HazardAttachment:
    hazard = visible(db_session, actor, hazard_id)
    policy.require_party(actor, hazard)
    if hazard.state in policy.FINAL_STATES:
        raise InvalidState(
            field="hazard_id", subcode="hazard.attach.state", reason="已销号或核实不属实的隐患不能再添加附件"
        )
    name, digest = check_upload(filename, content_type, data)
    row = HazardAttachment(
        hazard_id=hazard.id,
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        data=data,
        uploaded_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    _record(db_session, clock, actor, hazard, "attach", filename=name, sha256=digest, size=len(data))
    return row


def attachment(*, db_session: Session, actor: Actor, hazard_id: int, attachment_id: int) -> HazardAttachment:
    visible(db_session, actor, hazard_id)
    row = db_session.get(HazardAttachment, attachment_id)
    if row is None or row.hazard_id != hazard_id:
        raise NotFound(kind="附件", key=str(attachment_id))
    return row


# --- reads ----------------------------------------------------------------------------------------------------------


def list_(
    *, db_session: Session, clock: Clock, actor: Actor, params: PageParams, filters: HazardFilters | None = None
) -> tuple[list[Hazard], int]:
    """One page of the hazards in scope, newest first, with the total (scope and filters in SQL)."""
    today = local_today(clock)
    clauses = filters.clauses(today) if filters else []
    query = select(Hazard).where(policy.scope(actor), *clauses)
    return paginate(db_session, query, params, order_by=_order(filters.order if filters else HazardOrder.NEW, today))


def _order(order: HazardOrder, today: date) -> list[Any]:
    """Newest first; or the most urgent first: overdue (as rules.hazards.is_overdue reads it), then open, then by
    the ladder rungs taken, major before general, newest first — always ending in the id."""
    if order is HazardOrder.NEW:
        return [Hazard.id.desc()]
    overdue = and_(Hazard.state == HazardState.RECTIFYING, Hazard.deadline < today)
    return [
        case((overdue, 0), else_=1),
        case((Hazard.state.in_(OPEN_STATES), 0), else_=1),
        Hazard.escalation_rung.desc(),
        case((Hazard.grade == HazardGrade.MAJOR, 0), else_=1),
        Hazard.id.desc(),
    ]


def export_rows(*, db_session: Session, clock: Clock, actor: Actor, filters: HazardFilters) -> list[Hazard]:
    """Every hazard of the list as filtered (the list's scope, filters and order) for the spreadsheet; more than
    MAX_EXPORT_ROWS is refused (413) rather than cut short."""
    _, total = list_(db_session=db_session, clock=clock, actor=actor, params=PageParams(limit=1), filters=filters)
    if total > MAX_EXPORT_ROWS:
        raise TooLarge(
            field="filters",
            subcode="hazard.export.too_large",
            reason=f"共 {total} 条，一次最多导出 {MAX_EXPORT_ROWS} 条；请先按区划、状态或日期筛选",
        )
    today = local_today(clock)
    query = select(Hazard).where(policy.scope(actor), *filters.clauses(today))
    return list(db_session.scalars(query.order_by(*_order(filters.order, today)).limit(MAX_EXPORT_ROWS)))


def enterprise_choices(db_session: Session, actor: Actor) -> list[tuple[int, str]]:
    """The enterprises a hazard form or filter may name: an enterprise account its own, an officer those of the
    jurisdiction (by name, at most MAX_LIMIT; the list's filter also takes any id)."""
    actor.require(Permission.REGISTRY_READ)
    query = select(Organisation.id, Organisation.name).where(
        Organisation.kind == OrganisationKind.ENTERPRISE,
        actor.record_filter(Organisation.division_code, Organisation.id),
    )
    rows = db_session.execute(query.order_by(Organisation.name, Organisation.id).limit(MAX_LIMIT))
    return [(i, name) for i, name in rows]

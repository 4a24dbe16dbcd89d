"""The enforcement chain on the database: plan, inspect, record findings (with photos), turn them into hazards or
violations, decide, refer to the competent department, list on blacklists, and propose 停产整顿 from the accident
history. Rules decide (rules/enforcement.py); every change is audited in the same transaction.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import SYSTEM, Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.clock import Clock, local_today, to_local
from yingji.core.errors import Forbidden, InvalidInput, InvalidState, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.enforcement import policy
from yingji.enforcement.models import (
    BlacklistEntry,
    Finding,
    FindingPhoto,
    InspectionPlan,
    InspectionRecord,
    Referral,
    Violation,
    ViolationSource,
)
from yingji.enforcement.schemas import (
    BlacklistFilters,
    BlacklistIn,
    DecisionIn,
    FindingIn,
    HazardViolationIn,
    PlanIn,
    RecordFilters,
    RecordIn,
    ReferralFilters,
    ReferralIn,
    RemoveIn,
    ReplyIn,
    ToHazardIn,
    ViolationFilters,
    ViolationIn,
    WithdrawIn,
)
from yingji.hazards import service as hazards
from yingji.hazards.models import Channel, Hazard
from yingji.hazards.reads import faulted
from yingji.hazards.schema import HazardIn
from yingji.inbox import service as inbox
from yingji.inbox.models import NoticeKind
from yingji.incidents import service as incidents
from yingji.incidents.models import Incident
from yingji.registry.enums import OrganisationKind
from yingji.registry.models import Organisation
from yingji.rules.enforcement import (
    REFERRAL_REPLY_DAYS,
    SUSPENSION_BASIS,
    Accident,
    HazardRecord,
    Liability,
    Measure,
    ReferralState,
    SuspensionTrigger,
    ViolationAction,
    ViolationState,
    check_measure,
    hazard_liability,
    is_listed,
    list_expiry,
    suspension_triggers,
    violation_step,
)
from yingji.rules.hazards import is_overdue
from yingji.rules.levels import Grade

BODY_KINDS = (OrganisationKind.GOVERNMENT, OrganisationKind.DEPARTMENT)


Row = TypeVar("Row")


def _one(
    db_session: Session, model: type[Row], row_id: int, scope: ColumnElement[bool], kind: str, for_update: bool
) -> Row:
    """One row the actor's scope lets through (locked for an update), else NotFound: out of scope reads as absent."""
    query = select(model).where(model.id == row_id, scope)  # type: ignore[attr-defined]
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = db_session.scalars(query).first()
    if row is None:
        raise NotFound(kind=kind, key=str(row_id))
    return row


def _audit(
    db_session: Session,
    clock: Clock,
    actor: Actor,
    action: str,
    target: str,
    key: int,
    *,
    before: str | None = None,
    after: str | None = None,
    **detail: Any,
) -> None:
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=f"enforcement.{action}",
        target_kind=target,
        target_key=str(key),
        detail={k: str(v) for k, v in detail.items() if v is not None},
        before={"state": before} if before else None,
        after={"state": after} if after else None,
    )


def _require_officer(actor: Actor, action: str) -> None:
    """Enterprise accounts and roles without supervision never act (403), whatever the record."""
    if not policy.may_inspect(actor):
        raise Forbidden(subcode=f"enforcement.{action}.not_supervisor", reason="只有负有监管职责的部门可以办理")


def _enterprise(db_session: Session, actor: Actor, organisation_id: int, action: str) -> Organisation:
    """An enterprise of the caller's jurisdiction; one elsewhere is reported as unknown (its existence stays hidden)."""
    _require_officer(actor, action)
    found = db_session.get(Organisation, organisation_id)
    if found is None or not actor.covers_division(found.division_code):
        raise InvalidInput(
            field="organisation_id", reason=f"organisation_id：辖区内没有编号为 {organisation_id} 的单位"
        )
    if found.kind is not OrganisationKind.ENTERPRISE:
        raise InvalidInput(field="organisation_id", reason=f"organisation_id：「{found.name}」不是企业")
    return found


def _body(db_session: Session, actor: Actor, body_id: int, over: str, field: str) -> Organisation:
    """A government or department the caller may name: over the place ``over`` or inside its own jurisdiction."""
    body = db_session.get(Organisation, body_id)
    if (
        body is None
        or body.kind not in BODY_KINDS
        or not (divisions.contains(body.division_code, over) or actor.covers_division(body.division_code))
    ):
        raise InvalidInput(field=field, reason=f"{field}：没有编号为 {body_id} 的政府或部门")
    return body


BODY_CHOICES = 500


def body_choices(db_session: Session, actor: Actor) -> list[tuple[int, str]]:
    """The governments and departments an officer names as deciding, receiving or listing body: those of its
    jurisdiction, by place then name (the forms' choices; the service checks each again)."""
    if not policy.may_inspect(actor):
        return []
    query = (
        select(Organisation.id, Organisation.name)
        .where(Organisation.kind.in_(BODY_KINDS), actor.division_filter(Organisation.division_code))
        .order_by(Organisation.division_code, Organisation.name, Organisation.id)
        .limit(BODY_CHOICES)
    )
    return [(i, name) for i, name in db_session.execute(query)]


# --- plans ----------------------------------------------------------------------------------------------------------


def create_plan(*, db_session: Session, clock: Clock, actor: Actor, data: PlanIn) -> InspectionPlan:
    _require_officer(actor, "plan")
    actor.require_division(data.division_code)
    for organisation_id in dict.fromkeys(data.enterprise_ids):
        found = _enterprise(db_session, actor, organisation_id, "plan")
        if not divisions.contains(data.division_code, found.division_code):
            raise InvalidInput(field="enterprise_ids", reason=f"「{found.name}」不在计划的辖区内")
    plan = InspectionPlan(
        title=data.title,
        division_code=data.division_code,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        checklist=list(data.checklist),
        enterprise_ids=list(dict.fromkeys(data.enterprise_ids)),
        created_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(plan)
    db_session.flush()
    _audit(db_session, clock, actor, "plan.create", "inspection_plan", plan.id, title=plan.title)
    return plan


def plan(*, db_session: Session, actor: Actor, plan_id: int) -> InspectionPlan:
    found = db_session.scalars(select(InspectionPlan).where(InspectionPlan.id == plan_id, policy.plan_scope(actor)))
    row = found.first()
    if row is None:
        raise NotFound(kind="执法检查计划", key=str(plan_id))
    return row


def plans(*, db_session: Session, actor: Actor, params: PageParams) -> tuple[list[InspectionPlan], int]:
    query = select(InspectionPlan).where(policy.plan_scope(actor))
    return paginate(db_session, query, params, order_by=[InspectionPlan.starts_on.desc(), InspectionPlan.id.desc()])


# --- records and findings -------------------------------------------------------------------------------------------


def _finding(db_session: Session, clock: Clock, actor: Actor, record: InspectionRecord, data: FindingIn) -> Finding:
    row = Finding(
        record_id=record.id,
        organisation_id=record.organisation_id,
        division_code=record.division_code,
        place=data.place or record.place,
        description=data.description,
        created_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    _audit(db_session, clock, actor, "finding.create", "inspection_finding", row.id, record=record.id)
    return row


def create_record(*, db_session: Session, clock: Clock, actor: Actor, data: RecordIn) -> InspectionRecord:
    """执法检查记录 with its findings, by a supervising officer over the enterprise."""
    enterprise = _enterprise(db_session, actor, data.organisation_id, "record")
    if data.plan_id is not None:
        found = plan(db_session=db_session, actor=actor, plan_id=data.plan_id)
        if enterprise.id not in found.enterprise_ids:
            raise InvalidInput(field="plan_id", reason=f"检查计划「{found.title}」不含「{enterprise.name}」")
    if data.inspected_at > clock.now():
        raise InvalidInput(field="inspected_at", reason="inspected_at：检查时间不能晚于现在")
    record = InspectionRecord(
        plan_id=data.plan_id,
        organisation_id=enterprise.id,
        division_code=enterprise.division_code,
        place=data.place,
        inspected_at=data.inspected_at,
        inspectors=list(data.inspectors),
        checklist=[item.model_dump(mode="json") for item in data.checklist],
        summary=data.summary,
        recorded_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(record)
    db_session.flush()
    _audit(db_session, clock, actor, "record.create", "inspection_record", record.id, enterprise=enterprise.id)
    for item in data.findings:
        _finding(db_session, clock, actor, record, item)
    return record


def record(*, db_session: Session, actor: Actor, record_id: int) -> InspectionRecord:
    query = select(InspectionRecord).where(InspectionRecord.id == record_id, policy.record_scope(actor))
    row = db_session.scalars(query).first()
    if row is None:
        raise NotFound(kind="执法检查记录", key=str(record_id))
    return row


def records(
    *, db_session: Session, actor: Actor, params: PageParams, filters: RecordFilters
) -> tuple[list[InspectionRecord], int]:
    query = select(InspectionRecord).where(policy.record_scope(actor), *filters.clauses())
    return paginate(
        db_session, query, params, order_by=[InspectionRecord.inspected_at.desc(), InspectionRecord.id.desc()]
    )


def add_finding(*, db_session: Session, clock: Clock, actor: Actor, record_id: int, data: FindingIn) -> Finding:
    found = record(db_session=db_session, actor=actor, record_id=record_id)
    policy.require_supervisor(actor, found.division_code, "finding")
    return _finding(db_session, clock, actor, found, data)


def finding(*, db_session: Session, actor: Actor, finding_id: int, for_update: bool = False) -> Finding:
    return _one(db_session, Finding, finding_id, policy.finding_scope(actor), "检查发现的问题", for_update)


def add_photo(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    finding_id: int,
    filename: str,
    content_type: str,
    data: bytes,
) -> FindingPhoto:
    """A photo of a finding: the hazard attachments' own checks (type, size, leading bytes)."""
    found = finding(db_session=db_session, actor=actor, finding_id=finding_id)
    policy.require_supervisor(actor, found.division_code, "photo")
    name, digest = hazards.check_upload(filename, content_type, data)
    row = FindingPhoto(
        finding_id=found.id,
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
    _audit(db_session, clock, actor, "finding.photo", "inspection_finding", found.id, filename=name, sha256=digest)
    return row


def photo(*, db_session: Session, actor: Actor, finding_id: int, photo_id: int) -> FindingPhoto:
    finding(db_session=db_session, actor=actor, finding_id=finding_id)
    row = db_session.get(FindingPhoto, photo_id)
    if row is None or row.finding_id != finding_id:
        raise NotFound(kind="照片", key=str(photo_id))
    return row


def finding_to_hazard(*, db_session: Session, clock: Clock, actor: Actor, finding_id: int, data: ToHazardIn) -> Hazard:
    """A finding registered as a hazard through the hazard loop (监管检查 channel), its photos attached."""
    found = finding(db_session=db_session, actor=actor, finding_id=finding_id, for_update=True)
    policy.require_supervisor(actor, found.division_code, "to_hazard")
    if found.hazard_id is not None:
        raise InvalidState(
            field="hazard_id", subcode="enforcement.to_hazard.exists", reason=f"已登记为隐患（编号 {found.hazard_id}）"
        )
    inspected = record(db_session=db_session, actor=actor, record_id=found.record_id)
    hazard = hazards.report(
        db_session=db_session,
        clock=clock,
        actor=actor,
        data=HazardIn(
            channel=Channel.INSPECTION,
            organisation_id=found.organisation_id,
            place=found.place,
            description=found.description,
            category=data.category,
            criteria=list(data.criteria),
            grade_note=data.grade_note,
            found_on=to_local(inspected.inspected_at).date(),
        ),
    )
    for image in db_session.scalars(select(FindingPhoto).where(FindingPhoto.finding_id == found.id)):
        hazards.attach(
            db_session=db_session,
            clock=clock,
            actor=actor,
            hazard_id=hazard.id,
            filename=image.filename,
            content_type=image.content_type,
            data=image.data,
        )
    found.hazard_id = hazard.id
    _audit(db_session, clock, actor, "finding.to_hazard", "inspection_finding", found.id, hazard=hazard.id)
    return hazard


# --- violations -----------------------------------------------------------------------------------------------------


def liability_of(db_session: Session, hazard: Hazard, today: date) -> Liability:
    """The hazard's leniency or penalty mark (rules.enforcement.hazard_liability)."""
    return hazard_liability(
        HazardRecord(
            self_reported=hazard.channel is Channel.SELF_CHECK,
            state=hazard.state.value,
            overdue=is_overdue(hazard.state, hazard.deadline, today),
            faulted=hazard.id in faulted(db_session, [hazard.id]),
        )
    ).value


def _violation(
    db_session: Session,
    clock: Clock,
    actor: Actor,
    *,
    source: ViolationSource,
    enterprise_id: int,
    division_code: str,
    data: ViolationIn,
    description: str,
    liability: Liability,
    finding_id: int | None = None,
    hazard_id: int | None = None,
) -> Violation:
    check_measure(data.measure, float(data.fine_yuan) if data.fine_yuan is not None else None, liability)
    now = clock.now()
    row = Violation(
        source=source,
        organisation_id=enterprise_id,
        division_code=division_code,
        finding_id=finding_id,
        hazard_id=hazard_id,
        incident_ids=[],
        description=data.description or description,
        legal_basis=data.legal_basis,
        liability=liability,
        proposed_measure=data.measure,
        proposed_fine_yuan=data.fine_yuan,
        state=ViolationState.PROPOSED,
        proposed_by=actor.username,
        created_at=now,
        updated_at=now,
    )
    db_session.add(row)
    db_session.flush()
    _audit(
        db_session,
        clock,
        actor,
        "violation.propose",
        "violation",
        row.id,
        after=row.state.value,
        measure=row.proposed_measure.value,
        fine_yuan=row.proposed_fine_yuan,
        liability=liability.value,
    )
    return row


def finding_to_violation(
    *, db_session: Session, clock: Clock, actor: Actor, finding_id: int, data: ViolationIn
) -> Violation:
    """A finding filed as a violation. Found by inspectors, it is marked for penalty (004#L5471-L5475) — or, once
    registered as a hazard, whatever that hazard's mark is."""
    found = finding(db_session=db_session, actor=actor, finding_id=finding_id, for_update=True)
    policy.require_supervisor(actor, found.division_code, "to_violation")
    existing = db_session.scalars(select(Violation.id).where(Violation.finding_id == found.id)).first()
    if existing is not None:
        raise InvalidState(
            field="finding_id", subcode="enforcement.to_violation.exists", reason=f"已立案（编号 {existing}）"
        )
    hazard = db_session.get(Hazard, found.hazard_id) if found.hazard_id else None
    liability = liability_of(db_session, hazard, local_today(clock)) if hazard else Liability.PENALTY
    return _violation(
        db_session,
        clock,
        actor,
        source=ViolationSource.INSPECTION,
        enterprise_id=found.organisation_id,
        division_code=found.division_code,
        data=data,
        description=found.description,
        liability=liability,
        finding_id=found.id,
        hazard_id=found.hazard_id,
    )


def violation_from_hazard(*, db_session: Session, clock: Clock, actor: Actor, data: HazardViolationIn) -> Violation:
    """A case on a hazard: a self-reported one being rectified gets leniency (only 责令改正, 004#L5467-L5469)."""
    _require_officer(actor, "violation")
    hazard = hazards.visible(db_session, actor, data.hazard_id)
    policy.require_supervisor(actor, hazard.division_code, "violation")
    return _violation(
        db_session,
        clock,
        actor,
        source=ViolationSource.HAZARD,
        enterprise_id=hazard.organisation_id,
        division_code=hazard.division_code,
        data=data,
        description=hazard.description,
        liability=liability_of(db_session, hazard, local_today(clock)),
        hazard_id=hazard.id,
    )


def violation(*, db_session: Session, actor: Actor, violation_id: int, for_update: bool = False) -> Violation:
    return _one(db_session, Violation, violation_id, policy.violation_scope(actor), "违法行为", for_update)


def violations(
    *, db_session: Session, actor: Actor, params: PageParams, filters: ViolationFilters
) -> tuple[list[Violation], int]:
    query = select(Violation).where(policy.violation_scope(actor), *filters.clauses())
    return paginate(db_session, query, params, order_by=[Violation.id.desc()])


def _step(db_session: Session, actor: Actor, violation_id: int, action: ViolationAction) -> tuple[Violation, str]:
    row = violation(db_session=db_session, actor=actor, violation_id=violation_id, for_update=True)
    before = row.state.value
    row.state = violation_step(row.state, action, supervisor=policy.supervises(actor, row.division_code))
    return row, before


def decide(*, db_session: Session, clock: Clock, actor: Actor, violation_id: int, data: DecisionIn) -> Violation:
    """The decision and the body that took it; 暂扣、吊销证照 is handed to the issuing body as a referral."""
    row, before = _step(db_session, actor, violation_id, ViolationAction.DECIDE)
    check_measure(data.measure, float(data.fine_yuan) if data.fine_yuan is not None else None, row.liability)
    body = _body(db_session, actor, data.deciding_body_id, row.division_code, "deciding_body_id")
    if not divisions.contains(body.division_code, row.division_code):
        raise InvalidInput(field="deciding_body_id", reason=f"「{body.name}」对该企业所在地没有管辖权")
    if data.measure is Measure.LICENCE and data.refer_to_id is None:
        raise InvalidInput(field="refer_to_id", reason="refer_to_id：暂扣、吊销证照须移交发证机关")
    row.decided_measure, row.decided_fine_yuan = data.measure, data.fine_yuan
    row.deciding_body_id, row.decision_no, row.decision_note = body.id, data.decision_no, data.note
    row.decided_by, row.decided_at, row.updated_at = actor.username, clock.now(), clock.now()
    _audit(
        db_session,
        clock,
        actor,
        "violation.decide",
        "violation",
        row.id,
        before=before,
        after=row.state.value,
        measure=data.measure.value,
        fine_yuan=data.fine_yuan,
        deciding_body=body.id,
        decision_no=data.decision_no,
    )
    if data.measure is Measure.LICENCE and data.refer_to_id is not None:
        _refer(
            db_session,
            clock,
            actor,
            enterprise_id=row.organisation_id,
            division_code=row.division_code,
            to_body_id=data.refer_to_id,
            matter=f"{Measure.LICENCE.label}：{row.description}（决定书 {data.decision_no}）",
            violation_id=row.id,
        )
    inbox.post(
        db_session,
        now=clock.now(),
        user_ids=inbox.enterprise_accounts(db_session, row.organisation_id),
        kind=NoticeKind.HAZARD,
        key=f"violation-{row.id}-decided",
        title=f"【执法决定】{data.measure.label}（{data.decision_no}）",
        body=f"{body.name}作出决定：{data.measure.label}"
        + (f" {data.fine_yuan} 元" if data.fine_yuan is not None else "")
        + f"。事由：{row.description}",
        url=f"/console/enforcement?organisation_id={row.organisation_id}",
        division_code=row.division_code,
    )
    return row


def withdraw(*, db_session: Session, clock: Clock, actor: Actor, violation_id: int, data: WithdrawIn) -> Violation:
    row, before = _step(db_session, actor, violation_id, ViolationAction.WITHDRAW)
    row.withdrawn_reason, row.updated_at = data.reason, clock.now()
    _audit(db_session, clock, actor, "violation.withdraw", "violation", row.id, before=before, after=row.state.value)
    return row


# --- referrals ------------------------------------------------------------------------------------------------------


def _refer(
    db_session: Session,
    clock: Clock,
    actor: Actor,
    *,
    enterprise_id: int,
    division_code: str,
    to_body_id: int,
    matter: str,
    reply_days: int | None = None,
    finding_id: int | None = None,
    violation_id: int | None = None,
) -> Referral:
    body = _body(db_session, actor, to_body_id, division_code, "to_body_id")
    row = Referral(
        organisation_id=enterprise_id,
        division_code=division_code,
        finding_id=finding_id,
        violation_id=violation_id,
        to_body_id=body.id,
        to_division_code=body.division_code,
        matter=matter,
        reply_due=local_today(clock) + timedelta(days=reply_days or REFERRAL_REPLY_DAYS),
        state=ReferralState.SENT,
        sent_by=actor.username,
        sent_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    _audit(
        db_session,
        clock,
        actor,
        "referral.send",
        "referral",
        row.id,
        after=row.state.value,
        to_body=body.id,
        reply_due=row.reply_due,
    )
    inbox.post(
        db_session,
        now=clock.now(),
        user_ids=inbox.officers_over(db_session, body.division_code, Permission.HAZARDS_SUPERVISE),
        kind=NoticeKind.HAZARD,
        key=f"referral-{row.id}",
        title=f"【移交】{body.name}：请于 {row.reply_due} 前回复",
        body=matter,
        url="/console/enforcement",
        division_code=body.division_code,
    )
    return row


def refer(*, db_session: Session, clock: Clock, actor: Actor, data: ReferralIn) -> Referral:
    """抄告、移交有关部门 (004#L4424-L4427), with a reply deadline tracked until it is answered."""
    _require_officer(actor, "refer")
    if data.finding_id is not None:
        subject = finding(db_session=db_session, actor=actor, finding_id=data.finding_id)
        enterprise_id, division_code = subject.organisation_id, subject.division_code
    else:
        assert data.violation_id is not None
        case = violation(db_session=db_session, actor=actor, violation_id=data.violation_id)
        enterprise_id, division_code = case.organisation_id, case.division_code
    policy.require_supervisor(actor, division_code, "refer")
    return _refer(
        db_session,
        clock,
        actor,
        enterprise_id=enterprise_id,
        division_code=division_code,
        to_body_id=data.to_body_id,
        matter=data.matter,
        reply_days=data.reply_days,
        finding_id=data.finding_id,
        violation_id=data.violation_id,
    )


def referral(*, db_session: Session, actor: Actor, referral_id: int, for_update: bool = False) -> Referral:
    return _one(db_session, Referral, referral_id, policy.referral_scope(actor), "移交记录", for_update)


def referrals(
    *, db_session: Session, clock: Clock, actor: Actor, params: PageParams, filters: ReferralFilters
) -> tuple[list[Referral], int]:
    query = select(Referral).where(policy.referral_scope(actor), *filters.clauses(local_today(clock)))
    return paginate(db_session, query, params, order_by=[Referral.reply_due, Referral.id])


def reply(*, db_session: Session, clock: Clock, actor: Actor, referral_id: int, data: ReplyIn) -> Referral:
    row = referral(db_session=db_session, actor=actor, referral_id=referral_id, for_update=True)
    if not policy.may_reply(actor, row):
        raise Forbidden(subcode="enforcement.reply.not_receiver", reason="只有接收部门所在辖区的监管人员可以登记回复")
    if row.state is not ReferralState.SENT:
        raise InvalidState(field="state", subcode="enforcement.reply.state", reason="该移交已回复")
    row.state, row.reply, row.replied_by, row.replied_at = (
        ReferralState.REPLIED,
        data.reply,
        actor.username,
        clock.now(),
    )
    _audit(db_session, clock, actor, "referral.reply", "referral", row.id, before="sent", after=row.state.value)
    return row


# --- blacklists -----------------------------------------------------------------------------------------------------


def add_listing(*, db_session: Session, clock: Clock, actor: Actor, data: BlacklistIn) -> BlacklistEntry:
    """List an enterprise: the forestry list runs 3 years by the seed; the others until the entered date."""
    enterprise = _enterprise(db_session, actor, data.organisation_id, "blacklist")
    expires = list_expiry(data.kind, data.listed_on, data.expires_on)
    if data.listed_on > local_today(clock):
        raise InvalidInput(field="listed_on", reason="listed_on：列入日期不能晚于今天")
    body = (
        _body(db_session, actor, data.listing_body_id, enterprise.division_code, "listing_body_id")
        if data.listing_body_id is not None
        else None
    )
    row = BlacklistEntry(
        organisation_id=enterprise.id,
        division_code=enterprise.division_code,
        kind=data.kind,
        reason=data.reason,
        basis=data.basis,
        listed_on=data.listed_on,
        expires_on=expires,
        listing_body_id=body.id if body else None,
        listed_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    _audit(
        db_session,
        clock,
        actor,
        "blacklist.add",
        "blacklist_entry",
        row.id,
        enterprise=enterprise.id,
        list_kind=data.kind.value,
        expires_on=expires,
    )
    return row


def listing(*, db_session: Session, actor: Actor, entry_id: int, for_update: bool = False) -> BlacklistEntry:
    return _one(db_session, BlacklistEntry, entry_id, policy.blacklist_scope(actor), "名单记录", for_update)


def listings(
    *, db_session: Session, clock: Clock, actor: Actor, params: PageParams, filters: BlacklistFilters
) -> tuple[list[BlacklistEntry], int]:
    query = select(BlacklistEntry).where(policy.blacklist_scope(actor), *filters.clauses(local_today(clock)))
    return paginate(db_session, query, params, order_by=[BlacklistEntry.listed_on.desc(), BlacklistEntry.id.desc()])


def remove_listing(*, db_session: Session, clock: Clock, actor: Actor, entry_id: int, data: RemoveIn) -> BlacklistEntry:
    """Take an entry off early (信用修复, a decision overturned): only while it is in force."""
    row = listing(db_session=db_session, actor=actor, entry_id=entry_id, for_update=True)
    policy.require_supervisor(actor, row.division_code, "blacklist_remove")
    today = local_today(clock)
    if not is_listed(row.listed_on, row.expires_on, row.removed_on, today):
        raise InvalidState(field="state", subcode="enforcement.blacklist_remove.state", reason="该记录已不在名单期内")
    row.removed_on, row.removed_by, row.removal_reason = today, actor.username, data.reason
    _audit(db_session, clock, actor, "blacklist.remove", "blacklist_entry", row.id, reason=data.reason)
    return row


def active_lists(db_session: Session, organisation_ids: set[int], today: date) -> dict[int, list[BlacklistEntry]]:
    """The entries in force today for these enterprises (one query), for wherever the enterprise is shown."""
    if not organisation_ids:
        return {}
    query = select(BlacklistEntry).where(
        BlacklistEntry.organisation_id.in_(organisation_ids),
        *BlacklistFilters(active=True).clauses(today),
    )
    found: dict[int, list[BlacklistEntry]] = {}
    for row in db_session.scalars(query.order_by(BlacklistEntry.id)):
        found.setdefault(row.organisation_id, []).append(row)
    return found


# --- the 180-day rule -----------------------------------------------------------------------------------------------


def accident_history(db_session: Session, enterprise_id: int) -> tuple[list[Accident], list[int]]:
    """The enterprise's graded accidents (the most severe of each incident's latest assessments — a provisional grade
    is a lower bound, so it can only understate) and the incidents not yet graded."""
    graded: list[Accident] = []
    ungraded: list[int] = []
    query = select(Incident).where(Incident.enterprise_id == enterprise_id).order_by(Incident.occurred_at, Incident.id)
    for incident in db_session.scalars(query):
        grades = [a.grade for a in incidents.assessments(db_session=db_session, incident=incident) if a.grade]
        if not grades:
            ungraded.append(incident.id)
            continue
        graded.append(Accident(incident.id, to_local(incident.occurred_at).date(), Grade(min(grades))))
    return graded, ungraded


def trigger_key(trigger: SuspensionTrigger) -> str:
    return "accidents:" + ",".join(str(i) for i in trigger.incident_ids)


def evaluate_accidents(
    db_session: Session, enterprise: Organisation
) -> tuple[bool, tuple[str, ...], list[SuspensionTrigger], int, list[int]]:
    """(applicable, notes, triggers, accidents considered, ungraded incidents) for one enterprise."""
    history, ungraded = accident_history(db_session, enterprise.id)
    decision = suspension_triggers(enterprise.sector.value if enterprise.sector else None, history)
    return decision.value is not None, decision.notes, list(decision.value or ()), len(history), ungraded


def propose_suspensions(*, db_session: Session, clock: Clock, actor: Actor, enterprise_id: int) -> list[Violation]:
    """Propose 责令停产停业整顿 for each trigger of the 180-day rule not yet proposed (004#L5955-L5959)."""
    enterprise = _enterprise(db_session, actor, enterprise_id, "accident_rule")
    applicable, _, triggers, _, _ = evaluate_accidents(db_session, enterprise)
    proposed: list[Violation] = []
    for trigger in triggers if applicable else []:
        key = trigger_key(trigger)
        if db_session.scalars(select(Violation.id).where(Violation.trigger_key == key)).first() is not None:
            continue
        now = clock.now()
        row = Violation(
            source=ViolationSource.ACCIDENT_RULE,
            organisation_id=enterprise.id,
            division_code=enterprise.division_code,
            trigger_key=key,
            incident_ids=list(trigger.incident_ids),
            description=f"{trigger.reason}（事故编号 {'、'.join(str(i) for i in trigger.incident_ids)}，"
            f"{trigger.occurred_on}）",
            legal_basis=f"{SUSPENSION_BASIS.clause}（{SUSPENSION_BASIS.seed}）",
            liability=Liability.PENALTY,
            proposed_measure=Measure.SUSPEND,
            proposed_fine_yuan=None,
            state=ViolationState.PROPOSED,
            proposed_by=actor.username,
            created_at=now,
            updated_at=now,
        )
        db_session.add(row)
        db_session.flush()
        _audit(
            db_session,
            clock,
            actor,
            "violation.propose",
            "violation",
            row.id,
            after=row.state.value,
            measure=Measure.SUSPEND.value,
            trigger=key,
        )
        inbox.post(
            db_session,
            now=now,
            user_ids=inbox.officers_over(db_session, enterprise.division_code, Permission.HAZARDS_SUPERVISE),
            kind=NoticeKind.HAZARD,
            key=f"suspension-{key}",
            title=f"【拟责令停产停业整顿】{enterprise.name}：{trigger.reason}",
            body=row.description,
            url=f"/console/enforcement?organisation_id={enterprise.id}",
            division_code=enterprise.division_code,
        )
        proposed.append(row)
    return proposed


RULE_WINDOW = timedelta(days=180)


def propose_recent(*, db_session: Session, clock: Clock) -> list[Violation]:
    """The 180-day rule without anyone asking: every enterprise with an accident in the last 180 days is evaluated and
    each trigger not yet proposed becomes a proposal for the officers over it (the worker runs this)."""
    since = clock.now() - RULE_WINDOW
    query = (
        select(Incident.enterprise_id)
        .join(Organisation, Organisation.id == Incident.enterprise_id)
        .where(Incident.occurred_at >= since, Organisation.kind == OrganisationKind.ENTERPRISE)
        .distinct()
    )
    proposed: list[Violation] = []
    for enterprise_id in db_session.scalars(query):
        if enterprise_id is None:
            continue
        proposed += propose_suspensions(db_session=db_session, clock=clock, actor=SYSTEM, enterprise_id=enterprise_id)
    return proposed


def enterprise(*, db_session: Session, actor: Actor, organisation_id: int) -> Organisation:
    """An enterprise as the caller may see it (its own for an enterprise account; else by jurisdiction)."""
    _ = policy.violation_scope(actor)  # the reader check
    found = db_session.get(Organisation, organisation_id)
    if (
        found is None
        or found.kind is not OrganisationKind.ENTERPRISE
        or not actor.covers_record(division_code=found.division_code, organisation_id=found.id)
    ):
        raise NotFound(kind="企业", key=str(organisation_id))
    return found


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"

"""Hazard read models from rows: enterprise, mine and division names looked up once per page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.hazards import policy
from yingji.hazards.models import Channel, Hazard, HazardAccountability, HazardAttachment, HazardEvent
from yingji.hazards.schema import checklist_for, ladder
from yingji.hazards.schemas import (
    AccountabilityRead,
    AttachmentRead,
    CriterionRead,
    EventKind,
    FiveRead,
    HazardDetail,
    HazardEventRead,
    HazardRead,
)
from yingji.registry import divisions
from yingji.registry.models import Mine, Organisation
from yingji.rules.enforcement import HazardRecord, hazard_liability
from yingji.rules.hazards import (
    DeadlineBasis,
    HazardGrade,
    HazardState,
    is_overdue,
    needs_consent,
    week_deadline,
)


def _names(db_session: Session, model: type[Organisation] | type[Mine], ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db_session.execute(select(model.id, model.name).where(model.id.in_(wanted)))
    return {i: name for i, name in rows}


def deadline_basis(hazard: Hazard) -> DeadlineBasis:
    """Why the deadline is what it is: the week of a general hazard, a consented extension, a major hazard's term."""
    if hazard.deadline is None:
        return DeadlineBasis.UNSET
    if hazard.grade is HazardGrade.MAJOR:
        return DeadlineBasis.MAJOR
    if hazard.requested_deadline is not None:
        return DeadlineBasis.EXTENSION_PENDING
    if needs_consent(hazard.grade, hazard.found_on, hazard.deadline):
        return DeadlineBasis.EXTENDED
    return DeadlineBasis.WEEK


def faulted(db_session: Session, ids: Iterable[int]) -> set[int]:
    """The hazards (of these) ever re-opened as fake, paper or incomplete rectification."""
    wanted = set(ids)
    if not wanted:
        return set()
    query = select(HazardAccountability.hazard_id).where(HazardAccountability.hazard_id.in_(wanted)).distinct()
    return set(db_session.scalars(query))


def read_all(db_session: Session, actor: Actor, hazards: Sequence[Hazard], today: date) -> list[HazardRead]:
    """A page of hazards: one query each for enterprise, mine and division names, and for fake rectifications."""
    orgs = _names(db_session, Organisation, (h.organisation_id for h in hazards))
    mines = _names(db_session, Mine, (h.mine_id for h in hazards))
    places = divisions.names(db_session, (h.division_code for h in hazards))
    faults = faulted(db_session, (h.id for h in hazards))
    steps = ladder()
    rows = []
    for h in hazards:
        basis = deadline_basis(h)
        overdue = is_overdue(h.state, h.deadline, today)
        liability = hazard_liability(
            HazardRecord(
                self_reported=h.channel is Channel.SELF_CHECK,
                state=h.state.value,
                overdue=overdue,
                faulted=h.id in faults,
            )
        ).value
        rows.append(
            HazardRead(
                id=h.id,
                channel=h.channel,
                channel_label=h.channel.label,
                organisation_id=h.organisation_id,
                enterprise=orgs.get(h.organisation_id),
                division_code=h.division_code,
                division_name=places.get(h.division_code, h.division_code),
                sector=h.sector,
                sector_label=h.sector.label if h.sector else None,
                mine_id=h.mine_id,
                mine_name=mines.get(h.mine_id) if h.mine_id is not None else None,
                place=h.place,
                category=h.category,
                grade=h.grade,
                grade_label=h.grade.label,
                state=h.state,
                state_label=h.state.label,
                found_on=h.found_on,
                deadline=h.deadline,
                deadline_basis=basis,
                deadline_basis_label=basis.label,
                week_deadline=week_deadline(h.found_on) if h.grade is HazardGrade.GENERAL else None,
                requested_deadline=h.requested_deadline,
                overdue=overdue,
                escalation=[s.label for s in steps[: h.escalation_rung]],
                fake_rectification=h.id in faults,
                liability=liability,
                liability_label=liability.label,
                allowed_actions=policy.actions(actor, h),
            )
        )
    return rows


def _state_label(value: str | None) -> str | None:
    return None if value is None else HazardState(value).label


def _event(event: HazardEvent) -> HazardEventRead:
    if event.action.startswith("escalate_"):
        label = f"督办：{event.note or event.action}"
    else:
        label = EventKind.labels().get(event.action, event.action)
    return HazardEventRead(
        action=event.action,
        action_label=label,
        from_state=event.from_state,
        from_label=_state_label(event.from_state),
        to_state=event.to_state,
        to_label=_state_label(event.to_state),
        note=event.note,
        actor=event.actor,
        at=event.at,
    )


def detail(db_session: Session, actor: Actor, hazard: Hazard, today: date) -> HazardDetail:
    checklist = checklist_for(hazard.sector)
    items = {i.code: i for i in checklist.items} if checklist else {}
    events = db_session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id).order_by(HazardEvent.id))
    files = db_session.execute(
        select(
            HazardAttachment.id,
            HazardAttachment.filename,
            HazardAttachment.content_type,
            HazardAttachment.size,
            HazardAttachment.sha256,
            HazardAttachment.uploaded_by,
            HazardAttachment.created_at,
        )
        .where(HazardAttachment.hazard_id == hazard.id)
        .order_by(HazardAttachment.id)
    )
    body = _names(db_session, Organisation, [hazard.supervising_org_id])
    return HazardDetail(
        **read_all(db_session, actor, [hazard], today)[0].model_dump(),
        description=hazard.description,
        deadline_reason=hazard.deadline_reason,
        deadline_consented_by=hazard.deadline_consented_by,
        accountability=[
            AccountabilityRead(
                fault=a.fault,
                fault_label=a.fault.label,
                finding=a.finding,
                signed_off_by=a.signed_off_by,
                signed_off_at=a.signed_off_at,
                submitted_by=a.submitted_by,
                responsible=a.responsible,
                principal=a.principal,
                recorded_by=a.recorded_by,
                recorded_at=a.recorded_at,
            )
            for a in db_session.scalars(
                select(HazardAccountability)
                .where(HazardAccountability.hazard_id == hazard.id)
                .order_by(HazardAccountability.id)
            )
        ],
        criteria=[
            CriterionRead(
                code=c,
                text=items[c].text if c in items else None,
                clause=items[c].clause if c in items else None,
                source=checklist.source if checklist else None,
                verified=items[c].confidence == "A" if c in items else False,
            )
            for c in hazard.criteria
        ],
        grade_note=hazard.grade_note,
        five=FiveRead(
            responsible=hazard.responsible,
            measures=hazard.measures,
            funds_yuan=f"{hazard.funds_yuan:.2f}" if hazard.funds_yuan is not None else None,
            deadline=hazard.deadline,
            contingency_plan=hazard.contingency_plan,
        ),
        supervising_org_id=hazard.supervising_org_id,
        supervising_org_name=body.get(hazard.supervising_org_id) if hazard.supervising_org_id else None,
        reported_by=hazard.reported_by,
        closed_at=hazard.closed_at,
        events=[_event(e) for e in events],
        attachments=[
            AttachmentRead(id=i, filename=f, content_type=t, size=s, sha256=d, uploaded_by=u, created_at=c)
            for i, f, t, s, d, u, c in files
        ],
        may_attach=policy.may_attach(actor, hazard),
        may_regrade=policy.may_regrade(actor, hazard),
    )


def attachment(row: HazardAttachment) -> AttachmentRead:
    return AttachmentRead(
        id=row.id,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        uploaded_by=row.uploaded_by,
        created_at=row.created_at,
    )

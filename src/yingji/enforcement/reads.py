"""Enforcement read models from rows: names looked up once per page, the enterprise's blacklists beside it, the
caller's allowed actions from the policy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.clock import to_local
from yingji.enforcement import policy, service
from yingji.enforcement.models import (
    BlacklistEntry,
    Finding,
    FindingPhoto,
    InspectionPlan,
    InspectionRecord,
    Referral,
    Violation,
)
from yingji.enforcement.schemas import (
    BasisRead,
    BlacklistRead,
    CheckItemRead,
    CheckResult,
    EnterpriseEnforcementRead,
    FindingRead,
    PhotoRead,
    PlanRead,
    RecordDetail,
    RecordRead,
    ReferralRead,
    SuspensionRead,
    TriggerRead,
    ViolationRead,
)
from yingji.hazards.models import Hazard
from yingji.registry import divisions
from yingji.registry.models import Organisation
from yingji.rules.basis import Basis
from yingji.rules.enforcement import (
    LIST_TERMS,
    REFERRAL_BASIS,
    REFERRAL_REPLY_DAYS,
    SUSPENSION_BASIS,
    ReferralState,
    is_listed,
    referral_overdue,
)


def _basis(basis: Basis) -> BasisRead:
    return BasisRead(rule=basis.rule, clause=basis.clause, seed=basis.seed)


def _names(db_session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db_session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))).all())


def _lists(db_session: Session, ids: Iterable[int], today: date) -> dict[int, list[str]]:
    found = service.active_lists(db_session, set(ids), today)
    return {k: [e.kind.label for e in v] for k, v in found.items()}


def plans(db_session: Session, rows: Sequence[InspectionPlan]) -> list[PlanRead]:
    names = _names(db_session, (i for p in rows for i in p.enterprise_ids))
    places = divisions.names(db_session, (p.division_code for p in rows))
    counts: dict[int, int] = {}
    if rows:
        query = (
            select(InspectionRecord.plan_id, func.count())
            .where(InspectionRecord.plan_id.in_([p.id for p in rows]))
            .group_by(InspectionRecord.plan_id)
        )
        counts = {k: n for k, n in db_session.execute(query) if k is not None}
    return [
        PlanRead(
            id=p.id,
            title=p.title,
            division_code=p.division_code,
            division_name=places.get(p.division_code, p.division_code),
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            checklist=list(p.checklist),
            enterprise_ids=list(p.enterprise_ids),
            enterprises=[names.get(i, str(i)) for i in p.enterprise_ids],
            records=counts.get(p.id, 0),
            created_by=p.created_by,
            created_at=p.created_at,
        )
        for p in rows
    ]


def records(db_session: Session, actor: Actor, rows: Sequence[InspectionRecord], today: date) -> list[RecordRead]:
    names = _names(db_session, (r.organisation_id for r in rows))
    lists = _lists(db_session, (r.organisation_id for r in rows), today)
    places = divisions.names(db_session, (r.division_code for r in rows))
    counts: dict[int, int] = {}
    if rows:
        query = (
            select(Finding.record_id, func.count())
            .where(Finding.record_id.in_([r.id for r in rows]))
            .group_by(Finding.record_id)
        )
        counts = dict(db_session.execute(query).all())
    return [
        RecordRead(
            id=r.id,
            plan_id=r.plan_id,
            organisation_id=r.organisation_id,
            enterprise=names.get(r.organisation_id),
            enterprise_lists=lists.get(r.organisation_id, []),
            division_code=r.division_code,
            division_name=places.get(r.division_code, r.division_code),
            place=r.place,
            inspected_at=r.inspected_at,
            inspectors=list(r.inspectors),
            findings_count=counts.get(r.id, 0),
            recorded_by=r.recorded_by,
            allowed_actions=policy.record_actions(actor, r),
        )
        for r in rows
    ]


def photo(row: FindingPhoto) -> PhotoRead:
    return PhotoRead(
        id=row.id,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        uploaded_by=row.uploaded_by,
        created_at=row.created_at,
    )


def findings(db_session: Session, actor: Actor, rows: Sequence[Finding]) -> list[FindingRead]:
    ids = [f.id for f in rows]
    cases: dict[int, int] = {}
    referred: dict[int, list[int]] = {}
    images: dict[int, list[PhotoRead]] = {}
    if ids:
        query = select(Violation.finding_id, Violation.id).where(Violation.finding_id.in_(ids))
        cases = {f: v for f, v in db_session.execute(query) if f is not None}
        for f, r in db_session.execute(
            select(Referral.finding_id, Referral.id).where(Referral.finding_id.in_(ids)).order_by(Referral.id)
        ):
            if f is not None:
                referred.setdefault(f, []).append(r)
        columns = select(
            FindingPhoto.id,
            FindingPhoto.finding_id,
            FindingPhoto.filename,
            FindingPhoto.content_type,
            FindingPhoto.size,
            FindingPhoto.sha256,
            FindingPhoto.uploaded_by,
            FindingPhoto.created_at,
        )
        for i, f, name, kind, size, digest, by, at in db_session.execute(
            columns.where(FindingPhoto.finding_id.in_(ids)).order_by(FindingPhoto.id)
        ):
            images.setdefault(f, []).append(
                PhotoRead(
                    id=i, filename=name, content_type=kind, size=size, sha256=digest, uploaded_by=by, created_at=at
                )
            )
    return [
        FindingRead(
            id=f.id,
            record_id=f.record_id,
            place=f.place,
            description=f.description,
            hazard_id=f.hazard_id,
            violation_id=cases.get(f.id),
            referral_ids=referred.get(f.id, []),
            photos=images.get(f.id, []),
            allowed_actions=policy.finding_actions(actor, f, has_violation=f.id in cases),
        )
        for f in rows
    ]


def record_detail(db_session: Session, actor: Actor, row: InspectionRecord, today: date) -> RecordDetail:
    items = db_session.scalars(select(Finding).where(Finding.record_id == row.id).order_by(Finding.id)).all()
    return RecordDetail(
        **records(db_session, actor, [row], today)[0].model_dump(),
        checklist=[
            CheckItemRead(
                item=c["item"],
                result=CheckResult(c["result"]),
                result_label=CheckResult(c["result"]).label,
                note=c.get("note"),
            )
            for c in row.checklist
        ],
        summary=row.summary,
        findings=findings(db_session, actor, items),
    )


def violations(db_session: Session, actor: Actor, rows: Sequence[Violation], today: date) -> list[ViolationRead]:
    names = _names(db_session, [*(v.organisation_id for v in rows), *(v.deciding_body_id for v in rows)])
    lists = _lists(db_session, (v.organisation_id for v in rows), today)
    places = divisions.names(db_session, (v.division_code for v in rows))
    return [
        ViolationRead(
            id=v.id,
            source=v.source,
            source_label=v.source.label,
            organisation_id=v.organisation_id,
            enterprise=names.get(v.organisation_id),
            enterprise_lists=lists.get(v.organisation_id, []),
            division_code=v.division_code,
            division_name=places.get(v.division_code, v.division_code),
            finding_id=v.finding_id,
            hazard_id=v.hazard_id,
            incident_ids=list(v.incident_ids),
            description=v.description,
            legal_basis=v.legal_basis,
            liability=v.liability,
            liability_label=v.liability.label,
            proposed_measure=v.proposed_measure,
            proposed_measure_label=v.proposed_measure.label,
            proposed_fine_yuan=service.money(v.proposed_fine_yuan),
            state=v.state,
            state_label=v.state.label,
            decided_measure=v.decided_measure,
            decided_measure_label=v.decided_measure.label if v.decided_measure else None,
            decided_fine_yuan=service.money(v.decided_fine_yuan),
            deciding_body_id=v.deciding_body_id,
            deciding_body=names.get(v.deciding_body_id) if v.deciding_body_id else None,
            decision_no=v.decision_no,
            decision_note=v.decision_note,
            decided_by=v.decided_by,
            decided_at=v.decided_at,
            withdrawn_reason=v.withdrawn_reason,
            proposed_by=v.proposed_by,
            created_at=v.created_at,
            allowed_actions=policy.violation_actions(actor, v),
        )
        for v in rows
    ]


def referrals(db_session: Session, actor: Actor, rows: Sequence[Referral], today: date) -> list[ReferralRead]:
    names = _names(db_session, [*(r.organisation_id for r in rows), *(r.to_body_id for r in rows)])
    return [
        ReferralRead(
            id=r.id,
            organisation_id=r.organisation_id,
            enterprise=names.get(r.organisation_id),
            finding_id=r.finding_id,
            violation_id=r.violation_id,
            to_body_id=r.to_body_id,
            to_body=names.get(r.to_body_id),
            matter=r.matter,
            reply_due=r.reply_due,
            reply_days_default=(r.reply_due - to_local(r.sent_at).date()).days == REFERRAL_REPLY_DAYS,
            state=r.state,
            state_label=r.state.label,
            overdue=referral_overdue(r.state, r.reply_due, today),
            sent_by=r.sent_by,
            sent_at=r.sent_at,
            reply=r.reply,
            replied_by=r.replied_by,
            replied_at=r.replied_at,
            basis=_basis(REFERRAL_BASIS),
            allowed_actions=policy.referral_actions(actor, r),
        )
        for r in rows
    ]


def listings(db_session: Session, actor: Actor, rows: Sequence[BlacklistEntry], today: date) -> list[BlacklistRead]:
    names = _names(db_session, [*(e.organisation_id for e in rows), *(e.listing_body_id for e in rows)])
    found = []
    for e in rows:
        active = is_listed(e.listed_on, e.expires_on, e.removed_on, today)
        found.append(
            BlacklistRead(
                id=e.id,
                organisation_id=e.organisation_id,
                enterprise=names.get(e.organisation_id),
                kind=e.kind,
                kind_label=e.kind.label,
                reason=e.reason,
                basis=e.basis,
                term_basis=_basis(LIST_TERMS[e.kind].basis),
                listed_on=e.listed_on,
                expires_on=e.expires_on,
                active=active,
                listing_body=names.get(e.listing_body_id) if e.listing_body_id else None,
                listed_by=e.listed_by,
                removed_on=e.removed_on,
                removal_reason=e.removal_reason,
                allowed_actions=policy.blacklist_actions(actor, e, active=active),
            )
        )
    return found


def suspension(db_session: Session, enterprise: Organisation) -> SuspensionRead:
    applicable, notes, triggers, considered, ungraded = service.evaluate_accidents(db_session, enterprise)
    keys = [service.trigger_key(t) for t in triggers]
    proposed: dict[str, int] = {}
    if keys:
        query = select(Violation.trigger_key, Violation.id).where(Violation.trigger_key.in_(keys))
        proposed = {k: i for k, i in db_session.execute(query) if k is not None}
    return SuspensionRead(
        applicable=applicable,
        notes=list(notes),
        accidents_considered=considered,
        ungraded_incidents=ungraded,
        triggers=[
            TriggerRead(
                incident_ids=list(t.incident_ids),
                occurred_on=t.occurred_on,
                reason=t.reason,
                violation_id=proposed.get(service.trigger_key(t)),
            )
            for t in triggers
        ],
        basis=_basis(SUSPENSION_BASIS),
    )


def enterprise(db_session: Session, actor: Actor, row: Organisation, today: date) -> EnterpriseEnforcementRead:
    entries = db_session.scalars(
        select(BlacklistEntry)
        .where(BlacklistEntry.organisation_id == row.id)
        .order_by(BlacklistEntry.listed_on.desc(), BlacklistEntry.id.desc())
    ).all()
    listed = listings(db_session, actor, entries, today)
    states = Counter(
        s.value for s in db_session.scalars(select(Violation.state).where(Violation.organisation_id == row.id))
    )
    open_referrals = db_session.scalar(
        select(func.count()).where(Referral.organisation_id == row.id, Referral.state == ReferralState.SENT)
    )
    marks = Counter(
        service.liability_of(db_session, h, today).value
        for h in db_session.scalars(select(Hazard).where(Hazard.organisation_id == row.id))
    )
    places = divisions.names(db_session, [row.division_code])
    return EnterpriseEnforcementRead(
        organisation_id=row.id,
        name=row.name,
        division_code=row.division_code,
        division_name=places.get(row.division_code, row.division_code),
        sector=row.sector.value if row.sector else None,
        sector_label=row.sector.label if row.sector else None,
        principal_name=row.principal_name,
        principal_phone=row.principal_phone,
        controller_name=row.controller_name,
        controller_phone=row.controller_phone,
        active_lists=[e.kind_label for e in listed if e.active],
        blacklist=listed,
        violations_by_state=dict(states),
        open_referrals=open_referrals or 0,
        hazards_by_liability=dict(marks),
        suspension=suspension(db_session, row),
    )

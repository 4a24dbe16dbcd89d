"""行政执法主体 and 委托执法 (003#L14): the bodies a city published, and each entrustment by one of them — a written
agreement, announced on the entrusting body's site, filed with the justice bureau within 10 days of signing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from yingji.audit.rows import record_change, snapshot
from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, local_today
from yingji.core.errors import Forbidden, InvalidInput, InvalidState, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.enforcement import bodies, policy
from yingji.enforcement.models import Entrustment
from yingji.enforcement.schemas import (
    BasisRead,
    BodyRead,
    BodyRegisterRead,
    EntrustmentAction,
    EntrustmentDateIn,
    EntrustmentIn,
    EntrustmentRead,
)
from yingji.rules import enforcement as rules


def _register(division_code: str) -> bodies.BodyRegister:
    register = bodies.for_division(division_code)
    if register is None:
        raise NotFound(kind="行政执法主体名单", key=division_code, subcode="enforcement.bodies.none")
    return register


def register(db_session: Session, actor: Actor, division_code: str) -> BodyRegisterRead:
    actor.require(Permission.REGISTRY_READ)
    found = _register(division_code)
    counts = Counter(
        db_session.scalars(select(Entrustment.entrusting_body).where(Entrustment.division_code == division_code))
    )
    return BodyRegisterRead(
        division_code=found.division_code,
        title=found.title,
        doc_no=found.doc_no,
        issued_on=found.issued_on,
        statutory=sum(1 for b in found.bodies if b.kind is bodies.BodyKind.STATUTORY),
        authorised=sum(1 for b in found.bodies if b.kind is bodies.BodyKind.AUTHORISED),
        entrustment_rule=found.entrustment.rule,
        bodies=[
            BodyRead(name=b.name, kind_label=b.kind.label, aliases=b.aliases, entrustments=counts.get(b.name, 0))
            for b in found.bodies
        ],
        basis=BasisRead(rule="委托执法备案", clause=found.entrustment.quote, seed=found.seed),
    )


def create(*, db_session: Session, clock: Clock, actor: Actor, data: EntrustmentIn) -> Entrustment:
    """Only a supervising officer of the register's division records one; the entrusting body must be listed."""
    found = _register(data.division_code)
    if not policy.supervises(actor, data.division_code):
        raise Forbidden(reason="只有本级监管部门可以登记委托执法", subcode="enforcement.entrustment.role")
    body = found.find(data.entrusting_body)
    if body is None:
        raise InvalidInput(
            field="entrusting_body",
            reason=f"{data.entrusting_body}不在{found.doc_no}公布的行政执法主体名单中",
            subcode="enforcement.entrustment.not_a_body",
        )
    today = local_today(clock)
    if data.signed_on > today:
        raise InvalidInput(field="signed_on", reason="日期不能晚于今天", subcode="enforcement.entrustment.date.future")
    row = Entrustment(
        division_code=data.division_code,
        entrusting_body=body.name,
        entrusted_party=data.entrusted_party,
        powers=data.powers,
        signed_on=data.signed_on,
        announced_on=None,
        filed_on=None,
        created_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    record_change(db_session, clock, actor.username, "enforcement.entrustment.create", row, None)
    return row


def visible(db_session: Session, actor: Actor, entrustment_id: int) -> Entrustment:
    actor.require(Permission.REGISTRY_READ)
    row = db_session.get(Entrustment, entrustment_id)
    if row is None or actor.organisation_id is not None or not actor.covers_division(row.division_code):
        raise NotFound(kind="委托执法", key=entrustment_id)
    return row


def record_date(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    entrustment_id: int,
    action: EntrustmentAction,
    data: EntrustmentDateIn,
) -> Entrustment:
    """The announcement or the filing, each once, on a day between the signing and today."""
    row = visible(db_session, actor, entrustment_id)
    if action not in actions(actor, row):
        if not policy.supervises(actor, row.division_code):
            raise Forbidden(reason="只有本级监管部门可以登记", subcode="enforcement.entrustment.role")
        raise InvalidState(reason=f"已{action.label.removeprefix('登记')}", subcode="enforcement.entrustment.done")
    rules.check_entrustment_dates(signed_on=row.signed_on, on=data.on, today=local_today(clock), field="on")
    before = snapshot(row)
    if action is EntrustmentAction.FILE:
        row.filed_on = data.on
    else:
        row.announced_on = data.on
    record_change(db_session, clock, actor.username, f"enforcement.entrustment.{action.value}", row, before)
    return row


def page(*, db_session: Session, actor: Actor, params: PageParams) -> tuple[Sequence[Entrustment], int]:
    """Entrustments in the caller's jurisdiction: unfiled first (oldest signing first: the most overdue), then filed."""
    actor.require(Permission.REGISTRY_READ)
    if actor.organisation_id is not None:
        raise Forbidden(reason="企业账号不查看委托执法", subcode="enforcement.entrustment.enterprise")
    query = select(Entrustment).where(actor.division_filter(Entrustment.division_code))
    unfiled = case((Entrustment.filed_on.is_(None), 0), else_=1)
    return paginate(db_session, query, params, order_by=[unfiled, Entrustment.signed_on, Entrustment.id])


def actions(actor: Actor, row: Entrustment) -> list[EntrustmentAction]:
    officer = policy.supervises(actor, row.division_code)
    return allowed(
        actor,
        Permission.HAZARDS_SUPERVISE,
        [
            (EntrustmentAction.ANNOUNCE, officer and row.announced_on is None),
            (EntrustmentAction.FILE, officer and row.filed_on is None),
        ],
    )


def read(actor: Actor, row: Entrustment, clock: Clock) -> EntrustmentRead:
    found = _register(row.division_code)
    status = rules.entrustment_status(
        signed_on=row.signed_on,
        filed_on=row.filed_on,
        announced_on=row.announced_on,
        filing_days=found.entrustment.filing_days,
        today=local_today(clock),
    )
    due = status.filing_due.isoformat()
    if row.filed_on is None:
        filing = f"未备案，已超过备案期限 {due}" if status.filing_overdue else f"未备案，应于 {due} 前备案"
    else:
        late = "（逾期）" if status.filed_late else ""
        filing = f"{row.filed_on.isoformat()} 已向{found.entrustment.filed_with}备案{late}"
    announced = f"{row.announced_on.isoformat()} 已公告" if row.announced_on else "未公告"
    return EntrustmentRead(
        id=row.id,
        division_code=row.division_code,
        entrusting_body=row.entrusting_body,
        entrusted_party=row.entrusted_party,
        powers=row.powers,
        signed_on=row.signed_on,
        announced_on=row.announced_on,
        filed_on=row.filed_on,
        filing_due=status.filing_due,
        filing_overdue=status.filing_overdue,
        filed_late=status.filed_late,
        status_label=f"{filing}；{announced}",
        created_by=row.created_by,
        allowed_actions=actions(actor, row),
    )

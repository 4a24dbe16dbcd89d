"""The liaison register of a plan's member units: read in the caller's scope, set or cleared by the HQ's office or
the unit itself, every change in the audit log (the plan asks units to report changes, 003#L6 2.2.3)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.audit.rows import record_change, snapshot
from yingji.auth.actor import Actor
from yingji.core.clock import Clock
from yingji.core.errors import InvalidState, NotFound
from yingji.liaisons import policy
from yingji.liaisons.models import Liaison
from yingji.liaisons.schemas import LiaisonAction, LiaisonIn, LiaisonRead, PlanLiaisonsRead, UnitLiaisonRead
from yingji.plans import loader
from yingji.plans.schema import Plan
from yingji.registry.models import Organisation

FIELDS = ("name", "position", "mobile", "office_phone")


def _own_unit(db_session: Session, actor: Actor) -> str | None:
    """The name of the caller's organisation — a member unit's own accounts keep their own liaison."""
    if actor.organisation_id is None:
        return None
    return db_session.scalar(select(Organisation.name).where(Organisation.id == actor.organisation_id))


def _register(plan: Plan, actor: Actor, own: str | None) -> None:
    """The plan must set up a liaison system, and the caller be of its jurisdiction or one of its member units."""
    if plan.member_units.liaison_officers is None:
        raise InvalidState(reason="本预案未建立应急联络员制度", subcode="liaison.plan.none")
    if not policy.reads(actor, plan) and own not in {u.name for u in plan.member_units.units}:
        raise NotFound(kind="预案", key=plan.id, subcode="liaison.plan.missing")


def of_plan(db_session: Session, plan_id: str) -> dict[str, Liaison]:
    return {row.unit: row for row in db_session.scalars(select(Liaison).where(Liaison.plan_id == plan_id))}


def of_units(db_session: Session, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Liaison]:
    """Liaisons of (plan, unit) pairs — the incident room shows each member-unit task's liaison."""
    wanted = set(pairs)
    plans = {p for p, _ in wanted}
    if not plans:
        return {}
    rows = db_session.scalars(select(Liaison).where(Liaison.plan_id.in_(plans)))
    return {(r.plan_id, r.unit): r for r in rows if (r.plan_id, r.unit) in wanted}


def text(liaison: Liaison | None) -> str | None:
    if liaison is None:
        return None
    position = f"（{liaison.position}）" if liaison.position else ""
    return f"{liaison.name}{position} {liaison.mobile}"


def read(db_session: Session, actor: Actor, plan_id: str) -> PlanLiaisonsRead:
    plan = loader.get(plan_id)
    own = _own_unit(db_session, actor)
    _register(plan, actor, own)
    system = plan.member_units.liaison_officers
    assert system is not None
    rows = of_plan(db_session, plan.id)
    whole = policy.reads(actor, plan)
    units = [
        UnitLiaisonRead(
            unit=u.name,
            duties=list(u.duties),
            liaison=None if u.name not in rows else LiaisonRead.model_validate(rows[u.name], from_attributes=True),
            allowed_actions=policy.unit_actions(actor, plan, own_unit=u.name == own, named=u.name in rows),
        )
        for u in plan.member_units.units
        if whole or u.name == own
    ]
    units.sort(key=lambda u: u.liaison is not None)  # stable: the plan's order within each part
    return PlanLiaisonsRead(
        plan_id=plan.id,
        plan_title=plan.metadata.title,
        rule=system.text,
        basis=[b.to_basis(rule="liaison_officers", plan=plan.id) for b in system.basis],
        named=sum(1 for u in units if u.liaison is not None),
        units=units,
    )


def _unit_actions(db_session: Session, actor: Actor, plan: Plan, unit: str) -> list[LiaisonAction]:
    own = _own_unit(db_session, actor)
    _register(plan, actor, own)
    if unit not in {u.name for u in plan.member_units.units}:
        raise NotFound(kind="本预案的成员单位", key=unit, subcode="liaison.unit.missing")
    named = unit in of_plan(db_session, plan.id)
    return policy.unit_actions(actor, plan, own_unit=unit == own, named=named)


def set_liaison(
    *, db_session: Session, clock: Clock, actor: Actor, plan_id: str, unit: str, data: LiaisonIn
) -> Liaison:
    plan = loader.get(plan_id)
    policy.require(_unit_actions(db_session, actor, plan, unit), LiaisonAction.SET)
    row = of_plan(db_session, plan.id).get(unit)
    before = None if row is None else snapshot(row)
    if row is None:
        row = Liaison(plan_id=plan.id, unit=unit)
        db_session.add(row)
    for field in FIELDS:
        setattr(row, field, getattr(data, field))
    row.updated_by = actor.username
    row.updated_at = clock.now()
    record_change(db_session, clock, actor.username, "liaison.set", row, before)
    return row


def clear_liaison(*, db_session: Session, clock: Clock, actor: Actor, plan_id: str, unit: str) -> None:
    plan = loader.get(plan_id)
    actions = _unit_actions(db_session, actor, plan, unit)
    row = of_plan(db_session, plan.id).get(unit)
    if row is None:
        raise NotFound(kind="已登记的联络员", key=unit, subcode="liaison.unit.none")
    policy.require(actions, LiaisonAction.CLEAR)
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="liaison.clear",
        target_kind=Liaison.__tablename__,
        target_key=str(row.id),
        before=snapshot(row),
    )
    db_session.delete(row)
    db_session.flush()

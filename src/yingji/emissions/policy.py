"""Who reads and keeps the ledger: an enterprise its own rows, officers those of their jurisdiction; rows are entered
by the enterprise itself or by an officer who keeps the ledgers (LEDGER_WRITE) of the place."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.emissions.models import EmissionEntry
from yingji.emissions.schemas import EmissionAction


def scope(actor: Actor) -> ColumnElement[bool]:
    actor.require(Permission.REGISTRY_READ)
    return actor.record_filter(EmissionEntry.division_code, EmissionEntry.organisation_id)


def may_enter(actor: Actor, organisation_id: int, division_code: str) -> bool:
    if actor.organisation_id is not None:
        return actor.organisation_id == organisation_id
    return actor.has(Permission.LEDGER_WRITE) and actor.covers_division(division_code)


def may_total(actor: Actor, division_code: str) -> bool:
    """Carrying the year's mean into the KPI is the ledger keeper's act, never an enterprise's."""
    return actor.organisation_id is None and actor.has(Permission.LEDGER_WRITE) and actor.covers_division(division_code)


def entry_actions(actor: Actor, organisation_id: int, division_code: str) -> list[EmissionAction]:
    return [EmissionAction.CORRECT] if may_enter(actor, organisation_id, division_code) else []

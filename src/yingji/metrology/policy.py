"""Who sees which instruments, and what the caller may do to one of them now.

An enterprise account reads and changes its own enterprise's instruments; an officer those of its jurisdiction. A
scrapped instrument is changed no more (neither edited nor calibrated) — the same checks ``service`` enforces.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.metrology.enums import InstrumentAction, InstrumentStatus
from yingji.metrology.models import Instrument


def scope(actor: Actor) -> ColumnElement[bool]:
    """The one SQL filter for instrument lists, single reads and the write path's locked read."""
    return actor.record_filter(Instrument.division_code, Instrument.organisation_id)


def covers(actor: Actor, instrument: Instrument) -> bool:
    """The instrument is the caller's enterprise's, or lies in the caller's jurisdiction."""
    return actor.covers_record(division_code=instrument.division_code, organisation_id=instrument.organisation_id)


def changeable(instrument: Instrument) -> bool:
    """A scrapped instrument is neither edited nor calibrated again."""
    return instrument.status is not InstrumentStatus.SCRAPPED


def actions(actor: Actor, instrument: Instrument) -> list[InstrumentAction]:
    may = covers(actor, instrument) and changeable(instrument)
    return allowed(
        actor, Permission.REGISTRY_WRITE, [(InstrumentAction.UPDATE, may), (InstrumentAction.CALIBRATE, may)]
    )

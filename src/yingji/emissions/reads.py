"""Ledger rows as read models: the enterprise and place in words, and whether this caller may correct the row."""

from __future__ import annotations

from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.emissions import policy
from yingji.emissions.models import EmissionEntry
from yingji.emissions.schemas import EntryRead
from yingji.monitoring.reads import enterprise_names
from yingji.registry import divisions


def entries(db_session: Session, actor: Actor, rows: list[EmissionEntry]) -> list[EntryRead]:
    names = enterprise_names(db_session, {r.organisation_id for r in rows})
    places = divisions.names(db_session, (r.division_code for r in rows))
    return [
        EntryRead(
            id=r.id,
            organisation_id=r.organisation_id,
            enterprise=names.get(r.organisation_id, ""),
            division_name=places.get(r.division_code, r.division_code),
            year=r.year,
            sector=r.sector,
            sector_label=r.sector.label,
            nox_t=r.nox_t,
            vocs_t=r.vocs_t,
            co2_t=r.co2_t,
            facility_efficiency_pct=r.facility_efficiency_pct,
            source=r.source,
            recorded_by=r.recorded_by,
            recorded_at=r.recorded_at,
            allowed_actions=policy.entry_actions(actor, r.organisation_id, r.division_code),
        )
        for r in rows
    ]

"""Registry read models from rows: references and divisions named with one query each per page, enums labelled,
and the caller's allowed actions from the write path's own checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.labels import LabelledEnum
from yingji.core.schemas import YingjiModel
from yingji.db.base import Base
from yingji.registry import divisions, policy
from yingji.registry.enums import ResourceKind, ResourceLevel, ShelterKind, TeamKind
from yingji.registry.models import Division
from yingji.registry.schemas import DivisionRead, ResourceDetail, ResourceHitRead
from yingji.registry.specs import EntitySpec

if TYPE_CHECKING:
    from yingji.registry.nearest import Hit


def _names(db_session: Session, target: type[Base], ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db_session.execute(select(target.id, target.name).where(target.id.in_(ids)))  # type: ignore[attr-defined]
    return {i: name for i, name in rows}


def _references(db_session: Session, spec: EntitySpec, rows: Sequence[Base]) -> dict[str, dict[int, str]]:
    """For each reference of the table: id → name of the rows this page names."""
    return {
        ref.field: _names(db_session, ref.target, {i for i in (getattr(r, ref.column) for r in rows) if i is not None})
        for ref in spec.refs
    }


def _division_codes(db_session: Session, spec: EntitySpec, rows: Sequence[Base]) -> list[str]:
    """Each row's division (rows without one take their parent's: a material its depot's)."""
    via = spec.division_via
    if via is None:
        return [r.division_code for r in rows]  # type: ignore[attr-defined]
    parents = {getattr(r, via.column) for r in rows}
    query = select(via.target.id, via.target.division_code).where(via.target.id.in_(parents))  # type: ignore[attr-defined]
    found = {i: code for i, code in db_session.execute(query)}
    return [found.get(getattr(r, via.column), "") for r in rows]


def _values(spec: EntitySpec, row: Base, names: dict[str, dict[int, str]]) -> dict[str, Any]:
    """The input row's fields as stored, references by name."""
    refs = {ref.field: ref for ref in spec.refs}
    values: dict[str, Any] = {}
    for field in spec.schema.model_fields:
        ref = refs.get(field)
        if ref is None:
            values[field] = getattr(row, field)
        else:
            ref_id = getattr(row, ref.column)
            values[field] = None if ref_id is None else names[field].get(ref_id)
    return values


def read_all(db_session: Session, actor: Actor, spec: EntitySpec, rows: Sequence[Base]) -> list[YingjiModel]:
    """A page of one table's rows as its read model."""
    names = _references(db_session, spec, rows)
    codes = _division_codes(db_session, spec, rows)
    places = divisions.names(db_session, codes)
    found = []
    for row, code in zip(rows, codes, strict=True):
        values = _values(spec, row, names)
        extra: dict[str, Any] = {"id": row.id, "division_code": code, "division_name": places.get(code, code)}  # type: ignore[attr-defined]
        for ref in spec.refs:
            extra[f"{ref.field}_id"] = getattr(row, ref.column)
        for field, value in values.items():
            if f"{field}_label" in spec.read.model_fields:
                extra[f"{field}_label"] = value.label if isinstance(value, LabelledEnum) else None
        extra["allowed_actions"] = policy.actions(db_session, actor, spec, row)
        found.append(spec.read(**(values | extra)))
    return found


def read_one(db_session: Session, actor: Actor, spec: EntitySpec, row: Base) -> YingjiModel:
    return read_all(db_session, actor, spec, [row])[0]


def export_all(db_session: Session, spec: EntitySpec, rows: Sequence[Base]) -> list[YingjiModel]:
    """Rows in the import format (references by name), so an export re-imports unchanged."""
    names = _references(db_session, spec, rows)
    return [spec.row(**_values(spec, row, names)) for row in rows]


SUBTYPES: dict[ResourceKind, type[LabelledEnum]] = {
    ResourceKind.RESCUE_TEAM: TeamKind,
    ResourceKind.DEPOT: ResourceLevel,
    ResourceKind.SHELTER: ShelterKind,
}


def _subtype_label(kind: ResourceKind, subtype: str) -> str:
    """A team's kind, a depot's level, a shelter's kind in Chinese; an expert's specialties and a vehicle type as is."""
    vocabulary = SUBTYPES.get(kind)
    return subtype if vocabulary is None else vocabulary.labels().get(subtype, subtype)


def hits(db_session: Session, found: Sequence[Hit]) -> list[ResourceHitRead]:
    """The nearest search's slice with division names and Chinese labels."""
    places = divisions.names(db_session, (h.division_code for h in found))
    reads = []
    for h in found:
        level = h.detail.get("level")
        detail = ResourceDetail.model_validate(
            {k: v for k, v in h.detail.items() if k in ResourceDetail.model_fields}
            | ({"level_label": ResourceLevel(level).label} if isinstance(level, str) else {})
        )
        reads.append(
            ResourceHitRead(
                kind=h.kind,
                kind_label=h.kind.label,
                id=h.id,
                name=h.name,
                subtype=h.subtype,
                subtype_label=_subtype_label(h.kind, h.subtype),
                division_code=h.division_code,
                division_name=places.get(h.division_code, h.division_code),
                lon=h.lon,
                lat=h.lat,
                distance_km=h.distance_km,
                travel_minutes=h.travel_minutes,
                is_contracted=h.is_contracted,
                detail=detail,
            )
        )
    return reads


def division_reads(db_session: Session, rows: Sequence[Division]) -> list[DivisionRead]:
    parents = divisions.names(db_session, (d.parent_code for d in rows if d.parent_code))
    return [
        DivisionRead(
            code=d.code,
            name=d.name,
            level=d.level,
            level_label=d.level.label,
            parent_code=d.parent_code,
            parent_name=parents.get(d.parent_code) if d.parent_code else None,
        )
        for d in rows
    ]

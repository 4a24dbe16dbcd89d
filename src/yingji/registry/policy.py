"""Who sees which registry rows, and whether the caller may change one of them now.

The registry is generic over its tables (``specs.py``): each entity's scope kind says how its reads are filtered,
and the write path's own checks (``require_writer``, ``write_refusal``) are the predicates ``actions`` answers from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.errors import Forbidden
from yingji.db.base import Base
from yingji.registry.schemas import RegistryAction
from yingji.registry.specs import EntitySpec, Scope

ENTERPRISE_ONLY_OWN = "企业用户只能登记和修改本企业的矿山、尾矿库和危险源"


def read_permission(spec: EntitySpec) -> Permission:
    """Shared emergency resources are read with ``resources.read``; the rest of the registry with ``registry.read``."""
    return Permission.RESOURCES_READ if spec.scope is Scope.RESOURCE else Permission.REGISTRY_READ


def division_column(spec: EntitySpec) -> Any:
    """The column a row's division is read from (materials: their depot's)."""
    return getattr(spec.division_via.target if spec.division_via else spec.model, "division_code")  # noqa: B009 - typed as Base


def scope(actor: Actor, spec: EntitySpec) -> ColumnElement[bool]:
    """The one SQL filter for a table's lists, single reads and the write path's lookups."""
    division = division_column(spec)
    if spec.scope is Scope.ORGANISATION:
        if actor.organisation_id is not None:
            return spec.model.id == actor.organisation_id  # type: ignore[attr-defined,no-any-return]
        return actor.division_filter(division)
    if spec.scope is Scope.OWNED:
        assert spec.owner_column is not None
        return actor.record_filter(division, getattr(spec.model, spec.owner_column))
    return actor.resource_filter(division)


def require_writer(actor: Actor, spec: EntitySpec) -> None:
    """Refuse a writer before any lookup, so read-only roles learn nothing from validation messages."""
    actor.require(Permission.REGISTRY_WRITE)
    if actor.organisation_id is not None and spec.owner_column is None:
        raise Forbidden(subcode="registry.save.enterprise_table", reason=ENTERPRISE_ONLY_OWN)


def write_refusal(db_session: Session, actor: Actor, spec: EntitySpec, values: Mapping[str, Any]) -> str | None:
    """Why the actor may not write a row with these column values, or None."""
    if not actor.has(Permission.REGISTRY_WRITE):
        return "角色无“登记和修改”权限"
    division = values.get("division_code")
    if actor.organisation_id is not None:
        if spec.owner_column is None or values.get(spec.owner_column) != actor.organisation_id:
            return ENTERPRISE_ONLY_OWN
        city = divisions.city_of(actor.organisation_division or "")
        if division is None or not divisions.contains(city, division):
            return f"超出管辖范围：企业只能登记本市（{city}）范围内的场所"
        return None
    if division is None and spec.division_via is not None:
        parent = db_session.get(spec.division_via.target, values[spec.division_via.column])
        division = getattr(parent, "division_code", None)
    if division is None or not actor.covers_division(division):
        return f"超出管辖范围：{division}"
    return None


def columns_of(spec: EntitySpec, row: Base) -> dict[str, Any]:
    """The columns a write check reads from a stored row: its division and its references."""
    names = ["division_code", *(r.column for r in spec.refs)]
    return {n: getattr(row, n) for n in names if hasattr(row, n)}


def may_update(db_session: Session, actor: Actor, spec: EntitySpec, row: Base) -> bool:
    """Whether saving this (visible) row again under its name would be accepted for this actor."""
    if actor.organisation_id is not None and spec.owner_column is None:
        return False
    return write_refusal(db_session, actor, spec, columns_of(spec, row)) is None


def actions(db_session: Session, actor: Actor, spec: EntitySpec, row: Base) -> list[RegistryAction]:
    """What the caller may do to a row it can read: update it (by saving it under its name) or nothing."""
    return allowed(
        actor, Permission.REGISTRY_WRITE, [(RegistryAction.UPDATE, may_update(db_session, actor, spec, row))]
    )

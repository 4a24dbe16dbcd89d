"""Actor: the authenticated caller, with the jurisdiction every service query is filtered by."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.orm import InstrumentedAttribute

from yingji.auth.roles import PERMISSION_LABELS, ROLE_PERMISSIONS, Permission, Role
from yingji.core import divisions
from yingji.core.errors import Forbidden, OutOfJurisdiction


@dataclass(frozen=True, kw_only=True)
class Actor:
    """Who is acting. The scope is a division (with its children) or one enterprise; admins have no limit."""

    username: str
    role: Role
    user_id: int | None = None
    division_code: str | None = None  # 管辖行政区划（含下级）
    organisation_id: int | None = None  # 企业用户所属企业
    organisation_division: str | None = None  # that enterprise's division, for shared emergency resources

    @property
    def is_unlimited(self) -> bool:
        return self.role is Role.ADMIN and self.division_code is None and self.organisation_id is None

    def has(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        """Raise Forbidden unless the role grants the permission."""
        if not self.has(permission):
            raise Forbidden(reason=f"角色无“{PERMISSION_LABELS[permission]}”权限")

    def covers_division(self, code: str) -> bool:
        """Return whether a division lies in this actor's jurisdiction (enterprise users: their enterprise's)."""
        if self.is_unlimited:
            return True
        if self.division_code is not None:
            return divisions.contains(self.division_code, code)
        return False

    def require_division(self, code: str) -> None:
        if not self.covers_division(code):
            raise OutOfJurisdiction(field="division_code", division=code)

    def covers_record(self, *, division_code: str, organisation_id: int | None) -> bool:
        """Return whether a record owned by an organisation in a division is visible to this actor."""
        if self.organisation_id is not None:
            return organisation_id == self.organisation_id
        return self.covers_division(division_code)

    def division_filter(self, column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
        """Return the WHERE clause limiting a division column to this actor's jurisdiction."""
        if self.is_unlimited:
            return true()
        if self.division_code is None:
            return false()
        return column.startswith(divisions.stem(self.division_code), autoescape=True)

    def record_filter(
        self, division_column: InstrumentedAttribute[str], organisation_column: InstrumentedAttribute[int | None]
    ) -> ColumnElement[bool]:
        """Return the WHERE clause for records owned by organisations: enterprise users see only their own."""
        if self.organisation_id is not None:
            return organisation_column == self.organisation_id
        return self.division_filter(division_column)

    def resource_filter(self, column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
        """Return the WHERE clause for shared emergency resources (teams, depots, shelters).

        An enterprise calling for help must find the teams and depots of its city, so enterprise users read
        resources in their enterprise's city; officers read those in their jurisdiction.
        """
        if self.organisation_id is not None:
            if self.organisation_division is None:
                return false()
            city = divisions.city_of(self.organisation_division)
            return column.startswith(divisions.stem(city), autoescape=True)
        return self.division_filter(column)


SYSTEM = Actor(username="system", role=Role.ADMIN)

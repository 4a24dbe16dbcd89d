"""Import every table module so metadata and migrations see them all."""

from yingji.audit.models import AuditEntry, AuditHead
from yingji.auth.models import ApiToken, LoginSession, User
from yingji.calendars.models import ScheduleDay
from yingji.registry.models import (
    Depot,
    Division,
    Expert,
    HazardSource,
    MaterialStock,
    Mine,
    Organisation,
    RegistryRevision,
    RescueTeam,
    Shelter,
    TailingsPond,
    TransportResource,
)

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Depot",
    "Division",
    "Expert",
    "HazardSource",
    "LoginSession",
    "MaterialStock",
    "Mine",
    "Organisation",
    "RegistryRevision",
    "RescueTeam",
    "ScheduleDay",
    "Shelter",
    "TailingsPond",
    "TransportResource",
    "User",
]

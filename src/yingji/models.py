"""Import every table module so metadata and migrations see them all."""

from yingji.audit.models import AuditEntry
from yingji.calendars.models import ScheduleDay

__all__ = ["AuditEntry", "ScheduleDay"]

"""Import every table module so metadata and migrations see them all."""

from yingji.audit.models import AuditEntry, AuditHead
from yingji.auth.models import ApiToken, LoginSession, User
from yingji.calendars.models import ScheduleDay
from yingji.db.outbox import OutboxItem
from yingji.hazards.models import Hazard, HazardAttachment, HazardEvent
from yingji.incidents.models import (
    Assessment,
    Dispatch,
    EndConditionCheck,
    Incident,
    Obligation,
    Report,
    ResponseRecord,
    Task,
    TimelineEvent,
)
from yingji.ledger.models import LedgerTask, Target, TargetValue, TaskProgress
from yingji.monitoring.models import Alarm, AlarmEvent, AlarmGroup, MonitorPoint, ReadingMinute
from yingji.plan_registry.models import PlanActivity, PlanRecord
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
from yingji.tips.models import Tip
from yingji.warnings.models import EarlyWarning, WarningMessage, WarningTask

__all__ = [
    "Alarm",
    "AlarmEvent",
    "AlarmGroup",
    "ApiToken",
    "Assessment",
    "AuditEntry",
    "AuditHead",
    "Depot",
    "Dispatch",
    "Division",
    "EarlyWarning",
    "EndConditionCheck",
    "Expert",
    "Hazard",
    "HazardAttachment",
    "HazardEvent",
    "HazardSource",
    "Incident",
    "LedgerTask",
    "LoginSession",
    "MaterialStock",
    "Mine",
    "MonitorPoint",
    "Obligation",
    "Organisation",
    "OutboxItem",
    "PlanActivity",
    "PlanRecord",
    "ReadingMinute",
    "RegistryRevision",
    "Report",
    "RescueTeam",
    "ResponseRecord",
    "ScheduleDay",
    "Shelter",
    "TailingsPond",
    "Target",
    "TargetValue",
    "Task",
    "TaskProgress",
    "TimelineEvent",
    "Tip",
    "TransportResource",
    "User",
    "WarningMessage",
    "WarningTask",
]

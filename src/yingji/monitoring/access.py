"""Who sees which alarms and points, and what the caller may do to one now (the monitoring domain's part of the one
policy).

(``monitoring/policy.py`` is the alarm *handling* policy — escalation steps and shelving limits — from data.)
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.core.labels import LabelledEnum
from yingji.monitoring.models import Alarm, MonitorPoint


class AlarmAction(LabelledEnum):
    ACKNOWLEDGE = "acknowledge", "确认"
    COMMENT = "comment", "批注"
    SHELVE = "shelve", "搁置"
    UNSHELVE = "unshelve", "取消搁置"
    PROPOSE_WARNING = "propose_warning", "提出预警建议"


class PointAction(LabelledEnum):
    EDIT = "edit", "修改登记"


def scope(actor: Actor) -> ColumnElement[bool]:
    """Alarms of the caller's jurisdiction (an enterprise: its own) — lists and single reads alike."""
    actor.require(Permission.REGISTRY_READ)
    return actor.record_filter(Alarm.division_code, Alarm.enterprise_id)


def is_shelved(alarm: Alarm, now: datetime) -> bool:
    return alarm.shelved_until is not None and alarm.shelved_until > now


def actions(actor: Actor, alarm: Alarm, now: datetime) -> list[AlarmAction]:
    open_ = alarm.open_key is not None
    shelved = is_shelved(alarm, now)
    return allowed(
        actor,
        Permission.ALARMS_HANDLE,
        [
            (AlarmAction.ACKNOWLEDGE, open_ and alarm.acked_at is None),
            (AlarmAction.COMMENT, True),
            (AlarmAction.SHELVE, open_ and not shelved),
            (AlarmAction.UNSHELVE, shelved),
            (AlarmAction.PROPOSE_WARNING, open_ and alarm.warning_id is None),
        ],
    )


def point_scope(actor: Actor) -> ColumnElement[bool]:
    """Points of the caller's jurisdiction (an enterprise: its own) — lists, single reads and the pond's items."""
    actor.require(Permission.REGISTRY_READ)
    return actor.record_filter(MonitorPoint.division_code, MonitorPoint.enterprise_id)


def point_actions(actor: Actor, point: MonitorPoint) -> list[PointAction]:
    """Registering is re-saving by code: whoever may write the registry for the point's owner and place."""
    covers = actor.covers_record(division_code=point.division_code, organisation_id=point.enterprise_id)
    return allowed(actor, Permission.REGISTRY_WRITE, [(PointAction.EDIT, covers)])

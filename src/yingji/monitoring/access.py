"""Who sees which alarms and what the caller may do to one now (the monitoring domain's part of the one policy).

(``monitoring/policy.py`` is the alarm *handling* policy — escalation steps and shelving limits — from data.)
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.core.labels import LabelledEnum
from yingji.monitoring.models import Alarm


class AlarmAction(LabelledEnum):
    ACKNOWLEDGE = "acknowledge", "确认"
    COMMENT = "comment", "批注"
    SHELVE = "shelve", "搁置"
    UNSHELVE = "unshelve", "取消搁置"
    PROPOSE_WARNING = "propose_warning", "提出预警建议"


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

"""Who sees which registered plans, and which dated facts the caller may record on one now.

An enterprise registers and maintains only its own plans; officers those of their jurisdiction. A plan is filed once
(a revised plan is a new version, registered anew).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.core.labels import LabelledEnum
from yingji.plan_registry.models import ActivityKind, HolderKind, PlanRecord
from yingji.plan_registry.schema import PlanRecordIn


class PlanRecordAction(LabelledEnum):
    FILING = "filing", "登记备案"
    DRILL = "drill", "登记演练"
    EVALUATION = "evaluation", "登记评估"
    REVISION_TRIGGER = "revision_trigger", "登记修订情形"


def scope(actor: Actor) -> ColumnElement[bool]:
    """Plans of the caller's jurisdiction (an enterprise: its own)."""
    actor.require(Permission.REGISTRY_READ)
    return actor.record_filter(PlanRecord.division_code, PlanRecord.organisation_id)


def may_write(actor: Actor, record: PlanRecord | PlanRecordIn, organisation_id: int | None) -> bool:
    if actor.organisation_id is not None:  # an enterprise registers and maintains only its own plans
        return record.holder_kind is HolderKind.ENTERPRISE and organisation_id == actor.organisation_id
    return actor.covers_division(record.division_code)


def actions(actor: Actor, record: PlanRecord) -> list[PlanRecordAction]:
    writable = may_write(actor, record, record.organisation_id)
    return allowed(
        actor,
        Permission.REGISTRY_WRITE,
        [(PlanRecordAction(kind.value), writable and may_record(record, kind)) for kind in ActivityKind],
    )


def may_record(record: PlanRecord, kind: ActivityKind) -> bool:
    """The record's state allows the fact: a plan is filed only once."""
    return kind is not ActivityKind.FILING or record.filed_on is None

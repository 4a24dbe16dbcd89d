"""Who sees which duty instances and who acts on them.

A unit's account (an enterprise's, or a department's or 苏木镇's 指定专人, 004#L190-L192) sees and submits only its
own unit's instances; officers read those of their jurisdiction. Only the unit itself submits or attaches (anyone
else: 403). The office over the duty list's division (officers with the ledger permission: 旗安委办) waives an
instance and issues the monthly bulletin. One SQL filter for lists and single lookups alike.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.core.errors import Forbidden
from yingji.duties.models import DutyInstance
from yingji.duties.schemas import InstanceAction, RankingAction


def _reader(actor: Actor) -> None:
    if not (actor.has(Permission.PLANS_READ) or actor.has(Permission.DUTIES_SUBMIT)):
        raise Forbidden(reason="角色无查阅履职任务的权限", subcode="duties.read.role")


def scope(actor: Actor) -> ColumnElement[bool]:
    """A unit's account: its unit's instances; an officer: those of units in its jurisdiction."""
    _reader(actor)
    if actor.organisation_id is not None:
        return DutyInstance.organisation_id == actor.organisation_id
    return actor.division_filter(DutyInstance.division_code)


def require_officer(actor: Actor) -> None:
    """Compliance and ranking across units are the officers' views; a unit reads its own calendar."""
    _reader(actor)
    if actor.organisation_id is not None:
        raise Forbidden(reason="单位账号只查看本单位的履职任务", subcode="duties.compliance.unit_account")


def is_unit(actor: Actor, instance: DutyInstance) -> bool:
    return actor.has(Permission.DUTIES_SUBMIT) and actor.organisation_id == instance.organisation_id


def require_unit(actor: Actor, instance: DutyInstance, action: str) -> None:
    if not is_unit(actor, instance):
        raise Forbidden(reason="只有承担该任务的单位可以报送", subcode=f"duties.{action}.wrong_unit")


def supervises(actor: Actor, division_code: str) -> bool:
    """The office over a duty list's division: officers (never a unit's account) with the ledger permission."""
    return actor.organisation_id is None and actor.has(Permission.LEDGER_WRITE) and actor.covers_division(division_code)


def require_supervisor(actor: Actor, division_code: str, action: str) -> None:
    if not supervises(actor, division_code):
        raise Forbidden(reason="只有本级安委会办公室（督办人员）可以操作", subcode=f"duties.{action}.not_office")


def instance_actions(
    actor: Actor, instance: DutyInstance, *, is_open: bool, office_division: str
) -> list[InstanceAction]:
    """The unit submits and attaches while the instance is open; the office waives an open one."""
    own = is_open and is_unit(actor, instance)
    return allowed(
        actor, Permission.DUTIES_SUBMIT, [(InstanceAction.SUBMIT, own), (InstanceAction.ATTACH, own)]
    ) + allowed(
        actor, Permission.LEDGER_WRITE, [(InstanceAction.WAIVE, is_open and supervises(actor, office_division))]
    )


def ranking_actions(actor: Actor, division_code: str, *, issued: bool) -> list[RankingAction]:
    return allowed(
        actor,
        Permission.LEDGER_WRITE,
        [(RankingAction.ISSUE_BULLETIN, not issued and supervises(actor, division_code))],
    )

"""Who reads which mine's registers and who acts on them.

Two parties, as in the hazard loop: the enterprise that owns the mine (an enterprise account with ``registry.write``)
keeps its registers — census, findings and their treatment, depth, goafs, the response to a warning, submitting a
pond's disposition — and the supervising department (an officer with ``hazards.supervise`` whose jurisdiction holds
the site) decides: resumption, the supervising bodies, pushing and closing warnings, classifying and accepting pond
dispositions, generating deadlines. An officer may also keep a register for an enterprise without an account.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.errors import Forbidden
from yingji.core.labels import LabelledEnum
from yingji.registry.models import Mine, TailingsPond
from yingji.rules.supervision import Activity, DispositionAction, DispositionState, WarningAction, WarningState


class Party(LabelledEnum):
    ENTERPRISE = "enterprise", "矿山企业"
    SUPERVISOR = "supervisor", "负有监管职责的部门"


class MineAction(LabelledEnum):
    EDIT_PROFILE = "edit_profile", "登记采深与冲击地压监测"
    OPEN_CENSUS = "open_census", "登记隐蔽致灾因素普查"
    ADD_GOAF = "add_goaf", "登记采空区/支护"
    SET_SUPERVISORS = "set_supervisors", "调整监管主体"
    RESUME = "resume", "批准复工"
    PUSH_WARNING = "push_warning", "推送预警"


def mine_scope(actor: Actor) -> ColumnElement[bool]:
    """Mines an actor may read: an enterprise its own, an officer those of its jurisdiction."""
    actor.require(Permission.REGISTRY_READ)
    return actor.record_filter(Mine.division_code, Mine.enterprise_id)


def pond_scope(actor: Actor) -> ColumnElement[bool]:
    actor.require(Permission.REGISTRY_READ)
    return actor.record_filter(TailingsPond.division_code, TailingsPond.enterprise_id)


def site_scope(actor: Actor, division: ColumnElement[str] | object, enterprise: object) -> ColumnElement[bool]:
    """The same filter over a register's own (division_code, enterprise_id) columns."""
    actor.require(Permission.REGISTRY_READ)
    return actor.record_filter(division, enterprise)  # type: ignore[arg-type]


def party(actor: Actor, *, division_code: str, enterprise_id: int) -> Party | None:
    if actor.organisation_id is not None:
        if actor.organisation_id == enterprise_id and actor.has(Permission.REGISTRY_WRITE):
            return Party.ENTERPRISE
        return None
    if actor.has(Permission.HAZARDS_SUPERVISE) and actor.covers_division(division_code):
        return Party.SUPERVISOR
    return None


def require_party(actor: Actor, *, division_code: str, enterprise_id: int, subcode: str) -> Party:
    found = party(actor, division_code=division_code, enterprise_id=enterprise_id)
    if found is None:
        raise Forbidden(subcode=subcode, reason="企业只能登记本企业矿山的台账；监管部门只能处理辖区内矿山")
    return found


def require_supervisor(actor: Actor, *, division_code: str, enterprise_id: int, subcode: str) -> None:
    if party(actor, division_code=division_code, enterprise_id=enterprise_id) is not Party.SUPERVISOR:
        raise Forbidden(subcode=subcode, reason="此项由辖区负有矿山安全监管职责的部门办理")


def mine_actions(actor: Actor, mine: Mine, activity: Activity) -> list[MineAction]:
    found = party(actor, division_code=mine.division_code, enterprise_id=mine.enterprise_id)
    if found is None:
        return []
    keep = [MineAction.EDIT_PROFILE, MineAction.OPEN_CENSUS, MineAction.ADD_GOAF]
    if found is Party.ENTERPRISE:
        return keep
    decide = [MineAction.SET_SUPERVISORS, MineAction.PUSH_WARNING]
    if activity is Activity.SUSPENDED:
        decide.append(MineAction.RESUME)
    return keep + decide


def warning_actions(
    actor: Actor, *, division_code: str, enterprise_id: int, state: WarningState
) -> list[WarningAction]:
    found = party(actor, division_code=division_code, enterprise_id=enterprise_id)
    if found is None:
        return []
    if state is WarningState.PUSHED:
        return [WarningAction.RESPOND]  # the enterprise, or an officer for one without an account (with a note)
    if state is WarningState.RESPONDED and found is Party.SUPERVISOR:
        return [WarningAction.CLOSE]
    return []


def disposition_actions(
    actor: Actor, *, division_code: str, enterprise_id: int, state: DispositionState
) -> list[DispositionAction]:
    found = party(actor, division_code=division_code, enterprise_id=enterprise_id)
    if found is None:
        return []
    if state is DispositionState.ASSIGNED:
        return [DispositionAction.SUBMIT]
    if state is DispositionState.SUBMITTED and found is Party.SUPERVISOR:
        return [DispositionAction.ACCEPT, DispositionAction.REJECT]
    return []

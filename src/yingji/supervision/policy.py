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
from yingji.registry.enums import MineKind, MineStatus, StandardisationGrade
from yingji.registry.models import Mine, TailingsPond
from yingji.rules.supervision import Activity, DispositionAction, DispositionState, WarningAction, WarningState

COAL_KINDS = (MineKind.COAL_UNDERGROUND, MineKind.COAL_OPEN_PIT)


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
    ADD_EQUIPMENT = "add_equipment", "登记设备档案"
    ADD_POLICY = "add_policy", "登记安责险保单"
    APPLY_CAPACITY = "apply_capacity", "申请产能核增"
    RECORD_GRADE = "record_grade", "登记标准化等级"
    SPOT_CHECK = "spot_check", "登记半年抽查"


class EntryAction(LabelledEnum):
    """What may be done to one register entry (a goaf, a machine's file, a deadline, an insurance policy)."""

    EDIT = "edit", "修改"
    DONE = "done", "登记完成"
    INSPECT = "inspect", "登记保险机构排查"


class AgencyAction(LabelledEnum):
    EVALUATE = "evaluate", "年度诚信评价"
    LIST = "list", "列入负面清单"
    DELIST = "delist", "移出负面清单"


class PondAction(LabelledEnum):
    CLASSIFY = "classify", "分类治理"
    PUSH_WARNING = "push_warning", "推送预警"


class RegisterAction(LabelledEnum):
    """Actions on the registers as a whole, not on one entry."""

    GENERATE_DEADLINES = "generate_deadlines", "按规划节点生成改造时限"
    ADD_AGENCY = "add_agency", "登记第三方机构"


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


def mine_actions(
    actor: Actor, mine: Mine, activity: Activity, *, census_registered: bool = False, capacity_pending: bool = False
) -> list[MineAction]:
    """The enterprise keeps its registers; the department keeps them too and decides. A census already registered
    for this year is not opened twice, a coal mine with a request awaiting assessment does not apply again."""
    found = party(actor, division_code=mine.division_code, enterprise_id=mine.enterprise_id)
    if found is None:
        return []
    keep = [MineAction.EDIT_PROFILE]
    if not census_registered:
        keep.append(MineAction.OPEN_CENSUS)
    keep += [MineAction.ADD_GOAF, MineAction.ADD_EQUIPMENT, MineAction.ADD_POLICY]
    if mine.kind in COAL_KINDS and mine.status is not MineStatus.CLOSED and not capacity_pending:
        keep.append(MineAction.APPLY_CAPACITY)
    if found is Party.ENTERPRISE:
        return keep
    decide = [MineAction.SET_SUPERVISORS, MineAction.PUSH_WARNING, *standardisation_actions(actor, mine)]
    if activity is Activity.SUSPENDED:
        decide.append(MineAction.RESUME)
    return keep + decide


def standardisation_actions(actor: Actor, mine: Mine) -> list[MineAction]:
    """Grades and spot checks are the department's; only a graded mine is spot-checked (002#L205)."""
    if party(actor, division_code=mine.division_code, enterprise_id=mine.enterprise_id) is not Party.SUPERVISOR:
        return []
    if mine.standardisation_grade is StandardisationGrade.NONE:
        return [MineAction.RECORD_GRADE]
    return [MineAction.RECORD_GRADE, MineAction.SPOT_CHECK]


def entry_actions(actor: Actor, *, division_code: str, enterprise_id: int, wanted: EntryAction) -> list[EntryAction]:
    """Either party keeps an entry of the mine's registers (a goaf, a machine, a deadline, a policy)."""
    return [wanted] if party(actor, division_code=division_code, enterprise_id=enterprise_id) is not None else []


def agency_officer(actor: Actor, division_code: str) -> bool:
    """Agencies are registered, scored and listed by a department whose jurisdiction holds the agency."""
    if actor.organisation_id is not None or not actor.has(Permission.HAZARDS_SUPERVISE):
        return False
    return actor.covers_division(division_code)


def agency_actions(actor: Actor, *, division_code: str, negative: bool) -> list[AgencyAction]:
    if not agency_officer(actor, division_code):
        return []
    return [AgencyAction.EVALUATE, AgencyAction.DELIST if negative else AgencyAction.LIST]


def pond_actions(actor: Actor, pond: TailingsPond, *, accepted: bool) -> list[PondAction]:
    """The department classifies a pond (not again once its disposition was accepted) and pushes warnings to it."""
    if party(actor, division_code=pond.division_code, enterprise_id=pond.enterprise_id) is not Party.SUPERVISOR:
        return []
    return ([] if accepted else [PondAction.CLASSIFY]) + [PondAction.PUSH_WARNING]


def register_actions(actor: Actor) -> list[RegisterAction]:
    """A department officer generates its mines' deadlines and registers agencies (in its own jurisdiction)."""
    if actor.organisation_id is not None or not actor.has(Permission.HAZARDS_SUPERVISE):
        return []
    return [RegisterAction.GENERATE_DEADLINES, RegisterAction.ADD_AGENCY]


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

"""The mine supervision registers on the database: every write checks the party, then the rule, then is audited in
the same transaction. The registry is touched in two places only, both decisions the plan gives the bureau: a mine's
status on resumption and its daily supervising body (002#L159); a pond closed and cancelled (闭库销号) is sealed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, local_today, to_local, to_ms
from yingji.core.divisions import stem as divisions_stem
from yingji.core.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.inbox import service as inbox
from yingji.inbox.models import NoticeKind
from yingji.ledger import policy as ledger_policy
from yingji.ledger import service as ledger
from yingji.ledger.models import Target
from yingji.monitoring import readings
from yingji.monitoring.engine import OFFLINE_CYCLES
from yingji.monitoring.models import Alarm, MonitorPoint
from yingji.monitoring.networking.models import NetworkingFeed
from yingji.monitoring.networking.service import STALE_CYCLES
from yingji.registry import nearest
from yingji.registry.enums import (
    MineKind,
    MineStatus,
    OrganisationKind,
    PondStatus,
    ResourceKind,
    StandardisationGrade,
    TeamKind,
)
from yingji.registry.models import Division, Mine, Organisation, RescueTeam, TailingsPond
from yingji.registry.service import bump_revision
from yingji.rules import supervision as rules
from yingji.rules.supervision import (
    Activity,
    CensusFacts,
    CensusState,
    DispositionAction,
    DispositionState,
    MineClass,
    MineFacts,
    WarningAction,
    WarningState,
)
from yingji.supervision import policy
from yingji.supervision.models import (
    Agency,
    AgencyEvaluation,
    CapacityRequest,
    Census,
    CensusFinding,
    Equipment,
    Goaf,
    InsurancePolicy,
    InsurerInspection,
    MineDeadline,
    MineProfile,
    PlanEvaluation,
    PondDispositionRecord,
    SiteWarning,
    StandardisationEvent,
)
from yingji.supervision.policy import Party
from yingji.supervision.schemas import (
    AgencyIn,
    AssessmentIn,
    CapacityIn,
    CensusIn,
    CompleteIn,
    DeadlineDoneIn,
    DeadlineFilters,
    DecisionIn,
    DispositionIn,
    DispositionStepIn,
    EquipmentFilters,
    EquipmentIn,
    EvaluationIn,
    EvaluationOpenIn,
    EvaluationStepIn,
    FindingIn,
    GoafFilters,
    GoafIn,
    GradeIn,
    InspectionIn,
    NegativeIn,
    PolicyIn,
    ProfileIn,
    ResumeIn,
    SpotCheckIn,
    SupervisorsIn,
    TreatmentIn,
    WarningFilters,
    WarningIn,
    WarningStepIn,
)

ACTIVITY = {
    MineStatus.PRODUCING: Activity.ACTIVE,
    MineStatus.CONSTRUCTION: Activity.ACTIVE,
    MineStatus.SUSPENDED: Activity.SUSPENDED,
    MineStatus.CLOSED: Activity.CLOSED,
}
CLOSED_PONDS = (PondStatus.CLOSED, PondStatus.SEALED)


def activity_of(mine: Mine) -> Activity:
    return ACTIVITY[mine.status]


def mine_class(kind: MineKind) -> MineClass:
    return MineClass(kind.value)


def _record(
    db_session: Session,
    clock: Clock,
    actor: Actor,
    action: str,
    kind: str,
    key: int,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **detail: Any,
) -> None:
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=f"supervision.{action}",
        target_kind=kind,
        target_key=str(key),
        detail={k: str(v) for k, v in detail.items() if v is not None},
        before=before,
        after=after,
    )


def _not_future(on: date, clock: Clock, field: str) -> None:
    if on > local_today(clock):
        raise InvalidInput(field=field, reason=f"{field}：日期不能晚于今天")


# --- mines -----------------------------------------------------------------------------------------------------------


def visible_mine(db_session: Session, actor: Actor, mine_id: int, *, for_update: bool = False) -> Mine:
    query = select(Mine).where(Mine.id == mine_id, policy.mine_scope(actor))
    if for_update:
        query = query.with_for_update()
    mine = db_session.scalars(query).first()
    if mine is None:
        raise NotFound(kind="矿山", key=str(mine_id))
    return mine


def mines(*, db_session: Session, actor: Actor, params: PageParams) -> tuple[list[Mine], int]:
    """The mines in scope, by name then id."""
    query = select(Mine).where(policy.mine_scope(actor))
    return paginate(db_session, query, params, order_by=[Mine.division_code, Mine.name, Mine.id])


def all_mines(*, db_session: Session, actor: Actor) -> list[Mine]:
    """Every mine in scope, for the derived views (shares) that read them whole."""
    return list(db_session.scalars(select(Mine).where(policy.mine_scope(actor)).order_by(Mine.name, Mine.id)))


def profiles(db_session: Session, mine_ids: Iterable[int]) -> dict[int, MineProfile]:
    wanted = set(mine_ids)
    if not wanted:
        return {}
    return {p.mine_id: p for p in db_session.scalars(select(MineProfile).where(MineProfile.mine_id.in_(wanted)))}


def _profile_dict(profile: MineProfile | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {
        "depth_m": profile.depth_m,
        "rock_burst_monitoring": profile.rock_burst_monitoring,
        "state_owned_large": profile.state_owned_large,
        "central_enterprise": profile.central_enterprise,
        "territorial_org_id": profile.territorial_org_id,
    }


def _ensure_profile(db_session: Session, clock: Clock, actor: Actor, mine: Mine) -> MineProfile:
    profile = db_session.get(MineProfile, mine.id)
    if profile is None:
        profile = MineProfile(mine_id=mine.id, updated_by=actor.username, updated_at=clock.now())
        db_session.add(profile)
    return profile


def set_profile(*, db_session: Session, clock: Clock, actor: Actor, mine_id: int, data: ProfileIn) -> Mine:
    """Depth, rock-burst monitoring and ownership class (either party; the bureau sees the change in the audit)."""
    mine = visible_mine(db_session, actor, mine_id, for_update=True)
    policy.require_party(
        actor, division_code=mine.division_code, enterprise_id=mine.enterprise_id, subcode="supervision.profile.party"
    )
    before = _profile_dict(db_session.get(MineProfile, mine.id))
    profile = _ensure_profile(db_session, clock, actor, mine)
    profile.depth_m, profile.rock_burst_monitoring = data.depth_m, data.rock_burst_monitoring
    profile.state_owned_large, profile.central_enterprise = data.state_owned_large, data.central_enterprise
    profile.updated_by, profile.updated_at = actor.username, clock.now()
    db_session.flush()
    _record(db_session, clock, actor, "profile", "mine", mine.id, before=before, after=_profile_dict(profile))
    return mine


def _department(db_session: Session, actor: Actor, org_id: int | None, field: str) -> Organisation | None:
    if org_id is None:
        return None
    org = db_session.get(Organisation, org_id)
    if org is None or org.kind not in (OrganisationKind.DEPARTMENT, OrganisationKind.GOVERNMENT):
        raise InvalidInput(field=field, reason=f"{field}：没有编号为 {org_id} 的政府部门")
    return org


def set_supervisors(*, db_session: Session, clock: Clock, actor: Actor, mine_id: int, data: SupervisorsIn) -> Mine:
    """动态调整每座矿山日常监管主体 (002#L159) and the territorial supervisor of a central-enterprise mine (L154)."""
    mine = visible_mine(db_session, actor, mine_id, for_update=True)
    policy.require_supervisor(
        actor,
        division_code=mine.division_code,
        enterprise_id=mine.enterprise_id,
        subcode="supervision.supervisors.not_supervisor",
    )
    _department(db_session, actor, data.supervising_org_id, "supervising_org_id")
    _department(db_session, actor, data.territorial_org_id, "territorial_org_id")
    profile = _ensure_profile(db_session, clock, actor, mine)
    before = {"supervising_org_id": mine.supervising_org_id, "territorial_org_id": profile.territorial_org_id}
    mine.supervising_org_id = data.supervising_org_id
    profile.territorial_org_id = data.territorial_org_id
    profile.updated_by, profile.updated_at = actor.username, clock.now()
    db_session.flush()
    after = {"supervising_org_id": mine.supervising_org_id, "territorial_org_id": profile.territorial_org_id}
    _record(db_session, clock, actor, "supervisors", "mine", mine.id, before=before, after=after, note=data.note)
    bump_revision(db_session=db_session, clock=clock)
    return mine


# --- 1. census and resumption ----------------------------------------------------------------------------------------


def census_facts(db_session: Session, mine_ids: Iterable[int]) -> dict[int, list[CensusFacts]]:
    """Each mine's censuses with the count of findings not yet treated (two queries per page)."""
    wanted = set(mine_ids)
    found: dict[int, list[CensusFacts]] = defaultdict(list)
    if not wanted:
        return found
    open_counts = dict(
        db_session.execute(
            select(CensusFinding.census_id, func.count())
            .join(Census, Census.id == CensusFinding.census_id)
            .where(Census.mine_id.in_(wanted), CensusFinding.treated_on.is_(None))
            .group_by(CensusFinding.census_id)
        ).all()
    )
    for census in db_session.scalars(select(Census).where(Census.mine_id.in_(wanted)).order_by(Census.year)):
        found[census.mine_id].append(
            CensusFacts(census.year, census.state is CensusState.COMPLETED, open_counts.get(census.id, 0))
        )
    return found


def visible_census(db_session: Session, actor: Actor, census_id: int, *, for_update: bool = False) -> Census:
    query = select(Census).where(
        Census.id == census_id, policy.site_scope(actor, Census.division_code, Census.enterprise_id)
    )
    if for_update:
        query = query.with_for_update()
    census = db_session.scalars(query).first()
    if census is None:
        raise NotFound(kind="普查记录", key=str(census_id))
    return census


def censuses(*, db_session: Session, actor: Actor, mine_id: int) -> list[Census]:
    visible_mine(db_session, actor, mine_id)
    return list(db_session.scalars(select(Census).where(Census.mine_id == mine_id).order_by(Census.year.desc())))


def open_census(*, db_session: Session, clock: Clock, actor: Actor, mine_id: int, data: CensusIn) -> Census:
    mine = visible_mine(db_session, actor, mine_id)
    policy.require_party(
        actor, division_code=mine.division_code, enterprise_id=mine.enterprise_id, subcode="supervision.census.party"
    )
    today = local_today(clock)
    if data.year > today.year:
        raise InvalidInput(field="year", reason="year：不能登记未来年度的普查")
    _not_future(data.started_on, clock, "started_on")
    if data.started_on.year != data.year:
        raise InvalidInput(field="started_on", reason="started_on：开始日期须在普查年度内")
    if data.agency_id is not None:
        agency = db_session.get(Agency, data.agency_id)
        if agency is None:
            raise InvalidInput(field="agency_id", reason=f"agency_id：没有编号为 {data.agency_id} 的第三方机构")
        rules.check_agency_usable(agency.name, agency.negative)
    taken = db_session.scalars(select(Census.id).where(Census.mine_id == mine.id, Census.year == data.year)).first()
    if taken is not None:
        raise Conflict(subcode="supervision.census.exists", reason=f"该矿山 {data.year} 年度普查已登记（编号 {taken}）")
    census = Census(
        mine_id=mine.id,
        enterprise_id=mine.enterprise_id,
        division_code=mine.division_code,
        year=data.year,
        state=CensusState.IN_PROGRESS,
        started_on=data.started_on,
        conducted_by=data.conducted_by,
        agency_id=data.agency_id,
        summary=data.summary,
        created_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(census)
    db_session.flush()
    _record(db_session, clock, actor, "census.open", "census", census.id, mine_id=mine.id, year=data.year)
    return census


def _census_party(actor: Actor, census: Census, subcode: str) -> Party:
    return policy.require_party(
        actor, division_code=census.division_code, enterprise_id=census.enterprise_id, subcode=subcode
    )


def add_finding(*, db_session: Session, clock: Clock, actor: Actor, census_id: int, data: FindingIn) -> Census:
    census = visible_census(db_session, actor, census_id, for_update=True)
    _census_party(actor, census, "supervision.finding.party")
    if census.state is CensusState.COMPLETED:
        raise InvalidState(
            field="census_id", subcode="supervision.finding.completed", reason="普查已完成，不能再添加发现"
        )
    finding = CensusFinding(census_id=census.id, kind=data.kind, description=data.description, created_at=clock.now())
    db_session.add(finding)
    db_session.flush()
    _record(db_session, clock, actor, "census.finding", "census", census.id, finding=finding.id, factor=data.kind.value)
    return census


def treat_finding(
    *, db_session: Session, clock: Clock, actor: Actor, census_id: int, finding_id: int, data: TreatmentIn
) -> Census:
    """Record the engineering treatment (工程化治理) of one finding."""
    census = visible_census(db_session, actor, census_id, for_update=True)
    _census_party(actor, census, "supervision.treat.party")
    finding = db_session.get(CensusFinding, finding_id)
    if finding is None or finding.census_id != census.id:
        raise NotFound(kind="普查发现", key=str(finding_id))
    if finding.treated_on is not None:
        raise InvalidState(field="finding_id", subcode="supervision.treat.done", reason="该项已登记治理完成")
    _not_future(data.treated_on, clock, "treated_on")
    finding.treatment, finding.treated_on = data.treatment, data.treated_on
    _record(db_session, clock, actor, "census.treat", "census", census.id, finding=finding.id, on=data.treated_on)
    return census


def complete_census(*, db_session: Session, clock: Clock, actor: Actor, census_id: int, data: CompleteIn) -> Census:
    census = visible_census(db_session, actor, census_id, for_update=True)
    _census_party(actor, census, "supervision.complete.party")
    if census.state is CensusState.COMPLETED:
        raise InvalidState(field="census_id", subcode="supervision.complete.state", reason="普查已完成")
    _not_future(data.completed_on, clock, "completed_on")
    if data.completed_on < census.started_on:
        raise InvalidInput(field="completed_on", reason="completed_on：完成日期不能早于开始日期")
    census.state, census.completed_on = CensusState.COMPLETED, data.completed_on
    if data.summary:
        census.summary = data.summary
    _record(
        db_session,
        clock,
        actor,
        "census.complete",
        "census",
        census.id,
        before={"state": CensusState.IN_PROGRESS.value},
        after={"state": census.state.value},
        on=data.completed_on,
    )
    return census


def findings(db_session: Session, census_ids: Iterable[int]) -> dict[int, list[CensusFinding]]:
    found: dict[int, list[CensusFinding]] = defaultdict(list)
    wanted = set(census_ids)
    if wanted:
        query = select(CensusFinding).where(CensusFinding.census_id.in_(wanted)).order_by(CensusFinding.id)
        for row in db_session.scalars(query):
            found[row.census_id].append(row)
    return found


@dataclass(frozen=True)
class ResumeCheck:
    mine: Mine
    year: int
    error: InvalidState | None


def resume_check(*, db_session: Session, clock: Clock, actor: Actor, mine_id: int) -> ResumeCheck:
    """Whether the mine may resume now and, if not, the 409 the resumption would answer."""
    mine = visible_mine(db_session, actor, mine_id)
    year = local_today(clock).year
    try:
        rules.check_resumption(activity_of(mine), year, census_facts(db_session, [mine.id]).get(mine.id, []))
    except InvalidState as refused:
        return ResumeCheck(mine, year, refused)
    return ResumeCheck(mine, year, None)


def resume(*, db_session: Session, clock: Clock, actor: Actor, mine_id: int, data: ResumeIn) -> Mine:
    """批准复工: the bureau alone, and only with this year's census completed and its findings treated (002#L183)."""
    mine = visible_mine(db_session, actor, mine_id, for_update=True)
    policy.require_supervisor(
        actor, division_code=mine.division_code, enterprise_id=mine.enterprise_id, subcode="supervision.resume.party"
    )
    year = local_today(clock).year
    rules.check_resumption(activity_of(mine), year, census_facts(db_session, [mine.id]).get(mine.id, []))
    before = mine.status
    mine.status = MineStatus.PRODUCING
    _record(
        db_session,
        clock,
        actor,
        "resume",
        "mine",
        mine.id,
        before={"status": before.value},
        after={"status": mine.status.value},
        census_year=year,
        note=data.note,
    )
    bump_revision(db_session=db_session, clock=clock)
    return mine


# --- 3. goafs and support --------------------------------------------------------------------------------------------


def _goaf_values(goaf: Goaf) -> dict[str, Any]:
    return {
        "kind": goaf.kind.value,
        "name": goaf.name,
        "colour": goaf.colour.value,
        "state": goaf.state.value,
        "measures": list(goaf.measures),
        "is_key": goaf.is_key,
    }


def add_goaf(*, db_session: Session, clock: Clock, actor: Actor, mine_id: int, data: GoafIn) -> Goaf:
    mine = visible_mine(db_session, actor, mine_id)
    policy.require_party(
        actor, division_code=mine.division_code, enterprise_id=mine.enterprise_id, subcode="supervision.goaf.party"
    )
    _not_future(data.assessed_on, clock, "assessed_on")
    goaf = Goaf(
        mine_id=mine.id,
        enterprise_id=mine.enterprise_id,
        division_code=mine.division_code,
        kind=data.kind,
        name=data.name,
        colour=data.colour,
        state=data.state,
        volume_m3=data.volume_m3,
        measures=[m.value for m in data.measures],
        is_key=data.is_key,
        assessed_on=data.assessed_on,
        note=data.note,
        lon=data.lon,
        lat=data.lat,
        updated_by=actor.username,
        updated_at=clock.now(),
    )
    db_session.add(goaf)
    db_session.flush()
    _record(db_session, clock, actor, "goaf.create", "goaf", goaf.id, after=_goaf_values(goaf), mine_id=mine.id)
    return goaf


def visible_goaf(db_session: Session, actor: Actor, goaf_id: int) -> Goaf:
    query = select(Goaf).where(Goaf.id == goaf_id, policy.site_scope(actor, Goaf.division_code, Goaf.enterprise_id))
    goaf = db_session.scalars(query.with_for_update()).first()
    if goaf is None:
        raise NotFound(kind="采空区/支护记录", key=str(goaf_id))
    return goaf


def update_goaf(*, db_session: Session, clock: Clock, actor: Actor, goaf_id: int, data: GoafIn) -> Goaf:
    goaf = visible_goaf(db_session, actor, goaf_id)
    policy.require_party(
        actor, division_code=goaf.division_code, enterprise_id=goaf.enterprise_id, subcode="supervision.goaf.party"
    )
    _not_future(data.assessed_on, clock, "assessed_on")
    before = _goaf_values(goaf)
    goaf.kind, goaf.name, goaf.colour, goaf.state = data.kind, data.name, data.colour, data.state
    goaf.volume_m3, goaf.measures, goaf.is_key = data.volume_m3, [m.value for m in data.measures], data.is_key
    goaf.assessed_on, goaf.note, goaf.lon, goaf.lat = data.assessed_on, data.note, data.lon, data.lat
    goaf.updated_by, goaf.updated_at = actor.username, clock.now()
    _record(db_session, clock, actor, "goaf.update", "goaf", goaf.id, before=before, after=_goaf_values(goaf))
    return goaf


def goafs(*, db_session: Session, actor: Actor, params: PageParams, filters: GoafFilters) -> tuple[list[Goaf], int]:
    """The four-colour list: most severe first, then by mine and id."""
    query = select(Goaf).where(policy.site_scope(actor, Goaf.division_code, Goaf.enterprise_id))
    if filters.colour is not None:
        query = query.where(Goaf.colour == filters.colour)
    if filters.mine_id is not None:
        query = query.where(Goaf.mine_id == filters.mine_id)
    if filters.kind is not None:
        query = query.where(Goaf.kind == filters.kind)
    rank = {c.value: c.rank for c in rules.RiskColour}
    order = case(rank, value=Goaf.colour, else_=9)
    return paginate(db_session, query, params, order_by=[order, Goaf.mine_id, Goaf.id])


def placed_goafs(*, db_session: Session, actor: Actor) -> list[Goaf]:
    """The four-colour list's entries with a location, for the map: most severe first."""
    rank = case({c.value: c.rank for c in rules.RiskColour}, value=Goaf.colour, else_=9)
    query = select(Goaf).where(
        policy.site_scope(actor, Goaf.division_code, Goaf.enterprise_id), Goaf.lon.is_not(None), Goaf.lat.is_not(None)
    )
    return list(db_session.scalars(query.order_by(rank, Goaf.id)))


def worst_colours(db_session: Session, mine_ids: Iterable[int]) -> dict[int, rules.RiskColour]:
    wanted = set(mine_ids)
    found: dict[int, list[rules.RiskColour]] = defaultdict(list)
    if wanted:
        query = select(Goaf.mine_id, Goaf.colour).where(Goaf.mine_id.in_(wanted), Goaf.state != rules.GoafState.TREATED)
        for mine_id, colour in db_session.execute(query):
            found[mine_id].append(colour)
    return {m: c for m, cs in found.items() if (c := rules.worst_colour(cs)) is not None}


# --- 4. deadlines ----------------------------------------------------------------------------------------------------


def mine_facts(mine: Mine, profile: MineProfile | None) -> MineFacts:
    return MineFacts(
        mine=mine_class(mine.kind),
        activity=activity_of(mine),
        state_owned_large=bool(profile and profile.state_owned_large),
        depth_m=profile.depth_m if profile else None,
    )


def generate_deadlines(*, db_session: Session, clock: Clock, actor: Actor) -> int:
    """Create every applicable milestone deadline missing for the mines of the caller's jurisdiction; none is removed
    (a milestone that stops applying stays with its history). Returns how many were created."""
    actor.require(Permission.HAZARDS_SUPERVISE)  # enterprise roles lack it
    found = list(db_session.scalars(select(Mine).where(policy.mine_scope(actor)).order_by(Mine.id)))
    kept = profiles(db_session, (m.id for m in found))
    have = {
        (mine_id, code)
        for mine_id, code in db_session.execute(
            select(MineDeadline.mine_id, MineDeadline.code).where(MineDeadline.mine_id.in_([m.id for m in found]))
        )
    }
    created = 0
    for mine in found:
        for milestone in rules.milestones_for(mine_facts(mine, kept.get(mine.id))):
            if (mine.id, milestone.code) in have:
                continue
            db_session.add(
                MineDeadline(
                    mine_id=mine.id,
                    enterprise_id=mine.enterprise_id,
                    division_code=mine.division_code,
                    code=milestone.code,
                    due=milestone.due,
                    created_at=clock.now(),
                )
            )
            created += 1
    db_session.flush()
    _record(db_session, clock, actor, "deadlines.generate", "division", 0, created=created, scope=actor.division_code)
    return created


def deadlines(
    *, db_session: Session, clock: Clock, actor: Actor, params: PageParams, filters: DeadlineFilters
) -> tuple[list[MineDeadline], int]:
    query = select(MineDeadline).where(policy.site_scope(actor, MineDeadline.division_code, MineDeadline.enterprise_id))
    if filters.overdue:  # rules.is_overdue in SQL
        query = query.where(MineDeadline.done_on.is_(None), MineDeadline.due < local_today(clock))
    if filters.mine_id is not None:
        query = query.where(MineDeadline.mine_id == filters.mine_id)
    if filters.code is not None:
        query = query.where(MineDeadline.code == filters.code)
    return paginate(db_session, query, params, order_by=[MineDeadline.due, MineDeadline.mine_id, MineDeadline.id])


def deadline_done(
    *, db_session: Session, clock: Clock, actor: Actor, deadline_id: int, data: DeadlineDoneIn
) -> MineDeadline:
    query = select(MineDeadline).where(
        MineDeadline.id == deadline_id,
        policy.site_scope(actor, MineDeadline.division_code, MineDeadline.enterprise_id),
    )
    row = db_session.scalars(query.with_for_update()).first()
    if row is None:
        raise NotFound(kind="整改节点", key=str(deadline_id))
    policy.require_party(
        actor, division_code=row.division_code, enterprise_id=row.enterprise_id, subcode="supervision.deadline.party"
    )
    if row.done_on is not None:
        raise InvalidState(field="deadline_id", subcode="supervision.deadline.done", reason="该节点已登记完成")
    _not_future(data.done_on, clock, "done_on")
    row.done_on, row.note = data.done_on, data.note
    _record(db_session, clock, actor, "deadline.done", "mine_deadline", row.id, code=row.code, on=data.done_on)
    return row


def deadline_summary(
    db_session: Session, mine_ids: Iterable[int], today: date
) -> dict[int, tuple[int, MineDeadline | None]]:
    """Per mine: how many deadlines are overdue, and the next open one."""
    wanted = set(mine_ids)
    found: dict[int, tuple[int, MineDeadline | None]] = {}
    if not wanted:
        return found
    query = (
        select(MineDeadline)
        .where(MineDeadline.mine_id.in_(wanted), MineDeadline.done_on.is_(None))
        .order_by(MineDeadline.due, MineDeadline.id)
    )
    for row in db_session.scalars(query):
        overdue, upcoming = found.get(row.mine_id, (0, None))
        if rules.is_overdue(row.due, row.done_on, today):
            overdue += 1
        elif upcoming is None:
            upcoming = row
        found[row.mine_id] = (overdue, upcoming)
    return found


# --- 5. networking ---------------------------------------------------------------------------------------------------


def live_sites(db_session: Session, clock: Clock, mine_ids: set[int], pond_ids: set[int]) -> set[str]:
    """Sites ("mine:7", "pond:3") whose feed is live now: a networking feed heard within its stale window, or an
    active monitoring point whose last reading is within its offline window (OFFLINE_CYCLES polling cycles)."""
    now = clock.now()
    live: set[str] = set()
    if mine_ids:
        for mine_id, last_file_at, cycle_s in db_session.execute(
            select(NetworkingFeed.mine_id, NetworkingFeed.last_file_at, NetworkingFeed.cycle_s).where(
                NetworkingFeed.mine_id.in_(mine_ids)
            )
        ):
            if rules.is_live(last_file_at, now, cycle_s * STALE_CYCLES):
                live.add(f"mine:{mine_id}")
    if not mine_ids and not pond_ids:
        return live
    newest = to_ms(now) // 60_000 - OFFLINE_CYCLES * 3600 // 60 - 1  # the longest polling period is an hour
    points = {
        point_id: (at_mine, at_pond, polling_s)
        for point_id, at_mine, at_pond, polling_s in db_session.execute(
            select(MonitorPoint.id, MonitorPoint.mine_id, MonitorPoint.pond_id, MonitorPoint.polling_s).where(
                MonitorPoint.active.is_(True),
                or_(MonitorPoint.mine_id.in_(mine_ids or {-1}), MonitorPoint.pond_id.in_(pond_ids or {-1})),
            )
        )
    }
    # each point's newest stored reading, then readings of minutes still open (pending rows, monitoring/readings.py)
    stored = readings.latest(db_session, np.fromiter(points, np.int64, len(points)))
    heard_at = dict(zip(stored["point_id"].tolist(), stored["last_ms"].tolist(), strict=True))
    for point_id, last_ms in readings.newest_pending(db_session, set(points), newest).items():
        heard_at[point_id] = max(last_ms, heard_at.get(point_id, last_ms))
    for point_id, last_ms in heard_at.items():
        at_mine, at_pond, polling_s = points[point_id]
        heard = datetime.fromtimestamp(last_ms / 1000, tz=now.tzinfo)
        if rules.is_live(heard, now, OFFLINE_CYCLES * polling_s):
            live.add(f"mine:{at_mine}" if at_mine is not None else f"pond:{at_pond}")
    return live


@dataclass(frozen=True)
class NetworkingCount:
    site_class: rules.SiteClass
    total: int
    networked: int
    not_networked: list[str]


def networking(*, db_session: Session, clock: Clock, actor: Actor, within: str | None = None) -> list[NetworkingCount]:
    """The plan's three kinds of site in scope (closed ones left out) and how many are networked now (002#L193);
    ``within``: only the sites of that division (a target's place), still inside the caller's scope."""
    sites: dict[rules.SiteClass, list[tuple[str, str]]] = {c: [] for c in rules.SiteClass}
    stem = divisions_stem(within) if within else ""
    for mine in db_session.scalars(
        select(Mine)
        .where(policy.mine_scope(actor), Mine.status != MineStatus.CLOSED, Mine.division_code.startswith(stem))
        .order_by(Mine.name, Mine.id)
    ):
        site_class = rules.mine_site_class(mine_class(mine.kind))
        if site_class is not None:
            sites[site_class].append((f"mine:{mine.id}", mine.name))
    for pond in db_session.scalars(
        select(TailingsPond)
        .where(
            policy.pond_scope(actor),
            TailingsPond.status.not_in(CLOSED_PONDS),
            TailingsPond.division_code.startswith(stem),
        )
        .order_by(TailingsPond.name, TailingsPond.id)
    ):
        if rules.pond_counts(pond.pond_grade):
            sites[rules.SiteClass.POND].append((f"pond:{pond.id}", pond.name))
    mine_ids = {int(k[5:]) for c in sites.values() for k, _ in c if k.startswith("mine:")}
    pond_ids = {int(k[5:]) for c in sites.values() for k, _ in c if k.startswith("pond:")}
    live = live_sites(db_session, clock, mine_ids, pond_ids)
    return [
        NetworkingCount(
            site_class=c,
            total=len(rows),
            networked=sum(1 for k, _ in rows if k in live),
            not_networked=[name for k, name in rows if k not in live],
        )
        for c, rows in sites.items()
    ]


def own_rescue_teams(db_session: Session, enterprise_ids: Iterable[int]) -> set[int]:
    """The enterprises that keep a mine rescue team of their own (the registry's team tied to the organisation)."""
    wanted = set(enterprise_ids)
    if not wanted:
        return set()
    query = select(RescueTeam.organisation_id).where(
        RescueTeam.organisation_id.in_(wanted), RescueTeam.kind == TeamKind.MINE_RESCUE
    )
    return {org for org in db_session.scalars(query) if org is not None}


def ponds(*, db_session: Session, actor: Actor, params: PageParams) -> tuple[list[TailingsPond], int]:
    """The tailings ponds in scope (closed and sealed ones too: their disposition is on record), by place and name."""
    query = select(TailingsPond).where(policy.pond_scope(actor))
    return paginate(
        db_session, query, params, order_by=[TailingsPond.division_code, TailingsPond.name, TailingsPond.id]
    )


NETWORKING_TARGET = "煤矿、金属非金属地下矿山、三等及以上尾矿库监测系统联网率"  # the KPI row by its name in the data


def networking_targets(db_session: Session, actor: Actor) -> list[Target]:
    """The networking KPI rows this caller keeps (the ledger's writers of the target's place)."""
    query = select(Target).where(Target.name == NETWORKING_TARGET).order_by(Target.id)
    return [t for t in db_session.scalars(query) if ledger_policy.may_write(actor, t.division_code)]


def networking_to_targets(*, db_session: Session, clock: Clock, actor: Actor) -> list[tuple[Target, float, str]]:
    """Today's share of networked sites, over each target's own place, entered as this year's value of the plan's
    networking KPI (002#L193) with the count as its source — the share feeds the ledger instead of being typed in."""
    found = networking_targets(db_session, actor)
    if not found:
        raise Forbidden(reason="本账号没有可计入的联网率指标", subcode="supervision.networking.targets.none")
    year = local_today(clock).year
    done = []
    for target in found:
        counts = networking(db_session=db_session, clock=clock, actor=actor, within=target.division_code)
        total = sum(c.total for c in counts)
        if total == 0:
            raise InvalidState(reason="辖区内没有应联网的场所", subcode="supervision.networking.targets.empty")
        online = sum(c.networked for c in counts)
        share = round(online / total * 100, 1)
        source = f"矿山监管台账联网统计：{online}/{total} 处监测数据在线"
        ledger.record_value(
            db_session=db_session,
            clock=clock,
            actor=actor,
            target_id=target.id,
            data=ledger.ValueIn(year=year, value=share, source=source),
        )
        done.append((target, share, source))
    return done


# --- 6. the warning feedback loop ------------------------------------------------------------------------------------


def _site(db_session: Session, actor: Actor, data: WarningIn) -> tuple[Mine | None, TailingsPond | None]:
    if data.mine_id is not None:
        return visible_mine(db_session, actor, data.mine_id), None
    pond = db_session.scalars(
        select(TailingsPond).where(TailingsPond.id == data.pond_id, policy.pond_scope(actor))
    ).first()
    if pond is None:
        raise NotFound(kind="尾矿库", key=str(data.pond_id))
    return None, pond


def push_warning(*, db_session: Session, clock: Clock, actor: Actor, data: WarningIn) -> SiteWarning:
    """预警推送: the bureau pushes its assessment to the enterprise, with deadlines for the response and closing."""
    mine, pond = _site(db_session, actor, data)
    site = mine if mine is not None else pond
    assert site is not None
    policy.require_supervisor(
        actor, division_code=site.division_code, enterprise_id=site.enterprise_id, subcode="supervision.warning.party"
    )
    if data.alarm_id is not None:
        alarm = db_session.get(Alarm, data.alarm_id)
        key = f"mine:{mine.id}" if mine is not None else f"pond:{pond.id if pond else 0}"
        if alarm is None or alarm.site_key != key:
            raise InvalidInput(field="alarm_id", reason=f"alarm_id：该场所没有编号为 {data.alarm_id} 的报警")
    now = clock.now()
    row = SiteWarning(
        mine_id=mine.id if mine else None,
        pond_id=pond.id if pond else None,
        enterprise_id=site.enterprise_id,
        division_code=site.division_code,
        title=data.title,
        assessment=data.assessment,
        state=WarningState.PUSHED,
        pushed_by=actor.username,
        pushed_at=now,
        respond_by=now + timedelta(hours=data.respond_within_h),
        close_by=now + timedelta(hours=data.close_within_h),
        alarm_id=data.alarm_id,
    )
    db_session.add(row)
    db_session.flush()
    _record(db_session, clock, actor, "warning.push", "site_warning", row.id, after={"state": row.state.value})
    deadline = to_local(row.respond_by).strftime("%m-%d %H:%M")
    inbox.post(
        db_session,
        now=now,
        user_ids=inbox.enterprise_accounts(db_session, row.enterprise_id),
        kind=NoticeKind.WARNING,
        key=f"site-warning-{row.id}-push",
        title=f"【风险预警】{data.title}"[:200],
        body=f"{data.assessment}\n请于 {deadline} 前响应处置并反馈。",
        url="/console/supervision",
        division_code=row.division_code,
    )
    return row


def visible_warning(db_session: Session, actor: Actor, warning_id: int) -> SiteWarning:
    query = select(SiteWarning).where(
        SiteWarning.id == warning_id, policy.site_scope(actor, SiteWarning.division_code, SiteWarning.enterprise_id)
    )
    row = db_session.scalars(query.with_for_update()).first()
    if row is None:
        raise NotFound(kind="预警", key=str(warning_id))
    return row


def warning_step(
    *, db_session: Session, clock: Clock, actor: Actor, warning_id: int, action: WarningAction, data: WarningStepIn
) -> SiteWarning:
    row = visible_warning(db_session, actor, warning_id)
    found = policy.require_party(
        actor, division_code=row.division_code, enterprise_id=row.enterprise_id, subcode="supervision.warning.party"
    )
    if action is WarningAction.CLOSE and found is not Party.SUPERVISOR:
        policy.require_supervisor(
            actor,
            division_code=row.division_code,
            enterprise_id=row.enterprise_id,
            subcode="supervision.warning_close.not_supervisor",
        )
    before = row.state
    row.state = rules.warning_step(before, action)
    now = clock.now()
    if action is WarningAction.RESPOND:
        row.response, row.responded_by, row.responded_at = data.text, actor.username, now
        inbox.post(
            db_session,
            now=now,
            user_ids=inbox.officers_over(db_session, row.division_code, Permission.HAZARDS_SUPERVISE),
            kind=NoticeKind.WARNING,
            key=f"site-warning-{row.id}-respond",
            title=f"【预警已响应】{row.title}"[:200],
            body=data.text,
            url="/console/supervision",
            division_code=row.division_code,
        )
    else:
        row.feedback, row.closed_by, row.closed_at = data.text, actor.username, now
    _record(
        db_session,
        clock,
        actor,
        f"warning.{action.value}",
        "site_warning",
        row.id,
        before={"state": before.value},
        after={"state": row.state.value},
        late=rules.warning_overdue(before, row.respond_by, row.close_by, now),
    )
    return row


def warnings(
    *, db_session: Session, clock: Clock, actor: Actor, params: PageParams, filters: WarningFilters
) -> tuple[list[SiteWarning], int]:
    query = select(SiteWarning).where(policy.site_scope(actor, SiteWarning.division_code, SiteWarning.enterprise_id))
    if filters.state is not None:
        query = query.where(SiteWarning.state == filters.state)
    if filters.mine_id is not None:
        query = query.where(SiteWarning.mine_id == filters.mine_id)
    if filters.pond_id is not None:
        query = query.where(SiteWarning.pond_id == filters.pond_id)
    now = clock.now()
    late = or_(  # rules.warning_overdue in SQL
        and_(SiteWarning.state == WarningState.PUSHED, SiteWarning.respond_by < now),
        and_(SiteWarning.state == WarningState.RESPONDED, SiteWarning.close_by < now),
    )
    if filters.overdue:
        query = query.where(late)
    order: list[Any] = [SiteWarning.id.desc()]
    if filters.urgent:  # overdue first, then those still open, then the closed ones
        order = [case((late, 0), (SiteWarning.state != WarningState.CLOSED, 1), else_=2), *order]
    return paginate(db_session, query, params, order_by=order)


# --- tailings-pond dispositions --------------------------------------------------------------------------------------


def visible_pond(db_session: Session, actor: Actor, pond_id: int) -> TailingsPond:
    pond = db_session.scalars(
        select(TailingsPond).where(TailingsPond.id == pond_id, policy.pond_scope(actor)).with_for_update()
    ).first()
    if pond is None:
        raise NotFound(kind="尾矿库", key=str(pond_id))
    return pond


def _history(row: PondDispositionRecord, clock: Clock, actor: Actor, what: str, note: str | None) -> None:
    entry = {"at": clock.now().isoformat(), "by": actor.username, "what": what, "note": note or ""}
    row.history = [*row.history, entry]


def classify_pond(
    *, db_session: Session, clock: Clock, actor: Actor, pond_id: int, data: DispositionIn
) -> PondDispositionRecord:
    """分类: the bureau puts a pond on one of the three tracks (002#L293); re-classifying an accepted one is refused."""
    pond = visible_pond(db_session, actor, pond_id)
    policy.require_supervisor(
        actor,
        division_code=pond.division_code,
        enterprise_id=pond.enterprise_id,
        subcode="supervision.disposition.not_supervisor",
    )
    row = db_session.scalars(select(PondDispositionRecord).where(PondDispositionRecord.pond_id == pond.id)).first()
    if row is not None and row.state is DispositionState.ACCEPTED:
        raise InvalidState(
            field="pond_id",
            subcode="supervision.disposition.accepted",
            reason="该尾矿库分类治理已验收",
            basis=[rules.POND_BASIS],
        )
    before = None if row is None else {"category": row.category.value, "state": row.state.value}
    if row is None:
        row = PondDispositionRecord(
            pond_id=pond.id,
            enterprise_id=pond.enterprise_id,
            division_code=pond.division_code,
            history=[],
        )
        db_session.add(row)
    row.category, row.state, row.due, row.note = data.category, DispositionState.ASSIGNED, data.due, data.note
    row.decided_by, row.updated_at = actor.username, clock.now()
    _history(row, clock, actor, f"分类：{data.category.label}", data.note)
    db_session.flush()
    after = {"category": row.category.value, "state": row.state.value}
    _record(db_session, clock, actor, "disposition.classify", "tailings_pond", pond.id, before=before, after=after)
    return row


def disposition_step(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    pond_id: int,
    action: DispositionAction,
    data: DispositionStepIn,
) -> PondDispositionRecord:
    pond = visible_pond(db_session, actor, pond_id)
    row = db_session.scalars(select(PondDispositionRecord).where(PondDispositionRecord.pond_id == pond.id)).first()
    if row is None:
        raise NotFound(kind="尾矿库分类治理", key=str(pond_id))
    found = policy.require_party(
        actor, division_code=row.division_code, enterprise_id=row.enterprise_id, subcode="supervision.disposition.party"
    )
    if action is not DispositionAction.SUBMIT and found is not Party.SUPERVISOR:
        policy.require_supervisor(
            actor,
            division_code=row.division_code,
            enterprise_id=row.enterprise_id,
            subcode="supervision.disposition.not_supervisor",
        )
    if action is DispositionAction.REJECT and not data.note:
        raise InvalidInput(field="note", reason="note：退回须写明理由")
    before = row.state
    row.state = rules.disposition_step(before, action)
    row.updated_at = clock.now()
    _history(row, clock, actor, action.label, data.note)
    if row.state is DispositionState.ACCEPTED:
        row.accepted_on = local_today(clock)
        if row.category is rules.PondDisposition.CLOSE_AND_CANCEL:  # 闭库销号: the registry's pond is sealed
            pond.status = PondStatus.SEALED
            bump_revision(db_session=db_session, clock=clock)
    _record(
        db_session,
        clock,
        actor,
        f"disposition.{action.value}",
        "tailings_pond",
        pond.id,
        before={"state": before.value},
        after={"state": row.state.value},
        note=data.note,
    )
    return row


def accepted_dispositions(db_session: Session, pond_ids: Iterable[int]) -> set[int]:
    """The ponds whose disposition was accepted: they are not classified again."""
    wanted = set(pond_ids)
    if not wanted:
        return set()
    query = select(PondDispositionRecord.pond_id).where(
        PondDispositionRecord.pond_id.in_(wanted), PondDispositionRecord.state == DispositionState.ACCEPTED
    )
    return set(db_session.scalars(query))


def dispositions(*, db_session: Session, actor: Actor, params: PageParams) -> tuple[list[PondDispositionRecord], int]:
    query = select(PondDispositionRecord).where(
        policy.site_scope(actor, PondDispositionRecord.division_code, PondDispositionRecord.enterprise_id)
    )
    return paginate(db_session, query, params, order_by=[PondDispositionRecord.due, PondDispositionRecord.id])


# --- the 12-hour reach -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    site: str
    name: str
    division_code: str
    team: tuple[str, int] | None
    depot: tuple[str, int] | None


def _closest(index: nearest.ResourceIndex, lon: float, lat: float, mask: Any) -> tuple[str, int] | None:
    rows = mask.nonzero()[0]
    if not len(rows):
        return None
    distance = index.distances_km(lon, lat)[rows]
    best = int(rows[int(distance.argmin())])
    km = float(distance.min())
    return index.names[best], round(km * nearest.ROAD_FACTOR / nearest.AVERAGE_SPEED_KMH * 60)


def reach(*, db_session: Session, actor: Actor, index: nearest.ResourceIndex) -> tuple[list[Reach], list[str]]:
    """For every placed mine and pond in scope, the nearest mine-rescue team and depot by the registry's travel-time
    estimate (great circle × road factor at the average speed); resources count wherever they are (a team over
    the banner line still arrives)."""
    teams = index.kind_masks[ResourceKind.RESCUE_TEAM] & (index.subtype == TeamKind.MINE_RESCUE.value)
    depots = index.kind_masks[ResourceKind.DEPOT]
    found: list[Reach] = []
    unplaced: list[str] = []
    sites: list[tuple[str, str, str, float | None, float | None]] = [
        (f"mine:{m.id}", m.name, m.division_code, m.lon, m.lat)
        for m in db_session.scalars(
            select(Mine).where(policy.mine_scope(actor), Mine.status != MineStatus.CLOSED).order_by(Mine.id)
        )
    ]
    sites += [
        (f"pond:{p.id}", p.name, p.division_code, p.lon, p.lat)
        for p in db_session.scalars(
            select(TailingsPond)
            .where(policy.pond_scope(actor), TailingsPond.status.not_in(CLOSED_PONDS))
            .order_by(TailingsPond.id)
        )
    ]
    for key, name, division, lon, lat in sites:
        if lon is None or lat is None:
            unplaced.append(name)
            continue
        found.append(Reach(key, name, division, _closest(index, lon, lat, teams), _closest(index, lon, lat, depots)))
    return found, unplaced


# --- the capacity-increase gate (002#L163) ---------------------------------------------------------------------------

COAL_KINDS = policy.COAL_KINDS


def apply_capacity(
    *, db_session: Session, clock: Clock, actor: Actor, mine_id: int, data: CapacityIn
) -> CapacityRequest:
    mine = visible_mine(db_session, actor, mine_id, for_update=True)
    policy.require_party(
        actor, division_code=mine.division_code, enterprise_id=mine.enterprise_id, subcode="supervision.capacity.party"
    )
    if mine.kind not in COAL_KINDS:
        raise InvalidInput(
            field="mine_id", reason="mine_id：产能核增前置评估适用于煤矿", subcode="supervision.capacity.not_coal"
        )
    if mine.status is MineStatus.CLOSED:
        raise InvalidState(field="mine_id", subcode="supervision.capacity.closed", reason="已关闭矿山不能申请产能核增")
    if mine.annual_capacity_t is not None and data.requested_t <= mine.annual_capacity_t:
        raise InvalidInput(
            field="requested_t", reason=f"requested_t：须大于现核定生产能力 {mine.annual_capacity_t} 吨/年"
        )
    pending = db_session.scalars(
        select(CapacityRequest.id).where(
            CapacityRequest.mine_id == mine.id, CapacityRequest.state == rules.CapacityState.APPLIED
        )
    ).first()
    if pending is not None:
        raise Conflict(subcode="supervision.capacity.pending", reason=f"该矿已有待评估的核增申请（编号 {pending}）")
    row = CapacityRequest(
        mine_id=mine.id,
        enterprise_id=mine.enterprise_id,
        division_code=mine.division_code,
        current_t=mine.annual_capacity_t,
        requested_t=data.requested_t,
        state=rules.CapacityState.APPLIED,
        conditions={},
        reason=data.reason,
        applied_by=actor.username,
        applied_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    _record(db_session, clock, actor, "capacity.apply", "capacity_request", row.id, mine_id=mine.id, t=data.requested_t)
    return row


def visible_capacity(db_session: Session, actor: Actor, request_id: int) -> CapacityRequest:
    query = select(CapacityRequest).where(
        CapacityRequest.id == request_id,
        policy.site_scope(actor, CapacityRequest.division_code, CapacityRequest.enterprise_id),
    )
    row = db_session.scalars(query.with_for_update()).first()
    if row is None:
        raise NotFound(kind="产能核增申请", key=str(request_id))
    return row


def _capacity_supervisor(actor: Actor, row: CapacityRequest) -> None:
    policy.require_supervisor(
        actor,
        division_code=row.division_code,
        enterprise_id=row.enterprise_id,
        subcode="supervision.capacity.not_supervisor",
    )
    if row.state is not rules.CapacityState.APPLIED:
        raise InvalidState(
            field="state",
            subcode="supervision.capacity.decided",
            reason=f"申请已{row.state.label}",
            basis=rules.CAPACITY_BASIS,
        )


def assess_capacity(
    *, db_session: Session, clock: Clock, actor: Actor, request_id: int, data: AssessmentIn
) -> CapacityRequest:
    """前置评估: the bureau records each rigid condition as met or not, with its reason."""
    row = visible_capacity(db_session, actor, request_id)
    _capacity_supervisor(actor, row)
    before = dict(row.conditions)
    row.conditions = before | {c.condition.value: {"met": c.met, "note": c.note} for c in data.conditions}
    _record(
        db_session, clock, actor, "capacity.assess", "capacity_request", row.id, before=before, after=row.conditions
    )
    return row


def decide_capacity(
    *, db_session: Session, clock: Clock, actor: Actor, request_id: int, approve: bool, data: DecisionIn
) -> CapacityRequest:
    row = visible_capacity(db_session, actor, request_id)
    _capacity_supervisor(actor, row)
    if approve:
        rules.check_capacity({rules.CapacityCondition(k): bool(v["met"]) for k, v in row.conditions.items()})
        mine = db_session.get(Mine, row.mine_id, with_for_update=True)
        assert mine is not None
        mine.annual_capacity_t = row.requested_t
        bump_revision(db_session=db_session, clock=clock)
    elif not data.note:
        raise InvalidInput(field="note", reason="note：不予核增须写明理由")
    row.state = rules.CapacityState.APPROVED if approve else rules.CapacityState.REFUSED
    row.decided_by, row.decided_at, row.decision_note = actor.username, clock.now(), data.note
    _record(
        db_session,
        clock,
        actor,
        f"capacity.{'approve' if approve else 'refuse'}",
        "capacity_request",
        row.id,
        before={"state": rules.CapacityState.APPLIED.value},
        after={"state": row.state.value},
        t=row.requested_t,
    )
    return row


def capacity_requests(
    *, db_session: Session, actor: Actor, params: PageParams, mine_id: int | None = None, pending: bool = False
) -> tuple[list[CapacityRequest], int]:
    query = select(CapacityRequest).where(
        policy.site_scope(actor, CapacityRequest.division_code, CapacityRequest.enterprise_id)
    )
    if mine_id is not None:
        query = query.where(CapacityRequest.mine_id == mine_id)
    if pending:
        query = query.where(CapacityRequest.state == rules.CapacityState.APPLIED)
    return paginate(db_session, query, params, order_by=[CapacityRequest.id.desc()])


def pending_capacity(db_session: Session, mine_ids: Iterable[int]) -> set[int]:
    """The mines with a capacity-increase request awaiting its assessment (a second one is refused)."""
    wanted = set(mine_ids)
    if not wanted:
        return set()
    query = select(CapacityRequest.mine_id).where(
        CapacityRequest.mine_id.in_(wanted), CapacityRequest.state == rules.CapacityState.APPLIED
    )
    return set(db_session.scalars(query))


# --- standardisation (002#L205) --------------------------------------------------------------------------------------


def _standardisation_supervisor(actor: Actor, mine: Mine) -> None:
    policy.require_supervisor(
        actor,
        division_code=mine.division_code,
        enterprise_id=mine.enterprise_id,
        subcode="supervision.standardisation.not_supervisor",
    )


def record_grade(*, db_session: Session, clock: Clock, actor: Actor, mine_id: int, data: GradeIn) -> Mine:
    """A grade awarded or withdrawn: kept as history and written to the registry's current grade."""
    mine = visible_mine(db_session, actor, mine_id, for_update=True)
    _standardisation_supervisor(actor, mine)
    _not_future(data.on, clock, "on")
    before = mine.standardisation_grade
    mine.standardisation_grade = data.grade
    db_session.add(_standardisation_event(clock, actor, mine, "grade", data.grade, data.on, None, data.note))
    _record(
        db_session,
        clock,
        actor,
        "standardisation.grade",
        "mine",
        mine.id,
        before={"grade": before.value},
        after={"grade": data.grade.value},
        on=data.on,
    )
    bump_revision(db_session=db_session, clock=clock)
    return mine


def _standardisation_event(
    clock: Clock,
    actor: Actor,
    mine: Mine,
    kind: str,
    grade: StandardisationGrade,
    on: date,
    passed: bool | None,
    note: str | None,
) -> StandardisationEvent:
    return StandardisationEvent(
        mine_id=mine.id,
        enterprise_id=mine.enterprise_id,
        division_code=mine.division_code,
        kind=kind,
        grade=grade,
        on=on,
        passed=passed,
        note=note,
        recorded_by=actor.username,
        recorded_at=clock.now(),
    )


def record_spot_check(*, db_session: Session, clock: Clock, actor: Actor, mine_id: int, data: SpotCheckIn) -> Mine:
    """达标后每半年开展1次抽查 (002#L205): a check on a graded mine; one that slid needs its finding written."""
    mine = visible_mine(db_session, actor, mine_id)
    _standardisation_supervisor(actor, mine)
    if mine.standardisation_grade is StandardisationGrade.NONE:
        raise InvalidState(
            field="mine_id",
            subcode="supervision.spot_check.ungraded",
            reason="未达标矿山无须抽查",
            basis=[rules.STANDARDISATION_BASIS],
        )
    _not_future(data.on, clock, "on")
    if not data.passed and not data.note:
        raise InvalidInput(field="note", reason="note：抽查发现滑坡须写明情况")
    grade = mine.standardisation_grade
    db_session.add(_standardisation_event(clock, actor, mine, "spot_check", grade, data.on, data.passed, data.note))
    _record(db_session, clock, actor, "standardisation.spot_check", "mine", mine.id, on=data.on, passed=data.passed)
    return mine


def standardisation_events(db_session: Session, mine_ids: Iterable[int]) -> dict[int, list[StandardisationEvent]]:
    found: dict[int, list[StandardisationEvent]] = defaultdict(list)
    wanted = set(mine_ids)
    if wanted:
        query = (
            select(StandardisationEvent)
            .where(StandardisationEvent.mine_id.in_(wanted))
            .order_by(StandardisationEvent.on, StandardisationEvent.id)
        )
        for row in db_session.scalars(query):
            found[row.mine_id].append(row)
    return found


def spot_check_status(mine: Mine, events: list[StandardisationEvent]) -> tuple[date | None, date | None, date | None]:
    """(graded on, last spot check, next check due) from a mine's history; nothing due for an ungraded mine."""
    if mine.standardisation_grade is StandardisationGrade.NONE:
        return None, None, None
    grades = [e.on for e in events if e.kind == "grade"]
    checks = [e.on for e in events if e.kind == "spot_check"]
    graded_on = grades[-1] if grades else None
    last = checks[-1] if checks else None
    return graded_on, last, rules.spot_check_due(graded_on, last)


# --- liability insurance (002#L258, L357) ----------------------------------------------------------------------------


def add_policy(*, db_session: Session, clock: Clock, actor: Actor, data: PolicyIn) -> InsurancePolicy:
    enterprise_id = actor.organisation_id or data.enterprise_id
    if enterprise_id is None:
        raise InvalidInput(field="enterprise_id", reason="enterprise_id：监管部门代录须指明企业")
    enterprise = db_session.get(Organisation, enterprise_id)
    if enterprise is None or enterprise.kind is not OrganisationKind.ENTERPRISE:
        raise InvalidInput(field="enterprise_id", reason=f"enterprise_id：没有编号为 {enterprise_id} 的企业")
    if not actor.covers_record(division_code=enterprise.division_code, organisation_id=enterprise.id):
        raise NotFound(kind="企业", key=str(enterprise_id))
    policy.require_party(
        actor, division_code=enterprise.division_code, enterprise_id=enterprise.id, subcode="supervision.policy.party"
    )
    taken = db_session.scalars(
        select(InsurancePolicy.id).where(
            InsurancePolicy.insurer == data.insurer, InsurancePolicy.policy_no == data.policy_no
        )
    ).first()
    if taken is not None:
        raise Conflict(subcode="supervision.policy.exists", reason=f"保单 {data.policy_no} 已登记")
    row = InsurancePolicy(
        enterprise_id=enterprise.id,
        division_code=enterprise.division_code,
        insurer=data.insurer,
        policy_no=data.policy_no,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        recorded_by=actor.username,
        recorded_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    _record(db_session, clock, actor, "policy.create", "liability_policy", row.id, enterprise_id=enterprise.id)
    return row


def add_inspection(
    *, db_session: Session, clock: Clock, actor: Actor, policy_id: int, data: InspectionIn
) -> InsurancePolicy:
    row = db_session.scalars(
        select(InsurancePolicy).where(
            InsurancePolicy.id == policy_id,
            policy.site_scope(actor, InsurancePolicy.division_code, InsurancePolicy.enterprise_id),
        )
    ).first()
    if row is None:
        raise NotFound(kind="保单", key=str(policy_id))
    policy.require_party(
        actor, division_code=row.division_code, enterprise_id=row.enterprise_id, subcode="supervision.policy.party"
    )
    _not_future(data.on, clock, "on")
    if not row.starts_on <= data.on <= row.ends_on:
        raise InvalidInput(field="on", reason="on：排查日期须在保险期间内")
    db_session.add(
        InsurerInspection(
            policy_id=row.id, on=data.on, findings=data.findings, recorded_by=actor.username, recorded_at=clock.now()
        )
    )
    _record(db_session, clock, actor, "policy.inspection", "liability_policy", row.id, on=data.on)
    return row


@dataclass(frozen=True)
class Coverage:
    year: int
    enterprises: dict[int, str]  # mine enterprises in scope
    covered: set[int]
    policies: list[InsurancePolicy]
    inspections: dict[int, int]  # policy → inspections this year


def coverage(*, db_session: Session, clock: Clock, actor: Actor) -> Coverage:
    today = local_today(clock)
    enterprises = {
        i: name
        for i, name in db_session.execute(
            select(Organisation.id, Organisation.name)
            .join(Mine, Mine.enterprise_id == Organisation.id)
            .where(policy.mine_scope(actor), Mine.status != MineStatus.CLOSED)
            .distinct()
        )
    }
    policies = list(
        db_session.scalars(
            select(InsurancePolicy)
            .where(policy.site_scope(actor, InsurancePolicy.division_code, InsurancePolicy.enterprise_id))
            .order_by(InsurancePolicy.enterprise_id, InsurancePolicy.id)
        )
    )
    counts = dict(
        db_session.execute(
            select(InsurerInspection.policy_id, func.count())
            .where(
                InsurerInspection.policy_id.in_([p.id for p in policies] or [-1]),
                InsurerInspection.on >= date(today.year, 1, 1),
                InsurerInspection.on <= date(today.year, 12, 31),
            )
            .group_by(InsurerInspection.policy_id)
        ).all()
    )
    covered = {p.enterprise_id for p in policies if rules.in_force(p.starts_on, p.ends_on, today)} & set(enterprises)
    return Coverage(today.year, enterprises, covered, policies, counts)


# --- third-party agencies (002#L262) ---------------------------------------------------------------------------------


def _agency_officer(actor: Actor, division_code: str) -> None:
    actor.require(Permission.HAZARDS_SUPERVISE)
    if not policy.agency_officer(actor, division_code):
        raise Forbidden(
            subcode="supervision.agency.not_supervisor", reason="第三方机构的登记、评价和负面清单由监管部门办理"
        )


def agency_scope(actor: Actor) -> Any:
    actor.require(Permission.REGISTRY_READ)
    return actor.resource_filter(Agency.division_code)


def visible_agency(db_session: Session, actor: Actor, agency_id: int) -> Agency:
    row = db_session.scalars(
        select(Agency).where(Agency.id == agency_id, agency_scope(actor)).with_for_update()
    ).first()
    if row is None:
        raise NotFound(kind="第三方技术服务机构", key=str(agency_id))
    return row


def _known_division(db_session: Session, code: str) -> None:
    if db_session.get(Division, code) is None:
        raise InvalidInput(field="division_code", reason=f"division_code：没有代码为 {code} 的行政区划")


def add_agency(*, db_session: Session, clock: Clock, actor: Actor, data: AgencyIn) -> Agency:
    _agency_officer(actor, data.division_code)
    _known_division(db_session, data.division_code)
    if db_session.scalars(select(Agency.id).where(Agency.name == data.name)).first() is not None:
        raise Conflict(subcode="supervision.agency.exists", reason=f"「{data.name}」已登记")
    row = Agency(
        name=data.name,
        division_code=data.division_code,
        services=data.services,
        created_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    _record(db_session, clock, actor, "agency.create", "service_agency", row.id, name=data.name)
    return row


def evaluate_agency(*, db_session: Session, clock: Clock, actor: Actor, agency_id: int, data: EvaluationIn) -> Agency:
    row = visible_agency(db_session, actor, agency_id)
    _agency_officer(actor, row.division_code)
    taken = db_session.scalars(
        select(AgencyEvaluation).where(AgencyEvaluation.agency_id == row.id, AgencyEvaluation.year == data.year)
    ).first()
    if taken is not None:
        raise Conflict(subcode="supervision.agency.evaluated", reason=f"「{row.name}」{data.year} 年度已评价")
    db_session.add(
        AgencyEvaluation(
            agency_id=row.id,
            year=data.year,
            score=data.score,
            note=data.note,
            evaluated_by=actor.username,
            evaluated_at=clock.now(),
        )
    )
    _record(db_session, clock, actor, "agency.evaluate", "service_agency", row.id, year=data.year, score=data.score)
    return row


def set_negative(*, db_session: Session, clock: Clock, actor: Actor, agency_id: int, data: NegativeIn) -> Agency:
    """列入（或移出）负面清单, with the reason: a listed agency's work is refused (行业禁入)."""
    row = visible_agency(db_session, actor, agency_id)
    _agency_officer(actor, row.division_code)
    if row.negative == data.negative:
        raise InvalidState(
            field="negative",
            subcode="supervision.agency.unchanged",
            reason="已在负面清单内" if row.negative else "不在负面清单内",
        )
    row.negative, row.negative_reason = data.negative, data.reason
    row.listed_on = local_today(clock) if data.negative else None
    _record(
        db_session,
        clock,
        actor,
        "agency.negative" if data.negative else "agency.restore",
        "service_agency",
        row.id,
        before={"negative": not data.negative},
        after={"negative": data.negative},
        reason=data.reason,
    )
    return row


def agencies(
    *, db_session: Session, actor: Actor, params: PageParams, negative: bool | None
) -> tuple[list[Agency], int]:
    query = select(Agency).where(agency_scope(actor))
    if negative is not None:
        query = query.where(Agency.negative.is_(negative))
    return paginate(db_session, query, params, order_by=[Agency.name, Agency.id])


def agency_scores(db_session: Session, agency_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    found: dict[int, dict[int, int]] = defaultdict(dict)
    wanted = set(agency_ids)
    if wanted:
        query = select(AgencyEvaluation.agency_id, AgencyEvaluation.year, AgencyEvaluation.score).where(
            AgencyEvaluation.agency_id.in_(wanted)
        )
        for agency_id, year, score in db_session.execute(query.order_by(AgencyEvaluation.year)):
            found[agency_id][year] = score
    return found


# --- equipment files (002#L207, L323) --------------------------------------------------------------------------------


def _equipment_values(row: Equipment) -> dict[str, Any]:
    return {
        "category": row.category.value,
        "name": row.name,
        "condition": row.condition.value,
        "in_service": row.in_service,
    }


def save_equipment(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    data: EquipmentIn,
    mine_id: int | None = None,
    equipment_id: int | None = None,
) -> Equipment:
    """Create (under a mine) or update one machine's file."""
    if equipment_id is not None:
        row = db_session.scalars(
            select(Equipment)
            .where(
                Equipment.id == equipment_id, policy.site_scope(actor, Equipment.division_code, Equipment.enterprise_id)
            )
            .with_for_update()
        ).first()
        if row is None:
            raise NotFound(kind="设备档案", key=str(equipment_id))
        division, enterprise = row.division_code, row.enterprise_id
        before: dict[str, Any] | None = _equipment_values(row)
    else:
        assert mine_id is not None
        mine = visible_mine(db_session, actor, mine_id)
        division, enterprise, before = mine.division_code, mine.enterprise_id, None
        row = Equipment(mine_id=mine.id, enterprise_id=enterprise, division_code=division)
    policy.require_party(actor, division_code=division, enterprise_id=enterprise, subcode="supervision.equipment.party")
    for day, field in ((data.installed_on, "installed_on"), (data.last_inspected_on, "last_inspected_on")):
        if day is not None:
            _not_future(day, clock, field)
    row.category, row.name, row.model, row.serial_no = data.category, data.name, data.model, data.serial_no
    row.installed_on, row.last_inspected_on = data.installed_on, data.last_inspected_on
    row.condition, row.in_service, row.note = data.condition, data.in_service, data.note
    row.updated_by, row.updated_at = actor.username, clock.now()
    if before is None:
        db_session.add(row)
    db_session.flush()
    action = "equipment.create" if before is None else "equipment.update"
    _record(db_session, clock, actor, action, "mine_equipment", row.id, before=before, after=_equipment_values(row))
    return row


def equipment(
    *, db_session: Session, actor: Actor, params: PageParams, filters: EquipmentFilters
) -> tuple[list[Equipment], int]:
    query = select(Equipment).where(policy.site_scope(actor, Equipment.division_code, Equipment.enterprise_id))
    if filters.mine_id is not None:
        query = query.where(Equipment.mine_id == filters.mine_id)
    if filters.faulty_running:  # rules.runs_faulty in SQL
        query = query.where(Equipment.condition == rules.EquipmentCondition.FAULTY, Equipment.in_service.is_(True))
    return paginate(db_session, query, params, order_by=[Equipment.mine_id, Equipment.category, Equipment.id])


def faulty_running(db_session: Session, mine_ids: Iterable[int]) -> dict[int, int]:
    wanted = set(mine_ids)
    if not wanted:
        return {}
    query = (
        select(Equipment.mine_id, func.count())
        .where(
            Equipment.mine_id.in_(wanted),
            Equipment.condition == rules.EquipmentCondition.FAULTY,
            Equipment.in_service.is_(True),
        )
        .group_by(Equipment.mine_id)
    )
    return {m: n for m, n in db_session.execute(query)}


# --- the plan's evaluations (002#L367) -------------------------------------------------------------------------------


def _evaluated_body(actor: Actor, division_code: str) -> bool:
    """The evaluated county's (or the city's) own officers hold the self-assessment."""
    return actor.organisation_id is None and (actor.is_unlimited or actor.division_code == division_code)


def _level_above(actor: Actor, division_code: str) -> bool:
    """The level above concludes: an officer whose jurisdiction holds the division without being it."""
    if actor.organisation_id is not None:
        return False
    return actor.is_unlimited or (actor.division_code != division_code and actor.covers_division(division_code))


def evaluation_actions(actor: Actor, row: PlanEvaluation) -> list[rules.EvaluationAction]:
    if not actor.has(Permission.LEDGER_WRITE):
        return []
    steps = rules.EVALUATION_STEPS[row.state]
    return [
        a
        for a in steps
        if (a is rules.EvaluationAction.SUBMIT and _evaluated_body(actor, row.division_code))
        or (a is not rules.EvaluationAction.SUBMIT and _level_above(actor, row.division_code))
    ]


def evidence(db_session: Session, clock: Clock, actor: Actor, division_code: str) -> dict[str, Any]:
    """The registers' figures for one division now, as the evaluation records them (read in that division's scope)."""
    scoped = replace(actor, division_code=division_code, organisation_id=None)
    today = local_today(clock)
    mines_in = all_mines(db_session=db_session, actor=scoped)
    active = [m for m in mines_in if activity_of(m) is Activity.ACTIVE]
    facts = census_facts(db_session, (m.id for m in active))
    done = [m for m in active if not rules.census_due(Activity.ACTIVE, today.year, facts.get(m.id, []))]
    overdue = sum(n for n, _ in deadline_summary(db_session, (m.id for m in mines_in), today).values())
    cover = coverage(db_session=db_session, clock=clock, actor=scoped)
    coal = [m for m in mines_in if m.kind in COAL_KINDS and m.status is not MineStatus.CLOSED]
    level_1 = [m for m in coal if m.standardisation_grade is StandardisationGrade.LEVEL_1]
    return {
        "as_of": clock.now().isoformat(),
        "networking_share": {
            c.site_class.value: rules.share(c.networked, c.total)
            for c in networking(db_session=db_session, clock=clock, actor=scoped)
        },
        "census_completed": f"{len(done)}/{len(active)}",
        "deadlines_overdue": overdue,
        "insurance_share": rules.share(len(cover.covered), len(cover.enterprises)),
        "coal_level_1_share": rules.share(len(level_1), len(coal)),
    }


def open_evaluation(*, db_session: Session, clock: Clock, actor: Actor, data: EvaluationOpenIn) -> PlanEvaluation:
    actor.require(Permission.LEDGER_WRITE)
    if len(data.division_code) != 6 or not data.division_code.startswith(rules.PLAN_DIVISION[:4]):
        raise InvalidInput(field="division_code", reason="division_code：本规划的评估对象为呼伦贝尔市及所辖旗市区")
    _known_division(db_session, data.division_code)
    if not _evaluated_body(actor, data.division_code):
        raise Forbidden(subcode="supervision.evaluation.not_body", reason="自评由被评估的旗市区（或市）开展")
    rules.check_evaluation_year(data.kind, local_today(clock).year)
    taken = db_session.scalars(
        select(PlanEvaluation.id).where(
            PlanEvaluation.kind == data.kind, PlanEvaluation.division_code == data.division_code
        )
    ).first()
    if taken is not None:
        raise Conflict(subcode="supervision.evaluation.exists", reason=f"{data.kind.label}已开展（编号 {taken}）")
    row = PlanEvaluation(
        kind=data.kind,
        division_code=data.division_code,
        state=rules.EvaluationState.DRAFTING,
        evidence=evidence(db_session, clock, actor, data.division_code),
        opened_by=actor.username,
        opened_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    _record(db_session, clock, actor, "evaluation.open", "plan_evaluation", row.id, evaluation=data.kind.value)
    return row


def visible_evaluation(db_session: Session, actor: Actor, evaluation_id: int) -> PlanEvaluation:
    actor.require(Permission.REGISTRY_READ)
    row = db_session.scalars(
        select(PlanEvaluation)
        .where(PlanEvaluation.id == evaluation_id, actor.division_filter(PlanEvaluation.division_code))
        .with_for_update()
    ).first()
    if row is None:
        raise NotFound(kind="规划评估", key=str(evaluation_id))
    return row


def evaluation_step(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    evaluation_id: int,
    action: rules.EvaluationAction,
    data: EvaluationStepIn,
) -> PlanEvaluation:
    row = visible_evaluation(db_session, actor, evaluation_id)
    actor.require(Permission.LEDGER_WRITE)
    if action is rules.EvaluationAction.SUBMIT and not _evaluated_body(actor, row.division_code):
        raise Forbidden(subcode="supervision.evaluation.not_body", reason="自评报告由被评估的旗市区（或市）报送")
    if action is not rules.EvaluationAction.SUBMIT and not _level_above(actor, row.division_code):
        raise Forbidden(subcode="supervision.evaluation.not_above", reason="评估结论由上一级审定")
    before = row.state
    row.state = rules.evaluation_step(before, action)
    if action is rules.EvaluationAction.SUBMIT:
        row.report, row.submitted_at = data.text, clock.now()
        row.evidence = evidence(db_session, clock, actor, row.division_code)  # the figures as submitted
    elif action is rules.EvaluationAction.CONCLUDE:
        row.conclusion, row.concluded_by, row.concluded_at = data.text, actor.username, clock.now()
    _record(
        db_session,
        clock,
        actor,
        f"evaluation.{action.value}",
        "plan_evaluation",
        row.id,
        before={"state": before.value},
        after={"state": row.state.value},
        note=data.text if action is rules.EvaluationAction.RETURN else None,
    )
    return row


def evaluations(*, db_session: Session, actor: Actor, params: PageParams) -> tuple[list[PlanEvaluation], int]:
    actor.require(Permission.REGISTRY_READ)
    query = select(PlanEvaluation).where(actor.division_filter(PlanEvaluation.division_code))
    return paginate(
        db_session, query, params, order_by=[PlanEvaluation.kind, PlanEvaluation.division_code, PlanEvaluation.id]
    )


def evaluation_openings(db_session: Session, clock: Clock, actor: Actor) -> list[tuple[rules.EvaluationKind, str]]:
    """The evaluations this officer may open now for its own county (or the city): held in their year, once each."""
    code = actor.division_code
    if not actor.has(Permission.LEDGER_WRITE) or actor.organisation_id is not None or code is None:
        return []
    if len(code) != 6 or not code.startswith(rules.PLAN_DIVISION[:4]):
        return []
    year = local_today(clock).year
    taken = set(db_session.scalars(select(PlanEvaluation.kind).where(PlanEvaluation.division_code == code)))
    return [(k, code) for k in rules.EvaluationKind if k.year <= year and k not in taken]


# --- choices for the console's forms ---------------------------------------------------------------------------------

CHOICES = 500


def departments(db_session: Session, actor: Actor) -> list[tuple[int, str]]:
    """Government bodies and departments in the caller's jurisdiction: the daily supervising body and the
    territorial supervisor are chosen among them."""
    if actor.organisation_id is not None:
        return []
    query = (
        select(Organisation.id, Organisation.name)
        .where(
            Organisation.kind.in_([OrganisationKind.DEPARTMENT, OrganisationKind.GOVERNMENT]),
            actor.division_filter(Organisation.division_code),
        )
        .order_by(Organisation.division_code, Organisation.name, Organisation.id)
        .limit(CHOICES)
    )
    return [(i, name) for i, name in db_session.execute(query)]


def usable_agencies(db_session: Session, actor: Actor) -> list[tuple[int, str]]:
    """Registered agencies not on the negative list, for the census form (a listed one's work is refused)."""
    query = (
        select(Agency.id, Agency.name)
        .where(agency_scope(actor), Agency.negative.is_(False))
        .order_by(Agency.name, Agency.id)
        .limit(CHOICES)
    )
    return [(i, name) for i, name in db_session.execute(query)]

"""Supervision read models from rows: names looked up once per page, statuses said in words."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.clock import Clock, local_today
from yingji.registry import divisions
from yingji.registry.enums import MineStatus, StandardisationGrade
from yingji.registry.models import Mine, Organisation, RescueTeam, TailingsPond
from yingji.rules import site_readiness as site
from yingji.rules import supervision as rules
from yingji.rules.supervision import CensusState, GoafMeasure, RockBurst
from yingji.supervision import policy, service
from yingji.supervision.models import (
    Agency,
    CapacityRequest,
    Census,
    Equipment,
    Goaf,
    MineDeadline,
    PlanEvaluation,
    PondDispositionRecord,
    SiteWarning,
    StandardisationEvent,
)
from yingji.supervision.policy import EntryAction
from yingji.supervision.schemas import (
    AgencyRead,
    BasisRead,
    CapacityRead,
    CensusRead,
    ConditionRead,
    DeadlineRead,
    DispositionRead,
    EquipmentRead,
    EvaluationRead,
    FindingRead,
    GoafFeature,
    GoafFeatureProperties,
    GoafLayer,
    GoafPointGeometry,
    GoafRead,
    InsuranceRead,
    MineSupervisionRead,
    NetworkingRead,
    NetworkingRow,
    PolicyRead,
    PondSupervisionRead,
    ReachRead,
    ReachRow,
    ResumeCheckRead,
    StandardisationEventRead,
    StandardisationMineRead,
    StandardisationShareRead,
    WarningRead,
)


def _names(
    db_session: Session,
    model: type[Organisation] | type[Mine] | type[TailingsPond] | type[RescueTeam],
    ids: Iterable[int | None],
) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {i: name for i, name in db_session.execute(select(model.id, model.name).where(model.id.in_(wanted)))}


# --- mines -----------------------------------------------------------------------------------------------------------


def mines(db_session: Session, clock: Clock, actor: Actor, found: Sequence[Mine]) -> list[MineSupervisionRead]:
    """A page of mines with their supervision status: a handful of queries for the page, not per mine."""
    today = local_today(clock)
    ids = [m.id for m in found]
    kept = service.profiles(db_session, ids)
    facts = service.census_facts(db_session, ids)
    due = service.deadline_summary(db_session, ids, today)
    colours = service.worst_colours(db_session, ids)
    live = service.live_sites(db_session, clock, set(ids), set())
    history = service.standardisation_events(db_session, ids)
    faulty = service.faulty_running(db_session, ids)
    pending = service.pending_capacity(db_session, ids)
    own_teams = service.own_rescue_teams(db_session, (m.enterprise_id for m in found))
    orgs = _names(
        db_session,
        Organisation,
        [m.enterprise_id for m in found]
        + [m.supervising_org_id for m in found]
        + [p.territorial_org_id for p in kept.values()],
    )
    places = divisions.names(db_session, (m.division_code for m in found))
    reads = []
    for mine in found:
        profile = kept.get(mine.id)
        activity = service.activity_of(mine)
        cls = service.mine_class(mine.kind)
        depth = profile.depth_m if profile else None
        burst = rules.rock_burst(cls, depth, bool(profile and profile.rock_burst_monitoring))
        this_year = rules.census_for(today.year, facts.get(mine.id, []))
        census_due = rules.census_due(activity, today.year, facts.get(mine.id, []))
        if this_year is None and activity is rules.Activity.CLOSED:
            census_label = "已关闭，无须普查"
        elif this_year is None:
            census_label = f"{today.year}年度未开展隐蔽致灾因素普查"
        elif this_year.completed:
            census_label = f"{today.year}年度普查已完成" + (
                f"，{this_year.untreated} 项发现待治理" if this_year.untreated else ""
            )
        else:
            census_label = f"{today.year}年度普查进行中"
        overdue, upcoming = due.get(mine.id, (0, None))
        central = bool(profile and profile.central_enterprise)
        territorial = profile.territorial_org_id if profile else None
        site_class = rules.mine_site_class(cls)  # a closed mine is out of the share, as service.networking counts
        counted = site_class is not None and activity is not rules.Activity.CLOSED
        networked = f"mine:{mine.id}" in live if counted else None
        networking_label = (
            "不在联网考核范围"
            if networked is None
            else ("监测数据在线（已联网）" if networked else "监测数据不在线（未联网）")
        )
        colour = colours.get(mine.id)
        flags: list[str] = []
        if burst is RockBurst.MISSING:
            flags.append(f"采深 {depth:g} 米超过400米，未落实冲击地压监测")
        if census_due:
            flags.append(census_label)
        if activity is rules.Activity.SUSPENDED and rules.resumption_refusal(today.year, facts.get(mine.id, [])):
            flags.append("停工停产：复工条件未满足")
        if overdue:
            flags.append(f"{overdue} 项改造节点逾期")
        if central and territorial is None:
            flags.append("中央驻市企业矿山未明确属地监管部门")
        if networked is False:
            flags.append("监测系统未联网")
        if colour is rules.RiskColour.RED:
            flags.append("存在红色（重大风险）采空区/支护")
        _graded, _last, spot_due = service.spot_check_status(mine, history.get(mine.id, []))
        if spot_due is not None and today > spot_due:
            flags.append(f"标准化抽查逾期（应于 {spot_due.isoformat()} 前）")
        if faulty.get(mine.id):
            flags.append(f"{faulty[mine.id]} 台关键设备带病运行")
        uncovered = mine.status is not MineStatus.CLOSED and site.rescue_cover_missing(
            has_agreement=mine.contracted_team_id is not None, has_own_rescue_team=mine.enterprise_id in own_teams
        )
        if uncovered:
            flags.append("未与就近矿山救援队签订救援协议，也无本企业矿山救护队")
        reads.append(
            MineSupervisionRead(
                mine_id=mine.id,
                name=mine.name,
                kind=mine.kind.value,
                kind_label=mine.kind.label,
                status=mine.status.value,
                status_label=mine.status.label,
                enterprise_id=mine.enterprise_id,
                enterprise_name=orgs.get(mine.enterprise_id, ""),
                division_code=mine.division_code,
                division_name=places.get(mine.division_code, mine.division_code),
                depth_m=depth,
                rock_burst_monitoring=bool(profile and profile.rock_burst_monitoring),
                state_owned_large=bool(profile and profile.state_owned_large),
                rock_burst=burst,
                rock_burst_label=burst.label,
                rock_burst_flagged=burst is RockBurst.MISSING,
                census_year=today.year,
                census_state=(
                    None
                    if this_year is None
                    else (CensusState.COMPLETED if this_year.completed else CensusState.IN_PROGRESS)
                ),
                census_label=census_label,
                census_due=census_due,
                supervising_org_id=mine.supervising_org_id,
                supervising_org_name=orgs.get(mine.supervising_org_id) if mine.supervising_org_id else None,
                central_enterprise=central,
                territorial_org_id=territorial,
                territorial_org_name=orgs.get(territorial) if territorial else None,
                territorial_missing=central and territorial is None,
                deadlines_overdue=overdue,
                next_deadline=(
                    None
                    if upcoming is None
                    else f"{rules.MILESTONE_BY_CODE[upcoming.code].label}（{upcoming.due.isoformat()}前）"
                ),
                networked=networked,
                networking_label=networking_label,
                worst_goaf_colour=colour,
                worst_goaf_label=colour.label if colour else None,
                rescue_cover_missing=uncovered,
                flags=flags,
                allowed_actions=policy.mine_actions(
                    actor, mine, activity, census_registered=this_year is not None, capacity_pending=mine.id in pending
                ),
            )
        )
    return reads


def ponds(db_session: Session, clock: Clock, actor: Actor, found: Sequence[TailingsPond]) -> list[PondSupervisionRead]:
    """A page of ponds with their standing checks: networking of 三等及以上 ponds (002#L193), a rescue agreement
    (000#L632) and, for a 头顶库, the emergency broadcast (000#L650)."""
    live = service.live_sites(db_session, clock, set(), {p.id for p in found})
    orgs = _names(db_session, Organisation, [p.enterprise_id for p in found])
    teams = _names(db_session, RescueTeam, [p.contracted_team_id for p in found])
    own_teams = service.own_rescue_teams(db_session, (p.enterprise_id for p in found))
    places = divisions.names(db_session, (p.division_code for p in found))
    accepted = service.accepted_dispositions(db_session, (p.id for p in found))
    reads = []
    for pond in found:
        standing = pond.status not in service.CLOSED_PONDS
        counted = rules.pond_counts(pond.pond_grade)
        networked = f"pond:{pond.id}" in live
        flags: list[str] = []
        if standing and counted and not networked:
            flags.append("三等及以上尾矿库监测系统未联网")
        if standing and site.rescue_cover_missing(
            has_agreement=pond.contracted_team_id is not None, has_own_rescue_team=pond.enterprise_id in own_teams
        ):
            flags.append("未与邻近专业救援组织签订救援协议")
        if site.broadcast_missing(is_overhead=pond.is_overhead, has_emergency_broadcast=pond.has_emergency_broadcast):
            flags.append("头顶库未建立应急广播等通信系统")
        reads.append(
            PondSupervisionRead(
                pond_id=pond.id,
                name=pond.name,
                enterprise_name=orgs.get(pond.enterprise_id, ""),
                division_name=places.get(pond.division_code, pond.division_code),
                pond_grade=pond.pond_grade,
                status_label=pond.status.label,
                is_overhead=pond.is_overhead,
                has_emergency_broadcast=pond.has_emergency_broadcast,
                contracted_team_name=teams.get(pond.contracted_team_id) if pond.contracted_team_id else None,
                networking_label=(
                    "不在联网考核范围"
                    if not counted
                    else ("监测数据在线（已联网）" if networked else "监测数据不在线（未联网）")
                ),
                flags=flags,
                basis=[
                    BasisRead.of(b) for b in (rules.NETWORKING_BASIS, site.NON_COAL_RESCUE_BASIS, site.BROADCAST_BASIS)
                ],
                allowed_actions=policy.pond_actions(actor, pond, accepted=pond.id in accepted),
            )
        )
    return reads


def resume_check(check: service.ResumeCheck) -> ResumeCheckRead:
    error = check.error
    return ResumeCheckRead(
        mine_id=check.mine.id,
        year=check.year,
        may_resume=error is None,
        subcode=error.subcode if error else None,
        reason=error.render() if error else None,
        basis=[BasisRead.of(b) for b in (error.basis if error else rules.CENSUS_BASIS)],
    )


# --- censuses --------------------------------------------------------------------------------------------------------


def censuses(db_session: Session, actor: Actor, found: Sequence[Census]) -> list[CensusRead]:
    names = _names(db_session, Mine, (c.mine_id for c in found))
    rows = service.findings(db_session, (c.id for c in found))
    reads = []
    for census in found:
        items = rows.get(census.id, [])
        acting = policy.party(actor, division_code=census.division_code, enterprise_id=census.enterprise_id)
        actions: list[str] = []
        if acting is not None and census.state is CensusState.IN_PROGRESS:
            actions = ["add_finding", "complete"]
        if acting is not None and any(f.treated_on is None for f in items):
            actions.append("treat")
        reads.append(
            CensusRead(
                id=census.id,
                mine_id=census.mine_id,
                mine_name=names.get(census.mine_id, ""),
                year=census.year,
                state=census.state,
                state_label=census.state.label,
                started_on=census.started_on,
                completed_on=census.completed_on,
                conducted_by=census.conducted_by,
                summary=census.summary,
                findings=[
                    FindingRead(
                        id=f.id,
                        kind=f.kind,
                        kind_label=f.kind.label,
                        description=f.description,
                        treatment=f.treatment,
                        treated_on=f.treated_on,
                        treated=f.treated_on is not None,
                    )
                    for f in items
                ],
                untreated=sum(1 for f in items if f.treated_on is None),
                allowed_actions=actions,
            )
        )
    return reads


# --- goafs, deadlines ------------------------------------------------------------------------------------------------


def goafs(db_session: Session, actor: Actor, found: Sequence[Goaf]) -> list[GoafRead]:
    names = _names(db_session, Mine, (g.mine_id for g in found))
    return [
        GoafRead(
            id=g.id,
            mine_id=g.mine_id,
            mine_name=names.get(g.mine_id, ""),
            kind=g.kind,
            kind_label=g.kind.label,
            name=g.name,
            colour=g.colour,
            colour_label=g.colour.label,
            state=g.state,
            state_label=g.state.label,
            volume_m3=g.volume_m3,
            measures=[GoafMeasure(m) for m in g.measures],
            measure_labels=[GoafMeasure(m).label for m in g.measures],
            is_key=g.is_key,
            assessed_on=g.assessed_on,
            note=g.note,
            lon=g.lon,
            lat=g.lat,
            allowed_actions=policy.entry_actions(
                actor, division_code=g.division_code, enterprise_id=g.enterprise_id, wanted=EntryAction.EDIT
            ),
        )
        for g in found
    ]


COLOUR_HEX = {"red": "#d0021b", "orange": "#f5a623", "yellow": "#f8e71c", "blue": "#4a90e2"}


def goaf_layer(reads: Sequence[GoafRead]) -> GoafLayer:
    """The four-colour list as a GeoJSON layer for the map (placed entries only)."""
    return GoafLayer(
        features=[
            GoafFeature(
                id=f"goaf:{g.id}",
                geometry=GoafPointGeometry(coordinates=[g.lon, g.lat]),
                properties=GoafFeatureProperties(
                    name=g.name,
                    mine_name=g.mine_name,
                    kind_label=g.kind_label,
                    colour=g.colour.value,
                    colour_label=g.colour_label,
                    fill=COLOUR_HEX[g.colour.value],
                    state_label=g.state_label,
                ),
            )
            for g in reads
            if g.lon is not None and g.lat is not None
        ]
    )


def deadlines(db_session: Session, actor: Actor, found: Sequence[MineDeadline], today: date) -> list[DeadlineRead]:
    names = _names(db_session, Mine, (d.mine_id for d in found))
    reads = []
    for d in found:
        milestone = rules.MILESTONE_BY_CODE[d.code]
        overdue = rules.is_overdue(d.due, d.done_on, today)
        status = "已完成" if d.done_on else ("已逾期" if overdue else "未到期")
        reads.append(
            DeadlineRead(
                id=d.id,
                mine_id=d.mine_id,
                mine_name=names.get(d.mine_id, ""),
                code=d.code,
                label=milestone.label,
                due=d.due,
                done_on=d.done_on,
                overdue=overdue,
                status_label=status,
                note=d.note,
                basis=BasisRead.of(milestone.basis),
                allowed_actions=[]
                if d.done_on is not None
                else policy.entry_actions(
                    actor, division_code=d.division_code, enterprise_id=d.enterprise_id, wanted=EntryAction.DONE
                ),
            )
        )
    return reads


# --- networking, warnings, ponds, reach ------------------------------------------------------------------------------


def networking(counts: Sequence[service.NetworkingCount], at: datetime) -> NetworkingRead:
    return NetworkingRead(
        at=at,
        rows=[
            NetworkingRow(
                site_class=c.site_class,
                label=c.site_class.label,
                total=c.total,
                networked=c.networked,
                share=rules.share(c.networked, c.total),
                target_share=rules.NETWORKING_TARGET_SHARE,
                due=rules.NETWORKING_DUE,
                not_networked=c.not_networked,
            )
            for c in counts
        ],
        basis=BasisRead.of(rules.NETWORKING_BASIS),
    )


def warnings(db_session: Session, actor: Actor, found: Sequence[SiteWarning], now: datetime) -> list[WarningRead]:
    mines = _names(db_session, Mine, (w.mine_id for w in found))
    ponds = _names(db_session, TailingsPond, (w.pond_id for w in found))
    orgs = _names(db_session, Organisation, (w.enterprise_id for w in found))
    return [
        WarningRead(
            id=w.id,
            site=f"mine:{w.mine_id}" if w.mine_id is not None else f"pond:{w.pond_id}",
            site_name=mines.get(w.mine_id, "") if w.mine_id is not None else ponds.get(w.pond_id or 0, ""),
            enterprise_id=w.enterprise_id,
            enterprise_name=orgs.get(w.enterprise_id, ""),
            title=w.title,
            assessment=w.assessment,
            state=w.state,
            state_label=w.state.label,
            pushed_by=w.pushed_by,
            pushed_at=w.pushed_at,
            respond_by=w.respond_by,
            close_by=w.close_by,
            response=w.response,
            responded_at=w.responded_at,
            feedback=w.feedback,
            closed_at=w.closed_at,
            overdue=rules.warning_overdue(w.state, w.respond_by, w.close_by, now),
            allowed_actions=policy.warning_actions(
                actor, division_code=w.division_code, enterprise_id=w.enterprise_id, state=w.state
            ),
        )
        for w in found
    ]


def dispositions(
    db_session: Session, actor: Actor, found: Sequence[PondDispositionRecord], today: date
) -> list[DispositionRead]:
    ponds = {
        p.id: p
        for p in db_session.scalars(select(TailingsPond).where(TailingsPond.id.in_({d.pond_id for d in found} or {-1})))
    }
    return [
        DispositionRead(
            id=d.id,
            pond_id=d.pond_id,
            pond_name=ponds[d.pond_id].name,
            pond_grade=ponds[d.pond_id].pond_grade,
            category=d.category,
            category_label=d.category.label,
            state=d.state,
            state_label=d.state.label,
            due=d.due,
            overdue=d.state is not rules.DispositionState.ACCEPTED and today > d.due,
            note=d.note,
            accepted_on=d.accepted_on,
            history=[{k: str(v) for k, v in h.items()} for h in d.history],
            allowed_actions=policy.disposition_actions(
                actor, division_code=d.division_code, enterprise_id=d.enterprise_id, state=d.state
            ),
        )
        for d in found
    ]


def reach(db_session: Session, found: Sequence[service.Reach], unplaced: list[str], hours: float) -> ReachRead:
    places = divisions.names(db_session, (r.division_code for r in found))
    rows = []
    for r in found:
        team_ok = r.team is not None and rules.reached([r.team[1]], hours)
        depot_ok = r.depot is not None and rules.reached([r.depot[1]], hours)
        if team_ok and depot_ok:
            continue
        rows.append(
            ReachRow(
                site=r.site,
                site_name=r.name,
                division_name=places.get(r.division_code, r.division_code),
                team_minutes=r.team[1] if r.team else None,
                team_name=r.team[0] if r.team else None,
                depot_minutes=r.depot[1] if r.depot else None,
                depot_name=r.depot[0] if r.depot else None,
                team_reached=team_ok,
                depot_reached=depot_ok,
            )
        )
    return ReachRead(
        hours=hours,
        unreached=rows,
        sites_checked=len(found),
        unplaced=unplaced,
        basis=BasisRead.of(rules.REACH_BASIS),
        note=(
            "行车时间为估算：直线距离×道路系数÷平均车速，未按路网计算。"
            "规划原文“12小时内物资送达”指物资储备点；救护队 12 小时可达为平台按同一时限的读法。"
        ),
    )


# --- capacity, standardisation, insurance, agencies, equipment ------------------------------------------------------


def capacity(db_session: Session, actor: Actor, found: Sequence[CapacityRequest]) -> list[CapacityRead]:
    names = _names(db_session, Mine, (r.mine_id for r in found))
    reads = []
    for r in found:
        acting = policy.party(actor, division_code=r.division_code, enterprise_id=r.enterprise_id)
        actions = (
            ["assess", "approve", "refuse"]
            if acting is policy.Party.SUPERVISOR and r.state is rules.CapacityState.APPLIED
            else []
        )
        reads.append(
            CapacityRead(
                id=r.id,
                mine_id=r.mine_id,
                mine_name=names.get(r.mine_id, ""),
                current_t=r.current_t,
                requested_t=r.requested_t,
                state=r.state,
                state_label=r.state.label,
                reason=r.reason,
                conditions=[
                    ConditionRead(
                        condition=c,
                        label=c.label,
                        met=r.conditions[c.value]["met"] if c.value in r.conditions else None,
                        note=r.conditions[c.value]["note"] if c.value in r.conditions else None,
                    )
                    for c in rules.CapacityCondition
                ],
                decision_note=r.decision_note,
                decided_at=r.decided_at,
                allowed_actions=actions,
            )
        )
    return reads


def standardisation_mine(
    actor: Actor, mine: Mine, events: list[StandardisationEvent], today: date
) -> StandardisationMineRead:
    graded_on, last, due = service.spot_check_status(mine, events)
    return StandardisationMineRead(
        mine_id=mine.id,
        mine_name=mine.name,
        grade=mine.standardisation_grade,
        grade_label=mine.standardisation_grade.label,
        graded_on=graded_on,
        last_spot_check=last,
        spot_check_due=due,
        spot_check_overdue=due is not None and today > due,
        history=[
            StandardisationEventRead(
                id=e.id,
                kind=e.kind,
                kind_label="等级评定" if e.kind == "grade" else "抽查",
                grade=e.grade,
                grade_label=e.grade.label,
                on=e.on,
                passed=e.passed,
                note=e.note,
            )
            for e in events
        ],
        allowed_actions=policy.standardisation_actions(actor, mine),
    )


def standardisation_share(
    db_session: Session, actor: Actor, found: Sequence[Mine], today: date
) -> StandardisationShareRead:
    events = service.standardisation_events(db_session, (m.id for m in found))
    live = [m for m in found if m.status is not MineStatus.CLOSED]
    coal = [m for m in live if m.kind in service.COAL_KINDS]
    level_1 = [m for m in coal if m.standardisation_grade is StandardisationGrade.LEVEL_1]
    below_2 = [
        m.name for m in coal if m.standardisation_grade in (StandardisationGrade.LEVEL_3, StandardisationGrade.NONE)
    ]
    ungraded = [
        m.name
        for m in live
        if m.kind not in service.COAL_KINDS
        and m.status is MineStatus.PRODUCING
        and m.standardisation_grade is StandardisationGrade.NONE
    ]
    late = [m.name for m in live if standardisation_mine(actor, m, events.get(m.id, []), today).spot_check_overdue]
    return StandardisationShareRead(
        coal_mines=len(coal),
        coal_level_1=len(level_1),
        coal_level_1_share=rules.share(len(level_1), len(coal)),
        coal_level_1_target=rules.COAL_LEVEL_1_SHARE,
        coal_below_level_2=below_2,
        non_coal_producing_ungraded=ungraded,
        spot_checks_overdue=late,
        basis=BasisRead.of(rules.STANDARDISATION_BASIS),
    )


def insurance(db_session: Session, actor: Actor, found: service.Coverage, today: date) -> InsuranceRead:
    names = _names(db_session, Organisation, (p.enterprise_id for p in found.policies)) | found.enterprises
    return InsuranceRead(
        year=found.year,
        mine_enterprises=len(found.enterprises),
        covered=len(found.covered),
        share=rules.share(len(found.covered), len(found.enterprises)),
        due=rules.INSURANCE_DUE,
        uncovered=sorted(name for i, name in found.enterprises.items() if i not in found.covered),
        policies=[
            PolicyRead(
                id=p.id,
                enterprise_id=p.enterprise_id,
                enterprise_name=names.get(p.enterprise_id, ""),
                insurer=p.insurer,
                policy_no=p.policy_no,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                in_force=rules.in_force(p.starts_on, p.ends_on, today),
                inspections_this_year=found.inspections.get(p.id, 0),
                inspections_short=rules.in_force(p.starts_on, p.ends_on, today)
                and found.inspections.get(p.id, 0) < rules.INSURER_INSPECTIONS_PER_YEAR,
                allowed_actions=[]
                if p.starts_on > today  # an inspection is recorded after it happened, within the policy's period
                else policy.entry_actions(
                    actor, division_code=p.division_code, enterprise_id=p.enterprise_id, wanted=EntryAction.INSPECT
                ),
            )
            for p in found.policies
        ],
        basis=[BasisRead.of(b) for b in rules.INSURANCE_BASIS],
    )


def agencies(db_session: Session, actor: Actor, found: Sequence[Agency]) -> list[AgencyRead]:
    scores = service.agency_scores(db_session, (a.id for a in found))
    places = divisions.names(db_session, (a.division_code for a in found))
    reads = []
    for a in found:
        mine = scores.get(a.id, {})
        latest = max(mine) if mine else None
        reads.append(
            AgencyRead(
                id=a.id,
                name=a.name,
                division_code=a.division_code,
                division_name=places.get(a.division_code, a.division_code),
                services=a.services,
                negative=a.negative,
                negative_label="负面清单（行业禁入）" if a.negative else "正常",
                negative_reason=a.negative_reason,
                listed_on=a.listed_on,
                latest_score=mine[latest] if latest is not None else None,
                latest_year=latest,
                scores=mine,
                allowed_actions=policy.agency_actions(actor, division_code=a.division_code, negative=a.negative),
            )
        )
    return reads


def equipment(db_session: Session, actor: Actor, found: Sequence[Equipment]) -> list[EquipmentRead]:
    names = _names(db_session, Mine, (e.mine_id for e in found))
    return [
        EquipmentRead(
            id=e.id,
            mine_id=e.mine_id,
            mine_name=names.get(e.mine_id, ""),
            category=e.category,
            category_label=e.category.label,
            name=e.name,
            model=e.model,
            serial_no=e.serial_no,
            installed_on=e.installed_on,
            last_inspected_on=e.last_inspected_on,
            condition=e.condition,
            condition_label=e.condition.label,
            in_service=e.in_service,
            runs_faulty=rules.runs_faulty(e.condition, e.in_service),
            note=e.note,
            allowed_actions=policy.entry_actions(
                actor, division_code=e.division_code, enterprise_id=e.enterprise_id, wanted=EntryAction.EDIT
            ),
        )
        for e in found
    ]


def evaluations(db_session: Session, actor: Actor, found: Sequence[PlanEvaluation]) -> list[EvaluationRead]:
    places = divisions.names(db_session, (e.division_code for e in found))
    return [
        EvaluationRead(
            id=e.id,
            kind=e.kind,
            kind_label=e.kind.label,
            year=e.kind.year,
            division_code=e.division_code,
            division_name=places.get(e.division_code, e.division_code),
            state=e.state,
            state_label=e.state.label,
            report=e.report,
            evidence=e.evidence,
            submitted_at=e.submitted_at,
            conclusion=e.conclusion,
            concluded_by=e.concluded_by,
            concluded_at=e.concluded_at,
            allowed_actions=service.evaluation_actions(actor, e),
            basis=BasisRead.of(rules.EVALUATION_BASIS),
        )
        for e in found
    ]

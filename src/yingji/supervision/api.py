"""/api/supervision: Hulunbuir's mine supervision registers (seed 002) — census and resumption, depth and rock burst,
goafs in four colours, milestone deadlines, networking shares, the warning loop, pond dispositions, 12-hour reach."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from yingji.core.clock import local_today
from yingji.core.errors import NotFound
from yingji.core.paging import Page, PageParams, Paging, paged, slice_list
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.registry import nearest
from yingji.rules.supervision import REACH_HOURS, DispositionAction, EvaluationAction, WarningAction
from yingji.supervision import reads, service
from yingji.supervision.schemas import (
    AgencyIn,
    AgencyRead,
    AssessmentIn,
    CapacityIn,
    CapacityRead,
    CensusIn,
    CensusRead,
    CompleteIn,
    DeadlineDoneIn,
    DeadlineFilters,
    DeadlineRead,
    DeadlinesGenerated,
    DecisionIn,
    DispositionIn,
    DispositionRead,
    DispositionStepIn,
    EquipmentFilters,
    EquipmentIn,
    EquipmentRead,
    EvaluationIn,
    EvaluationOpenIn,
    EvaluationRead,
    EvaluationStepIn,
    FindingIn,
    GoafFilters,
    GoafIn,
    GoafLayer,
    GoafRead,
    GradeIn,
    InspectionIn,
    InsuranceRead,
    MineSupervisionRead,
    NegativeIn,
    NetworkingCarried,
    NetworkingRead,
    PolicyIn,
    PondSupervisionRead,
    ProfileIn,
    ReachRead,
    ResumeCheckRead,
    ResumeIn,
    SpotCheckIn,
    StandardisationMineRead,
    StandardisationShareRead,
    SupervisorsIn,
    TreatmentIn,
    WarningFilters,
    WarningIn,
    WarningRead,
    WarningStepIn,
)

router = APIRouter(prefix="/api/supervision", tags=["矿山安全监管台账"])


def _mine(db_session: DbSession, clock: CurrentClock, actor: CurrentActor, mine_id: int) -> MineSupervisionRead:
    mine = service.visible_mine(db_session, actor, mine_id)
    return reads.mines(db_session, clock, actor, [mine])[0]


def _census(db_session: DbSession, actor: CurrentActor, census_id: int) -> CensusRead:
    return reads.censuses(db_session, actor, [service.visible_census(db_session, actor, census_id)])[0]


# --- mines -----------------------------------------------------------------------------------------------------------


@router.get("/mines", response_model=Page[MineSupervisionRead])
def list_mines(
    db_session: DbSession, clock: CurrentClock, actor: CurrentActor, paging: Paging
) -> Page[MineSupervisionRead]:
    """辖区矿山的监管状态：本年度隐蔽致灾因素普查、采深与冲击地压监测、改造节点、联网、采空区风险、监管主体。"""
    found, total = service.mines(db_session=db_session, actor=actor, params=paging)
    return paged(reads.mines(db_session, clock, actor, found), total, paging)


@router.get("/mines/{mine_id}", response_model=MineSupervisionRead)
def get_mine(mine_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> MineSupervisionRead:
    """一座矿山的监管状态（中文说明需关注事项）及本账号可执行的操作。"""
    return _mine(db_session, clock, actor, mine_id)


@router.put("/mines/{mine_id}/profile", response_model=MineSupervisionRead)
def put_profile(
    mine_id: RowId, body: ProfileIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> MineSupervisionRead:
    """登记采深、冲击地压监测落实情况、国有大型/高风险与中央驻市企业属性（采深超400米须冲击地压监测，002#L186、L285）。"""
    with transaction(db_session):
        service.set_profile(db_session=db_session, clock=clock, actor=actor, mine_id=mine_id, data=body)
    return _mine(db_session, clock, actor, mine_id)


@router.put("/mines/{mine_id}/supervisors", response_model=MineSupervisionRead)
def put_supervisors(
    mine_id: RowId, body: SupervisorsIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> MineSupervisionRead:
    """调整日常监管主体与属地监管部门（002#L154、L159），须写明理由；仅监管部门。"""
    with transaction(db_session):
        service.set_supervisors(db_session=db_session, clock=clock, actor=actor, mine_id=mine_id, data=body)
    return _mine(db_session, clock, actor, mine_id)


@router.get("/mines/{mine_id}/resume", response_model=ResumeCheckRead)
def check_resume(mine_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> ResumeCheckRead:
    """复工条件核查：本年度隐蔽致灾因素普查已完成、发现已工程化治理（002#L183）。"""
    return reads.resume_check(service.resume_check(db_session=db_session, clock=clock, actor=actor, mine_id=mine_id))


@router.post("/mines/{mine_id}/resume", response_model=MineSupervisionRead)
def resume(
    mine_id: RowId, body: ResumeIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> MineSupervisionRead:
    """批准停工停产矿山复工（仅监管部门）；未完成本年度普查或治理的，答复 409 并给出依据。"""
    with transaction(db_session):
        service.resume(db_session=db_session, clock=clock, actor=actor, mine_id=mine_id, data=body)
    return _mine(db_session, clock, actor, mine_id)


@router.get("/ponds", response_model=Page[PondSupervisionRead])
def list_ponds(
    db_session: DbSession, clock: CurrentClock, actor: CurrentActor, paging: Paging
) -> Page[PondSupervisionRead]:
    """辖区尾矿库的常设检查：三等及以上联网（002#L193）、救援协议（000#L632）、头顶库应急广播（000#L650）。"""
    found, total = service.ponds(db_session=db_session, actor=actor, params=paging)
    return paged(reads.ponds(db_session, clock, actor, found), total, paging)


# --- census ----------------------------------------------------------------------------------------------------------


@router.get("/mines/{mine_id}/censuses", response_model=Page[CensusRead])
def list_censuses(mine_id: RowId, db_session: DbSession, actor: CurrentActor, paging: Paging) -> Page[CensusRead]:
    """一座矿山历年的隐蔽致灾因素普查（新的在前）及发现、治理情况。"""
    found = service.censuses(db_session=db_session, actor=actor, mine_id=mine_id)
    return slice_list(reads.censuses(db_session, actor, found), paging)


@router.post("/mines/{mine_id}/censuses", status_code=201, response_model=CensusRead)
def open_census(
    mine_id: RowId, body: CensusIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CensusRead:
    """登记本年度隐蔽致灾因素普查（每矿每年一次，002#L183）。"""
    with transaction(db_session):
        census = service.open_census(db_session=db_session, clock=clock, actor=actor, mine_id=mine_id, data=body)
    return _census(db_session, actor, census.id)


@router.get("/censuses/{census_id}", response_model=CensusRead)
def get_census(census_id: RowId, db_session: DbSession, actor: CurrentActor) -> CensusRead:
    return _census(db_session, actor, census_id)


@router.post("/censuses/{census_id}/findings", status_code=201, response_model=CensusRead)
def add_finding(
    census_id: RowId, body: FindingIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CensusRead:
    """登记普查发现的隐蔽致灾因素（冻融区边坡、老空水、采空区、尾矿库冰下隐患等）。"""
    with transaction(db_session):
        service.add_finding(db_session=db_session, clock=clock, actor=actor, census_id=census_id, data=body)
    return _census(db_session, actor, census_id)


@router.post("/censuses/{census_id}/findings/{finding_id}/treatment", response_model=CensusRead)
def treat(
    census_id: RowId,
    finding_id: RowId,
    body: TreatmentIn,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> CensusRead:
    """登记一项发现的工程化治理完成。"""
    with transaction(db_session):
        service.treat_finding(
            db_session=db_session, clock=clock, actor=actor, census_id=census_id, finding_id=finding_id, data=body
        )
    return _census(db_session, actor, census_id)


@router.post("/censuses/{census_id}/complete", response_model=CensusRead)
def complete(
    census_id: RowId, body: CompleteIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CensusRead:
    """普查完成。"""
    with transaction(db_session):
        service.complete_census(db_session=db_session, clock=clock, actor=actor, census_id=census_id, data=body)
    return _census(db_session, actor, census_id)


# --- goafs -----------------------------------------------------------------------------------------------------------


@router.get("/goafs", response_model=Page[GoafRead])
def list_goafs(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[GoafFilters, Query()]
) -> Page[GoafRead]:
    """采空区、支护“红橙黄蓝”四级风险清单（红色在前，002#L213、L289）。"""
    found, total = service.goafs(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.goafs(db_session, actor, found), total, paging)


@router.get("/goafs/layer", response_model=GoafLayer)
def goaf_layer(db_session: DbSession, actor: CurrentActor, filters: Annotated[GoafFilters, Query()]) -> GoafLayer:
    """四色清单的地图图层（GeoJSON，已登记坐标的条目）。"""
    paging = PageParams(limit=500, offset=0)
    found, _total = service.goafs(db_session=db_session, actor=actor, params=paging, filters=filters)
    return reads.goaf_layer(reads.goafs(db_session, actor, found))


@router.post("/mines/{mine_id}/goafs", status_code=201, response_model=GoafRead)
def add_goaf(mine_id: RowId, body: GoafIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> GoafRead:
    """登记采空区或支护台账条目及其风险颜色、治理措施（充填、封闭、隔离、监测、巡查）。"""
    with transaction(db_session):
        goaf = service.add_goaf(db_session=db_session, clock=clock, actor=actor, mine_id=mine_id, data=body)
    return reads.goafs(db_session, actor, [goaf])[0]


@router.put("/goafs/{goaf_id}", response_model=GoafRead)
def update_goaf(
    goaf_id: RowId, body: GoafIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> GoafRead:
    with transaction(db_session):
        goaf = service.update_goaf(db_session=db_session, clock=clock, actor=actor, goaf_id=goaf_id, data=body)
    return reads.goafs(db_session, actor, [goaf])[0]


# --- deadlines -------------------------------------------------------------------------------------------------------


@router.post("/deadlines/generate", response_model=DeadlinesGenerated)
def generate_deadlines(db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> DeadlinesGenerated:
    """按规划节点为辖区每座矿山生成改造时限（提升机2026、外包清零2027/2029、支护2028、双回路2030、冲击地压2030）。"""
    with transaction(db_session):
        created = service.generate_deadlines(db_session=db_session, clock=clock, actor=actor)
    return DeadlinesGenerated(created=created)


@router.get("/deadlines", response_model=Page[DeadlineRead])
def list_deadlines(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[DeadlineFilters, Query()],
) -> Page[DeadlineRead]:
    """各矿改造时限（先到期的在前），可只列逾期。"""
    found, total = service.deadlines(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
    return paged(reads.deadlines(db_session, actor, found, local_today(clock)), total, paging)


@router.post("/deadlines/{deadline_id}/done", response_model=DeadlineRead)
def deadline_done(
    deadline_id: RowId, body: DeadlineDoneIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> DeadlineRead:
    with transaction(db_session):
        row = service.deadline_done(db_session=db_session, clock=clock, actor=actor, deadline_id=deadline_id, data=body)
    return reads.deadlines(db_session, actor, [row], local_today(clock))[0]


# --- networking ------------------------------------------------------------------------------------------------------


@router.get("/networking", response_model=NetworkingRead)
def networking(db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> NetworkingRead:
    """监测系统联网率：煤矿、金属非金属地下矿山、三等及以上尾矿库，监测数据在线即为已联网；目标2030年底前100%（002#L193）。"""
    counts = service.networking(db_session=db_session, clock=clock, actor=actor)
    return reads.networking(counts, clock.now())


@router.post("/networking/to-targets", response_model=list[NetworkingCarried])
def networking_to_targets(db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> list[NetworkingCarried]:
    """把当前联网率（按指标所属辖区统计）计入规划指标“监测系统联网率”的本年度数据，来源写明在线场所数。"""
    with transaction(db_session):
        done = service.networking_to_targets(db_session=db_session, clock=clock, actor=actor)
        year = local_today(clock).year
        return [NetworkingCarried(target=t.name, year=year, value=v, source=s) for t, v, s in done]


# --- warnings --------------------------------------------------------------------------------------------------------


@router.get("/warnings", response_model=Page[WarningRead])
def list_warnings(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[WarningFilters, Query()],
) -> Page[WarningRead]:
    """推送给企业的风险预警及其响应、闭环反馈（新的在前），可只列逾期（002#L302）。"""
    found, total = service.warnings(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
    return paged(reads.warnings(db_session, actor, found, clock.now()), total, paging)


@router.post("/warnings", status_code=201, response_model=WarningRead)
def push_warning(body: WarningIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> WarningRead:
    """向企业推送风险研判预警，限定响应与闭环反馈时限（仅监管部门）。"""
    with transaction(db_session):
        row = service.push_warning(db_session=db_session, clock=clock, actor=actor, data=body)
    return reads.warnings(db_session, actor, [row], clock.now())[0]


WARNING_STEPS = {"respond": WarningAction.RESPOND, "close": WarningAction.CLOSE}


@router.post("/warnings/{warning_id}/{step}", response_model=WarningRead)
def warning_step(
    warning_id: RowId, step: str, body: WarningStepIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> WarningRead:
    """respond 企业响应处置 · close 监管部门闭环反馈。"""
    action = WARNING_STEPS.get(step)
    if action is None:
        raise NotFound(kind="操作", key=step)
    with transaction(db_session):
        row = service.warning_step(
            db_session=db_session, clock=clock, actor=actor, warning_id=warning_id, action=action, data=body
        )
    return reads.warnings(db_session, actor, [row], clock.now())[0]


# --- ponds -----------------------------------------------------------------------------------------------------------


@router.get("/ponds/dispositions", response_model=Page[DispositionRead])
def list_dispositions(
    db_session: DbSession, clock: CurrentClock, actor: CurrentActor, paging: Paging
) -> Page[DispositionRead]:
    """尾矿库分类治理：达标整治、停用整改、闭库销号（002#L293）。"""
    found, total = service.dispositions(db_session=db_session, actor=actor, params=paging)
    return paged(reads.dispositions(db_session, actor, found, local_today(clock)), total, paging)


@router.put("/ponds/{pond_id}/disposition", response_model=DispositionRead)
def classify_pond(
    pond_id: RowId, body: DispositionIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> DispositionRead:
    """分类（仅监管部门）；已验收的不再改分类。"""
    with transaction(db_session):
        row = service.classify_pond(db_session=db_session, clock=clock, actor=actor, pond_id=pond_id, data=body)
    return reads.dispositions(db_session, actor, [row], local_today(clock))[0]


DISPOSITION_STEPS = {
    "submit": DispositionAction.SUBMIT,
    "accept": DispositionAction.ACCEPT,
    "reject": DispositionAction.REJECT,
}


@router.post("/ponds/{pond_id}/disposition/{step}", response_model=DispositionRead)
def disposition_step(
    pond_id: RowId,
    step: str,
    body: DispositionStepIn,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> DispositionRead:
    """submit 企业申请验收 · accept 验收（闭库销号的尾矿库随之销库）· reject 退回（须写明理由）。"""
    action = DISPOSITION_STEPS.get(step)
    if action is None:
        raise NotFound(kind="操作", key=step)
    with transaction(db_session):
        row = service.disposition_step(
            db_session=db_session, clock=clock, actor=actor, pond_id=pond_id, action=action, data=body
        )
    return reads.dispositions(db_session, actor, [row], local_today(clock))[0]


# --- reach -----------------------------------------------------------------------------------------------------------


@router.get("/reach", response_model=ReachRead)
def reach(
    request: Request,
    db_session: DbSession,
    actor: CurrentActor,
    hours: Annotated[float, Query(gt=0, le=72)] = REACH_HOURS,
) -> ReachRead:
    """12 小时可达核查：哪些矿山、尾矿库没有矿山救护队或物资储备库能在时限内到达（估算行车时间，002#L255）。"""
    cache = getattr(request.app.state, "resource_index", None)
    index = cache.get(db_session) if cache is not None else nearest.load_index(db_session)
    found, unplaced = service.reach(db_session=db_session, actor=actor, index=index)
    return reads.reach(db_session, found, unplaced, hours)


# --- the capacity-increase gate --------------------------------------------------------------------------------------


@router.get("/capacity-requests", response_model=Page[CapacityRead])
def list_capacity(
    db_session: DbSession,
    actor: CurrentActor,
    paging: Paging,
    mine_id: RowId | None = None,
    pending: Annotated[bool, Query(description="只列待评估的")] = False,
) -> Page[CapacityRead]:
    """煤矿产能核增申请及其前置评估（新的在前），可按矿山筛选。"""
    found, total = service.capacity_requests(
        db_session=db_session, actor=actor, params=paging, mine_id=mine_id, pending=pending
    )
    return paged(reads.capacity(db_session, actor, found), total, paging)


@router.post("/mines/{mine_id}/capacity-requests", status_code=201, response_model=CapacityRead)
def apply_capacity(
    mine_id: RowId, body: CapacityIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CapacityRead:
    """申请产能核增（煤矿）。"""
    with transaction(db_session):
        row = service.apply_capacity(db_session=db_session, clock=clock, actor=actor, mine_id=mine_id, data=body)
    return reads.capacity(db_session, actor, [row])[0]


@router.put("/capacity-requests/{request_id}/assessment", response_model=CapacityRead)
def assess_capacity(
    request_id: RowId, body: AssessmentIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CapacityRead:
    """前置评估：灾害治理能力、专业人员配备、智能化水平逐项评定（002#L163）。"""
    with transaction(db_session):
        row = service.assess_capacity(db_session=db_session, clock=clock, actor=actor, request_id=request_id, data=body)
    return reads.capacity(db_session, actor, [row])[0]


@router.post("/capacity-requests/{request_id}/{decision}", response_model=CapacityRead)
def decide_capacity(
    request_id: RowId,
    decision: str,
    body: DecisionIn,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> CapacityRead:
    """approve 核增（三项刚性条件均满足，否则 409）· refuse 不予核增（须写明理由）。"""
    if decision not in ("approve", "refuse"):
        raise NotFound(kind="操作", key=decision)
    with transaction(db_session):
        row = service.decide_capacity(
            db_session=db_session,
            clock=clock,
            actor=actor,
            request_id=request_id,
            approve=decision == "approve",
            data=body,
        )
    return reads.capacity(db_session, actor, [row])[0]


# --- standardisation -------------------------------------------------------------------------------------------------


@router.get("/standardisation", response_model=StandardisationShareRead)
def standardisation(db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> StandardisationShareRead:
    """标准化占比（煤矿一级≥40%、其余达二级；正常生产非煤矿山全部达标）与半年抽查逾期（002#L205）。"""
    found = service.all_mines(db_session=db_session, actor=actor)
    return reads.standardisation_share(db_session, actor, found, local_today(clock))


@router.get("/mines/{mine_id}/standardisation", response_model=StandardisationMineRead)
def mine_standardisation(
    mine_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> StandardisationMineRead:
    """一座矿山的标准化等级历史与抽查。"""
    mine = service.visible_mine(db_session, actor, mine_id)
    events = service.standardisation_events(db_session, [mine.id]).get(mine.id, [])
    return reads.standardisation_mine(actor, mine, events, local_today(clock))


@router.post("/mines/{mine_id}/standardisation/grade", response_model=StandardisationMineRead)
def record_grade(
    mine_id: RowId, body: GradeIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> StandardisationMineRead:
    """登记评定（或撤销）的标准化等级（仅监管部门），同步为矿山当前等级。"""
    with transaction(db_session):
        service.record_grade(db_session=db_session, clock=clock, actor=actor, mine_id=mine_id, data=body)
    return mine_standardisation(mine_id, db_session, clock, actor)


@router.post("/mines/{mine_id}/standardisation/spot-checks", response_model=StandardisationMineRead)
def record_spot_check(
    mine_id: RowId, body: SpotCheckIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> StandardisationMineRead:
    """登记半年抽查（仅监管部门）；滑坡须写明情况。"""
    with transaction(db_session):
        service.record_spot_check(db_session=db_session, clock=clock, actor=actor, mine_id=mine_id, data=body)
    return mine_standardisation(mine_id, db_session, clock, actor)


# --- insurance -------------------------------------------------------------------------------------------------------


@router.get("/insurance", response_model=InsuranceRead)
def insurance(db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> InsuranceRead:
    """安责险覆盖（2028年底前全覆盖）与保险机构本年度现场排查次数（不少于2次，002#L258、L357）。"""
    found = service.coverage(db_session=db_session, clock=clock, actor=actor)
    return reads.insurance(db_session, actor, found, local_today(clock))


@router.post("/insurance", status_code=201, response_model=InsuranceRead)
def add_policy(body: PolicyIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> InsuranceRead:
    """登记安责险保单（企业本企业；监管部门代录须指明企业）。"""
    with transaction(db_session):
        service.add_policy(db_session=db_session, clock=clock, actor=actor, data=body)
    return insurance(db_session, clock, actor)


@router.post("/insurance/{policy_id}/inspections", response_model=InsuranceRead)
def add_inspection(
    policy_id: RowId, body: InspectionIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> InsuranceRead:
    """登记保险机构的一次现场隐患排查。"""
    with transaction(db_session):
        service.add_inspection(db_session=db_session, clock=clock, actor=actor, policy_id=policy_id, data=body)
    return insurance(db_session, clock, actor)


# --- third-party agencies --------------------------------------------------------------------------------------------


@router.get("/agencies", response_model=Page[AgencyRead])
def list_agencies(
    db_session: DbSession, actor: CurrentActor, paging: Paging, negative: bool | None = None
) -> Page[AgencyRead]:
    """第三方技术服务机构：诚信评价得分与负面清单（002#L262）。"""
    found, total = service.agencies(db_session=db_session, actor=actor, params=paging, negative=negative)
    return paged(reads.agencies(db_session, actor, found), total, paging)


@router.post("/agencies", status_code=201, response_model=AgencyRead)
def add_agency(body: AgencyIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> AgencyRead:
    with transaction(db_session):
        row = service.add_agency(db_session=db_session, clock=clock, actor=actor, data=body)
    return reads.agencies(db_session, actor, [row])[0]


@router.post("/agencies/{agency_id}/evaluations", response_model=AgencyRead)
def evaluate_agency(
    agency_id: RowId, body: EvaluationIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> AgencyRead:
    """年度诚信评价（0–100 分）。"""
    with transaction(db_session):
        row = service.evaluate_agency(db_session=db_session, clock=clock, actor=actor, agency_id=agency_id, data=body)
    return reads.agencies(db_session, actor, [row])[0]


@router.put("/agencies/{agency_id}/negative", response_model=AgencyRead)
def set_negative(
    agency_id: RowId, body: NegativeIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> AgencyRead:
    """列入或移出负面清单（须写明理由）；列入后其出具的普查等成果不予接受（行业禁入）。"""
    with transaction(db_session):
        row = service.set_negative(db_session=db_session, clock=clock, actor=actor, agency_id=agency_id, data=body)
    return reads.agencies(db_session, actor, [row])[0]


# --- equipment files -------------------------------------------------------------------------------------------------


@router.get("/equipment", response_model=Page[EquipmentRead])
def list_equipment(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[EquipmentFilters, Query()]
) -> Page[EquipmentRead]:
    """关键机电设备“一机一档”，可只列带病运行（002#L207、L323）。"""
    found, total = service.equipment(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.equipment(db_session, actor, found), total, paging)


@router.post("/mines/{mine_id}/equipment", status_code=201, response_model=EquipmentRead)
def add_equipment(
    mine_id: RowId, body: EquipmentIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> EquipmentRead:
    with transaction(db_session):
        row = service.save_equipment(db_session=db_session, clock=clock, actor=actor, data=body, mine_id=mine_id)
    return reads.equipment(db_session, actor, [row])[0]


@router.put("/equipment/{equipment_id}", response_model=EquipmentRead)
def update_equipment(
    equipment_id: RowId, body: EquipmentIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> EquipmentRead:
    with transaction(db_session):
        row = service.save_equipment(
            db_session=db_session, clock=clock, actor=actor, data=body, equipment_id=equipment_id
        )
    return reads.equipment(db_session, actor, [row])[0]


# --- the plan's evaluations ------------------------------------------------------------------------------------------


@router.get("/evaluations", response_model=Page[EvaluationRead])
def list_evaluations(db_session: DbSession, actor: CurrentActor, paging: Paging) -> Page[EvaluationRead]:
    """规划中期评估（2028年）与终期考核（2030年）：自评、报送、上一级审定（002#L367）。"""
    found, total = service.evaluations(db_session=db_session, actor=actor, params=paging)
    return paged(reads.evaluations(db_session, actor, found), total, paging)


@router.post("/evaluations", status_code=201, response_model=EvaluationRead)
def open_evaluation(
    body: EvaluationOpenIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> EvaluationRead:
    """开展评估（被评估的旗市区或市），记录当时台账数据。"""
    with transaction(db_session):
        row = service.open_evaluation(db_session=db_session, clock=clock, actor=actor, data=body)
    return reads.evaluations(db_session, actor, [row])[0]


EVALUATION_STEPS = {a.value: a for a in EvaluationAction}


@router.post("/evaluations/{evaluation_id}/{step}", response_model=EvaluationRead)
def evaluation_step(
    evaluation_id: RowId,
    step: str,
    body: EvaluationStepIn,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> EvaluationRead:
    """submit 报送自评报告 · conclude 上一级审定 · return 退回补充。"""
    action = EVALUATION_STEPS.get(step)
    if action is None:
        raise NotFound(kind="操作", key=step)
    with transaction(db_session):
        row = service.evaluation_step(
            db_session=db_session, clock=clock, actor=actor, evaluation_id=evaluation_id, action=action, data=body
        )
    return reads.evaluations(db_session, actor, [row])[0]

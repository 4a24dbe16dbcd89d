"""/api/enforcement: inspection plans and records, findings (photos, → hazard / violation / referral), violations and
their decisions, referrals, blacklists, and an enterprise's enforcement profile with the 180-day rule."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response

from yingji.core.clock import local_today
from yingji.core.http import read_bounded
from yingji.core.paging import Page, Paging, paged
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.enforcement import entrustments, reads, service
from yingji.enforcement.schemas import (
    BlacklistFilters,
    BlacklistIn,
    BlacklistRead,
    BodyRegisterRead,
    DecisionIn,
    EnterpriseEnforcementRead,
    EntrustmentAction,
    EntrustmentDateIn,
    EntrustmentIn,
    EntrustmentRead,
    FindingIn,
    FindingRead,
    HazardViolationIn,
    PhotoRead,
    PlanIn,
    PlanRead,
    RecordDetail,
    RecordFilters,
    RecordIn,
    RecordRead,
    ReferralFilters,
    ReferralIn,
    ReferralRead,
    RemoveIn,
    ReplyIn,
    SuspensionRead,
    ToHazardIn,
    ViolationFilters,
    ViolationIn,
    ViolationRead,
    WithdrawIn,
)
from yingji.hazards import reads as hazard_reads
from yingji.hazards import service as hazards_service
from yingji.hazards.schemas import HazardDetail

router = APIRouter(prefix="/api/enforcement", tags=["执法"])
DivisionCode = Annotated[str, Path(pattern=r"^\d{6}$", description="市本级行政区划代码")]
PHOTO_CONTENT: dict[str, dict[str, Any]] = {t: {} for t in hazards_service.ATTACHMENT_TYPES}


# --- plans ----------------------------------------------------------------------------------------------------------


@router.get("/plans", response_model=Page[PlanRead])
def list_plans(db_session: DbSession, actor: CurrentActor, paging: Paging) -> Page[PlanRead]:
    """辖区内的执法检查计划（新的在前，分页）。"""
    found, total = service.plans(db_session=db_session, actor=actor, params=paging)
    return paged(reads.plans(db_session, found), total, paging)


@router.post("/plans", status_code=201, response_model=PlanRead)
def create_plan(body: PlanIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> PlanRead:
    """制定执法检查计划（监管部门）。"""
    with transaction(db_session):
        row = service.create_plan(db_session=db_session, clock=clock, actor=actor, data=body)
    return reads.plans(db_session, [row])[0]


@router.get("/plans/{plan_id}", response_model=PlanRead)
def get_plan(plan_id: RowId, db_session: DbSession, actor: CurrentActor) -> PlanRead:
    return reads.plans(db_session, [service.plan(db_session=db_session, actor=actor, plan_id=plan_id)])[0]


# --- records and findings -------------------------------------------------------------------------------------------


def _record(db_session: DbSession, clock: CurrentClock, actor: CurrentActor, record_id: int) -> RecordDetail:
    row = service.record(db_session=db_session, actor=actor, record_id=record_id)
    return reads.record_detail(db_session, actor, row, local_today(clock))


@router.get("/records", response_model=Page[RecordRead])
def list_records(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[RecordFilters, Query()],
) -> Page[RecordRead]:
    """执法检查记录（企业账号：本企业；新的在前，分页）。"""
    found, total = service.records(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.records(db_session, actor, found, local_today(clock)), total, paging)


@router.post("/records", status_code=201, response_model=RecordDetail)
def create_record(body: RecordIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> RecordDetail:
    """登记执法检查记录：检查人员、企业、地点、时间、检查项目及结果、发现的问题。"""
    with transaction(db_session):
        row = service.create_record(db_session=db_session, clock=clock, actor=actor, data=body)
    return _record(db_session, clock, actor, row.id)


@router.get("/records/{record_id}", response_model=RecordDetail)
def get_record(record_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> RecordDetail:
    return _record(db_session, clock, actor, record_id)


@router.post("/records/{record_id}/findings", status_code=201, response_model=RecordDetail)
def add_finding(
    record_id: RowId, body: FindingIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> RecordDetail:
    """补充检查发现的问题。"""
    with transaction(db_session):
        service.add_finding(db_session=db_session, clock=clock, actor=actor, record_id=record_id, data=body)
    return _record(db_session, clock, actor, record_id)


def _finding(db_session: DbSession, actor: CurrentActor, finding_id: int) -> FindingRead:
    row = service.finding(db_session=db_session, actor=actor, finding_id=finding_id)
    return reads.findings(db_session, actor, [row])[0]


@router.get("/findings/{finding_id}", response_model=FindingRead)
def get_finding(finding_id: RowId, db_session: DbSession, actor: CurrentActor) -> FindingRead:
    return _finding(db_session, actor, finding_id)


@router.post("/findings/{finding_id}/photos", status_code=201, response_model=PhotoRead)
async def add_photo(
    finding_id: RowId,
    filename: Annotated[str, Query(min_length=1, max_length=200)],
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> PhotoRead:
    """上传现场照片（请求体为文件内容，Content-Type 为 image/jpeg、image/png 或 application/pdf，≤10 MB）。"""
    data = await read_bounded(request, hazards_service.MAX_ATTACHMENT_BYTES, "照片")
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    with transaction(db_session):
        row = service.add_photo(
            db_session=db_session,
            clock=clock,
            actor=actor,
            finding_id=finding_id,
            filename=filename,
            content_type=content_type,
            data=data,
        )
        return reads.photo(row)


@router.get(
    "/findings/{finding_id}/photos/{photo_id}",
    response_class=Response,
    responses={200: {"content": PHOTO_CONTENT, "description": "照片原文件"}},
)
def get_photo(finding_id: RowId, photo_id: RowId, db_session: DbSession, actor: CurrentActor) -> Response:
    row = service.photo(db_session=db_session, actor=actor, finding_id=finding_id, photo_id=photo_id)
    disposition = f"attachment; filename*=UTF-8''{quote(row.filename, safe='')}"
    return Response(row.data, media_type=row.content_type, headers={"Content-Disposition": disposition})


@router.post("/findings/{finding_id}/hazard", status_code=201, response_model=HazardDetail)
def finding_to_hazard(
    finding_id: RowId, body: ToHazardIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> HazardDetail:
    """把发现的问题登记为隐患（监管检查渠道，照片随附），进入隐患闭环。"""
    with transaction(db_session):
        hazard = service.finding_to_hazard(
            db_session=db_session, clock=clock, actor=actor, finding_id=finding_id, data=body
        )
    found = hazards_service.visible(db_session, actor, hazard.id)
    return hazard_reads.detail(db_session, actor, found, local_today(clock))


@router.post("/findings/{finding_id}/violation", status_code=201, response_model=ViolationRead)
def finding_to_violation(
    finding_id: RowId, body: ViolationIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> ViolationRead:
    """把发现的问题立案为违法行为：法律依据与拟采取的措施。"""
    with transaction(db_session):
        row = service.finding_to_violation(
            db_session=db_session, clock=clock, actor=actor, finding_id=finding_id, data=body
        )
    return reads.violations(db_session, actor, [row], local_today(clock))[0]


# --- violations -----------------------------------------------------------------------------------------------------


@router.get("/violations", response_model=Page[ViolationRead])
def list_violations(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[ViolationFilters, Query()],
) -> Page[ViolationRead]:
    """违法行为登记簿（新的在前，分页），可按企业、状态、来源筛选。"""
    found, total = service.violations(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.violations(db_session, actor, found, local_today(clock)), total, paging)


@router.post("/violations", status_code=201, response_model=ViolationRead)
def violation_from_hazard(
    body: HazardViolationIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> ViolationRead:
    """就一条隐患立案；企业自查上报并正在整改的隐患依法不予行政处罚（只能责令改正）。"""
    with transaction(db_session):
        row = service.violation_from_hazard(db_session=db_session, clock=clock, actor=actor, data=body)
    return reads.violations(db_session, actor, [row], local_today(clock))[0]


def _violation(db_session: DbSession, clock: CurrentClock, actor: CurrentActor, violation_id: int) -> ViolationRead:
    row = service.violation(db_session=db_session, actor=actor, violation_id=violation_id)
    return reads.violations(db_session, actor, [row], local_today(clock))[0]


@router.get("/violations/{violation_id}", response_model=ViolationRead)
def get_violation(
    violation_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> ViolationRead:
    return _violation(db_session, clock, actor, violation_id)


@router.post("/violations/{violation_id}/decide", response_model=ViolationRead)
def decide(
    violation_id: RowId, body: DecisionIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> ViolationRead:
    """作出决定：措施、罚款金额、作出决定的机关和文号（暂扣、吊销证照同时移交发证机关）。"""
    with transaction(db_session):
        service.decide(db_session=db_session, clock=clock, actor=actor, violation_id=violation_id, data=body)
    return _violation(db_session, clock, actor, violation_id)


@router.post("/violations/{violation_id}/withdraw", response_model=ViolationRead)
def withdraw(
    violation_id: RowId, body: WithdrawIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> ViolationRead:
    """撤销立案（写明理由）。"""
    with transaction(db_session):
        service.withdraw(db_session=db_session, clock=clock, actor=actor, violation_id=violation_id, data=body)
    return _violation(db_session, clock, actor, violation_id)


# --- referrals ------------------------------------------------------------------------------------------------------


@router.get("/referrals", response_model=Page[ReferralRead])
def list_referrals(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[ReferralFilters, Query()],
) -> Page[ReferralRead]:
    """移交记录（发出与收到的；回复期限近的在前，分页），可只列逾期未回复。"""
    found, total = service.referrals(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
    return paged(reads.referrals(db_session, actor, found, local_today(clock)), total, paging)


@router.post("/referrals", status_code=201, response_model=ReferralRead)
def refer(body: ReferralIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> ReferralRead:
    """抄告、移交有关部门，限期回复（004#L4424-L4427）。"""
    with transaction(db_session):
        row = service.refer(db_session=db_session, clock=clock, actor=actor, data=body)
    return reads.referrals(db_session, actor, [row], local_today(clock))[0]


@router.post("/referrals/{referral_id}/reply", response_model=ReferralRead)
def reply(
    referral_id: RowId, body: ReplyIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> ReferralRead:
    """接收部门登记回复。"""
    with transaction(db_session):
        row = service.reply(db_session=db_session, clock=clock, actor=actor, referral_id=referral_id, data=body)
    return reads.referrals(db_session, actor, [row], local_today(clock))[0]


# --- 行政执法主体与委托执法 -------------------------------------------------------------------------------------------


@router.get("/bodies/{division_code}", response_model=BodyRegisterRead)
def body_register(division_code: DivisionCode, db_session: DbSession, actor: CurrentActor) -> BodyRegisterRead:
    """本级政府公布的行政执法主体名单（法定与授权）及各主体登记的委托执法数（003#L14）。"""
    return entrustments.register(db_session, actor, division_code)


@router.get("/entrustments", response_model=Page[EntrustmentRead])
def list_entrustments(
    db_session: DbSession, clock: CurrentClock, actor: CurrentActor, paging: Paging
) -> Page[EntrustmentRead]:
    """委托执法：未备案的在前（签订早的在前），写明备案期限与是否逾期。"""
    found, total = entrustments.page(db_session=db_session, actor=actor, params=paging)
    return paged([entrustments.read(actor, r, clock) for r in found], total, paging)


@router.post("/entrustments", status_code=201, response_model=EntrustmentRead)
def create_entrustment(
    body: EntrustmentIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> EntrustmentRead:
    """登记委托执法（委托机关须为公布的执法主体）；签订之日起10日内须向司法局备案。"""
    with transaction(db_session):
        row = entrustments.create(db_session=db_session, clock=clock, actor=actor, data=body)
        return entrustments.read(actor, row, clock)


@router.post("/entrustments/{entrustment_id}/{action}", response_model=EntrustmentRead)
def entrustment_date(
    entrustment_id: RowId,
    action: EntrustmentAction,
    body: EntrustmentDateIn,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> EntrustmentRead:
    """登记委托事项在部门网站公告（announce）或向司法局备案（file）的日期，各一次。"""
    with transaction(db_session):
        row = entrustments.record_date(
            db_session=db_session, clock=clock, actor=actor, entrustment_id=entrustment_id, action=action, data=body
        )
        return entrustments.read(actor, row, clock)


# --- blacklists -----------------------------------------------------------------------------------------------------


@router.get("/blacklist", response_model=Page[BlacklistRead])
def list_blacklist(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[BlacklistFilters, Query()],
) -> Page[BlacklistRead]:
    """黑名单、失信名单（新列入的在前，分页），可只列当前有效。"""
    found, total = service.listings(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
    return paged(reads.listings(db_session, actor, found, local_today(clock)), total, paging)


@router.post("/blacklist", status_code=201, response_model=BlacklistRead)
def add_listing(body: BlacklistIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> BlacklistRead:
    """列入黑名单或失信名单：原因、依据、期限（林草黑名单 3 年，004#L8219-L8223）。"""
    with transaction(db_session):
        row = service.add_listing(db_session=db_session, clock=clock, actor=actor, data=body)
    return reads.listings(db_session, actor, [row], local_today(clock))[0]


@router.post("/blacklist/{entry_id}/remove", response_model=BlacklistRead)
def remove_listing(
    entry_id: RowId, body: RemoveIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> BlacklistRead:
    """提前移出名单（写明理由）。"""
    with transaction(db_session):
        row = service.remove_listing(db_session=db_session, clock=clock, actor=actor, entry_id=entry_id, data=body)
    return reads.listings(db_session, actor, [row], local_today(clock))[0]


# --- the enterprise -------------------------------------------------------------------------------------------------


@router.get("/enterprises/{organisation_id}", response_model=EnterpriseEnforcementRead)
def enterprise(
    organisation_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> EnterpriseEnforcementRead:
    """企业执法概况：主要负责人与实际控制人、黑名单与失信记录、违法行为、移交、隐患从宽或处罚、180日事故规则。"""
    row = service.enterprise(db_session=db_session, actor=actor, organisation_id=organisation_id)
    return reads.enterprise(db_session, actor, row, local_today(clock))


@router.post("/enterprises/{organisation_id}/accident-rule", response_model=SuspensionRead)
def accident_rule(
    organisation_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> SuspensionRead:
    """按事故记录评估：较大及以上事故或180日内2起及以上一般事故的工贸和非煤矿山企业，提出责令停产停业整顿。"""
    with transaction(db_session):
        service.propose_suspensions(db_session=db_session, clock=clock, actor=actor, enterprise_id=organisation_id)
    row = service.enterprise(db_session=db_session, actor=actor, organisation_id=organisation_id)
    return reads.suspension(db_session, row)

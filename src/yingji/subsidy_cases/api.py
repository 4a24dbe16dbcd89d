"""/api/subsidy-cases: household subsidy cases (南平房区 renovation and renewal, use-first-pay-later licences) — the
survey, each step of the workflow as its own POST, the stage documents, the stored calculations and the payments."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from yingji.core.http import read_bounded
from yingji.core.paging import Page, Paging, paged, slice_list
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.hazards import service as hazards_service
from yingji.subsidy_cases import reads, service
from yingji.subsidy_cases.models import DocumentKind
from yingji.subsidy_cases.schemas import (
    AcceptIn,
    ApproveIn,
    CalculationIn,
    CaseDetail,
    CaseFilters,
    CaseIn,
    CaseOrder,
    CaseRead,
    ContractorRead,
    DocumentRead,
    MilestoneIn,
    PaymentIn,
    ReasonIn,
    SpotCheckIn,
    StartIn,
    StepIn,
)

router = APIRouter(prefix="/api/subsidy-cases", tags=["补贴案件"])
DOCUMENT_CONTENT: dict[str, dict[str, Any]] = {t: {} for t in hazards_service.ATTACHMENT_TYPES}


def _detail(db_session: DbSession, clock: CurrentClock, actor: CurrentActor, case_id: int) -> CaseDetail:
    return reads.detail(db_session, clock, actor, service.get(db_session, actor, case_id))


@router.get("", response_model=Page[CaseRead])
def list_cases(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[CaseFilters, Query()],
    order: CaseOrder = CaseOrder.URGENT,
) -> Page[CaseRead]:
    """辖区内的补贴案件（默认紧急的在前：停滞、责令返工，其余按最久未办理的在前；分页）。"""
    found, total = service.cases(
        db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters, order=order
    )
    return paged(reads.rows(db_session, clock, actor, found), total, paging)


@router.post("", status_code=201, response_model=CaseDetail)
def create_case(body: CaseIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> CaseDetail:
    """摸底登记（方案规定的摸底机关；同一栋房屋只能有一件未撤回、未驳回的案件）。"""
    with transaction(db_session):
        row = service.create(db_session=db_session, clock=clock, actor=actor, data=body)
    return _detail(db_session, clock, actor, row.id)


@router.get("/contractors", response_model=Page[ContractorRead])
def list_contractors(db_session: DbSession, actor: CurrentActor, paging: Paging) -> Page[ContractorRead]:
    """本辖区案件中的施工企业：不合格次数与是否已清退（两次以上不符合质量标准的清退；不合格多的在前）。"""
    return slice_list(reads.contractors(db_session, actor), paging)


@router.get("/{case_id}", response_model=CaseDetail)
def get_case(case_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> CaseDetail:
    return _detail(db_session, clock, actor, case_id)


@router.post("/{case_id}/apply", response_model=CaseDetail)
def apply(case_id: RowId, body: StepIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> CaseDetail:
    """提出申请（须先上传申请书等材料）。"""
    with transaction(db_session):
        service.apply(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
    return _detail(db_session, clock, actor, case_id)


@router.post("/{case_id}/approve", response_model=CaseDetail)
def approve(
    case_id: RowId, body: ApproveIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CaseDetail:
    """批复（中间住户单独申请的须写明一事一议研究决定）。"""
    with transaction(db_session):
        service.approve(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
    return _detail(db_session, clock, actor, case_id)


@router.post("/{case_id}/reject", response_model=CaseDetail)
def reject(
    case_id: RowId, body: ReasonIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CaseDetail:
    """不予批复，说明理由。"""
    with transaction(db_session):
        service.reject(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
    return _detail(db_session, clock, actor, case_id)


@router.post("/{case_id}/withdraw", response_model=CaseDetail)
def withdraw(
    case_id: RowId, body: ReasonIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CaseDetail:
    """撤回（开工前）。"""
    with transaction(db_session):
        service.withdraw(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
    return _detail(db_session, clock, actor, case_id)


@router.post("/{case_id}/start", response_model=CaseDetail)
def start(case_id: RowId, body: StartIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> CaseDetail:
    """开工实施（先审批后实施；已清退的施工企业不得承接；施工许可路径须有施工许可证）。"""
    with transaction(db_session):
        service.start(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
    return _detail(db_session, clock, actor, case_id)


@router.post("/{case_id}/milestones", response_model=CaseDetail)
def milestone(
    case_id: RowId, body: MilestoneIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CaseDetail:
    """核实建设进度：主房建成、附属或凉房建成、凉房建成经退线验收通过。"""
    with transaction(db_session):
        service.milestone(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
    return _detail(db_session, clock, actor, case_id)


@router.post("/{case_id}/request-acceptance", response_model=CaseDetail)
def request_acceptance(
    case_id: RowId, body: StepIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CaseDetail:
    """申请验收。"""
    with transaction(db_session):
        service.request_acceptance(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
    return _detail(db_session, clock, actor, case_id)


@router.post("/{case_id}/spot-checks", response_model=CaseDetail)
def spot_check(
    case_id: RowId, body: SpotCheckIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CaseDetail:
    """质量抽查（不合格的责令返工或清场，计入施工企业的不合格次数）。"""
    with transaction(db_session):
        service.spot_check(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
    return _detail(db_session, clock, actor, case_id)


@router.post("/{case_id}/accept", response_model=CaseDetail)
def accept(
    case_id: RowId, body: AcceptIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CaseDetail:
    """验收（或奖补审核）：逐项按方案的标准判定；不合格的记录在案并责令返工。"""
    with transaction(db_session):
        service.accept(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
    return _detail(db_session, clock, actor, case_id)


@router.post("/{case_id}/calculations", status_code=201, response_model=CaseDetail)
def verify(
    case_id: RowId, body: CalculationIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CaseDetail:
    """核定补贴：按现场核实的情况计算并保存（输入、各项金额、依据和所采用的理解）；此后的支付以此为准。"""
    with transaction(db_session):
        service.verify(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
    return _detail(db_session, clock, actor, case_id)


@router.post("/{case_id}/payments", status_code=201, response_model=CaseDetail)
def pay(case_id: RowId, body: PaymentIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> CaseDetail:
    """登记支付：依据现行核定中支付条件已达到的款项，点对点支付到户，不得超过核定金额。"""
    with transaction(db_session):
        service.pay(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
    return _detail(db_session, clock, actor, case_id)


@router.post("/{case_id}/documents/{kind}", status_code=201, response_model=DocumentRead)
async def attach(
    case_id: RowId,
    kind: DocumentKind,
    filename: Annotated[str, Query(min_length=1, max_length=200)],
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> DocumentRead:
    """上传本环节的材料（请求体为文件内容，Content-Type 为 image/jpeg、image/png 或 application/pdf，≤10 MB）。"""
    data = await read_bounded(request, hazards_service.MAX_ATTACHMENT_BYTES, "材料")
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    with transaction(db_session):
        row = service.attach(
            db_session=db_session,
            clock=clock,
            actor=actor,
            case_id=case_id,
            kind=kind,
            filename=filename,
            content_type=content_type,
            data=data,
        )
    detail = _detail(db_session, clock, actor, case_id)
    return next(d for d in detail.documents if d.id == row.id)


@router.get(
    "/{case_id}/documents/{document_id}",
    response_class=Response,
    responses={200: {"content": DOCUMENT_CONTENT, "description": "材料原文件"}},
)
def get_document(case_id: RowId, document_id: RowId, db_session: DbSession, actor: CurrentActor) -> Response:
    row = service.document(db_session, actor, case_id, document_id)
    disposition = f"attachment; filename*=UTF-8''{quote(row.filename, safe='')}"
    return Response(row.data, media_type=row.content_type, headers={"Content-Disposition": disposition})

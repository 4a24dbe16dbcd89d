"""/api/duties: the duty definitions, each unit's dated instances (the calendar), submission with attachments,
waiving, compliance per unit and department, the monthly ranking and bulletin, and the units' reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from yingji.core.clock import local_today
from yingji.core.http import read_bounded
from yingji.core.paging import Page, Paging, paged, slice_list
from yingji.core.params import RowId
from yingji.db.session import end_reading, transaction
from yingji.deps import CurrentActor, CurrentClock, CurrentSettings, DbSession
from yingji.duties import policy, reads, reports, service
from yingji.duties.schema import Form
from yingji.duties.schemas import (
    MONTH_PATTERN,
    PERIOD_PATTERN,
    AttachmentRead,
    BulletinIn,
    ComplianceRead,
    DutyRead,
    InstanceFilters,
    InstanceRead,
    RankingRead,
    SubmissionIn,
    WaiveIn,
)
from yingji.hazards import service as hazards_service

router = APIRouter(prefix="/api/duties", tags=["履职任务"])
FILE_CONTENT: dict[str, dict[str, Any]] = {t: {} for t in hazards_service.ATTACHMENT_TYPES}
Month = Annotated[str, Query(pattern=MONTH_PATTERN, description="月份，如 2026-11")]


@router.get("/definitions", response_model=Page[DutyRead])
def list_definitions(actor: CurrentActor, paging: Paging) -> Page[DutyRead]:
    """常态化履职任务：频次、期限、承担单位、主管部门及原文出处（分页）。"""
    policy.scope(actor)  # the same role check as the calendar
    return slice_list(reads.definitions(actor), paging)


@router.get("/instances", response_model=Page[InstanceRead])
def list_instances(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[InstanceFilters, Query()],
) -> Page[InstanceRead]:
    """履职日历：各单位各期任务及其状态（待报送、临近期限、逾期未报、按时完成、逾期完成、免报），按期限排列。"""
    found, total = service.list_(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
    return paged(reads.instances(db_session, actor, found, local_today(clock)), total, paging)


@router.get("/instances/{instance_id}", response_model=InstanceRead)
def get_instance(instance_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> InstanceRead:
    found = service.get(db_session=db_session, actor=actor, instance_id=instance_id)
    return reads.instances(db_session, actor, [found], local_today(clock))[0]


@router.post("/instances/{instance_id}/submissions", status_code=201, response_model=InstanceRead)
def submit(
    instance_id: RowId, body: SubmissionIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> InstanceRead:
    """本单位报送（调度表、工作报告或开展情况记录）；报满规定次数即完成，完成或免报后不再接收。"""
    with transaction(db_session):
        found = service.submit(db_session=db_session, clock=clock, actor=actor, instance_id=instance_id, data=body)
        return reads.instances(db_session, actor, [found], local_today(clock))[0]


@router.post("/instances/{instance_id}/attachments", status_code=201, response_model=AttachmentRead)
async def add_attachment(
    instance_id: RowId,
    filename: Annotated[str, Query(min_length=1, max_length=200)],
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> AttachmentRead:
    """上传附件（报送前；请求体为文件内容，Content-Type 为 image/jpeg、image/png 或 application/pdf，≤10 MB）。"""
    data = await read_bounded(request, hazards_service.MAX_ATTACHMENT_BYTES, "附件")
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    with transaction(db_session):
        row = service.attach(
            db_session=db_session,
            clock=clock,
            actor=actor,
            instance_id=instance_id,
            filename=filename,
            content_type=content_type,
            data=data,
        )
        return AttachmentRead(
            id=row.id,
            filename=row.filename,
            content_type=row.content_type,
            size=row.size,
            url=f"/api/duties/instances/{instance_id}/attachments/{row.id}",
        )


@router.get(
    "/instances/{instance_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": FILE_CONTENT, "description": "附件原文件"}},
)
def get_attachment(instance_id: RowId, attachment_id: RowId, db_session: DbSession, actor: CurrentActor) -> Response:
    row = service.attachment(db_session=db_session, actor=actor, instance_id=instance_id, attachment_id=attachment_id)
    disposition = f"attachment; filename*=UTF-8''{quote(row.filename, safe='')}"
    return Response(row.data, media_type=row.content_type, headers={"Content-Disposition": disposition})


@router.post("/instances/{instance_id}/waive", response_model=InstanceRead)
def waive(
    instance_id: RowId, body: WaiveIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> InstanceRead:
    """免报（安委会办公室；须写明理由）。"""
    with transaction(db_session):
        found = service.waive(db_session=db_session, clock=clock, actor=actor, instance_id=instance_id, data=body)
        return reads.instances(db_session, actor, [found], local_today(clock))[0]


@router.get("/compliance/{file_id}", response_model=ComplianceRead)
def compliance(
    file_id: str,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    due_from: Annotated[date | None, Query(description="期限不早于（默认今年1月1日）")] = None,
    due_to: Annotated[date | None, Query(description="期限不晚于（默认今天）")] = None,
) -> ComplianceRead:
    """履职情况：各单位、各主管部门到期任务的按时完成、逾期完成、逾期未报及按时完成率。"""
    return reads.compliance(
        db_session=db_session, clock=clock, actor=actor, file_id=file_id, due_from=due_from, due_to=due_to
    )


@router.get("/ranking/{file_id}", response_model=RankingRead)
def ranking(file_id: str, month: Month, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> RankingRead:
    """月度晾晒排名：当月到期任务的按时完成率排名、逾期单位，及已发布的月通报。"""
    return reads.ranking(db_session=db_session, clock=clock, actor=actor, file_id=file_id, month=month)


@router.post("/ranking/{file_id}/bulletin", status_code=201, response_model=RankingRead)
def issue_bulletin(
    file_id: str, body: BulletinIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> RankingRead:
    """发布月通报（每月一次）：按当时的排名存档，并通知逾期单位。"""
    with transaction(db_session):
        service.issue_bulletin(db_session=db_session, clock=clock, actor=actor, file_id=file_id, data=body)
        return reads.ranking(db_session=db_session, clock=clock, actor=actor, file_id=file_id, month=body.month)


@router.get(
    "/reports/{file_id}/{form}",
    response_class=Response,
    responses={
        200: {
            "description": "报告：HTML（默认）、PDF、电子表格，或 JSON（format=json）",
            "model": reports.DutyReport,
            "content": {"text/html": {}, "application/pdf": {}, reports.XLSX_TYPE: {}},
        }
    },
)
def unit_reports(
    file_id: str,
    form: Literal["weekly_table", "monthly_report"],
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    settings: CurrentSettings,
    period: Annotated[
        str | None, Query(pattern=PERIOD_PATTERN, description="报告期：月报 2026-11，周调度表 2026-W48（默认本期）")
    ] = None,
    unit_id: Annotated[RowId | None, Query(description="只取一个单位（默认全部，合并成一份）")] = None,
    format: Annotated[Literal["html", "xlsx", "pdf", "json"], Query()] = "html",
) -> Response:
    """各单位的进展情况工作报告（附件3格式）或调度表：单个单位或合并，HTML、PDF、电子表格或 JSON。"""
    built = reports.build(
        db_session=db_session,
        clock=clock,
        actor=actor,
        file_id=file_id,
        form=Form(form),
        period=period,
        unit_id=unit_id,
    )
    end_reading(db_session)  # printing a PDF takes seconds: hold no transaction meanwhile
    return reports.render(built, format, chromium=settings.chromium)

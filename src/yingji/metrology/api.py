"""/api/metrology: the carbon-metrology instrument registry (碳计量器具管理平台) — instruments, calibration results,
the overdue report, CSV/xlsx export and an all-or-nothing import."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from yingji.auth.roles import Permission
from yingji.core.divisions import CODE_PATTERN
from yingji.core.http import read_bounded
from yingji.core.paging import Page, Paging, page_of, paged
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession, require
from yingji.metrology import service, transfer
from yingji.metrology.enums import CalibrationMethod, CalibrationResult, DueState, InstrumentStatus
from yingji.metrology.schemas import (
    CalibrationIn,
    CalibrationRead,
    CitedRead,
    InstrumentDetail,
    InstrumentIn,
    InstrumentRead,
    InstrumentUpdate,
    KindRead,
    OverdueReportRead,
    VocabularyRead,
)
from yingji.metrology.settings import defaults
from yingji.registry.schemas import ImportReportRead

router = APIRouter(prefix="/api/metrology", tags=["碳计量器具管理"])
READ = [Depends(require(Permission.REGISTRY_READ))]
WRITE = [Depends(require(Permission.REGISTRY_WRITE))]
IMPORT_LIMIT = 8 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
EXPORT_NAME = "碳计量器具台账"


def filters(
    organisation_id: Annotated[RowId | None, Query(description="企业（单位编号）")] = None,
    division: Annotated[str | None, Query(pattern=CODE_PATTERN, description="行政区划代码（含下级）")] = None,
    status: Annotated[InstrumentStatus | None, Query(description="状态")] = None,
    kind: Annotated[str | None, Query(max_length=40, description="器具类别")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=64, description="器具名称或出厂编号包含")] = None,
    carbon_only: Annotated[bool, Query(description="只列用于碳排放核算的器具")] = False,
    due_within: Annotated[
        int | None, Query(ge=0, le=3650, description="N 天内到期（含已超期和从未检定校准的在用器具）")
    ] = None,
    overdue: Annotated[bool, Query(description="只列超期未检或无检定校准记录的在用器具")] = False,
) -> service.Filters:
    return service.Filters(
        organisation_id=organisation_id,
        division=division,
        status=status,
        kind=kind,
        q=q,
        carbon_only=carbon_only,
        due_within=due_within,
        overdue=overdue,
    )


Filters = Annotated[service.Filters, Depends(filters)]


@router.get("/kinds", dependencies=READ, response_model=VocabularyRead)
def vocabulary() -> VocabularyRead:
    """器具类别、状态、检定/校准、结果与到期状态的取值，“即将到期”天数，以及平台依据（鄂府发〔2024〕64号）。"""
    found = defaults()
    return VocabularyRead(
        kinds=[KindRead(**k.model_dump()) for k in found.kinds],
        statuses=InstrumentStatus.labels(),
        methods=CalibrationMethod.labels(),
        results=CalibrationResult.labels(),
        due_states=DueState.labels(),
        due_soon_days=found.due_soon_days,
        basis=[CitedRead(**b.model_dump()) for b in found.basis],
    )


@router.get("/instruments", dependencies=READ, response_model=Page[InstrumentRead])
def list_instruments(
    db_session: DbSession, clock: CurrentClock, actor: CurrentActor, chosen: Filters, paging: Paging
) -> Page[InstrumentRead]:
    """管辖范围内的计量器具（企业账号：本企业；按编号，到期筛选时最早到期的在前；分页），可按企业、区划、状态、类别、
    名称或出厂编号、到期筛选。"""
    rows, total = service.list_(db_session=db_session, clock=clock, actor=actor, filters=chosen, params=paging)
    return paged(rows, total, paging)


@router.post("/instruments", status_code=201, dependencies=WRITE, response_model=InstrumentDetail)
def create_instrument(
    body: InstrumentIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> InstrumentDetail:
    """登记计量器具（同一企业内出厂编号不能重复）。"""
    with transaction(db_session):
        row = service.create(db_session=db_session, clock=clock, actor=actor, data=body)
    return service.detail(db_session=db_session, clock=clock, actor=actor, instrument_id=row.id)


@router.get("/instruments/{instrument_id}", dependencies=READ, response_model=InstrumentDetail)
def get_instrument(
    instrument_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> InstrumentDetail:
    """器具详情与全部检定校准记录，以及本账号现在可执行的操作。"""
    return service.detail(db_session=db_session, clock=clock, actor=actor, instrument_id=instrument_id)


@router.patch("/instruments/{instrument_id}", dependencies=WRITE, response_model=InstrumentDetail)
def update_instrument(
    instrument_id: RowId, body: InstrumentUpdate, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> InstrumentDetail:
    """修改器具信息或状态（报废不可恢复；检定校准不合格的器具须检定校准合格后才能恢复在用）。"""
    with transaction(db_session):
        service.update(db_session=db_session, clock=clock, actor=actor, instrument_id=instrument_id, data=body)
    return service.detail(db_session=db_session, clock=clock, actor=actor, instrument_id=instrument_id)


@router.get("/instruments/{instrument_id}/calibrations", dependencies=READ, response_model=Page[CalibrationRead])
def list_calibrations(
    instrument_id: RowId, db_session: DbSession, actor: CurrentActor, paging: Paging
) -> Page[CalibrationRead]:
    """一台器具的检定校准记录（最早的在前，分页）。"""
    rows, total = service.calibrations(db_session=db_session, actor=actor, instrument_id=instrument_id, params=paging)
    return page_of(rows, total, paging, service.calibration_read)


@router.post(
    "/instruments/{instrument_id}/calibrations", status_code=201, dependencies=WRITE, response_model=CalibrationRead
)
def record_calibration(
    instrument_id: RowId, body: CalibrationIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> CalibrationRead:
    """登记检定校准结果（只增不改）；下次检定校准日期 = 检定校准日期 + 周期；不合格即停用。"""
    with transaction(db_session):
        row = service.record_calibration(
            db_session=db_session, clock=clock, actor=actor, instrument_id=instrument_id, data=body
        )
        return service.calibration_read(row)


@router.get("/overdue", dependencies=READ, response_model=OverdueReportRead)
def overdue_report(
    db_session: DbSession, clock: CurrentClock, actor: CurrentActor, chosen: Filters
) -> OverdueReportRead:
    """超期报告：超期未检或无检定校准记录的在用器具，及各企业器具按状态、到期情况的统计。"""
    return service.overdue_report(db_session=db_session, clock=clock, actor=actor, filters=chosen)


def _download(content: bytes, media_type: str, suffix: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(EXPORT_NAME)}.{suffix}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get(
    "/export.csv",
    dependencies=READ,
    response_class=Response,
    responses={200: {"content": {CSV: {}}, "description": "台账（CSV）"}},
)
def export_csv(db_session: DbSession, clock: CurrentClock, actor: CurrentActor, chosen: Filters) -> Response:
    """导出台账（CSV，UTF-8 带 BOM；可直接再导入）。"""
    content = transfer.export_csv(db_session=db_session, clock=clock, actor=actor, filters=chosen)
    return _download(content, CSV, "csv")


@router.get(
    "/export.xlsx",
    dependencies=READ,
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "台账（xlsx）"}},
)
def export_xlsx(db_session: DbSession, clock: CurrentClock, actor: CurrentActor, chosen: Filters) -> Response:
    """导出台账（xlsx；可直接再导入）。"""
    content = transfer.export_xlsx(db_session=db_session, clock=clock, actor=actor, filters=chosen)
    return _download(content, XLSX, "xlsx")


@router.post("/import", dependencies=WRITE, response_model=ImportReportRead)
async def import_instruments(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    filename: Annotated[str, Query(max_length=200)] = "instruments.csv",
) -> ImportReportRead:
    """导入台账（请求体为 CSV 或 xlsx 文件内容，≤ 8 MB）；任一行不合格则全部不导入，并列出行号和字段。"""
    content = await read_bounded(request, IMPORT_LIMIT, "台账文件")

    def work() -> ImportReportRead:
        rows = transfer.check_table(db_session=db_session, clock=clock, actor=actor, content=content, filename=filename)
        with transaction(db_session):  # the write lock only for the writes, not while the file is read and checked
            report = transfer.write_rows(db_session=db_session, clock=clock, actor=actor, rows=rows)
            return ImportReportRead.model_validate(report.as_dict())

    return await run_in_threadpool(work)

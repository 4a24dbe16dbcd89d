"""/api/metrology: the carbon-metrology instrument registry (碳计量器具管理平台) — instruments, calibration results,
the overdue report, CSV/xlsx export and an all-or-nothing import."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from yingji.auth.roles import Permission
from yingji.core.divisions import CODE_PATTERN
from yingji.core.http import read_bounded
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession, require
from yingji.metrology import service, transfer
from yingji.metrology.enums import DUE_LABELS, METHOD_LABELS, RESULT_LABELS, STATUS_LABELS, InstrumentStatus
from yingji.metrology.schemas import CalibrationIn, InstrumentIn, InstrumentUpdate
from yingji.metrology.settings import defaults

router = APIRouter(prefix="/api/metrology", tags=["碳计量器具管理"])
READ = [Depends(require(Permission.REGISTRY_READ))]
WRITE = [Depends(require(Permission.REGISTRY_WRITE))]
IMPORT_LIMIT = 8 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_NAME = "碳计量器具台账"


def filters(
    organisation_id: Annotated[RowId | None, Query(description="企业（单位编号）")] = None,
    division: Annotated[str | None, Query(pattern=CODE_PATTERN, description="行政区划代码（含下级）")] = None,
    status: Annotated[InstrumentStatus | None, Query(description="状态")] = None,
    kind: Annotated[str | None, Query(max_length=40, description="器具类别")] = None,
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
        carbon_only=carbon_only,
        due_within=due_within,
        overdue=overdue,
    )


Filters = Annotated[service.Filters, Depends(filters)]


@router.get("/kinds", dependencies=READ)
def vocabulary() -> dict[str, Any]:
    """器具类别、状态、检定/校准、结果与到期状态的取值，“即将到期”天数，以及平台依据（鄂府发〔2024〕64号）。"""
    found = defaults()
    return {
        "kinds": [k.model_dump() for k in found.kinds],
        "statuses": {k.value: v for k, v in STATUS_LABELS.items()},
        "methods": {k.value: v for k, v in METHOD_LABELS.items()},
        "results": {k.value: v for k, v in RESULT_LABELS.items()},
        "due_states": {k.value: v for k, v in DUE_LABELS.items()},
        "due_soon_days": found.due_soon_days,
        "basis": [b.model_dump() for b in found.basis],
    }


@router.get("/instruments", dependencies=READ)
def list_instruments(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    chosen: Filters,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> list[dict[str, Any]]:
    """管辖范围内的计量器具（企业账号：本企业），可按企业、区划、状态、类别、到期筛选。"""
    return service.list_(db_session=db_session, clock=clock, actor=actor, filters=chosen, limit=limit)


@router.post("/instruments", status_code=201, dependencies=WRITE)
def create_instrument(
    body: InstrumentIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """登记计量器具（同一企业内出厂编号不能重复）。"""
    with transaction(db_session):
        row = service.create(db_session=db_session, clock=clock, actor=actor, data=body)
    return service.detail(db_session=db_session, clock=clock, actor=actor, instrument_id=row.id)


@router.get("/instruments/{instrument_id}", dependencies=READ)
def get_instrument(
    instrument_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """器具详情与全部检定校准记录。"""
    return service.detail(db_session=db_session, clock=clock, actor=actor, instrument_id=instrument_id)


@router.patch("/instruments/{instrument_id}", dependencies=WRITE)
def update_instrument(
    instrument_id: RowId, body: InstrumentUpdate, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """修改器具信息或状态（报废不可恢复；检定校准不合格的器具须检定校准合格后才能恢复在用）。"""
    with transaction(db_session):
        service.update(db_session=db_session, clock=clock, actor=actor, instrument_id=instrument_id, data=body)
    return service.detail(db_session=db_session, clock=clock, actor=actor, instrument_id=instrument_id)


@router.get("/instruments/{instrument_id}/calibrations", dependencies=READ)
def list_calibrations(instrument_id: RowId, db_session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    rows = service.calibrations(db_session=db_session, actor=actor, instrument_id=instrument_id)
    return [service.calibration_row(r) for r in rows]


@router.post("/instruments/{instrument_id}/calibrations", status_code=201, dependencies=WRITE)
def record_calibration(
    instrument_id: RowId, body: CalibrationIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """登记检定校准结果（只增不改）；下次检定校准日期 = 检定校准日期 + 周期；不合格即停用。"""
    with transaction(db_session):
        row = service.record_calibration(
            db_session=db_session, clock=clock, actor=actor, instrument_id=instrument_id, data=body
        )
        return service.calibration_row(row)


@router.get("/overdue", dependencies=READ)
def overdue_report(db_session: DbSession, clock: CurrentClock, actor: CurrentActor, chosen: Filters) -> dict[str, Any]:
    """超期报告：超期未检或无检定校准记录的在用器具，及各企业器具按状态、到期情况的统计。"""
    return service.overdue_report(db_session=db_session, clock=clock, actor=actor, filters=chosen)


def _download(content: bytes, media_type: str, suffix: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(EXPORT_NAME)}.{suffix}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/export.csv", dependencies=READ)
def export_csv(db_session: DbSession, clock: CurrentClock, actor: CurrentActor, chosen: Filters) -> Response:
    """导出台账（CSV，UTF-8 带 BOM；可直接再导入）。"""
    content = transfer.export_csv(db_session=db_session, clock=clock, actor=actor, filters=chosen)
    return _download(content, "text/csv; charset=utf-8", "csv")


@router.get("/export.xlsx", dependencies=READ)
def export_xlsx(db_session: DbSession, clock: CurrentClock, actor: CurrentActor, chosen: Filters) -> Response:
    """导出台账（xlsx；可直接再导入）。"""
    content = transfer.export_xlsx(db_session=db_session, clock=clock, actor=actor, filters=chosen)
    return _download(content, XLSX, "xlsx")


@router.post("/import", dependencies=WRITE)
async def import_instruments(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    filename: Annotated[str, Query(max_length=200)] = "instruments.csv",
) -> dict[str, Any]:
    """导入台账（请求体为 CSV 或 xlsx 文件内容，≤ 8 MB）；任一行不合格则全部不导入，并列出行号和字段。"""
    content = await read_bounded(request, IMPORT_LIMIT, "台账文件")

    def work() -> dict[str, Any]:
        with transaction(db_session):
            report = transfer.import_table(
                db_session=db_session, clock=clock, actor=actor, content=content, filename=filename
            )
            return report.as_dict()

    return await run_in_threadpool(work)

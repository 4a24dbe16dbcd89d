"""Registry and resources over HTTP: scoped lists and reads, audited writes, bulk import/export, nearest search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, Query, Request
from pydantic import Field, create_model

from yingji.auth.roles import Permission
from yingji.core.paging import Page, Paging, paged, paginate
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession, require
from yingji.registry import divisions, policy, reads, service
from yingji.registry import nearest as nearest_service
from yingji.registry.enums import ResourceKind, TeamKind
from yingji.registry.models import Division
from yingji.registry.schemas import DivisionFilters, DivisionRead, ImportReportRead, ResourceHitRead
from yingji.registry.specs import SPECS, EntitySpec

router = APIRouter(tags=["登记"])

# every table's rows in the import format; a table the caller may not read is left out
EXPORT_FIELDS: dict[str, Any] = {
    spec.name: (list[spec.row] | None, Field(default=None, description=spec.label))  # type: ignore[name-defined]
    for spec in SPECS
}
RegistryExport = create_model(
    "RegistryExport", __base__=YingjiModel, __doc__="导出的登记数据：{类别: [行…]}（可原样再导入）。", **EXPORT_FIELDS
)


@router.get("/api/divisions", response_model=Page[DivisionRead])
def list_divisions(
    db_session: DbSession,
    _: Annotated[object, Depends(require(Permission.REGISTRY_READ))],
    paging: Paging,
    filters: Annotated[DivisionFilters, Query()],
) -> Page[DivisionRead]:
    """行政区划（按代码排序，分页）：parent 列某一区划的直属下级（表单的级联选择），within 列其全部下级（含本级），
    也可按级别、名称筛选。"""
    found, total = paginate(db_session, divisions.listing(filters), paging, order_by=[Division.code])
    return paged(reads.division_reads(db_session, found), total, paging)


@router.post(
    "/api/registry/import",
    response_model=list[ImportReportRead],
    dependencies=[Depends(require(Permission.REGISTRY_WRITE))],
)
def import_bundle(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    bundle: Annotated[
        dict[str, list[dict[str, Any]]], Body(description="{类别: [行…]}，类别见 /api/registry/{entity}")
    ],
    partial: Annotated[bool, Query(description="只导入合格的行（默认：有任何不合格行则全部不导入）")] = False,
) -> list[ImportReportRead]:
    """批量导入（按名称新增或更新）；逐行报告不合格的行与字段。"""
    with transaction(db_session):
        reports = service.import_bundle(db_session=db_session, clock=clock, actor=actor, bundle=bundle, partial=partial)
    return [ImportReportRead.model_validate(r.as_dict()) for r in reports]


@router.get("/api/registry/export", response_model=RegistryExport, response_model_exclude_unset=True)
def export_bundle(db_session: DbSession, actor: CurrentActor) -> YingjiModel:
    """导出管辖范围内的全部登记数据（可原样再导入；无权查阅的类别不列出）。"""
    bundle: dict[str, list[YingjiModel]] = {}
    for spec in SPECS:
        if actor.has(policy.read_permission(spec)):
            rows = service.every(db_session=db_session, actor=actor, spec=spec)
            bundle[spec.name] = reads.export_all(db_session, spec, rows)
    return RegistryExport(**bundle)


@router.get("/api/resources/nearest", tags=["应急资源"], response_model=Page[ResourceHitRead])
def nearest(
    request: Request,
    db_session: DbSession,
    actor: CurrentActor,
    paging: Paging,
    lon: Annotated[float, Query(description="经度（WGS-84）")],
    lat: Annotated[float, Query(description="纬度（WGS-84）")],
    kind: ResourceKind | None = None,
    team_kind: Annotated[TeamKind | None, Query(description="救援队伍类型；地下非煤矿山事故须 mine_rescue")] = None,
    specialty: Annotated[str | None, Query(max_length=20, description="专家专业")] = None,
    mine_id: Annotated[RowId | None, Query(description="事发矿山：其协议救护队排在首位")] = None,
) -> Page[ResourceHitRead]:
    """按距离查找最近的应急资源（大圆距离，估算车程）：事发矿山的协议救护队在首位，其余由近及远、同距按编号；
    total 为符合条件的资源总数。"""
    index = request.app.state.resource_index.get(db_session)
    hits, total = nearest_service.ranked(
        db_session=db_session,
        actor=actor,
        index=index,
        lon=lon,
        lat=lat,
        kind=kind,
        team_kind=team_kind,
        specialty=specialty,
        mine_id=mine_id,
        limit=paging.limit,
        offset=paging.offset,
    )
    return paged(reads.hits(db_session, hits), total, paging)


def _entity_routes(spec: EntitySpec) -> None:
    """Register list / read / save routes for one entity; body, filters and answers are the entity's own types."""
    base = f"/api/registry/{spec.name}"

    def list_rows(
        db_session: DbSession, actor: CurrentActor, paging: Paging, filters: YingjiModel
    ) -> Page[YingjiModel]:
        found, total = service.list_(
            db_session=db_session,
            actor=actor,
            spec=spec,
            params=paging,
            filters=filters,  # type: ignore[arg-type]
        )
        return paged(reads.read_all(db_session, actor, spec, found), total, paging)

    def get_row(row_id: RowId, db_session: DbSession, actor: CurrentActor) -> YingjiModel:
        return reads.read_one(
            db_session, actor, spec, service.get(db_session=db_session, actor=actor, spec=spec, row_id=row_id)
        )

    def save_row(body: YingjiModel, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> YingjiModel:
        with transaction(db_session):
            row = service.save(db_session=db_session, clock=clock, actor=actor, spec=spec, data=body)
            return reads.read_one(db_session, actor, spec, row)

    # each entity's own types, for validation and the OpenAPI page
    list_rows.__annotations__["filters"] = Annotated[spec.filters, Query()]
    save_row.__annotations__["body"] = spec.schema

    filters = "、".join(f for f in spec.filters.model_fields)
    router.add_api_route(
        base,
        list_rows,
        methods=["GET"],
        response_model=Page[spec.read],  # type: ignore[name-defined]
        summary=f"列出{spec.label}",
        description=f"管辖范围内的{spec.label}（按编号，分页），可按 {filters} 筛选。",
    )
    router.add_api_route(
        f"{base}/{{row_id}}", get_row, methods=["GET"], response_model=spec.read, summary=f"查看{spec.label}"
    )
    router.add_api_route(
        base, save_row, methods=["POST"], response_model=spec.read, summary=f"登记或更新{spec.label}（按名称）"
    )


for _spec in SPECS:
    _entity_routes(_spec)


def install(app: FastAPI) -> None:
    app.state.resource_index = nearest_service.IndexCache()
    app.include_router(router)

"""Registry and resources over HTTP: scoped lists and reads, audited writes, bulk import/export, nearest search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, Query, Request
from sqlalchemy import select

from yingji.auth.roles import Permission
from yingji.core.params import MAX_ROW_ID, RowId
from yingji.core.schemas import YingjiModel
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession, require
from yingji.registry import nearest as nearest_service
from yingji.registry import service
from yingji.registry.enums import ResourceKind, TeamKind
from yingji.registry.models import Division
from yingji.registry.specs import SPECS, EntitySpec

router = APIRouter(tags=["登记"])


@router.get("/api/divisions")
def list_divisions(
    db_session: DbSession, _: Annotated[object, Depends(require(Permission.REGISTRY_READ))], parent: str | None = None
) -> list[dict[str, Any]]:
    """行政区划（按上级代码筛选）。"""
    query = select(Division).order_by(Division.code)
    if parent is not None:
        query = query.where(Division.parent_code == parent)
    return [
        {"code": d.code, "name": d.name, "level": d.level.value, "parent_code": d.parent_code}
        for d in db_session.scalars(query)
    ]


@router.post("/api/registry/import", dependencies=[Depends(require(Permission.REGISTRY_WRITE))])
def import_bundle(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    bundle: Annotated[
        dict[str, list[dict[str, Any]]], Body(description="{类别: [行…]}，类别见 /api/registry/{entity}")
    ],
    partial: Annotated[bool, Query(description="只导入合格的行（默认：有任何不合格行则全部不导入）")] = False,
) -> list[dict[str, object]]:
    """批量导入（按名称新增或更新）；逐行报告不合格的行与字段。"""
    with transaction(db_session):
        reports = service.import_bundle(db_session=db_session, clock=clock, actor=actor, bundle=bundle, partial=partial)
    return [r.as_dict() for r in reports]


@router.get("/api/registry/export")
def export_bundle(db_session: DbSession, actor: CurrentActor) -> dict[str, list[dict[str, Any]]]:
    """导出管辖范围内的全部登记数据（可原样再导入）。"""
    bundle: dict[str, list[dict[str, Any]]] = {}
    for spec in SPECS:
        permission = Permission.RESOURCES_READ if spec.scope.value == "resource" else Permission.REGISTRY_READ
        if actor.has(permission):
            bundle[spec.name] = service.export_rows(db_session=db_session, actor=actor, spec=spec)
    return bundle


@router.get("/api/resources/nearest", tags=["应急资源"])
def nearest(
    request: Request,
    db_session: DbSession,
    actor: CurrentActor,
    lon: Annotated[float, Query(description="经度（WGS-84）")],
    lat: Annotated[float, Query(description="纬度（WGS-84）")],
    kind: ResourceKind | None = None,
    team_kind: Annotated[TeamKind | None, Query(description="救援队伍类型；地下非煤矿山事故须 mine_rescue")] = None,
    specialty: Annotated[str | None, Query(max_length=20, description="专家专业")] = None,
    mine_id: Annotated[RowId | None, Query(description="事发矿山：其协议救护队排在首位")] = None,
    limit: Annotated[int, Query()] = 10,
) -> list[dict[str, Any]]:
    """按距离查找最近的应急资源（大圆距离，估算车程）。"""
    index = request.app.state.resource_index.get(db_session)
    hits = nearest_service.nearest(
        db_session=db_session,
        actor=actor,
        index=index,
        lon=lon,
        lat=lat,
        kind=kind,
        team_kind=team_kind,
        specialty=specialty,
        mine_id=mine_id,
        limit=limit,
    )
    return [{**h.__dict__, "kind": h.kind.value} for h in hits]


def _entity_routes(spec: EntitySpec) -> None:
    """Register list / read / save routes for one entity; the body type is the entity's own input schema."""
    base = f"/api/registry/{spec.name}"
    schema: type[YingjiModel] = spec.schema

    def list_rows(
        db_session: DbSession,
        actor: CurrentActor,
        division_code: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=MAX_ROW_ID)] = 0,
    ) -> list[dict[str, Any]]:
        rows = service.list_(
            db_session=db_session, actor=actor, spec=spec, division_code=division_code, limit=limit, offset=offset
        )
        return [service.to_row(db_session, spec, r) for r in rows]

    def get_row(row_id: RowId, db_session: DbSession, actor: CurrentActor) -> dict[str, Any]:
        return service.to_row(
            db_session, spec, service.get(db_session=db_session, actor=actor, spec=spec, row_id=row_id)
        )

    def save_row(body: YingjiModel, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
        with transaction(db_session):
            row = service.save(db_session=db_session, clock=clock, actor=actor, spec=spec, data=body)
            return service.to_row(db_session, spec, row)

    save_row.__annotations__["body"] = schema  # each entity's own body type, for validation and the OpenAPI page

    router.add_api_route(base, list_rows, methods=["GET"], summary=f"列出{spec.label}", tags=["登记"])
    router.add_api_route(f"{base}/{{row_id}}", get_row, methods=["GET"], summary=f"查看{spec.label}", tags=["登记"])
    router.add_api_route(base, save_row, methods=["POST"], summary=f"登记或更新{spec.label}（按名称）", tags=["登记"])


for _spec in SPECS:
    _entity_routes(_spec)


def install(app: FastAPI) -> None:
    app.state.resource_index = nearest_service.IndexCache()
    app.include_router(router)

"""资源 pages: rescue teams, experts, depots, shelters and transport in the caller's scope, the nearest-resource
search, and one page per registry record (the map's click-through)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.errors import InvalidInput, NotFound, YingjiError
from yingji.core.paging import Page, PageParams, Paging, paged
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.deps import CurrentClock, DbSession
from yingji.registry import nearest, reads
from yingji.registry import service as registry
from yingji.registry.enums import ResourceKind
from yingji.registry.schemas import RegistryFilters, ResourceHitRead
from yingji.registry.specs import BY_NAME, SPEC_OF_RESOURCE, EntitySpec
from yingji.web.common import Viewer, divisions_in_scope, error_page, page

router = APIRouter(include_in_schema=False)

FIELD_LABELS = {
    "id": "编号",
    "name": "名称",
    "kind": "类型",
    "level": "级别",
    "division_code": "行政区划",
    "address": "地址",
    "lon": "经度",
    "lat": "纬度",
    "unit_name": "所属单位",
    "organisation": "所属单位",
    "enterprise": "企业",
    "headcount": "人数",
    "contact_person": "联系人",
    "phone": "电话",
    "contact_phone": "联系电话",
    "duty_phone": "值班电话",
    "specialties": "专业",
    "capacity": "容量",
    "status": "状态",
    "sector": "行业",
    "grade": "等级",
    "pond_grade": "等别",
    "contracted_team": "协议救护队",
    "annual_capacity_t": "核定产能（吨/年）",
    "credit_code": "统一社会信用代码",
    "principal_name": "主要负责人",
    "principal_phone": "负责人电话",
    "controller_name": "实际控制人",
    "controller_phone": "实际控制人电话",
    "supervising": "监管部门",
    "substances": "危险物质",
    "standardisation_grade": "标准化等级",
    "vehicle_type": "车辆类型",
    "title": "职称",
    "unit": "单位",
    "depot": "储备库",
    "item": "物资",
    "quantity": "数量",
    "expires_on": "有效期至",
    "is_overhead": "头顶库",
    "has_emergency_broadcast": "应急广播",
    "is_synthetic": "演示数据",
}
NEAREST_SHOWN = 20
TABLE_FILTERS = ("division", "q")  # the table's own filters (lon, lat and kind belong to the nearest search)


def _search(request: Request, db_session: Session, actor: Actor) -> tuple[Page[ResourceHitRead] | None, str | None]:
    """The nearest search from the query string; a bad value is reported on the page, not raised."""
    params = request.query_params
    if "lon" not in params:
        return None, None
    try:
        lon, lat = float(params["lon"]), float(params.get("lat", ""))
        kind = ResourceKind(params["kind"]) if params.get("kind") else None
    except ValueError:
        return None, "经度、纬度须为数字，类型须从列表中选择"
    index = request.app.state.resource_index.get(db_session)
    shown = PageParams(limit=NEAREST_SHOWN)
    try:
        found, total = nearest.ranked(
            db_session=db_session, actor=actor, index=index, lon=lon, lat=lat, kind=kind, limit=shown.limit
        )
    except InvalidInput as err:  # the search's own rule (coordinates within China), in its own words
        return None, err.render()
    return paged(reads.hits(db_session, found), total, shown), None


def _table(
    request: Request, db_session: Session, actor: Actor, paging: PageParams
) -> tuple[EntitySpec, RegistryFilters, Page[YingjiModel] | None, str | None]:
    """One resource table (the tab chosen), filtered by division and name, paged."""
    params = request.query_params
    spec = BY_NAME.get(params.get("entity", ""), BY_NAME[SPEC_OF_RESOURCE[ResourceKind.RESCUE_TEAM]])
    if spec.name not in SPEC_OF_RESOURCE.values():
        spec = BY_NAME[SPEC_OF_RESOURCE[ResourceKind.RESCUE_TEAM]]
    try:
        filters = spec.filters.model_validate({k: params[k] for k in TABLE_FILTERS if params.get(k)})
    except ValidationError:
        return spec, spec.filters(), None, "行政区划须为6位、9位或12位代码，名称不超过60字"
    found, total = registry.list_(db_session=db_session, actor=actor, spec=spec, params=paging, filters=filters)
    return spec, filters, paged(reads.read_all(db_session, actor, spec, found), total, paging), None


@router.get("/console/resources", response_class=HTMLResponse)
def resources(
    request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:
    spec, filters, rows, table_problem = _table(request, db_session, actor, paging)
    hits, problem = _search(request, db_session, actor)
    return page(
        request,
        actor,
        clock,
        "resources.html",
        entity=spec.name,
        tabs={name: BY_NAME[name].label for name in SPEC_OF_RESOURCE.values()},
        rows=rows,
        filters=filters,
        table_problem=table_problem,
        divisions=divisions_in_scope(db_session, actor),
        hits=hits,
        problem=problem,
        kinds=ResourceKind.labels(),
        query=request.query_params,
    )


def record_fields(spec: EntitySpec, read: YingjiModel) -> list[tuple[str, Any]]:
    """A record as a person reads it: Chinese field names, labels instead of enum values, the division's name beside
    its code; ids, labels already shown and actions are left out."""
    values = read.model_dump()
    hidden = {"id", "division_name", "allowed_actions"} | {f"{r.field}_id" for r in spec.refs}
    fields: list[tuple[str, Any]] = []
    for name, value in values.items():
        if name in hidden or name.endswith("_label") or value in (None, "", []):
            continue
        if f"{name}_label" in values:
            value = values[f"{name}_label"]
        elif name == "division_code":
            value = f"{values['division_name']}（{value}）"
        elif isinstance(value, bool):
            value = "是" if value else "否"
        fields.append((FIELD_LABELS.get(name, name), value))
    return fields


@router.get("/console/records/{entity}/{row_id}", response_class=HTMLResponse)
def record(
    entity: str, row_id: RowId, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    try:
        spec = BY_NAME.get(entity)
        if spec is None:
            raise NotFound(kind="登记类别", key=entity)
        found = registry.get(db_session=db_session, actor=actor, spec=spec, row_id=row_id)
    except YingjiError as err:
        return error_page(request, actor, clock, err)
    row = reads.read_one(db_session, actor, spec, found)
    fields = record_fields(spec, row)
    return page(request, actor, clock, "record.html", label=spec.label, row=row, fields=fields, entity=entity)

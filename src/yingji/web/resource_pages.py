"""资源 pages: rescue teams, experts, depots, shelters and transport in the caller's scope, the nearest-resource
search, and one page per registry record (the map's click-through)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.errors import InvalidInput, NotFound, YingjiError
from yingji.core.params import RowId
from yingji.deps import CurrentClock, DbSession
from yingji.registry import nearest
from yingji.registry import service as registry
from yingji.registry.enums import ResourceKind
from yingji.registry.specs import BY_NAME, SPEC_OF_RESOURCE
from yingji.web.common import Viewer, error_page, page

router = APIRouter(include_in_schema=False)

KIND_LABELS = {kind: BY_NAME[entity].label for kind, entity in SPEC_OF_RESOURCE.items()}
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
    "is_overhead": "高位",
    "is_synthetic": "演示数据",
}
LISTED = 300


def _search(request: Request, db_session: Session, actor: Actor) -> tuple[list[nearest.Hit], str | None]:
    """The nearest search from the query string; a bad value is reported on the page, not raised."""
    params = request.query_params
    if "lon" not in params:
        return [], None
    try:
        lon, lat = float(params["lon"]), float(params.get("lat", ""))
        kind = ResourceKind(params["kind"]) if params.get("kind") else None
    except ValueError:
        return [], "经度、纬度须为数字，类型须从列表中选择"
    index = request.app.state.resource_index.get(db_session)
    try:
        hits = nearest.nearest(db_session=db_session, actor=actor, index=index, lon=lon, lat=lat, kind=kind, limit=20)
    except InvalidInput as err:  # the search's own rule (coordinates within China), in its own words
        return [], err.render()
    return hits, None


@router.get("/console/resources", response_class=HTMLResponse)
def resources(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    tables = {}
    for name in SPEC_OF_RESOURCE.values():
        spec = BY_NAME[name]
        tables[name] = (spec.label, registry.list_(db_session=db_session, actor=actor, spec=spec, limit=LISTED))
    hits, problem = _search(request, db_session, actor)
    return page(
        request,
        actor,
        clock,
        "resources.html",
        tables=tables,
        hits=hits,
        problem=problem,
        kinds=KIND_LABELS,
        query=request.query_params,
    )


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
    row = registry.to_row(db_session, spec, found)
    fields = [(FIELD_LABELS.get(k, k), v) for k, v in row.items() if v not in (None, "", [])]
    return page(request, actor, clock, "record.html", label=spec.label, row=row, fields=fields, entity=entity)

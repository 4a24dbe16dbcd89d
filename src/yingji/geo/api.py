"""/api/map: the 一张图's layers and radius query, and /api/screen: the 指挥大屏's panels — each in the caller's
jurisdiction (street and community accounts have no map: 403)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.geo import screen, service
from yingji.geo.schemas import IncidentRef, Lat, Lon, MapRead, RadiusKm, RadiusRead, ScreenRead

router = APIRouter(prefix="/api", tags=["一张图"])


@router.get("/map/layers", response_model=MapRead)
def layers(db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> MapRead:
    """本辖区一张图：绘制的盟市与突出显示的旗县区、各图层（矿山、尾矿库、报警场所、重大危险源、事故、队伍、储备库、
    避难场所、专家）及生效中的预警覆盖的旗县区。"""
    return service.layers(db_session=db_session, clock=clock, actor=actor)


@router.get("/map/radius", response_model=RadiusRead)
def radius(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    km: RadiusKm,
    lon: Lon | None = None,
    lat: Lat | None = None,
    incident_id: IncidentRef = None,
) -> RadiusRead:
    """以一点（lon/lat）或一起事故为中心、km 公里内的救援队伍、储备库、避难场所（含容纳人数）与运输保障，
    由近及远，附直线距离与估算车程。"""
    index = request.app.state.resource_index.get(db_session)
    return service.radius(
        db_session=db_session,
        clock=clock,
        actor=actor,
        index=index,
        radius_km=km,
        lon=lon,
        lat=lat,
        incident_id=incident_id,
    )


@router.get("/screen", response_model=ScreenRead, tags=["指挥大屏"])
def command_screen(db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> ScreenRead:
    """指挥大屏的各面板：处置中的事故与最近的报告时限、生效中的预警、报警、隐患、资源、今日值班及三张统计图。"""
    return screen.screen(db_session=db_session, clock=clock, actor=actor)

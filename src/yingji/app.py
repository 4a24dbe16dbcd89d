"""create_app(): mounts the domain routers, installs the one error handler and the request guard."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import Field
from sqlalchemy import Engine, text
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from yingji import __version__, metrics
from yingji.assess.api import router as assess_router
from yingji.audit.api import router as audit_router
from yingji.auth.api import router as auth_router
from yingji.auth.roles import Permission
from yingji.config import Settings, get_settings
from yingji.core.clock import Clock, SystemClock
from yingji.core.guard import BodyLimit, GuardPolicy, RequestGuard
from yingji.core.http import install_error_handlers
from yingji.core.inputs import refuse_control_characters
from yingji.core.schemas import YingjiModel
from yingji.db.session import make_sessionmaker, reading
from yingji.deps import SESSION_COOKIE, CurrentActor, CurrentClock
from yingji.duties.api import router as duties_router
from yingji.duty.api import router as duty_router
from yingji.emissions.api import router as emissions_router
from yingji.enforcement.api import router as enforcement_router
from yingji.geo.api import router as geo_router
from yingji.hazards import service as hazards_service
from yingji.hazards.api import router as hazards_router
from yingji.hazards.schema import checklists, ladder
from yingji.inbox.api import router as inbox_router
from yingji.incidents import photos as incident_photos
from yingji.incidents.api import router as incidents_router
from yingji.ledger.api import router as ledger_router
from yingji.ledger.schema import campaigns, subplans, target_plans
from yingji.liaisons.api import router as liaisons_router
from yingji.metrology import api as metrology_api
from yingji.metrology.api import router as metrology_router
from yingji.monitoring import api as monitoring_api
from yingji.monitoring.api import router as monitoring_router
from yingji.monitoring.cluster import status as cluster_status_read
from yingji.monitoring.engine import MonitoringEngine
from yingji.monitoring.networking import api as networking_api
from yingji.monitoring.networking import parser as networking_parser
from yingji.monitoring.schema import default_rules
from yingji.plan_registry.api import router as plan_registry_router
from yingji.plans import loader
from yingji.plans.api import router as plans_router
from yingji.programmes.api import rehab_router
from yingji.programmes.api import router as programmes_router
from yingji.programmes.schema import programmes, rehab_rules
from yingji.property import api as property_api
from yingji.property.api import router as property_router
from yingji.registry import api as registry_api
from yingji.risks.api import router as risks_router
from yingji.search.api import router as search_router
from yingji.subsidies.api import router as subsidies_router
from yingji.subsidies.schema import programmes as subsidy_programmes
from yingji.subsidy_cases.api import router as subsidy_cases_router
from yingji.subsidy_cases.schema import programmes as subsidy_case_programmes
from yingji.supervision.api import router as supervision_router
from yingji.tips import api as tips_api
from yingji.tips.api import router as tips_router
from yingji.tips.schema import reward_rules
from yingji.warnings.api import router as warnings_router
from yingji.warnings.external_api import BODY_LIMIT as EXTERNAL_WARNINGS_LIMIT
from yingji.warnings.external_api import router as external_warnings_router
from yingji.web import assets as web_assets
from yingji.web import pages as web_pages

SMALL_JSON = 1024 * 1024  # every route not listed below
BATCH = monitoring_api.MAX_BODY  # data batches: gateway readings, registry bundles, gridded weather data
# Route classes by method and path; the uploads keep the figures their handlers check (read_bounded/read_model).
GUARD = GuardPolicy(
    limits=(
        BodyLimit("POST", r"/api/monitoring/readings", BATCH, "每批数据包"),
        BodyLimit("POST", networking_api.UPLOAD_PATH, networking_parser.MAX_FILE_BYTES, "联网数据文件"),
        BodyLimit("POST", r"/api/registry/import", BATCH, "每批导入数据"),
        BodyLimit("POST", r"/api/warnings/weather/assess", BATCH, "监测与预报数据"),
        BodyLimit("POST", r"/api/hazards/[0-9]+/attachments", hazards_service.MAX_ATTACHMENT_BYTES, "附件"),
        BodyLimit("POST", r"/api/enforcement/findings/[0-9]+/photos", hazards_service.MAX_ATTACHMENT_BYTES, "照片"),
        BodyLimit("POST", r"/api/incidents/[0-9]+/photos", incident_photos.MAX_PHOTO_BYTES, "照片"),
        BodyLimit("POST", r"/api/property/survey/import", property_api.SURVEY_LIMIT, "统计表文件"),
        BodyLimit("POST", r"/api/metrology/import", metrology_api.IMPORT_LIMIT, "台账文件"),
        BodyLimit("POST", r"/api/warnings/external", EXTERNAL_WARNINGS_LIMIT, "外部预警"),
        BodyLimit("POST", r"/api/tips/public", tips_api.PUBLIC_BODY_LIMIT, "举报内容"),
        BodyLimit("POST", r"/api/property/public/complaints", property_api.PUBLIC_BODY_LIMIT, "诉求内容"),
    ),
    default=BodyLimit("*", ".*", SMALL_JSON, "请求内容"),
    # login, the public forms, and delivery receipts (the recipient proves itself with the token, not a login)
    open_writes=(
        r"/api/auth/login",
        r"/api/tips/public",
        r"/api/property/public/.+",
        r"/api/warnings/deliveries/\d+/ack",
    ),
    login_path="/api/auth/login",
    session_cookie=SESSION_COOKIE,
)


class HealthRead(YingjiModel):
    """What a load balancer or an operator checks: the database answers, plans are loaded, who runs the engine."""

    status: str
    database: str = Field(description="数据库类型（sqlite、postgresql）")
    plans: int = Field(description="已加载的预案数")
    engine_owner: bool = Field(description="本进程是否负责监测引擎")


def create_app(
    engine: Engine, *, clock: Clock | None = None, trusted_proxies: str = "", settings: Settings | None = None
) -> FastAPI:
    """Build the API around an engine the caller created (and migrated); tests pass a fixed clock and may pass
    their own settings (routes read them from app.state, never from the environment).
    ``trusted_proxies`` (addresses or networks, comma-separated) may set the scheme by X-Forwarded-Proto."""
    app = FastAPI(
        title="应急 Yingji",
        version=__version__,
        description="安全生产监管与应急管理平台 API",
        docs_url=None,  # served below with Swagger UI from this platform, not FastAPI's CDN page
        openapi_url="/api/openapi.json",
        redoc_url=None,
        dependencies=[Depends(refuse_control_characters)],
    )
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.clock = clock or SystemClock()
    app.state.settings = settings or get_settings()  # throttling figures; tests pass their own
    app.state.monitor = MonitoringEngine()  # loaded from the database on first use
    app.state.edge = None  # serve --role edge: the cluster's publisher (monitoring.cluster.edge.EdgeRunner)
    install_error_handlers(app)
    app.add_middleware(RequestGuard, policy=GUARD)
    if trusted_proxies:  # outermost: the guard and the login see the scheme the browser used
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted_proxies)
    loader.all_plans()  # fail at start, not on the first call, if a plan file is broken
    default_rules()  # likewise the threshold rules
    checklists(), ladder(), campaigns(), subplans(), target_plans(), reward_rules()  # and the prevention data files
    programmes(), rehab_rules(), subsidy_programmes(), subsidy_case_programmes()  # and the administrative programmes

    @app.get("/healthz", tags=["运维"], response_model=HealthRead)
    def healthz() -> HealthRead:
        """健康检查：数据库可连接、预案已加载、本进程是否负责监测引擎。"""
        with reading(app.state.sessionmaker) as db_session:
            db_session.execute(text("SELECT 1"))
        owner = app.state.monitor.owns()
        plans = len(loader.all_plans())
        return HealthRead(status="ok", database=engine.dialect.name, plans=plans, engine_owner=owner)

    @app.get(
        "/metrics", tags=["运维"], response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}}
    )
    def metrics_endpoint(actor: CurrentActor, clock: CurrentClock) -> Response:
        """运行指标（Prometheus 文本格式）：读数与批次用时、监测引擎负责权与接管、活动报警、通知积压与延迟、联网中断；
        需 ops.read 权限（运维监控账号的 API 令牌）。"""
        actor.require(Permission.OPS_READ)
        body = metrics.render(app.state.sessionmaker, app.state.monitor, clock.now())
        return Response(content=body, media_type=CONTENT_TYPE_LATEST)

    @app.get("/api/ops/cluster", tags=["运维"], response_model=cluster_status_read.ClusterStatusRead)
    def cluster_status(actor: CurrentActor) -> cluster_status_read.ClusterStatusRead:
        """监测集群状态：每个分区的负责进程、租约纪元与剩余时间、已提交序号、积压（条）与最近提交时间，以及在线的工作进程；
        单进程模式（或 SQLite）下为空。需 ops.read 权限。"""
        with reading(app.state.sessionmaker) as db_session:
            return cluster_status_read.read(
                db_session, actor, edge=app.state.edge is not None, alive_s=app.state.settings.cluster_lease_s
            )

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return web_assets.docs_page(app.title, app.openapi_url or "/api/openapi.json")

    app.include_router(auth_router)
    app.include_router(audit_router)
    app.include_router(assess_router)
    app.include_router(liaisons_router)  # before /api/plans/{plan_id}
    app.include_router(plans_router)
    app.include_router(plan_registry_router)
    app.include_router(monitoring_router)
    registry_api.install(app)
    app.include_router(incidents_router)
    app.include_router(inbox_router)
    app.include_router(external_warnings_router)  # before /api/warnings/{warning_id}
    app.include_router(warnings_router)
    app.include_router(risks_router)
    app.include_router(hazards_router)
    app.include_router(enforcement_router)
    app.include_router(emissions_router)
    app.include_router(supervision_router)
    app.include_router(tips_router)
    app.include_router(ledger_router)
    app.include_router(property_router)
    app.include_router(programmes_router)
    app.include_router(rehab_router)
    app.include_router(subsidies_router)
    app.include_router(subsidy_cases_router)
    app.include_router(metrology_router)
    app.include_router(duty_router)
    app.include_router(duties_router)
    app.include_router(search_router)
    app.include_router(geo_router)
    web_pages.install(app)
    app.include_router(web_assets.router)
    return app

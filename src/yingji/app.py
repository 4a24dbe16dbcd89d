"""create_app(): mounts the domain routers and installs the one error handler."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine, text

from yingji import __version__
from yingji.assess.api import router as assess_router
from yingji.audit.api import router as audit_router
from yingji.auth.api import router as auth_router
from yingji.core.clock import Clock, SystemClock
from yingji.core.http import install_error_handlers
from yingji.db.session import make_sessionmaker
from yingji.hazards.api import router as hazards_router
from yingji.hazards.schema import checklists, ladder
from yingji.incidents.api import router as incidents_router
from yingji.ledger.api import router as ledger_router
from yingji.ledger.schema import campaigns, target_plans
from yingji.metrology.api import router as metrology_router
from yingji.monitoring.api import router as monitoring_router
from yingji.monitoring.engine import MonitoringEngine
from yingji.monitoring.schema import default_rules
from yingji.plan_registry.api import router as plan_registry_router
from yingji.plans import loader
from yingji.plans.api import router as plans_router
from yingji.programmes.api import rehab_router
from yingji.programmes.api import router as programmes_router
from yingji.programmes.schema import programmes, rehab_rules
from yingji.property.api import router as property_router
from yingji.registry import api as registry_api
from yingji.subsidies.api import router as subsidies_router
from yingji.subsidies.schema import programmes as subsidy_programmes
from yingji.tips.api import router as tips_router
from yingji.tips.schema import reward_rules
from yingji.warnings.api import router as warnings_router
from yingji.web import assets as web_assets
from yingji.web import mapdata as web_map
from yingji.web import pages as web_pages


def create_app(engine: Engine, *, clock: Clock | None = None) -> FastAPI:
    """Build the API around an engine the caller created (and migrated); tests pass a fixed clock."""
    app = FastAPI(
        title="应急 Yingji",
        version=__version__,
        description="安全生产监管与应急管理平台 API",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.clock = clock or SystemClock()
    app.state.monitor = MonitoringEngine()  # loaded from the database on first use
    install_error_handlers(app)
    loader.all_plans()  # fail at start, not on the first call, if a plan file is broken
    default_rules()  # likewise the threshold rules
    checklists(), ladder(), campaigns(), target_plans(), reward_rules()  # and the prevention data files
    programmes(), rehab_rules(), subsidy_programmes()  # and the administrative programmes

    @app.get("/healthz", tags=["运维"])
    def healthz() -> dict[str, object]:
        """健康检查：数据库可连接、预案已加载。"""
        with app.state.sessionmaker() as db_session:
            db_session.execute(text("SELECT 1"))
        return {"status": "ok", "database": engine.dialect.name, "plans": len(loader.all_plans())}

    app.include_router(auth_router)
    app.include_router(audit_router)
    app.include_router(assess_router)
    app.include_router(plans_router)
    app.include_router(plan_registry_router)
    app.include_router(monitoring_router)
    registry_api.install(app)
    app.include_router(incidents_router)
    app.include_router(warnings_router)
    app.include_router(hazards_router)
    app.include_router(tips_router)
    app.include_router(ledger_router)
    app.include_router(property_router)
    app.include_router(programmes_router)
    app.include_router(rehab_router)
    app.include_router(subsidies_router)
    app.include_router(metrology_router)
    web_pages.install(app)
    app.include_router(web_assets.router)
    app.include_router(web_map.router)
    return app

"""The one command line: ``yingji`` with serve, assess and each domain's sub-app."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from typer._click.exceptions import ClickException  # typer vendors click; its usage errors are these

from yingji.assess.cli import assess
from yingji.audit.cli import app as audit_app
from yingji.auth.cli import app as users_app
from yingji.calendars.cli import app as calendar_app
from yingji.core.errors import YingjiError
from yingji.hazards.cli import app as hazards_app
from yingji.incidents.cli import app as incidents_app
from yingji.incidents.cli import worker
from yingji.ledger.cli import app as ledger_app
from yingji.metrology.cli import app as metrology_app
from yingji.monitoring.cli import app as monitoring_app
from yingji.monitoring.cli import simulate
from yingji.plan_registry.cli import calendar as plans_calendar
from yingji.plans.cli import app as plans_app
from yingji.programmes.cli import app as programmes_app
from yingji.property.cli import app as property_app
from yingji.registry.cli import app as registry_app
from yingji.registry.cli import demo_app
from yingji.subsidies.cli import app as subsidies_app
from yingji.warnings.cli import app as warnings_app

app = typer.Typer(help="应急 Yingji：安全生产监管与应急管理平台", no_args_is_help=True)
plans_app.command("calendar")(plans_calendar)
app.add_typer(plans_app, name="plans")
app.add_typer(calendar_app, name="calendar")
app.add_typer(registry_app, name="registry")
app.add_typer(demo_app, name="demo")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(incidents_app, name="incidents")
app.add_typer(warnings_app, name="warnings")
app.add_typer(monitoring_app, name="monitoring")
app.add_typer(hazards_app, name="hazards")
app.add_typer(ledger_app, name="ledger")
app.add_typer(property_app, name="property")
app.add_typer(programmes_app, name="programmes")
app.add_typer(subsidies_app, name="subsidies")
app.add_typer(metrology_app, name="metrology")
app.command("worker")(worker)
app.command("assess")(assess)
app.command("simulate")(simulate)

db_app = typer.Typer(help="数据库", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """把数据库结构迁移到最新版本（serve 启动时也会执行）。"""
    from yingji.config import get_settings
    from yingji.db.runtime import engine

    engine()
    typer.echo(f"数据库已是最新结构：{get_settings().resolved_database_url()}")
    _audit_key()


def _audit_key() -> None:
    """Create the audit key file at install (first start or upgrade); a lost one stops here with the remedy."""
    from yingji.audit import keys
    from yingji.db.runtime import session_scope

    with session_scope() as db_session:
        _keyring, created = keys.ensure(db_session)
    if created:
        typer.echo(f"已创建审计签名密钥文件（请与数据库分开备份）：{keys.default_path()}")


MQTT_CONFIRM_S = 10.0


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="监听地址，默认 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="端口，默认 8000")] = None,
    demo: Annotated[bool, typer.Option(help="数据库为空时载入演示数据")] = True,
    mqtt: Annotated[str | None, typer.Option(help="MQTT 代理 host:port，订阅 yingji/readings/# 接收网关数据")] = None,
) -> None:
    """启动平台（API 与控制台）。默认使用本机 SQLite 数据库；YINGJI_DATABASE_URL 可改用 PostgreSQL。"""
    import uvicorn

    from yingji.app import create_app
    from yingji.config import get_settings, setup_logging
    from yingji.db.runtime import engine, session_scope
    from yingji.registry import demo as demo_data

    settings = get_settings()
    setup_logging(settings.log_level)
    _audit_key()
    if demo:
        from yingji.auth.actor import SYSTEM
        from yingji.core.clock import SystemClock

        with session_scope() as db_session:
            if not demo_data.is_loaded(db_session):
                counts = demo_data.load(db_session=db_session, clock=SystemClock(), actor=SYSTEM)
                password, users = demo_data.ensure_demo_users(db_session=db_session, clock=SystemClock())
                demo_data.issue_demo_warnings(db_session=db_session, clock=SystemClock())
                typer.echo("已载入演示数据：" + "，".join(f"{k} {v}" for k, v in counts.items()))
                typer.echo(f"演示账号 {'、'.join(users)} 的密码（只显示这一次）：{password}")
            from yingji.plan_registry.service import register_bundled

            register_bundled(db_session=db_session, clock=SystemClock(), actor=SYSTEM)  # the six real plans
            from yingji.ledger.service import load as load_ledger

            load_ledger(db_session=db_session, clock=SystemClock(), actor=SYSTEM)  # campaign measures and targets
            from yingji.hazards.demo import load as load_demo_hazards

            load_demo_hazards(db_session=db_session, clock=SystemClock())  # only on a demo database without hazards
            from yingji.property.demo import load as load_demo_property

            load_demo_property(db_session=db_session, clock=SystemClock())  # only when no property company exists
            from yingji.metrology.demo import load as load_demo_metrology

            load_demo_metrology(db_session=db_session, clock=SystemClock())  # only when no instrument exists
            from yingji.programmes.demo import load as load_demo_programmes

            load_demo_programmes(db_session=db_session, clock=SystemClock())  # only when no round exists
    from yingji.core.clock import SystemClock as RunClock
    from yingji.db.session import make_sessionmaker
    from yingji.worker import Worker

    application = create_app(engine(), trusted_proxies=settings.trusted_proxies)
    from yingji.audit import anchor

    anchor.attach(application.state.sessionmaker)  # checkpoint the audit chain after each commit that appended
    from yingji.rules.thresholds import warm_up

    warm_up()  # load (or, once per machine, compile) the threshold kernel now, not inside the first gateway batch
    from yingji.monitoring.ownership import EngineOwnership, describe_process

    address = f"http://{host or settings.host}:{port or settings.port}"
    me = describe_process(settings.advertise_url or address)
    ownership = EngineOwnership.for_database(settings.resolved_database_url(), me=me, poll_s=settings.engine_poll_s)
    application.state.monitor.ownership = ownership
    owned, _ = ownership.check()
    if owned:
        typer.echo("本进程负责监测引擎：接收监测数据（HTTP、MQTT）并执行无数据巡检")
    else:
        typer.echo(
            f"监测引擎由另一进程负责：{ownership.holder()}。本进程提供 API 与控制台，监测数据答复 503；"
            "负责进程停止后本进程自动接管",
            err=True,
        )
    # statutory clocks, monitoring duties and deliveries run while the platform runs, on the server's own engine
    worker_makers = make_sessionmaker(engine())
    anchor.attach(worker_makers)
    background = Worker(
        worker_makers,
        RunClock(),
        interval=settings.worker_interval_s,
        monitor=application.state.monitor,
        retention_days=settings.reading_retention_days,
        audit_checkpoint=settings.resolved_audit_checkpoint_file(),
    )
    background.start()
    broker = mqtt or settings.mqtt_broker
    subscription = None
    if broker:
        from yingji.monitoring.mqtt import OwnerSubscription, Subscriber

        broker_host, _, broker_port = broker.rpartition(":")
        if not broker_port.isdigit():
            raise typer.BadParameter("MQTT 代理须写成 host:port，如 127.0.0.1:1883", param_hint="--mqtt")
        subscription = OwnerSubscription(
            lambda: Subscriber(
                makers=application.state.sessionmaker,
                clock=RunClock(),
                engine=application.state.monitor,  # shares the server's engine: one owner of the monitoring state
                host=broker_host or "127.0.0.1",
                port=int(broker_port),
            )
        )
        subscription.follow(owned)
        if subscription.current is None:
            typer.echo(f"暂不订阅 MQTT 代理 {broker}：接管监测引擎后自动订阅")
        elif subscription.current.wait_subscribed(MQTT_CONFIRM_S):
            typer.echo(f"已订阅 MQTT 代理 {broker}（主题 yingji/readings/#）")
        else:  # the client keeps reconnecting; say so rather than claim a subscription the broker has not confirmed
            typer.echo(f"MQTT 代理 {broker} 在 {MQTT_CONFIRM_S:g} 秒内未确认订阅，将继续自动重连", err=True)
    ownership.watch(on_change=subscription.follow if subscription is not None else None)
    typer.echo(f"应急平台：{address}  （API 文档 /api/docs）")
    typer.echo("演示监测数据：另开终端运行 yingji simulate（登记演示测点并推送读数）")
    try:
        # forwarded headers only from YINGJI_TRUSTED_PROXIES (create_app), not uvicorn's implicit loopback trust
        uvicorn.run(
            application, host=host or settings.host, port=port or settings.port, log_level="info", proxy_headers=False
        )
    finally:
        ownership.stop()  # a successor takes over at once


def main() -> None:
    """Run the CLI; a YingjiError prints as JSON on stderr and exits 2 (caller error) or 1."""
    try:
        app(standalone_mode=False)
    except YingjiError as err:
        typer.echo(json.dumps(err.as_dict(), ensure_ascii=False, indent=2), err=True)
        sys.exit(2 if 400 <= err.status < 500 else 1)
    except typer.Abort:
        sys.exit(1)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except ClickException as err:
        err.show()
        sys.exit(err.exit_code)

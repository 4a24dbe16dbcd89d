"""The one command line: ``yingji`` with serve, worker, assess and each domain's sub-app.

Sub-commands load lazily: `yingji --help` lists them from the table below without importing them, and a command
imports only its own module, so `yingji assess` starts without the database, the web stack or the monitoring engine.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Annotated, Any

import typer
from typer._click import Command, Context, HelpFormatter  # typer vendors click
from typer._click.exceptions import ClickException, UsageError
from typer.core import TyperCommand, TyperGroup

from yingji.core.errors import YingjiError


@dataclass(frozen=True)
class Lazy:
    """A command imported only when it runs or shows its own help."""

    target: str  # "module:attribute": a typer.Typer sub-app or a command function
    help: str  # what `yingji --help` shows; a test checks it against the loaded command's own help
    extra: dict[str, str] = field(default_factory=dict)  # commands added to a sub-app: name → "module:function"


LAZY: dict[str, Lazy] = {
    "plans": Lazy(
        "yingji.plans.cli:app", "应急预案（数据文件）", extra={"calendar": "yingji.plan_registry.cli:calendar"}
    ),
    "calendar": Lazy("yingji.calendars.cli:app", "工作日历（法定节假日与调休）"),
    "registry": Lazy("yingji.registry.cli:app", "登记数据：导入、导出"),
    "demo": Lazy("yingji.registry.cli:demo_app", "演示数据"),
    "users": Lazy("yingji.auth.cli:app", "账号"),
    "audit": Lazy("yingji.audit.cli:app", "审计日志"),
    "incidents": Lazy("yingji.incidents.cli:app", "事件"),
    "warnings": Lazy("yingji.warnings.cli:app", "预警"),
    "monitoring": Lazy("yingji.monitoring.cli:app", "监测预警"),
    "hazards": Lazy("yingji.hazards.cli:app", "隐患排查治理"),
    "ledger": Lazy("yingji.ledger.cli:app", "督查督办：任务、指标"),
    "property": Lazy("yingji.property.cli:app", "物业服务监管：指标、统计表导入、诉求时限"),
    "programmes": Lazy("yingji.programmes.cli:app", "评审认定事项：项目、届次、申报条件自查"),
    "subsidies": Lazy(
        "yingji.subsidies.cli:app",
        "补贴计算：“先使用后付费”奖补（包科发〔2025〕61号）、南平房区改造更新（杭政办发〔2024〕42号）、"
        "设备更新贷款贴息（鄂府发〔2024〕60号）",
    ),
    "metrology": Lazy("yingji.metrology.cli:app", "碳计量器具管理：台账、到期提醒、导入"),
    "assess": Lazy(
        "yingji.assess.cli:assess", "按预案研判一起事故：等级、响应级别、决定与牵头机关、报告时限、信息发布机关及依据。"
    ),
    "simulate": Lazy(
        "yingji.monitoring.cli:simulate",
        "向运行中的平台推送演示矿山、尾矿库的监测数据（含瓦斯上升、暴雨后浸润线抬升、传感器断线三段异常）。",
    ),
}


def _attribute(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


# Plain help text, not Rich panels: importing Rich doubles the time `yingji --help` takes (issue 20's 0.5 s target).
MARKUP = None


def _command(name: str, function: Callable[..., Any]) -> Command:
    single = typer.Typer(rich_markup_mode=MARKUP)
    single.command(name)(function)
    return typer.main.get_command(single)  # one command and no callback: the command itself


def load(name: str) -> Command:
    """Import one lazy command and build its click command (a group for a sub-app)."""
    lazy = LAZY[name]
    found = _attribute(lazy.target)
    if not isinstance(found, typer.Typer):
        return _command(name, found)
    found.rich_markup_mode = MARKUP  # the sub-app's own commands inherit it
    group = typer.main.get_group(found)
    group.name = name
    for extra, target in lazy.extra.items():
        group.add_command(_command(extra, _attribute(target)), extra)
    return group


class LazyGroup(TyperGroup):
    """The root group: imports a lazy command when it is resolved; its help lists them from LAZY alone."""

    listing = False  # while the help is written, a lazy command not yet loaded answers with its help line only

    def list_commands(self, ctx: Context) -> list[str]:
        return [*LAZY, *(name for name in self.commands if name not in LAZY)]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name in self.commands or cmd_name not in LAZY:
            return self.commands.get(cmd_name)
        if self.listing:
            return TyperCommand(cmd_name, help=LAZY[cmd_name].help)
        self.commands[cmd_name] = load(cmd_name)
        return self.commands[cmd_name]

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as err:  # typer suggests among loaded commands only; offer the lazy ones too
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches and "Did you mean" not in err.message:
                err.message = f"{err.message.rstrip('.')}. Did you mean {', '.join(map(repr, matches))}?"
            raise


GRACEFUL_STOP_S = 3  # seconds a stopping server waits for open requests (the consoles' SSE never end)

app = typer.Typer(
    help="应急 Yingji：安全生产监管与应急管理平台", no_args_is_help=True, cls=LazyGroup, rich_markup_mode=MARKUP
)


@app.command("worker")
def worker(
    interval: Annotated[float, typer.Option(help="检查间隔（秒）")] = 30.0,
    once: Annotated[bool, typer.Option(help="只检查一次")] = False,
) -> None:
    """运行后台任务：报告时限、隐患逾期督办、预警推送、物业诉求时限（serve 已内置；多进程部署时可单独运行）。"""
    from yingji.audit import anchor
    from yingji.core.clock import SystemClock
    from yingji.db.runtime import engine
    from yingji.db.session import make_sessionmaker
    from yingji.worker import Worker

    makers = make_sessionmaker(engine())
    anchor.attach(makers)  # checkpoint the audit chain after each commit that appended
    runner = Worker(makers, SystemClock(), interval, audit_checkpoint=anchor.default_path())
    if once:
        flagged, sent, failed = runner.run_once()
        typer.echo(f"标记迟报 {flagged} 项；推送成功 {sent} 条，失败 {failed} 条")
        return
    runner.run_forever()  # logs and retries a failed round instead of dying


db_app = typer.Typer(help="数据库", no_args_is_help=True, rich_markup_mode=MARKUP)
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
    role: Annotated[
        str,
        typer.Option(
            help="all：单进程（默认，API、控制台与监测引擎）；edge：API 与控制台，监测数据写入 NATS 数据流；"
            "worker：集群引擎工作进程（按租约负责分区，无 HTTP）。集群需 PostgreSQL 与 --nats"
        ),
    ] = "all",
    nats: Annotated[str | None, typer.Option(help="集群的 NATS 地址，逗号分隔（或 YINGJI_NATS_URLS）")] = None,
) -> None:
    """启动平台（API 与控制台）。默认使用本机 SQLite 数据库；YINGJI_DATABASE_URL 可改用 PostgreSQL。"""
    if role not in ("all", "edge", "worker"):
        raise typer.BadParameter("只能是 all、edge 或 worker", param_hint="--role")
    if role != "all":
        from yingji.config import get_settings as cluster_settings

        urls = nats or cluster_settings().nats_urls
        if not urls or not cluster_settings().resolved_database_url().startswith("postgresql"):
            raise typer.BadParameter(
                "集群角色需要 --nats（或 YINGJI_NATS_URLS）和 PostgreSQL 数据库", param_hint="--role"
            )
        if role == "worker":
            _serve_worker(urls.split(","))
            return
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
            from yingji.duties.demo import load as load_demo_duties

            load_demo_duties(db_session=db_session, clock=SystemClock())  # only when no duty instance exists
    from yingji.core.clock import SystemClock as RunClock
    from yingji.db.session import make_sessionmaker
    from yingji.monitoring.networking.service import inputs as networking_inputs
    from yingji.worker import Worker

    application = create_app(engine(), trusted_proxies=settings.trusted_proxies)
    from yingji.audit import anchor

    anchor.attach(application.state.sessionmaker)  # checkpoint the audit chain after each commit that appended
    from yingji.monitoring import readings
    from yingji.rules.thresholds import warm_up

    warm_up()  # load (or, once per machine, compile) the threshold kernel now, not inside the first gateway batch
    readings.warm_up()  # and the minute fold, not inside the first close
    from yingji.monitoring.ownership import EngineOwnership, describe_process

    address = f"http://{host or settings.host}:{port or settings.port}"
    # links in messages (receipts, 详情) point at this server unless a public address is configured
    settings.public_url = settings.public_url or address
    me = describe_process(settings.advertise_url or address)
    ownership = EngineOwnership.for_database(settings.resolved_database_url(), me=me, poll_s=settings.engine_poll_s)
    if role == "edge":  # the workers own the engine's state; this process checks and publishes
        from yingji.monitoring.cluster.edge import ClusterLock, EdgeRunner

        ownership = EngineOwnership(ClusterLock(), poll_s=settings.engine_poll_s)
        application.state.edge = EdgeRunner(
            (nats or settings.nats_urls or "").split(","), replicas=settings.nats_replicas
        )
        typer.echo(f"边缘进程：监测数据经 NATS 数据流交集群工作进程判定（{nats or settings.nats_urls}）")
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
        networking=networking_inputs(settings),
        cluster=role == "edge",
        edge=application.state.edge,
    )
    background.start()
    broker = mqtt or settings.mqtt_broker
    subscription = None
    if broker and role == "edge":  # every edge subscribes (a shared subscription), under its own client id
        import hashlib

        from yingji.monitoring.mqtt import Subscriber as EdgeSubscriber

        edge_host, _, edge_port = broker.rpartition(":")
        if not edge_port.isdigit():
            raise typer.BadParameter("MQTT 代理须写成 host:port，如 127.0.0.1:1883", param_hint="--mqtt")
        edge_subscriber = EdgeSubscriber(
            makers=application.state.sessionmaker,
            clock=RunClock(),
            engine=application.state.monitor,
            host=edge_host or "127.0.0.1",
            port=int(edge_port),
            client_id="yingji-edge-" + hashlib.sha256(me.encode()).hexdigest()[:12],
            edge=application.state.edge,
        )
        edge_subscriber.start()
        typer.echo(f"边缘进程订阅 MQTT 代理 {broker}（共享订阅 $share/yingji-edges/yingji/readings/#）")
        broker = None
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
        # live consoles hold their event streams open: a stop waits GRACEFUL_STOP_S for requests, then closes them
        uvicorn.run(
            application,
            host=host or settings.host,
            port=port or settings.port,
            log_level="info",
            proxy_headers=False,
            timeout_graceful_shutdown=GRACEFUL_STOP_S,
        )
    finally:
        ownership.stop()  # a successor takes over at once


def _serve_worker(urls: list[str]) -> None:
    """serve --role worker: one engine worker of the cluster (monitoring.cluster.worker), until SIGTERM."""
    import asyncio
    import logging

    from yingji.config import get_settings, setup_logging
    from yingji.monitoring.cluster.worker import Options
    from yingji.monitoring.cluster.worker import Worker as ClusterWorker
    from yingji.rules.thresholds import warm_up

    settings = get_settings()
    setup_logging(settings.log_level)
    options = Options(
        nats_urls=urls,
        database_url=settings.resolved_database_url(),
        lease_s=settings.cluster_lease_s,
        replicas=settings.nats_replicas,
    )
    options.name = options.name[:63]
    warm_up()
    logging.getLogger(__name__).info("cluster worker %s", options.name)
    typer.echo(f"集群引擎工作进程 {options.name}：按租约负责分区（NATS {','.join(urls)}）")
    asyncio.run(ClusterWorker(options).run())


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

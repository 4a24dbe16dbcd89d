"""``yingji monitoring``: inspect the threshold rules; ``yingji simulate``: the demo feed; ``mqtt``: the subscriber."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from yingji.monitoring.schema import SensorKind, find_rules

app = typer.Typer(help="监测预警", no_args_is_help=True)


@app.command("rules")
def rules(
    kind: Annotated[SensorKind | None, typer.Option(help="传感器种类，如 CH4")] = None,
    unverified: Annotated[bool, typer.Option("--unverified", help="只列出尚未核实的规则")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """列出测点阈值规则：级别（触发/解除）、断电范围、依据和核实状态。"""
    from yingji.monitoring import reads  # the API's read model, loaded only when asked

    found = [reads.rule(r) for r in find_rules(kind, None, False if unverified else None)]
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in found], ensure_ascii=False, indent=2))
        return
    for rule in found:
        levels = "；".join(f"{lv.name} {lv.raise_at:g}/{lv.clear_at:g}" for lv in rule.levels)
        typer.echo(
            f"{rule.id:<40} {rule.kind_label:<5} {rule.location_class}  {levels} {rule.unit}  {rule.verified_label}"
        )


def simulate(
    url: Annotated[str, typer.Option(help="平台地址")] = "http://127.0.0.1:8000",
    interval: Annotated[float, typer.Option(help="上传间隔（秒）")] = 5.0,
    minutes: Annotated[float, typer.Option(help="运行时长（分钟），0 为一直运行")] = 30.0,
    speed: Annotated[float, typer.Option(help="异常剧本的加速倍数（时间戳始终为真实时间）")] = 1.0,
    seed: Annotated[int, typer.Option(help="随机种子")] = 7,
    district: Annotated[str, typer.Option(help="瓦斯上升剧本发生在该旗县区的演示煤矿（行政区划代码）")] = "150602",
) -> None:
    """向运行中的平台推送演示矿山、尾矿库的监测数据（含瓦斯上升、暴雨后浸润线抬升、传感器断线三段异常）。"""
    import httpx

    from yingji.core.clock import SystemClock, to_ms
    from yingji.db.runtime import session_scope
    from yingji.monitoring import demo
    from yingji.monitoring import simulate as feed_module

    clock = SystemClock()
    with session_scope() as db_session:
        created = demo.load_points(db_session=db_session, clock=clock)
        tokens = demo.gateway_tokens(db_session=db_session, clock=clock)
        feed = feed_module.build_feed(db_session, to_ms(clock.now()), speed=speed, seed=seed, district=district)
    if not feed.codes:
        typer.echo("没有演示测点：请先用 yingji serve 载入演示数据", err=True)
        raise typer.Exit(1)
    typer.echo(f"演示测点 {len(feed.codes)} 个（本次新建 {created} 个），网关 {len(tokens)} 个；剧本：")
    for anomaly in feed.anomalies:
        if anomaly.label:
            typer.echo(f"  第 {anomaly.start_min:g} 分钟起：{anomaly.label}")
    ticks = None if minutes <= 0 else max(1, round(minutes * 60 / interval))
    with httpx.Client(base_url=url, timeout=30.0) as client:
        feed_module.run(
            client=client,
            tokens=tokens,
            feed=feed,
            clock=clock,
            ticks=ticks,
            interval=interval,
            sleep=time.sleep,
            echo=typer.echo,
        )


@app.command("import-networking")
def import_networking(
    files: Annotated[list[Path], typer.Argument(help="联网数据文件", exists=True, dir_okay=False, readable=True)],
    mine: Annotated[str, typer.Option(help="矿井联网编码（已登记）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 报告")] = False,
) -> None:
    """导入矿井联网数据文件（AQMC、AQKC、AQKD、AQSS、AQMT、GJXX），逐个输出报告。须在监测引擎无人负责时运行
    （yingji serve 运行中请把文件放入传输目录 YINGJI_NETWORKING_DROP，或经 HTTP 上传）。"""
    from yingji.config import get_settings
    from yingji.core.clock import SystemClock
    from yingji.core.errors import InvalidInput
    from yingji.db.runtime import engine as database
    from yingji.db.session import make_sessionmaker
    from yingji.monitoring.engine import MonitoringEngine
    from yingji.monitoring.networking import service
    from yingji.monitoring.networking.models import FileSource
    from yingji.monitoring.networking.parser import MAX_FILE_BYTES
    from yingji.monitoring.ownership import EngineOwnership, describe_process

    settings = get_settings()
    makers = make_sessionmaker(database())
    ownership = EngineOwnership.for_database(
        settings.resolved_database_url(), me=describe_process("yingji monitoring import-networking"), poll_s=2.0
    )
    owned, _ = ownership.check()
    if not owned:
        typer.echo(f"监测引擎由 {ownership.holder()} 负责：请把文件放入其传输目录或经 HTTP 上传", err=True)
        raise typer.Exit(1)
    monitor = MonitoringEngine()
    monitor.ownership = ownership
    failed = False
    try:
        with makers() as db_session:
            feed = service.feed_by_code(db_session, mine)
        if feed is None:
            raise InvalidInput(field="mine", reason=f"联网编码「{mine}」未登记")
        for path in files:
            if path.stat().st_size > MAX_FILE_BYTES:
                typer.echo(f"{path.name}：超过 {MAX_FILE_BYTES // 1048576} MB，未导入", err=True)
                failed = True
                continue
            with makers() as db_session:
                report = service.import_bytes(
                    db_session=db_session,
                    clock=SystemClock(),
                    actor=service.feed_actor(feed),
                    engine=monitor,
                    feed=feed,
                    data=path.read_bytes(),
                    name=path.name,
                    source=FileSource.CLI,
                    inputs=service.inputs(settings),
                )
            failed = failed or (report.accepted == 0 and report.rejected_count > 0)
            if as_json:
                typer.echo(report.model_dump_json(indent=2))
                continue
            typer.echo(
                f"{path.name}：{report.encoding} {','.join(report.file_types)} 记录 {report.records}，"
                f"接收 {report.accepted}，拒收 {report.rejected_count}"
            )
            for reject in report.rejected:
                typer.echo(f"  第 {reject.line} 行 记录 {reject.record} {reject.field}：{reject.reason}")
    finally:
        ownership.stop()
    if failed:
        raise typer.Exit(1)

"""``yingji monitoring``: inspect the threshold rules; ``yingji simulate``: the demo feed; ``mqtt``: the subscriber."""

from __future__ import annotations

import json
import time
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

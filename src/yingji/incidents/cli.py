"""``yingji incidents list|show`` and ``yingji worker`` (the statutory clock checker)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from yingji.auth.cli import cli_actor
from yingji.core.clock import SystemClock
from yingji.db.runtime import engine, session_scope
from yingji.db.session import make_sessionmaker
from yingji.incidents import service
from yingji.incidents.api import detail
from yingji.worker import Worker

app = typer.Typer(help="事件", no_args_is_help=True)


@app.command("list")
def list_incidents() -> None:
    """列出事件（新的在前），含迟报数。"""
    clock = SystemClock()
    with session_scope() as db_session:
        found = service.list_(db_session=db_session, actor=cli_actor())
        counts = service.late_counts(db_session=db_session, incident_ids=[i.id for i in found], now=clock.now())
        for incident in found:
            late = counts[incident.id]
            typer.echo(
                f"{incident.id:>5} {incident.status.value:<10} {incident.title}{'  迟报 ' + str(late) if late else ''}"
            )


@app.command("show")
def show(incident_id: Annotated[int, typer.Argument(help="事件编号")]) -> None:
    """以 JSON 显示事件详情（研判、时限、响应）。"""
    with session_scope() as db_session:
        incident = service.get(db_session=db_session, actor=cli_actor(), incident_id=incident_id)
        body = detail(db_session, incident, SystemClock())
    typer.echo(json.dumps(body, ensure_ascii=False, indent=2, default=str))


def worker(
    interval: Annotated[float, typer.Option(help="检查间隔（秒）")] = 30.0,
    once: Annotated[bool, typer.Option(help="只检查一次")] = False,
) -> None:
    """运行报告时限检查与预警推送（serve 已内置；多进程部署时可单独运行）。"""
    runner = Worker(make_sessionmaker(engine()), SystemClock(), interval)
    if once:
        flagged, sent, failed = runner.run_once()
        typer.echo(f"标记迟报 {flagged} 项；推送成功 {sent} 条，失败 {failed} 条")
        return
    runner.run_forever()  # logs and retries a failed check instead of dying

"""``yingji incidents list|show`` and ``yingji worker`` (the statutory clock checker)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from yingji.audit import anchor
from yingji.auth.cli import cli_actor
from yingji.core.clock import SystemClock
from yingji.core.paging import PageParams
from yingji.db.runtime import engine, session_scope
from yingji.db.session import make_sessionmaker
from yingji.incidents import reads, service
from yingji.worker import Worker

app = typer.Typer(help="事件", no_args_is_help=True)


@app.command("list")
def list_incidents(
    limit: Annotated[int, typer.Option(min=1, max=500, help="每页条数")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="跳过的条数")] = 0,
) -> None:
    """列出事件（按事发时间新的在前），含事发地和迟报数。"""
    clock = SystemClock()
    params = PageParams(limit=limit, offset=offset)
    with session_scope() as db_session:
        found, total = service.list_(db_session=db_session, actor=cli_actor(), params=params)
        for row in reads.summaries(db_session, clock, found):
            late = f"  迟报 {row.late}" if row.late else ""
            typer.echo(f"{row.id:>5} {row.status_label:<8} {row.division_name} {row.title}{late}")
    typer.echo(f"共 {total} 条，显示第 {offset + 1}–{offset + len(found)} 条" if found else f"共 {total} 条")


@app.command("show")
def show(incident_id: Annotated[int, typer.Argument(help="事件编号")]) -> None:
    """以 JSON 显示事件详情（研判、时限、响应）。"""
    with session_scope() as db_session:
        incident = service.get(db_session=db_session, actor=cli_actor(), incident_id=incident_id)
        body = reads.read(db_session, SystemClock(), cli_actor(), incident)
    typer.echo(json.dumps(body.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2))


def worker(
    interval: Annotated[float, typer.Option(help="检查间隔（秒）")] = 30.0,
    once: Annotated[bool, typer.Option(help="只检查一次")] = False,
) -> None:
    """运行报告时限检查与预警推送（serve 已内置；多进程部署时可单独运行）。"""
    makers = make_sessionmaker(engine())
    anchor.attach(makers)
    runner = Worker(makers, SystemClock(), interval, audit_checkpoint=anchor.default_path())
    if once:
        flagged, sent, failed = runner.run_once()
        typer.echo(f"标记迟报 {flagged} 项；推送成功 {sent} 条，失败 {failed} 条")
        return
    runner.run_forever()  # logs and retries a failed check instead of dying

"""``yingji incidents list|show``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from yingji.auth.cli import cli_actor
from yingji.core.clock import SystemClock
from yingji.core.paging import PageParams
from yingji.db.runtime import session_scope
from yingji.incidents import reads, service

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

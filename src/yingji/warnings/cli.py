"""``yingji warnings list|show|cap``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from yingji.auth.cli import cli_actor
from yingji.core.errors import NotFound
from yingji.core.paging import PageParams, paged
from yingji.db.runtime import session_scope
from yingji.warnings import reads, service

app = typer.Typer(help="预警", no_args_is_help=True)


@app.command("list")
def list_warnings(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    limit: Annotated[int, typer.Option(min=1, max=500, help="每页条数")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="跳过的条数")] = 0,
) -> None:
    """列出预警（新的在前，分页）。"""
    params = PageParams(limit=limit, offset=offset)
    actor = cli_actor()
    with session_scope() as db_session:
        found, total = service.list_(db_session=db_session, actor=actor, params=params)
        rows = reads.read_all(db_session, actor, found)
    if as_json:
        page = paged(rows, total, params)
        typer.echo(json.dumps(page.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    for row in rows:
        areas = "、".join(a.name for a in row.areas)
        typer.echo(f"{row.id:>5} {row.status_label:<5} {row.colour:<3} {row.title}（{areas}）")
    typer.echo(f"共 {total} 条")


@app.command("show")
def show(warning_id: Annotated[int, typer.Argument(help="预警编号")]) -> None:
    """显示预警详情（JSON）。"""
    with session_scope() as db_session:
        warning = service.get(db_session=db_session, actor=cli_actor(), warning_id=warning_id)
        body = reads.detail(db_session, cli_actor(), warning)
    typer.echo(json.dumps(body.model_dump(mode="json"), ensure_ascii=False, indent=2))


@app.command("cap")
def cap_xml(warning_id: Annotated[int, typer.Argument(help="预警编号")]) -> None:
    """打印最新一条 CAP 1.2 报文。"""
    with session_scope() as db_session:
        warning = service.get(db_session=db_session, actor=cli_actor(), warning_id=warning_id)
        published = service.messages(db_session=db_session, warning=warning)
        if not published:
            raise NotFound(kind="预警报文", key=str(warning_id))
        typer.echo(published[-1].xml)

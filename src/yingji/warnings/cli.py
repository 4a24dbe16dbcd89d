"""``yingji warnings list|show|cap``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from yingji.auth.cli import cli_actor
from yingji.core.errors import NotFound
from yingji.db.runtime import session_scope
from yingji.rules.levels import WarningLevel
from yingji.warnings import service
from yingji.warnings.api import read

app = typer.Typer(help="预警", no_args_is_help=True)


@app.command("list")
def list_warnings(as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """列出预警。"""
    with session_scope() as db_session:
        rows = [read(w) for w in service.list_(db_session=db_session, actor=cli_actor())]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    for row in rows:
        typer.echo(f"{row['id']:>5} {row['status']:<9} {WarningLevel(row['level']).label:<3} {row['title']}")


@app.command("show")
def show(warning_id: Annotated[int, typer.Argument(help="预警编号")]) -> None:
    """显示预警详情（JSON）。"""
    with session_scope() as db_session:
        warning = service.get(db_session=db_session, actor=cli_actor(), warning_id=warning_id)
        body = read(warning) | {
            "messages": [m.identifier for m in service.messages(db_session=db_session, warning=warning)]
        }
    typer.echo(json.dumps(body, ensure_ascii=False, indent=2, default=str))


@app.command("cap")
def cap_xml(warning_id: Annotated[int, typer.Argument(help="预警编号")]) -> None:
    """打印最新一条 CAP 1.2 报文。"""
    with session_scope() as db_session:
        warning = service.get(db_session=db_session, actor=cli_actor(), warning_id=warning_id)
        published = service.messages(db_session=db_session, warning=warning)
        if not published:
            raise NotFound(kind="预警报文", key=str(warning_id))
        typer.echo(published[-1].xml)

"""``yingji metrology list|due|import``: the carbon-metrology instrument registry from the shell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(help="碳计量器具管理：台账、到期提醒、导入", no_args_is_help=True)


def _rows(**chosen: Any) -> list[dict[str, Any]]:
    from yingji.auth.cli import cli_actor
    from yingji.core.clock import SystemClock
    from yingji.db.runtime import session_scope
    from yingji.metrology import service

    with session_scope() as db_session:
        return service.list_(
            db_session=db_session, clock=SystemClock(), actor=cli_actor(), filters=service.Filters(**chosen)
        )


def _print(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    if not rows:
        typer.echo("（无计量器具）")
    for row in rows:
        due = row["next_due_on"] or "—"
        typer.echo(
            f"#{row['id']} {row['organisation']} {row['name']}（{row['kind']}，编号 {row['serial_no']}）"
            f"  {row['status_label']}  下次检定校准 {due}  {row['due_label']}"
        )


@app.command("list")
def list_instruments(
    division: Annotated[str | None, typer.Option(help="行政区划代码（含下级）")] = None,
    organisation_id: Annotated[int | None, typer.Option("--organisation-id", help="企业（单位编号）")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列超期未检或无检定校准记录的在用器具")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """计量器具台账：企业、器具、状态、下次检定校准日期与到期情况。"""
    _print(_rows(division=division, organisation_id=organisation_id, overdue=overdue), as_json)


@app.command()
def due(
    days: Annotated[int | None, typer.Option(min=0, max=3650, help="天数，默认取“即将到期”天数（30）")] = None,
    division: Annotated[str | None, typer.Option(help="行政区划代码（含下级）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """N 天内到期的在用器具（含已超期和从未检定校准的），最早到期的在前。"""
    from yingji.metrology.settings import defaults

    within = defaults().due_soon_days if days is None else days
    _print(_rows(division=division, due_within=within), as_json)


@app.command("import")
def import_instruments(
    path: Annotated[Path, typer.Argument(help="台账文件（CSV 或 xlsx）", exists=True, dir_okay=False)],
) -> None:
    """导入台账；任一行不合格则全部不导入，列出行号和字段。"""
    from yingji.auth.cli import cli_actor
    from yingji.core.clock import SystemClock
    from yingji.db.runtime import session_scope
    from yingji.metrology import transfer

    with session_scope() as db_session:  # a refusal prints as JSON on stderr (exit 2) from the CLI's main
        report = transfer.import_table(
            db_session=db_session, clock=SystemClock(), actor=cli_actor(), content=path.read_bytes(), filename=path.name
        )
    typer.echo(f"新增 {report.created} 台，更新 {report.updated} 台")

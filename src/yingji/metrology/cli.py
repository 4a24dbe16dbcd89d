"""``yingji metrology list|due|import``: the carbon-metrology instrument registry from the shell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(help="碳计量器具管理：台账、到期提醒、导入", no_args_is_help=True)


def _show(limit: int, offset: int, as_json: bool, **chosen: Any) -> None:
    """One page of the instrument list, as text or as JSON (items, total, limit, offset)."""
    from yingji.auth.cli import cli_actor
    from yingji.core.clock import SystemClock
    from yingji.core.paging import PageParams, paged
    from yingji.db.runtime import session_scope
    from yingji.metrology import service

    params = PageParams(limit=limit, offset=offset)
    with session_scope() as db_session:
        found, total = service.list_(
            db_session=db_session,
            clock=SystemClock(),
            actor=cli_actor(),
            filters=service.Filters(**chosen),
            params=params,
        )
    rows = paged(found, total, params)
    if as_json:
        typer.echo(json.dumps(rows.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    if not rows.total:
        typer.echo("（无计量器具）")
    for row in rows.items:
        typer.echo(
            f"#{row.id} {row.organisation}（{row.division_name}） {row.name}（{row.kind}，编号 {row.serial_no}）"
            f"  {row.status_label}  下次检定校准 {row.next_due_on or '—'}  {row.due_label}"
        )
    typer.echo(f"共 {total} 条，显示第 {offset + 1}–{offset + len(found)} 条" if found else f"共 {total} 条")


Limit = Annotated[int, typer.Option(min=1, max=500, help="每页条数")]
Offset = Annotated[int, typer.Option(min=0, help="跳过的条数")]
AsJson = Annotated[bool, typer.Option("--json", help="输出 JSON（一页：items、total）")]


@app.command("list")
def list_instruments(
    division: Annotated[str | None, typer.Option(help="行政区划代码（含下级）")] = None,
    organisation_id: Annotated[int | None, typer.Option("--organisation-id", help="企业（单位编号）")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列超期未检或无检定校准记录的在用器具")] = False,
    limit: Limit = 50,
    offset: Offset = 0,
    as_json: AsJson = False,
) -> None:
    """计量器具台账：企业、器具、状态、下次检定校准日期与到期情况。"""
    _show(limit, offset, as_json, division=division, organisation_id=organisation_id, overdue=overdue)


@app.command()
def due(
    days: Annotated[int | None, typer.Option(min=0, max=3650, help="天数，默认取“即将到期”天数（30）")] = None,
    division: Annotated[str | None, typer.Option(help="行政区划代码（含下级）")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    as_json: AsJson = False,
) -> None:
    """N 天内到期的在用器具（含已超期和从未检定校准的），最早到期的在前。"""
    from yingji.metrology.settings import defaults

    within = defaults().due_soon_days if days is None else days
    _show(limit, offset, as_json, division=division, due_within=within)


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

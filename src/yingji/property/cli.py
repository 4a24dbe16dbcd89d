"""``yingji property``: computed targets, the survey import and a complaint-clock sweep from the shell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="物业服务监管：指标、统计表导入、诉求时限", no_args_is_help=True)


@app.command()
def targets(
    year: Annotated[int | None, typer.Option(help="年度，默认今年")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """两份方案的年度目标与按登记数据计算的当前值。"""
    from yingji.core.clock import SystemClock, to_local
    from yingji.db.runtime import session_scope
    from yingji.property import targets as computed
    from yingji.property.schema import all_programmes
    from yingji.property.schemas import ProgrammeTargets

    when = year or to_local(SystemClock().now()).year
    with session_scope() as db_session:
        found = [
            ProgrammeTargets(programme=p.id, title=p.title, doc_no=p.doc_no, rows=computed.compute(db_session, p, when))
            for p in all_programmes().values()
        ]
    if as_json:
        typer.echo(json.dumps([p.model_dump(mode="json") for p in found], ensure_ascii=False, indent=2))
        return
    for programme in found:
        typer.echo(f"{programme.title}（{programme.doc_no}，{when} 年）")
        for row in programme.rows:
            goal = "—" if row.goal is None else f"{row.goal:g}{row.unit}"
            value = "无数据" if row.value is None else f"{row.value:g}{row.unit}"
            mark = {True: "达标", False: "未达标", None: ""}[row.met]
            typer.echo(f"  {row.name:<24} 目标 {goal:<10} 当前 {value:<10} {mark}")
        typer.echo(f"  共 {len(programme.rows)} 条")


@app.command("import")
def import_survey(
    path: Annotated[Path, typer.Argument(help="统计表文件（CSV 或 xlsx）", exists=True, dir_okay=False)],
    programme: Annotated[str | None, typer.Option(help="方案（默认：唯一有统计表的方案）")] = None,
) -> None:
    """导入附件1统计表；任一行不合格则全部不导入，列出行号和字段。"""
    from yingji.auth.actor import SYSTEM
    from yingji.core.clock import SystemClock
    from yingji.db.runtime import session_scope
    from yingji.property import survey

    with session_scope() as db_session:  # a refusal prints as JSON on stderr (exit 2) from the CLI's main
        report = survey.import_survey(
            db_session=db_session,
            clock=SystemClock(),
            actor=SYSTEM,
            programme_id=programme,
            content=path.read_bytes(),
            filename=path.name,
        )
    typer.echo(f"新增 {report.created} 个小区，更新 {report.updated} 个")


@app.command()
def sweep() -> None:
    """立即检查诉求时限：超时升级、最高层级超时督办、逾期未确认视为办结。"""
    from yingji.core.clock import SystemClock
    from yingji.db.runtime import session_scope
    from yingji.property import complaints

    with session_scope() as db_session:
        changes = complaints.sweep(db_session=db_session, clock=SystemClock())
    for number, what in changes:
        typer.echo(f"{number} {what}")
    typer.echo(f"共 {len(changes)} 件")

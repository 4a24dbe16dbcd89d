"""``yingji ledger targets|tasks``: KPI targets with their computed status, campaign tasks with theirs."""

from __future__ import annotations

import json
from typing import Annotated

import typer

app = typer.Typer(help="督查督办：任务、指标", no_args_is_help=True)
Limit = Annotated[int, typer.Option(min=1, max=500, help="每页条数")]
Offset = Annotated[int, typer.Option(min=0, help="跳过的条数")]


def _footer(total: int, offset: int, shown: int) -> str:
    return f"共 {total} 条，显示第 {offset + 1}–{offset + shown} 条" if shown else f"共 {total} 条"


@app.command()
def targets(
    programme: Annotated[str | None, typer.Option(help="规划或方案编号")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（一页：items、total）")] = False,
) -> None:
    """指标：基期、目标、最新数据及状态（由已填数据计算）。"""
    from yingji.auth.cli import cli_actor
    from yingji.core.clock import SystemClock
    from yingji.core.paging import PageParams, paged
    from yingji.db.runtime import session_scope
    from yingji.ledger import reads, service
    from yingji.ledger.schemas import TargetFilters
    from yingji.registry.divisions import load_divisions

    actor, params = cli_actor(), PageParams(limit=limit, offset=offset)
    with session_scope() as db_session:
        load_divisions(db_session=db_session)
        service.load(db_session=db_session, clock=SystemClock(), actor=actor)
        found, total = service.targets(
            db_session=db_session, actor=actor, params=params, filters=TargetFilters(programme=programme)
        )
        rows = paged(reads.targets(db_session, actor, found), total, params)
    if as_json:
        typer.echo(json.dumps(rows.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    for row in rows.items:
        goal = "—" if row.goal is None else f"{row.goal:g}{row.unit}"
        latest = "无数据" if row.latest_value is None else f"{row.latest_year}年 {row.latest_value:g}{row.unit}"
        typer.echo(f"{row.name}  目标（{row.target_year}年）{goal}  最新 {latest}  {row.status_label}")
    typer.echo(_footer(total, offset, len(rows.items)))


@app.command()
def tasks(
    programme: Annotated[str | None, typer.Option(help="规划或方案编号")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列逾期")] = False,
    limit: Limit = 50,
    offset: Offset = 0,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（一页：items、total）")] = False,
) -> None:
    """督办任务：牵头单位、期限、状态。"""
    from yingji.auth.cli import cli_actor
    from yingji.core.clock import SystemClock, local_today
    from yingji.core.paging import PageParams, paged
    from yingji.db.runtime import session_scope
    from yingji.ledger import reads, service
    from yingji.ledger.schemas import TaskFilters, TaskStatus
    from yingji.registry.divisions import load_divisions

    clock, actor, params = SystemClock(), cli_actor(), PageParams(limit=limit, offset=offset)
    filters = TaskFilters(programme=programme, status=TaskStatus.OVERDUE if overdue else None)
    with session_scope() as db_session:
        load_divisions(db_session=db_session)
        service.load(db_session=db_session, clock=clock, actor=actor)
        found, total = service.tasks(db_session=db_session, clock=clock, actor=actor, params=params, filters=filters)
        rows = paged(reads.tasks(db_session, actor, found, local_today(clock)), total, params)
    if as_json:
        typer.echo(json.dumps(rows.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    for row in rows.items:
        lead, due = row.lead or "—", row.due or "—"
        typer.echo(f"[{row.code}] {row.title[:40]}  牵头：{lead}  期限：{due}  {row.status_label}")
    typer.echo(_footer(total, offset, len(rows.items)))

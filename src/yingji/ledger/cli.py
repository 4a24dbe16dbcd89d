"""``yingji ledger targets|tasks``: KPI targets with their computed status, campaign tasks with theirs."""

from __future__ import annotations

import json
from typing import Annotated

import typer

app = typer.Typer(help="督查督办：任务、指标", no_args_is_help=True)


@app.command()
def targets(
    programme: Annotated[str | None, typer.Option(help="规划或方案编号")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """指标：基期、目标、最新数据及状态（由已填数据计算）。"""
    from yingji.auth.actor import SYSTEM
    from yingji.core.clock import SystemClock
    from yingji.db.runtime import session_scope
    from yingji.ledger import service
    from yingji.registry.divisions import load_divisions

    with session_scope() as db_session:
        load_divisions(db_session=db_session)
        service.load(db_session=db_session, clock=SystemClock(), actor=SYSTEM)
        rows = service.targets(db_session=db_session, actor=SYSTEM, programme=programme)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    for row in rows:
        goal = "—" if row["goal"] is None else f"{row['goal']:g}{row['unit']}"
        latest = (
            "无数据" if row["latest_value"] is None else f"{row['latest_year']}年 {row['latest_value']:g}{row['unit']}"
        )
        typer.echo(f"{row['name']}  目标（{row['target_year']}年）{goal}  最新 {latest}  {row['status_label']}")


@app.command()
def tasks(
    programme: Annotated[str | None, typer.Option(help="规划或方案编号")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列逾期")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """督办任务：牵头单位、期限、状态。"""
    from yingji.auth.actor import SYSTEM
    from yingji.core.clock import SystemClock
    from yingji.db.runtime import session_scope
    from yingji.ledger import service
    from yingji.registry.divisions import load_divisions

    with session_scope() as db_session:
        load_divisions(db_session=db_session)
        service.load(db_session=db_session, clock=SystemClock(), actor=SYSTEM)
        rows = service.tasks(
            db_session=db_session,
            clock=SystemClock(),
            actor=SYSTEM,
            programme=programme,
            status="overdue" if overdue else None,
        )
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    for row in rows:
        lead, due = row["lead"] or "—", row["due"] or "—"
        typer.echo(f"[{row['code']}] {row['title'][:40]}  牵头：{lead}  期限：{due}  {row['status_label']}")

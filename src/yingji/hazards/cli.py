"""``yingji hazards list``: the hazard ledger, as text or JSON (the same read models as the API)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

app = typer.Typer(help="隐患排查治理", no_args_is_help=True)


@app.command("list")
def list_hazards(
    division: Annotated[str | None, typer.Option(help="行政区划代码（含下级）")] = None,
    major: Annotated[bool, typer.Option("--major", help="只列重大事故隐患")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列整改逾期")] = False,
    limit: Annotated[int, typer.Option(min=1, max=500, help="每页条数")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="跳过的条数")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（一页：items、total）")] = False,
) -> None:
    """隐患台账：企业、地点、等级、状态、整改时限与督办情况。"""
    from yingji.auth.cli import cli_actor
    from yingji.core.clock import SystemClock, local_today
    from yingji.core.paging import PageParams, paged
    from yingji.db.runtime import session_scope
    from yingji.hazards import reads, service
    from yingji.hazards.schemas import HazardFilters
    from yingji.rules.hazards import HazardGrade

    clock, actor = SystemClock(), cli_actor()
    params = PageParams(limit=limit, offset=offset)
    filters = HazardFilters(division=division, grade=HazardGrade.MAJOR if major else None, overdue=overdue)
    with session_scope() as db_session:
        found, total = service.list_(db_session=db_session, clock=clock, actor=actor, params=params, filters=filters)
        rows = paged(reads.read_all(db_session, actor, found, local_today(clock)), total, params)
    if as_json:
        typer.echo(json.dumps(rows.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    if not rows.total:
        typer.echo("（无隐患记录）")
    for row in rows.items:
        late = f"  逾期（{'、'.join(row.escalation) or '待督办'}）" if row.overdue else ""
        typer.echo(
            f"#{row.id} [{row.grade_label}] {row.enterprise} {row.place}  {row.division_name}  {row.state_label}"
            f"  时限 {row.deadline or '—'}{late}"
        )
    typer.echo(f"共 {total} 条，显示第 {offset + 1}–{offset + len(found)} 条" if found else f"共 {total} 条")

"""``yingji plans calendar``: each registered plan's filing, next drill and next evaluation, with overdue flags."""

from __future__ import annotations

import json
from typing import Annotated

import typer


def calendar(
    division: Annotated[str | None, typer.Option(help="行政区划代码（含下级）")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列逾期")] = False,
    limit: Annotated[int, typer.Option(min=1, max=500, help="每页条数")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="跳过的条数")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（一页：items、total）")] = False,
) -> None:
    """预案法定日历：备案期限（工作日）、下次演练、下次评估及逾期项。"""
    from yingji.auth.cli import cli_actor
    from yingji.core.clock import SystemClock, local_today
    from yingji.core.paging import PageParams, paged
    from yingji.db.runtime import session_scope
    from yingji.plan_registry import reads, service
    from yingji.plan_registry.schemas import PlanRecordFilters
    from yingji.registry.divisions import load_divisions

    clock, actor, params = SystemClock(), cli_actor(), PageParams(limit=limit, offset=offset)
    with session_scope() as db_session:
        load_divisions(db_session=db_session)  # idempotent: the plans' jurisdictions must exist
        service.register_bundled(db_session=db_session, clock=clock, actor=actor)
        found, total = service.calendar(
            db_session=db_session,
            clock=clock,
            actor=actor,
            params=params,
            filters=PlanRecordFilters(division=division, overdue=overdue),
        )
        rows = paged(reads.read_all(db_session, actor, found, local_today(clock)), total, params)
    if as_json:
        typer.echo(json.dumps(rows.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    for row in rows.items:
        filed = (
            f"已备案 {row.filing.done_on}" if row.filing.done_on else f"备案期限 {row.filing.on or '—'}（未登记备案）"
        )
        flags = f"  逾期：{'、'.join(row.overdue)}" if row.overdue else ""
        typer.echo(
            f"{row.title}（{row.doc_no or '无文号'}）  {row.division_name}  {filed}"
            f"  下次演练 {row.next_drill.on or '—'}  下次评估 {row.next_evaluation.on or '—'}{flags}"
        )
    typer.echo(f"共 {total} 条，显示第 {offset + 1}–{offset + len(found)} 条" if found else f"共 {total} 条")

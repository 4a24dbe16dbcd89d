"""``yingji plans calendar``: each registered plan's filing, next drill and next evaluation, with overdue flags."""

from __future__ import annotations

import json
from typing import Annotated

import typer


def calendar(
    division: Annotated[str | None, typer.Option(help="行政区划代码（含下级）")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列逾期")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """预案法定日历：备案期限（工作日）、下次演练、下次评估及逾期项。"""
    from yingji.auth.actor import SYSTEM
    from yingji.core.clock import SystemClock
    from yingji.db.runtime import session_scope
    from yingji.plan_registry import service
    from yingji.registry.divisions import load_divisions

    with session_scope() as db_session:
        load_divisions(db_session=db_session)  # idempotent: the plans' jurisdictions must exist
        service.register_bundled(db_session=db_session, clock=SystemClock(), actor=SYSTEM)
        rows = service.calendar(
            db_session=db_session, clock=SystemClock(), actor=SYSTEM, division=division, overdue_only=overdue
        )
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    for row in rows:
        filing = row["filing"]
        filed = f"已备案 {filing['done_on']}" if filing["done_on"] else f"备案期限 {filing['on'] or '—'}（未登记备案）"
        flags = f"  逾期：{'、'.join(row['overdue'])}" if row["overdue"] else ""
        typer.echo(
            f"{row['title']}（{row['doc_no'] or '无文号'}）  {filed}  下次演练 {row['next_drill']['on'] or '—'}"
            f"  下次评估 {row['next_evaluation']['on'] or '—'}{flags}"
        )

"""``yingji hazards list``: the hazard ledger, as text or JSON."""

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
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """隐患台账：企业、地点、等级、状态、整改时限与督办情况。"""
    from yingji.auth.actor import SYSTEM
    from yingji.core.clock import SystemClock
    from yingji.db.runtime import session_scope
    from yingji.hazards import service
    from yingji.rules.hazards import STATE_LABELS, HazardGrade, HazardState

    with session_scope() as db_session:
        rows = service.list_(
            db_session=db_session,
            clock=SystemClock(),
            actor=SYSTEM,
            division=division,
            grade=HazardGrade.MAJOR if major else None,
            overdue_only=overdue,
        )
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    if not rows:
        typer.echo("（无隐患记录）")
    for row in rows:
        grade = "重大" if row["grade"] == HazardGrade.MAJOR else "一般"
        late = f"  逾期（{'、'.join(row['escalation']) or '待督办'}）" if row["overdue"] else ""
        typer.echo(
            f"#{row['id']} [{grade}] {row['enterprise']} {row['place']}  {STATE_LABELS[HazardState(row['state'])]}"
            f"  时限 {row['deadline'] or '—'}{late}"
        )

"""``yingji programmes``: the programmes and their rounds, and the eligibility self-check, from the shell."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

app = typer.Typer(help="评审认定事项：项目、届次、申报条件自查", no_args_is_help=True)


@app.command("list")
def list_programmes(as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """各项目的环节（办理人、期限）与已登记的届次。"""
    from sqlalchemy import select

    from yingji.db.runtime import session_scope
    from yingji.programmes.models import Application, Round
    from yingji.programmes.schema import programmes

    with session_scope() as db_session:
        rounds = list(db_session.scalars(select(Round).order_by(Round.programme_id, Round.number)))
        counts = {r.id: 0 for r in rounds}
        for round_id in db_session.scalars(select(Application.round_id)):
            counts[round_id] = counts.get(round_id, 0) + 1
    rows: list[dict[str, Any]] = [
        {
            "id": p.id,
            "title": p.title,
            "doc_no": p.doc_no,
            "stages": [
                {
                    "code": s.code,
                    "label": s.label,
                    "actor": s.actor,
                    "timer": s.timer and f"{s.timer.days} {s.timer.unit}",
                }
                for s in p.stages
            ],
            "rounds": [
                {"number": r.number, "title": r.title, "applications": counts[r.id]}
                for r in rounds
                if r.programme_id == p.id
            ],
        }
        for p in programmes().values()
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        typer.echo(f"{row['title']}（{row['doc_no']}）")
        for stage in row["stages"]:
            timer = f"，{stage['timer']}" if stage["timer"] else ""
            typer.echo(f"  {stage['label']}（{stage['actor']}{timer}）")
        for rnd in row["rounds"]:
            typer.echo(f"  第{rnd['number']}届/批 {rnd['title']}：{rnd['applications']} 件申报")


@app.command()
def check(
    programme_id: Annotated[str, typer.Argument(help="项目编号，如 baotou-quality-award")],
    fact: Annotated[list[str], typer.Option(help="申报人情况 key=value（数字或 true/false），可重复")] = [],  # noqa: B006
    event: Annotated[list[str], typer.Option(help="近年事件 kind=YYYY-MM-DD，可重复")] = [],  # noqa: B006
) -> None:
    """按申报条件和不得申报情形逐条自查（今日为准）。"""
    from datetime import date

    from yingji.core.clock import SystemClock, to_local
    from yingji.core.errors import InvalidInput
    from yingji.programmes.schema import programme
    from yingji.rules import programmes as rules

    prog = programme(programme_id)
    facts: dict[str, object] = {}
    for item in fact:
        key, _, raw = item.partition("=")
        if raw.lower() in ("true", "false"):
            facts[key] = raw.lower() == "true"
        else:
            try:
                facts[key] = float(raw)
            except ValueError as err:
                raise InvalidInput(field="fact", reason=f"fact：{item} 不是 key=数字 或 key=true/false") from err
    events = []
    for item in event:
        kind, _, on = item.partition("=")
        try:
            events.append((kind, date.fromisoformat(on)))
        except ValueError as err:
            raise InvalidInput(field="event", reason=f"event：{item} 不是 kind=YYYY-MM-DD") from err
    found = rules.eligibility(prog.requirements, prog.exclusions, facts, events, to_local(SystemClock().now()).date())
    for finding in (*found.requirements, *found.exclusions):
        mark = {True: "是", False: "否", None: "未填"}[finding.holds]
        typer.echo(f"  [{mark}] {finding.label}（{finding.seed}）")
    typer.echo("符合申报条件" if found.eligible else "不符合申报条件")

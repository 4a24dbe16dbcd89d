"""``yingji programmes``: the programmes and their rounds, and the eligibility self-check, from the shell."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

app = typer.Typer(help="评审认定事项：项目、届次、申报条件自查", no_args_is_help=True)


@app.command("list")
def list_programmes(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    programme: Annotated[str | None, typer.Option(help="只列此项目的届次，如 baotou-quality-award")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="每个项目最多列出的届次数")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="跳过的届次数")] = 0,
) -> None:
    """各项目的环节（办理人、期限）与已登记的届次（同 API 的读模型，按页列出，注明共几届）。"""
    from sqlalchemy import func, select

    from yingji.auth.actor import SYSTEM
    from yingji.core.clock import SystemClock, local_today
    from yingji.core.paging import PageParams, paged, paginate
    from yingji.db.runtime import session_scope
    from yingji.programmes import reads, service
    from yingji.programmes.models import Application
    from yingji.programmes.schemas import RoundFilters

    on = local_today(SystemClock())
    paging = PageParams(limit=limit, offset=offset)
    rows: list[dict[str, Any]] = []
    with session_scope() as db_session:
        progs = [p for p in service.visible_programmes(SYSTEM) if programme in (None, p.id)]
        for shown in reads.programmes(db_session, SYSTEM, progs, on):
            query = service.rounds_query(SYSTEM, RoundFilters(programme_id=shown.id))
            found, total = paginate(db_session, query, paging, order_by=service.ROUND_ORDER)
            counts = dict(
                db_session.execute(
                    select(Application.round_id, func.count())
                    .where(Application.round_id.in_([r.id for r in found]))
                    .group_by(Application.round_id)
                ).all()
            )
            page = paged(reads.rounds(db_session, SYSTEM, found, on), total, paging)
            rows.append(
                {
                    "programme": shown.model_dump(mode="json", include={"id", "title", "doc_no", "division_name"}),
                    "stages": [
                        s.model_dump(mode="json", include={"code", "label", "kind_label", "actor_label", "timer"})
                        for s in shown.stages
                    ],
                    "rounds": {
                        **page.model_dump(mode="json"),
                        "items": [
                            {**r.model_dump(mode="json"), "applications": counts.get(r.id, 0)} for r in page.items
                        ],
                    },
                }
            )
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        prog = row["programme"]
        typer.echo(f"{prog['title']}（{prog['doc_no']}，{prog['division_name']}）")
        for stage in row["stages"]:
            timer = stage["timer"]
            unit = "个工作日" if timer and timer["unit"] == "working" else "日"
            limit_text = f"，不少于{timer['days']}{unit}" if timer else ""
            typer.echo(f"  {stage['label']}（{stage['kind_label']}，办理：{stage['actor_label']}{limit_text}）")
        page = row["rounds"]
        for rnd in page["items"]:
            typer.echo(f"  第{rnd['number']}届/批 {rnd['title']}：{rnd['applications']} 件申报，{rnd['status_label']}")
        shown_to = page["offset"] + len(page["items"])
        more = f"，已列出第 {page['offset'] + 1}–{shown_to} 届" if page["total"] > len(page["items"]) else ""
        typer.echo(f"  共 {page['total']} 届（批）{more}")


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

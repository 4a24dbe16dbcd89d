"""``yingji plans``: list, show and validate plan files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from yingji.config import get_settings
from yingji.core.errors import PlanInvalid
from yingji.plans import citations, loader
from yingji.plans.reads import summary

app = typer.Typer(help="应急预案（数据文件）", no_args_is_help=True)


@app.command("list")
def list_plans(as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """列出内置的全部预案。"""
    rows = [summary(p) for p in loader.all_plans().values()]
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=2))
        return
    for row in rows:
        typer.echo(f"{row.id:<28} {row.doc_no or '':<20} {row.title}  {row.jurisdiction_name} · {row.kind_label}")
    typer.echo(f"共 {len(rows)} 条")


@app.command("show")
def show(
    plan_id: Annotated[str, typer.Argument(help="预案 ID，见 yingji plans list")],
    as_json: Annotated[bool, typer.Option("--json", help="输出完整 JSON")] = False,
) -> None:
    """显示一个预案的内容。"""
    plan = loader.get(plan_id)
    if as_json:
        typer.echo(json.dumps(plan.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2))
        return
    row = summary(plan)
    typer.echo(f"{row.title}（{row.doc_no}）")
    typer.echo(f"发布：{row.issuer}，{row.issued_on}；适用：{row.jurisdiction_name}（{row.jurisdiction}）")
    typer.echo(f"类别：{row.kind_label}；行业：{'、'.join(s.label for s in row.sector_labels)}")
    for level in plan.response.levels:
        typer.echo(f"响应{level.name}: 决定 {level.decided_by.body}；牵头 {level.lead_body.body}")


@app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(help="要校验的预案 YAML 文件")],
    seeds: Annotated[
        Path | None, typer.Option(help="种子公报目录；给出时逐条核对引文（默认 ../shared/seeds，如存在）")
    ] = None,
) -> None:
    """校验预案文件：结构、跨字段规则，以及（有种子目录时）每条引文。"""
    seeds_dir = seeds or citations.default_seeds_dir(get_settings().seeds_dir)
    failed = False
    for path in files:
        plan = loader.load_plan(path)
        bad = citations.problems(plan, seeds_dir) if seeds_dir else []
        if bad:
            failed = True
            typer.echo(f"{path}: 引文不符 {len(bad)} 处", err=True)
            for line in bad:
                typer.echo(f"  {line}", err=True)
        else:
            checked = f"，引文 {len(plan.seed_refs())} 条已核对" if seeds_dir else "（未找到种子目录，未核对引文）"
            typer.echo(f"{path}: 通过{checked}")
    if failed:
        raise PlanInvalid(reason="引文与种子原文不符")

"""``yingji monitoring``: inspect the threshold rules."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from yingji.monitoring.schema import SensorKind, find_rules

app = typer.Typer(help="监测预警", no_args_is_help=True)


@app.command("rules")
def rules(
    kind: Annotated[SensorKind | None, typer.Option(help="传感器种类，如 CH4")] = None,
    unverified: Annotated[bool, typer.Option("--unverified", help="只列出尚未核实的规则")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """列出测点阈值规则：级别（触发/解除）、断电范围、依据和核实状态。"""
    found = find_rules(kind, None, False if unverified else None)
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in found], ensure_ascii=False, indent=2))
        return
    for rule in found:
        levels = "；".join(f"{lv.name} {lv.raise_at:g}/{lv.clear_at:g}" for lv in rule.levels)
        status = "已核实" if rule.verified else f"未核实（{rule.basis.confidence}）"
        typer.echo(f"{rule.id:<40} {rule.kind.value:<5} {rule.location_class}  {levels} {rule.unit}  {status}")

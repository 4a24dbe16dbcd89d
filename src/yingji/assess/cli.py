"""``yingji assess``: the same decision as POST /api/assess, from the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from pydantic import ValidationError

from yingji.assess import service
from yingji.assess.schemas import AssessmentRead, AssessRequest
from yingji.core.validation import invalid_input
from yingji.rules.levels import Condition


def assess(
    plan: Annotated[str, typer.Option("--plan", help="预案 ID，见 yingji plans list")],
    deaths: Annotated[int | None, typer.Option(help="死亡人数；不填表示尚不清楚")] = None,
    serious_injuries: Annotated[int | None, typer.Option(help="重伤人数（含急性工业中毒）")] = None,
    direct_loss_yuan: Annotated[int | None, typer.Option(help="直接经济损失（元）")] = None,
    missing: Annotated[int, typer.Option(help="失踪人数")] = 0,
    trapped: Annotated[int, typer.Option(help="被困人数")] = 0,
    endangered: Annotated[int, typer.Option(help="涉险人数")] = 0,
    social_impact: Annotated[int | None, typer.Option(help="社会影响等级 1–4")] = None,
    condition: Annotated[list[Condition] | None, typer.Option(help="其他情形，可重复")] = None,
    known_at: Annotated[str | None, typer.Option(help="发现事故的时间，ISO 8601 带时区")] = None,
    accident_type: Annotated[str | None, typer.Option(help="事故类型，如 road_traffic、fire")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """按预案研判一起事故：等级、响应级别、决定与牵头机关、报告时限、信息发布机关及依据。"""
    raw = {
        "plan": plan,
        "deaths": deaths,
        "serious_injuries": serious_injuries,
        "direct_loss_yuan": direct_loss_yuan,
        "missing": missing,
        "trapped": trapped,
        "endangered": endangered,
        "social_impact": social_impact,
        "conditions": condition or [],
        "known_at": known_at,
        "accident_type": accident_type,
    }
    try:
        request = AssessRequest.model_validate(raw)
    except ValidationError as err:
        raise invalid_input(err.errors()) from err
    result = service.run(request)
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2))
    else:
        typer.echo(render_text(result))


def render_text(result: AssessmentRead) -> str:
    """Return the answer as a duty officer reads it on a terminal."""
    lines = [
        f"预案：{result.plan.title}（{result.plan.doc_no}）",
        f"事故等级：{result.grade}{'（暂定，可能上升）' if result.provisional else ''}",
        f"响应级别：{result.response_level_name or '本预案未设定'}",
        f"决定机关：{result.decided_by or '—'}",
        f"进入响应状态：{result.state_holder or '—'}",
        f"牵头：{result.lead_body or '—'}",
        f"信息发布：{result.release_authority or '本预案未规定'}",
    ]
    if result.upgrade:
        lines.append(f"可报批提级至：{result.upgrade.name}（{result.upgrade.decided_by}）")
    lines.append("报告时限：")
    for d in result.report_deadlines:
        window = (
            f"{d.within_minutes} 分钟内" if d.within_minutes else {"immediately": "立即", "promptly": "及时"}[d.timing]
        )
        form = {"phone": "电话", "written": "书面", "any": ""}[d.form]
        lines.append(f"  {d.from_} → {d.to}：{form}{window}（最迟第 {d.latest_minutes} 分钟）")
    evaluation = f"{result.evaluation_report_days} 日内" if result.evaluation_report_days else "及时"
    lines.append(f"伤亡补报期：{result.supplementary_report_days} 日；总结评估报告：应急结束后{evaluation}")
    lines.extend(f"说明：{n}" for n in result.notes)
    lines.append("依据：")
    lines.extend(f"  [{b.seed or b.source}] {b.clause}：{b.quote or ''}" for b in result.basis)
    return "\n".join(lines)

"""The printable Chinese incident record (HTML, self-contained) for the archive (档案)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core.clock import Clock, to_local
from yingji.incidents import service, timeline
from yingji.incidents.models import Incident, ResponseRecord
from yingji.plans import loader
from yingji.rules.levels import CONDITION_LABELS, GRADE_LABELS, Condition, Grade

STYLE = (
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC',sans-serif;margin:2em;color:#111}"
    "table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}td,th{border:1px solid #999;padding:4px 6px;"
    "font-size:13px;vertical-align:top}th{background:#eee}h1{font-size:20px}h2{font-size:16px;margin-top:1.5em}"
    ".late{color:#b00;font-weight:bold}@media print{body{margin:0}}"
)


FACT_LABELS = {
    "deaths": "死亡（人）",
    "serious_injuries": "重伤（含急性工业中毒，人）",
    "direct_loss_yuan": "直接经济损失（元）",
    "missing": "失踪（人）",
    "trapped": "被困（人）",
    "endangered": "涉险（人）",
    "social_impact": "社会影响（研判等级）",
    "conditions": "其他情形",
}


def fact_text(key: str, value: object) -> str:
    if value is None:
        return "不详"
    if key == "conditions" and isinstance(value, list):
        return "、".join(CONDITION_LABELS[Condition(c)] for c in value) or "无"
    if key == "social_impact" and isinstance(value, int):
        return GRADE_LABELS[Grade(value)]
    return str(value)


def _time(value: datetime | None) -> str:
    return "—" if value is None else to_local(value).strftime("%Y-%m-%d %H:%M")


def _table(head: list[str], rows: list[list[str]]) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{header}</tr>{body}</table>"


def render(*, db_session: Session, incident: Incident, clock: Clock) -> str:
    """Return the whole record: facts, assessments with basis, clocks, responses, timeline (times in 北京时间)."""
    now = clock.now()
    facts = incident.facts
    fact_rows = [[escape(FACT_LABELS.get(k, k)), escape(fact_text(k, v))] for k, v in facts.items()]
    assessed = []
    for a in service.assessments(db_session=db_session, incident=incident):
        title = loader.get(a.plan_id).metadata.title
        basis = "；".join(escape(f"{b.get('clause')} {b.get('seed') or b.get('source') or ''}") for b in a.basis)
        assessed.append(
            [
                escape(title),
                escape(GRADE_LABELS[Grade(a.grade)] + ("（暂定）" if a.provisional else "")),
                escape(f"{a.response_level}级" if a.response_level else "未设定"),
                escape(a.decided_by or "—"),
                escape(a.release_authority or "—"),
                basis,
            ]
        )
    clocks = [
        [
            escape(o.from_body),
            escape(o.to_body),
            escape(o.form),
            _time(o.due_at),
            _time(o.received_at) + (escape(f"（接报人：{o.received_by}）") if o.received_by else ""),
            '<span class="late">迟报</span>' if service.is_late(o, now) else "",
        ]
        for o in service.obligations(db_session=db_session, incident=incident)
    ]
    responses = [
        [escape(r.plan_id), escape(f"{r.level}级"), escape(r.decided_by), _time(r.started_at), _time(r.ended_at)]
        for r in db_session.scalars(select(ResponseRecord).where(ResponseRecord.incident_id == incident.id))
    ]
    events = [
        [str(e.seq), _time(e.at), escape(e.actor), escape(e.summary)]
        for e in timeline.events(db_session=db_session, incident=incident)
    ]
    return (
        f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{escape(incident.title)}</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<h1>生产安全事故应急处置记录：{escape(incident.title)}</h1>"
        f"<p>事件编号 {incident.id}；事发地 {escape(incident.division_code)}；发生时间 {_time(incident.occurred_at)}；"
        f"事故类别 {escape(incident.accident_type or '—')}；生成时间 {_time(now)}（北京时间）</p>"
        "<h2>一、事故情况</h2>"
        + _table(["项目", "内容"], fact_rows)
        + "<h2>二、预案研判</h2>"
        + _table(["预案", "事故等级", "响应级别", "决定机关", "信息发布", "依据"], assessed)
        + "<h2>三、信息报告时限</h2>"
        + _table(["报告人", "接报机关", "方式", "时限", "接报时间", ""], clocks)
        + "<h2>四、应急响应</h2>"
        + _table(["预案", "级别", "决定机关", "启动", "结束"], responses)
        + "<h2>五、时间线</h2>"
        + _table(["序号", "时间", "记录人", "内容"], events)
        + "</body></html>"
    )

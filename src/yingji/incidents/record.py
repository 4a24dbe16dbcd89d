"""The printable Chinese incident record (HTML, self-contained) for the archive (档案)."""

from __future__ import annotations

from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.reads import signatures
from yingji.core.clock import Clock
from yingji.core.printing import clean, local_time, page, rows, table
from yingji.incidents import documents, service, timeline
from yingji.incidents.models import Incident, ResponseRecord
from yingji.registry import divisions
from yingji.rules.levels import CONDITION_LABELS, GRADE_LABELS, Condition, Grade

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


def render(*, db_session: Session, incident: Incident, clock: Clock, appendix: bool = False) -> str:
    """Return the whole record: facts, assessments, clocks, responses, timeline (times in 北京时间) — names and words
    only on the paper; the assessments' citations in the appendix when asked for."""
    now = clock.now()
    titles = documents.plan_titles()
    fact_rows = [[escape(FACT_LABELS.get(k, k)), escape(fact_text(k, v))] for k, v in incident.facts.items()]
    assessments = service.assessments(db_session=db_session, incident=incident)
    assessed = [
        [
            escape(titles.get(a.plan_id, "适用预案")),
            escape(documents.grade_words(a)),
            escape(documents.LEVEL_WORDS.get(a.response_level, "") if a.response_level else "未达到响应条件"),
            clean(a.decided_by or "—", titles),
            clean(a.release_authority or "—", titles),
        ]
        for a in assessments
    ]
    clocks = [
        [
            clean(o.from_body, titles),
            clean(o.to_body or "（预案未规定）", titles),
            escape(service.form_label(o.form)),
            escape(local_time(o.due_at) if o.due_at else "（预案未规定时限）"),
            escape(local_time(o.received_at) if o.received_at else "未登记")
            + (escape(f"（接报人：{o.received_by}）") if o.received_by else ""),
            '<span class="late">迟报</span>' if service.is_late(o, now) else "",
        ]
        for o in service.obligations(db_session=db_session, incident=incident)
    ]
    responses = [
        [
            escape(titles.get(r.plan_id, "适用预案")),
            escape(documents.LEVEL_WORDS.get(r.level, "")),
            clean(r.decided_by, titles),
            escape(local_time(r.started_at)),
            escape(local_time(r.ended_at) if r.ended_at else "进行中"),
        ]
        for r in db_session.scalars(
            select(ResponseRecord).where(ResponseRecord.incident_id == incident.id).order_by(ResponseRecord.id)
        )
    ]
    events = timeline.events(db_session=db_session, incident=incident)
    people = signatures(db_session, {e.actor for e in events})
    entries = [
        [
            str(e.seq),
            escape(local_time(e.at)),
            escape(people[e.actor][0] if e.actor in people else "平台" if e.actor == "system" else e.actor),
            clean(e.summary, titles),
        ]
        for e in events
    ]
    place = divisions.full_names(db_session, [incident.division_code])[incident.division_code]
    body = (
        f"<h1>生产安全事故应急处置记录</h1><p class='kind'>{clean(incident.title, titles)}</p>"
        + rows(
            [
                ("事发地", escape(place)),
                ("发生时间", escape(local_time(incident.occurred_at))),
                ("事故类别", escape(f"{incident.sector.label} · {incident.accident_type or '不详'}")),
                ("生成时间", escape(local_time(now) + "（北京时间）")),
            ]
        )
        + "<h2>一、事故情况</h2>"
        + table(["项目", "内容"], fact_rows)
        + "<h2>二、预案研判</h2>"
        + table(["预案", "事故等级", "响应级别", "决定机关", "信息发布"], assessed)
        + "<h2>三、信息报告时限</h2>"
        + table(["报告人", "接报机关", "方式", "时限", "接报时间", ""], clocks)
        + "<h2>四、应急响应</h2>"
        + table(["预案", "级别", "决定机关", "启动", "结束"], responses)
        + "<h2>五、时间线</h2>"
        + table(["序号", "时间", "记录人", "内容"], entries)
        + (documents.citations(assessments, titles) if appendix else "")
    )
    return page(title=f"应急处置记录 {incident.title}", printed=local_time(now), body=body)

"""事故信息快报: one report (初报、续报、终报) as the printed form reporting bodies exchange — names and words only on
the paper (no codes, plan ids or seed lines); the assessment's citations go into an appendix the user may add."""

from __future__ import annotations

from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.reads import signatures
from yingji.core.clock import Clock
from yingji.core.errors import NotFound
from yingji.core.printing import BLANK, clean, local_time, page, rows, table
from yingji.incidents.models import Assessment, Incident, Report
from yingji.plans import loader
from yingji.plans.schema import ReportKind
from yingji.registry import divisions
from yingji.registry.models import Mine, Organisation
from yingji.rules.levels import GRADE_LABELS, Grade

LEVEL_WORDS = {1: "Ⅰ级", 2: "Ⅱ级", 3: "Ⅲ级", 4: "Ⅳ级"}
KIND_TITLES = {ReportKind.INITIAL: "初报", ReportKind.FOLLOW_UP: "续报", ReportKind.FINAL: "终报"}
# 伤亡 in the order the forms print them; an unknown count is 不详, never 0.
CASUALTIES = [
    ("deaths", "死亡"),
    ("serious_injuries", "重伤"),
    ("missing", "失踪"),
    ("trapped", "被困"),
    ("endangered", "涉险"),
]
INITIAL_TEXTS = [("scene", "现场救援情况"), ("impact", "影响范围和损害程度")]


def plan_titles() -> dict[str, str]:
    """plan id → title: codes never reach the paper."""
    return {plan_id: plan.metadata.title for plan_id, plan in loader.all_plans().items()}


def casualties(facts: dict[str, Any]) -> str:
    parts = [f"{label}{'不详' if facts.get(key) is None else str(facts[key]) + '人'}" for key, label in CASUALTIES]
    loss = facts.get("direct_loss_yuan")
    parts.append(f"直接经济损失{'不详' if loss is None else f'{loss:,}元'}")
    return escape("；".join(parts))


def grade_words(assessment: Assessment) -> str:
    words = f"{GRADE_LABELS[Grade(assessment.grade)]}事故"
    return words + ("（暂定：尚有伤亡人数不详，为下限）" if assessment.provisional else "")


def assessed_by_report(db_session: Session, incident: Incident, report: Report) -> list[Assessment]:
    """Each applicable plan's assessment as it stood after this report."""
    latest: dict[str, Assessment] = {}
    query = select(Assessment).where(Assessment.incident_id == incident.id, Assessment.report_id <= report.id)
    for row in db_session.scalars(query.order_by(Assessment.id)):
        latest[row.plan_id] = row
    return [latest[p] for p in incident.plan_ids if p in latest]


def citations(assessed: list[Assessment], titles: dict[str, str]) -> str:
    """The appendix: each assessment's basis (clause, quote, seed line), for the reader who wants the sources."""
    body = [
        [
            escape(titles.get(a.plan_id, a.plan_id)),
            escape(str(b.get("clause") or "")),
            escape(str(b.get("quote") or "")),
            escape(str(b.get("seed") or b.get("source") or "")),
        ]
        for a in assessed
        for b in a.basis
    ]
    return (
        "<section class='appendix'><h2>附：研判依据</h2>"
        + table(["预案", "条款", "原文", "出处"], body or [["—", "", "", ""]])
        + "</section>"
    )


def _unit(db_session: Session, incident: Incident, initial: dict[str, Any]) -> str:
    names = [initial.get("unit"), initial.get("mine")]
    if incident.enterprise_id is not None and not names[0]:
        names[0] = db_session.get_one(Organisation, incident.enterprise_id).name
    if incident.mine_id is not None and not names[1]:
        names[1] = db_session.get_one(Mine, incident.mine_id).name
    return "、".join(dict.fromkeys(n for n in names if n)) or "不详"


def report_of(db_session: Session, incident: Incident, report_id: int) -> Report:
    report = db_session.scalars(select(Report).where(Report.id == report_id, Report.incident_id == incident.id)).first()
    if report is None:
        raise NotFound(kind="信息报告", key=str(report_id))
    return report


def express(*, db_session: Session, incident: Incident, report: Report, clock: Clock, appendix: bool) -> str:
    """The 事故信息快报 of one report."""
    titles = plan_titles()
    first = db_session.scalars(
        select(Report).where(Report.incident_id == incident.id, Report.kind == ReportKind.INITIAL)
    ).first()
    initial = dict(first.content) if first is not None else {}
    content = dict(report.content)
    person, unit = signatures(db_session, [report.submitted_by]).get(report.submitted_by, (report.submitted_by, "不详"))
    place = divisions.full_names(db_session, [incident.division_code])[incident.division_code]
    number = ""
    if report.kind is ReportKind.FOLLOW_UP:
        earlier = db_session.scalars(
            select(Report.id).where(
                Report.incident_id == incident.id, Report.kind == ReportKind.FOLLOW_UP, Report.id <= report.id
            )
        ).all()
        number = f"（第{len(earlier)}次）"
    if report.kind is ReportKind.INITIAL:
        course = clean(content.get("course") or "不详", titles)
        course += "".join(
            f"<p>{escape(label)}：{clean(content[key], titles)}</p>" for key, label in INITIAL_TEXTS if content.get(key)
        )
        measures = clean(content.get("measures") or "不详", titles)
    else:
        course = (
            "".join(f"<p>{escape(str(name))}：{clean(text, titles)}</p>" for name, text in content.items() if text)
            or "（本次报告未述及新的经过）"
        )
        measures = "见上" if content else "—"
    assessed = assessed_by_report(db_session, incident, report)
    assessment = (
        "".join(
            f"<p>{escape(titles.get(a.plan_id, '适用预案'))}：{escape(grade_words(a))}"
            + (f"，{LEVEL_WORDS.get(a.response_level, '')}应急响应" if a.response_level else "，未达到响应条件")
            + (f"，由{clean(a.decided_by, titles)}决定" if a.decided_by else "")
            + "</p>"
            for a in assessed
        )
        or "未研判（无适用预案）"
    )
    fields = [
        ("报告单位", escape(unit)),
        ("报告时间", escape(local_time(report.submitted_at))),
        ("事故发生时间", escape(local_time(incident.occurred_at))),
        ("地点", escape(place) + (clean(initial["place"], titles) if initial.get("place") else "")),
        ("事故单位", clean(_unit(db_session, incident, initial), titles)),
        ("事故类别", escape(f"{incident.sector.label} · {incident.accident_type or '不详'}")),
        ("简要经过", course),
        ("伤亡情况", casualties(report.facts)),
        ("已采取的措施", measures),
        ("事故等级研判", assessment),
    ]
    signed = "<table class='sign'><tr><th>报告人</th><td>" + escape(person) + "</td>"
    signed += f"<th>签发人</th><td>{BLANK}</td></tr></table>"
    kind = KIND_TITLES[report.kind] + number
    body = (
        f"<h1>事故信息快报</h1><p class='kind'>{escape(kind)}</p>"
        f"<p class='note'>事件：{clean(incident.title, titles)}</p>"
        + rows(fields)
        + signed
        + (citations(assessed, titles) if appendix else "")
    )
    return page(title=f"事故信息快报（{kind}）{incident.title}", printed=local_time(clock.now()), body=body)

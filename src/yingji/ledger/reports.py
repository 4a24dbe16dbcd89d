"""The campaign's recurring reports — weekly progress table, monthly report (due before the 25th) — built from the
hazard and task data, and rendered as HTML, PDF (headless Chromium) or a spreadsheet.

Reporting duties (period, due day, recipient) come from the campaign file's ``reports`` rows with their seed lines.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi import Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions, printing
from yingji.core.clock import Clock, to_local
from yingji.core.errors import InvalidInput, NotFound
from yingji.core.xlsx import workbook
from yingji.hazards import board
from yingji.hazards import policy as hazard_policy
from yingji.hazards.models import Hazard
from yingji.ledger import reads, service
from yingji.ledger.schema import Campaign, ReportDuty, campaigns
from yingji.ledger.schemas import (
    CampaignRef,
    CampaignReport,
    DutyRead,
    HazardFigures,
    MajorHazardRow,
    PeriodRead,
    ReportKind,
    TaskFigures,
    TaskStatus,
)
from yingji.registry.models import Organisation
from yingji.rules.hazards import HazardGrade, HazardState, is_overdue

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def period_of(kind: str, on: date) -> tuple[date, date]:
    if kind == "weekly":
        start = on - timedelta(days=on.weekday())
        return start, start + timedelta(days=6)
    return on.replace(day=1), on.replace(day=monthrange(on.year, on.month)[1])


def due_of(duty: ReportDuty | None, start: date, end: date) -> date | None:
    """The day the report is due: the weekly weekday if fixed, the monthly day (“…日前”: the day before)."""
    if duty is None:
        return None
    if duty.cadence == "weekly" and duty.due_weekday is not None:
        return start + timedelta(days=duty.due_weekday - 1)
    if duty.cadence == "monthly" and duty.due_day is not None:
        day = min(duty.due_day, monthrange(start.year, start.month)[1])
        return start.replace(day=day) - timedelta(days=1 if duty.before_due_day else 0)
    return end


def _campaign(actor: Actor, campaign_id: str) -> Campaign:
    actor.require(Permission.PLANS_READ)
    campaign = campaigns().get(campaign_id)
    if campaign is None or campaign not in board.campaigns_in_scope(actor):
        raise NotFound(kind="专项行动", key=campaign_id)
    return campaign


def _major_rows(db_session: Session, actor: Actor, campaign: Campaign, on: date) -> list[MajorHazardRow]:
    query = (
        select(Hazard, Organisation.name)
        .join(Organisation, Organisation.id == Hazard.organisation_id)
        .where(
            hazard_policy.scope(actor),
            Hazard.division_code.startswith(divisions.stem(campaign.division_code), autoescape=True),
            Hazard.grade == HazardGrade.MAJOR,
            Hazard.state.not_in([HazardState.CLOSED, HazardState.DISMISSED]),
        )
        .order_by(Hazard.id)
    )
    return [
        MajorHazardRow(
            id=h.id,
            enterprise=name,
            place=h.place,
            channel=h.channel.label,
            state=h.state.label,
            responsible=h.responsible or "",
            deadline=h.deadline,
            overdue=is_overdue(h.state, h.deadline, on),
        )
        for h, name in db_session.execute(query)
    ]


def build(
    *, db_session: Session, clock: Clock, actor: Actor, campaign_id: str, kind: str, on: date | None = None
) -> CampaignReport:
    campaign = _campaign(actor, campaign_id)
    today = to_local(clock.now()).date()
    day = on or today
    if day > today:
        raise InvalidInput(field="on", reason="on：报告期不能晚于今天")
    start, end = period_of(kind, day)
    as_of = min(end, today)
    found = board.facts(db_session, actor, campaign.division_code)
    new = [f for f in found if start <= f.recorded_on <= as_of]
    closed = [
        f for f in found if f.closed_on is not None and start <= f.closed_on <= as_of and f.state is HazardState.CLOSED
    ]
    open_now = [f for f in found if f.recorded_on <= as_of and (f.closed_on is None or f.closed_on > as_of)]
    real = [f for f in found if f.state is not HazardState.DISMISSED and f.recorded_on <= as_of]
    closed_total = [f for f in real if f.closed_on is not None and f.closed_on <= as_of]
    duty = next((d for d in campaign.reports if d.cadence == kind), None)
    rows = service.all_tasks(db_session=db_session, clock=clock, actor=actor, programme=campaign.id)
    tasks = reads.tasks(db_session, actor, rows, today)
    by_status: dict[str, int] = {}
    for t in tasks:
        by_status[t.status_label] = by_status.get(t.status_label, 0) + 1
    return CampaignReport(
        campaign=CampaignRef(id=campaign.id, title=campaign.title, doc_no=campaign.doc_no, issuer=campaign.issuer),
        kind=ReportKind(kind),
        kind_label=ReportKind(kind).label,
        duty=None if duty is None else DutyRead(label=duty.label, to=duty.to, seed=duty.seed),
        period=PeriodRead(start=start, end=end, as_of=as_of),
        due=due_of(duty, start, end),
        generated_at=to_local(clock.now()).strftime("%Y-%m-%d %H:%M"),
        hazards=HazardFigures(
            new=len(new),
            new_major=sum(f.grade is HazardGrade.MAJOR for f in new),
            closed=len(closed),
            open=len(open_now),
            open_major=sum(f.grade is HazardGrade.MAJOR and f.state is not HazardState.DISMISSED for f in open_now),
            overdue=sum(is_overdue(f.state, f.deadline, as_of) for f in found),
            rectification_rate=round(100 * len(closed_total) / len(real), 1) if real else None,
        ),
        zero_clearing=board.zero_clearing(campaign, found, as_of),
        major=_major_rows(db_session, actor, campaign, today),
        tasks=TaskFigures(
            total=len(tasks),
            by_status=by_status,
            overdue=[t for t in tasks if t.status is TaskStatus.OVERDUE],
            due_soon=[t for t in tasks if t.status is TaskStatus.DUE_SOON],
        ),
    )


def html(report: dict[str, Any]) -> str:
    return TEMPLATES.get_template("campaign_report.html").render(r=report)


def xlsx(report: dict[str, Any]) -> bytes:
    """The report as a workbook (summary, zero-clearing milestones, major hazards, tasks) through the shared writer."""
    period = report["period"]
    labels = {
        "new": "本期新增隐患",
        "new_major": "其中重大隐患",
        "closed": "本期销号",
        "open": "在办隐患",
        "open_major": "在办重大隐患",
        "overdue": "整改逾期",
        "rectification_rate": "累计整改率（%）",
    }
    summary = [
        ["报告期", f"{period['start']} 至 {period['end']}", "统计截至", str(period["as_of"])],
        ["报送期限", str(report["due"] or "—"), "报送对象", (report["duty"] or {}).get("to") or "—"],
        *([label, report["hazards"][key]] for key, label in labels.items()),
    ]
    zero = [
        [str(m["due"]), m["text"], str(m["as_of"]), m["open_major"], m["status_label"]] for m in report["zero_clearing"]
    ]
    major = [
        [
            h["id"],
            h["enterprise"],
            h["place"],
            h["channel"],
            h["state"],
            h["responsible"],
            str(h["deadline"] or ""),
            "是" if h["overdue"] else "",
        ]
        for h in report["major"]
    ]
    tasks = [
        [
            f"{t['subplan_title']} {t['number']}" if t["subplan_title"] else t["number"],
            t["title"],
            t["lead"] or t["department"] or "",
            str(t["due"] or ""),
            t["status_label"],
        ]
        for t in report["tasks"]["overdue"] + report["tasks"]["due_soon"]
    ]
    return workbook(
        [
            ("汇总", [report["campaign"]["title"], report["kind_label"]], summary),
            ("动态清零", ["节点", "目标", "统计日", "在办重大隐患", "状态"], zero),
            ("重大隐患", ["编号", "企业", "地点", "来源", "状态", "整改责任人", "整改时限", "逾期"], major),
            ("督办任务", ["编号", "任务", "牵头单位或部门", "期限", "状态"], tasks),
        ]
    )


def render(built: CampaignReport, fmt: str, *, chromium: str | None = None) -> Response:
    name = f"{built.campaign.id}-{built.kind.value}-{built.period.start}"
    if fmt == "json":
        return Response(built.model_dump_json(), media_type="application/json")
    report = built.model_dump()
    if fmt == "xlsx":
        return Response(
            xlsx(report),
            media_type=XLSX_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    if fmt == "pdf":
        return Response(
            printing.pdf(html(report), chromium),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
        )
    return Response(html(report), media_type="text/html; charset=utf-8")

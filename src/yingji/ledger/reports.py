"""The campaign's recurring reports — weekly progress table, monthly report (due before the 25th) — built from the
hazard and task data, and rendered as HTML, PDF (headless Chromium) or a spreadsheet.

Reporting duties (period, due day, recipient) come from the campaign file's ``reports`` rows with their seed lines.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
from calendar import monthrange
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi import Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.clock import Clock, to_local
from yingji.core.errors import InvalidInput, NotFound, Unavailable
from yingji.hazards import board
from yingji.hazards.models import CHANNEL_LABELS, Hazard
from yingji.ledger import service
from yingji.ledger.schema import Campaign, ReportDuty, campaigns
from yingji.registry.models import Organisation
from yingji.rules.hazards import STATE_LABELS, HazardGrade, HazardState, is_overdue

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
)
KIND_LABELS = {"weekly": "周进展表", "monthly": "月度报告"}
PDF_TIMEOUT_S = 60


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


def _major_rows(db_session: Session, actor: Actor, campaign: Campaign, on: date) -> list[dict[str, Any]]:
    query = (
        select(Hazard, Organisation.name)
        .join(Organisation, Organisation.id == Hazard.organisation_id)
        .where(
            actor.record_filter(Hazard.division_code, Hazard.organisation_id),
            Hazard.division_code.startswith(divisions.stem(campaign.division_code), autoescape=True),
            Hazard.grade == HazardGrade.MAJOR,
            Hazard.state.not_in([HazardState.CLOSED, HazardState.DISMISSED]),
        )
        .order_by(Hazard.id)
    )
    return [
        {
            "id": h.id,
            "enterprise": name,
            "place": h.place,
            "channel": CHANNEL_LABELS[h.channel],
            "state": STATE_LABELS[h.state],
            "responsible": h.responsible or "",
            "deadline": h.deadline,
            "overdue": is_overdue(h.state, h.deadline, on),
        }
        for h, name in db_session.execute(query)
    ]


def build(
    *, db_session: Session, clock: Clock, actor: Actor, campaign_id: str, kind: str, on: date | None = None
) -> dict[str, Any]:
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
    tasks = service.tasks(db_session=db_session, clock=clock, actor=actor, programme=campaign.id)
    by_status: dict[str, int] = {}
    for t in tasks:
        by_status[t["status_label"]] = by_status.get(t["status_label"], 0) + 1
    return {
        "campaign": {"id": campaign.id, "title": campaign.title, "doc_no": campaign.doc_no, "issuer": campaign.issuer},
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "duty": None if duty is None else {"label": duty.label, "to": duty.to, "seed": duty.seed},
        "period": {"start": start, "end": end, "as_of": as_of},
        "due": due_of(duty, start, end),
        "generated_at": to_local(clock.now()).strftime("%Y-%m-%d %H:%M"),
        "hazards": {
            "new": len(new),
            "new_major": sum(f.grade is HazardGrade.MAJOR for f in new),
            "closed": len(closed),
            "open": len(open_now),
            "open_major": sum(f.grade is HazardGrade.MAJOR and f.state is not HazardState.DISMISSED for f in open_now),
            "overdue": sum(is_overdue(f.state, f.deadline, as_of) for f in found),
            "rectification_rate": round(100 * len(closed_total) / len(real), 1) if real else None,
        },
        "zero_clearing": board.zero_clearing(campaign, found, as_of),
        "major": _major_rows(db_session, actor, campaign, today),
        "tasks": {
            "total": len(tasks),
            "by_status": by_status,
            "overdue": [t for t in tasks if t["status"] == "overdue"],
            "due_soon": [t for t in tasks if t["status"] == "due_soon"],
        },
    }


def html(report: dict[str, Any]) -> str:
    return TEMPLATES.get_template("campaign_report.html").render(r=report)


def xlsx(report: dict[str, Any]) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    summary.append([report["campaign"]["title"], report["kind_label"]])
    period = report["period"]
    summary.append(["报告期", f"{period['start']} 至 {period['end']}", "统计截至", str(period["as_of"])])
    summary.append(["报送期限", str(report["due"] or "—"), "报送对象", (report["duty"] or {}).get("to") or "—"])
    labels = {
        "new": "本期新增隐患",
        "new_major": "其中重大隐患",
        "closed": "本期销号",
        "open": "在办隐患",
        "open_major": "在办重大隐患",
        "overdue": "整改逾期",
        "rectification_rate": "累计整改率（%）",
    }
    for key, label in labels.items():
        summary.append([label, report["hazards"][key]])
    zero = book.create_sheet("动态清零")
    zero.append(["节点", "目标", "统计日", "在办重大隐患", "状态"])
    for m in report["zero_clearing"]:
        zero.append([str(m["due"]), m["text"], str(m["as_of"]), m["open_major"], m["status_label"]])
    major = book.create_sheet("重大隐患")
    major.append(["编号", "企业", "地点", "来源", "状态", "整改责任人", "整改时限", "逾期"])
    for h in report["major"]:
        major.append(
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
        )
    tasks = book.create_sheet("督办任务")
    tasks.append(["编号", "任务", "牵头单位", "期限", "状态"])
    for t in report["tasks"]["overdue"] + report["tasks"]["due_soon"]:
        tasks.append([t["code"], t["title"], t["lead"] or "", str(t["due"] or ""), t["status_label"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def find_chromium(configured: str | None) -> str | None:
    """The configured binary (Settings.chromium), else Chromium on PATH."""
    return configured or shutil.which("chromium") or shutil.which("chromium-browser")


def pdf(report: dict[str, Any], chromium: str | None = None) -> bytes:
    """Print the HTML with headless Chromium (installed with the system; no network, a throwaway profile)."""
    binary = find_chromium(chromium)
    if binary is None:
        raise Unavailable(reason="未安装 Chromium，无法生成 PDF；请使用 HTML 或电子表格格式")
    with tempfile.TemporaryDirectory(prefix="yingji-pdf-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(html(report), encoding="utf-8")
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={folder}/profile",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=PDF_TIMEOUT_S)
        except (subprocess.SubprocessError, OSError) as err:
            raise Unavailable(reason=f"Chromium 生成 PDF 失败：{type(err).__name__}") from err
        return target.read_bytes()


def render(report: dict[str, Any], fmt: str, *, chromium: str | None = None) -> Response:
    name = f"{report['campaign']['id']}-{report['kind']}-{report['period']['start']}"
    if fmt == "xlsx":
        return Response(
            xlsx(report),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    if fmt == "pdf":
        return Response(
            pdf(report, chromium),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
        )
    if fmt == "json":
        return Response(json.dumps(report, ensure_ascii=False, default=str), media_type="application/json")
    return Response(html(report), media_type="text/html; charset=utf-8")

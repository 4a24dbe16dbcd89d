"""The units' reports as the notice prescribes them: the monthly 进展情况工作报告 in the 附件3 structure
(004#L8974-L9052) and the weekly 调度表 (附件4, of which the seed keeps only 填报单位 and 填报日期, 004#L9059-L9061),
per unit and combined, as HTML, PDF (headless Chromium), a spreadsheet or JSON.

Part 二 of the report counts the unit's key tasks per year from the campaign ledger (tasks whose lead or responsible
units name it, in any campaign of the list's division) and lists this year's completed and ongoing ones; the unit's
own text fills parts 一, 三 and 四.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from fastapi import Response
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import SYSTEM, Actor
from yingji.core import printing
from yingji.core.clock import Clock, local_today, to_local
from yingji.core.errors import InvalidInput
from yingji.core.schemas import YingjiModel
from yingji.core.xlsx import workbook
from yingji.duties import policy, service
from yingji.duties.models import DutyInstance, DutySubmission
from yingji.duties.reads import month_window
from yingji.duties.schema import DutyFile, Form, duties, files
from yingji.ledger import reads as ledger_reads
from yingji.ledger import service as ledger
from yingji.ledger.schema import campaigns
from yingji.ledger.schemas import TaskRead, TaskStatus
from yingji.registry.models import Organisation
from yingji.rules import duties as rules
from yingji.rules.duties import Cadence, DutyState

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TaskLine(YingjiModel):
    code: str
    title: str
    due: date | None
    status_label: str
    reported_on: date | None
    note: str | None


class YearCount(YingjiModel):
    year: int
    count: int


class UnitReport(YingjiModel):
    """One unit's report for the period: its state, what it wrote and (monthly) its key tasks from the ledger."""

    unit_id: int
    unit_name: str
    state_label: str
    due_on: date
    submitted_on: date | None
    is_late: bool
    is_overdue: bool
    summary: str | None
    tasks_note: str | None = None
    problems: str | None = None
    next_steps: str | None = None
    tasks_total: int = 0
    per_year: list[YearCount] = Field(default_factory=list)
    completed: list[TaskLine] = Field(default_factory=list)
    in_progress: list[TaskLine] = Field(default_factory=list)


class DutyReport(YingjiModel):
    file: str
    title: str
    form: Form
    form_label: str
    period_key: str
    period_label: str
    office_name: str
    generated_at: str
    units: list[UnitReport]


def _aliases(file: DutyFile, unit_name: str) -> list[str]:
    """The names a ledger row may use for the unit: its registry name, the file's aliases, a town's own name."""
    names = [unit_name]
    for unit in file.units:
        if unit.name == unit_name:
            names += unit.aliases
    for suffix in ("人民政府", "管理委员会"):
        if unit_name.endswith(suffix):
            names.append(unit_name.removesuffix(suffix))
    return [n for n in names if len(n) >= 2]


def _ledger_tasks(db_session: Session, clock: Clock, file: DutyFile) -> list[TaskRead]:
    """Every task of the campaigns over the list's division (the master plan's and the sub-plans')."""
    found: list[TaskRead] = []
    today = local_today(clock)
    for campaign in campaigns().values():
        if campaign.division_code != file.division_code:
            continue
        rows = ledger.all_tasks(db_session=db_session, clock=clock, actor=SYSTEM, programme=campaign.id)
        found += ledger_reads.tasks(db_session, SYSTEM, rows, today)
    return found


def _line(task: TaskRead) -> TaskLine:
    return TaskLine(
        code=task.code,
        title=task.title,
        due=task.due,
        status_label=task.status_label,
        reported_on=task.last_report,
        note=task.last_note,
    )


def _key_tasks(tasks: list[TaskRead], names: list[str], year: int) -> dict[str, object]:
    mine = [t for t in tasks if any(n in (t.lead or "") or any(n in r for r in t.responsible) for n in names)]
    years = Counter(t.due.year for t in mine if t.due is not None)
    this_year = [t for t in mine if t.due is not None and t.due.year == year]
    return {
        "tasks_total": len(mine),
        "per_year": [YearCount(year=y, count=n) for y, n in sorted(years.items())],
        "completed": [_line(t) for t in this_year if t.status is TaskStatus.DONE],
        "in_progress": [_line(t) for t in this_year if t.status is not TaskStatus.DONE],
    }


def build(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    file_id: str,
    form: Form,
    period: str | None,
    unit_id: int | None = None,
) -> DutyReport:
    """The reports of one period (a month 2026-11, or a week 2026-W48) for every unit in scope, or one unit."""
    file = files().get(file_id)
    duty = next((d for d in duties().values() if d.file == file_id and d.form is form), None)
    if file is None or duty is None:
        raise InvalidInput(field="file", reason="file：该清单没有此类报送任务")
    today = local_today(clock)
    key = period or rules.period_of(duty.cadence, today).key
    if duty.cadence is Cadence.MONTHLY and not (len(key) == 7 and key[4] == "-"):
        raise InvalidInput(field="period", reason="period：月报的报告期形如 2026-11")
    if duty.cadence is Cadence.WEEKLY and "-W" not in key:
        raise InvalidInput(field="period", reason="period：周调度表的报告期形如 2026-W48")
    query = (
        select(DutyInstance, Organisation.name)
        .join(Organisation, Organisation.id == DutyInstance.organisation_id)
        .where(policy.scope(actor), DutyInstance.duty_key == duty.key, DutyInstance.period_key == key)
        .order_by(DutyInstance.division_code, Organisation.name, DutyInstance.id)
    )
    if unit_id is not None:
        query = query.where(DutyInstance.organisation_id == unit_id)
    found = [(instance, name) for instance, name in db_session.execute(query)]
    latest: dict[int, DutySubmission] = {}
    if found:
        ids = [i.id for i, _ in found]
        for s in db_session.scalars(
            select(DutySubmission).where(DutySubmission.instance_id.in_(ids)).order_by(DutySubmission.id)
        ):
            latest[s.instance_id] = s
    tasks = _ledger_tasks(db_session, clock, file) if form is Form.MONTHLY_REPORT and found else []
    year = int(key[:4])
    units = []
    for instance, name in found:
        sent = latest.get(instance.id)
        extra = _key_tasks(tasks, _aliases(file, name), year) if form is Form.MONTHLY_REPORT else {}
        units.append(
            UnitReport.model_validate(
                {
                    "unit_id": instance.organisation_id,
                    "unit_name": name,
                    "state_label": service.state(instance, today).label,
                    "due_on": instance.due_on,
                    "submitted_on": sent.submitted_on if sent else None,
                    "is_late": bool(sent and sent.is_late),
                    "is_overdue": service.state(instance, today) is DutyState.OVERDUE,
                    "summary": sent.summary if sent else None,
                    "tasks_note": sent.tasks_note if sent else None,
                    "problems": sent.problems if sent else None,
                    "next_steps": sent.next_steps if sent else None,
                    **extra,
                }
            )
        )
    if found:
        first = found[0][0]
        label = rules.Period(key=key, starts_on=first.starts_on, ends_on=first.ends_on).label
    elif duty.cadence is Cadence.MONTHLY:
        start, end = month_window(key)
        label = rules.Period(key=key, starts_on=start, ends_on=end).label
    else:
        label = key
    return DutyReport(
        file=file.id,
        title=file.title,
        form=form,
        form_label=form.label,
        period_key=key,
        period_label=label,
        office_name=file.unit(file.office).name,
        generated_at=to_local(clock.now()).strftime("%Y-%m-%d %H:%M"),
        units=units,
    )


# --- rendering ------------------------------------------------------------------------------------------------------


def _text(value: str | None) -> str:
    return printing.clean(value).replace("\n", "<br>") if value else "<span class='note'>（未填报）</span>"


def _monthly_unit(report: DutyReport, unit: UnitReport) -> str:
    """One unit's report in the 附件3 structure: title, addressee, opening, 一 to 四."""
    month = report.period_label.removeprefix(report.period_key[:4] + "年")
    years = "，".join(f"{y.year}年重点指标任务{y.count}项" for y in unit.per_year) or "台账中暂无按年度计的重点指标任务"
    year = report.period_key[:4]

    def lines(items: list[TaskLine], done: bool) -> str:
        if not items:
            return "<p class='note'>无</p>"
        out = []
        for index, t in enumerate(items, start=1):
            when = f"（{t.reported_on}报{'完成' if done else '进展'}）" if t.reported_on else ""
            note = f"{printing.clean(t.note)}" if t.note else printing.clean(t.status_label)
            out.append(f"<p>{index}.{printing.clean(t.title)}{when}：{note}</p>")
        return "".join(out)

    status = f"报送状态：{printing.clean(unit.state_label)}"
    if unit.submitted_on:
        status += f"，{unit.submitted_on} 报送" + ("（逾期）" if unit.is_late else "")
    return (
        f"<section class='unit'><h1>{printing.clean(unit.unit_name)}安全生产<br>治本攻坚三年行动进展情况工作报告</h1>"
        f"<p class='kind'>（{printing.clean(report.period_label)}）</p>"
        f"<p>{printing.clean(report.office_name)}：</p>"
        f"<p>　　按照《杭锦旗安全生产委员会办公室关于印发&lt;杭锦旗安全生产治本攻坚三年行动方案（2024-2026年）&gt;"
        f"实施方案的通知》要求，现将{printing.clean(unit.unit_name)}{printing.clean(month)}份安全生产治本攻坚三年行动"
        "开展情况报送如下。</p>"
        f"<h2>一、总体情况和经验做法</h2><p>{_text(unit.summary)}</p>"
        "<h2>二、本苏木镇（领域）重点指标任务进展情况</h2>"
        + (
            "<p>　　依据《杭锦旗安全生产治本攻坚三年行动（2024-2026年）》（杭安发〔2024〕3号）和本系统实施方案，"
            f"我单位共{unit.tasks_total}项重点指标任务，其中{printing.clean(years)}。</p>"
            if unit.tasks_total
            else "<p>　　督办台账中暂无本单位牵头或负责的重点指标任务。</p>"
        )
        + f"<h2>（一）{year}年已完成的重点指标任务</h2>{lines(unit.completed, True)}"
        f"<h2>（二）{year}年正在推进的重点指标任务</h2>{lines(unit.in_progress, False)}"
        + (f"<p>{_text(unit.tasks_note)}</p>" if unit.tasks_note else "")
        + f"<h2>三、存在的问题和困难</h2><p>{_text(unit.problems)}</p>"
        f"<h2>四、近期工作安排</h2><p>{_text(unit.next_steps)}</p>"
        f"<p class='note'>{status}；报送期限 {unit.due_on}。</p></section>"
    )


def _weekly(report: DutyReport) -> str:
    head = ["填报单位", "报送状态", "填报日期", "本周进展", "存在的问题"]
    body = [
        [
            printing.clean(u.unit_name),
            f"<span class='{'late' if u.is_late or u.is_overdue else ''}'>{printing.clean(u.state_label)}</span>",
            str(u.submitted_on or "—"),
            _text(u.summary),
            _text(u.problems) if u.problems else "—",
        ]
        for u in report.units
    ]
    return (
        f"<h1>进展情况调度表</h1><p class='kind'>{printing.clean(report.title)}<br>"
        f"{printing.clean(report.period_label)}（报送{printing.clean(report.office_name)}）</p>"
        f"{printing.table(head, body)}"
    )


def html(report: DutyReport) -> str:
    if report.form is Form.MONTHLY_REPORT:
        parts = [_monthly_unit(report, u) for u in report.units] or ["<p>本期没有需要报送的单位。</p>"]
        body = "<div style='page-break-after:always'></div>".join(parts)
    else:
        body = _weekly(report)
    return printing.page(
        title=f"{report.title}{report.form_label}（{report.period_label}）", printed=report.generated_at, body=body
    )


def xlsx(report: DutyReport) -> bytes:
    """One row per unit; the monthly report's four parts and its task counts in columns, tasks on a second sheet."""
    if report.form is Form.WEEKLY_TABLE:
        header = ["填报单位", "报送状态", "期限", "填报日期", "是否逾期", "本周进展", "存在的问题"]
        table: list[list[object]] = [
            [
                u.unit_name,
                u.state_label,
                u.due_on,
                u.submitted_on,
                "是" if u.is_late else "",
                u.summary or "",
                u.problems or "",
            ]
            for u in report.units
        ]
        return workbook([(f"调度表 {report.period_key}", header, table)])
    header = ["单位", "报送状态", "期限", "报送日期", "是否逾期", "一、总体情况和经验做法", "重点指标任务（项）"]
    header += ["按年度", "二、补充说明", "三、存在的问题和困难", "四、近期工作安排"]
    rows: list[list[object]] = [
        [
            u.unit_name,
            u.state_label,
            u.due_on,
            u.submitted_on,
            "是" if u.is_late else "",
            u.summary or "",
            u.tasks_total,
            "；".join(f"{y.year}年{y.count}项" for y in u.per_year),
            u.tasks_note or "",
            u.problems or "",
            u.next_steps or "",
        ]
        for u in report.units
    ]
    tasks = [
        [
            u.unit_name,
            "已完成" if done else "正在推进",
            t.code,
            t.title,
            t.due,
            t.status_label,
            t.reported_on,
            t.note or "",
        ]
        for u in report.units
        for done, items in ((True, u.completed), (False, u.in_progress))
        for t in items
    ]
    return workbook(
        [
            (f"工作报告 {report.period_key}", header, rows),
            ("重点指标任务", ["单位", "类别", "编号", "任务", "期限", "状态", "最近报送", "最近进展"], tasks),
        ]
    )


def render(report: DutyReport, fmt: str, *, chromium: str | None) -> Response:
    name = f"{report.file}-{report.form.value}-{report.period_key}" + (
        f"-{report.units[0].unit_id}" if len(report.units) == 1 else ""
    )
    if fmt == "json":
        return Response(report.model_dump_json(), media_type="application/json")
    if fmt == "xlsx":
        return Response(
            xlsx(report), media_type=XLSX_TYPE, headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'}
        )
    return printing.answer(html(report), fmt, name, chromium=chromium)

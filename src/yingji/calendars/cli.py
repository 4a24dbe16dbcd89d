"""``yingji calendar``: load a published holiday schedule; count working days."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
import yaml
from pydantic import ValidationError

from yingji.calendars import service
from yingji.calendars.schemas import ScheduleIn
from yingji.core import yamlfile
from yingji.core.clock import SystemClock
from yingji.core.errors import InvalidInput, NotFound
from yingji.core.validation import invalid_input
from yingji.db.runtime import session_scope

app = typer.Typer(help="工作日历（法定节假日与调休）", no_args_is_help=True)


@app.command("load")
def load(path: Annotated[Path, typer.Argument(help="YAML：year、source、days_off、working_weekends")]) -> None:
    """载入国务院办公厅公布的某年度节假日安排（替换该年度已载入的安排）。"""
    try:
        raw = yamlfile.read(path)
    except OSError as err:
        raise NotFound(kind="文件", key=str(path)) from err
    except yaml.YAMLError as err:
        raise InvalidInput(reason=f"YAML 语法错误：{err}") from err
    try:
        schedule = ScheduleIn.model_validate(raw)
    except ValidationError as err:
        raise invalid_input(err.errors()) from err
    with session_scope() as db_session:
        count = service.load_schedule(db_session=db_session, clock=SystemClock(), actor="cli", schedule=schedule)
    typer.echo(f"已载入 {schedule.year} 年节假日安排：{count} 天（{schedule.source}）")


@app.command("add")
def add(
    start: Annotated[str, typer.Argument(help="起算日期 YYYY-MM-DD（当日不计）")],
    days: Annotated[int, typer.Argument(help="工作日数", min=0)],
) -> None:
    """计算“自某日起 N 个工作日”的截止日期。"""
    try:
        start_on = date.fromisoformat(start)
    except ValueError as err:
        raise InvalidInput(field="start", reason=f"start：「{start}」不是 YYYY-MM-DD 日期") from err
    with session_scope() as db_session:
        decision = service.work_calendar(db_session=db_session).add_working_days(start_on, days)
    suffix = "（估算：该年度节假日安排尚未发布）" if decision.provisional else ""
    typer.echo(f"{decision.value.isoformat()}{suffix}")

"""/api/ledger: campaign tasks with progress, KPI targets with yearly values, and the campaign reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, CurrentSettings, DbSession
from yingji.ledger import reports, service

router = APIRouter(prefix="/api/ledger", tags=["督查督办"])


@router.get("/tasks")
def list_tasks(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    programme: str | None = None,
    status: Literal["done", "overdue", "due_soon", "in_progress", "not_started"] | None = None,
) -> list[dict[str, Any]]:
    """督办任务（措施、重点工程）及其计算出的状态：已完成、逾期、临近期限、推进中、未报进展。"""
    return service.tasks(db_session=db_session, clock=clock, actor=actor, programme=programme, status=status)


@router.post("/tasks/{task_id}/progress", status_code=201)
def add_progress(
    task_id: int, body: service.ProgressIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        return service.report_progress(db_session=db_session, clock=clock, actor=actor, task_id=task_id, data=body)


@router.get("/targets")
def list_targets(db_session: DbSession, actor: CurrentActor, programme: str | None = None) -> list[dict[str, Any]]:
    """指标：基期、方向、目标年、目标值及由已填数据计算的状态。"""
    return service.targets(db_session=db_session, actor=actor, programme=programme)


@router.post("/targets/{target_id}/values", status_code=201)
def add_value(
    target_id: int, body: service.ValueIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """填报指标年度数据（同一年再次填报即更正，历史保留）。"""
    with transaction(db_session):
        return service.record_value(db_session=db_session, clock=clock, actor=actor, target_id=target_id, data=body)


@router.get("/reports/{campaign_id}/{kind}")
def campaign_report(
    campaign_id: str,
    kind: Literal["weekly", "monthly"],
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    settings: CurrentSettings,
    on: Annotated[date | None, Query(description="报告期内任一日（默认今天）")] = None,
    format: Annotated[Literal["html", "xlsx", "pdf", "json"], Query()] = "html",
) -> Response:
    """治本攻坚周进展表、月度报告：由隐患与任务数据生成，HTML、PDF 或电子表格。"""
    report = reports.build(db_session=db_session, clock=clock, actor=actor, campaign_id=campaign_id, kind=kind, on=on)
    return reports.render(report, format, chromium=settings.chromium)

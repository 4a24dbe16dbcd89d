"""/api/ledger: campaign tasks with progress, KPI targets with yearly values, the campaign reports, and the
fire-rescue benefit check of the campaign that carries benefit rules."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from yingji.core import xlsx
from yingji.core.clock import local_today
from yingji.core.paging import Page, Paging, every, paged, slice_list
from yingji.core.params import RowId
from yingji.db.session import end_reading, transaction
from yingji.deps import CurrentActor, CurrentClock, CurrentSettings, DbSession
from yingji.ledger import benefits, reads, reports, service
from yingji.ledger.schemas import (
    BenefitCheckRead,
    BenefitIn,
    BenefitRulesRead,
    CampaignReport,
    SubPlanFilters,
    SubPlanRead,
    TargetFilters,
    TargetRead,
    TaskFilters,
    TaskRead,
)

router = APIRouter(prefix="/api/ledger", tags=["督查督办"])


@router.get("/tasks", response_model=Page[TaskRead])
def list_tasks(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[TaskFilters, Query()],
) -> Page[TaskRead]:
    """督办任务（措施、重点工程）及其计算出的状态：已完成、逾期、临近期限、推进中、未报进展（分页，可按状态、方案、区划、期限筛选）。"""
    found, total = service.tasks(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
    return paged(reads.tasks(db_session, actor, found, local_today(clock)), total, paging)


@router.get("/subplans", response_model=Page[SubPlanRead])
def list_subplans(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[SubPlanFilters, Query()],
) -> Page[SubPlanRead]:
    """方案的部门子方案（实施方案）：所属部门、措施与指标数、节点，以及可见任务中逾期与完成的项数（按方案、序号）。"""
    rows = reads.subplan_rows(db_session, actor, filters.programme, filters.department, local_today(clock))
    return slice_list(rows, paging)


@router.get("/tasks/export.xlsx", response_class=Response, responses=xlsx.RESPONSES)
def export_tasks(
    db_session: DbSession, clock: CurrentClock, actor: CurrentActor, filters: Annotated[TaskFilters, Query()]
) -> Response:
    """督办任务（电子表格，筛选同列表，最多一万条）。"""
    found, _ = every(
        lambda params: service.tasks(db_session=db_session, clock=clock, actor=actor, params=params, filters=filters)
    )
    today = local_today(clock)
    return xlsx.response(reads.task_workbook(reads.tasks(db_session, actor, found, today), today), f"督办任务-{today}")


@router.post("/tasks/{task_id}/progress", status_code=201, response_model=TaskRead)
def add_progress(
    task_id: RowId, body: service.ProgressIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> TaskRead:
    """报送进展（只增不改；报完成后不再接收）。"""
    with transaction(db_session):
        task = service.report_progress(db_session=db_session, clock=clock, actor=actor, task_id=task_id, data=body)
        return reads.tasks(db_session, actor, [task], local_today(clock))[0]


@router.get("/targets", response_model=Page[TargetRead])
def list_targets(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[TargetFilters, Query()]
) -> Page[TargetRead]:
    """指标：基期、方向、目标年、目标值及由已填数据计算的状态（分页，可按规划、区划筛选）。"""
    found, total = service.targets(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.targets(db_session, actor, found), total, paging)


@router.post("/targets/{target_id}/values", status_code=201, response_model=TargetRead)
def add_value(
    target_id: RowId, body: service.ValueIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> TargetRead:
    """填报指标年度数据（同一年再次填报即更正，历史保留）。"""
    with transaction(db_session):
        target = service.record_value(db_session=db_session, clock=clock, actor=actor, target_id=target_id, data=body)
        return reads.targets(db_session, actor, [target])[0]


@router.get(
    "/reports/{campaign_id}/{kind}",
    response_class=Response,
    responses={
        200: {
            "description": "报告：HTML（默认）、PDF、电子表格，或 JSON（format=json）",
            "model": CampaignReport,
            "content": {"text/html": {}, "application/pdf": {}, reports.XLSX_TYPE: {}},
        }
    },
)
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
    end_reading(db_session)  # printing a PDF takes seconds: hold no transaction meanwhile
    return reports.render(report, format, chromium=settings.chromium)


@router.get("/benefits/{campaign_id}", response_model=BenefitRulesRead)
def benefit_rules(campaign_id: str, actor: CurrentActor) -> BenefitRulesRead:
    """消防救援人员优待：优待对象与各项优待（谁享受、如何判定），均附原文。"""
    return benefits.rules_read(actor, campaign_id)


@router.post("/benefits/{campaign_id}/check", response_model=BenefitCheckRead)
def benefit_check(campaign_id: str, body: BenefitIn, actor: CurrentActor) -> BenefitCheckRead:
    """优待资格核对：按队伍、身份、户籍、入职年限等，逐项答复本人或家属是否享受（只核对，不保存）。"""
    return benefits.check(actor, campaign_id, body)

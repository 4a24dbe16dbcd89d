"""GET /api/plans and /api/plans/{id}: the bundled plans as data."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from yingji.auth.roles import Permission
from yingji.core.paging import Page, Paging, slice_list
from yingji.deps import require
from yingji.plans import loader
from yingji.plans.reads import PlanSummary, summary
from yingji.plans.schema import Plan

router = APIRouter(prefix="/api/plans", tags=["预案"], dependencies=[Depends(require(Permission.PLANS_READ))])


@router.get("", response_model=Page[PlanSummary])
def list_plans(paging: Paging) -> Page[PlanSummary]:
    """列出内置预案（分页）。"""
    return slice_list([summary(p) for p in loader.all_plans().values()], paging)


@router.get("/{plan_id}", response_model=Plan, response_model_by_alias=True)
def get_plan(plan_id: str) -> Plan:
    """返回一个预案的完整数据（含每一处引文）。"""
    return loader.get(plan_id)

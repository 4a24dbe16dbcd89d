"""GET /api/plans and /api/plans/{id}: the bundled plans as data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from yingji.auth.roles import Permission
from yingji.deps import require
from yingji.plans import loader
from yingji.plans.cli import summary

router = APIRouter(prefix="/api/plans", tags=["预案"], dependencies=[Depends(require(Permission.PLANS_READ))])


@router.get("")
def list_plans() -> list[dict[str, Any]]:
    """列出内置预案。"""
    return [summary(p) for p in loader.all_plans().values()]


@router.get("/{plan_id}")
def get_plan(plan_id: str) -> dict[str, Any]:
    """返回一个预案的完整数据（含每一处引文）。"""
    return loader.get(plan_id).model_dump(mode="json", by_alias=True)

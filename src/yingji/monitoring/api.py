"""GET /api/monitoring/rules: the threshold rules in force, each with its basis and whether it has been verified."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from yingji.auth.roles import Permission
from yingji.deps import require
from yingji.monitoring.schema import SensorKind, find_rules, rule_by_id

router = APIRouter(prefix="/api/monitoring", tags=["监测预警"], dependencies=[Depends(require(Permission.PLANS_READ))])


@router.get("/rules")
def list_rules(
    kind: SensorKind | None = None,
    location_class: Annotated[str | None, Query(max_length=60)] = None,
    verified: bool | None = None,
) -> list[dict[str, Any]]:
    """列出测点阈值规则（含依据与是否已核实），可按种类、设置地点、核实状态筛选。"""
    return [rule.model_dump(mode="json") for rule in find_rules(kind, location_class, verified)]


@router.get("/rules/{rule_id}")
def get_rule(rule_id: str) -> dict[str, Any]:
    """返回一条阈值规则。"""
    return rule_by_id(rule_id).model_dump(mode="json")

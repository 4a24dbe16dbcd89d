"""Liaison officers in and out: the register a plan's HQ keeps of its member units' contact people."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from yingji.core.labels import LabelledEnum
from yingji.core.schemas import YingjiModel
from yingji.registry.schemas import Phone
from yingji.rules.basis import Basis


class LiaisonAction(LabelledEnum):
    SET = "set", "登记或变更联络员"
    CLEAR = "clear", "撤销登记"


class LiaisonIn(YingjiModel):
    name: Annotated[str, Field(min_length=1, max_length=40, description="联络员姓名")]
    position: Annotated[str | None, Field(max_length=60, description="职务")] = None
    mobile: Annotated[str, Field(pattern=r"^1[3-9]\d{9}$", description="手机号码（接收任务短信）")]
    office_phone: Phone = None


class LiaisonRead(YingjiModel):
    name: str
    position: str | None
    mobile: str
    office_phone: str | None
    updated_by: str
    updated_at: datetime


class UnitLiaisonRead(YingjiModel):
    """A member unit of the plan with its liaison officer (None: the unit has not named one yet)."""

    unit: str = Field(description="成员单位（按预案）")
    duties: list[str]
    liaison: LiaisonRead | None
    allowed_actions: list[LiaisonAction]


class PlanLiaisonsRead(YingjiModel):
    plan_id: str
    plan_title: str
    rule: str = Field(description="预案关于联络员的规定")
    basis: list[Basis]
    named: int = Field(description="已确定联络员的成员单位数")
    units: list[UnitLiaisonRead] = Field(description="尚未确定联络员的单位在前")

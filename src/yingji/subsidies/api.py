"""/api/subsidies: the calculators with their cited parameters, and one POST per calculator (nothing is stored)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from yingji.deps import CurrentActor
from yingji.subsidies import schemas, service

router = APIRouter(prefix=service.PREFIX, tags=["补贴计算"])


@router.get("")
def list_calculators(actor: CurrentActor) -> list[dict[str, Any]]:
    """补贴计算器：所属方案、公式及每项标准的原文依据。"""
    return service.catalogue()


@router.post(f"/{service.TECH_LICENCE}")
def tech_licence(body: schemas.LicenceIn, actor: CurrentActor) -> dict[str, Any]:
    """“先使用后付费”许可（转让）补贴：按合同涉及的单项成果计算。"""
    return service.licence(body)


@router.post(f"/{service.TECH_ACCEPTANCE}")
def tech_acceptance(body: schemas.AcceptanceIn, actor: CurrentActor) -> dict[str, Any]:
    """“先使用后付费”承接补贴。"""
    return service.acceptance(body)


@router.post(f"/{service.TECH_INSURANCE}")
def tech_insurance(body: schemas.InsuranceIn, actor: CurrentActor) -> dict[str, Any]:
    """“先使用后付费”保险担保补贴。"""
    return service.insurance(body)


@router.post(f"/{service.TECH_PAYMENT}")
def tech_payment(body: schemas.PaymentIn, actor: CurrentActor) -> dict[str, Any]:
    """许可费最早支付日：合同生效满一年或形成市场化收入之后。"""
    return service.payment(body)


@router.post(f"/{service.PINGFANG}")
def pingfang(body: schemas.PingfangIn, actor: CurrentActor) -> dict[str, Any]:
    """南平房区建筑改造更新补贴、退线补偿、审批路径及支付安排。"""
    return service.pingfang(body)

"""/api/subsidies: the calculators with their cited parameters, and one POST per calculator (nothing is stored)."""

from __future__ import annotations

from fastapi import APIRouter

from yingji.core.paging import Page, Paging, slice_list
from yingji.deps import CurrentActor
from yingji.subsidies import schemas, service

router = APIRouter(prefix=service.PREFIX, tags=["补贴计算"])


@router.get("", response_model=Page[schemas.CalculatorRead])
def list_calculators(actor: CurrentActor, paging: Paging) -> Page[schemas.CalculatorRead]:
    """补贴计算器：所属方案、公式及每项标准的原文依据。"""
    return slice_list(service.catalogue(), paging)


@router.post(f"/{service.TECH_LICENCE}", response_model=schemas.CalculationRead)
def tech_licence(body: schemas.LicenceIn, actor: CurrentActor) -> schemas.CalculationRead:
    """“先使用后付费”许可（转让）补贴：按合同涉及的单项成果计算。"""
    return service.licence(body)


@router.post(f"/{service.TECH_ACCEPTANCE}", response_model=schemas.CalculationRead)
def tech_acceptance(body: schemas.AcceptanceIn, actor: CurrentActor) -> schemas.CalculationRead:
    """“先使用后付费”承接补贴。"""
    return service.acceptance(body)


@router.post(f"/{service.TECH_INSURANCE}", response_model=schemas.CalculationRead)
def tech_insurance(body: schemas.InsuranceIn, actor: CurrentActor) -> schemas.CalculationRead:
    """“先使用后付费”保险担保补贴。"""
    return service.insurance(body)


@router.post(f"/{service.TECH_PAYMENT}", response_model=schemas.PaymentRead)
def tech_payment(body: schemas.PaymentIn, actor: CurrentActor) -> schemas.PaymentRead:
    """许可费最早支付日：合同生效满一年或形成市场化收入之后。"""
    return service.payment(body)


@router.post(f"/{service.PINGFANG}", response_model=schemas.CalculationRead)
def pingfang(body: schemas.PingfangIn, actor: CurrentActor) -> schemas.CalculationRead:
    """南平房区建筑改造更新补贴、退线补偿、审批路径及支付安排。"""
    return service.pingfang(body)

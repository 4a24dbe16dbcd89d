"""/api/subsidies: the calculators with their cited parameters, one POST per calculator (nothing is stored), and the
contested sentences whose reading an administrator chooses."""

from __future__ import annotations

from fastapi import APIRouter

from yingji.core.paging import Page, Paging, slice_list
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.subsidies import readings, schemas, service
from yingji.subsidies.schema import calculator

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
def pingfang(body: schemas.PingfangIn, db_session: DbSession, actor: CurrentActor) -> schemas.CalculationRead:
    """南平房区建筑改造更新补贴、退线补偿、审批路径及支付安排（退线补偿按现行理解计算，另一理解的金额在说明中）。"""
    programme, _ = calculator(service.PINGFANG)
    return service.pingfang(body, readings.setback_reading(db_session, programme.id))


@router.get("/readings", response_model=Page[schemas.QuestionRead])
def list_readings(db_session: DbSession, actor: CurrentActor, paging: Paging) -> Page[schemas.QuestionRead]:
    """有争议的条文：数据中的各种理解、默认理解及理由、现行理解与选定记录。"""
    return slice_list(readings.reads(db_session, actor), paging)


@router.post("/readings/{programme_id}/{question}", response_model=schemas.QuestionRead)
def choose_reading(
    programme_id: str,
    question: str,
    body: schemas.ChoiceIn,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> schemas.QuestionRead:
    """选定有争议条文的理解（方案所在地的系统管理员；此后核定的补贴按新理解计算，已核定、已支付的不变）。"""
    with transaction(db_session):
        readings.choose(
            db_session=db_session, clock=clock, actor=actor, programme_id=programme_id, question_id=question, data=body
        )
    programme, found = readings.question(programme_id, question)
    return readings.read(db_session, actor, programme, found)


@router.post(f"/{service.EQUIPMENT_INTEREST}", response_model=schemas.CalculationRead)
def equipment_interest(body: schemas.InterestIn, actor: CurrentActor) -> schemas.CalculationRead:
    """设备更新贷款财政贴息：符合财金〔2024〕54号的银行贷款本金按1.5个百分点贴息，贴息期限2年（鄂府发〔2024〕60号）。"""
    return service.equipment_interest(body)

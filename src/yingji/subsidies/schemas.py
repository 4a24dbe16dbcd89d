"""Request bodies of the subsidy calculators: numbers arrive as JSON numbers or strings and are parsed to Decimal
here; the rules refuse negative, absurd and too-fine values, naming the field."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, PlainValidator, WithJsonSchema

from yingji.core.schemas import YingjiModel
from yingji.rules.subsidies import BuildingKind, Grade, LandUse, LicenceKind, Tenure, Work, parse_number


def _number(raw: object) -> Decimal | None:
    return None if raw is None else parse_number(raw)


def _date(raw: object) -> date | None:
    if raw is None or isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError as err:
        raise ValueError("应为日期（YYYY-MM-DD）") from err


Number = Annotated[
    Decimal | None,
    PlainValidator(_number),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}]}),
]
Day = Annotated[
    date | None,
    PlainValidator(_date),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}),
]


class LicenceResultIn(YingjiModel):
    amount_yuan: Number = Field(description="单项成果交易金额（元）")
    kind: LicenceKind = Field(default=LicenceKind.ORDINARY, description="许可方式：独占、排他、普通许可或转让")
    is_first_licence: bool = Field(default=True, description="是否为该成果的首次许可")
    name: Annotated[str, Field(max_length=200)] | None = Field(default=None, description="成果名称")


class LicenceIn(YingjiModel):
    results: list[LicenceResultIn] = Field(description="合同涉及的各项成果")


class AcceptanceIn(YingjiModel):
    contract_amount_yuan: Number = Field(description="技术许可合同金额（元）")


class InsuranceIn(YingjiModel):
    fee_yuan: Number = Field(description="企业就该项目缴纳的担保或保险费用合计（元）")


class PaymentIn(YingjiModel):
    effective_on: Day = Field(description="许可合同生效日")
    revenue_on: Day = Field(default=None, description="被许可方基于该成果首次形成市场化收入之日")
    proposed_on: Day = Field(default=None, description="拟支付许可费之日")


class SetbackIn(YingjiModel):
    area_m2: Number = Field(default=None, description="退出土地面积（平方米）")
    plot_area_m2: Number = Field(default=None, description="退线前土地面积（平方米）")
    land_use: LandUse = Field(description="土地用途：住宅或商业（门面迎主街道）")
    tenure: Tenure = Field(description="土地权属：划拨、出让或无证")
    location_class: Annotated[int, Field(ge=1, le=9)] | None = Field(default=None, description="商业地段类别")


class PingfangIn(YingjiModel):
    work: Work = Field(description="改造更新方式：既有建筑改造、拆除后不新建、拆除新建、空地新建")
    grade: Grade | None = Field(default=None, description="房屋结构安全等级")
    floor_area_m2: Number = Field(default=None, description="既有房屋建筑面积（改造）")
    compliant_roof: bool = Field(default=False, description="铺装符合规划、风貌要求的瓦顶或新型材料屋顶")
    main_kind: BuildingKind | None = Field(default=None, description="新建主房：楼房或平房")
    main_area_m2: Number = Field(default=None, description="新建主房面积")
    ancillary_area_m2: Number = Field(default=None, description="新建附属用房（凉房）面积")
    investment_yuan: Number = Field(default=None, description="新建投资额（判定审批路径）")
    setback: SetbackIn | None = Field(default=None, description="退线土地")


class RepaymentIn(YingjiModel):
    on: Day = Field(description="还本日")
    amount_yuan: Number = Field(description="还本金额（元）")


class InterestIn(YingjiModel):
    eligible: bool = Field(description="经营主体及其银行贷款符合财金〔2024〕54号的规定（申请人申明）")
    principal_yuan: Number = Field(description="贷款本金（元）")
    loan_on: Day = Field(description="放款（起息）日")
    due_on: Day = Field(description="贷款到期日")
    repayments: list[RepaymentIn] = Field(default_factory=list, description="提前还本（日期与金额）")


# --- answers ------------------------------------------------------------------------------------------------------


class BasisRead(YingjiModel):
    rule: str
    plan: str
    clause: str
    seed: str | None = None
    quote: str | None = None
    source: str | None = None


class ProgrammeSummary(YingjiModel):
    id: str
    title: str
    doc_no: str
    issuer: str


class ParameterRead(YingjiModel):
    """一项标准：名称、数值与单位、条款、原文出处及平台理解。"""

    name: str
    value: str | int | None
    unit: str | None
    clause: str
    seed: str
    quote: str
    reading: str | None


class CalculatorRead(YingjiModel):
    id: str
    title: str
    programme: ProgrammeSummary
    endpoint: str
    formula: str
    parameters: list[ParameterRead]


class ComponentRead(YingjiModel):
    key: str
    label: str
    formula: str
    amount_yuan: str = Field(description="金额（元，精确到分的字符串）")
    basis: list[BasisRead]


class InstalmentRead(YingjiModel):
    stage: str
    label: str
    amount_yuan: str
    basis: list[BasisRead]


class RouteRead(YingjiModel):
    id: str
    label: str
    text: str
    basis: list[BasisRead]


class CalculationRead(YingjiModel):
    """一次测算：公式、输入、各组成部分、合计、支付安排、审批路径及依据。"""

    calculator: str
    title: str
    programme: ProgrammeSummary
    formula: str
    inputs: dict[str, str]
    components: list[ComponentRead]
    total_yuan: str
    schedule: list[InstalmentRead]
    route: RouteRead | None
    notes: list[str]
    basis: list[BasisRead]


class ConditionRead(YingjiModel):
    key: str
    label: str
    formula: str
    on: date | None
    basis: list[BasisRead]


class PaymentRead(YingjiModel):
    """许可费最早支付日及拟支付日可否支付。"""

    calculator: str
    title: str
    programme: ProgrammeSummary
    formula: str
    inputs: dict[str, str]
    conditions: list[ConditionRead]
    earliest_on: date
    may_pay: bool | None
    notes: list[str]
    basis: list[BasisRead]


# --- contested sentences --------------------------------------------------------------------------------------------


class ChoiceIn(YingjiModel):
    """选定一种理解，并说明理由（如主管部门的解释文件）。"""

    option: Annotated[str, Field(min_length=2, max_length=60)]
    reason: Annotated[str, Field(min_length=2, max_length=2000)]


class OptionRead(YingjiModel):
    id: str
    label: str
    area: str
    area_label: str
    seed: str
    quote: str
    reading: str | None
    is_default: bool
    in_force: bool


class ChoiceRead(YingjiModel):
    option: str
    reason: str
    chosen_by: str
    chosen_at: datetime


class QuestionRead(YingjiModel):
    """一处有争议的条文：数据中的各种理解、默认理解及理由、现行理解、选定记录，以及当前用户能否选定。"""

    programme: ProgrammeSummary
    question: str
    title: str
    why_default: str
    default: str
    in_force: str
    in_force_label: str
    options: list[OptionRead]
    history: list[ChoiceRead]
    may_choose: bool

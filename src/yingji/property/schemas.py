"""Input bodies of the property-service API (field names are the API's; labels in the descriptions)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from yingji.core.divisions import CODE_PATTERN
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.property.models import Committee, ContractKind, Management

Name = Annotated[str, Field(min_length=2, max_length=200)]
Text = Annotated[str, Field(min_length=2, max_length=4000)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Phone = Annotated[str, Field(pattern=r"^[0-9+\-（）() 转]{5,40}$")]
DivisionCode = Annotated[str, Field(pattern=CODE_PATTERN)]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
Fee = Annotated[Decimal, Field(ge=0, le=100, max_digits=8, decimal_places=2)]


class CompanyIn(YingjiModel):
    """物业服务企业：名称、统一社会信用代码、注册地、党员与从业人员培训情况。"""

    name: Name
    credit_code: Annotated[str, Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    division_code: DivisionCode
    legal_person: Annotated[str, Field(max_length=40)] | None = None
    licence_date: date | None = None
    phone: Phone | None = None
    party_members: Count = 0
    party_branch: bool = False
    staff: Count = 0
    staff_pre_job_trained: Count = 0
    professional_post_staff: Count = 0
    professional_post_staff_continuing_educated: Count = 0

    @model_validator(mode="after")
    def _counts(self) -> CompanyIn:
        if self.staff_pre_job_trained > self.staff:
            raise ValueError("staff_pre_job_trained：岗前培训人数不能多于从业人员数")
        if self.professional_post_staff > self.staff:
            raise ValueError("professional_post_staff：专业岗位人数不能多于从业人员数")
        if self.professional_post_staff_continuing_educated > self.professional_post_staff:
            raise ValueError("professional_post_staff_continuing_educated：继续教育人数不能多于专业岗位人数")
        if self.party_branch and self.party_members < 3:
            raise ValueError("party_branch：成立党支部须有3名以上正式党员（东政发〔2024〕18号，001#L112-L114）")
        return self


class CompoundIn(YingjiModel):
    """住宅小区（含单体楼）：附件1统计表各项，以及指标所需的登记事项。"""

    name: Name
    division_code: DivisionCode  # 所在社区（12位）或街道（9位）
    address: Annotated[str, Field(max_length=200)] | None = None
    buildings: Count
    households: Count
    area_m2: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None
    year_built: Annotated[int, Field(ge=1900, le=2100)] | None = None
    is_new: bool = False
    is_old: bool = False
    management: Management
    company: Name | None = None  # 物业服务企业名称
    committee: Committee = Committee.NONE
    committee_formed_on: date | None = None
    committee_eligible: bool = True
    committee_members: Count | None = None
    committee_party_members: Count | None = None
    red_property: bool = False
    service_grade: Annotated[int, Field(ge=1, le=3)] | None = None
    region_excellent: bool = False
    has_public_income: bool = False
    separate_income_account: bool = False
    income_account: Annotated[str, Field(max_length=100)] | None = None
    fixed_parking_spaces: Count = 0
    spaces_with_charging: Count = 0
    fee_standard: Fee | None = None
    collection_rate: Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)] | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> CompoundIn:
        if self.management is Management.NONE and self.company:
            raise ValueError("company：“无物业”的小区不能填写物业服务企业")
        if self.management is Management.PROFESSIONAL and not self.company:
            raise ValueError("company：专业化物业管理的小区须填写物业服务企业")
        if self.committee is Committee.NONE and (self.committee_formed_on or self.committee_members):
            raise ValueError("committee：未组建业委会（物管会）的小区不能填写组建日期或委员人数")
        if (self.committee_party_members or 0) > (self.committee_members or 0):
            raise ValueError("committee_party_members：党员人数不能多于委员人数")
        if self.spaces_with_charging > self.fixed_parking_spaces:
            raise ValueError("spaces_with_charging：配建充电设施的车位不能多于固定车位")
        if self.separate_income_account and not self.has_public_income:
            raise ValueError("separate_income_account：无共用部位经营收益的小区无需单独列账")
        if self.is_new and self.is_old:
            raise ValueError("is_old：新建小区不能同时为老旧小区")
        return self


class ContractIn(YingjiModel):
    """物业服务合同：小区、企业、类别、期限、收费标准。"""

    compound_id: RowId
    company: Name
    kind: ContractKind = ContractKind.REGULAR
    signed_on: date
    starts_on: date
    ends_on: date
    fee_standard: Fee

    @model_validator(mode="after")
    def _term(self) -> ContractIn:
        if self.ends_on <= self.starts_on:
            raise ValueError("ends_on：合同期限的结束日期须晚于开始日期")
        return self


class FilingIn(YingjiModel):
    filed_on: date


class FundRequestIn(YingjiModel):
    """专项维修资金使用申请（应急维修：电梯、消防隐患等）。"""

    compound_id: RowId
    item: Literal["lift", "fire", "roof", "pipe", "other"]
    emergency: bool = True
    amount_yuan: Money
    description: Text


class DecisionIn(YingjiModel):
    approve: bool
    note: Text


class CountyIn(YingjiModel):
    """旗县区物业行业党委成立日期（无则为空）。"""

    industry_party_committee_on: date | None


class DisclosureIn(YingjiModel):
    """“12+N”公示检查：公开的核心信息类数与各列明事项是否公开。"""

    compound_id: RowId
    checked_on: date
    core_shown: Annotated[int, Field(ge=0, le=50)]
    items: dict[str, bool] = Field(default_factory=dict)
    note: Annotated[str, Field(max_length=2000)] = ""


class SurveyItemIn(YingjiModel):
    """增加统计项目（附件1：可增加，不得删减）。"""

    programme: Annotated[str, Field(max_length=64)]
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    label: Annotated[str, Field(min_length=1, max_length=60)]
    type: Literal["text", "int", "decimal", "date", "bool"]


class YearIn(YingjiModel):
    year: Annotated[int, Field(ge=2000, le=2100)]

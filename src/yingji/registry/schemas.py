"""Registry input rows (API bodies and import rows alike) and read models; references are by name."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator

from yingji.core.divisions import CODE_PATTERN
from yingji.core.params import MAX_INTEGER
from yingji.core.schemas import YingjiModel
from yingji.registry.enums import (
    EnterpriseSector,
    MineKind,
    MineStatus,
    OrganisationKind,
    PondStatus,
    ResourceLevel,
    ShelterKind,
    StandardisationGrade,
    TeamKind,
)


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _split_list(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.replace("，", "、").replace(",", "、").split("、") if part.strip()]
    return value


Blank = BeforeValidator(_blank_to_none)
Name = Annotated[str, Field(min_length=2, max_length=120, description="名称")]
Ref = Annotated[Annotated[str, Field(min_length=2, max_length=120)] | None, Blank]
Opt = Annotated[Annotated[str, Field(max_length=200)] | None, Blank]
Person = Annotated[Annotated[str, Field(max_length=40)] | None, Blank]  # columns of 40 characters
Phone = Annotated[Annotated[str, Field(pattern=r"^[0-9+\-（）() 转]{5,40}$")] | None, Blank]
DivisionCode = Annotated[str, Field(pattern=CODE_PATTERN, description="行政区划代码（6位、乡级9位或村级12位）")]
LON_RANGE, LAT_RANGE = (73.0, 136.0), (3.0, 54.0)  # China's extent (WGS-84): a wider value is a typing error
Longitude = Annotated[float, Field(ge=LON_RANGE[0], le=LON_RANGE[1])]
Latitude = Annotated[float, Field(ge=LAT_RANGE[0], le=LAT_RANGE[1])]
Lon = Annotated[Longitude | None, Blank]
Lat = Annotated[Latitude | None, Blank]
Count = Annotated[Annotated[int, Field(ge=0, le=MAX_INTEGER)] | None, Blank]
CreditCode = Annotated[Annotated[str, Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")] | None, Blank]


class Placed(YingjiModel):
    division_code: DivisionCode
    lon: Lon = Field(default=None, description="经度（WGS-84）")
    lat: Lat = Field(default=None, validate_default=True, description="纬度（WGS-84）")
    is_synthetic: bool = Field(default=False, description="演示用合成数据")

    @field_validator("lat")
    @classmethod
    def _both_or_neither(cls, lat: float | None, info: object) -> float | None:
        data = getattr(info, "data", {})
        if "lon" in data and (lat is None) != (data["lon"] is None):  # a bad lon is reported on its own
            raise ValueError("经度和纬度须同时填写或同时留空")
        return lat


class OrganisationIn(Placed):
    """单位。"""

    name: Name
    kind: OrganisationKind
    credit_code: CreditCode = None
    sector: Annotated[EnterpriseSector | None, Blank] = None
    duty_phone: Phone = None
    contact_person: Person = None
    contact_phone: Phone = None
    principal_name: Person = None
    principal_phone: Phone = None
    address: Opt = None


class RescueTeamIn(Placed):
    """救援队伍。"""

    name: Name
    kind: TeamKind
    level: ResourceLevel
    unit_name: Opt = None
    organisation: Ref = None
    headcount: Count = None
    contact_person: Person = None
    phone: Phone = None


class MineIn(Placed):
    """矿山。"""

    name: Name
    kind: MineKind
    status: MineStatus
    enterprise: Annotated[str, Field(min_length=2, max_length=120, description="所属企业名称")]
    supervising: Ref = None
    standardisation_grade: StandardisationGrade = StandardisationGrade.NONE
    annual_capacity_t: Count = None
    contracted_team: Ref = None


class TailingsPondIn(Placed):
    """尾矿库。"""

    name: Name
    enterprise: Annotated[str, Field(min_length=2, max_length=120)]
    pond_grade: Annotated[int, Field(ge=1, le=5, description="等别 1–5")]
    is_overhead: bool = Field(default=False, description="头顶库")
    status: PondStatus
    supervising: Ref = None
    contracted_team: Ref = None


class HazardSourceIn(Placed):
    """重大危险源。"""

    name: Name
    enterprise: Annotated[str, Field(min_length=2, max_length=120)]
    grade: Annotated[int, Field(ge=1, le=4, description="一级 1 … 四级 4")]
    substances: Opt = None
    supervising: Ref = None


class ExpertIn(Placed):
    """专家。"""

    name: Annotated[str, Field(min_length=2, max_length=40)]
    specialties: Annotated[list[str], BeforeValidator(_split_list), Field(min_length=1, description="专业，以、分隔")]
    unit_name: Opt = None
    title: Opt = None
    phone: Phone = None


class DepotIn(Placed):
    """应急物资储备库。"""

    name: Name
    level: ResourceLevel
    contact_person: Person = None
    phone: Phone = None


class MaterialIn(YingjiModel):
    """储备物资。"""

    depot: Annotated[str, Field(min_length=2, max_length=120, description="储备库名称")]
    item: Annotated[str, Field(min_length=1, max_length=80)]
    quantity: Annotated[int, Field(ge=0, le=MAX_INTEGER)]
    unit: Annotated[str, Field(min_length=1, max_length=16)]
    expires_on: Annotated[date | None, Blank] = None
    is_synthetic: bool = False


class ShelterIn(Placed):
    """应急避难场所。"""

    name: Name
    kind: ShelterKind
    capacity: Annotated[int, Field(ge=1, le=MAX_INTEGER, description="可容纳人数")]


class TransportIn(Placed):
    """运输保障资源。"""

    name: Name
    vehicle_type: Annotated[str, Field(min_length=1, max_length=40)]
    quantity: Annotated[int, Field(ge=1, le=MAX_INTEGER)]
    unit_name: Opt = None
    contact_person: Person = None
    phone: Phone = None

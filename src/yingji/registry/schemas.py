"""Registry input rows (API bodies and import rows alike) and read models; references are by name."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BeforeValidator, Field, create_model, field_validator

from yingji.core.divisions import CODE_PATTERN
from yingji.core.labels import LabelledEnum
from yingji.core.paging import Filters
from yingji.core.params import MAX_INTEGER, RowId
from yingji.core.schemas import YingjiModel
from yingji.registry.enums import (
    DivisionLevel,
    EnterpriseSector,
    MineKind,
    MineStatus,
    OrganisationKind,
    PondStatus,
    ResourceKind,
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
    controller_name: Person = None  # 实际控制人 (004#L748)
    controller_phone: Phone = None
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
    has_emergency_broadcast: bool = Field(
        default=False, description="已建立应急广播等通信系统（头顶库须建立，000#L650）"
    )
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


# --- read side ------------------------------------------------------------------------------------------------------


class RegistryAction(LabelledEnum):
    """What a caller may do to a registry row it reads (rows are saved again under their name to change them)."""

    UPDATE = "update", "修改"


class RegistryFilters(Filters):
    """What every registry list is narrowed by; each table adds its own enum columns and references (``filters_of``)."""

    division: str | None = Field(default=None, pattern=CODE_PATTERN, description="行政区划代码（含下级）")
    q: str | None = Field(default=None, min_length=1, max_length=60, description="名称包含")


def _loose(annotation: Any) -> Any:
    """The stored value's type without the input's length and pattern limits (rows written earlier stay readable)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _loose(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return Union[tuple(_loose(a) for a in get_args(annotation))]  # noqa: UP007 - built from a tuple
    if origin is list:
        return list[_loose(get_args(annotation)[0])]  # type: ignore[misc]
    return annotation


def enum_of(annotation: Any) -> type[LabelledEnum] | None:
    """The labelled enum a (possibly optional) field holds, if any."""
    loose = _loose(annotation)
    for candidate in (loose, *get_args(loose)):
        if isinstance(candidate, type) and issubclass(candidate, LabelledEnum):
            return candidate
    return None


def _stem(schema: type[YingjiModel]) -> str:
    return schema.__name__.removesuffix("In")


def row_model(schema: type[YingjiModel]) -> type[YingjiModel]:
    """A table's rows as exported (the import format: references by name, enums by value)."""
    fields: dict[str, Any] = {
        name: (_loose(f.annotation), Field(description=f.description)) for name, f in schema.model_fields.items()
    }
    return create_model(f"{_stem(schema)}Row", __base__=YingjiModel, __doc__=schema.__doc__, **fields)


def read_model(schema: type[YingjiModel], refs: Sequence[str]) -> type[YingjiModel]:
    """A table's read model, generated from its input row: every field, plus the id, the division's name, each
    reference's id beside its name, the Chinese label of each enum and the caller's allowed actions."""
    fields: dict[str, Any] = {"id": (int, ...)}
    for name, f in schema.model_fields.items():
        fields[name] = (_loose(f.annotation), Field(description=f.description))
        if name in refs:
            fields[f"{name}_id"] = (int | None, Field(description=f"{f.description or name}（编号）"))
        if enum_of(f.annotation) is not None:
            fields[f"{name}_label"] = (str | None, Field(description="中文名称"))
    fields["division_code"] = (str, Field(description="行政区划代码"))
    fields["division_name"] = (str, Field(description="行政区划名称"))
    fields["allowed_actions"] = (list[RegistryAction], Field(description="本账号可执行的操作"))
    doc = f"{schema.__doc__ or ''}（读取：名称与中文标签在代码旁）"
    return create_model(f"{_stem(schema)}Read", __base__=YingjiModel, __doc__=doc, **fields)


def filters_model(schema: type[YingjiModel], refs: Sequence[str]) -> type[RegistryFilters]:
    """A table's list filters: division and name for all, plus each of its enum columns and references."""
    fields: dict[str, Any] = {}
    for name, f in schema.model_fields.items():
        enum = enum_of(f.annotation)
        if enum is not None:
            fields[name] = (enum | None, Field(default=None, description=f"{f.description or name}"))
    for name in refs:
        fields[f"{name}_id"] = (RowId | None, Field(default=None, description=f"{name}（编号）"))
    return create_model(f"{_stem(schema)}Filters", __base__=RegistryFilters, **fields)


class RowProblemRead(YingjiModel):
    line: int
    field: str
    problem: str


class ImportReportRead(YingjiModel):
    """One table's import: rows created, updated and rejected, with each problem by line and field."""

    entity: str
    created: int
    updated: int
    rejected: int
    problems: list[RowProblemRead]


class DivisionRead(YingjiModel):
    code: str
    name: str
    level: DivisionLevel
    level_label: str
    parent_code: str | None
    parent_name: str | None


class DivisionFilters(Filters):
    """Divisions directly under one code (what a form's cascading select reads), or by level or name."""

    parent: str | None = Field(default=None, pattern=CODE_PATTERN, description="上级行政区划代码（只列其直属下级）")
    within: str | None = Field(default=None, pattern=CODE_PATTERN, description="行政区划代码（列其全部下级）")
    level: DivisionLevel | None = None
    q: str | None = Field(default=None, min_length=1, max_length=40, description="名称包含")


class ResourceDetail(YingjiModel):
    """What each kind of resource adds (fields another kind has not are null)."""

    level: ResourceLevel | None = None
    level_label: str | None = None
    headcount: int | None = None
    phone: str | None = None
    unit_name: str | None = None
    specialties: list[str] | None = None
    capacity: int | None = None
    quantity: int | None = None


class ResourceHitRead(YingjiModel):
    """One resource of the nearest search: its distance and an estimated drive."""

    kind: ResourceKind
    kind_label: str
    id: int
    name: str
    subtype: str = Field(description="队伍类型、专家专业、储备库级别、场所类型或车辆类型（值）")
    subtype_label: str
    division_code: str
    division_name: str
    lon: float
    lat: float
    distance_km: float
    travel_minutes: int = Field(description="估算车程（分钟）：大圆距离×道路系数÷平均车速")
    is_contracted: bool = Field(description="事发矿山的协议救护队（排在首位）")
    detail: ResourceDetail

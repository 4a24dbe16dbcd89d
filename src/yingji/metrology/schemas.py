"""Request bodies (field names are the API's and the import's keys) and read models of the instrument registry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, field_validator

from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.metrology.enums import CalibrationMethod, CalibrationResult, DueState, InstrumentAction, InstrumentStatus
from yingji.metrology.settings import defaults

Name = Annotated[str, Field(min_length=1, max_length=120, description="名称")]
Serial = Annotated[str, Field(min_length=1, max_length=64, description="出厂编号")]
Quantity = Annotated[str, Field(min_length=1, max_length=40, description="测量参数，如 天然气流量、二氧化碳浓度")]
Interval = Annotated[int, Field(ge=1, le=120, description="检定校准周期（月），按 JJF 1139 由使用单位确定")]
Optional40 = Annotated[str, Field(max_length=40)] | None
Optional80 = Annotated[str, Field(max_length=80)] | None
Optional120 = Annotated[str, Field(max_length=120)] | None
Location = Annotated[str, Field(min_length=1, max_length=200, description="安装位置")]


def _known_kind(value: str | None) -> str | None:
    names = defaults().kind_names
    if value is not None and value not in names:
        raise ValueError(f"器具类别须为：{'、'.join(names)}")
    return value


class InstrumentIn(YingjiModel):
    """登记一台碳计量器具。企业账号可省略 organisation_id（即本企业）。"""

    organisation_id: RowId | None = Field(default=None, description="所属企业（登记库中的单位编号）")
    name: Name
    kind: Annotated[str, Field(description="器具类别（见 /api/metrology/kinds）")]
    quantity: Quantity
    serial_no: Serial
    model: Optional80 = Field(default=None, description="型号规格")
    manufacturer: Optional120 = Field(default=None, description="制造单位")
    measuring_range: Optional80 = Field(default=None, description="测量范围")
    accuracy_class: Optional40 = Field(default=None, description="准确度等级")
    location: Location
    source_stream: Optional120 = Field(default=None, description="排放源/源流，如 气化炉原料煤")
    for_carbon_accounting: bool = Field(default=True, description="是否用于碳排放核算")
    interval_months: Interval
    status: InstrumentStatus = Field(default=InstrumentStatus.IN_USE, description="状态：在用、停用、报废")

    _kind = field_validator("kind")(_known_kind)


REQUIRED = frozenset(  # columns that cannot be cleared by an update
    {"name", "kind", "quantity", "serial_no", "location", "for_carbon_accounting", "interval_months", "status"}
)


class InstrumentUpdate(YingjiModel):
    """修改器具信息；只改给出的字段。所属企业不能改（换企业请在新企业重新登记）。"""

    name: Name | None = None
    kind: str | None = None
    quantity: Quantity | None = None
    serial_no: Serial | None = None
    model: Optional80 = None
    manufacturer: Optional120 = None
    measuring_range: Optional80 = None
    accuracy_class: Optional40 = None
    location: Location | None = None
    source_stream: Optional120 = None
    for_carbon_accounting: bool | None = None
    interval_months: Interval | None = None
    status: InstrumentStatus | None = None

    _kind = field_validator("kind")(_known_kind)

    @field_validator(*REQUIRED)
    @classmethod
    def _not_cleared(cls, value: object) -> object:
        if value is None:  # validators run only on given values: leaving a field out keeps it
            raise ValueError("不能清空")
        return value


class CalibrationIn(YingjiModel):
    """登记一次检定或校准结果（只增不改）。"""

    calibrated_on: date = Field(description="检定校准日期")
    method: CalibrationMethod = Field(description="检定或校准")
    body: Annotated[str, Field(min_length=2, max_length=120, description="检定校准机构")]
    certificate_no: Annotated[str, Field(min_length=1, max_length=64, description="证书（结果通知书）编号")]
    result: CalibrationResult = Field(description="结果：合格、准用、不合格")
    note: Annotated[str, Field(max_length=2000)] | None = None


# --- read side ------------------------------------------------------------------------------------------------------


class InstrumentRead(YingjiModel):
    """An instrument with its enterprise and division named, labels beside values, its due state on the day read,
    and what the caller may do to it now."""

    id: int
    organisation_id: int
    organisation: str = Field(description="企业名称")
    division_code: str
    division_name: str
    name: str
    kind: str = Field(description="器具类别（中文名称）")
    quantity: str
    serial_no: str
    model: str | None
    manufacturer: str | None
    measuring_range: str | None
    accuracy_class: str | None
    location: str
    source_stream: str | None
    for_carbon_accounting: bool
    interval_months: int
    status: InstrumentStatus
    status_label: str
    last_calibrated_on: date | None
    last_result: CalibrationResult | None
    last_result_label: str | None
    next_due_on: date | None
    days_to_due: int | None = Field(description="距下次检定校准的天数（负数：已超期）")
    due_state: DueState
    due_label: str
    allowed_actions: list[InstrumentAction]


class CalibrationRead(YingjiModel):
    id: int
    instrument_id: int
    calibrated_on: date
    method: CalibrationMethod
    method_label: str
    body: str
    certificate_no: str
    result: CalibrationResult
    result_label: str
    interval_months: int
    next_due_on: date | None
    note: str | None
    recorded_by: str
    recorded_at: datetime


class InstrumentDetail(InstrumentRead):
    """An instrument with every calibration recorded for it (oldest first)."""

    calibrations: list[CalibrationRead]


class KindRead(YingjiModel):
    name: str
    quantities: list[str]


class CitedRead(YingjiModel):
    seed: str
    clause: str
    quote: str


class VocabularyRead(YingjiModel):
    """The registry's vocabularies: value → Chinese label for each enum, the kinds, the due-soon window, the basis."""

    kinds: list[KindRead]
    statuses: dict[InstrumentStatus, str]
    methods: dict[CalibrationMethod, str]
    results: dict[CalibrationResult, str]
    due_states: dict[DueState, str]
    due_soon_days: int
    basis: list[CitedRead]


class OrganisationTallyRead(YingjiModel):
    """One enterprise's instruments counted by status and by due state."""

    organisation_id: int
    organisation: str
    division_code: str
    division_name: str
    total: int
    for_carbon_accounting: int
    status: dict[InstrumentStatus, int]
    due: dict[DueState, int]


class OverdueReportRead(YingjiModel):
    as_of: date
    due_soon_days: int
    instruments: list[InstrumentRead] = Field(description="超期未检或无检定校准记录的在用器具（最早到期的在前）")
    organisations: list[OrganisationTallyRead]

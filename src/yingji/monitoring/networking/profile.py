"""Format profiles as data: one YAML per province variant (file types, field order and types, units, type-code
tables, encodings), validated when loaded so a broken profile is refused before any file is read with it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from yingji.core import yamlfile
from yingji.core.errors import InvalidInput, PlanInvalid
from yingji.core.labels import LabelledEnum
from yingji.core.schemas import YingjiModel
from yingji.monitoring.schema import SensorKind, find_rules, sensor_ranges
from yingji.plans.loader import validation_details

BUNDLED = Path(__file__).parent / "profiles"
PROFILE_ID = r"^[a-z0-9][a-z0-9-]{1,62}$"


class FileType(LabelledEnum):
    AQMC = "AQMC", "模拟量测点定义"
    AQKC = "AQKC", "开关量测点定义"
    AQKD = "AQKD", "开关量状态变化"
    AQSS = "AQSS", "实时数据"
    AQMT = "AQMT", "5 分钟统计"
    GJXX = "GJXX", "报警信息"


FieldType = Literal["str", "int", "float", "time", "code"]
CodeTable = Literal["analogue_types", "switch_types", "states", "alarm_types"]

# What the adapter reads from each file type: role → (type, required). Other fields a province adds are named x_….
ROLES: dict[FileType, dict[str, tuple[FieldType, bool]]] = {
    FileType.AQMC: {
        "point": ("str", True),
        "location": ("str", True),
        "sensor_type": ("code", True),
        "unit": ("str", False),
        "range_low": ("float", False),
        "range_high": ("float", False),
        "alarm_high": ("float", False),
        "alarm_low": ("float", False),
        "power_cut": ("float", False),
        "recovery": ("float", False),
        "power_cut_area": ("str", False),
        "defined_at": ("time", False),
    },
    FileType.AQKC: {
        "point": ("str", True),
        "location": ("str", True),
        "switch_type": ("code", True),
        "state0": ("str", False),
        "state1": ("str", False),
        "alarm_state": ("int", False),
        "power_cut_area": ("str", False),
        "defined_at": ("time", False),
    },
    FileType.AQKD: {"point": ("str", True), "state": ("int", True), "time": ("time", True)},
    FileType.AQSS: {
        "point": ("str", True),
        "value": ("float", True),
        "state": ("code", False),
        "time": ("time", True),
    },
    FileType.AQMT: {
        "point": ("str", True),
        "max": ("float", True),
        "max_time": ("time", False),
        "min": ("float", True),
        "min_time": ("time", False),
        "mean": ("float", True),
        "period_end": ("time", True),
    },
    FileType.GJXX: {
        "point": ("str", True),
        "alarm_type": ("code", True),
        "started_at": ("time", True),
        "ended_at": ("time", False),
        "max_value": ("float", False),
        "max_time": ("time", False),
        "measures": ("str", False),
    },
}
CODE_TABLES: dict[str, CodeTable] = {
    "sensor_type": "analogue_types",
    "switch_type": "switch_types",
    "state": "states",
    "alarm_type": "alarm_types",
}


class FieldSpec(YingjiModel):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")]
    label: Annotated[str, Field(min_length=1, max_length=40)]
    type: FieldType
    unit: str | None = None
    optional: bool = False
    max_length: Annotated[int, Field(ge=1, le=1000)] = 120


class FileSpec(YingjiModel):
    fields: Annotated[list[FieldSpec], Field(min_length=1, max_length=64)]
    note: str | None = None


class AnalogueType(YingjiModel):
    """A sensor type code of the province's dictionary → our kind; ``location_class`` is the rule location used
    when no keyword of the point's location matches."""

    kind: SensorKind
    name: Annotated[str, Field(min_length=1, max_length=40)]
    unit: Annotated[str, Field(min_length=1, max_length=16)]
    location_class: str | None = None
    source: str | None = None


class SwitchType(YingjiModel):
    name: Annotated[str, Field(min_length=1, max_length=40)]


class StateCode(YingjiModel):
    name: Annotated[str, Field(min_length=1, max_length=40)]
    meaning: Literal["normal", "alarm", "power_cut", "fault", "other"]


class AlarmType(YingjiModel):
    """A GJXX alarm type → the engine alarm condition it should agree with (None: nothing of the engine's)."""

    name: Annotated[str, Field(min_length=1, max_length=40)]
    condition: Literal["level", "offline"] | None


class LocationRule(YingjiModel):
    kind: SensorKind | None = None
    contains: Annotated[list[str], Field(min_length=1)]
    location_class: Annotated[str, Field(min_length=2, max_length=60)]


class Profile(YingjiModel):
    id: Annotated[str, Field(pattern=PROFILE_ID)]
    name: Annotated[str, Field(min_length=2, max_length=120)]
    verified: bool
    note: str | None = None
    database: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    header_fields: list[Literal["mine", "generated_at"]] = Field(default_factory=list)
    encodings: Annotated[list[Literal["utf-8", "gbk", "gb18030"]], Field(min_length=1)]
    timezone: Annotated[str, Field(pattern=r"^[+-]\d\d:\d\d$")] = "+08:00"
    time_formats: Annotated[list[str], Field(min_length=1)]
    cycle_s: Annotated[int, Field(ge=1, le=3600)]
    unit_aliases: dict[str, str] = Field(default_factory=dict)
    analogue_types: dict[str, AnalogueType]
    switch_types: dict[str, SwitchType]
    states: dict[str, StateCode] = Field(default_factory=dict)
    alarm_types: dict[str, AlarmType]
    location_classes: list[LocationRule] = Field(default_factory=list)
    files: dict[FileType, FileSpec]

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        ranges = sensor_ranges()
        for code, sensor in self.analogue_types.items():
            if self.unit(sensor.unit) != ranges[sensor.kind].unit:
                raise ValueError(
                    f"传感器类型 {code} 的单位 {sensor.unit} 不是 {sensor.kind.value} 的 {ranges[sensor.kind].unit}"
                )
            if sensor.location_class and not find_rules(sensor.kind, sensor.location_class):
                raise ValueError(f"传感器类型 {code}：没有 {sensor.kind.value} 在“{sensor.location_class}”的阈值规则")
        for rule in self.location_classes:
            kinds = [rule.kind] if rule.kind else sorted({t.kind for t in self.analogue_types.values()})
            if not any(find_rules(kind, rule.location_class) for kind in kinds):
                raise ValueError(f"地点类别“{rule.location_class}”没有对应的阈值规则")
        for file_type, spec in self.files.items():
            roles = ROLES[file_type]
            names = [f.name for f in spec.fields]
            if len(set(names)) != len(names):
                raise ValueError(f"{file_type.value}：字段名重复")
            for field in spec.fields:
                if field.type == "code" and field.name not in CODE_TABLES:
                    raise ValueError(f"{file_type.value}.{field.name}：代码字段只能是 {', '.join(CODE_TABLES)}")
                if field.name.startswith("x_"):
                    continue
                if field.name not in roles:
                    raise ValueError(f"{file_type.value}：未知字段 {field.name}（其他字段请以 x_ 开头）")
                wanted, required = roles[field.name]
                if field.type != wanted:
                    raise ValueError(f"{file_type.value}.{field.name} 的类型须为 {wanted}")
                if required and field.optional:
                    raise ValueError(f"{file_type.value}.{field.name} 不能为可选字段")
            missing = [name for name, (_, required) in roles.items() if required and name not in names]
            if missing:
                raise ValueError(f"{file_type.value} 缺少字段 {', '.join(missing)}")
        return self

    def unit(self, text: str) -> str:
        return self.unit_aliases.get(text, text)

    def table(self, name: str) -> Mapping[str, object]:
        """The code table a code field is looked up in (empty for a field that is not a code)."""
        tables: dict[str, Mapping[str, object]] = {
            "analogue_types": self.analogue_types,
            "switch_types": self.switch_types,
            "states": self.states,
            "alarm_types": self.alarm_types,
        }
        return tables.get(CODE_TABLES.get(name, ""), {})

    def location_class(self, kind: SensorKind, location: str, default: str | None) -> str | None:
        """The rule location class of a point: the first keyword rule of its kind that the location contains."""
        for rule in self.location_classes:
            matches = (rule.kind is None or rule.kind is kind) and any(word in location for word in rule.contains)
            if matches and find_rules(kind, rule.location_class):
                return rule.location_class
        return default


def parse_profile(text: str, source: str) -> Profile:
    """YAML text → a validated profile; any fault is one 422 naming the source and the fields."""
    try:
        raw = yamlfile.parse(text)
    except yaml.YAMLError as err:
        raise PlanInvalid(reason=f"{source}：YAML 无法解析", subcode="monitoring.networking.profile_invalid") from err
    try:
        return Profile.model_validate(raw)
    except ValidationError as err:
        raise PlanInvalid(
            reason=f"{source} 不合法",
            details=validation_details(err),
            subcode="monitoring.networking.profile_invalid",
        ) from err


def load_profile(path: Path) -> Profile:
    profile = parse_profile(path.read_text(encoding="utf-8"), path.name)
    if profile.id != path.stem:
        raise PlanInvalid(reason=f"{path.name}：id 须与文件名一致", subcode="monitoring.networking.profile_invalid")
    return profile


@cache
def _profiles(extra: Path | None) -> dict[str, Profile]:
    found: dict[str, Profile] = {}
    for folder in (BUNDLED, extra):
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            found[path.stem] = load_profile(path)  # a province's own file replaces a bundled one of the same id
    return found


def profiles(extra: Path | None = None) -> dict[str, Profile]:
    """Bundled profiles and those in ``extra`` (YINGJI_NETWORKING_PROFILES), validated once per process."""
    return _profiles(extra)


def profile_by_id(profile_id: str, extra: Path | None = None) -> Profile:
    found = profiles(extra).get(profile_id)
    if found is None or re.fullmatch(PROFILE_ID, profile_id) is None:
        raise InvalidInput(
            field="profile",
            reason=f"没有联网文件格式“{profile_id[:64]}”",
            subcode="monitoring.networking.unknown_profile",
        )
    return found

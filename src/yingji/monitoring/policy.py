"""The alarm-handling policy as data (flood grouping, shelving limit, escalation ladder), validated at load."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from yingji.core import yamlfile
from yingji.core.errors import PlanInvalid
from yingji.core.schemas import YingjiModel
from yingji.plans.loader import validation_details

POLICY_FILE = Path(__file__).parent / "data" / "alarm_policy.yaml"
Basis = Annotated[str, Field(pattern=r"^anchor-systems\.md#L\d+$")]


class FloodPolicy(YingjiModel):
    window_min: Annotated[int, Field(ge=1, le=120)]
    begins_above: Annotated[int, Field(ge=1)]
    ends_below: Annotated[int, Field(ge=1)]
    basis: Basis


class ShelvingPolicy(YingjiModel):
    max_hours: Annotated[int, Field(ge=1, le=168)]
    basis: Basis


class EscalationStep(YingjiModel):
    after_min: Annotated[int, Field(ge=1, le=1440)]
    notify: Literal["enterprise", "supervising"]


class EscalationPolicy(YingjiModel):
    basis: Basis
    steps: Annotated[list[EscalationStep], Field(min_length=1, max_length=6)]

    @model_validator(mode="after")
    def _ascending(self) -> EscalationPolicy:
        times = [step.after_min for step in self.steps]
        if times != sorted(set(times)):
            raise ValueError("升级阶梯的时间必须严格递增")
        return self


class AlarmPolicy(YingjiModel):
    flood: FloodPolicy
    shelving: ShelvingPolicy
    escalation: EscalationPolicy


def parse_policy(raw: object, source: str) -> AlarmPolicy:
    try:
        return AlarmPolicy.model_validate(raw)
    except ValidationError as err:
        raise PlanInvalid(reason=f"{source} 不合法", details=validation_details(err)) from err


@cache
def policy() -> AlarmPolicy:
    return parse_policy(yamlfile.read(POLICY_FILE), POLICY_FILE.name)

"""The registry's data file (defaults.yaml): what the seed asks the platform to hold, the due-soon window and the
instrument kinds; ``YINGJI_METROLOGY_DEFAULTS`` names another file (an administrator's own kinds or window)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator

from yingji.config import get_settings
from yingji.core import yamlfile
from yingji.core.errors import PlanInvalid
from yingji.core.schemas import YingjiModel
from yingji.plans.loader import validation_details

DEFAULTS = Path(__file__).parent / "defaults.yaml"
SEED = re.compile(r"^\d{3}#L\d+$")


class Cited(YingjiModel):
    seed: Annotated[str, Field(pattern=SEED.pattern)]
    clause: Annotated[str, Field(min_length=2)]
    quote: Annotated[str, Field(min_length=4)]


class Kind(YingjiModel):
    name: Annotated[str, Field(min_length=1, max_length=40)]
    quantities: list[Annotated[str, Field(min_length=1, max_length=40)]]


class Defaults(YingjiModel):
    basis: Annotated[list[Cited], Field(min_length=1)]
    due_soon_days: Annotated[int, Field(ge=0, le=366)]
    kinds: Annotated[list[Kind], Field(min_length=1)]

    @field_validator("kinds")
    @classmethod
    def _unique_kinds(cls, kinds: list[Kind]) -> list[Kind]:
        names = [k.name for k in kinds]
        if len(set(names)) != len(names):
            raise ValueError("器具类别重复")
        return kinds

    @property
    def kind_names(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.kinds)


def parse(text: str, name: str) -> Defaults:
    """Validate a defaults file's text; errors name the YAML path."""
    try:
        return Defaults.model_validate(yamlfile.parse(text))
    except ValidationError as err:
        raise PlanInvalid(field=name, reason=f"{name} 不合法", details=validation_details(err)) from err


@cache
def defaults() -> Defaults:
    """Settings.metrology_defaults (YINGJI_METROLOGY_DEFAULTS) or the bundled file, read once."""
    path = get_settings().metrology_defaults or DEFAULTS
    return parse(path.read_text(encoding="utf-8"), path.name)

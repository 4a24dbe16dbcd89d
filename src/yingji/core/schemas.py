"""YingjiModel: the shared pydantic configuration for plan data and API bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class YingjiModel(BaseModel):
    """Strict, frozen models: unknown fields are errors, values never change after validation."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

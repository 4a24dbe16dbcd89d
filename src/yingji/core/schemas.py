"""YingjiModel: the shared pydantic configuration for plan data and API bodies."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ModelWrapValidatorHandler, ValidationError, ValidationInfo, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from yingji.core import text


class YingjiModel(BaseModel):
    """Strict, frozen models: unknown fields are errors, values never change after validation."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="wrap")
    @classmethod
    def _refuse_control_characters(
        cls, data: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        """Text parsed from JSON here (the public forms) holds no control characters, as the JSON bodies FastAPI
        parses (core.inputs). Models built from stored rows are not checked: a value stored before stays readable."""
        model = handler(data)
        if info.mode != "json":
            return model
        errors = [
            InitErrorDetails(
                type=PydanticCustomError("control_character", text.PROBLEM, {"char": char}),
                loc=(field.alias or name, *where),
                input=getattr(model, name),
            )
            for name, field in type(model).model_fields.items()
            if not isinstance(getattr(model, name), BaseModel)  # a nested model checks itself
            for where, char in text.controls(getattr(model, name))
        ]
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return model

"""YingjiModel: the shared pydantic configuration for plan data and API bodies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, ModelWrapValidatorHandler, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from yingji.core import text


class YingjiModel(BaseModel):
    """Strict, frozen models: unknown fields are errors, values never change after validation; text given as input
    holds no control characters (an xlsx cannot store them, and they have no business in a form)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="wrap")
    @classmethod
    def _refuse_control_characters(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        """Check input given as a mapping (request bodies, files, plan data); a model read from stored rows
        (from_attributes) is not refused, so a value stored before this rule still reads."""
        model = handler(data)
        if not isinstance(data, Mapping):
            return model
        errors = [
            InitErrorDetails(
                type=PydanticCustomError("control_character", "含有不允许的控制字符（{char}）", {"char": char}),
                loc=(info.alias or name, *where),
                input=value,
            )
            for name, info in type(model).model_fields.items()
            for where, value, char in _controls(getattr(model, name, None), ())
        ]
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return model


def _controls(value: object, where: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], str, str]]:
    """(location, value, first refused character) of every string in a field's value; nested models check
    themselves."""
    if isinstance(value, str):
        char = text.first_control(value)
        return [] if char is None else [(where, value, text.describe(char))]
    if isinstance(value, Mapping):
        found = []
        for key, item in value.items():
            found += _controls(key, where) + _controls(item, (*where, str(key)))
        return found
    if isinstance(value, list | tuple | set | frozenset):
        return [hit for index, item in enumerate(value) for hit in _controls(item, (*where, index))]
    return []

"""LabelledEnum: a stable English value with the Chinese label people read — the one way enums carry their text."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from yingji.core.schemas import YingjiModel


class LabelledEnum(StrEnum):
    """Members are declared as ``NAME = "value", "标签"``; ``member.label`` is what a page or a CLI prints."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        """value → label, for a select box or a legend."""
        return {member.value: member.label for member in cls}


class Coded(YingjiModel):
    """A code beside the words a person reads (an enum value, a division code, a plan id)."""

    code: str
    label: str


def coded(member: LabelledEnum) -> Coded:
    return Coded(code=member.value, label=member.label)

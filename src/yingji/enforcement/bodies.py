"""The published register of administrative law-enforcement bodies (行政执法主体), as validated data: who may enforce
at a level of government, and the rule for entrusted enforcement (委托执法) the notice sets (003#L14,
鄂府发〔2024〕62号)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from yingji.core import yamlfile
from yingji.core.labels import LabelledEnum
from yingji.core.schemas import YingjiModel

DATA = Path(__file__).parent / "data"
Text = Annotated[str, Field(min_length=1)]


class BodyKind(LabelledEnum):
    STATUTORY = "statutory", "法定行政执法主体"
    AUTHORISED = "authorised", "法律、法规授权的行政执法主体"


class Body(YingjiModel):
    name: Text
    kind: BodyKind
    aliases: list[Text] = Field(default_factory=list, description="挂牌机构等同一主体的其他名称")
    quote: Text


class EntrustmentRule(YingjiModel):
    filing_days: int = Field(ge=1)
    filed_with: Text
    rule: Text
    quote: Text


class BodyRegister(YingjiModel):
    id: Text
    title: Text
    doc_no: Text
    issued_on: date
    division_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    seed: Text
    entrustment: EntrustmentRule
    bodies: list[Body] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> BodyRegister:
        names = [n for b in self.bodies for n in (b.name, *b.aliases)]
        if len(names) != len(set(names)):
            raise ValueError("执法主体名称重复")
        return self

    def find(self, name: str) -> Body | None:
        """The body a name stands for — its own name or one of its 挂牌 names."""
        return next((b for b in self.bodies if name == b.name or name in b.aliases), None)


@cache
def registers() -> dict[str, BodyRegister]:
    found = {}
    for path in sorted(DATA.glob("*-enforcement-bodies.yaml")):
        register = BodyRegister.model_validate(yamlfile.read(path))
        found[register.division_code] = register
    return found


def for_division(division_code: str) -> BodyRegister | None:
    """The register published for this division (the city's own level), if any."""
    return registers().get(division_code)

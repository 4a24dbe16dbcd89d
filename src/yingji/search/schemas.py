"""The search's read model: one hit per record, grouped by kind, each with the console page that shows it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator, Field, StringConstraints

from yingji.core import text
from yingji.core.labels import LabelledEnum
from yingji.core.schemas import YingjiModel

MIN_QUERY = 2
MAX_QUERY = 60
DEFAULT_PER_KIND = 8
MAX_PER_KIND = 50


def _printable(value: str) -> str:
    """Control characters are refused here as in JSON bodies (PostgreSQL cannot even compare a NUL)."""
    char = text.first_control(value)
    if char is not None:
        raise ValueError(text.PROBLEM.format(char=char))
    return value


# Surrounding blanks are not part of what is searched: "  " and " a " are too short (422).
SearchText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=MIN_QUERY, max_length=MAX_QUERY),
    AfterValidator(_printable),
]
SearchQuery = Annotated[SearchText, Query(description="检索词（至少 2 个字符；% 与 _ 按字面匹配）")]
PerKind = Annotated[int, Query(ge=1, le=MAX_PER_KIND, description="每类最多返回条数")]


class SearchKind(LabelledEnum):
    """What a hit is, in the order the results are shown (the duty desk's records first)."""

    INCIDENT = "incident", "事故"
    WARNING = "warning", "预警"
    ORGANISATION = "organisation", "单位"
    MINE = "mine", "矿山"
    HAZARD = "hazard", "隐患"
    PLAN = "plan", "预案"
    PERSON = "person", "人员"


class SearchHit(YingjiModel):
    """One record found: what it is, its name and a line saying where and in what state it is, and its page."""

    kind: SearchKind
    kind_label: str
    id: int
    title: str
    subtitle: str = Field(description="地区、状态等（文字）")
    url: str | None = Field(description="控制台中显示该记录的页面；没有页面的记录为空")


class SearchGroup(YingjiModel):
    kind: SearchKind
    kind_label: str
    hits: list[SearchHit]
    more: bool = Field(description="该类还有更多匹配（每类只返回前 limit 条）")


class SearchRead(YingjiModel):
    """The kinds the caller may read that have a hit, each bounded to ``limit`` hits (a shortlist, not a list)."""

    q: str
    limit: int
    groups: list[SearchGroup]
    searched: list[SearchKind] = Field(description="本账号可检索的类别")

"""The deadline a plan's Chinese date phrase sets, read by the conventions the ledger data files state.

The campaign files type the date beside the verbatim phrase (“2024年底前” → 2024-12-31); this module reads the
phrase the same way so the tests can check every typed date against its phrase. Conventions (hangjin-campaign.yaml
and the sub-plan files' headers): a year alone, “X年底（前）”, “X年前”, “X全年” and a range “X—Y年” end on
31 December of the (last) year; “X年N月（底）（前）” and a span “X年M月至（Y年）N月” end on the (last) month's last
day, as does “下旬前”; “中旬前” is the 20th, “上旬前” the 10th; “X年N月D日前” is the day before D (as the monthly
report's “每月25日前” is the 24th), “X年N月D日” is D itself.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

_Y = r"(?P<y>20\d\d)"
_TO = r"(?:至|到|—|-|－|~)+"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("months", re.compile(_Y + r"年(?P<m>\d{1,2})月" + _TO + r"(?:(?P<y2>20\d\d)年)?(?P<m2>\d{1,2})月")),
    ("range", re.compile(_Y + r"年?" + _TO + r"(?P<y2>20\d\d)年")),
    ("day", re.compile(_Y + r"年(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?P<before>前)?")),
    ("part", re.compile(_Y + r"年(?P<m>\d{1,2})月(?P<part>上旬|中旬|下旬)")),
    ("month", re.compile(_Y + r"年(?P<m>\d{1,2})月")),
    ("year", re.compile(_Y + r"(?:年|全年)")),
]


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def deadline(phrase: str) -> date | None:
    """The deadline of the first date phrase in ``phrase`` (whitespace ignored), or None when it holds none.

    Where two readings start at the same character the more specific one wins (a range over a year, a day over a
    month)."""
    text = re.sub(r"\s+", "", phrase)
    found = [(m.start(), rank, kind, m) for rank, (kind, p) in enumerate(_PATTERNS) if (m := p.search(text))]
    if not found:
        return None
    _, _, kind, match = min(found, key=lambda f: (f[0], f[1]))
    year = int(match["y"])
    if kind == "months":
        return _month_end(int(match["y2"] or year), int(match["m2"]))
    if kind == "range":
        return date(int(match["y2"]), 12, 31)
    if kind == "day":
        day = date(year, int(match["m"]), int(match["d"]))
        return day - timedelta(days=1) if match["before"] else day
    if kind == "part":
        tenth = {"上旬": 10, "中旬": 20}.get(match["part"])
        return date(year, int(match["m"]), tenth) if tenth else _month_end(year, int(match["m"]))
    if kind == "month":
        return _month_end(year, int(match["m"]))
    return date(year, 12, 31)

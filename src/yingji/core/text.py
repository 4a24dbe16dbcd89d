"""Text hygiene shared by input checks and exports: characters XML 1.0 forbids (an xlsx cannot hold them) or that
only mean something to a terminal are refused at input and removed at export, for data stored before the rule."""

from __future__ import annotations

import re
from datetime import timedelta

# C0 controls other than tab, line feed and carriage return; DEL; lone surrogates; the two non-characters.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
PROBLEM = "含有不允许的控制字符（{char}）"


def first_control(text: str) -> str | None:
    """The first refused character in ``text`` as U+XXXX, or None."""
    found = CONTROL.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def controls(value: object, where: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], str]]:
    """(location, first refused character) of every string in parsed JSON-like data: keys, values, items."""
    if isinstance(value, str):
        char = first_control(value)
        return [] if char is None else [(where, char)]
    if isinstance(value, dict):
        return [hit for k, v in value.items() for hit in controls(k, where) + controls(v, (*where, str(k)))]
    if isinstance(value, list | tuple | set | frozenset):
        return [hit for i, item in enumerate(value) for hit in controls(item, (*where, i))]
    return []


def clean(text: str) -> str:
    """``text`` without refused characters (for export of rows stored before they were refused)."""
    return CONTROL.sub("", text)


def span_words(span: timedelta) -> str:
    """“3 小时 5 分钟”: how long something lasted, as a person says it (at least 1 分钟)."""
    minutes = max(1, round(span.total_seconds() / 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "", f"{minutes} 分钟" if minutes else ""]
    return " ".join(part for part in parts if part)

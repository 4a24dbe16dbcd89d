"""Text hygiene shared by input validation and exports: characters XML 1.0 forbids (an xlsx cannot hold them) or that
only mean something to a terminal are refused at input and removed at export, for data stored before the rule."""

from __future__ import annotations

import re

# C0 controls other than tab, line feed and carriage return; DEL; lone surrogates; the two non-characters.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def first_control(text: str) -> str | None:
    """The first refused character in ``text``, or None."""
    found = CONTROL.search(text)
    return None if found is None else found.group()


def describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def clean(text: str) -> str:
    """``text`` without refused characters (for export of rows stored before they were refused)."""
    return CONTROL.sub("", text)

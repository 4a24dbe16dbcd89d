"""GB/T 2260 division codes: which division contains which (a jurisdiction is a division and its children)."""

from __future__ import annotations

import re

# 6-digit GB/T 2260 codes; 9-digit statistical town codes; 12-digit village/community (村级) codes.
CODE_PATTERN = r"^\d{6}(\d{3}){0,2}$"
CODE = re.compile(CODE_PATTERN)


def stem(code: str) -> str:
    """Return the prefix every descendant's code starts with: 150600 → 1506, 150000 → 15, 150602 → 150602.

    Six-digit codes end in pairs of zeros at the levels they do not specify; town and community codes are kept whole.
    """
    if len(code) != 6:
        return code
    trimmed = code
    while trimmed.endswith("00") and len(trimmed) > 2:
        trimmed = trimmed[:-2]
    return trimmed


def contains(outer: str, inner: str) -> bool:
    """Return whether division ``inner`` is ``outer`` or lies within it."""
    return inner.startswith(stem(outer))


def city_of(code: str) -> str:
    """Return the six-digit code of the city (地级) a division lies in: 150602 → 150600, 150602001 → 150600."""
    return code[:4] + "00"


def county_of(code: str) -> str:
    """Return the six-digit code of the county (县级) a division lies in: 150602001002 → 150602."""
    return code[:6]

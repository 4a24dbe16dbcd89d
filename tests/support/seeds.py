"""The seed gazettes for the citation tests: located as the platform locates them (plans.citations), skipped when
absent, and the tree walk that finds every cited row of a data file."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from yingji.config import get_settings
from yingji.plans import citations

SEEDS = citations.default_seeds_dir(get_settings().seeds_dir)


def seeds_dir() -> Path:
    """The seeds directory, or skip the test when it is not beside this checkout."""
    if SEEDS is None:
        pytest.skip("../shared/seeds is not beside this checkout (or set YINGJI_SEEDS_DIR)")
    return SEEDS


def assert_quoted(ref: str, quote: str) -> None:
    """The data files' convention: the cited lines joined with all whitespace removed contain the quote."""
    problem = citations.quote_problem(ref, quote, seeds_dir())
    assert problem is None, problem


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def seed_lines(number: str) -> tuple[str, ...]:
    lines = citations.seed_lines(seeds_dir(), number)
    assert lines, f"seed {number} not found"
    return lines


def cited_text(ref: str) -> str:
    """The cited lines joined with all whitespace removed."""
    number, _, lines = ref.partition("#L")
    first, _, last = lines.partition("-L")
    text = seed_lines(number)
    start, end = int(first), int(last or first)
    assert 1 <= start <= end <= len(text), f"{ref}: the seed has {len(text)} lines"
    return squeeze("".join(text[start - 1 : end]))


def walk(node: object, path: str, keep: Callable[[object], bool]) -> list[tuple[str, Any]]:
    """Every model under ``node`` that ``keep`` accepts, named by its path in the data file."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, BaseModel):
        if keep(node):
            found.append((path, node))
        for name in type(node).model_fields:
            found += walk(getattr(node, name), f"{path}.{name}", keep)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += walk(item, f"{path}[{getattr(item, 'code', index)}]", keep)
    return found

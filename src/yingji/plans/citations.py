"""Check that every citation in a plan points at a seed line that holds its quote."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from yingji.plans.schema import SEED_PATTERN, Plan

_SPACE = re.compile(r"\s+")


def default_seeds_dir() -> Path | None:
    """Return the seed gazettes directory: ``YINGJI_SEEDS_DIR`` or ``../shared/seeds`` beside the checkout."""
    configured = os.environ.get("YINGJI_SEEDS_DIR")
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(__file__).resolve().parents[3].parent / "shared" / "seeds")
    return next((c for c in candidates if c.is_dir()), None)


@cache
def _seed_lines(seeds_dir: Path, seed: str) -> tuple[str, ...]:
    matches = sorted(seeds_dir.glob(f"{seed}_*.txt"))
    if not matches:
        return ()
    return tuple(matches[0].read_text(encoding="utf-8").split("\n"))


def _normalise(text: str) -> str:
    # The gazettes break lines and mix full- and half-width punctuation; compare without whitespace.
    return _SPACE.sub("", text)


def problems(plan: Plan, seeds_dir: Path) -> list[str]:
    """Return one message per citation whose line does not hold its quote (empty when all hold)."""
    found: list[str] = []
    for ref in plan.seed_refs():
        match = SEED_PATTERN.match(ref.seed)
        assert match is not None  # the schema already checked the format
        lines = _seed_lines(seeds_dir, match["seed"])
        number = int(match["line"])
        if not lines:
            found.append(f"{ref.seed}：找不到种子文件 {match['seed']}")
        elif number > len(lines):
            found.append(f"{ref.seed}：行号超出文件（共 {len(lines)} 行）")
        elif _normalise(ref.quote) not in _normalise(lines[number - 1]):
            found.append(f"{ref.seed}：该行不含摘录「{ref.quote}」")
    return found

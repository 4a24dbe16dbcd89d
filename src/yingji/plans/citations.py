"""Check that every citation in a plan points at a seed line that holds its quote."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from yingji.plans.schema import Plan

_SPACE = re.compile(r"\s+")


def default_seeds_dir(configured: Path | None = None) -> Path | None:
    """Return the seed gazettes directory: ``configured`` (Settings.seeds_dir) or ``../shared/seeds`` beside the
    checkout, whichever exists first."""
    candidates = [configured] if configured else []
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


# A citation: one line (plans) or a range of lines (programme, ledger and subsidy data files).
REF_PATTERN = re.compile(r"^(?P<seed>\d{3})#L(?P<first>\d+)(?:-L(?P<last>\d+))?$")


def seed_lines(seeds_dir: Path, seed: str) -> tuple[str, ...]:
    """The lines of seed ``NNN`` (empty when its file is missing)."""
    return _seed_lines(seeds_dir, seed)


def quote_problem(ref: str, quote: str, seeds_dir: Path) -> str | None:
    """Why the cited line(s), joined with all whitespace removed, do not hold the quote; None when they do."""
    match = REF_PATTERN.match(ref)
    if match is None:
        return f"{ref}：出处格式应为 NNN#L行号 或 NNN#L起-L止"
    lines = _seed_lines(seeds_dir, match["seed"])
    first, last = int(match["first"]), int(match["last"] or match["first"])
    if not lines:
        return f"{ref}：找不到种子文件 {match['seed']}"
    if not 1 <= first <= last <= len(lines):
        return f"{ref}：行号超出文件（共 {len(lines)} 行）"
    if _normalise(quote) not in _normalise("".join(lines[first - 1 : last])):
        return f"{ref}：{'该行' if first == last else '所引各行'}不含摘录「{quote}」"
    return None


def problems(plan: Plan, seeds_dir: Path) -> list[str]:
    """Return one message per citation whose line does not hold its quote (empty when all hold)."""
    found = [quote_problem(ref.seed, ref.quote, seeds_dir) for ref in plan.seed_refs()]
    return [f for f in found if f is not None]

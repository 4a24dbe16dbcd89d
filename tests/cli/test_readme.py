"""The README's sample `yingji assess` session is what the command prints (its “…” lines stand for lines left out)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
PROMPT = "$ "
ELISION = "…"


def sample(command: str) -> tuple[list[str], list[str]]:
    """Return the arguments of the README's first `$ … yingji <command>` line and the output lines shown under it."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(PROMPT) and f"yingji {command} " in line)
    words = shlex.split(lines[start][len(PROMPT) :])
    arguments = words[next(i for i, w in enumerate(words) if w.endswith("yingji")) + 1 :]
    shown = []
    for line in lines[start + 1 :]:
        if line.startswith((PROMPT, "```")):
            break
        shown.append(line)
    return arguments, shown


def matches(shown: list[str], printed: list[str]) -> bool:
    """Whether the printed lines are the shown ones in order, where each “…” line stands for any lines (or none)."""
    if not shown:
        return not printed
    if shown[0].strip() == ELISION:
        return any(matches(shown[1:], printed[skip:]) for skip in range(len(printed) + 1))
    return bool(printed) and printed[0] == shown[0] and matches(shown[1:], printed[1:])


def test_matches_tolerates_only_elisions() -> None:
    assert matches(["a", "…", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "  …"], ["a", "b"])
    assert not matches(["a", "c"], ["a", "b", "c"])  # a line left out without “…”
    assert not matches(["a", "…", "x"], ["a", "b"])


def test_the_readme_assess_sample_is_what_the_command_prints(tmp_path: Path) -> None:
    arguments, shown = sample("assess")
    assert arguments[0] == "assess" and ELISION in {line.strip() for line in shown}
    env = os.environ | {"XDG_DATA_HOME": str(tmp_path / "data"), "YINGJI_DATABASE_URL": ""}
    result = subprocess.run(
        [sys.executable, "-m", "yingji", *arguments], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    assert matches(shown, printed), "README.md 的示例输出与命令实际输出不符：\n" + result.stdout

"""Start-up time of the command line: `yingji --help` and one `yingji assess --json`, beside a bare `import typer`.

Run: .venv/bin/python -m bench.cli_startup [--runs 7]
Each command runs as a fresh process (what a duty officer waits for), several times; min and median wall time are
printed, with the ratio to a bare `python -c "import typer"` measured in the same run (the floor any Typer command
pays), and the median CPU time (user + system) of the process: on the shared 2-core machine other people's work
stretches wall time, CPU time much less. Targets (issue 20) on the 2-core machine: `--help` ≤ 0.5 s and
`assess … --json` ≤ 1 s, judged on the median wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS: list[tuple[str, list[str], float | None]] = [  # (label, arguments after the interpreter, target in s)
    ('python -c "import typer"', ["-c", "import typer"], None),
    ("yingji --help", ["-m", "yingji", "--help"], 0.5),
    (
        "yingji assess --plan dongsheng-2024 … --json",
        ["-m", "yingji", "assess", "--plan", "dongsheng-2024", "--deaths", "0", "--trapped", "3", "--json"],
        1.0,
    ),
]


def timed(arguments: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *arguments], env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    for _, arguments, _ in COMMANDS:  # warm the byte-code cache and the page cache once, untimed
        timed(arguments, env)
    results = []
    for _ in range(args.runs):  # interleaved, so a burst of load on the shared machine hits every command alike
        results.append([timed(arguments, env) for _, arguments, _ in COMMANDS])
    baseline = statistics.median(r[0][0] for r in results)
    print(f"{args.runs} runs each of a fresh process; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for i, (label, _, target) in enumerate(COMMANDS):
        walls, cpus = [r[i][0] for r in results], [r[i][1] for r in results]
        low, mid = min(walls), statistics.median(walls)
        verdict = "" if target is None else f"  target ≤ {target:g} s: {'met' if mid <= target else 'MISSED'}"
        print(
            f"{label:<44} wall min {low:5.3f} s median {mid:5.3f} s ({mid / baseline:3.1f}x import typer)"
            f"  cpu {statistics.median(cpus):5.3f} s{verdict}"
        )


if __name__ == "__main__":
    main()

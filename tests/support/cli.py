"""The `yingji` command as a real process on a data directory of its own (embedded SQLite), and a demo-loaded data
directory built once per test process and copied for each test: `demo load` is ~15 s, a copy a few milliseconds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, tmp_path: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``yingji ARGS`` with its data (SQLite file, audit key) under ``tmp_path/data``."""
    base = os.environ | {"XDG_DATA_HOME": str(tmp_path / "data"), "YINGJI_DATABASE_URL": ""} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "yingji", *args], capture_output=True, text=True, env=base, timeout=120, check=False
    )


_TEMPLATE: list[Path] = []  # this test process's demo-loaded directory


def demo_loaded(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``tmp_path`` holding a fresh copy of a database on which `yingji demo load` ran (once per test process)."""
    if not _TEMPLATE:
        template = tmp_path_factory.mktemp("demo-cli")
        result = run("demo", "load", tmp_path=template)
        assert result.returncode == 0, result.stderr
        _TEMPLATE.append(template)
    shutil.copytree(_TEMPLATE[0] / "data", tmp_path / "data", ignore=shutil.ignore_patterns("*.engine.lock"))
    return tmp_path

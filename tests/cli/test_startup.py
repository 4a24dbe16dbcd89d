"""The command line loads lazily: `yingji --help` imports no sub-command and `yingji assess` only rules and plans.

The import set is checked, not the time (bench/cli_startup.py measures that): what a command imports is what makes it
slow, and a stray import at the top of a module would show here first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from yingji.cli import LAZY, app, load

PROBE = """
import json, sys
from yingji.cli import main
sys.argv = ["yingji", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as done:
    assert not done.code, done.code
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)))
"""
NEVER = ("numba", "openpyxl", "fastapi", "yingji.monitoring.engine")
ASSESS = ["assess", "--plan", "dongsheng-2024", "--deaths", "0", "--trapped", "3", "--json"]


def imported(args: list[str], tmp_path: Path) -> tuple[str, set[str]]:
    """Run the CLI in a fresh interpreter; return its output and every module it imported."""
    env = os.environ | {"XDG_DATA_HOME": str(tmp_path / "data"), "YINGJI_DATABASE_URL": ""}
    command = [sys.executable, "-c", PROBE, json.dumps(args)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout, set(json.loads(done.stderr.rpartition("MODULES ")[2]))


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(f"{n}.") for n in names))


def test_help_lists_every_command_and_imports_none(tmp_path: Path) -> None:
    out, modules = imported(["--help"], tmp_path)
    for name in [*LAZY, "worker", "serve", "db"]:
        assert f" {name} " in out, name
    assert loaded(modules, (*NEVER, "rich")) == []  # plain help: Rich alone would double the start-up
    assert sorted(m for m in modules if m.startswith("yingji.")) == ["yingji.cli", "yingji.core", "yingji.core.errors"]


def test_assess_imports_only_rules_and_plans(tmp_path: Path) -> None:
    out, modules = imported(ASSESS, tmp_path)
    assert json.loads(out)["plan"]["id"] == "dongsheng-2024"
    assert loaded(modules, (*NEVER, "sqlalchemy", "yingji.db", "yingji.monitoring", "holidays")) == []
    domains = {m.split(".")[1] for m in modules if m.startswith("yingji.")}
    assert domains <= {"cli", "core", "assess", "rules", "plans"}, domains


@pytest.mark.parametrize("name", list(LAZY))
def test_the_listing_is_each_command_s_own_help(name: str) -> None:
    """The root help is written from LAZY without importing; it must say what the loaded command says."""
    command = load(name)
    assert command.help == LAZY[name].help
    for extra in LAZY[name].extra:
        assert isinstance(command, typer.core.TyperGroup) and extra in command.commands


def test_worker_is_a_platform_command() -> None:
    """`yingji worker` belongs to the root, not to a domain's sub-app (it runs every domain's duties)."""
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup) and "worker" in root.commands
    incidents = load("incidents")
    assert isinstance(incidents, typer.core.TyperGroup) and "worker" not in incidents.commands

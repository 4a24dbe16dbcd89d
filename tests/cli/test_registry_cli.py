"""The registry, users and audit commands as real processes against a fresh SQLite file (a copy of one demo load)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.support.cli import demo_loaded, run


@pytest.fixture
def loaded(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_loaded(tmp_path, tmp_path_factory)


def test_demo_load_is_idempotent(loaded: Path) -> None:
    again = run("demo", "load", tmp_path=loaded)
    assert again.returncode == 0, again.stderr
    assert "divisions 381" in again.stdout and "warnings 0" in again.stdout


def test_warnings_cli(loaded: Path) -> None:
    page = json.loads(run("warnings", "list", "--json", tmp_path=loaded).stdout)
    listed = page["items"]
    assert page["total"] == len(listed) and {w["kind"] for w in listed} == {"accident", "meteorological"}
    assert all(w["areas"] and w["status_label"] for w in listed)
    shown = json.loads(run("warnings", "show", str(listed[0]["id"]), tmp_path=loaded).stdout)
    assert shown["status"] == "issued" and shown["messages"]
    xml = run("warnings", "cap", str(listed[0]["id"]), tmp_path=loaded).stdout
    assert "urn:oasis:names:tc:emergency:cap:1.2" in xml
    assert run("warnings", "show", "9999", tmp_path=loaded).returncode == 2


def test_import_reports_lines_and_imports_nothing(loaded: Path) -> None:
    csv_file = loaded / "organisations.csv"
    csv_file.write_text(
        "name,kind,division_code\n测试甲公司,enterprise,150602\n测,enterprise,150602\n测试乙公司,enterprise,999999\n",
        encoding="utf-8",
    )
    result = run("registry", "import", str(csv_file), tmp_path=loaded)
    assert result.returncode == 2
    error = json.loads(result.stderr)["error"]
    assert {(d["line"], d["field"]) for d in error["details"]} == {(3, "name"), (4, "division_code")}
    export = run("registry", "export", str(loaded / "out"), "--json", tmp_path=loaded)
    assert export.returncode == 0, export.stderr
    bundle = json.loads((loaded / "out" / "registry.json").read_text(encoding="utf-8"))
    assert "测试甲公司" not in {o["name"] for o in bundle["organisations"]}


def test_partial_import_keeps_the_good_rows(loaded: Path) -> None:
    csv_file = loaded / "organisations.csv"
    csv_file.write_text("name,kind,division_code\n测试甲公司,enterprise,150602\n测,enterprise,150602\n", "utf-8")
    result = run("registry", "import", str(csv_file), "--partial", tmp_path=loaded)
    assert result.returncode == 0, result.stderr
    assert "新增 1" in result.stdout and "拒绝 1 行" in result.stdout
    assert "第 3 行 name" in result.stderr


def test_csv_export_round_trips(loaded: Path) -> None:
    out = loaded / "csv"
    assert run("registry", "export", str(out), tmp_path=loaded).returncode == 0
    result = run("registry", "import", *(str(p) for p in sorted(out.glob("*.csv"))), tmp_path=loaded)
    assert result.returncode == 0, result.stderr
    assert "新增 0" in result.stdout


def test_users_add_list_disable(loaded: Path) -> None:
    env = {"YINGJI_NEW_PASSWORD": "a-long-enough-password"}
    added = run(
        "users",
        "add",
        "dongsheng_duty",
        "--role",
        "county_officer",
        "--display-name",
        "值班员",
        "--division",
        "150602",
        tmp_path=loaded,
        env=env,
    )
    assert added.returncode == 0, added.stderr
    short = run(
        "users",
        "add",
        "x_user",
        "--role",
        "expert",
        "--display-name",
        "x",
        "--division",
        "150602",
        tmp_path=loaded,
        env={"YINGJI_NEW_PASSWORD": "short"},
    )
    assert short.returncode == 2 and json.loads(short.stderr)["error"]["field"] == "password"
    assert "dongsheng_duty" in run("users", "list", tmp_path=loaded).stdout
    reset = run("users", "password", "dongsheng_duty", tmp_path=loaded, env={"YINGJI_NEW_PASSWORD": "another-password"})
    assert reset.returncode == 0, reset.stderr
    too_short = run("users", "password", "dongsheng_duty", tmp_path=loaded, env={"YINGJI_NEW_PASSWORD": "short"})
    assert too_short.returncode == 2
    assert run("users", "disable", "dongsheng_duty", tmp_path=loaded).returncode == 0
    assert "已停用" in run("users", "list", tmp_path=loaded).stdout


def test_audit_verify_catches_tampering(loaded: Path) -> None:
    assert run("audit", "verify", tmp_path=loaded).returncode == 0
    database = loaded / "data" / "yingji" / "yingji.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
    broken = run("audit", "verify", tmp_path=loaded)
    assert broken.returncode == 1
    assert "第 1 条内容被修改" in broken.stderr

"""`yingji hazards list` and `yingji ledger targets|tasks` as real processes on a fresh embedded database."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import run


def test_ledger_targets_and_tasks(tmp_path: Path) -> None:
    targets = run("ledger", "targets", "--json", tmp_path=tmp_path)
    assert targets.returncode == 0, targets.stderr
    page = json.loads(targets.stdout)
    rows = {r["code"]: r for r in page["items"]}
    assert page["total"] > len(rows) == page["limit"] == 50  # 152 targets: the first page, and the total beside it
    assert rows["accidents"]["change_percent"] == -6 and rows["accidents"]["target_year"] == 2030
    assert rows["accidents"]["status"] == "no_data" and rows["accidents"]["seed"].startswith("002#L")
    text = run("ledger", "targets", tmp_path=tmp_path)
    assert "共 " in text.stdout and "尚无数据" in text.stdout
    later = run("ledger", "targets", "--programme", "hulunbuir-15th-fyp-mines", tmp_path=tmp_path)
    assert "矿山生产安全事故起数" in later.stdout and later.stdout.splitlines()[-1] == "共 7 条，显示第 1–7 条"
    overdue = run("ledger", "tasks", "--overdue", "--json", tmp_path=tmp_path)
    assert overdue.returncode == 0, overdue.stderr
    # on a fresh database nothing is reported: every measure whose deadline has passed is overdue
    found = json.loads(overdue.stdout)
    assert found["total"] >= len(found["items"]) > 0 and {r["status"] for r in found["items"]} == {"overdue"}
    assert all(r["status_label"] == "逾期未完成" and r["division_name"] for r in found["items"])


def test_hazards_list_on_an_empty_ledger(tmp_path: Path) -> None:
    empty = run("hazards", "list", "--json", tmp_path=tmp_path)
    assert empty.returncode == 0, empty.stderr
    assert json.loads(empty.stdout) == {"items": [], "total": 0, "limit": 50, "offset": 0}
    assert "无隐患记录" in run("hazards", "list", tmp_path=tmp_path).stdout

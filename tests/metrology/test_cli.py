"""``yingji metrology`` as real processes on a fresh SQLite file: import (all or nothing), list and due."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.metrology.test_transfer import HEADER
from tests.support.cli import demo_loaded, run

ENTERPRISE = "内蒙古达拉特煤化工有限公司（演示）"  # a synthetic coal-chemical enterprise of the registry demo


def test_import_list_and_due(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    demo_loaded(tmp_path, tmp_path_factory)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"\n{ENTERPRISE},皮带秤,衡器,原料煤质量,BS-1,,,,,输煤线,,是,一年,,,,,,\n", encoding="utf-8")
    refused = run("metrology", "import", str(bad), tmp_path=tmp_path)
    assert refused.returncode == 2
    assert json.loads(refused.stderr)["error"]["details"] == [
        {"line": 2, "field": "interval_months", "problem": "「一年」不是整数"}
    ]
    assert json.loads(run("metrology", "list", "--json", tmp_path=tmp_path).stdout) == {
        "items": [],
        "total": 0,
        "limit": 50,
        "offset": 0,
    }
    good = tmp_path / "good.csv"
    good.write_text(
        HEADER
        + f"\n{ENTERPRISE},皮带秤,衡器,原料煤质量,BS-1,,,,,输煤线,,是,12,在用,2020-01-31,检定,某检定机构,JD-1,合格"
        f"\n{ENTERPRISE},燃料气流量计,流量计,天然气流量,FT-1,,,,,调压撬,,是,12,,,,,,\n",
        encoding="utf-8",
    )
    imported = run("metrology", "import", str(good), tmp_path=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "新增 2 台" in imported.stdout
    listed = json.loads(run("metrology", "list", "--json", tmp_path=tmp_path).stdout)
    assert listed["total"] == 2
    assert {r["serial_no"]: r["due_state"] for r in listed["items"]} == {"BS-1": "overdue", "FT-1": "uncalibrated"}
    assert listed["items"][0]["next_due_on"] == "2021-01-31"
    assert {r["division_name"] for r in listed["items"]} == {"达拉特旗"}
    second = json.loads(run("metrology", "list", "--json", "--limit", "1", "--offset", "1", tmp_path=tmp_path).stdout)
    assert ([r["serial_no"] for r in second["items"]], second["total"]) == (["FT-1"], 2)
    text = run("metrology", "list", "--overdue", tmp_path=tmp_path).stdout
    assert "超期未检" in text and "无有效检定校准记录" in text
    due = json.loads(run("metrology", "due", "--days", "30", "--json", tmp_path=tmp_path).stdout)
    assert [r["serial_no"] for r in due["items"]] == ["FT-1", "BS-1"]  # never calibrated first, then the soonest
    assert "（无计量器具）" in run("metrology", "list", "--division", "150622", tmp_path=tmp_path).stdout

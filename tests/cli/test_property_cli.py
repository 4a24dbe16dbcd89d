"""``yingji property`` as real processes on a fresh SQLite file: survey import (all or nothing), computed targets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.property.test_survey import HEADER
from tests.support.cli import demo_loaded, run


def test_import_and_targets(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    demo_loaded(tmp_path, tmp_path_factory)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\n1,交通街道,吉劳庆社区,吉劳庆小区,6,三百,,,无物业,,,,,\n", encoding="utf-8")
    refused = run("property", "import", str(bad), tmp_path=tmp_path)
    assert refused.returncode == 2
    assert json.loads(refused.stderr)["error"]["details"] == [
        {"line": 2, "field": "households", "problem": "「三百」不是整数"}
    ]
    good = tmp_path / "good.csv"
    good.write_text(
        HEADER + "\n1,交通街道,吉劳庆社区,吉劳庆小区,6,300,,,准物业管理,,5,3,,\n"
        "2,交通街道,健康社区,健康家园,3,120,,,无物业,,,,,\n",
        encoding="utf-8",
    )
    imported = run("property", "import", str(good), tmp_path=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "新增 2 个小区" in imported.stdout
    shown = run("property", "targets", "--year", "2026", "--json", tmp_path=tmp_path)
    programmes = {p["programme"]: p for p in json.loads(shown.stdout)}  # the API's ProgrammeTargets read models
    rows = {r["target"]: r for r in programmes["dongsheng-property-2024"]["rows"]}
    assert rows["committee_rate"]["value"] == 50.0 and rows["property_service_coverage"]["value"] == 50.0
    assert run("property", "sweep", tmp_path=tmp_path).stdout.strip().endswith("共 0 件")

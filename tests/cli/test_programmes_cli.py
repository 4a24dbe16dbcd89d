"""``yingji programmes list`` as a real process: the API's read models (stage kinds and actors in words, the authority's
area by name) and the rounds paged with their total."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import demo_loaded, run


def test_the_list_reads_in_words(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    demo_loaded(tmp_path, tmp_path_factory)
    shown = run("programmes", "list", tmp_path=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "包头市市长质量奖（包府办发〔2025〕57号，包头市）" in shown.stdout
    assert "单位内部公示（公示，办理：申报人，不少于5个工作日）" in shown.stdout and "共 0 届（批）" in shown.stdout
    assert "county" not in shown.stdout and "working" not in shown.stdout
    one = run("programmes", "list", "--json", "--programme", "baotou-quality-award", "--limit", "1", tmp_path=tmp_path)
    rows = json.loads(one.stdout)
    assert [r["programme"]["id"] for r in rows] == ["baotou-quality-award"]
    assert rows[0]["programme"]["division_name"] == "包头市"
    assert rows[0]["rounds"] == {"items": [], "total": 0, "limit": 1, "offset": 0}
    assert {s["actor_label"] for s in rows[0]["stages"]} >= {"申报人", "旗县区主管部门", "市主管部门", "专家组"}

"""The `yingji` command line, run as a real process: answers, exit codes and error text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from yingji.plans import loader


def run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"XDG_DATA_HOME": str(tmp_path / "data"), "YINGJI_DATABASE_URL": ""}
    return subprocess.run(
        [sys.executable, "-m", "yingji", *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_assess_json_answers_every_question(tmp_path: Path) -> None:
    result = run(
        "assess",
        "--plan",
        "ordos-industry-trade-2024",
        "--deaths",
        "0",
        "--serious-injuries",
        "0",
        "--direct-loss-yuan",
        "0",
        "--trapped",
        "3",
        "--json",
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["grade"] == "一般"
    assert body["response_level"] == 2  # 3人以上10人以下 涉险、被困、失联 → 二级 (003#L12)
    for key in ("plan", "provisional", "decided_by", "lead_body", "report_deadlines", "release_authority", "basis"):
        assert key in body
    assert {"from", "to", "within_minutes", "form"} <= set(body["report_deadlines"][0])
    assert all({"rule", "plan", "clause", "seed"} <= set(b) for b in body["basis"])


def test_assess_text_output_is_chinese(tmp_path: Path) -> None:
    result = run("assess", "--plan", "baotou-coal-2025", "--deaths", "10", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "事故等级：重大（暂定，可能上升）" in result.stdout
    assert "依据：" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        (["--plan", "nope", "--deaths", "1"], "invalid_input", "plan"),
        (["--plan", "baotou-coal-2025", "--deaths", "-1"], "invalid_input", "deaths"),
        (["--plan", "ordos-weather-2024", "--deaths", "1"], "not_applicable", "plan"),
    ],
)
def test_assess_errors_exit_2_with_json(tmp_path: Path, args: list[str], code: str, field: str) -> None:
    result = run("assess", *args, tmp_path=tmp_path)
    assert result.returncode == 2
    error = json.loads(result.stderr)["error"]
    assert (error["code"], error["field"]) == (code, field)


def test_non_numeric_count_is_a_usage_error(tmp_path: Path) -> None:
    result = run("assess", "--plan", "baotou-coal-2025", "--deaths", "abc", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "--deaths" in result.stderr


def test_plans_list_and_show(tmp_path: Path) -> None:
    listed = json.loads(run("plans", "list", "--json", tmp_path=tmp_path).stdout)
    assert {p["id"] for p in listed} == set(loader.all_plans())
    shown = json.loads(run("plans", "show", "dongsheng-2024", "--json", tmp_path=tmp_path).stdout)
    assert shown["metadata"]["doc_no"] == "东政办发〔2024〕31号"


def test_plans_validate_names_the_bad_field(tmp_path: Path) -> None:
    raw = yaml.safe_load((loader.DATA_DIR / "baotou-noncoal-2025.yaml").read_text(encoding="utf-8"))
    raw["response"]["levels"][2]["decided_by"] = {"body": "某局"}
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = run("plans", "validate", str(bad), tmp_path=tmp_path)
    assert result.returncode == 2
    error = json.loads(result.stderr)["error"]
    assert error["code"] == "plan_invalid"
    assert error["field"] == "response.levels[2].decided_by.basis"


def test_plans_validate_accepts_a_bundled_plan(tmp_path: Path) -> None:
    result = run("plans", "validate", str(loader.DATA_DIR / "ordos-noncoal-2024.yaml"), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "通过" in result.stdout


def test_calendar_load_then_count(tmp_path: Path) -> None:
    schedule = tmp_path / "2031.yaml"
    schedule.write_text(
        "year: 2031\nsource: 测试通知\n"
        "days_off: [2031-10-01, 2031-10-02, 2031-10-03]\nworking_weekends: [2031-09-28]\n",
        encoding="utf-8",
    )
    estimated = run("calendar", "add", "2031-09-26", "1", tmp_path=tmp_path)
    assert "估算" in estimated.stdout
    loaded = run("calendar", "load", str(schedule), tmp_path=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    counted = run("calendar", "add", "2031-09-26", "1", tmp_path=tmp_path)
    assert counted.stdout.strip() == "2031-09-28"
    assert (tmp_path / "data" / "yingji" / "yingji.sqlite3").exists()


def test_calendar_load_rejects_bad_file(tmp_path: Path) -> None:
    schedule = tmp_path / "bad.yaml"
    schedule.write_text("year: 2031\nsource: 测试通知\ndays_off: [2030-10-01]\n", encoding="utf-8")
    result = run("calendar", "load", str(schedule), tmp_path=tmp_path)
    assert result.returncode == 2
    assert json.loads(result.stderr)["error"]["field"] == "days_off"

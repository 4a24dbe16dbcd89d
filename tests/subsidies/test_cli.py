"""``yingji subsidies`` as real processes: answers in Chinese or JSON, refusals as JSON on stderr with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run


def test_the_insurance_subsidy_in_chinese(tmp_path: Path) -> None:
    result = run("subsidies", "tech-insurance", "5500", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "合计：5000.00 元" in result.stdout and "包科发〔2025〕61号" in result.stdout
    assert "超过3000元的部分：2500.00 × 80% = 2000.00" in result.stdout
    assert "[000#L2262]" in result.stdout


def test_a_licence_contract_as_json(tmp_path: Path) -> None:
    result = run(
        "subsidies", "tech-licence", "100001", "29999.99", "50000:ordinary:not-first", "--json", tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["total_yuan"] == "10000.00" and answer["calculator"] == "tech-licence"
    assert "000#L2248-L2250" in {b["seed"] for b in answer["basis"]}


def test_pingfang_and_payment_day(tmp_path: Path) -> None:
    result = run(
        "subsidies",
        "pingfang",
        "--work",
        "renovate",
        "--grade",
        "C",
        "--floor-area",
        "80.5",
        "--roof",
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "合计：26565.00 元" in result.stdout and "改造完成验收合格后一次性支付：26565.00 元" in result.stdout
    day = run("subsidies", "tech-payment", "2024-02-29", "--proposed-on", "2025-03-01", "--json", tmp_path=tmp_path)
    assert json.loads(day.stdout)["earliest_on"] == "2025-03-01" and json.loads(day.stdout)["may_pay"] is True
    listed = run("subsidies", "list", "--json", tmp_path=tmp_path)
    assert [r["id"] for r in json.loads(listed.stdout)] == [
        "tech-licence",
        "tech-acceptance",
        "tech-insurance",
        "tech-payment",
        "pingfang",
        "equipment-interest",
    ]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["tech-acceptance", "三万"], "contract_amount_yuan"),
        (["tech-insurance", "--", "-1"], "fee_yuan"),
        (["tech-licence", "40000:lease"], "results.0.kind"),
        (["tech-licence", "40000:ordinary:again"], "results.0.is_first_licence"),
        (["pingfang", "--work", "renovate", "--grade", "E", "--floor-area", "50"], "grade"),
        (["pingfang", "--work", "renovate", "--grade", "B"], "floor_area_m2"),
        (
            [
                "pingfang",
                "--work",
                "vacant_build",
                "--main-kind",
                "bungalow",
                "--main-area",
                "60",
                "--setback-area",
                "5",
            ],
            "setback.land_use",
        ),
    ],
    ids=["non-numeric", "negative", "unknown kind", "bad first flag", "unknown grade", "missing area", "land use"],
)
def test_refusals_exit_2_naming_the_field(tmp_path: Path, args: list[str], field: str) -> None:
    result = run("subsidies", *args, tmp_path=tmp_path)
    assert result.returncode == 2, result.stdout
    error = json.loads(result.stderr)["error"]
    assert error["code"] == "invalid_input" and error["field"] == field

"""The ledger data files (ledger/data, tips/data): every row's quote is in its seed lines, codes are unique, and the
dates, counts and targets the plans give are the ones loaded."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from yingji.ledger.schema import Cited, campaigns, target_plans
from yingji.rules.kpi import Direction
from yingji.tips.schema import reward_cap, reward_rules

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
HANGJIN = "hangjin-2024-2026"
HULUNBUIR = "hulunbuir-15th-fyp-mines"


def _cited() -> list[tuple[str, Cited]]:
    rows: list[tuple[str, Cited]] = []
    for campaign in campaigns().values():
        rows += [(f"{campaign.id}/milestone/{m.due}/{m.text[:8]}", m) for m in campaign.milestones]
        rows += [(f"{campaign.id}/report/{r.id}", r) for r in campaign.reports]
        rows += [(f"{campaign.id}/measure/{m.code}", m) for m in campaign.measures]
    for plan in target_plans().values():
        rows += [(f"{plan.id}/target/{t.code}", t) for t in plan.targets]
        rows += [(f"{plan.id}/project/{p.code}", p) for p in plan.projects]
        rows += [(f"{plan.id}/evaluation/{e.year}", e) for e in plan.evaluations]
    rows += [(f"rewards/{r.id}", r) for r in reward_rules()]
    return rows


CITED = _cited()


@cache
def _seed_lines(number: str) -> list[str]:
    found = sorted(SEEDS.glob(f"{number}_*.txt"))
    assert len(found) == 1, f"seed {number}: {found}"
    return found[0].read_text(encoding="utf-8").splitlines()


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("row", [row for _, row in CITED], ids=[name for name, _ in CITED])
def test_the_quote_is_in_the_cited_seed_lines(row: Cited) -> None:
    """The data files' convention: the cited lines joined with all whitespace removed contain the quote."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    number, _, lines = row.seed.partition("#L")
    first, _, last = lines.partition("-L")
    seed = _seed_lines(number)
    start, end = int(first), int(last or first)
    assert 1 <= start <= end <= len(seed), f"{row.seed}: the seed has {len(seed)} lines"
    cited = _squeeze("".join(seed[start - 1 : end]))
    assert _squeeze(row.quote) in cited, f"{row.seed}: {cited[:300]}"


def test_the_rows_checked_are_all_the_rows() -> None:
    campaign = campaigns()[HANGJIN]
    plan = target_plans()[HULUNBUIR]
    expected = len(campaign.milestones) + len(campaign.reports) + len(campaign.measures)
    expected += len(plan.targets) + len(plan.projects) + len(plan.evaluations) + len(reward_rules())
    assert len(CITED) == expected and len({name for name, _ in CITED}) == len(CITED)


def test_codes_are_unique() -> None:
    programmes = list(campaigns()) + list(target_plans())
    assert len(set(programmes)) == len(programmes)
    for campaign in campaigns().values():
        codes = [m.code for m in campaign.measures]
        assert len(set(codes)) == len(codes), campaign.id
        ids = [r.id for r in campaign.reports]
        assert len(set(ids)) == len(ids), campaign.id
    for plan in target_plans().values():
        # tasks (projects) and targets share (programme, code) uniqueness in separate tables; keep both unique
        projects = [p.code for p in plan.projects]
        targets = [t.code for t in plan.targets]
        assert len(set(projects)) == len(projects) and len(set(targets)) == len(targets), plan.id
    rewards = [r.id for r in reward_rules()]
    assert len(set(rewards)) == len(rewards)


def test_hangjin_zero_clearing_milestones() -> None:
    campaign = campaigns()[HANGJIN]
    zero = [m.due for m in campaign.milestones if m.kind == "zero_clearing"]
    assert zero == [date(2024, 4, 30), date(2025, 4, 30), date(2026, 4, 30)]
    assert campaign.division_code == "150625"


def test_hangjin_has_42_measures_numbered_1_to_42() -> None:
    measures = campaigns()[HANGJIN].measures
    assert len(measures) == 42
    assert sorted(int(m.code.split(".")[1]) for m in measures) == list(range(1, 43))


def test_hangjin_monthly_report_is_due_before_the_25th() -> None:
    [monthly] = [r for r in campaigns()[HANGJIN].reports if r.id == "monthly"]
    assert (monthly.cadence, monthly.due_day, monthly.before_due_day) == ("monthly", 25, True)
    assert "每月25日前" in monthly.quote


def test_measure_due_is_the_latest_milestone() -> None:
    """The file's convention: with several dated items, due is the latest and the milestones list them all."""
    for measure in campaigns()[HANGJIN].measures:
        if measure.milestones:
            assert measure.due == max(s.due for s in measure.milestones), measure.code


@pytest.mark.parametrize("code", ["accidents", "deaths"])
def test_hulunbuir_accidents_and_deaths_fall_6_percent_by_2030_against_2025(code: str) -> None:
    plan = target_plans()[HULUNBUIR]
    assert plan.division_code == "150700"
    [target] = [t for t in plan.targets if t.code == code]
    assert target.direction is Direction.DECREASE
    assert (target.change_percent, target.baseline_year, target.target_year) == (-6, 2025, 2030)
    assert target.target_value is None and target.kind == "binding"


def test_hulunbuir_specialist_share_is_at_least_75_percent() -> None:
    [target] = [t for t in target_plans()[HULUNBUIR].targets if t.code == "specialist_ratio"]
    assert (target.direction, target.target_value, target.unit) == (Direction.AT_LEAST, 75, "%")


def test_reward_caps() -> None:
    cap, basis = reward_cap("150702")  # 海拉尔区 in Hulunbuir (150700)
    assert cap == Decimal(300000) and [b.seed for b in basis] == ["002#L272"]
    hangjin, hangjin_basis = reward_cap("150625")  # Hangjin's rules give no amount
    assert hangjin is None and hangjin_basis and all((b.seed or "").startswith("004#") for b in hangjin_basis)
    assert reward_cap("150602") == (None, [])  # 东胜区: no rule covers it

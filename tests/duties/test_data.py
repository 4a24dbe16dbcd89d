"""The duty lists (duties/data): every duty and every named unit cites seed lines that hold its quote; the loaded
duties by kind; the frequencies the seed states are the ones loaded; the property programme's duty is its rule."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.seeds import assert_quoted
from yingji.duties.schema import DutyKind, Form, duties, files
from yingji.ledger.schema import campaigns
from yingji.property.schema import Recurring, all_programmes
from yingji.rules.duties import Cadence

CITED = [(f"{d.key}", d.seed, d.quote) for d in duties().values()]
CITED += [(f"{f.id}/unit/{u.code}", u.seed, u.quote) for f in files().values() for u in f.units]


@pytest.mark.parametrize(("seed", "quote"), [(s, q) for _, s, q in CITED], ids=[n for n, _, _ in CITED])
def test_every_duty_and_unit_quotes_its_seed_lines(seed: str, quote: str) -> None:
    assert_quoted(seed, quote)


def test_the_duties_loaded_by_kind() -> None:
    counts = Counter(d.kind for d in duties().values())
    assert counts == {
        DutyKind.REPORT: 2,  # weekly table, monthly report (004#L190-L198, the ledger's reports rows)
        DutyKind.PRINCIPAL_INSPECTION: 7,  # 004#L486-L490, L5457, L7461, L7682, L7799, L8164
        DutyKind.DRILL: 2,  # 004#L912-L918
        DutyKind.SECTOR_INSPECTION: 4,  # 004#L1487, L5463, L7535, L8135
        DutyKind.LEADERSHIP_REVIEW: 1,  # 004#L7928-L7932
        DutyKind.MONITORING: 1,  # 000#L280
    }


# (duty, cadence, at least, seed): the frequency each line states
FREQUENCIES = [
    ("weekly_table", Cadence.WEEKLY, 1, "004#L190-L198"),  # 每周填写 (the ledger's reports row)
    ("monthly_report", Cadence.MONTHLY, 1, "004#L194-L198"),  # 每月25日前 (the ledger's reports row)
    ("principal_inspection", Cadence.QUARTERLY, 1, "004#L486-L488"),  # 每季度带队至少开展1次检查
    ("principal_inspection_high_risk", Cadence.MONTHLY, 1, "004#L486-L490"),  # 高危行业领域每月至少1次
    ("evacuation_drill", Cadence.YEARLY, 1, "004#L912-L916"),  # 每年至少组织开展1次
    ("evacuation_drill_high_risk", Cadence.HALF_YEARLY, 1, "004#L914-L918"),  # 每半年至少1次
    ("edu_weekly_check", Cadence.WEEKLY, 1, "004#L1487-L1489"),
    ("hazchem_principal_check", Cadence.QUARTERLY, 2, "004#L5457-L5461"),  # 每季度至少要带队开展两次
    ("hazchem_bureau_check", Cadence.QUARTERLY, 1, "004#L5463-L5465"),
    ("grain_principal_check", Cadence.MONTHLY, 1, "004#L7461-L7463"),  # grain monthly
    ("grain_bureau_inspection", Cadence.MONTHLY, 1, "004#L7535"),
    ("coal_principal_check", Cadence.QUARTERLY, 1, "004#L7682-L7684"),  # coal quarterly
    ("power_principal_check", Cadence.QUARTERLY, 1, "004#L7799-L7801"),  # power quarterly
    ("energy_progress_review", Cadence.QUARTERLY, 1, "004#L7928-L7932"),
    ("forestry_self_check", Cadence.QUARTERLY, 1, "004#L8164-L8166"),
    ("forestry_special_inspection", Cadence.QUARTERLY, 1, "004#L8135-L8137"),  # 每三个月
]


@pytest.mark.parametrize(("duty", "cadence", "times", "seed"), FREQUENCIES, ids=[f[0] for f in FREQUENCIES])
def test_the_frequency_the_seed_states(duty: str, cadence: Cadence, times: int, seed: str) -> None:
    found = duties()[f"hangjin-duties/{duty}"]
    assert (found.cadence, found.min_times, found.seed) == (cadence, times, seed)


def test_every_hangjin_duty_is_in_the_table() -> None:
    assert {f"hangjin-duties/{d}" for d, *_ in FREQUENCIES} == {k for k in duties() if k.startswith("hangjin-duties/")}


def test_reports_are_due_as_the_notice_says() -> None:
    monthly = duties()["hangjin-duties/monthly_report"]
    assert (monthly.due.day_of_month, monthly.due.before, monthly.form) == (25, True, Form.MONTHLY_REPORT)
    weekly = duties()["hangjin-duties/weekly_table"]
    assert weekly.due.last_working_day and weekly.reading and "平台默认" in weekly.reading  # the seed names no day
    assert {monthly.department, weekly.department} == {"office"}
    forestry = duties()["hangjin-duties/forestry_special_inspection"]
    assert str(forestry.active_from) == "2025-01-01"  # 2025—2026年


def test_the_reporting_units_are_the_zone_the_towns_and_the_sub_plans_departments() -> None:
    hangjin = files()["hangjin-duties"]
    monthly = duties()["hangjin-duties/monthly_report"]
    assert monthly.applies_to.towns_of == "150625"
    assert len(monthly.applies_to.units) == 21  # 22 sub-plans; the emergency bureau wrote two
    assert "office" not in monthly.applies_to.units
    assert hangjin.unit("edu").name == "杭锦旗教育体育局"


def test_the_reports_are_the_ledgers_own_rows() -> None:
    """The weekly table and the monthly report are the campaign's ``reports:`` rows, not a second copy."""
    rows = {r.id: r for r in campaigns()["hangjin-2024-2026"].reports}
    for duty, report in (("weekly_table", "weekly"), ("monthly_report", "monthly")):
        found = duties()[f"hangjin-duties/{duty}"]
        assert (found.seed, found.quote, found.cadence.value) == (
            rows[report].seed,
            rows[report].quote,
            rows[report].cadence,
        )


def test_the_property_duty_is_the_programmes_own_rule() -> None:
    found = duties()["baotou-property-duties/old_compound_monitoring"]
    rule = next(
        r
        for r in all_programmes()["baotou-property-2025"].rules
        if isinstance(r, Recurring) and r.id == "old_compound_monitoring"
    )
    assert (found.label, found.cadence.value, found.seed, found.quote) == (
        rule.text,
        rule.cadence,
        rule.seed,
        rule.quote,
    )
    assert found.seed == "000#L280"

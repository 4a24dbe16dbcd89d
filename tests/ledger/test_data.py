"""The ledger data files (ledger/data, tips/data): every row's quote is in its seed lines, codes are unique, and the
dates, counts and targets the plans give are the ones loaded."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from tests.support.seeds import assert_quoted, cited_text, seed_lines, seeds_dir, squeeze
from yingji.ledger.models import LedgerTask, Target
from yingji.ledger.schema import (
    Campaign,
    Cited,
    Measure,
    SubPlan,
    TargetPlan,
    TargetRow,
    campaigns,
    subplans,
    target_plans,
)
from yingji.registry.divisions import DIVISIONS_CSV
from yingji.rules.kpi import Direction
from yingji.tips.schema import reward_cap, reward_rules

HANGJIN = "hangjin-2024-2026"
HULUNBUIR = "hulunbuir-15th-fyp-mines"
CARBON = "ordos-carbon-metrology-2024-2030"
CARBON_KPI = "ordos-carbon-metrology-targets"
QUALITY = "ordos-quality-city-2024"
QUALITY_KPI = "ordos-quality-city-targets"
AIR = "ordos-air-quality-2024"
AIR_KPI = "ordos-air-quality-targets"
PILOT = "ordos-pollution-carbon-pilot-2024-2026"
PILOT_KPI = "ordos-pollution-carbon-pilot-targets"
FIRE = "hangjin-fire-rescue-benefits-2024"


def _cited() -> list[tuple[str, Cited]]:
    rows: list[tuple[str, Cited]] = []
    for campaign in campaigns().values():
        rows += [(f"{campaign.id}/milestone/{m.due}/{m.text[:8]}", m) for m in campaign.milestones]
        rows += [(f"{campaign.id}/report/{r.id}", r) for r in campaign.reports]
        rows += [(f"{campaign.id}/measure/{m.code}", m) for m in campaign.measures]
        rows += [(f"{campaign.id}/target/{t.code}", t) for t in campaign.targets]
        rows += [(f"{campaign.id}/problem/{p.code}", p) for p in campaign.problems]
    for sub in subplans().values():
        rows.append((f"{sub.id}", sub))
        rows += [(f"{sub.id}/milestone/{m.due}/{m.text[:8]}", m) for m in sub.milestones]
        rows += [(f"{sub.id}/measure/{m.code}", m) for m in sub.measures]
        rows += [(f"{sub.id}/target/{t.code}", t) for t in sub.targets]
    for plan in target_plans().values():
        rows += [(f"{plan.id}/target/{t.code}", t) for t in plan.targets]
        rows += [(f"{plan.id}/project/{p.code}", p) for p in plan.projects]
        rows += [(f"{plan.id}/evaluation/{e.year}", e) for e in plan.evaluations]
    rows += [(f"rewards/{r.id}", r) for r in reward_rules()]
    return rows


CITED = _cited()


@pytest.mark.parametrize("row", [row for _, row in CITED], ids=[name for name, _ in CITED])
def test_the_quote_is_in_the_cited_seed_lines(row: Cited) -> None:
    assert_quoted(row.seed, row.quote)


def test_the_rows_checked_are_all_the_rows() -> None:
    expected = sum(
        len(c.milestones) + len(c.reports) + len(c.measures) + len(c.targets) + len(c.problems)
        for c in campaigns().values()
    )
    expected += sum(1 + len(s.milestones) + len(s.measures) + len(s.targets) for s in subplans().values())
    expected += sum(len(p.targets) + len(p.projects) + len(p.evaluations) for p in target_plans().values())
    assert len(CITED) == expected + len(reward_rules()) and len({name for name, _ in CITED}) == len(CITED)


def test_codes_are_unique() -> None:
    programmes = list(campaigns()) + list(target_plans()) + list(subplans())
    assert len(set(programmes)) == len(programmes)
    for campaign in campaigns().values():
        # a sub-plan's measures and targets load under its campaign: their codes share the campaign's
        family = [s for s in subplans().values() if s.parent == campaign.id]
        codes = [m.code for m in campaign.measures] + [m.code for s in family for m in s.measures]
        assert len(set(codes)) == len(codes), campaign.id
        targets = [t.code for t in campaign.targets] + [t.code for s in family for t in s.targets]
        assert len(set(targets)) == len(targets), campaign.id
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


@pytest.mark.parametrize("programme", sorted(campaigns()) + sorted(subplans()))
def test_measure_due_is_the_latest_milestone(programme: str) -> None:
    """The files' convention: with several dated items, due is the latest and the milestones list them all."""
    found = campaigns().get(programme) or subplans()[programme]
    for measure in found.measures:
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


# --- the Ordos programmes (seed 003) and Hangjin's fire-rescue benefits (seed 004) ---------------------------------


def _measures(programme: str) -> dict[str, Measure]:
    return {m.code: m for m in campaigns()[programme].measures}


def _targets(programme: str) -> dict[str, TargetRow]:
    return {t.code: t for t in target_plans()[programme].targets}


def _seed_line(row: Cited) -> str:
    """The cited seed lines joined and squeezed (the Ordos documents are one physical line each)."""
    return cited_text(row.seed)


def _needs_seeds() -> None:
    seeds_dir()


@pytest.mark.parametrize(
    ("programme", "measures", "division"),
    [(CARBON, 96, "150600"), (QUALITY, 28, "150600"), (AIR, 29, "150600"), (PILOT, 20, "150600"), (FIRE, 10, "150625")],
)
def test_campaign_sizes_and_divisions(programme: str, measures: int, division: str) -> None:
    campaign: Campaign = campaigns()[programme]
    assert len(campaign.measures) == measures and campaign.division_code == division
    with DIVISIONS_CSV.open(encoding="utf-8") as f:
        assert division in {row["code"] for row in csv.DictReader(f)}


@pytest.mark.parametrize(
    ("programme", "targets"), [(CARBON_KPI, 58), (QUALITY_KPI, 10), (AIR_KPI, 25), (PILOT_KPI, 53)]
)
def test_target_plan_sizes(programme: str, targets: int) -> None:
    plan: TargetPlan = target_plans()[programme]
    assert len(plan.targets) == targets and plan.division_code == "150600"


def test_rows_fit_the_ledger_columns() -> None:
    """The schema allows longer codes than the tables store (SQLite would not notice; PostgreSQL would refuse)."""

    def width(table: type[LedgerTask] | type[Target], column: str) -> int:
        length = getattr(table.__table__.c[column].type, "length", None)
        assert isinstance(length, int)
        return length

    families: list[Campaign | SubPlan] = [*campaigns().values(), *subplans().values()]
    for c in families:
        assert len(c.id) <= width(LedgerTask, "subplan")
        for m in c.measures:
            assert len(m.code) <= width(LedgerTask, "code") and len(m.seed) <= width(LedgerTask, "seed"), m.code
            assert len(m.section or "") <= width(LedgerTask, "section") and len(m.lead or "") <= width(
                LedgerTask, "lead"
            )
            assert len(m.leader or "") <= width(LedgerTask, "leader"), m.code
        if isinstance(c, SubPlan):
            assert len(c.department) <= width(LedgerTask, "department")
    for p in [*target_plans().values(), *families]:
        assert len(p.id) <= width(Target, "programme")
        for t in p.targets:
            assert len(t.code) <= width(Target, "code") and len(t.name) <= width(Target, "name"), t.code
            assert len(t.unit) <= width(Target, "unit"), t.code
        for project in p.projects if isinstance(p, TargetPlan) else []:
            assert len(project.code) <= width(LedgerTask, "code"), project.code


# 鄂府发〔2024〕64号, Annex 2: the yearly task table


CARBON_PER_YEAR = {2024: 24, 2025: 22, 2026: 14, 2027: 11, 2028: 9, 2029: 8, 2030: 8}


def _carbon_years() -> dict[int, tuple[int, str]]:
    """Annex 2 of seed 003 line 2, squeezed, split at its year headers “2024年(24个)”: year → (count, text)."""
    line = squeeze(seed_lines("003")[1])
    annex = line[line.index("工作任务清单(96个)") : line.index("注:年度具体任务根据实际情况动态调整")]
    heads = list(re.finditer(r"(20\d\d)年\((\d+)个\)", annex))
    ends = [h.start() for h in heads[1:]] + [len(annex)]
    return {int(h[1]): (int(h[2]), annex[h.end() : end]) for h, end in zip(heads, ends, strict=True)}


def test_carbon_has_96_tasks_and_the_seed_s_count_per_year() -> None:
    measures = campaigns()[CARBON].measures
    per_year = Counter(m.due.year for m in measures if m.due is not None)
    assert len(measures) == 96 and per_year == CARBON_PER_YEAR
    assert all(m.due == date(int(m.code[:4]), 12, 31) for m in measures)  # the table gives years only
    for year, count in CARBON_PER_YEAR.items():
        assert [m.code for m in measures if m.code.startswith(f"{year}.")] == [
            f"{year}.{n}" for n in range(1, count + 1)
        ]
    _needs_seeds()
    assert {year: count for year, (count, _) in _carbon_years().items()} == CARBON_PER_YEAR


def test_carbon_tasks_sit_in_their_year_with_the_units_printed_after_their_block() -> None:
    """Annex 2 prints each system's tasks and then its lead and responsible units (“/” for none); the task's year
    segment must hold its quote, and the units printed after a block must be the block's lead then responsible."""
    _needs_seeds()
    years = _carbon_years()
    measures = campaigns()[CARBON].measures
    for i, m in enumerate(measures):
        year = int(m.code[:4])
        text = years[year][1].replace("市市场监督管理(", "市市场监督管理局(")  # 2026–2030 print “管理 (”
        assert squeeze(m.quote) in text and m.quote.startswith(m.code.split(".")[1] + "."), m.code
        following = measures[i + 1] if i + 1 < len(measures) else None
        block = (m.section, m.lead, m.responsible)
        if following is not None and (following.section, following.lead, following.responsible) == block:
            continue
        units = (m.lead or "") + ("".join(m.responsible) or "/")
        pattern = re.escape(squeeze(m.quote)) + "[;。]" + re.escape(units) + r"(?=碳计量|\d+\.|$)"
        assert re.search(pattern, text), (m.code, units)


@pytest.mark.parametrize(
    ("series", "values"),
    [
        ("calibration_units", {2024: 1000, 2025: 1200, 2026: 1500, 2027: 2000, 2028: 2000, 2029: 4000, 2030: 5000}),
        ("test_batches", {2024: 100, 2025: 120, 2026: 150, 2027: 200, 2028: 300, 2029: 400, 2030: 500}),
        ("training", {2024: 50, 2025: 50, 2026: 50, 2027: 100, 2028: 100, 2029: 100, 2030: 50}),
        ("new_standards", {2024: 4, 2025: 5, 2026: 4, 2027: 4, 2028: 3, 2029: 4, 2030: 6}),
        ("new_parameters", {2024: 42, 2025: 177, 2026: 83, 2027: 10, 2028: 10}),
        ("talent", {2024: 15, 2025: 20, 2026: 5}),
        ("standards_drafted", {2024: 6, 2025: 8, 2026: 6, 2027: 4}),
        ("specs_drafted", {2024: 6, 2025: 4, 2026: 4, 2027: 3}),
    ],
)
def test_carbon_kpi_series_one_row_per_year(series: str, values: dict[int, int]) -> None:
    rows = {
        int(code.rsplit("_", 1)[1]): t for code, t in _targets(CARBON_KPI).items() if code.rsplit("_", 1)[0] == series
    }
    assert {year: t.target_value for year, t in rows.items()} == values
    assert all(t.target_year == year and t.direction is Direction.AT_LEAST for year, t in rows.items())
    # each yearly value is quoted from that year's task of Annex 2, the task the campaign loads for the year
    measures = campaigns()[CARBON].measures
    for year, t in rows.items():
        tasks = [m for m in measures if squeeze(t.quote) in squeeze(m.quote)]
        assert tasks and all(m.due == date(year, 12, 31) for m in tasks), t.code


def test_carbon_work_targets_agree_with_the_yearly_drafting() -> None:
    """§3: ≥ 20 standards and specifications by 2025 and ≥ 40 by 2030; Annex 2 drafts 24 by 2025 and 41 by 2027."""
    targets = _targets(CARBON_KPI)
    drafted = {
        year: sum(
            t.target_value or 0
            for c, t in targets.items()
            if c.startswith(("standards_drafted", "specs_drafted")) and t.target_year <= year
        )
        for year in (2025, 2030)
    }
    assert (targets["standards_specs_2025"].target_value, targets["standards_specs_2030"].target_value) == (20, 40)
    assert drafted == {2025: 24, 2030: 41}
    assert targets["capability_items_2025"].target_value == 380
    assert targets["instrument_platform_enterprises_2025"].target_value == 10  # every instrument of 10 enterprises
    assert [m.due for m in campaigns()[CARBON].milestones] == [date(2024, 12, 31), date(2025, 12, 31)]


# 鄂府发〔2024〕63号 and 61号, 59号: units as printed after each measure


def _unit_clause(row: Measure) -> str:
    """The first “(牵头单位:…)” or “(责任单位:…)” after the measure's quote in its seed line."""
    line = _seed_line(row)
    start = line.index(squeeze(row.quote))
    found = re.compile(r"\((?:牵头|责任)单位:[^)]*\)").search(line, start)
    assert found is not None, row.code
    return found[0]


def test_quality_city_has_8_actions_of_28_measures_with_their_responsible_units() -> None:
    measures = campaigns()[QUALITY].measures
    assert list(Counter(m.code.split(".")[0] for m in measures).values()) == [3, 4, 4, 3, 3, 3, 3, 5]
    assert all(m.lead is None and m.due is None and m.responsible for m in measures)  # only 责任单位, no dates
    _needs_seeds()
    assert "8大行动,明确28条工作举措" in _seed_line(measures[0])
    for m in measures:
        assert _unit_clause(m) == "(责任单位:" + "、".join(m.responsible) + ")", m.code


@pytest.mark.parametrize(
    ("code", "direction", "value", "year"),
    [
        ("trademarks_2025", Direction.AT_LEAST, 56000, 2025),
        ("nqi_windows_2025", Direction.AT_LEAST, 10, 2025),
        ("standards_2025", Direction.AT_LEAST, 100, 2025),
        ("gi_trademarks_2026", Direction.AT_LEAST, 11, 2026),
        ("testing_centers_2026", Direction.AT_LEAST, 2, 2026),
        ("agri_monitoring_pass_rate_2027", Direction.AT_LEAST, 98, 2027),
        ("construction_acceptance_rate_2027", Direction.AT_LEAST, 100, 2027),
    ],
)
def test_quality_city_targets(code: str, direction: Direction, value: float, year: int) -> None:
    target = _targets(QUALITY_KPI)[code]
    assert (target.direction, target.target_value, target.target_year) == (direction, value, year)


def test_quality_city_equipment_investment_grows_50_percent_on_2023() -> None:
    target = _targets(QUALITY_KPI)["equipment_investment_2027"]
    assert (target.direction, target.baseline_year, target.change_percent, target.target_value) == (
        Direction.INCREASE,
        2023,
        50,
        None,
    )


@pytest.mark.parametrize(("programme", "sections"), [(AIR, [3, 4, 5, 3, 4, 2, 5, 3]), (PILOT, [3, 3, 2, 2, 2, 3, 5])])
def test_lead_and_cooperating_units_are_those_printed(programme: str, sections: list[int]) -> None:
    """Each task ends “(牵头单位:A、B,配合单位:C、D…)”: lead is the 牵头 list as printed, responsible the 配合 list (the
    pilot plan adds banners and parks after a comma; the air plan's first task adds a note after one)."""
    measures = campaigns()[programme].measures
    assert list(Counter(m.code.split(".")[0] for m in measures).values()) == sections
    assert all(m.lead for m in measures)
    _needs_seeds()
    for m in measures:
        lead, _, cooperating = _unit_clause(m)[1:-1].removeprefix("牵头单位:").partition(",配合单位:")
        printed = cooperating.replace(",", "、") if programme == PILOT else cooperating.split(",")[0]
        assert (lead, printed) == (m.lead, "、".join(m.responsible)), m.code


def test_air_quality_targets() -> None:
    targets = _targets(AIR_KPI)
    pm25 = targets["pm25"]
    assert (pm25.direction, pm25.target_value, pm25.unit, pm25.target_year) == (Direction.AT_MOST, 22, "μg/m³", 2025)
    table = [t for c, t in targets.items() if not c.startswith("task_")]
    assert len(table) == 13 and all(t.target_year == 2025 for t in table)  # the 目标体系 table, all for 2025
    assert {c: targets[c].target_value for c in ("qipanjing_pm25", "qipanjing_pm10", "mengxi_pm25", "mengxi_pm10")} == {
        "qipanjing_pm25": 25,
        "qipanjing_pm10": 81,
        "mengxi_pm25": 33,
        "mengxi_pm10": 75,
    }
    for code in ("nox_emissions", "vocs_emissions"):
        t = targets[code]
        assert (t.direction, t.baseline_year, t.change_percent) == (Direction.DECREASE, 2020, -10)
    loose_coal = {t.target_year: t.target_value for c, t in targets.items() if c.startswith("task_3_4_loose_coal")}
    assert loose_coal == {2025: 30, 2026: 60, 2027: 100}


def test_air_quality_deadlines() -> None:
    measures = _measures(AIR)
    assert measures["3.2"].due == date(2025, 12, 31)  # 2025年底前 中心城区淘汰35蒸吨以下燃煤锅炉
    assert [s.due for s in measures["3.4"].milestones] == [date(2025, 12, 31)] * 2 + [
        date(2026, 12, 31),
        date(2027, 12, 31),
    ]
    assert [s.due for s in measures["6.2"].milestones] == [date(2025, 12, 31), date(2028, 12, 31)]
    assert measures["5.2"].due == date(2030, 12, 31)
    assert measures["2.1"].lead == "市发展和改革委员会、市工业和信息化局、市生态环境局"


def test_pilot_targets_add_up() -> None:
    """The yearly NOx and VOCs cuts add up to the pilot's total against 2023; efficiency rises 3, 6, 10 % on 2023."""
    targets = _targets(PILOT_KPI)
    for pollutant, total in (("nox", 923), ("vocs", 553)):
        yearly = [targets[f"{pollutant}_cut_{year}"].target_value or 0 for year in (2024, 2025, 2026)]
        assert sum(yearly) == total == targets[f"{pollutant}_cut_vs_2023_2026"].target_value
    efficiency = {targets[f"env_facility_efficiency_{y}"].change_percent for y in (2024, 2025, 2026)}
    assert efficiency == {3, 6, 10}
    assert (targets["coal_share_2026"].direction, targets["coal_share_2026"].target_value) == (Direction.AT_MOST, 87)
    assert targets["pm25_2026"].target_value == 22
    co2 = targets["co2_intensity_2026"]
    assert (co2.direction, co2.baseline_year, co2.change_percent) == (Direction.DECREASE, 2020, -17.5)
    assert [m.due.year for m in campaigns()[PILOT].milestones] == [2024, 2024, 2025, 2026, 2026]


def test_fire_rescue_benefits() -> None:
    measures = _measures(FIRE)
    assert [c for c in measures if c.startswith("2.")] == [f"2.{n}" for n in range(1, 8)]  # 七项优待措施
    assert all(m.lead is None and m.due is None and m.responsible for m in measures.values())
    assert "各医疗机构" in measures["2.3"].responsible
    assert campaigns()[FIRE].doc_no == "杭政办发〔2024〕32号"

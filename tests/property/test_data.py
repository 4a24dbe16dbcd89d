"""The property-service programme files (property/data): every row's quote and every task's text are in their seed
lines, the targets and rules carry the numbers the plans give, and a bad file is refused naming the field."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.seeds import assert_quoted, cited_text, squeeze
from yingji.core.errors import NotFound, PlanInvalid
from yingji.ledger.schema import Cited
from yingji.property.schema import (
    DATA,
    ComplaintRoute,
    ContractFiling,
    Disclosure,
    ListRule,
    PartyRule,
    Programme,
    Recurring,
    Rule,
    Target,
    Task,
    all_programmes,
    load,
    load_file,
)
from yingji.rules.kpi import Direction

BAOTOU = "baotou-property-2025"
DONGSHENG = "dongsheng-property-2024"
CITED = [row for programme in all_programmes().values() for row in programme.citations()]
TASKS = [(f"{p.id}/task/{t.code}", t) for p in all_programmes().values() for t in p.tasks]


def _rule(programme: str, rule_id: str) -> Rule:
    [rule] = [r for r in load(programme).rules if r.id == rule_id]
    return rule


def test_every_file_loads_and_is_found_by_its_id() -> None:
    programmes = all_programmes()
    assert set(programmes) == {p.stem for p in DATA.glob("*.yaml")} == {BAOTOU, DONGSHENG}
    assert all(load(key) is programme for key, programme in programmes.items())
    assert (load(BAOTOU).division_code, load(BAOTOU).years) == ("150200", [2025, 2026, 2027])
    assert (load(DONGSHENG).division_code, load(DONGSHENG).years) == ("150602", [2024, 2025, 2026])
    assert (load(BAOTOU).doc_no, load(DONGSHENG).doc_no) == ("包府办发〔2025〕59号", "东政发〔2024〕18号")
    assert (load(BAOTOU).issued, load(DONGSHENG).issued) == (None, date(2024, 4, 19))


def test_an_unknown_programme_is_not_found() -> None:
    with pytest.raises(NotFound):
        load("hohhot-property-2030")


@pytest.mark.parametrize("row", [row for _, row in CITED], ids=[name for name, _ in CITED])
def test_the_quote_is_in_the_cited_seed_lines(row: Cited) -> None:
    assert_quoted(row.seed, row.quote)


@pytest.mark.parametrize("task", [task for _, task in TASKS], ids=[name for name, _ in TASKS])
def test_the_task_text_is_verbatim_in_its_lines(task: Task) -> None:
    cited = cited_text(task.seed)
    assert squeeze(task.title) in cited and squeeze(task.text) in cited, task.seed


def _expected_rows(p: Programme) -> int:
    rows = 1 + len(p.phases) + len(p.targets) + sum(len(t.values) for t in p.targets) + len(p.tasks)
    rows += len(p.rules) + sum(len(r.items) for r in p.rules if isinstance(r, Disclosure)) + len(p.ambiguities)
    if p.survey is not None:
        rows += 2 + len(p.survey.header) + len(p.survey.columns) + (p.survey.totals_row is not None)
    return rows


def test_the_rows_checked_are_all_the_rows() -> None:
    assert len(CITED) == sum(_expected_rows(p) for p in all_programmes().values())
    assert len({name for name, _ in CITED}) == len(CITED)


Goal = float | str  # a number, or "full" (全覆盖 / 应建尽建)
F = "full"

# (programme, target id, measure as "numerator/denominator" for a share or "count:of", yearly goals)
TARGETS: list[tuple[str, str, str, dict[int, Goal]]] = [
    (BAOTOU, "committee_rate", "compounds_with_committee/eligible_compounds", {2025: 95, 2026: 96, 2027: F}),
    (BAOTOU, "professional_coverage", "professionally_managed_compounds/compounds", {2025: 80, 2026: 82, 2027: 90}),
    (
        BAOTOU,
        "new_compound_professional_coverage",
        "professionally_managed_new_compounds/new_compounds",
        {2025: 100, 2026: 100, 2027: 100},
    ),
    (BAOTOU, "aa_companies", "count:aa_or_above_companies", {2025: 10, 2026: 12, 2027: 14}),
    (BAOTOU, "property_management_coverage", "compounds_with_property_service/compounds", {2025: F, 2026: F, 2027: F}),
    (BAOTOU, "district_party_committees", "count:counties_with_industry_party_committee", {2025: 3}),
    (
        BAOTOU,
        "district_party_committee_coverage",
        "counties_with_industry_party_committee/counties",
        {2026: F, 2027: F},
    ),
    (BAOTOU, "grade_two_projects", "count:grade_two_or_above_projects", {2025: 60}),
    (BAOTOU, "region_excellent_projects", "count:region_excellent_projects", {2025: 36}),
    (BAOTOU, "pre_job_training_rate", "staff_pre_job_trained/staff", {2025: 100, 2026: 100, 2027: 100}),
    (
        BAOTOU,
        "continuing_education_rate",
        "professional_post_staff_continuing_educated/professional_post_staff",
        {2025: 70, 2026: 75, 2027: 80},
    ),
    (BAOTOU, "old_compound_coverage", "old_compounds_with_property_service/old_compounds", {2027: F}),
    (DONGSHENG, "committee_rate", "compounds_with_committee/compounds", {2024: 80, 2025: 95, 2026: 98}),
    (DONGSHENG, "red_property_compounds", "count:red_property_compounds", {2024: 100, 2025: 200, 2026: 300}),
    (DONGSHENG, "property_service_coverage", "compounds_with_property_service/compounds", {2024: F}),
]


def _measure(target: Target) -> str:
    m = target.measure
    return f"{m.numerator}/{m.denominator}" if m.kind == "share" else f"count:{m.of}"


@pytest.mark.parametrize(
    ("programme", "target_id", "measure", "goals"), TARGETS, ids=[f"{p}/{t}" for p, t, _, _ in TARGETS]
)
def test_target_numbers(programme: str, target_id: str, measure: str, goals: dict[int, Goal]) -> None:
    [target] = [t for t in load(programme).targets if t.id == target_id]
    assert _measure(target) == measure
    assert (target.unit == "%") == (target.measure.kind == "share")
    assert target.direction is Direction.AT_LEAST
    assert {v.year: F if v.full else v.value for v in target.values} == goals


def test_every_target_is_in_the_table() -> None:
    listed = {(p, t) for p, t, _, _ in TARGETS}
    assert {(p.id, t.id) for p in all_programmes().values() for t in p.targets} == listed


def test_baotou_party_committee_coverage_names_five_districts_in_2026_and_all_in_2027() -> None:
    [target] = [t for t in load(BAOTOU).targets if t.id == "district_party_committee_coverage"]
    assert [(v.year, v.full, v.within) for v in target.values] == [
        (2026, True, ["昆区", "青山区", "东河区", "九原区", "稀土高新区"]),
        (2027, True, []),
    ]


def test_baotou_has_31_tasks_numbered_1_to_31_each_with_responsible_units() -> None:
    tasks = load(BAOTOU).tasks
    assert [t.code for t in tasks] == [str(n) for n in range(1, 32)]
    assert all(t.responsible and t.lead is None for t in tasks)
    assert {t.section for t in tasks} == {
        "加强党建引领，构建联动体系",
        "完善法治体系，规范管理机制",
        "构建市场机制，实现质价匹配",
        "加强服务监管，提升服务效能",
        "聚焦民生痛点，改善居住品质",
        "推动技术赋能，促进智慧发展",
    }
    by_code = {t.code: t for t in tasks}
    assert by_code["8"].responsible == ["市财政局", "市住建局", "市审计局"]
    assert "市市场监管局" in by_code["9"].responsible
    assert [t.code for t in tasks if t.due] == ["13"] and by_code["13"].due == date(2027, 12, 31)


def test_dongsheng_tasks_by_section() -> None:
    tasks = load(DONGSHENG).tasks
    per_section = [sum(t.code.startswith(f"{s}.") for t in tasks) for s in range(1, 8)]
    assert per_section == [3, 8, 6, 6, 3, 3, 1] and len(tasks) == 30
    assert all(t.responsible and t.lead is None for t in tasks)
    by_code = {t.code: t for t in tasks}
    assert by_code["2.5"].due == date(2024, 12, 31) and by_code["2.5"].responsible == ["区住房保障综合服务中心"]
    assert by_code["2.2"].responsible[0] == "区行政审批和政务服务局"


ROUTES = [
    (BAOTOU, "mediation_community", ["community"], "simple", None),
    (BAOTOU, "mediation_street", ["street"], "complex", None),
    (BAOTOU, "mediation_county", ["county"], "major_or_difficult", None),
    (DONGSHENG, "route_local", ["street", "community"], "street_or_community", None),
    (DONGSHENG, "route_department", ["department"], "functional_department", "区政务服务局"),
    (DONGSHENG, "route_district", ["county"], "hard_to_resolve", None),
]


@pytest.mark.parametrize(("programme", "rule_id", "levels", "remit", "dispatcher"), ROUTES)
def test_complaint_routing_by_remit(
    programme: str, rule_id: str, levels: list[str], remit: str, dispatcher: str | None
) -> None:
    rule = _rule(programme, rule_id)
    assert isinstance(rule, ComplaintRoute)
    assert (rule.levels, rule.remit, rule.dispatcher) == (levels, remit, dispatcher)
    assert rule.response_hours is None and rule.completion_days is None  # the seeds give no figures
    if rule.dispatcher:
        assert rule.mechanism == "接诉即办"


def test_no_time_limit_is_invented() -> None:
    for programme in all_programmes().values():
        for rule in programme.rules:
            assert getattr(rule, "response_hours", None) is None and getattr(rule, "completion_days", None) is None
        noted = {a for amb in programme.ambiguities for a in amb.about}
        routes = {f"rule:{r.id}" for r in programme.rules if isinstance(r, ComplaintRoute)}
        assert routes <= noted, programme.id


def test_dongsheng_contract_filing_is_due_by_the_end_of_2024() -> None:
    rule = _rule(DONGSHENG, "contract_filing_2024")
    assert isinstance(rule, ContractFiling)
    assert (rule.deadline, rule.filed_with, rule.documents) == (
        date(2024, 12, 31),
        "区住房保障综合服务中心",
        ["物业服务合同"],
    )
    baotou = _rule(BAOTOU, "contract_filing")
    assert isinstance(baotou, ContractFiling) and baotou.deadline is None and baotou.performance_publicity


@pytest.mark.parametrize(
    ("programme", "rule_id", "activity", "cadence", "min_times"),
    [
        (DONGSHENG, "joint_inspection", "joint_inspection", "quarterly", 1),
        (DONGSHENG, "joint_meeting", "joint_meeting", "quarterly", 1),
        (DONGSHENG, "emergency_drill", "emergency_drill", "yearly", 1),
        (BAOTOU, "complaint_analysis", "complaint_analysis", "monthly", 1),
        (BAOTOU, "old_compound_monitoring", "coverage_monitoring", "monthly", 1),
        (BAOTOU, "committee_training", "committee_training", "yearly", 2),
    ],
)
def test_recurring_obligations(programme: str, rule_id: str, activity: str, cadence: str, min_times: int) -> None:
    rule = _rule(programme, rule_id)
    assert isinstance(rule, Recurring)
    assert (rule.activity, rule.cadence, rule.min_times) == (activity, cadence, min_times)


def test_dongsheng_list_rules() -> None:
    black = _rule(DONGSHENG, "black_list_two_years")
    assert isinstance(black, ListRule)
    assert (black.roster, black.when, black.consecutive_years) == ("black", "black_listed", 2)
    assert black.then == ["key_rectification", "no_awards", "media_exposure"]
    red = _rule(DONGSHENG, "red_list_reward")
    assert isinstance(red, ListRule)
    assert (red.roster, red.when, red.then) == (
        "red",
        "excellent_or_high_credit_or_red_listed",
        ["reward_in_lieu_of_subsidy"],
    )
    fund = _rule(DONGSHENG, "reward_fund")
    assert (getattr(fund, "yuan_per_year", None), getattr(fund, "consecutive_years", None)) == (3_000_000, 3)


def test_baotou_black_list_and_credit_grade() -> None:
    black = _rule(BAOTOU, "black_list")
    assert isinstance(black, ListRule) and (black.when, black.then) == ("seriously_dishonest", ["black_list"])
    grade = _rule(BAOTOU, "credit_grade_aa")
    assert (getattr(grade, "grade", None), getattr(grade, "or_above", None)) == ("AA", True)


def test_party_rules() -> None:
    branch = _rule(DONGSHENG, "party_branch")
    assert isinstance(branch, PartyRule)
    assert (branch.subject, branch.requires, branch.min_party_members) == ("company", "party_branch", 3)
    share = _rule(BAOTOU, "committee_party_share")
    assert isinstance(share, PartyRule) and (share.min_share_percent, share.strive) == (50, True)


def test_baotou_12_plus_n_disclosure_and_public_income() -> None:
    disclosure = _rule(BAOTOU, "disclosure_12n")
    assert isinstance(disclosure, Disclosure)
    assert disclosure.core_categories == 12 and disclosure.open_ended
    assert [i.label for i in disclosure.items] == ["网格员联系方式", "城管联系方式", "公安联系方式", "养老", "垃圾清运"]
    assert not any(i.core for i in disclosure.items)
    income = _rule(BAOTOU, "public_income_account")
    assert getattr(income, "separate_account", None) is True


def test_dongsheng_survey_form() -> None:
    survey = load(DONGSHENG).survey
    assert survey is not None and load(BAOTOU).survey is None
    assert [(f.key, f.type) for f in survey.columns] == [
        ("seq", "int"),
        ("street", "text"),
        ("community", "text"),
        ("compound_name", "text"),
        ("buildings", "int"),
        ("households", "int"),
        ("area", "decimal"),
        ("built", "int"),
        ("management_status", "choice"),
        ("company_name", "text"),
        ("committee_members", "int"),
        ("committee_party_members", "int"),
        ("fee_standard", "decimal"),
        ("collection_rate", "decimal"),
    ]
    [status] = [f for f in survey.columns if f.key == "management_status"]
    assert status.choices == ["专业化物业管理", "准物业管理", "无物业"]
    assert [f.label for f in survey.header] == ["填报单位", "联系人", "电话"]
    assert (survey.policy.may_add, survey.policy.may_remove) == (True, False)
    assert survey.totals_row is not None and survey.totals_row.label == "合计"


def _write(tmp_path: Path, name: str, change: Any) -> Path:
    raw = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _duplicate_target(raw: dict[str, Any]) -> None:
    raw["targets"][1]["id"] = raw["targets"][0]["id"]


def _descending_years(raw: dict[str, Any]) -> None:
    raw["years"] = [2025, 2027, 2026]


def _descending_values(raw: dict[str, Any]) -> None:
    raw["targets"][2]["values"].reverse()


def _fractional_count(raw: dict[str, Any]) -> None:
    [aa] = [t for t in raw["targets"] if t["id"] == "aa_companies"]
    aa["values"][0]["value"] = 10.5


def _textual_value(raw: dict[str, Any]) -> None:
    [aa] = [t for t in raw["targets"] if t["id"] == "aa_companies"]
    aa["values"][0]["value"] = "10"


def _year_outside(raw: dict[str, Any]) -> None:
    raw["targets"][0]["values"][0]["year"] = 2024


def _unknown_reference(raw: dict[str, Any]) -> None:
    raw["ambiguities"][0]["about"] = ["target:no_such_target"]


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (_duplicate_target, "targets", "指标「district_party_committees」重复"),
        (_descending_years, "years", "年份须严格递增"),
        (_descending_values, "targets[2].values", "年份须严格递增"),
        (_fractional_count, "targets[8]", "计数须为整数"),
        (_textual_value, "targets[8].values[0].value", "valid number"),
        (_year_outside, "(根)", "不在方案年份"),
        (_unknown_reference, "(根)", "target:no_such_target"),
    ],
)
def test_a_bad_file_is_refused_naming_the_field(tmp_path: Path, change: Any, field: str, problem: str) -> None:
    with pytest.raises(PlanInvalid) as caught:
        load_file(_write(tmp_path, BAOTOU, change))
    assert caught.value.field == field
    details = caught.value.params["details"]
    assert isinstance(details, list) and problem in details[0]["problem"]
    assert BAOTOU in caught.value.render()


def test_a_file_whose_id_is_not_its_name_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, DONGSHENG, lambda raw: None).rename(tmp_path / "renamed.yaml")
    with pytest.raises(PlanInvalid) as caught:
        load_file(path)
    assert caught.value.field == "id"


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(PlanInvalid, match="plan_invalid"):
        load_file(path)

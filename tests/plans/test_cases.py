"""Run every seed-cited case in tests/plans/cases/*.yaml through the rule core (format: cases/README.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from yingji.plans.loader import all_plans
from yingji.plans.schema import Plan
from yingji.rules.facts import AccidentFacts
from yingji.rules.grading import grade_accident
from yingji.rules.levels import Condition, Grade, WarningLevel
from yingji.rules.meteorological import hazard_level_allowed, network_sms_required, signer_for
from yingji.rules.reporting import release_authority, report_deadlines
from yingji.rules.response import response_level
from yingji.rules.warning_levels import issuer_for

CASES_DIR = Path(__file__).parent / "cases"


def load_cases(section: str) -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for case in data.get(section, []):
            params.append(pytest.param(path.stem, case, id=f"{path.stem}:{case['id']}"))
    return params


def plan_of(plan_id: str) -> Plan:
    return all_plans()[plan_id]


def facts_of(raw: dict[str, Any]) -> AccidentFacts:
    values = {
        k: raw.get(k, 0) for k in ("deaths", "serious_injuries", "direct_loss_yuan", "missing", "trapped", "endangered")
    }
    impact = raw.get("social_impact")
    return AccidentFacts(
        **values,
        social_impact=None if impact is None else Grade(impact),
        conditions=frozenset(Condition(c) for c in raw.get("conditions", [])),
    )


def seeds(decision_basis: tuple[Any, ...]) -> set[str]:
    return {b.seed for b in decision_basis}


def test_every_case_file_names_a_bundled_plan() -> None:
    assert sorted(p.stem for p in CASES_DIR.glob("*.yaml")) == sorted(all_plans())


@pytest.mark.parametrize(("plan_id", "case"), load_cases("grading"))
def test_grading_case(plan_id: str, case: dict[str, Any]) -> None:
    plan = plan_of(plan_id)
    assert plan.grading is not None
    decision = grade_accident(plan.grading, facts_of(case["facts"]), plan_id=plan_id)
    assert decision.value == Grade(case["grade"])
    assert case["seed"] in seeds(decision.basis)


@pytest.mark.parametrize(("plan_id", "case"), load_cases("response"))
def test_response_case(plan_id: str, case: dict[str, Any]) -> None:
    plan = plan_of(plan_id)
    assert plan.grading is not None
    facts = facts_of(case["facts"])
    grade = grade_accident(plan.grading, facts, plan_id=plan_id)
    decision = response_level(plan.response, grade, facts, plan_id=plan_id)
    if case["level"] is None:
        assert decision.value is None
        return
    assert decision.value is not None
    assert decision.value.level == case["level"]
    if "decided_by" in case:
        assert decision.value.decided_by.body == case["decided_by"]
    assert case["seed"] in seeds(decision.basis)


@pytest.mark.parametrize(("plan_id", "case"), load_cases("warning"))
def test_warning_case(plan_id: str, case: dict[str, Any]) -> None:
    plan = plan_of(plan_id)
    assert plan.warning is not None
    decision = issuer_for(plan.warning, WarningLevel(case["level"]), plan_id=plan_id)
    assert decision.value is not None
    assert set(case["issuers"]) <= set(decision.value)
    assert case["seed"] in seeds(decision.basis)


@pytest.mark.parametrize(("plan_id", "case"), load_cases("release"))
def test_release_case(plan_id: str, case: dict[str, Any]) -> None:
    plan = plan_of(plan_id)
    assert plan.public_release is not None
    decision = release_authority(
        plan.public_release, Grade(case["grade"]), sensitive=case["sensitive"], plan_id=plan_id
    )
    assert decision.value == case["body"]
    assert case["seed"] in seeds(decision.basis)


@pytest.mark.parametrize(("plan_id", "case"), load_cases("reporting"))
def test_reporting_case(plan_id: str, case: dict[str, Any]) -> None:
    plan = plan_of(plan_id)
    assert plan.reporting is not None
    decision = report_deadlines(plan.reporting, Grade(case["grade"]), plan_id=plan_id)
    matching = [
        d
        for d in decision.value
        if d.from_body == case["from"]
        and case["to"] in d.to
        and d.within_minutes == case["within_minutes"]
        and d.form.value == case.get("form", d.form.value)
    ]
    assert matching, f"no hop {case['from']} → {case['to']} within {case['within_minutes']}"
    assert case["seed"] in {d.basis.seed for d in matching}


@pytest.mark.parametrize(("plan_id", "case"), load_cases("hazard_levels"))
def test_hazard_level_case(plan_id: str, case: dict[str, Any]) -> None:
    weather = plan_of(plan_id).meteorological
    assert weather is not None
    for level in case.get("allowed", []):
        decision = hazard_level_allowed(weather, case["hazard"], WarningLevel(level), plan_id=plan_id)
        assert decision.value is True
        assert case["seed"] in seeds(decision.basis)
    for level in case.get("rejected", []):
        assert hazard_level_allowed(weather, case["hazard"], WarningLevel(level), plan_id=plan_id).value is False


@pytest.mark.parametrize(("plan_id", "case"), load_cases("signing"))
def test_signing_case(plan_id: str, case: dict[str, Any]) -> None:
    weather = plan_of(plan_id).meteorological
    assert weather is not None
    decision = signer_for(weather, WarningLevel(case["level"]), plan_id=plan_id)
    assert decision.value == case["signed_by"]
    assert case["seed"] in seeds(decision.basis)


@pytest.mark.parametrize(("plan_id", "case"), load_cases("sms"))
def test_sms_case(plan_id: str, case: dict[str, Any]) -> None:
    weather = plan_of(plan_id).meteorological
    assert weather is not None
    decision = network_sms_required(weather, case["hazard"], plan_id=plan_id)
    assert decision.value is case["required"]
    if case["required"]:
        assert case["seed"] in seeds(decision.basis)

"""Plan files: every bundled plan validates and cites real seed lines; malformed plans fail naming the field."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import seeds
from yingji.core.errors import PlanInvalid
from yingji.plans import citations, loader
from yingji.plans.loader import all_plans, parse_plan

REFERENCE = loader.DATA_DIR / "baotou-noncoal-2025.yaml"


@pytest.fixture
def raw() -> dict[str, Any]:
    data = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_six_real_plans_are_bundled() -> None:
    assert sorted(all_plans()) == [
        "baotou-coal-2025",
        "baotou-noncoal-2025",
        "dongsheng-2024",
        "ordos-industry-trade-2024",
        "ordos-noncoal-2024",
        "ordos-weather-2024",
    ]


@pytest.mark.parametrize("plan_id", sorted(all_plans()))
def test_every_citation_points_at_a_line_holding_its_quote(plan_id: str) -> None:
    seeds_dir = seeds.seeds_dir()
    plan = all_plans()[plan_id]
    assert plan.seed_refs(), "a plan without citations cannot be checked"
    assert citations.problems(plan, seeds_dir) == []


def test_citation_check_catches_a_wrong_line(raw: dict[str, Any], tmp_path: Path) -> None:
    seeds_dir = seeds.seeds_dir()
    raw["grading"]["ordinary"]["seed"] = "000#L1"
    bad = citations.problems(parse_plan(raw, source="test"), seeds_dir)
    assert bad == ["000#L1：该行不含摘录「造成或可能造成3人以下死亡」"]


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return apply


def _reverse_bands(data: dict[str, Any]) -> None:
    data["grading"]["bands"].reverse()


def _break_chain(data: dict[str, Any]) -> None:
    data["reporting"]["steps"][2]["from"] = "不存在的机关"


def _drop_level(data: dict[str, Any]) -> None:
    del data["response"]["levels"][1]


def _unknown_group_member(data: dict[str, Any]) -> None:
    data["onsite_command"]["working_groups"][0]["members"].append("某某局")


MUTATIONS = [
    pytest.param(_set(["surprise"], 1), "surprise", id="unknown top-level field"),
    pytest.param(_set(["metadata", "jurisdiction"], "1502"), "metadata.jurisdiction", id="division code"),
    pytest.param(_set(["grading", "ordinary", "seed"], "000-713"), "grading.ordinary.seed", id="seed format"),
    pytest.param(_reverse_bands, "grading", id="band order"),
    pytest.param(
        _set(["grading", "bands", 0, "criteria", 0, "at_least"], 2), "grading", id="thresholds not decreasing"
    ),
    pytest.param(
        _set(["grading", "bands", 1, "criteria", 3, "at_least"], 5), "grading.bands[1].criteria[3]", id="social+count"
    ),
    pytest.param(_drop_level, "response", id="levels not contiguous"),
    pytest.param(
        _set(["response", "levels", 2, "decided_by"], {"body": "x"}), "response.levels[2].decided_by", id="decider"
    ),
    pytest.param(_set(["response", "levels", 0, "triggers", 0, "kind"], "moon_phase"), "triggers[0].kind", id="kind"),
    pytest.param(_break_chain, "reporting", id="broken reporting chain"),
    pytest.param(_set(["reporting", "steps", 1, "timing"], "immediately"), "reporting.steps[1]", id="timing"),
    pytest.param(_set(["warning", "levels", 0, "level"], 4), "warning", id="duplicate warning level"),
    pytest.param(_unknown_group_member, "(根)", id="group names a non-member"),
    pytest.param(_set(["grading"], None), "(根)", id="accident plan without grading"),
]


@pytest.mark.parametrize(("mutate", "field"), MUTATIONS)
def test_malformed_plan_names_the_field(
    raw: dict[str, Any], mutate: Callable[[dict[str, Any]], None], field: str
) -> None:
    data = copy.deepcopy(raw)
    mutate(data)
    with pytest.raises(PlanInvalid) as caught:
        parse_plan(data, source="test.yaml")
    details = caught.value.params["details"]
    assert isinstance(details, list)
    assert any(field in d["field"] for d in details), details
    assert all(d["problem"] for d in details)


def test_plan_file_id_must_match_its_name(raw: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "other-name.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    plan = loader.load_plan(path)
    assert plan.id == "baotou-noncoal-2025" != path.stem


def test_yaml_syntax_error_is_a_plan_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(PlanInvalid):
        loader.load_plan(path)

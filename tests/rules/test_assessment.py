"""assess(): scope (适用范围) and the composed answer."""

from __future__ import annotations

import pytest

from yingji.core.errors import NotApplicable
from yingji.plans.loader import all_plans
from yingji.rules.assessment import assess
from yingji.rules.facts import AccidentFacts
from yingji.rules.levels import Condition


@pytest.mark.parametrize(
    ("plan_id", "facts", "in_scope"),
    [
        # Baotou non-coal 1.3: 较大以上 (000#L384) … and 涉险事故 (000#L392)
        ("baotou-noncoal-2025", AccidentFacts(deaths=1, serious_injuries=0, direct_loss_yuan=0), False),
        ("baotou-noncoal-2025", AccidentFacts(deaths=3, serious_injuries=0, direct_loss_yuan=0), True),
        ("baotou-noncoal-2025", AccidentFacts(endangered=1), True),
        (
            "baotou-noncoal-2025",
            AccidentFacts(conditions=frozenset({Condition.BEYOND_COUNTY_CAPACITY})),
            True,
        ),
        # Ordos industry: 3 trapped reaches 二级 by its response clause, so the city plan applies (003#L12).
        ("ordos-industry-trade-2024", AccidentFacts(trapped=3), True),
        ("ordos-industry-trade-2024", AccidentFacts(trapped=2), False),
        # Dongsheng covers 一般 accidents in the district.
        ("dongsheng-2024", AccidentFacts(deaths=1, serious_injuries=0, direct_loss_yuan=0), True),
    ],
)
def test_scope(plan_id: str, facts: AccidentFacts, in_scope: bool) -> None:
    assert assess(all_plans()[plan_id], facts).in_scope is in_scope


def test_weather_plan_does_not_grade_accidents() -> None:
    with pytest.raises(NotApplicable):
        assess(all_plans()["ordos-weather-2024"], AccidentFacts())


def test_basis_lists_each_citation_once() -> None:
    result = assess(all_plans()["baotou-noncoal-2025"], AccidentFacts(deaths=3, serious_injuries=0))
    keys = [(b.rule, b.clause, b.seed, b.quote) for b in result.basis]
    assert len(keys) == len(set(keys))
    assert result.evaluation_report_days == 30

"""Throughput of the rule core: full cited assessments per second, against a bare Decree-493 grading baseline.

Run: .venv/bin/python -m bench.assess_throughput [--seconds 2]
The baseline is the cheapest correct answer to one question (the grade, no basis, no plan); the ratio shows what
plan data, citations, response, reporting and release cost on top. A duty officer needs one answer in well under a
millisecond for the console to list hundreds of incidents live.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from yingji.plans.loader import all_plans
from yingji.plans.schema import Grading, Plan
from yingji.rules.assessment import assess
from yingji.rules.facts import AccidentFacts
from yingji.rules.grading import grade_accident


def baseline_grade(deaths: int, injuries: int, loss: int) -> int:
    """Decree 493 第三条 with nothing else: the floor any implementation pays."""
    if deaths >= 30 or injuries >= 100 or loss >= 100_000_000:
        return 1
    if deaths >= 10 or injuries >= 50 or loss >= 50_000_000:
        return 2
    if deaths >= 3 or injuries >= 10 or loss >= 10_000_000:
        return 3
    return 4


def sample(count: int) -> list[AccidentFacts]:
    rng = random.Random(2026)
    return [
        AccidentFacts(
            deaths=rng.randint(0, 40),
            serious_injuries=rng.randint(0, 120),
            direct_loss_yuan=rng.randint(0, 150_000_000),
            trapped=rng.randint(0, 15),
        )
        for _ in range(count)
    ]


def rate(work: Callable[[AccidentFacts], object], facts: list[AccidentFacts], seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for item in facts:
            work(item)
        done += len(facts)
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    facts = sample(1000)
    plans = [p for p in all_plans().values() if p.grading is not None]

    def baseline(f: AccidentFacts) -> object:
        return baseline_grade(f.deaths or 0, f.serious_injuries or 0, f.direct_loss_yuan or 0)

    base = rate(baseline, facts, args.seconds)
    print(f"baseline  (bare Decree 493 grade)      {base:>12,.0f} /s")
    for plan in plans:
        assert plan.grading is not None
        grading = plan.grading

        def graded(f: AccidentFacts, grading: Grading = grading, plan_id: str = plan.id) -> object:
            return grade_accident(grading, f, plan_id=plan_id)

        def full(f: AccidentFacts, plan: Plan = plan) -> object:
            return assess(plan, f)

        g, a = rate(graded, facts, args.seconds), rate(full, facts, args.seconds)
        print(f"{plan.id:<26} grade {g:>10,.0f} /s ({g / base:.2f}x)   full {a:>9,.0f} /s ({a / base:.3f}x)")


if __name__ == "__main__":
    main()

"""Hypothesis strategies for rule inputs."""

from __future__ import annotations

from hypothesis import strategies as st

from yingji.rules.facts import AccidentFacts
from yingji.rules.levels import Condition, Grade

counts = st.integers(min_value=0, max_value=200)
losses = st.integers(min_value=0, max_value=300_000_000)
grades = st.sampled_from(list(Grade))
conditions = st.frozensets(st.sampled_from(list(Condition)))


@st.composite
def known_facts(draw: st.DrawFn) -> AccidentFacts:
    return AccidentFacts(
        deaths=draw(counts),
        serious_injuries=draw(counts),
        direct_loss_yuan=draw(losses),
        missing=draw(counts),
        trapped=draw(counts),
        endangered=draw(counts),
        social_impact=draw(st.none() | grades),
        conditions=draw(conditions),
    )


@st.composite
def worse_facts(draw: st.DrawFn, base: AccidentFacts) -> AccidentFacts:
    """Return facts at least as harmful as ``base`` in every dimension."""

    def more(value: int | None, top: int) -> int:
        assert value is not None
        return value + draw(st.integers(min_value=0, max_value=top))

    impact = base.social_impact
    if draw(st.booleans()):
        impact = draw(grades) if impact is None else Grade(draw(st.integers(min_value=1, max_value=int(impact))))
    return AccidentFacts(
        deaths=more(base.deaths, 40),
        serious_injuries=more(base.serious_injuries, 120),
        direct_loss_yuan=more(base.direct_loss_yuan, 150_000_000),
        missing=more(base.missing, 40),
        trapped=more(base.trapped, 40),
        endangered=more(base.endangered, 40),
        social_impact=impact,
        conditions=base.conditions | draw(conditions),
    )

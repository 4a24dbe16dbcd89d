"""The programme data files (programmes/data/*.yaml, programmes/rehab.yaml): every cited figure's quote is in its seed
lines, and the figures the platform enforces are the ones the seeds give."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.seeds import assert_quoted, walk
from yingji.programmes.schema import programme, programmes, rehab_rules


def _cited(node: object) -> bool:
    return isinstance(getattr(node, "seed", None), str) and isinstance(getattr(node, "quote", None), str)


CITED = [row for p in programmes().values() for row in walk(p, p.id, _cited)] + walk(
    rehab_rules(), rehab_rules().id, _cited
)


@pytest.mark.parametrize("row", [r for _, r in CITED], ids=[name for name, _ in CITED])
def test_the_quote_is_in_the_cited_seed_lines(row: Any) -> None:
    assert_quoted(row.seed, row.quote)


def test_the_award_figures() -> None:
    award = programme("baotou-quality-award")
    assert award.max_awards is not None and award.max_awards.count == 5 and award.max_awards.vacancy_allowed
    assert award.reapply_gap_rounds is not None and award.reapply_gap_rounds.count == 3
    timers = [(s.code, s.timer.days, s.timer.unit) for s in award.stages if s.timer]
    assert timers == [
        ("internal_publicity", 5, "working"),
        ("qualification_publicity", 5, "working"),
        ("award_publicity", 7, "working"),
    ]
    assert len(award.exclusions) == 6  # 第十七条 (000#L121-L133)
    assert [g.within_years for g in award.revocation] == [None, 3, 3]
    assert award.follow_up is not None and award.follow_up.years == 3


def test_the_heritage_figures() -> None:
    ich = programme("baotou-ich-bearers")
    experts, committee = ich.panel("experts"), ich.panel("committee")
    assert (experts.min_members, experts.odd, experts.draw, experts.per_category_min) == (7, True, "random", 1)
    assert [(c.category, c.min_members) for c in experts.category_minimums] == [("传统医药", 2)]
    assert committee.min_members == 5
    notice = ich.stage("publicity")
    assert notice.timer is not None and (notice.timer.days, notice.timer.unit) == (20, "calendar")
    assert (
        notice.objections is not None
        and notice.objections.reply_within_days == 30
        and notice.objections.written_real_name
    )
    assert ich.bearer is not None and [g.label for g in ich.bearer.grades] == [
        "优秀",
        "合格",
        "不合格",
        "丧失传承能力",
        "取消资格",
    ]
    assert ich.bearer.honorary_subsidy_age.value == 65 and len(ich.bearer.automatic_unqualified) == 7


def test_the_rehab_figures() -> None:
    data = rehab_rules()
    assert data.pool.term_years == 3 and len(data.pool.qualifications) == 3
    assert {m.code: m.gate for m in data.modes}["early"] == "filing"
    assert len(data.non_payable) == 5 and len(data.conditions) == 4

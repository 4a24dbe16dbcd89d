"""The hazard data files (hazards/data): checklist items marked A or B are verbatim on the regulations.md lines
they cite, one checklist per sector, and the overdue ladder parses only when it ascends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.seeds import assert_quoted
from yingji.core.errors import PlanInvalid
from yingji.hazards.schema import CriterionItem, checklist_for, checklists, ladder, parse_ladder
from yingji.registry.enums import EnterpriseSector

REGULATIONS = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "regulations.md"
ITEMS = [(c.id, i) for c in checklists().values() for i in c.items]


def _regulations() -> list[str] | None:
    return REGULATIONS.read_text(encoding="utf-8").splitlines() if REGULATIONS.exists() else None


def _cited(reference: str, lines: list[str]) -> str:
    first, _, last = reference.removeprefix("regulations.md#L").partition("-L")
    start, end = int(first), int(last or first)
    assert 1 <= start <= end <= len(lines), f"{reference}: regulations.md has {len(lines)} lines"
    return "\n".join(lines[start - 1 : end]).replace("**", "")


@pytest.mark.parametrize(
    "item", [i for _, i in ITEMS if i.confidence in ("A", "B")], ids=lambda i: f"{i.code}-{i.confidence}"
)
def test_a_and_b_items_are_verbatim_on_the_cited_lines(item: CriterionItem) -> None:
    lines = _regulations()
    if lines is None:
        pytest.skip("../shared/spec/regulations.md is not beside this checkout")
    cited = _cited(item.reference, lines)
    assert item.text in cited, cited


@pytest.mark.parametrize("checklist_id", sorted(checklists()))
def test_every_reference_is_inside_regulations_md(checklist_id: str) -> None:
    lines = _regulations()
    if lines is None:
        pytest.skip("../shared/spec/regulations.md is not beside this checkout")
    checklist = checklists()[checklist_id]
    for reference in [checklist.reference, *(i.reference for i in checklist.items)]:
        _cited(reference, lines)


def test_coal_has_the_17_categories_of_article_36() -> None:
    coal = checklists()["coal"]
    assert len(coal.items) == 17
    assert [i.code for i in coal.items] == [f"coal-{n:02d}" for n in range(1, 18)]
    assert coal.applies_to.sectors == [EnterpriseSector.COAL_MINE] and coal.in_force is not None


def test_item_codes_are_unique_across_checklists() -> None:
    codes = [i.code for _, i in ITEMS]
    assert len(set(codes)) == len(codes)


def test_each_sector_maps_to_at_most_one_checklist() -> None:
    for sector in EnterpriseSector:
        covering = [c.id for c in checklists().values() if sector in c.applies_to.sectors]
        assert len(covering) <= 1, (sector, covering)
        found = checklist_for(sector)
        assert (found.id if found else None) == (covering[0] if covering else None)
    assert checklist_for(None) is None
    assert checklist_for(EnterpriseSector.COAL_MINE) is checklists()["coal"]


def test_the_bundled_ladder_ascends() -> None:
    steps = ladder()
    assert steps and [s.after_days for s in steps] == sorted({s.after_days for s in steps})
    # the seed's measures in the seed's order: 函告、通报、约谈、曝光 (004#L734-L736; the same order at 004#L5937)
    assert [(s.action, s.label) for s in steps] == [
        ("letter", "函告"),
        ("circular", "通报"),
        ("summons", "约谈"),
        ("exposure", "曝光"),
    ]
    assert all(s.seed and s.seed.startswith("004#L734") for s in steps)
    assert all(s.days_seed is None for s in steps)  # the seed sets no day counts: platform defaults


@pytest.mark.parametrize(
    ("ref", "quote"),
    [
        ("004#L734-L736", "函告、通报、约谈、曝光"),  # the master plan's order
        ("004#L5937", "函告、通报、约谈、曝光"),  # the industry-and-trade / non-coal sub-plan: the same order
        ("004#L4254", "一般隐患原则上一周内完成整改"),
        ("004#L746-L750", "通知到相关生产经营单位的主要负责人、实际控制人"),
    ],
)
def test_the_seed_says_so(ref: str, quote: str) -> None:
    assert_quoted(ref, quote)


def _step(action: str, days: int) -> dict[str, Any]:
    return {"action": action, "label": f"{action} 级", "after_days": days}


def test_a_valid_ladder_parses() -> None:
    steps = parse_ladder([_step("reminder", 0), _step("interview", 15)], "t.yaml")
    assert [(s.action, s.after_days) for s in steps] == [("reminder", 0), ("interview", 15)]


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ([], "至少一级"),
        ([_step("reminder", 7), _step("interview", 7)], "严格递增"),
        ([_step("reminder", 15), _step("interview", 7)], "严格递增"),
        ([_step("a", 1), _step("b", 5), _step("c", 3)], "严格递增"),
        (None, "不合法"),
        ([_step("reminder", -1)], "不合法"),
        ([{"action": "reminder", "label": "提醒"}], "不合法"),
        ([_step("Reminder!", 1)], "不合法"),
    ],
    ids=["empty", "equal", "descending", "dips", "none", "negative", "no-days", "bad-action"],
)
def test_bad_ladders_are_refused(rows: object, reason: str) -> None:
    with pytest.raises(PlanInvalid) as refused:
        parse_ladder(rows, "t.yaml")
    assert reason in refused.value.render() and refused.value.field == "t.yaml"

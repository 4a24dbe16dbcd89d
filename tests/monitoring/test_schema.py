"""Threshold rules as data: the bundled file validates, and each kind of bad row is refused with its reason."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from yingji.core.errors import PlanInvalid
from yingji.monitoring.schema import ThresholdRule, default_rules, parse_rules


def _row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": "ch4-test",
        "kind": "CH4",
        "unit": "%",
        "location_class": "采煤工作面",
        "levels": [{"name": "报警", "raise_at": 1.0, "clear_at": 1.0}],
        "basis": {"source": "煤矿安全规程", "reference": "regulations.md#L224", "confidence": "B"},
    }
    row.update(changes)
    return row


def test_a_valid_row_parses() -> None:
    (rule,) = parse_rules([_row()], "t.yaml")
    assert rule.condition == "超限" and rule.power_cut_level() is None


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ({"id": "x"}, "顶层必须是规则列表"),
        ([_row(levels=[{"name": "报警", "raise_at": 1.0, "clear_at": 1.2}])], "回差方向错误"),
        ([_row(levels=[{"name": "断电", "raise_at": 1.5, "clear_at": 1.0, "power_cut": True}])], "第 1 条规则不合法"),
        (
            [_row(basis={"source": "记忆", "reference": "regulations.md#L243", "confidence": "C"}, verified=True)],
            "不合法",
        ),
        ([_row(basis={"source": "煤矿安全规程", "reference": "第498条", "confidence": "B"})], "不合法"),
        ([_row(), _row()], "规则 id 重复"),
        ([_row(), _row(id="ch4-other")], "同一种类、地点和条件只能有一条规则"),
        ([_row(unexpected=1)], "不合法"),
    ],
)
def test_bad_rows_are_refused_with_a_reason(rows: object, reason: str) -> None:
    with pytest.raises(PlanInvalid) as err:
        parse_rules(rows, "t.yaml")
    assert reason in err.value.render()


def _regulations() -> list[str] | None:
    """regulations.md beside the checkout (../shared/spec), where the rules' references point."""
    path = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "regulations.md"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else None


@pytest.mark.parametrize("rule", [r for r in default_rules() if r.power_cut_scope], ids=lambda r: r.id)
def test_power_cut_scope_is_the_cited_lines_text(rule: ThresholdRule) -> None:
    """Each methane rule's 断电范围 is the text of the regulations.md line it cites (e.g. #L232: 采煤机电源)."""
    lines = _regulations()
    if lines is None:
        pytest.skip("../shared/spec/regulations.md is not beside this checkout")
    first, _, last = rule.basis.reference.removeprefix("regulations.md#L").partition("-L")
    # the table's markdown emphasis and English asides in ASCII parentheses are not part of the scope text
    cited = re.sub(r"\s*\([^)]*\)\s*", "", "".join(lines[int(first) - 1 : int(last or first)]).replace("**", ""))
    scopes = rule.power_cut_scope.split("；") if rule.power_cut_scope else []
    assert scopes and all(scope.split("时包括")[0].removeprefix("≥1.5% ") in cited for scope in scopes), cited

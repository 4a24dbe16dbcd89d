"""The case files (subsidy_cases/data): every step quotes its seed lines, each track names every step the workflow
needs, and a broken file is refused naming the file and the YAML path."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from tests.support.seeds import assert_quoted, walk
from yingji.ledger.schema import Cited
from yingji.rules.subsidy_cases import CaseAction
from yingji.subsidy_cases import schema
from yingji.subsidy_cases.schema import CaseProgramme, Level, programmes

CITED = [row for p in programmes().values() for row in walk(p, p.programme, lambda node: isinstance(node, Cited))]


@pytest.mark.parametrize("cite", [c for _, c in CITED], ids=[name for name, _ in CITED])
def test_the_quote_is_in_the_cited_seed_lines(cite: Cited) -> None:
    assert_quoted(cite.seed, cite.quote)


def test_the_pingfang_bodies_follow_the_technical_guidance() -> None:
    p = programmes()["hangjin-pingfang-2024"]
    for track in p.tracks:
        assert track.survey.by == [Level.TOWN, Level.COUNTY]  # 锡尼镇牵头，会同旗住建局、自然资源局
        assert track.steps[CaseAction.APPLY].by == [Level.TOWN]  # 提交锡尼镇相应社区
        assert track.steps[CaseAction.APPROVE].by == [Level.COUNTY]
        assert track.steps[CaseAction.VERIFY].by == [Level.TOWN]  # 锡尼镇会同旗住建局现场核对
        assert track.steps[CaseAction.PAY].by == [Level.COUNTY]  # 旗财政局
    new = p.track("new_build")
    assert [m.id for m in new.milestones] == ["main_built", "ancillary_built", "setback_accepted"]
    assert new.start_documents == {"construction_permit": ["construction_permit"]}
    assert p.one_case_per_reference is not None and p.one_case_per_reference.seed == "004#L9206-L9208"


def test_the_licence_pays_each_subsidy_to_its_party() -> None:
    track = programmes()["baotou-tech-use-first-2025"].track("licence")
    assert {c: track.payee_key(c) for c in track.calculators} == {
        "tech-licence": "licensor",  # 补贴对象：成果许可(转让)方 (000#L2246)
        "tech-acceptance": "licensee",  # 成果被许可方(企业) (000#L2254)
        "tech-insurance": "licensee",  # (000#L2260)
    }
    assert track.steps[CaseAction.APPROVE].by == [Level.CITY]


def _broken(change: Any) -> str:
    raw = yaml.safe_load((schema.DATA / "hangjin-pingfang-2024.yaml").read_text(encoding="utf-8"))
    raw = copy.deepcopy(raw)
    change(raw)
    with pytest.raises(ValidationError) as refused:
        CaseProgramme.model_validate(raw)
    return str(refused.value)


def test_broken_files_are_refused() -> None:
    assert "accepted" in _broken(lambda r: r["tracks"][1]["gates"].update(main_built="roof_done"))
    assert "批复" in _broken(lambda r: r["tracks"][0]["steps"].pop("approve"))
    assert "补贴方案" in _broken(lambda r: r.update(programme="no-such-programme"))
    assert "seed" in _broken(lambda r: r["tracks"][0]["survey"].update(seed="004#9573"))

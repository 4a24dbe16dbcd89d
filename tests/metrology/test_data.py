"""The registry's data file (citations on the seed line they name, kinds, window) and the demo instruments."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests import factories
from tests.support.seeds import assert_quoted
from yingji.core.errors import PlanInvalid
from yingji.metrology import demo, service
from yingji.metrology.models import Calibration, Instrument
from yingji.metrology.settings import DEFAULTS, Cited, defaults, parse


def test_the_defaults_file_is_valid() -> None:
    found = defaults()
    assert found.due_soon_days == 30
    assert {"流量计", "衡器", "气体分析仪", "电能表", "热量表"} <= set(found.kind_names)
    assert {b.seed for b in found.basis} == {"003#L2"}


@pytest.mark.parametrize("cited", defaults().basis, ids=[b.clause for b in defaults().basis])
def test_each_citation_is_on_its_seed_line(cited: Cited) -> None:
    assert_quoted(cited.seed, cited.quote)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda t: t.replace("due_soon_days: 30", "due_soon_days: -1"), "due_soon_days"),
        (lambda t: t.replace("{name: 衡器,", "{name: 流量计,"), "kinds"),
        (lambda t: t.replace('seed: "003#L2", clause: 附件1', 'seed: "L2", clause: 附件1'), "basis[1].seed"),
    ],
)
def test_a_broken_defaults_file_is_refused(change: Callable[[str], str], field: str) -> None:
    text = change(DEFAULTS.read_text(encoding="utf-8"))
    with pytest.raises(PlanInvalid) as refused:
        parse(text, "broken.yaml")
    details = refused.value.as_dict()["error"]["details"]
    assert any(d["field"].startswith(field) for d in details), details


@pytest.mark.db
def test_the_demo_loads_once_on_the_demo_enterprises(db_session: Session, divisions: int) -> None:
    assert demo.load(db_session=db_session, clock=factories.CLOCK) == 0  # the demo enterprises are missing
    for name, division in (
        ("内蒙古达拉特煤化工有限公司（演示）", "150621"),
        ("准格尔旗大路煤制烯烃有限公司（演示）", "150622"),
        ("杭锦旗独贵塔拉新材料有限公司（演示）", "150625400"),
    ):
        factories.enterprise(db_session, name, division, sector="hazardous_chemicals")
    assert demo.load(db_session=db_session, clock=factories.CLOCK) == len(demo.INSTRUMENTS)
    assert demo.load(db_session=db_session, clock=factories.CLOCK) == 0
    rows, total = service.list_(
        db_session=db_session, clock=factories.CLOCK, actor=demo.OFFICER, filters=service.Filters()
    )
    assert total == len(rows) == len(demo.INSTRUMENTS)
    assert all(r.name.endswith("（演示）") for r in rows)
    states = sorted(r.due_state for r in rows)
    assert {"valid", "due_soon", "overdue", "uncalibrated", "inactive"} <= set(states)
    assert db_session.scalar(select(func.count()).select_from(Instrument)) == len(demo.INSTRUMENTS)
    assert db_session.scalar(select(func.count()).select_from(Calibration)) == 8

"""Standing checks from Baotou's plans (issue 26 item 4, seed 000): every mine and pond is bound to a rescue team —
its own, or by agreement (000#L1405 “并与就近矿山救援队签订救援协议为其服务”, 000#L632 “还应当与邻近的专业应急救援组织
签订救援协议”) — and a 头顶库 has an emergency broadcast (000#L650 “尾矿库“头顶库”企业应当建立应急广播等通信系统”)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests import factories
from tests.supervision.conftest import World
from yingji.registry.models import Mine, TailingsPond
from yingji.rules import site_readiness as site

pytestmark = pytest.mark.db
RESCUE_FLAG = "未与就近矿山救援队签订救援协议，也无本企业矿山救护队"


@pytest.mark.parametrize(
    ("agreement", "own_team", "missing"),
    [(False, False, True), (True, False, False), (False, True, False), (True, True, False)],
)
def test_rescue_cover(agreement: bool, own_team: bool, missing: bool) -> None:
    assert site.rescue_cover_missing(has_agreement=agreement, has_own_rescue_team=own_team) is missing


@pytest.mark.parametrize(
    ("overhead", "broadcast", "missing"), [(True, False, True), (True, True, False), (False, False, False)]
)
def test_overhead_broadcast(overhead: bool, broadcast: bool, missing: bool) -> None:
    assert site.broadcast_missing(is_overhead=overhead, has_emergency_broadcast=broadcast) is missing


def test_basis_lines_hold_their_quotes() -> None:
    from pathlib import Path

    seed = next((Path(__file__).parents[2].parent / "shared" / "seeds").glob("000_*.txt")).read_text().splitlines()
    for basis in (site.COAL_RESCUE_BASIS, site.NON_COAL_RESCUE_BASIS, site.BROADCAST_BASIS):
        assert basis.seed is not None and basis.quote is not None
        assert basis.quote in seed[int(basis.seed.split("#L")[1]) - 1]


def _mine_flags(world: World, mine_id: int) -> tuple[bool, list[str]]:
    body = world.get(f"/api/supervision/mines/{mine_id}", world.officer).json()
    return body["rescue_cover_missing"], body["flags"]


def test_a_mine_bound_to_no_team_is_flagged_until_it_has_one(world: World, db_session: Session) -> None:
    missing, flags = _mine_flags(world, world.deep_mine)
    assert missing and RESCUE_FLAG in flags
    team = factories.team(db_session, "宝日希勒示例矿山救护中队", "150725", 119.9, 49.4)
    db_session.get_one(Mine, world.deep_mine).contracted_team_id = team.id  # the agreement
    db_session.commit()
    missing, flags = _mine_flags(world, world.deep_mine)
    assert not missing and RESCUE_FLAG not in flags
    # the enterprise's own mine rescue team covers its other mine too
    assert _mine_flags(world, world.stopped_mine)[0] is True
    own = factories.save(
        db_session,
        "rescue_teams",
        name="宝日希勒示例煤业救护队",
        kind="mine_rescue",
        level="enterprise",
        organisation="宝日希勒示例煤业有限公司",
        division_code="150725",
        lon=119.9,
        lat=49.4,
    )
    assert own.organisation_id == world.owner
    assert _mine_flags(world, world.stopped_mine)[0] is False


def test_an_overhead_pond_without_a_broadcast_is_flagged(world: World, db_session: Session) -> None:
    pond = db_session.get_one(TailingsPond, world.pond)
    pond.is_overhead = True
    db_session.commit()
    [row] = world.get("/api/supervision/ponds", world.officer).json()["items"]
    assert row["is_overhead"] and "头顶库未建立应急广播等通信系统" in row["flags"]
    assert "未与邻近专业救援组织签订救援协议" in row["flags"]
    assert "三等及以上尾矿库监测系统未联网" in row["flags"]  # grade Ⅲ counts (002#L193), no feed
    assert {b["seed"] for b in row["basis"]} == {"002#L193", "000#L632", "000#L650"}
    pond.has_emergency_broadcast = True
    db_session.commit()
    [row] = world.get("/api/supervision/ponds", world.enterprise).json()["items"]  # the enterprise sees its own
    assert "头顶库未建立应急广播等通信系统" not in row["flags"]
    assert world.get("/api/supervision/ponds", world.outsider).json()["total"] == 0
    assert world.get("/api/supervision/ponds", world.other_enterprise).json()["total"] == 0

"""The networking share feeds the plan's KPI instead of being typed (issue 26 item 1; 002#L193 “2030年底前实现所有
煤矿、金属非金属地下矿山、三等及以上尾矿库监测系统100%联网”): the share over the target's place, with the count as its
source."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests import factories
from tests.supervision.conftest import START, World
from yingji.auth.actor import SYSTEM
from yingji.auth.roles import Role
from yingji.ledger import service as ledger
from yingji.monitoring.networking.models import NetworkingFeed

pytestmark = pytest.mark.db
NAME = "煤矿、金属非金属地下矿山、三等及以上尾矿库监测系统联网率"


def test_the_share_over_the_citys_sites_becomes_this_years_value(world: World, db_session: Session) -> None:
    ledger.load(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)
    db_session.add(
        NetworkingFeed(
            mine_id=world.deep_mine,
            code="150725000001",
            profile="kj-2019",
            cycle_s=600,
            enterprise_id=world.owner,
            division_code="150725",
            registered_at=START,
            last_file_at=START - timedelta(minutes=5),
        )
    )
    db_session.commit()
    city = factories.bearer(db_session, "hlbe_duty", Role.CITY_OFFICER, "150700")
    # the banner's officer keeps no city target; an enterprise none at all
    assert world.post("/api/supervision/networking/to-targets", world.officer).status_code == 403
    assert world.post("/api/supervision/networking/to-targets", world.enterprise).status_code == 403
    carried = world.post("/api/supervision/networking/to-targets", city)
    assert carried.status_code == 200, carried.text
    # the city's four sites (two mines and the pond in 陈巴尔虎旗, the iron mine in 鄂温克旗): one online
    [row] = carried.json()
    assert (row["target"], row["year"], row["value"]) == (NAME, 2026, 25.0)
    assert row["source"] == "矿山监管台账联网统计：1/4 处监测数据在线"
    targets = world.get("/api/ledger/targets", city, limit=500).json()["items"]
    [kpi] = [t for t in targets if t["name"] == NAME]
    assert kpi["values"] == {"2026": 25.0} and kpi["seed"] == "002#L193"


def test_the_page_offers_carrying_only_to_the_targets_keeper(world: World, db_session: Session) -> None:
    ledger.load(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)
    db_session.commit()
    city = factories.bearer(db_session, "hlbe_duty", Role.CITY_OFFICER, "150700")
    assert "计入规划指标" in world.get("/console/supervision", city).text
    assert "计入规划指标" not in world.get("/console/supervision", world.officer).text

"""The 矿山监管 console page: each mine's status in words, in the caller's scope (issue 26 item 1)."""

from __future__ import annotations

import pytest

from tests.supervision.conftest import World

pytestmark = pytest.mark.db


def test_the_page_lists_each_mines_status_in_words(world: World) -> None:
    world.put(
        f"/api/supervision/mines/{world.deep_mine}/profile",
        world.enterprise,
        {"depth_m": 450, "rock_burst_monitoring": False, "state_owned_large": False, "central_enterprise": True},
    )
    world.post("/api/supervision/deadlines/generate", world.officer)
    world.clock.advance(days=40)  # 2027-01-02: the hoist retrofit is overdue
    html = world.get("/console/supervision", world.officer).text
    assert "宝日希勒示例井工煤矿" in html and "示例铅锌矿" in html
    assert "采深 450 米：采深超400米，未落实冲击地压监测" in html
    assert "2027年度未开展隐蔽致灾因素普查" in html
    assert "中央驻市企业矿山未明确属地监管部门" in html
    assert "单绳提升机改造为多绳摩擦式" in html and "002#L209" in html
    assert "三等及以上尾矿库" in html
    assert "尾矿库常设检查（1 座，" in html and "未与邻近专业救援组织签订救援协议" in html  # 000#L632
    assert "未与就近矿山救援队签订救援协议，也无本企业矿山救护队" in html  # 000#L1405
    assert "<script>" not in html  # CSP: no inline scripts
    assert "鄂温克示例铁矿" not in html  # another banner's mine
    own = world.get("/console/supervision", world.enterprise).text
    assert "宝日希勒示例井工煤矿" in own and "鄂温克示例铁矿" not in own
    assert 'href="/console/supervision"' in own  # in the navigation


def test_the_page_needs_a_login(world: World) -> None:
    answer = world.client.get("/console/supervision", follow_redirects=False)
    assert answer.status_code in (302, 303, 307)

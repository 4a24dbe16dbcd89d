"""补贴案件 console pages over HTTP: the list urgent first with the survey form for the town, the case page with its
timeline, documents, ledger and a form for exactly the steps this account may take — in words, not codes; 404 out of
scope as in the API, 403 without the permission; and the setback readings on the calculators' page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.subsidy_cases.conftest import World
from tests.subsidy_cases.test_walkthrough import CASES, bungalow, to_building, verified
from yingji.subsidy_cases.models import SubsidyCase

pytestmark = pytest.mark.db


def html(world: World, who: str, path: str, status: int = 200) -> str:
    response = world.call(who, "GET", path)
    assert response.status_code == status, response.text[:2000]
    return response.text


def section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.find("</section>", start)]


def test_the_list_and_the_case_page_for_the_town_and_the_bureau(world: World, db_session: Session) -> None:
    cid, path = to_building(world, bungalow(contractor="锡尼镇安居建筑有限公司"))
    quiet = world.post("town", CASES, bungalow(reference="锡尼镇团结社区二巷9号", name="赵桂兰"), 201)["id"]
    db_session.execute(update(SubsidyCase).where(SubsidyCase.id == quiet).values(rework=True))
    db_session.flush()
    listing = html(world, "town", "/console/subsidy-cases")
    rows = section(listing, "cases")
    assert rows.index("赵桂兰") < rows.index("王建国")  # rework first
    assert "责令返工，待整改后重新申请验收" in rows and "建设中" in rows and "南平房区建筑改造更新到户案件" in rows
    assert 'id="new-hangjin-pingfang-2024"' in listing and "锡尼镇" in listing  # the town surveys
    assert 'id="new-baotou-tech-use-first-2025"' not in listing  # not Baotou's town
    assert "补贴案件" in listing[listing.index('<nav id="site-nav"') : listing.index("</nav>")]
    assert not re.search(r">(building|surveyed|new_build|rebuild)<", listing)  # words, not codes

    world.post("town", f"{path}/milestones", {"milestone": "main_built"})
    world.upload("town", cid, "quantity_check")
    world.post("town", f"{path}/calculations", verified(118), 201)
    town = html(world, "town", f"/console/subsidy-cases/{cid}")
    assert "摸底工作" in section(town, "timeline") and "004#L9612-L9614" in section(town, "timeline")
    assert "主房建成" in section(town, "ledger") and "59000.00" in section(town, "ledger")
    assert 'id="act-pay"' not in town and 'id="act-milestone"' in town  # 旗财政局 pays, the town verifies progress
    assert "工程量（退线面积）核对表" in section(town, "documents") and "data-upload-part" in town
    bureau = html(world, "county", f"/console/subsidy-cases/{cid}")
    assert 'id="act-pay"' in bureau and 'name="amount_yuan" value="59000.00"' in bureau
    assert 'id="act-spot_check"' in bureau and 'id="act-spot_check"' not in town  # 监督: the bureau's
    assert "申请新建" in section(bureau, "steps") and "004#L9667-L9669" in section(bureau, "steps")


def test_pages_answer_as_the_api_and_the_readings_page(world: World) -> None:
    cid = world.post("town", CASES, bungalow(), 201)["id"]
    assert "未找到补贴案件" in html(world, "other_county", f"/console/subsidy-cases/{cid}", 404)
    assert "无权执行此操作" in html(world, "commander", "/console/subsidy-cases", 403)
    city = html(world, "city", f"/console/subsidy-cases/{cid}")
    assert "当前环节没有由本账号办理的事项" in city and 'data-api="/api/subsidy-cases' not in city
    county = html(world, "county", "/console/subsidies")
    readings = section(county, "readings")
    assert "按退线前土地面积计算" in readings and "按退出土地面积计算" in readings and "004#L9292-L9294" in readings
    assert "数据默认" in readings and "/api/subsidies/readings/" not in readings  # only an administrator chooses
    admin = section(html(world, "admin", "/console/subsidies"), "readings")
    assert 'data-api="/api/subsidies/readings/hangjin-pingfang-2024/setback_area"' in admin

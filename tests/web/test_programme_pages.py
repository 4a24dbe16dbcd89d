"""评审认定, 工伤康复, 补贴测算 and 碳计量器具 console pages over HTTP on both engines, in the Baotou world of the
programme tests: each page for the people the programme names (the city authority, the county office, the applicant
enterprise, a drawn expert), 404 for a record out of scope exactly as the API answers (an Ordos officer, another
enterprise, an expert not on the panel), 403 for roles without the permission — and two browser tests: the county
office passes 旗县区初审 on the application page and the step appears in its history; a 南平房区 bungalow's case goes
from the town's survey to the bureau's payment (the 补贴案件 pages)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests import factories
from tests.programmes.conftest import World, _make
from tests.programmes.test_quality_award import advance, apply, open_round, panel, score_all, to_scoring
from tests.web.conftest import Server, login, shot, wait_until
from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.metrology import service as metrology
from yingji.metrology.enums import CalibrationMethod, CalibrationResult
from yingji.metrology.schemas import CalibrationIn, InstrumentIn
from yingji.programmes.models import Objection, ObjectionState, Title, TitleState
from yingji.programmes.schema import programme
from yingji.web.programme_pages import programme_form

db = pytest.mark.db
AWARD, ICH = "baotou-quality-award", "baotou-ich-bearers"


@pytest.fixture
def town(engine: Engine, db_session: Session, divisions: int) -> Iterator[World]:
    """The programme tests' Baotou world (Monday 2026-11-23), with an HQ commander who has no programme permission."""
    for world in _make(engine, db_session, date(2026, 11, 23)):
        world.headers["commander"] = factories.bearer(db_session, "baotou_cmd", Role.HQ_COMMANDER, "150200")
        yield world


def html(world: World, who: str, path: str, status: int = 200) -> str:
    response = world.api.get(path, headers=world.headers[who])
    text: str = response.text
    assert response.status_code == status, text[:2000]
    return text


def nav(page: str) -> str:
    return page[page.index('<nav id="site-nav"') : page.index("</nav>")]


def section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    end = page.find("</section>", start)
    return page[start:end]


@db
def test_the_overview_for_each_role(town: World) -> None:
    round_id = open_round(town)
    mine = apply(town, round_id)["id"]
    apply(town, round_id, who="qing_firm", org="qing")
    city = html(town, "city", "/console/programmes")
    assert "包头市市长质量奖" in city and "包头市级非物质文化遗产代表性传承人认定" in city
    assert f'href="/console/programmes/rounds/{round_id}"' in city and "单位内部公示 <b>2</b>" in city
    assert "启动评审、发布通知" in city and "受理申报中" in city
    assert "评审认定" in nav(city) and "工伤康复" in nav(city) and "碳计量" in nav(city)
    firm = html(town, "kun_firm", "/console/programmes")
    assert "本单位的申报" in firm and f'/console/programmes/applications/{mine}"' in section(firm, "mine")
    assert "青山测试装备有限公司" not in firm and "启动评审" not in firm
    assert "评审认定" in nav(firm) and "工伤康复" not in nav(firm)
    assert "单位内部公示 <b>1</b>" in firm  # counts are of what the account may see
    county = html(town, "kun", "/console/programmes")
    assert "待我办理" in county and "启动评审" not in county  # the enterprise's own notice runs first
    expert = html(town, "expert1", "/console/programmes")
    assert "分配给我评审的申报" in expert and "包头钢铁测试股份有限公司" not in expert
    assert "工伤康复" not in nav(expert)
    ordos = html(town, "ordos", "/console/programmes")
    assert "本辖区没有可办理的评审认定项目" in ordos and "第1届" not in ordos
    refused = html(town, "commander", "/console/programmes", 403)
    assert "无权执行此操作" in refused and "评审认定" not in nav(refused)


@db
def test_the_round_page_offers_the_authority_its_actions(town: World) -> None:
    round_id = open_round(town)
    kun_app = apply(town, round_id)["id"]
    path = f"/console/programmes/rounds/{round_id}"
    before = html(town, "qing_firm", path)
    assert "提交申报" in before and "商业秘密、技术秘密申明" in before and "近3年有较大及以上" in before
    qing_app = apply(town, round_id, who="qing_firm", org="qing")["id"]
    city = html(town, "city", path)
    table = section(city, "applications")
    assert "包头钢铁测试股份有限公司" in table and "青山测试装备有限公司" in table and "2026-11-30" in table
    assert "材料评审分数" in table and "综合评分" in table
    assert "组建材料评审专家组" in city and "组建现场评审专家组" in city and "专家0" in city
    assert "最终审议（市政府专题会议决定拟授奖名单）" in city and "每届不超过 5 个" in city
    assert f'data-api="/api/programmes/rounds/{round_id}/close"' in city
    assert f'href="/api/programmes/rounds/{round_id}/export.xlsx"' in city
    exported = town.api.get(f"/api/programmes/rounds/{round_id}/export.xlsx", headers=town.headers["city"])
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    county = html(town, "kun", path)
    assert f'/applications/{kun_app}"' in county and f'/applications/{qing_app}"' not in county
    assert "结束本届" not in county and "组建材料评审专家组" not in county and "决定名单" not in county
    firm = html(town, "kun_firm", path)
    assert "青山测试装备有限公司" not in firm and "提交申报" not in firm  # one application a round
    assert "无法打开" in html(town, "ordos", path, 404)
    assert "未找到评审届次" in html(town, "ordos", path, 404)
    assert html(town, "commander", path, 403)


@db
def test_the_application_page_follows_the_stage_and_its_actor(town: World) -> None:
    round_id = open_round(town)
    app_id = apply(town, round_id)["id"]
    path = f"/console/programmes/applications/{app_id}"
    town.at(date(2026, 12, 1))
    firm = html(town, "kun_firm", path)
    assert "公示期满，进入下一环节" in firm and 'name="expected_stage" value="internal_publicity"' in firm
    assert "申报条件自查" in firm and "依法在包头市内登记注册、具有独立法人资格" in firm and "✓ 申报表" in firm
    assert "当前环节没有由你办理的事项" in html(town, "kun", path)  # the enterprise ends its own notice
    for who in ("qing_firm", "ordos", "qing", "expert1"):
        assert "未找到申报" in html(town, who, path, 404)
    advance(town, "kun_firm", app_id)
    county = html(town, "kun", path)
    actions = section(county, "actions")
    assert "旗县区初审" in actions and "000#L145" in actions
    assert 'value="pass"' in actions and 'value="return"' in actions and 'value="reject"' in actions
    history = county[county.index('id="history"') :]
    assert "申报" in history and "单位内部公示 → 旗县区初审" in history and "000#L143" in history
    assert "<time>2026-11-23 10:00</time>" in history  # Beijing time, as the clock reads
    assert "000#L145" not in section(html(town, "city", path), "actions")  # 旗县区初审 is the county's
    back = advance(town, "kun", app_id, outcome="return", reason="证明材料不清晰")
    assert back["state"] == "returned"
    returned = html(town, "kun_firm", path)
    assert "修改后重新报送" in returned and "证明材料不清晰" in returned
    assert 'name="facts.chief_quality_officer" type="checkbox" checked' in returned


@db
def test_objections_and_their_reply_on_the_page(town: World) -> None:
    round_id = open_round(town)
    app_id = apply(town, round_id)["id"]
    path = f"/console/programmes/applications/{app_id}"
    town.at(date(2026, 12, 1))
    advance(town, "kun_firm", app_id)
    advance(town, "kun", app_id)
    advance(town, "city", app_id)
    city = html(town, "city", path)
    assert "登记异议" in city and "资格名单公示" in city
    body = {"objector": "张三", "contact": "13800000000", "written": True, "content": "该企业2024年发生较大事故"}
    town.call("city", "POST", f"/api/programmes/applications/{app_id}/objections", body, 201)
    after = html(town, "city", path)
    objections = after[after.index('id="objections"') : after.index('id="actions"')]
    assert "该企业2024年发生较大事故" in objections and "待复核" in objections and "异议成立（取消资格）" in objections
    assert "登记异议" in section(after, "actions") and "已超过答复期限" not in objections
    firm = html(town, "kun_firm", path)
    assert "该企业2024年发生较大事故" in firm and "异议成立（取消资格）" not in firm  # no reply form for the firm


@db
def test_an_objection_past_its_reply_due_is_marked(town: World, db_session: Session) -> None:
    """收到意见之日起30日内书面答复 (000#L1923): an open objection past that day is flagged on the page."""
    body = {
        "programme": ICH,
        "number": 1,
        "title": "第一批市级传承人认定",
        "approval_ref": "包文旅广电字〔2026〕1号",
        "approved_on": "2026-11-20",
        "notice_on": "2026-11-23",
        "apply_until": "2026-12-31",
    }
    batch = town.call("city", "POST", "/api/programmes/rounds", body, 201)["id"]
    entry = html(town, "kun", f"/console/programmes/rounds/{batch}")
    assert "录入申请（项目保护单位推荐，旗县区受理）" in entry and "传统医药" in entry and "昆都仑区" in entry
    assert "录入申请" not in html(town, "city", f"/console/programmes/rounds/{batch}")  # the county's intake
    app = {
        "round_id": batch,
        "subject_name": "王师傅",
        "division_code": "150203",
        "category": "传统医药",
        "item_name": "蒙医正骨",
        "person": {"id_number": "150203196001011234", "birth_year": 1960},
        "facts": {"citizen": True, "residence_years": 12, "practice_years": 20, "practises_directly": True},
        "materials": [m for m, _ in programme_form(programme(ICH))["materials"]],
    }
    app_id = town.call("kun", "POST", "/api/programmes/applications", app, 201)["id"]
    db_session.add(
        Objection(
            application_id=app_id,
            stage="publicity",
            received_on=date(2026, 10, 1),
            objector="李四",
            contact="0472-0000000",
            written=True,
            content="从业年限不实",
            reply_due=date(2026, 10, 31),
            state=ObjectionState.OPEN,
            recorded_by="baotou_quality",
        )
    )
    db_session.flush()
    page = html(town, "city", f"/console/programmes/applications/{app_id}")
    objections = page[page.index('id="objections"') : page.index('id="actions"')]
    assert "从业年限不实" in objections and "2026-10-31" in objections and "已超过答复期限" in objections
    assert "150203********1234" in page and "150203196001011234" not in page and "<th>出生年份</th><td>1960" in page


@db
def test_experts_score_on_the_page_of_their_panel_only(town: World) -> None:
    round_id = open_round(town)
    app_id = apply(town, round_id, who="qing_firm", org="qing")["id"]
    panel(town, round_id, "material", ["expert0", "expert1", "expert2", "expert3"], "expert1")
    to_scoring_qing(town, app_id)
    path = f"/console/programmes/applications/{app_id}"
    own = html(town, "expert1", path)
    assert "提交评分" in own and "回避" in own and "材料评审" in own
    assert "未找到申报" in html(town, "expert0", path, 404)  # works for the applicant: recused automatically
    assert "未找到申报" in html(town, "expert7", path, 404)  # not on the panel
    assert "分配给我评审的申报" in (listing := html(town, "expert1", "/console/programmes"))
    assert f"/console/programmes/applications/{app_id}" in listing
    score_all(town, app_id, ["expert1"], 80)
    assert 'id="my-score">已评分' in html(town, "expert1", path)
    city = html(town, "city", path)
    assert "专家尚未全部评分：专家2、专家3" in city and "质量管理体系健全" in city
    assert "质量管理体系健全" not in html(town, "qing_firm", path)  # experts' opinions are not the applicant's
    round_page = html(town, "city", f"/console/programmes/rounds/{round_id}")
    assert "材料评审专家组" in section(round_page, "panels") and "组长" in section(round_page, "panels")


def to_scoring_qing(world: World, app_id: int) -> None:
    world.at(date(2026, 12, 1))
    advance(world, "qing_firm", app_id)
    advance(world, "qing", app_id)
    advance(world, "city", app_id)
    world.at(date(2026, 12, 9))
    advance(world, "city", app_id)


@db
def test_a_conferred_award_to_its_title_page(town: World) -> None:
    """The whole award through the pages' APIs; the title page shows the visits and the revocation grounds."""
    round_id = open_round(town)
    app_id = apply(town, round_id)["id"]
    material, site = ["expert1", "expert2", "expert3"], ["expert4", "expert5", "expert6"]
    panel(town, round_id, "material", material, "expert1")
    panel(town, round_id, "site", site, "expert4")
    to_scoring(town, round_id, app_id)
    score_all(town, app_id, material, 80)
    advance(town, "city", app_id)
    score_all(town, app_id, site, 90)
    advance(town, "city", app_id)
    advance(town, "city", app_id)
    chooser = section(html(town, "city", f"/console/programmes/rounds/{round_id}"), "select")
    assert f'name="winners" data-list data-type="number" value="{app_id}"' in chooser and "综合评分 85.0" in chooser
    body = {"winners": [app_id], "reason": "专题会议决定"}
    town.call("city", "POST", f"/api/programmes/rounds/{round_id}/select", body)
    town.at(date(2026, 12, 19))
    advance(town, "city", app_id)
    assert "公布（授予）" in html(town, "city", f"/console/programmes/applications/{app_id}")
    advance(town, "city", app_id)
    title_id = town.call("city", "GET", f"/api/programmes/{AWARD}/titles")["items"][0]["id"]
    path = f"/console/programmes/titles/{title_id}"
    town.at(date(2028, 1, 5))
    town.renew("city", "baotou_quality")
    town.renew("kun_firm", "kun_firm")
    city = html(town, "city", path)
    visits = city[city.index('id="visits"') :]
    assert "2027-12-19" in visits and "逾期未寻访" in visits and "记录寻访" in visits and "000#L175" in city
    assert "撤销称号" in city and "获奖后3年内发生较大及以上质量、安全、环保事故" in city
    firm = html(town, "kun_firm", path)
    assert "获奖记录" in firm and "记录寻访" not in firm and "撤销称号" not in firm
    assert f'/console/programmes/titles/{title_id}"' in html(town, "kun_firm", "/console/programmes")
    town.renew("ordos", "ordos_quality")
    town.renew("qing_firm", "qing_firm")
    assert html(town, "ordos", path, 404) and html(town, "qing_firm", path, 404)


def bearer(db_session: Session, division: str = "150203") -> int:
    row = Title(
        programme_id=ICH,
        round_number=1,
        subject_name="王师傅",
        division_code=division,
        category="传统医药",
        item_name="蒙医正骨",
        birth_year=1960,
        conferred_on=date(2022, 6, 1),
        state=TitleState.ACTIVE,
    )
    db_session.add(row)
    db_session.flush()
    return int(row.id)


@db
def test_a_bearers_years_on_the_title_page(town: World, db_session: Session) -> None:
    title_id = bearer(db_session)
    for year, grade in ((2024, "unqualified"), (2025, "qualified")):
        body = {"year": year, "grade": grade}
        town.call("kun", "POST", f"/api/programmes/titles/{title_id}/evaluations", body, 201)
    path = f"/console/programmes/titles/{title_id}"
    county = html(town, "kun", path)
    assert "年度评估" in county and "不合格" in county and "记录年度评估" in county
    standing = section(county, "standing") if 'id="standing"' in county else county
    assert "2026 年度补助与推荐" in county and "发放" in standing and "不予推荐" in standing
    assert "000#L1979" in county and "丧失中华人民共和国国籍" in county
    assert "荣誉传承人、去世或自愿放弃" not in county  # the bureau's decision, not the county's
    earlier = html(town, "kun", path + "?year=2024")
    assert "2024 年度补助与推荐" in earlier and "不发放" in earlier
    assert "须为 2000–2100 之间的年份" in html(town, "kun", path + "?year=x", 422)
    city = html(town, "city", path)
    assert "荣誉传承人、去世或自愿放弃" in city and "记录年度评估" in city
    assert html(town, "qing", path, 404) and html(town, "ordos", path, 404) and html(town, "kun_firm", path, 404)
    assert html(town, "expert1", path, 404)


def rehab_case(world: World) -> int:
    conditions = ["licensed", "premises", "transport", "compliance"]
    body = {"name": "包头市第四医院（测试）", "kind": "综合医院", "division_code": "150203", "conditions": conditions}
    inst = world.call("city", "POST", "/api/rehab/institutions", body, 201)["id"]
    world.call(
        "city", "POST", f"/api/rehab/institutions/{inst}/agreements", {"year": 2026, "signed_on": "2026-01-05"}, 201
    )
    case = {
        "worker_name": "赵工",
        "id_number": "150203198001011234",
        "employer": "包头钢铁测试股份有限公司",
        "division_code": "150203",
        "injury_ref": "包人社工认〔2026〕88号",
        "injured_parts": ["左腿"],
        "department": "骨科",
        "mode": "early",
        "institution_id": inst,
    }
    case_id = int(world.call("kun", "POST", "/api/rehab/cases", case, 201)["id"])
    claim = {"service_on": "2026-11-23", "category": "living", "body_part": "左腿", "item": "护理垫", "amount": "80"}
    world.call("kun", "POST", f"/api/rehab/cases/{case_id}/claims", claim, 201)
    return case_id


@db
def test_the_rehab_page_for_the_agency_only(town: World) -> None:
    case_id = rehab_case(town)
    city = html(town, "city", "/console/rehab")
    assert "包头市第四医院（测试）" in city and "记录考核" in city and "签订协议" in city
    assert f'id="case-{case_id}"' in city and "赵工" in city and "早期介入" in city and "经办机构备案" in city
    claims = city[city.index('class="compact claims"') :]
    assert "护理垫" in claims and "生活用品费用" in claims and "0.00" in claims
    alerts = section(city, "alerts")
    assert "不予支付：" in alerts and "关闭预警" in alerts and "000#L2160" in alerts
    assert "专家入库" in city and "医疗卫生高级专业技术职务任职资格" in city
    county = html(town, "kun", "/console/rehab")
    assert "赵工" in county and "专家入库" not in county  # the pool is the city's
    other = html(town, "qing", "/console/rehab")
    assert "赵工" not in other and "包头市第四医院（测试）" not in other
    for who in ("kun_firm", "expert1", "commander"):
        assert "无权执行此操作" in html(town, who, "/console/rehab", 403)


@db
def test_pages_show_names_and_labels_not_codes(town: World) -> None:
    """Issue 20: division names, stage kinds and actors in words; seed lines only as tooltips."""
    round_id = open_round(town)
    app_id = apply(town, round_id)["id"]
    overview = html(town, "city", "/console/programmes")
    programmes = section(overview, "programme-list")
    assert "（包头市）" in programmes and "150200" not in programmes and "申报人：企业" in programmes
    assert "办理：旗县区主管部门" in programmes and ">county<" not in programmes and "办理：county" not in programmes
    assert "<code>000#L" not in overview and 'title="原文 000#L' in overview
    assert "共 1 条" in section(overview, "rounds")
    application = html(town, "kun_firm", f"/console/programmes/applications/{app_id}")
    facts = application[application.index('id="app-facts"') :]
    assert "<th>行政区划</th><td>昆都仑区</td>" in facts and "<td>150203</td>" not in facts
    assert "（公示，办理：申报人）" in application and "publicity" not in section(application, "actions")
    assert 'id="waiting"' in application  # the notice runs: no pass button before it ends
    assert 'id="advance"' not in application
    case_id = rehab_case(town)
    rehab = html(town, "city", "/console/rehab")
    cases = section(rehab, "cases")
    assert "早期介入" in cases and "待备案或评估" in cases and ">proposed<" not in cases
    assert f'data-post="/api/rehab/cases/{case_id}/gate"' in cases and f"/cases/{case_id}/end" not in cases
    places = section(rehab, "institutions")
    card = places[: places.index('id="add-institution"')]
    assert '<span class="hint">昆都仑区' in card and "150203" not in card and "待考核" not in card  # the city assesses
    assert "共 1 条" in places


@db
def test_the_rounds_list_pages_on_the_overview(town: World) -> None:
    for number in range(1, 4):
        open_round(town, number)
    first = html(town, "city", "/console/programmes?limit=2")
    rounds = section(first, "rounds")
    assert "共 3 条，第 1–2 条" in rounds and "第3届包头市市长质量奖" in rounds and "第1届" not in rounds
    assert "offset=2" in rounds and "limit=2" in rounds
    second = section(html(town, "city", "/console/programmes?limit=2&offset=2"), "rounds")
    assert "第1届包头市市长质量奖" in second and "第3届" not in second and "上一页" in second
    assert "titles_offset：须为非负整数" in html(town, "city", "/console/programmes?titles_offset=x", 422)


@db
def test_the_subsidy_calculators_for_any_account(town: World) -> None:
    page = html(town, "kun_firm", "/console/subsidies")
    assert "许可（转让）补贴" in page and "南平房区建筑改造更新补贴、补偿" in page and "000#L2248" in page
    assert 'data-post="/api/subsidies/tech-licence"' in page and "单项成果交易金额" in page
    assert "补贴测算" in page[page.index('id="programme-tabs"') :] and "工伤康复" not in nav(page)
    assert "许可费支付时间" in html(town, "commander", "/console/subsidies")
    answer = town.call("kun_firm", "POST", "/api/subsidies/tech-acceptance", {"contract_amount_yuan": "300000"})
    assert answer["total_yuan"] == "20000.00" or answer["total_yuan"].startswith("20000")


@db
def test_the_metrology_page_lists_due_instruments_in_scope(town: World, db_session: Session) -> None:
    kun = Actor(username="kun_quality", role=Role.COUNTY_OFFICER, division_code="150203")
    body = {
        "kind": "衡器",
        "quantity": "原料煤质量",
        "location": "原料煤输送线",
        "interval_months": 12,
        "organisation_id": town.orgs["kun"],
    }
    late = metrology.create(
        db_session=db_session,
        clock=town.clock,
        actor=kun,
        data=InstrumentIn(name="原料煤皮带秤", serial_no="BS-001", **body),
    )
    fresh = metrology.create(
        db_session=db_session,
        clock=town.clock,
        actor=kun,
        data=InstrumentIn(name="天然气流量计", serial_no="FL-002", **body),
    )
    calibrated = CalibrationIn(
        calibrated_on=date(2026, 6, 1),
        method=CalibrationMethod.CALIBRATION,
        body="包头市计量测试所",
        certificate_no="JZ-2026-01",
        result=CalibrationResult.PASS,
    )
    metrology.record_calibration(
        db_session=db_session, clock=town.clock, actor=kun, instrument_id=fresh.id, data=calibrated
    )
    page = html(town, "kun", "/console/metrology")
    assert "原料煤皮带秤" in page and "天然气流量计" in page and "无有效检定校准记录" in page
    assert "2027-06-01" in page and f'data-post="/api/metrology/instruments/{late.id}/calibrations"' in page
    overdue = section(html(town, "kun", "/console/metrology?show=overdue"), "instruments")
    assert "原料煤皮带秤" in overdue and "天然气流量计" not in overdue
    assert "原料煤皮带秤" in html(town, "kun_firm", "/console/metrology")
    other = html(town, "qing_firm", "/console/metrology")
    assert "原料煤皮带秤" not in other and 'id="instruments"' in other
    reader = html(town, "expert1", "/console/metrology")
    assert "原料煤皮带秤" in reader and "登记检定校准" not in reader  # an expert of the city reads, never writes
    assert html(town, "kun", "/console/metrology?show=x", 422)
    first = section(html(town, "kun", "/console/metrology?limit=1"), "instruments")
    assert "共 2 条" in first and "下一页" in first and "天然气流量计" not in first
    assert "天然气流量计" in section(html(town, "kun", "/console/metrology?limit=1&offset=1"), "instruments")


@db
def test_the_forms_script_is_served(town: World) -> None:
    script = town.api.get("/static/programmes.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert 'src="/static/programmes.js"' in html(town, "city", "/console/programmes")


@db
@pytest.mark.parametrize(
    "path",
    [
        "/console/programmes",
        "/console/programmes/rounds/1",
        "/console/rehab",
        "/console/subsidies",
        "/console/metrology",
    ],
)
def test_the_pages_need_a_session(town: World, path: str) -> None:
    response = town.api.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


# --- in a browser -------------------------------------------------------------------------------------------------

BEIJING = ZoneInfo("Asia/Shanghai")
SETUP = """
import sys
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from yingji.auth import service as auth_service
from yingji.auth.actor import SYSTEM as SYSTEM_ADMIN, Actor
from yingji.auth.roles import Role
from yingji.auth.schemas import UserCreate
from yingji.core.clock import FixedClock, SystemClock
from yingji.db.runtime import session_scope
from yingji.programmes import service
from yingji.programmes.schemas import ApplicationIn, RoundIn
from yingji.registry import service as registry
from yingji.registry.specs import BY_NAME

password, today = sys.argv[1], date.fromisoformat(sys.argv[2])
def at(day):
    return FixedClock(datetime.combine(day, time(2)).replace(tzinfo=timezone.utc))
with session_scope() as s:
    spec = BY_NAME["organisations"]
    org = registry.save(db_session=s, clock=SystemClock(), actor=SYSTEM_ADMIN, spec=spec,
                        data=spec.schema(name="包头页面测试股份有限公司", kind="enterprise", division_code="150203"))
    for username, role, division, firm in (
        ("kun_pages", Role.COUNTY_OFFICER, "150203", None),
        ("kun_pages_firm", Role.ENTERPRISE_REPORTER, None, org.name),
    ):
        auth_service.create_user(db_session=s, clock=SystemClock(), actor=SYSTEM_ADMIN, data=UserCreate(
            username=username, display_name=username, password=password, role=role, division_code=division,
            organisation=firm))
    city = Actor(username="baotou_duty", role=Role.CITY_OFFICER, division_code="150200")
    firm = Actor(username="kun_pages_firm", role=Role.ENTERPRISE_REPORTER, organisation_id=org.id,
                 organisation_division="150203")
    start = today - timedelta(days=20)
    rnd = service.open_round(db_session=s, clock=at(start), actor=city, data=RoundIn(
        programme="baotou-quality-award", number=90, title="第90届包头市市长质量奖（页面测试）",
        approval_ref="市政府常务会议", approved_on=start, notice_on=start, apply_until=today + timedelta(days=30)))
    s.flush()
    facts = {"registered_locally": True, "operating_years": 5, "chief_quality_officer": True, "excellence_years": 3,
             "industry_leader": True, "outstanding_results": True, "policy_noncompliant": False,
             "licences_missing": False, "credit_listed": False}
    app = service.submit(db_session=s, clock=at(start), actor=firm, data=ApplicationIn(
        round_id=rnd.id, organisation_id=org.id, facts=facts,
        materials=["application_form", "self_assessment", "proofs", "secrets_declaration"]))
    service.advance(db_session=s, clock=at(today - timedelta(days=1)), actor=firm, app_id=app.id, outcome="pass",
                    reason=None)
    print(app.id)
"""


def round_of(page: Page) -> str:
    href = page.locator("#app-status a").first.get_attribute("href") or ""
    return href.rsplit("/", 1)[-1]


def test_the_county_passes_its_review_in_the_browser(browser: Browser, server: Server) -> None:
    """An award application waits at 旗县区初审 (its internal notice long over); the county officer passes it on the
    page, and the history shows the step with the article it rests on."""
    today = datetime.now(BEIJING).date()
    done = subprocess.run(
        [sys.executable, "-c", SETUP, server.password, today.isoformat()],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    app_id = int(done.stdout.strip().splitlines()[-1])
    path = f"/console/programmes/applications/{app_id}"
    county = login(browser, server, "kun_pages", start=path)
    assert county.inner_text("#app-stage") == "旗县区初审"
    county.fill("#advance textarea[name=reason]", "经核实符合申报条件，同意推荐")
    county.click("#advance button[value=pass]")
    wait_until(county, "document.getElementById('app-stage').textContent === '资格审查'")
    history = county.inner_text("#history")
    assert "旗县区初审 → 资格审查" in history and "kun_pages" in history and "同意推荐" in history
    county.locator("#history details.basis").last.click()
    assert "旗县区初审：“经核实符合申报条件的" in county.inner_text("#history")
    assert "000#L145" in (county.locator("#history details.basis li").last.get_attribute("title") or "")
    assert "当前环节没有由你办理的事项" in county.inner_text("#actions")  # 资格审查 is the city's
    shot(county, "programmes-county-review")
    city = login(browser, server, "baotou_duty", start=f"/console/programmes/rounds/{round_of(county)}")
    material = city.locator("#form-material")
    boxes = material.locator("input[name=members]")
    for index in range(3):
        boxes.nth(index).check()
        material.locator("input[name^='username.']").nth(index).fill(f"pages_expert{index}")
    material.locator("input[name=leader]").first.check()
    material.locator("button[type=submit]").click()
    city.wait_for_selector("#panels .card:not([id]):has-text('pages_expert0')")  # after the reload
    formed = city.inner_text("#panels")
    assert "pages_expert0" in formed and "组长" in formed and "组建材料评审专家组" not in formed
    firm = login(browser, server, "kun_pages_firm", start="/console/programmes")
    assert "资格审查" in firm.inner_text("#mine")
    firm.goto(f"{server.url}{path}")
    firm.click("#self-check button[data-self-check]")  # the declared facts, checked article by article
    firm.wait_for_selector("#self-check [data-result]:not([hidden])")
    assert "符合申报条件" in firm.inner_text("#self-check [data-result]")
    firm.uncheck("#self-check input[name='facts.chief_quality_officer']")
    firm.click("#self-check button[data-self-check]")
    wait_until(firm, "document.querySelector('#self-check [data-result]').textContent.includes('不符合')")
    assert "000#L103" in firm.inner_text("#self-check [data-result]")
    firm.goto(f"{server.url}/console/subsidies")
    firm.fill("#calc-tech-acceptance input[name=contract_amount_yuan]", "300000")
    firm.click("#calc-tech-acceptance button[type=submit]")
    firm.wait_for_selector("#calc-tech-acceptance [data-result]:not([hidden])")
    assert "合计：20000" in firm.inner_text("#calc-tech-acceptance [data-result]")
    firm.goto(f"{server.url}/console/programmes/applications/{app_id + 1000}")
    assert "未找到申报" in firm.inner_text("#page-error")


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_a_bungalow_renovation_from_survey_to_payment_in_the_browser(browser: Browser, server: Server) -> None:
    """锡尼镇 surveys a B-grade bungalow on the list page; application, approval and the start go through the API;
    the banner's bureau records the acceptance item by item on the case page, the town uploads its quantity check
    and calculates, and the bureau pays the household — the case ends 补贴已支付到户 with every step in its
    timeline."""
    admin = server.token("admin")
    account = {"display_name": "锡尼镇工作人员", "password": server.password, "role": "grassroots_officer"}
    created = httpx.post(
        f"{server.url}/api/users",
        json=account | {"username": "xini_pages", "division_code": "150625100"},
        headers=admin,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    town = login(browser, server, "xini_pages", start="/console/subsidy-cases")
    survey = town.locator("#new-hangjin-pingfang-2024")
    survey.locator("select[name=track]").select_option("renovation")
    survey.locator("input[name=name]").fill("刘秀英")
    survey.locator("input[name=reference]").fill("锡尼镇新华社区三巷12号")
    survey.locator("select[name='survey.work']").select_option("renovate")
    survey.locator("select[name='survey.grade']").select_option("B")
    survey.locator("input[name='survey.floor_area_m2']").fill("80")
    survey.locator("input[name='survey.compliant_roof']").check()
    survey.locator("button[type=submit]").click()
    town.wait_for_url(re.compile(r".*/console/subsidy-cases/\d+$"))
    path = town.url.removeprefix(server.url)
    assert town.inner_text("#case-state") == "已摸底登记"
    api = f"{server.url}/api/subsidy-cases/{path.rsplit('/', 1)[-1]}"
    town_token, bureau = server.token("xini_pages"), server.token("hangjin_duty")

    def upload(headers: dict[str, str], kind: str) -> None:
        sent = httpx.post(
            f"{api}/documents/{kind}",
            params={"filename": f"{kind}.png"},
            content=PNG_BYTES,
            headers=headers | {"Content-Type": "image/png"},
            timeout=30,
        )
        assert sent.status_code == 201, sent.text

    upload(town_token, "application")
    for headers, step in (
        (town_token, "apply"),
        (bureau, None),
        (town_token, "start"),
        (town_token, "request-acceptance"),
    ):
        if step is None:
            upload(bureau, "approval")
            upload(bureau, "acceptance_report")
            step = "approve"
        done = httpx.post(f"{api}/{step}", json={}, headers=headers, timeout=30)
        assert done.status_code == 200, done.text

    county = login(browser, server, "hangjin_duty", start=path)
    form = county.locator("#act-accept")
    form.locator("select[name='renovation.main.windows']").select_option("broken_bridge")
    form.locator("select[name='renovation.main.roof']").select_option("tile")
    form.locator("input[name='renovation.main.insulation_cm']").fill("6")
    form.locator("input[name='renovation.main.density_kg_m3']").fill("22")
    for box in form.locator("#accept-main input[type=checkbox], fieldset:not([id]) input[type=checkbox]").all():
        box.check()
    shot(county, "subsidy-case-acceptance")
    form.locator("button[type=submit]").click()
    wait_until(county, "document.getElementById('case-state').textContent === '验收合格'")
    assert "✘" not in county.inner_text("#checks")

    town.goto(f"{server.url}{path}")
    uploader = town.locator("#upload-form")
    uploader.locator("select[data-upload-part]").select_option("quantity_check")
    uploader.locator("input[type=file]").set_input_files(
        {"name": "核对表.png", "mimeType": "image/png", "buffer": PNG_BYTES}
    )
    uploader.locator("button[type=submit]").click()
    town.wait_for_selector("#act-verify")  # the quantity check in, the calculation may be made
    town.locator("#act-verify button[type=submit]").click()
    town.wait_for_selector("#instalments")
    assert "18400.00" in town.inner_text("#instalments")  # 80 m² × (200 + 30) 元 (004#L9263-L9266)

    county.goto(f"{server.url}{path}")
    county.locator("#act-pay input[name=voucher_no]").fill("杭财支付-2026-0012")
    county.locator("#act-pay button[type=submit]").click()
    wait_until(county, "document.getElementById('case-state').textContent === '补贴已支付到户'")
    timeline = county.inner_text("#timeline")
    assert "验收批复" in timeline and "资金支付（点对点到户）" in timeline and "杭财支付-2026-0012" in timeline
    shot(county, "subsidy-case-settled")
    county.goto(f"{server.url}/console/subsidy-cases")
    assert "刘秀英" in county.inner_text("#cases")
    shot(county, "subsidy-cases-list")

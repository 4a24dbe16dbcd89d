"""The 矿山监管 console page: each mine's status in words, in the caller's scope (issue 26 item 1)."""

from __future__ import annotations

import re

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


# --- one mine's page: the forms its read models allow, in the caller's scope ---------------------------------------


def _forms(html: str) -> set[str]:
    """The ids of the forms (and buttons) posting to the API on a page."""
    return set(re.findall(r'<(?:form|button)[^>]*\bid="([\w-]+)"[^>]*\bdata-api=', html))


def test_the_mine_page_offers_each_party_its_own_forms(world: World) -> None:
    stopped = f"/console/supervision/mines/{world.stopped_mine}"
    officer = world.get(stopped, world.officer)
    assert officer.status_code == 200
    forms = _forms(officer.text)
    assert {"census-open", "mine-profile-form", "mine-supervisors-form", "grade-form", "warning-push"} <= forms
    assert {"goaf-add", "equipment-add", "policy-add"} <= forms
    assert "mine-resume" not in forms  # the check refuses: no census this year
    assert "不得复工：本年度（2026年）未开展隐蔽致灾因素普查" in officer.text and "002#L183" in officer.text
    assert "capacity-apply" not in forms and "spot-check-form" not in forms  # not a coal mine; not graded
    assert "<script>" not in officer.text
    own = _forms(world.get(stopped, world.enterprise).text)
    assert {"census-open", "mine-profile-form", "goaf-add", "equipment-add", "policy-add"} <= own
    assert not own & {"mine-supervisors-form", "grade-form", "warning-push", "mine-resume"}
    goaf = {"kind": "goaf", "name": "-120m 采空区", "colour": "red", "assessed_on": "2026-10-01"}
    gid = world.post(f"/api/supervision/mines/{world.stopped_mine}/goafs", world.enterprise, goaf).json()["id"]
    policy = {"insurer": "示例财产保险公司", "policy_no": "AZX-1", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    pid = world.post("/api/supervision/insurance", world.enterprise, policy).json()["policies"][0]["id"]
    world.post("/api/supervision/deadlines/generate", world.officer)
    did = world.get("/api/supervision/deadlines", world.officer, mine_id=world.stopped_mine).json()["items"][0]["id"]
    entries = {f"goaf-edit-{gid}", f"policy-inspect-{pid}", f"deadline-done-{did}"}
    for who in (world.officer, world.enterprise):
        page = world.get(stopped, who).text
        assert entries <= _forms(page) and "红色（重大风险）" in page
    expert = world.get(stopped, world.expert)
    assert expert.status_code == 200 and _forms(expert.text) == set() and "-120m 采空区" in expert.text
    assert "capacity-apply" in _forms(world.get(f"/console/supervision/mines/{world.deep_mine}", world.enterprise).text)
    for who in (world.outsider, world.other_enterprise):  # another banner's officer, another enterprise
        assert world.get(stopped, who).status_code == 404
    assert world.get("/console/supervision/mines/999999", world.officer).status_code == 404
    listed = world.get("/console/supervision", world.officer).text
    assert f'href="/console/supervision/mines/{world.stopped_mine}"' in listed


def test_the_census_forms_follow_its_steps_to_the_resume_button(world: World) -> None:
    stopped = f"/console/supervision/mines/{world.stopped_mine}"
    census = world.post(
        f"/api/supervision/mines/{world.stopped_mine}/censuses",
        world.enterprise,
        {"year": 2026, "started_on": "2026-04-01"},
    ).json()
    cid = census["id"]
    fid = world.post(
        f"/api/supervision/censuses/{cid}/findings", world.enterprise, {"kind": "goaf", "description": "-120m 采空区"}
    ).json()["findings"][0]["id"]
    page = world.get(stopped, world.officer).text
    assert {f"census-finding-{cid}", f"finding-treat-{fid}", f"census-complete-{cid}"} <= _forms(page)
    assert "census-open" not in _forms(page)  # this year's census is registered
    assert "隐蔽致灾因素普查尚未完成" in page and "mine-resume" not in _forms(page)
    world.post(f"/api/supervision/censuses/{cid}/complete", world.enterprise, {"completed_on": "2026-10-15"})
    page = world.get(stopped, world.officer).text
    assert f"census-finding-{cid}" not in _forms(page) and f"finding-treat-{fid}" in _forms(page)
    assert "1 项隐蔽致灾因素尚未完成工程化治理" in page
    world.post(
        f"/api/supervision/censuses/{cid}/findings/{fid}/treatment",
        world.enterprise,
        {"treatment": "尾砂胶结充填", "treated_on": "2026-11-20"},
    )
    page = world.get(stopped, world.officer).text
    assert "复工条件已满足" in page and "mine-resume" in _forms(page)
    own = world.get(stopped, world.enterprise).text
    assert "复工条件已满足" in own and "mine-resume" not in _forms(own)  # the department decides


def test_the_register_pages_offer_the_loop_steps_to_their_party(world: World) -> None:
    body = {"mine_id": world.deep_mine, "title": "边坡位移速率增大", "assessment": "橙色风险", "respond_within_h": 2}
    wid = world.post("/api/supervision/warnings", world.officer, body | {"close_within_h": 48}).json()["id"]
    assert f"warning-respond-{wid}" in _forms(world.get("/console/supervision/warnings", world.enterprise).text)
    world.post(f"/api/supervision/warnings/{wid}/respond", world.enterprise, {"text": "已撤出人员"})
    assert f"warning-respond-{wid}" not in _forms(world.get("/console/supervision/warnings", world.enterprise).text)
    loop = world.get("/console/supervision/warnings", world.officer).text
    assert f"warning-close-{wid}" in _forms(loop) and "已撤出人员" in loop
    mine = world.get(f"/console/supervision/mines/{world.deep_mine}", world.officer).text
    assert f"warning-close-{wid}" in _forms(mine)

    ponds = "/console/supervision/ponds"
    assert "disposition-classify" in _forms(world.get(ponds, world.officer).text)
    assert _forms(world.get(ponds, world.enterprise).text) == set()
    world.put(
        f"/api/supervision/ponds/{world.pond}/disposition", world.officer, {"category": "suspend", "due": "2027-06-30"}
    )
    own = world.get(ponds, world.enterprise).text
    assert f"disposition-submit-{world.pond}" in _forms(own) and "停用整改" in own

    agencies = "/console/supervision/agencies"
    assert "agency-add" in _forms(world.get(agencies, world.officer).text)
    assert "agency-add" not in _forms(world.get(agencies, world.enterprise).text)
    aid = world.post(
        "/api/supervision/agencies",
        world.officer,
        {"name": "示例安全评价公司", "division_code": "150725", "services": "普查"},
    ).json()["id"]
    assert {f"agency-evaluate-{aid}", f"agency-negative-{aid}"} <= _forms(world.get(agencies, world.officer).text)
    assert _forms(world.get(agencies, world.enterprise).text) == set()

    for path in ("/console/supervision/evaluations", "/console/supervision/reach"):
        for who in (world.officer, world.enterprise):
            answer = world.get(path, who)
            assert answer.status_code == 200 and "<script>" not in answer.text

"""The Mayor's quality award over HTTP, on both engines: the nine stages (包府办发〔2025〕57号 第十八—二十六条,
seed 000 L137-L161) walked by the people each names, and every refusal with the article that forbids it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.programmes.conftest import World

pytestmark = pytest.mark.db

AWARD = "baotou-quality-award"
MATERIALS = ["application_form", "self_assessment", "proofs", "secrets_declaration"]
GOOD = {
    "registered_locally": True,
    "operating_years": 3,  # 连续正常生产经营3年以上 (L101): 3 is enough
    "chief_quality_officer": True,
    "excellence_years": 2,  # 实施卓越绩效模式2年以上 (L103)
    "industry_leader": True,
    "outstanding_results": True,
    "policy_noncompliant": False,
    "licences_missing": False,
    "credit_listed": False,
}


def open_round(world: World, number: int = 1, until: str = "2026-12-31") -> int:
    body = {
        "programme": AWARD,
        "number": number,
        "title": f"第{number}届包头市市长质量奖",
        "approval_ref": "市政府第5次常务会议",
        "approved_on": "2026-11-20",
        "notice_on": "2026-11-23",
        "apply_until": until,
    }
    return int(world.call("city", "POST", "/api/programmes/rounds", body, 201)["id"])


def apply(
    world: World, round_id: int, who: str = "kun_firm", org: str = "kun", expect: int = 201, **changes: Any
) -> Any:
    body = {"round_id": round_id, "organisation_id": world.orgs[org], "facts": GOOD, "materials": MATERIALS, **changes}
    return world.call(who, "POST", "/api/programmes/applications", body, expect)


def advance(world: World, who: str, app_id: int, expect: int = 200, **body: Any) -> Any:
    return world.call(
        who, "POST", f"/api/programmes/applications/{app_id}/advance", body or {"outcome": "pass"}, expect
    )


def error(response: Any) -> dict[str, Any]:
    return dict(response["error"])


def panel(world: World, round_id: int, code: str, names: list[str], leader: str) -> None:
    members = [{"expert_id": world.experts[n], "username": n, "leader": n == leader} for n in names]
    world.call("city", "POST", f"/api/programmes/rounds/{round_id}/panels", {"panel": code, "members": members}, 201)


def score_all(world: World, app_id: int, names: list[str], value: float) -> None:
    for name in names:
        body = {"score": value, "opinion": "质量管理体系健全"}
        world.call(name, "POST", f"/api/programmes/applications/{app_id}/scores", body, 201)


def to_scoring(world: World, round_id: int, app_id: int) -> None:
    """自愿申报 → 内部公示（5个工作日）→ 旗县区初审 → 资格审查 → 资格公示（5个工作日）→ 材料评审."""
    world.at(date(2026, 12, 1))  # 23 Nov + 5 working days = 30 Nov; open from 1 Dec
    advance(world, "kun_firm", app_id)
    advance(world, "kun", app_id)
    app = advance(world, "city", app_id)
    assert app["stage"] == "qualification_publicity" and app["period_ends_on"] == "2026-12-08"
    world.at(date(2026, 12, 9))
    advance(world, "city", app_id)


def test_the_nine_stages_from_application_to_award_and_its_afterlife(world: World) -> None:
    round_id = open_round(world)
    app = apply(world, round_id)
    assert app["stage"] == "internal_publicity" and app["period_ends_on"] == "2026-11-30"
    app_id = app["id"]
    material, site = ["expert1", "expert2", "expert3"], ["expert4", "expert5", "expert6"]
    panel(world, round_id, "material", material, "expert1")
    panel(world, round_id, "site", site, "expert4")
    to_scoring(world, round_id, app_id)
    score_all(world, app_id, material, 80)
    assert advance(world, "city", app_id)["stage"] == "site_review"
    score_all(world, app_id, site, 90)
    app = advance(world, "city", app_id)
    assert app["stage"] == "composite_review" and app["composite"] == 85.0  # equal weights (decisions.md)
    assert advance(world, "city", app_id)["stage"] == "final_deliberation"
    chosen = world.call(
        "city", "POST", f"/api/programmes/rounds/{round_id}/select", {"winners": [app_id], "reason": "专题会议决定"}
    )
    assert chosen[0]["stage"] == "award_publicity"
    world.at(date(2026, 12, 17))  # 9 Dec + 7 working days = 18 Dec: still in the notice
    assert "2026-12-18" in error(advance(world, "city", app_id, 422))["message"]
    world.at(date(2026, 12, 19))
    assert advance(world, "city", app_id)["stage"] == "conferred"
    app = advance(world, "city", app_id)
    assert app["state"] == "conferred"
    history = world.call("city", "GET", f"/api/programmes/applications/{app_id}")["history"]
    assert [h["action"] for h in history][:3] == ["submit", "pass", "pass"] and history[-1]["action"] == "confer"
    titles = world.call("city", "GET", f"/api/programmes/{AWARD}/titles")["items"]
    title = world.call("city", "GET", f"/api/programmes/titles/{titles[0]['id']}")
    assert [v["due_on"] for v in title["visits"]] == [
        "2027-12-19",
        "2028-12-19",
        "2029-12-19",
    ]  # 获奖3年内定期寻访 (L175)
    # 获奖后3年内发生较大及以上事故 → revocation (L173); an accident on the same day three years later is still inside
    world.at(date(2030, 1, 5))
    world.renew("city", "baotou_quality")
    late = {"ground": "major_accident", "event_on": "2029-12-20", "reason": "较大生产安全事故"}
    assert (
        error(world.call("city", "POST", f"/api/programmes/titles/{title['id']}/revoke", late, 422))["basis"][0]["seed"]
        == "000#L173"
    )
    inside = {**late, "event_on": "2029-12-19"}
    assert world.call("city", "POST", f"/api/programmes/titles/{title['id']}/revoke", inside)["state"] == "revoked"


def test_a_past_winner_waits_three_rounds(world: World) -> None:
    """获奖单位再次申报应当间隔三届 (L62): a winner of round 1 may apply again from round 5."""
    past = {"organisation_id": world.orgs["kun"], "round_number": 1, "conferred_on": "2020-01-01"}
    assert world.call("kun", "POST", f"/api/programmes/{AWARD}/titles", past, 403)
    world.call("city", "POST", f"/api/programmes/{AWARD}/titles", past, 201)
    refused = error(apply(world, open_round(world, 4), expect=422))
    assert "第5届起" in refused["message"] and refused["basis"][0]["seed"] == "000#L62"
    assert apply(world, open_round(world, 5))["stage"] == "internal_publicity"


def test_the_step_history_is_append_only(world: World, db_session: Any) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    apply(world, open_round(world))
    for statement in ("UPDATE programme_application_event SET actor = 'x'", "DELETE FROM programme_application_event"):
        with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
            db_session.execute(text(statement))


@pytest.mark.parametrize(
    ("changes", "seed"),
    [
        ({"operating_years": 2.9}, "000#L101"),
        ({"excellence_years": 1}, "000#L103"),
        ({"chief_quality_officer": False}, "000#L103"),
        ({"credit_listed": True}, "000#L133"),
        ({"licences_missing": None}, "000#L125"),  # not declared is not shown
    ],
)
def test_an_ineligible_enterprise_is_refused_with_the_article(world: World, changes: dict[str, Any], seed: str) -> None:
    facts = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    refused = error(apply(world, open_round(world), facts=facts, expect=422))
    assert refused["code"] == "rule_violation" and refused["field"] == "facts"
    assert [b["seed"] for b in refused["basis"]] == [seed]


def test_the_three_year_look_back_for_accidents(world: World) -> None:
    """近3年有较大及以上…责任事故 (L127): 23 Nov 2023 is inside the window on 23 Nov 2026, 22 Nov 2023 is not."""
    round_id = open_round(world)
    old = [{"kind": "major_accident", "on": "2023-11-22"}]
    assert apply(world, round_id, events=old)["stage"] == "internal_publicity"
    recent = [{"kind": "major_accident", "on": "2023-11-23"}]
    refused = error(apply(world, round_id, who="qing_firm", org="qing", events=recent, expect=422))
    assert refused["basis"][0]["seed"] == "000#L127" and "2023-11-23" in refused["message"]


def test_missing_materials_and_the_wrong_people(world: World) -> None:
    round_id = open_round(world)
    refused = error(apply(world, round_id, materials=MATERIALS[:2], expect=422))
    assert (
        refused["field"] == "materials"
        and "自我评价报告" not in refused["message"]
        and "相关证明性材料" in refused["message"]
    )
    # an enterprise cannot apply for another enterprise; a county officer cannot apply for it
    assert apply(world, round_id, who="qing_firm", org="kun", expect=404)
    assert error(apply(world, round_id, who="kun", expect=403))["code"] == "forbidden"
    app_id = apply(world, round_id)["id"]
    world.at(date(2026, 11, 30))
    assert "5个工作日" in error(advance(world, "kun_firm", app_id, 422))["message"]  # the notice runs to 30 Nov
    world.at(date(2026, 12, 1))
    advance(world, "kun_firm", app_id)
    # 旗县区初审 belongs to the county where the enterprise is registered (L145)
    assert error(advance(world, "city", app_id, 403))["basis"][0]["seed"] == "000#L145"
    assert error(advance(world, "qing", app_id, 404))["code"] == "not_found"  # another county cannot see it
    assert world.call("ordos", "GET", f"/api/programmes/applications/{app_id}", expect=404)
    assert world.call("qing_firm", "GET", f"/api/programmes/applications/{app_id}", expect=404)
    # returned for revision, then resubmitted by the enterprise
    back = advance(world, "kun", app_id, outcome="return", reason="证明材料不清晰")
    assert back["state"] == "returned" and back["stage"] == "applied"
    again = world.call(
        "kun_firm", "POST", f"/api/programmes/applications/{app_id}/resubmit", {"facts": GOOD, "materials": MATERIALS}
    )
    assert again["state"] == "active" and again["stage"] == "internal_publicity"


def test_the_round_limits(world: World) -> None:
    round_id = open_round(world)
    world.at(date(2027, 1, 1))
    refused = error(apply(world, round_id, expect=422))
    assert refused["field"] == "round_id" and "申报期" in refused["message"]
    assert world.call(
        "city",
        "POST",
        "/api/programmes/rounds",
        {
            "programme": AWARD,
            "number": 1,
            "title": "重复",
            "approval_ref": "x",
            "approved_on": "2026-11-20",
            "notice_on": "2026-11-23",
            "apply_until": "2026-12-31",
        },
        409,
    )
    bad = {
        "programme": AWARD,
        "number": 2,
        "title": "x",
        "approval_ref": "x",
        "approved_on": "2026-11-20",
        "notice_on": "2026-11-19",
        "apply_until": "2026-12-31",
    }
    assert world.call("city", "POST", "/api/programmes/rounds", bad, 422)["error"]["field"]
    assert error(world.call("kun", "POST", "/api/programmes/rounds", {**bad, "notice_on": "2026-11-23"}, 403))


def test_objections_in_the_qualification_notice(world: World) -> None:
    round_id = open_round(world)
    app_id = apply(world, round_id)["id"]
    world.at(date(2026, 12, 1))
    advance(world, "kun_firm", app_id)
    advance(world, "kun", app_id)
    advance(world, "city", app_id)  # qualification notice 1–8 Dec
    body = {"objector": "张三", "contact": "13800000000", "written": True, "content": "该企业2024年发生较大事故"}
    world.at(date(2026, 12, 9))
    late = error(
        world.call(
            "city",
            "POST",
            f"/api/programmes/applications/{app_id}/objections",
            {**body, "received_on": "2026-12-09"},
            422,
        )
    )
    assert late["field"] == "received_on" and "公示期间" in late["message"]
    objection = world.call(
        "city", "POST", f"/api/programmes/applications/{app_id}/objections", {**body, "received_on": "2026-12-08"}, 201
    )
    assert "异议" in error(advance(world, "city", app_id, 422))["message"]
    resolved = world.call(
        "city", "POST", f"/api/programmes/objections/{objection['id']}/resolve", {"upheld": True, "reply": "经复核属实"}
    )
    assert resolved["state"] == "upheld"
    app = world.call("city", "GET", f"/api/programmes/applications/{app_id}")
    assert app["state"] == "disqualified"
    assert error(advance(world, "city", app_id, 422))["code"] == "rule_violation"


def test_at_most_five_winners_a_round(world: World, db_session: Any) -> None:
    """每届授奖总数不超过5个 (L62): a sixth is refused, and vacancy is allowed."""
    from yingji.programmes.models import Application

    round_id = open_round(world)
    ids = []
    for index in range(6):
        org = factories_enterprise(db_session, f"测试企业{index}", "150203")
        row = Application(
            round_id=round_id,
            programme_id=AWARD,
            subject_name=f"测试企业{index}",
            organisation_id=org,
            division_code="150203",
            facts={},
            events=[],
            materials=[],
            stage="final_deliberation",
            state="active",
            stage_entered_on=date(2026, 11, 23),
            scores={},
            submitted_by="t",
            created_at=world.clock.now(),
            updated_at=world.clock.now(),
        )
        db_session.add(row)
        db_session.flush()
        ids.append(row.id)
    refused = error(
        world.call(
            "city", "POST", f"/api/programmes/rounds/{round_id}/select", {"winners": ids, "reason": "专题会议"}, 422
        )
    )
    assert "不超过5个" in refused["message"] and refused["basis"][0]["seed"] == "000#L62"
    chosen = world.call(
        "city", "POST", f"/api/programmes/rounds/{round_id}/select", {"winners": ids[:5], "reason": "专题会议"}
    )
    assert sorted(a["stage"] for a in chosen).count("award_publicity") == 5
    assert [a["state"] for a in chosen].count("not_selected") == 1


def factories_enterprise(db_session: Any, name: str, division: str) -> int:
    from tests import factories

    return int(factories.enterprise(db_session, name, division).id)


def test_panels_keep_their_rules_and_experts_their_place(world: World) -> None:
    round_id = open_round(world)
    app_id = apply(world, round_id, who="qing_firm", org="qing")["id"]
    no_leader = [{"expert_id": world.experts[n], "username": n} for n in ("expert1", "expert2", "expert3")]
    refused = error(
        world.call(
            "city",
            "POST",
            f"/api/programmes/rounds/{round_id}/panels",
            {"panel": "material", "members": no_leader},
            422,
        )
    )
    assert "组长" in refused["message"] and refused["basis"][0]["seed"] == "000#L149"
    # expert0 works for the applicant: recused automatically (第二十七条, L165)
    panel(world, round_id, "material", ["expert0", "expert1", "expert2"], "expert1")
    world.at(date(2026, 12, 1))
    advance(world, "qing_firm", app_id)
    advance(world, "qing", app_id)
    advance(world, "city", app_id)
    world.at(date(2026, 12, 9))
    advance(world, "city", app_id)
    assert world.call("expert0", "GET", f"/api/programmes/applications/{app_id}", expect=404)
    refused = world.call(
        "expert0", "POST", f"/api/programmes/applications/{app_id}/scores", {"score": 99, "opinion": "好"}, 404
    )
    assert refused["error"]["code"] == "not_found"
    assert world.call(
        "expert7", "POST", f"/api/programmes/applications/{app_id}/scores", {"score": 80, "opinion": "好"}, 404
    )
    world.call(
        "expert1", "POST", f"/api/programmes/applications/{app_id}/scores", {"score": 70, "opinion": "一般"}, 201
    )
    assert world.call(
        "expert1", "POST", f"/api/programmes/applications/{app_id}/scores", {"score": 71, "opinion": "改"}, 409
    )
    assert "专家2" in error(advance(world, "city", app_id, 422))["message"]
    world.call(
        "expert2", "POST", f"/api/programmes/applications/{app_id}/scores", {"score": 75, "opinion": "较好"}, 201
    )
    own = world.call("expert1", "GET", f"/api/programmes/applications/{app_id}")["scores_detail"]
    assert [d["member"] for d in own] == ["专家1"]  # experts score independently: each sees only their own
    assert len(world.call("city", "GET", f"/api/programmes/applications/{app_id}")["scores_detail"]) == 2
    assert world.call("qing_firm", "GET", f"/api/programmes/applications/{app_id}")["scores_detail"] == []
    out = advance(world, "city", app_id, outcome="reject", reason="材料评审未进入现场评审")
    assert out["state"] == "rejected" and out["scores"] == {"material": 72.5}

"""Error paths of /api/programmes and /api/rehab not walked by the flow tests: each refusal with its code and field,
and nothing changed by a refused request."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from tests.programmes.conftest import World
from tests.programmes.test_quality_award import AWARD, GOOD, MATERIALS, advance, apply, error, open_round, panel

pytestmark = pytest.mark.db


def test_rounds_close_only_when_nothing_is_pending(world: World) -> None:
    round_id = open_round(world)
    app_id = apply(world, round_id)["id"]
    pending = error(world.call("city", "POST", f"/api/programmes/rounds/{round_id}/close", None, 422))
    assert "1件申报未办结" in pending["message"]
    assert world.call("kun", "POST", f"/api/programmes/rounds/{round_id}/close", None, 403)
    withdrawn = world.call(
        "kun_firm", "POST", f"/api/programmes/applications/{app_id}/withdraw", {"reason": "暂不申报"}
    )
    assert withdrawn["state"] == "withdrawn"
    assert error(
        world.call("kun_firm", "POST", f"/api/programmes/applications/{app_id}/withdraw", {"reason": "再次"}, 422)
    )
    closed = world.call("city", "POST", f"/api/programmes/rounds/{round_id}/close")
    assert closed["closed_on"] == "2026-11-23"
    assert world.call("city", "POST", f"/api/programmes/rounds/{round_id}/close", None, 409)
    members = [{"expert_id": world.experts["expert1"], "username": "expert1", "leader": True}]
    ended = error(
        world.call(
            "city", "POST", f"/api/programmes/rounds/{round_id}/panels", {"panel": "material", "members": members}, 422
        )
    )
    assert "评审专家组已撤销" in ended["message"]


def test_panel_requests_that_break_the_programme(world: World) -> None:
    round_id = open_round(world)

    drawn = error(world.call("city", "POST", f"/api/programmes/rounds/{round_id}/draw", {"panel": "material"}, 422))
    assert "不随机抽选" in drawn["message"]
    assert world.call("city", "POST", f"/api/programmes/rounds/{round_id}/draw", {"panel": "nope"}, 404)
    unknown = [{"expert_id": 999999, "leader": True}]
    assert (
        error(
            world.call(
                "city",
                "POST",
                f"/api/programmes/rounds/{round_id}/panels",
                {"panel": "material", "members": unknown},
                422,
            )
        )["field"]
        == "members"
    )
    panel(world, round_id, "material", ["expert1", "expert2"], "expert1")
    again = {"panel": "material", "members": [{"expert_id": world.experts["expert3"], "leader": True}]}
    assert world.call("city", "POST", f"/api/programmes/rounds/{round_id}/panels", again, 409)


def test_the_heritage_committee_is_not_drawn_and_the_expert_panel_not_appointed(world: World) -> None:
    body = {
        "programme": "baotou-ich-bearers",
        "number": 1,
        "title": "第一批",
        "approval_ref": "x",
        "approved_on": "2026-11-20",
        "notice_on": "2026-11-23",
        "apply_until": "2026-12-31",
    }
    batch = world.call("city", "POST", "/api/programmes/rounds", body, 201)["id"]
    members = [{"expert_id": world.experts[f"expert{i}"]} for i in range(1, 8)]
    assert (
        "随机抽选"
        in error(
            world.call(
                "city", "POST", f"/api/programmes/rounds/{batch}/panels", {"panel": "experts", "members": members}, 422
            )
        )["message"]
    )
    assert (
        "不随机抽选"
        in error(world.call("city", "POST", f"/api/programmes/rounds/{batch}/draw", {"panel": "committee"}, 422))[
            "message"
        ]
    )
    pool = {"expert_id": world.experts["expert1"], "categories": ["传统医药"], "appointed_on": "2026-01-01"}
    world.call("city", "POST", "/api/programmes/pools/ich", pool, 201)
    assert world.call("city", "POST", "/api/programmes/pools/ich", pool, 409)
    assert world.call("city", "POST", "/api/programmes/pools/ich", {**pool, "expert_id": 999999}, 422)
    assert world.call("kun", "POST", "/api/programmes/pools/ich", {**pool, "expert_id": world.experts["expert2"]}, 403)
    assert world.call("city", "POST", "/api/programmes/pools/nope", pool, 404)
    assert [m["name"] for m in world.call("kun", "GET", "/api/programmes/pools/ich")["items"]] == ["专家1"]


def test_list_decisions_outside_the_rules(world: World) -> None:
    round_id = open_round(world)
    app_id = apply(world, round_id)["id"]
    nobody = error(
        world.call("city", "POST", f"/api/programmes/rounds/{round_id}/select", {"winners": [], "reason": "x"}, 422)
    )
    assert "没有处于" in nobody["message"]
    assert error(advance(world, "city", app_id, 403))["code"] == "forbidden"  # the applicant's own internal notice
    assert world.call(
        "kun", "POST", f"/api/programmes/rounds/{round_id}/select", {"winners": [app_id], "reason": "x"}, 403
    )
    stale = error(advance(world, "kun_firm", app_id, 409, outcome="pass", expected_stage="county_review"))
    assert stale["code"] == "conflict"
    assert error(advance(world, "kun_firm", app_id, 422, outcome="reject", reason="x"))["code"] == "rule_violation"
    assert world.call("kun_firm", "POST", f"/api/programmes/applications/{app_id}/advance", {"outcome": "reject"}, 422)


def test_objection_edges(world: World) -> None:
    round_id = open_round(world)
    app_id = apply(world, round_id)["id"]
    body = {"objector": "张三", "written": True, "content": "材料不实"}
    inside = error(world.call("city", "POST", f"/api/programmes/applications/{app_id}/objections", body, 422))
    assert "不受理异议" in inside["message"]  # the enterprise's internal notice takes no public objections
    world.at(date(2026, 12, 1))
    advance(world, "kun_firm", app_id)
    advance(world, "kun", app_id)
    advance(world, "city", app_id)
    future = error(
        world.call(
            "city",
            "POST",
            f"/api/programmes/applications/{app_id}/objections",
            {**body, "received_on": "2026-12-02"},
            422,
        )
    )
    assert future["field"] == "received_on"
    filed = world.call("city", "POST", f"/api/programmes/applications/{app_id}/objections", body, 201)
    assert filed["reply_due"] is None  # the award sets no reply period
    assert world.call(
        "kun", "POST", f"/api/programmes/objections/{filed['id']}/resolve", {"upheld": False, "reply": "x"}, 403
    )
    world.call(
        "city", "POST", f"/api/programmes/objections/{filed['id']}/resolve", {"upheld": False, "reply": "不属实"}
    )
    assert world.call(
        "city", "POST", f"/api/programmes/objections/{filed['id']}/resolve", {"upheld": True, "reply": "x"}, 409
    )
    assert world.call("city", "POST", "/api/programmes/objections/999999/resolve", {"upheld": True, "reply": "x"}, 404)
    assert world.call("city", "GET", f"/api/programmes/applications/{app_id}")["state"] == "active"


def test_titles_revocation_ends_and_visits(world: World) -> None:
    past = world.call(
        "city",
        "POST",
        f"/api/programmes/{AWARD}/titles",
        {"organisation_id": world.orgs["kun"], "round_number": 1, "conferred_on": "2025-06-01"},
        201,
    )
    title = past["id"]
    assert world.call(
        "city", "POST", f"/api/programmes/{AWARD}/titles", {"round_number": 1, "conferred_on": "2025-06-01"}, 422
    )
    assert world.call(
        "city",
        "POST",
        f"/api/programmes/{AWARD}/titles",
        {"organisation_id": world.orgs["kun"], "round_number": 1, "conferred_on": "2027-01-01"},
        422,
    )
    revoke = {"ground": "bribery", "event_on": "2026-01-01", "reason": "x"}
    assert error(world.call("city", "POST", f"/api/programmes/titles/{title}/revoke", revoke, 422))["field"] == "ground"
    future = {**revoke, "ground": "major_accident", "event_on": "2026-12-01"}
    assert (
        error(world.call("city", "POST", f"/api/programmes/titles/{title}/revoke", future, 422))["field"] == "event_on"
    )
    before = {**revoke, "ground": "fraud", "event_on": "2025-05-01"}
    assert (
        error(world.call("city", "POST", f"/api/programmes/titles/{title}/revoke", before, 422))["code"]
        == "rule_violation"
    )
    ended = error(
        world.call(
            "city",
            "POST",
            f"/api/programmes/titles/{title}/end",
            {"kind": "deceased", "on": "2026-01-01", "reason": "x"},
            422,
        )
    )
    assert "年度评估" in ended["message"]  # the award has no bearer rules
    assert world.call(
        "city", "POST", f"/api/programmes/titles/{title}/evaluations", {"year": 2026, "grade": "qualified"}, 422
    )
    assert (
        world.call("kun_firm", "GET", f"/api/programmes/titles/{title}")["subject_name"] == "包头钢铁测试股份有限公司"
    )
    assert world.call("qing_firm", "GET", f"/api/programmes/titles/{title}", expect=404)
    assert world.call("city", "GET", "/api/programmes/titles/999999", expect=404)


def test_visits_are_recorded_once_and_not_in_the_future(world: World) -> None:
    round_id = open_round(world)
    app_id = apply(world, round_id)["id"]
    from yingji.programmes.models import Application, Title, Visit

    row = world.db.get(Application, app_id)
    assert row is not None
    row.stage = "conferred"
    world.db.flush()
    advance(world, "city", app_id)
    title = world.db.query(Title).filter_by(application_id=app_id).one()
    visit = world.db.query(Visit).filter_by(title_id=title.id).order_by(Visit.due_on).first()
    assert visit is not None
    assert world.call(
        "city", "POST", f"/api/programmes/visits/{visit.id}", {"visited_on": "2026-11-24", "notes": "x"}, 422
    )
    assert world.call(
        "qing_firm", "POST", f"/api/programmes/visits/{visit.id}", {"visited_on": "2026-11-23", "notes": "x"}, 404
    )
    done = world.call(
        "kun", "POST", f"/api/programmes/visits/{visit.id}", {"visited_on": "2026-11-23", "notes": "生产经营正常"}
    )
    assert done["visited_on"] == "2026-11-23"
    assert world.call(
        "city", "POST", f"/api/programmes/visits/{visit.id}", {"visited_on": "2026-11-23", "notes": "x"}, 409
    )
    assert world.call("city", "POST", "/api/programmes/visits/999999", {"visited_on": "2026-11-23", "notes": "x"}, 404)


def test_evaluation_input_refusals(world: World) -> None:
    from tests.programmes.test_heritage import bearer, evaluate

    title = bearer(world, world.db)
    assert evaluate(world, title, 2021, "qualified", expect=422)["error"]["field"] == "year"
    assert evaluate(world, title, 2026, "fair", expect=404)["error"]["field"] == "grade"
    assert (
        evaluate(world, title, 2026, "unqualified", expect=422, circumstances=["nope"])["error"]["field"]
        == "circumstances"
    )
    assert world.call(
        "qing", "POST", f"/api/programmes/titles/{title}/evaluations", {"year": 2026, "grade": "qualified"}, 404
    )
    assert world.call(
        "city",
        "POST",
        f"/api/programmes/titles/{title}/end",
        {"kind": "waived", "on": "2021-01-01", "reason": "x"},
        422,
    )


def test_reading_the_programmes_and_the_self_check(world: World) -> None:
    listed = {p["id"] for p in world.call("kun_firm", "GET", "/api/programmes")["items"]}
    assert listed == {AWARD, "baotou-ich-bearers"}
    assert world.call("ordos", "GET", "/api/programmes") == {"items": [], "total": 0, "limit": 50, "offset": 0}
    assert world.call("ordos", "GET", f"/api/programmes/{AWARD}", expect=404)
    assert world.call("city", "GET", "/api/programmes/nope", expect=404)
    check = world.call("kun_firm", "POST", f"/api/programmes/{AWARD}/check", {"facts": GOOD})
    assert check["eligible"] is True
    check = world.call(
        "kun_firm",
        "POST",
        f"/api/programmes/{AWARD}/check",
        {"facts": GOOD, "events": [{"kind": "tax_violation", "on": "2025-01-01"}]},
    )
    assert check["eligible"] is False and [e["code"] for e in check["exclusions"] if e["holds"]] == ["tax_violation"]
    assert world.call("kun_firm", "POST", f"/api/programmes/{AWARD}/check", {"facts": {"Bad Key": 1}}, 422)


def test_the_round_export(world: World) -> None:
    import io

    round_id = open_round(world)
    apply(world, round_id, materials=MATERIALS)
    response = world.call("city", "GET", f"/api/programmes/rounds/{round_id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "申报人", "行政区划") and rows[1][1] == "包头钢铁测试股份有限公司"
    assert world.call("ordos", "GET", f"/api/programmes/rounds/{round_id}/export.xlsx", expect=404)


def test_rehab_refusals(world: World) -> None:
    from tests.programmes.test_rehab import case, institution, sign

    inst = institution(world)["id"]
    assert world.call(
        "city",
        "POST",
        "/api/rehab/institutions",
        {
            "name": "包头市第四医院（测试）",
            "kind": "综合医院",
            "division_code": "150203",
            "conditions": ["licensed", "premises", "transport", "compliance"],
        },
        409,
    )
    assert (
        world.call(
            "city",
            "POST",
            "/api/rehab/institutions",
            {"name": "x", "kind": "诊所", "division_code": "150203", "conditions": []},
            422,
        )["error"]["field"]
        == "kind"
    )
    assert (
        world.call(
            "city",
            "POST",
            "/api/rehab/institutions",
            {"name": "y", "kind": "综合医院", "division_code": "159999", "conditions": []},
            403,
        )["error"]["field"]
        == "division_code"
    )
    agreement = sign(world, inst, 2026)
    assert sign(world, inst, 2030, 422)["error"]["field"] == "signed_on"
    assess = {"result": "passed", "assessed_on": "2026-11-20"}
    world.call("city", "POST", f"/api/rehab/agreements/{agreement['id']}/assessment", assess)
    assert world.call("city", "POST", f"/api/rehab/agreements/{agreement['id']}/assessment", assess, 409)
    assert world.call("city", "POST", "/api/rehab/agreements/999999/assessment", assess, 404)
    assert sign(world, inst, 2027)["year"] == 2027
    home = case(world, inst, "home")
    assert world.call("kun", "POST", f"/api/rehab/cases/{home['id']}/gate", {"approve": True, "opinion": "x"}, 409)
    assert case(world, inst, "spa", 404)["error"]["field"] == "mode"
    early = case(world, inst, "early")
    assert world.call("kun", "POST", f"/api/rehab/cases/{early['id']}/end", {"ends_on": "2026-11-30"}, 409)
    refused = world.call("kun", "POST", f"/api/rehab/cases/{early['id']}/gate", {"approve": False, "opinion": "不符合"})
    assert refused["state"] == "refused"
    assert world.call("kun", "POST", f"/api/rehab/cases/{home['id']}/end", {"ends_on": "2026-11-01"}, 422)
    assert world.call(
        "kun",
        "POST",
        f"/api/rehab/cases/{home['id']}/end",
        {"ends_on": "2026-11-30", "discharged_on": "2026-11-01"},
        422,
    )
    assert world.call("kun", "POST", "/api/rehab/alerts/999999/close", {"reason": "x"}, 404)
    assert world.call("qing", "GET", f"/api/rehab/cases/{home['id']}", expect=404)
    assert world.call("expert1", "GET", "/api/rehab/rules", expect=403)

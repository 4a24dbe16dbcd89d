"""Municipal intangible-heritage bearers over HTTP, on both engines (包文旅广电发〔2025〕26号, seed 000 L1809-L2071):
recognition through a drawn panel and a 20-day notice with written objections, then the bearer's years."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.programmes.conftest import World

pytestmark = pytest.mark.db

ICH = "baotou-ich-bearers"
MATERIALS = [
    "basic_info",
    "lineage",
    "skills_evidence",
    "apprentices",
    "objects",
    "declaration",
    "other_evidence",
    "recommendation",
    "credit_and_record",
]
FACTS = {
    "citizen": True,
    "household_registered": False,
    "residence_years": 10,
    "practice_years": 15,
    "practises_directly": True,
    "licence_required": False,
}


def open_batch(world: World) -> int:
    body = {
        "programme": ICH,
        "number": 1,
        "title": "第一批市级传承人认定",
        "approval_ref": "包文旅广电字〔2026〕1号",
        "approved_on": "2026-11-20",
        "notice_on": "2026-11-23",
        "apply_until": "2026-12-31",
    }
    return int(world.call("city", "POST", "/api/programmes/rounds", body, 201)["id"])


def apply(world: World, round_id: int, expect: int = 201, id_number: str = "150203196001011234", **changes: Any) -> Any:
    body = {
        "round_id": round_id,
        "subject_name": "王师傅",
        "division_code": "150203",
        "category": "传统医药",
        "item_name": "蒙医正骨",
        "person": {"id_number": id_number, "birth_year": 1960, "ethnicity": "蒙古族"},
        "facts": FACTS,
        "materials": MATERIALS,
        **changes,
    }
    return world.call("kun", "POST", "/api/programmes/applications", body, expect)


def pool(world: World, names: list[str], category: str | None = None) -> None:
    for name in names:
        index = int(name.removeprefix("expert"))
        categories = [category] if category else [["传统医药", "传统技艺", "传统音乐", "民间文学"][index % 4]]
        body = {
            "expert_id": world.experts[name],
            "username": name,
            "categories": categories,
            "appointed_on": "2026-01-01",
        }
        world.call("city", "POST", "/api/programmes/pools/ich", body, 201)


def test_recognition_with_a_random_panel_and_the_twenty_day_notice(world: World) -> None:
    batch = open_batch(world)
    app = apply(world, batch)
    assert app["stage"] == "county_review" and "person_key" not in app and app["person_label"].startswith("150203")
    app_id = app["id"]
    world.call("kun", "POST", f"/api/programmes/applications/{app_id}/advance", {"outcome": "pass"})
    # 专家评审组不少于7人…传统医药类专家不少于2人…总人数应为奇数 (L1901): a pool with one 传统医药 expert cannot serve
    pool(world, ["expert1", "expert2", "expert3", "expert5", "expert6", "expert7", "expert9", "expert10"])
    short = world.call("city", "POST", f"/api/programmes/rounds/{batch}/draw", {"panel": "experts"}, 422)["error"]
    assert "传统医药类专家不足2人" in short["message"] and short["basis"][0]["seed"] == "000#L1901"
    pool(world, ["expert4", "expert8"])  # now three 传统医药 experts (4, 8 and 0 is not in the pool)
    drawn = world.call("city", "POST", f"/api/programmes/rounds/{batch}/draw", {"panel": "experts"}, 201)
    members = drawn["members"]
    assert len(members) == 7 and sum("传统医药" in m["categories"] for m in members) >= 2
    appointed = [{"expert_id": world.experts[n], "username": n} for n in ("expert1", "expert2", "expert3", "expert5")]
    small = world.call(
        "city", "POST", f"/api/programmes/rounds/{batch}/panels", {"panel": "committee", "members": appointed}, 422
    )
    assert "少于5人" in small["error"]["message"]
    committee: list[dict[str, Any]] = [*appointed, {"expert_id": world.experts["expert6"], "username": "expert6"}]
    world.call(
        "city", "POST", f"/api/programmes/rounds/{batch}/panels", {"panel": "committee", "members": committee}, 201
    )
    world.call("city", "POST", f"/api/programmes/applications/{app_id}/advance", {"outcome": "pass"})  # 复核
    for member in members:
        world.call(
            member["username"],
            "POST",
            f"/api/programmes/applications/{app_id}/scores",
            {"score": 88, "opinion": "技艺精湛"},
            201,
        )
    world.call("city", "POST", f"/api/programmes/applications/{app_id}/advance", {"outcome": "pass"})
    for member in committee:
        world.call(
            member["username"],
            "POST",
            f"/api/programmes/applications/{app_id}/scores",
            {"score": 90, "opinion": "同意推荐"},
            201,
        )
    assert (
        world.call("city", "POST", f"/api/programmes/applications/{app_id}/advance", {"outcome": "pass"})["stage"]
        == "bureau_decision"
    )
    chosen = world.call(
        "city", "POST", f"/api/programmes/rounds/{batch}/select", {"winners": [app_id], "reason": "局务会研究确定"}
    )
    assert chosen[0]["stage"] == "publicity" and chosen[0]["period_ends_on"] == "2026-12-13"  # 不少于20日 (L1921)
    objection = {"objector": "李四", "contact": "0472-0000000", "written": False, "content": "从业年限不实"}
    oral = world.call("city", "POST", f"/api/programmes/applications/{app_id}/objections", objection, 422)["error"]
    assert "书面形式实名" in oral["message"] and oral["basis"][0]["seed"] == "000#L1923"
    filed = world.call(
        "city", "POST", f"/api/programmes/applications/{app_id}/objections", {**objection, "written": True}, 201
    )
    assert filed["reply_due"] == "2026-12-23"  # 收到意见之日起30日内书面答复
    world.at(date(2026, 12, 24))
    listed = world.call("city", "GET", f"/api/programmes/applications/{app_id}")["objections"]
    assert listed[0]["reply_overdue"] is True
    world.call(
        "city",
        "POST",
        f"/api/programmes/objections/{filed['id']}/resolve",
        {"upheld": False, "reply": "经核实从业18年"},
    )
    world.call("city", "POST", f"/api/programmes/applications/{app_id}/advance", {"outcome": "pass"})
    done = world.call("city", "POST", f"/api/programmes/applications/{app_id}/advance", {"outcome": "pass"})
    assert done["state"] == "conferred"
    # 每2—4年组织开展一批 (L1848): a second batch a month later is refused, one two years to the day later is not
    second = {
        "programme": ICH,
        "number": 2,
        "title": "第二批",
        "approval_ref": "x",
        "approved_on": "2026-12-20",
        "notice_on": "2026-12-24",
        "apply_until": "2027-01-31",
    }
    soon = world.call("city", "POST", "/api/programmes/rounds", second, 422)["error"]
    assert (soon["subcode"], soon["field"], soon["basis"][0]["seed"]) == (
        "programmes.round.too_soon",
        "notice_on",
        "000#L1848",
    )
    world.at(date(2028, 11, 23))
    world.renew("city", "baotou_quality")
    world.renew("kun", "kun_quality")
    later = {**second, "approved_on": "2028-11-20", "notice_on": "2028-11-23", "apply_until": "2028-12-31"}
    batch2 = world.call("city", "POST", "/api/programmes/rounds", later, 201)["id"]
    # 已公布的市级传承人不得申报另一项 (L1867)
    refused = apply(world, batch2, expect=422, item_name="蒙古族长调")["error"]
    assert refused["basis"][0]["seed"] == "000#L1867"


@pytest.mark.parametrize(
    ("changes", "seed"),
    [
        ({"practice_years": 14}, "000#L1856"),
        ({"residence_years": 9}, "000#L1855"),
        ({"practises_directly": False}, "000#L1861-L1863"),
        ({"licence_required": True}, "000#L1865"),
    ],
)
def test_an_ineligible_person_is_refused(world: World, changes: dict[str, Any], seed: str) -> None:
    refused = apply(world, open_batch(world), expect=422, facts={**FACTS, **changes})["error"]
    assert [b["seed"] for b in refused["basis"]] == [seed]


def test_household_registration_is_enough(world: World) -> None:
    """包头市户籍或者…居住或长期工作（10年以上）(L1855): either limb suffices."""
    facts = {**FACTS, "household_registered": True, "residence_years": 0}
    assert apply(world, open_batch(world), facts=facts)["stage"] == "county_review"


def test_bad_person_and_category(world: World) -> None:
    batch = open_batch(world)
    assert apply(world, batch, expect=422, id_number="15020319600101123")["error"]["field"]
    assert apply(world, batch, expect=422, category="烹饪")["error"]["field"] == "category"
    assert world.call(
        "qing",
        "POST",
        "/api/programmes/applications",
        {
            "round_id": batch,
            "subject_name": "某",
            "division_code": "150203",
            "category": "传统医药",
            "person": {"id_number": "150203196001011234", "birth_year": 1960},
            "facts": FACTS,
            "materials": MATERIALS,
        },
        403,
    )


def bearer(world: World, db: Any, birth_year: int = 1960, division: str = "150203") -> int:
    from yingji.programmes.models import Title

    row = Title(
        programme_id=ICH,
        round_number=1,
        subject_name="王师傅",
        division_code=division,
        category="传统医药",
        item_name="蒙医正骨",
        birth_year=birth_year,
        conferred_on=date(2022, 6, 1),
        state="active",
    )
    db.add(row)
    db.flush()
    return int(row.id)


def evaluate(world: World, title: int, year: int, grade: str, expect: int = 201, **extra: Any) -> Any:
    body = {"year": year, "grade": grade, **extra}
    return world.call("kun", "POST", f"/api/programmes/titles/{title}/evaluations", body, expect)


def standing(world: World, title: int, year: int) -> dict[str, Any]:
    return dict(world.call("kun", "GET", f"/api/programmes/titles/{title}/standing?year={year}"))


def test_the_bearers_years(world: World) -> None:
    title = bearer(world, world.db)
    evaluate(world, title, 2023, "qualified")
    evaluate(world, title, 2024, "unqualified")
    assert standing(world, title, 2024)["subsidy"] is False  # 整改期1年，暂停发放 (L2049)
    assert standing(world, title, 2024)["recommend"] is False  # 一个年度评估不合格…不予推荐 (L2033-L2037)
    assert standing(world, title, 2023)["subsidy"] is True
    evaluate(world, title, 2025, "excellent")
    assert standing(world, title, 2025)["subsidy"] is True
    assert standing(world, title, 2026)["recommend"] is False  # 2024 is still within the last three years
    evaluate(world, title, 2024, "qualified", expect=409)
    # a 第二十九条 circumstance makes the year 不合格 whatever the grade asked for
    forced = evaluate(world, title, 2026, "qualified", expect=422, circumstances=["refused_evaluation"])["error"]
    assert forced["basis"][0]["seed"] == "000#L2043"


def test_still_unqualified_after_rectification_cancels(world: World) -> None:
    """整改后，经评估仍不合格者…取消其市级传承人资格 (L2051); the subsidy is not paid again."""
    title = bearer(world, world.db)
    evaluate(world, title, 2025, "unqualified")
    out = evaluate(world, title, 2026, "unqualified")
    assert out["title"]["state"] == "cancelled"
    assert standing(world, title, 2027)["subsidy"] is False
    assert "不再评估" in evaluate(world, title, 2026, "qualified", expect=409)["error"]["message"]
    assert world.call("ordos", "GET", f"/api/programmes/titles/{title}", expect=404)


@pytest.mark.parametrize(("birth_year", "paid"), [(1961, True), (1962, False)])
def test_honorary_bearers_from_sixty_five(world: World, birth_year: int, paid: bool) -> None:
    """申请当年65周岁以上（含65周岁）的荣誉传承人，仍可享受补助 (L2061): born 1961 → 65 in 2026."""
    title = bearer(world, world.db, birth_year=birth_year)
    body = {"kind": "honorary", "on": "2026-11-01", "reason": "年事已高，本人申请"}
    assert world.call("city", "POST", f"/api/programmes/titles/{title}/end", body)["state"] == "honorary"
    assert standing(world, title, 2027)["subsidy"] is paid


def test_death_stops_the_subsidy_the_next_year(world: World) -> None:
    """去世…传习补助经费从次年开始停发 (L2065)."""
    title = bearer(world, world.db)
    evaluate(world, title, 2026, "qualified")
    world.call(
        "city",
        "POST",
        f"/api/programmes/titles/{title}/end",
        {"kind": "deceased", "on": "2026-11-01", "reason": "病故"},
    )
    assert standing(world, title, 2026)["subsidy"] is True
    assert standing(world, title, 2027)["subsidy"] is False
    assert world.call(
        "kun", "POST", f"/api/programmes/titles/{title}/end", {"kind": "waived", "on": "2026-11-02", "reason": "x"}, 403
    )

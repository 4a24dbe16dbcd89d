"""The registry's read side (issue 20): per-table typed reads with names and labels beside codes and the caller's
allowed actions (the write path agreeing), paged and filtered lists, paged divisions and nearest search, accounts,
the audit log and the carbon-metrology instruments."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.api.test_scope_matrix import World, call, mine_body, org_body
from yingji.auth.roles import Role

pytestmark = pytest.mark.db


def get(client: TestClient, world: World, who: str, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params, headers={"Authorization": f"Bearer {world.tokens[who]}"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_mine_reads_with_names_labels_and_the_callers_actions(client: TestClient, world: World) -> None:
    mine = get(client, world, "dongsheng", f"/api/registry/mines/{world.ids['jia_mine']}")
    assert (mine["division_code"], mine["division_name"]) == ("150602", "东胜区")
    assert (mine["enterprise"], mine["enterprise_id"]) == ("甲矿业公司", world.ids["jia"])
    assert (mine["kind"], mine["kind_label"]) == ("non_coal_underground", "地下非煤矿山")
    assert (mine["status"], mine["status_label"]) == ("producing", "生产")
    assert mine["standardisation_grade_label"] == "未达标"
    assert mine["allowed_actions"] == ["update"]  # the county officer over the mine
    assert get(client, world, "jia_reporter", f"/api/registry/mines/{world.ids['jia_mine']}")["allowed_actions"] == [
        "update"
    ]
    for reader in ("expert", "ordos"):  # an expert reads only; the city officer may write in its city
        expected = [] if reader == "expert" else ["update"]
        assert get(client, world, reader, f"/api/registry/mines/{world.ids['jia_mine']}")["allowed_actions"] == expected
    # an enterprise account reads its own organisation but never writes the organisations table
    own = get(client, world, "jia_reporter", f"/api/registry/organisations/{world.ids['jia']}")
    assert (own["kind_label"], own["allowed_actions"]) == ("企业", [])
    refused = call(
        client, world, "jia_reporter", "POST", "/api/registry/organisations", org_body("甲矿业公司", "150602")
    )
    assert refused.status_code == 403 and refused.json()["error"]["subcode"] == "registry.save.enterprise_table"


def test_offered_update_is_what_the_write_path_accepts(client: TestClient, world: World) -> None:
    """Every (account, mine) pair: ``update`` is offered exactly when saving the mine again under its name succeeds."""
    for who in ("jia_reporter", "dongsheng", "hangjin", "ordos", "expert"):
        for mine in get(client, world, who, "/api/registry/mines")["items"]:
            body = mine_body(mine["name"], mine["enterprise"], mine["division_code"])
            saved = call(client, world, who, "POST", "/api/registry/mines", body)
            assert (saved.status_code == 200) == ("update" in mine["allowed_actions"]), (who, mine["name"], saved.text)


def test_registry_lists_page_filter_and_count(client: TestClient, db_session: Session, world: World) -> None:
    for n in range(5):
        factories.mine(db_session, f"东胜{n}号井", "甲矿业公司", "150602", status="suspended" if n % 2 else "producing")
    everything = get(client, world, "ordos", "/api/registry/mines")
    assert everything["total"] == 7 and (everything["limit"], everything["offset"]) == (50, 0)
    ids = [m["id"] for m in everything["items"]]
    assert ids == sorted(ids)  # by id
    first = get(client, world, "ordos", "/api/registry/mines", limit=3)
    second = get(client, world, "ordos", "/api/registry/mines", limit=3, offset=3)
    assert [m["id"] for m in first["items"] + second["items"]] == ids[:6] and second["total"] == 7
    assert get(client, world, "ordos", "/api/registry/mines", division="150625")["total"] == 1
    suspended = get(client, world, "ordos", "/api/registry/mines", status="suspended")
    assert {m["name"] for m in suspended["items"]} == {"东胜1号井", "东胜3号井"} and suspended["total"] == 2
    assert get(client, world, "ordos", "/api/registry/mines", q="东胜")["total"] == 5
    assert get(client, world, "ordos", "/api/registry/mines", enterprise_id=world.ids["yi"])["total"] == 1
    assert get(client, world, "jia_reporter", "/api/registry/mines", enterprise_id=world.ids["yi"])["total"] == 0
    teams = get(client, world, "ordos", "/api/registry/rescue_teams", kind="mine_rescue")
    assert teams["total"] == 2 and {t["kind_label"] for t in teams["items"]} == {"矿山救护"}
    for bad in ({"status": "flying"}, {"division": "15"}, {"limit": 501}, {"offset": -1}):
        response = client.get(
            "/api/registry/mines", params=bad, headers={"Authorization": f"Bearer {world.tokens['ordos']}"}
        )
        assert response.status_code == 422, bad


def test_materials_take_their_depots_division(client: TestClient, db_session: Session, world: World) -> None:
    factories.save(db_session, "depots", name="东胜储备库", level="county", division_code="150602", lon=109.9, lat=39.8)
    factories.save(db_session, "materials", depot="东胜储备库", item="救生衣", quantity=10, unit="件")
    found = get(client, world, "ordos", "/api/registry/materials", division="150602")
    assert found["total"] == 1
    item = found["items"][0]
    assert (item["depot"], item["division_code"], item["division_name"]) == ("东胜储备库", "150602", "东胜区")
    assert get(client, world, "ordos", "/api/registry/materials", division="150625")["total"] == 0
    assert get(client, world, "ordos", "/api/registry/materials", q="救生")["total"] == 1


def test_export_is_typed_and_leaves_out_tables_the_caller_may_not_read(
    client: TestClient, db_session: Session, world: World
) -> None:
    exported = get(client, world, "ordos", "/api/registry/export")
    assert [m["name"] for m in exported["mines"]] == ["甲矿业公司一号井", "乙矿业公司一号井"]
    assert exported["mines"][0]["enterprise"] == "甲矿业公司" and "id" not in exported["mines"][0]
    factories.user(db_session, "town_worker", Role.GRASSROOTS_OFFICER, division="150602")
    world.tokens["town_worker"] = factories.token_for(db_session, "town_worker")
    narrow = get(client, world, "town_worker", "/api/registry/export")
    assert "rescue_teams" not in narrow and "mines" in narrow  # no resources.read


def test_divisions_page_with_names_and_the_children_of_one_code(client: TestClient, world: World) -> None:
    counties = get(client, world, "expert", "/api/divisions", parent="150600", limit=500)
    assert counties["total"] == len(counties["items"]) >= 9
    dongsheng = next(d for d in counties["items"] if d["code"] == "150602")
    assert dongsheng == {
        "code": "150602",
        "name": "东胜区",
        "level": "county",
        "level_label": "旗县区级",
        "parent_code": "150600",
        "parent_name": "鄂尔多斯市",
    }
    codes = [d["code"] for d in counties["items"]]
    assert codes == sorted(codes)
    page = get(client, world, "expert", "/api/divisions", parent="150600", limit=2, offset=2)
    assert [d["code"] for d in page["items"]] == codes[2:4] and page["total"] == counties["total"]
    assert get(client, world, "expert", "/api/divisions", q="东胜", level="county")["items"][0]["code"] == "150602"
    within = get(client, world, "expert", "/api/divisions", within="150602", limit=500)
    assert all(d["code"].startswith("150602") for d in within["items"]) and within["total"] >= 1


def test_nearest_pages_a_ranking_with_labels(client: TestClient, db_session: Session, world: World) -> None:
    for n in range(4):
        factories.team(db_session, f"东胜消防{n}队", "150602", 109.95 + n / 100, 39.80, kind="fire")
    ranked = get(client, world, "ordos", "/api/resources/nearest", lon=109.95, lat=39.80, limit=3)
    assert ranked["total"] == 6 and len(ranked["items"]) == 3  # 4 fire brigades, 2 mine rescue teams in the city
    rest = get(client, world, "ordos", "/api/resources/nearest", lon=109.95, lat=39.80, limit=3, offset=3)
    distances = [h["distance_km"] for h in ranked["items"] + rest["items"]]
    assert distances == sorted(distances) and rest["total"] == 6
    assert len({h["name"] for h in ranked["items"] + rest["items"]}) == 6
    team, fire = ranked["items"][:2]  # both on the spot: a tie goes by id
    assert (team["name"], team["subtype_label"], team["distance_km"]) == ("甲矿业公司救护队", "矿山救护", 0)
    assert (fire["kind_label"], fire["subtype_label"], fire["division_name"]) == ("救援队伍", "消防救援", "东胜区")
    assert fire["detail"]["level_label"] == "市级"
    contracted = get(
        client, world, "ordos", "/api/resources/nearest", lon=109.95, lat=39.80, mine_id=world.ids["jia_mine"]
    )
    assert contracted["total"] == 6
    too_many = client.get(
        "/api/resources/nearest",
        params={"lon": 109.95, "lat": 39.80, "limit": 501},
        headers={"Authorization": f"Bearer {world.tokens['ordos']}"},
    )
    assert too_many.status_code == 422


def test_accounts_page_with_names_and_actions(client: TestClient, db_session: Session, world: World) -> None:
    factories.user(db_session, "ordos_admin", Role.ADMIN, division="150600")
    world.tokens["ordos_admin"] = factories.token_for(db_session, "ordos_admin")
    accounts = get(client, world, "ordos_admin", "/api/users")
    names = [a["username"] for a in accounts["items"]]
    assert names == sorted(names) and accounts["total"] == len(names)
    assert "baotou" not in names and {"jia_reporter", "dongsheng", "hangjin", "ordos"} <= set(names)
    reporter = next(a for a in accounts["items"] if a["username"] == "jia_reporter")
    assert (reporter["role_label"], reporter["organisation_name"], reporter["division_name"]) == (
        "企业填报员",
        "甲矿业公司",
        None,
    )
    assert reporter["allowed_actions"] == ["disable", "issue_token", "revoke_tokens"]
    county = get(client, world, "ordos_admin", "/api/users", role="county_officer", division="150602")
    assert [a["username"] for a in county["items"]] == ["dongsheng"] and county["items"][0]["division_name"] == "东胜区"
    assert get(client, world, "ordos_admin", "/api/users", q="reporter")["total"] == 2
    assert get(client, world, "ordos_admin", "/api/users", limit=1, offset=1)["items"] == [accounts["items"][1]]
    disabled = client.post(
        "/api/users/dongsheng/disable", headers={"Authorization": f"Bearer {world.tokens['ordos_admin']}"}
    )
    assert disabled.status_code == 200 and disabled.json()["allowed_actions"] == ["issue_token", "revoke_tokens"]
    assert get(client, world, "ordos_admin", "/api/users", active=False)["items"][0]["username"] == "dongsheng"
    me = get(client, world, "jia_reporter", "/api/auth/me")
    assert (me["role_label"], me["organisation_name"]) == ("企业填报员", "甲矿业公司")
    assert "registry.write" in me["permissions"] and "users.manage" not in me["permissions"]
    assert get(client, world, "hangjin", "/api/auth/me")["division_name"] == "杭锦旗"


def test_the_audit_log_pages_and_filters(client: TestClient, db_session: Session, world: World) -> None:
    factories.user(db_session, "root", Role.ADMIN)
    world.tokens["root"] = factories.token_for(db_session, "root")
    log = get(client, world, "root", "/api/audit")
    seqs = [e["seq"] for e in log["items"]]
    assert seqs == sorted(seqs, reverse=True) and log["total"] >= len(seqs) > 0
    mines = get(client, world, "root", "/api/audit", action="registry.mines.", limit=2)
    assert mines["total"] == 3 and len(mines["items"]) == 2
    assert {e["target_kind"] for e in mines["items"]} == {"mines"}
    assert get(client, world, "root", "/api/audit", target_kind="mines", offset=2)["items"][0]["action"] == (
        "registry.mines.create"
    )


def test_instruments_carry_names_and_actions(client: TestClient, db_session: Session, world: World) -> None:
    body = {
        "organisation_id": world.ids["jia"],
        "name": "原料煤皮带秤",
        "kind": "衡器",
        "quantity": "原料煤质量",
        "serial_no": "BS-1",
        "location": "输煤线",
        "interval_months": 12,
    }
    created = call(client, world, "dongsheng", "POST", "/api/metrology/instruments", body)
    assert created.status_code == 201, created.text
    read = created.json()
    assert (read["organisation"], read["division_name"], read["status_label"]) == ("甲矿业公司", "东胜区", "在用")
    assert read["allowed_actions"] == ["update", "calibrate"]
    for n in range(3):
        more = call(client, world, "dongsheng", "POST", "/api/metrology/instruments", body | {"serial_no": f"X{n}"})
        assert more.status_code == 201
    expert = get(client, world, "expert", "/api/metrology/instruments", limit=2)
    assert expert["total"] == 4 and len(expert["items"]) == 2
    assert {tuple(i["allowed_actions"]) for i in expert["items"]} == {()}
    assert get(client, world, "ordos", "/api/metrology/instruments", q="BS-")["total"] == 1
    scrapped = call(
        client, world, "dongsheng", "PATCH", f"/api/metrology/instruments/{read['id']}", {"status": "scrapped"}
    )
    assert scrapped.status_code == 200 and scrapped.json()["allowed_actions"] == []
    again = call(client, world, "dongsheng", "PATCH", f"/api/metrology/instruments/{read['id']}", {"location": "x"})
    assert again.status_code == 409 and again.json()["error"]["subcode"] == "metrology.instrument.update.scrapped"
    late = get(client, world, "ordos", "/api/metrology/overdue")
    assert {o["division_name"] for o in late["organisations"]} == {"东胜区"}

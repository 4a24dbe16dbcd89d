"""Cross-scope attempts over HTTP on both engines: every one must be refused, and refused writes change nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests import factories
from yingji.audit.models import AuditEntry
from yingji.auth import service
from yingji.auth.actor import SYSTEM
from yingji.auth.roles import Role
from yingji.registry.models import Mine, Organisation

pytestmark = pytest.mark.db


@dataclass
class World:
    tokens: dict[str, str]
    ids: dict[str, int]


@pytest.fixture
def world(db_session: Session, divisions: int) -> World:
    """Three enterprises in 东胜区, 杭锦旗 and 包头九原区, a mine each, and one user per role and place."""
    ids: dict[str, int] = {}
    for key, name, division, lon, lat in [
        ("jia", "甲矿业公司", "150602", 109.95, 39.80),
        ("yi", "乙矿业公司", "150625", 108.80, 39.85),
        ("bing", "丙矿业公司", "150207", 109.90, 40.55),
    ]:
        ids[key] = factories.enterprise(db_session, name, division).id
        factories.team(db_session, f"{name}救护队", division, lon, lat)
        ids[f"{key}_mine"] = factories.mine(db_session, f"{name}一号井", name, division, lon=lon, lat=lat).id
    users: dict[str, tuple[Role, str | None, int | None]] = {
        "jia_reporter": (Role.ENTERPRISE_REPORTER, None, ids["jia"]),
        "yi_reporter": (Role.ENTERPRISE_REPORTER, None, ids["yi"]),
        "dongsheng": (Role.COUNTY_OFFICER, "150602", None),
        "hangjin": (Role.COUNTY_OFFICER, "150625", None),
        "ordos": (Role.CITY_OFFICER, "150600", None),
        "baotou": (Role.CITY_OFFICER, "150200", None),
        "expert": (Role.EXPERT, "150600", None),
        "commander": (Role.HQ_COMMANDER, "150200", None),
    }
    tokens = {}
    for username, (role, scope, organisation) in users.items():
        factories.user(db_session, username, role, division=scope, organisation_id=organisation)
        tokens[username] = factories.token_for(db_session, username)
    return World(tokens=tokens, ids=ids)


def mine_body(name: str, enterprise: str, division: str) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "coal_underground",
        "status": "producing",
        "enterprise": enterprise,
        "division_code": division,
        "lon": 109.9,
        "lat": 39.8,
    }


def org_body(name: str, division: str) -> dict[str, Any]:
    return {"name": name, "kind": "enterprise", "division_code": division}


# (who, method, path template, body, status)
REFUSED = [
    ("jia_reporter", "GET", "/api/registry/mines/{yi_mine}", None, 404),
    ("jia_reporter", "GET", "/api/registry/organisations/{yi}", None, 404),
    # Naming an enterprise out of scope: reported exactly like an unknown name (422), existence stays hidden.
    ("jia_reporter", "POST", "/api/registry/mines", mine_body("乙新井", "乙矿业公司", "150625"), 422),
    ("jia_reporter", "POST", "/api/registry/mines", mine_body("甲新井", "甲矿业公司", "150207"), 403),
    ("jia_reporter", "POST", "/api/registry/mines", mine_body("甲矿业公司一号井", "甲矿业公司", "150622"), 403),
    ("jia_reporter", "POST", "/api/registry/organisations", org_body("新公司", "150602"), 403),
    ("jia_reporter", "GET", "/api/resources/nearest?lon=109.9&lat=39.8&mine_id={yi_mine}", None, 404),
    ("yi_reporter", "GET", "/api/registry/mines/{jia_mine}", None, 404),
    ("hangjin", "GET", "/api/registry/mines/{jia_mine}", None, 404),
    ("hangjin", "GET", "/api/registry/organisations/{jia}", None, 404),
    ("hangjin", "POST", "/api/registry/mines", mine_body("东胜新井", "甲矿业公司", "150602"), 422),
    ("hangjin", "POST", "/api/registry/mines", mine_body("杭锦新井", "甲矿业公司", "150625"), 422),
    ("expert", "POST", "/api/registry/mines", mine_body("东胜新井", "甲矿业公司", "150602"), 403),
    ("expert", "POST", "/api/registry/import", {"organisations": [org_body("新公司", "150602")]}, 403),
    ("hangjin", "POST", "/api/registry/organisations", org_body("新公司", "150602"), 403),
    ("hangjin", "GET", "/api/resources/nearest?lon=109.9&lat=39.8&mine_id={jia_mine}", None, 404),
    ("ordos", "GET", "/api/registry/mines/{bing_mine}", None, 404),
    # Same name as a row out of scope: must not update it, move it or take it over.
    ("hangjin", "POST", "/api/registry/mines", mine_body("甲矿业公司一号井", "乙矿业公司", "150625"), 403),
    ("yi_reporter", "POST", "/api/registry/mines", mine_body("甲矿业公司一号井", "乙矿业公司", "150625"), 403),
    (
        "baotou",
        "POST",
        "/api/registry/rescue_teams",
        {"name": "甲矿业公司救护队", "kind": "fire", "level": "city", "division_code": "150207"},
        403,
    ),
    ("baotou", "POST", "/api/registry/organisations", org_body("新公司", "150602"), 403),
    ("baotou", "GET", "/api/registry/mines/{jia_mine}", None, 404),
    ("expert", "POST", "/api/registry/organisations", org_body("新公司", "150602"), 403),
    ("commander", "POST", "/api/registry/mines", mine_body("包头新井", "丙矿业公司", "150207"), 403),
    ("ordos", "GET", "/api/users", None, 403),
    (
        "dongsheng",
        "POST",
        "/api/users",
        {
            "username": "x_user",
            "display_name": "x",
            "password": "0123456789ab",
            "role": "expert",
            "division_code": "150602",
        },
        403,
    ),
    ("dongsheng", "GET", "/api/audit", None, 403),
    ("ordos", "GET", "/api/audit/verify", None, 403),
    ("ordos", "GET", "/api/registry/spaceships", None, 404),
    (None, "GET", "/api/registry/mines", None, 401),
    (None, "GET", "/api/resources/nearest?lon=109.9&lat=39.8", None, 401),
]


def call(client: TestClient, world: World, who: str | None, method: str, path: str, body: Any) -> Any:
    headers = {} if who is None else {"Authorization": f"Bearer {world.tokens[who]}"}
    return client.request(method, path.format(**world.ids), json=body, headers=headers)


def counts(db_session: Session) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        int(db_session.scalar(select(func.count()).select_from(m)) or 0) for m in (Mine, Organisation, AuditEntry)
    )


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "status"), REFUSED, ids=[f"{r[0]} {r[1]} {r[2]}" for r in REFUSED]
)
def test_cross_scope_attempts_are_refused(
    client: TestClient,
    db_session: Session,
    world: World,
    who: str | None,
    method: str,
    path: str,
    body: Any,
    status: int,
) -> None:
    before = counts(db_session)
    response = call(client, world, who, method, path, body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] in {"not_found", "forbidden", "out_of_jurisdiction", "unauthorized", "invalid_input"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert counts(db_session) == before


ALLOWED = [
    ("jia_reporter", "GET", "/api/registry/mines/{jia_mine}", None),
    ("jia_reporter", "POST", "/api/registry/mines", mine_body("甲二号井", "甲矿业公司", "150602")),
    ("dongsheng", "POST", "/api/registry/mines", mine_body("东胜新井", "甲矿业公司", "150602")),
    ("ordos", "GET", "/api/registry/mines/{jia_mine}", None),
    ("ordos", "GET", "/api/registry/mines/{yi_mine}", None),
    ("expert", "GET", "/api/registry/mines/{yi_mine}", None),
    ("baotou", "GET", "/api/registry/mines/{bing_mine}", None),
]


@pytest.mark.parametrize(("who", "method", "path", "body"), ALLOWED, ids=[f"{r[0]} {r[1]} {r[2]}" for r in ALLOWED])
def test_in_scope_requests_succeed(
    client: TestClient, world: World, who: str, method: str, path: str, body: Any
) -> None:
    assert call(client, world, who, method, path, body).status_code == 200


def test_lists_hold_only_what_is_in_scope(client: TestClient, world: World) -> None:
    mines = call(client, world, "jia_reporter", "GET", "/api/registry/mines", None).json()
    assert [m["name"] for m in mines["items"]] == ["甲矿业公司一号井"] and mines["total"] == 1
    ordos = call(client, world, "ordos", "GET", "/api/registry/mines", None).json()
    assert {m["name"] for m in ordos["items"]} == {"甲矿业公司一号井", "乙矿业公司一号井"} and ordos["total"] == 2
    teams = call(client, world, "hangjin", "GET", "/api/registry/rescue_teams", None).json()
    assert {t["name"] for t in teams["items"]} == {"乙矿业公司救护队"} and teams["total"] == 1


def test_bulk_import_outside_scope_reports_the_rows(client: TestClient, db_session: Session, world: World) -> None:
    before = counts(db_session)
    bundle = {"organisations": [org_body("东胜新公司", "150602")]}
    response = client.post(
        "/api/registry/import", json=bundle, headers={"Authorization": f"Bearer {world.tokens['hangjin']}"}
    )
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert details == [
        {"entity": "organisations", "line": 1, "field": "division_code", "problem": "超出管辖范围：150602"}
    ]
    assert counts(db_session) == before


def test_disabled_user_is_locked_out(client: TestClient, db_session: Session, world: World) -> None:
    service.disable_user(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM, username="hangjin")
    assert call(client, world, "hangjin", "GET", "/api/registry/mines", None).status_code == 401


def test_a_same_name_elsewhere_cannot_block_a_county(client: TestClient, world: World) -> None:
    """杭锦旗 registers its own 甲矿业公司; 东胜区 keeps using its 甲矿业公司 by name without ambiguity."""
    copy = call(client, world, "hangjin", "POST", "/api/registry/organisations", org_body("甲矿业公司", "150625"))
    assert copy.status_code == 200
    for who in ("dongsheng", "jia_reporter"):
        saved = call(client, world, who, "POST", "/api/registry/mines", mine_body(f"{who}新井", "甲矿业公司", "150602"))
        assert saved.status_code == 200, saved.text
    mine = call(client, world, "hangjin", "POST", "/api/registry/mines", mine_body("杭锦甲井", "甲矿业公司", "150625"))
    assert mine.status_code == 200
    assert mine.json()["enterprise"] == "甲矿业公司"


def test_a_reporter_names_only_teams_it_may_read(client: TestClient, world: World) -> None:
    far = mine_body("甲矿业公司一号井", "甲矿业公司", "150602") | {"contracted_team": "丙矿业公司救护队"}
    refused = call(client, world, "jia_reporter", "POST", "/api/registry/mines", far)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "contracted_team"

"""一张图 and 指挥大屏 pages without a browser: the frame each account gets, the tile server the page's policy admits
only when one is configured, and street accounts without a map."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from tests.support.apps import shared_app
from yingji.auth.roles import Role
from yingji.config import Settings

pytestmark = pytest.mark.db
TILES = "https://tiles.example.gov.cn:8443/{z}/{x}/{y}.png"


def _client(engine: Engine, db_session: Session, settings: Settings) -> TestClient:
    app = shared_app(engine, "map_pages", clock=factories.CLOCK, settings=settings)
    app.state.sessionmaker = sessionmaker(
        bind=db_session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return TestClient(app)


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    return {
        "county": factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625"),
        "street": factories.bearer(db_session, "jiaotong_street", Role.GRASSROOTS_OFFICER, "150602001"),
    }


def test_the_map_and_the_screen_load_only_our_own_files_without_tiles(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    for path in ("/console/map", "/console/screen"):
        page = client.get(path, headers=people["county"])
        assert page.status_code == 200, path
        policy = page.headers["content-security-policy"]
        assert "img-src 'self' data:;" in policy and "script-src 'self';" in policy
        assert 'data-tiles=""' in page.text
    screen = client.get("/console/screen", headers=people["county"]).text
    assert "杭锦旗应急指挥大屏" in screen and 'id="site-nav"' not in screen  # the wall has no navigation


def test_a_configured_tile_server_is_the_one_other_image_origin(
    engine: Engine, db_session: Session, people: dict[str, dict[str, str]]
) -> None:
    with _client(engine, db_session, Settings(map_tiles=TILES)) as client:
        page = client.get("/console/map", headers=people["county"])
        assert page.status_code == 200
        assert "img-src 'self' data: https://tiles.example.gov.cn:8443;" in page.headers["content-security-policy"]
        assert f'data-tiles="{TILES}"' in page.text
        other = client.get("/console/incidents", headers=people["county"])
        assert "tiles.example" not in other.headers["content-security-policy"]  # only the map pages draw tiles


@pytest.mark.parametrize(
    "value",
    [
        "ftp://tiles.example/{z}/{x}/{y}.png",
        "https://tiles.example/tiles.png",
        "https://tiles.example/{z}/{x}/{y}.png; script-src *",
        "https://tiles.example/{z}/{x}/{y}.png' onload='x",
        "//tiles.example/{z}/{x}/{y}.png",
    ],
)
def test_a_tile_setting_that_is_no_tile_template_is_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(map_tiles=value)


def test_street_accounts_have_no_map_item_and_no_map(client: TestClient, people: dict[str, Any]) -> None:
    property_page = client.get("/console/property", headers=people["street"])
    assert property_page.status_code == 200 and 'href="/console/map"' not in property_page.text
    for path in ("/console/map", "/console/screen"):
        refused = client.get(path, headers=people["street"])
        assert refused.status_code == 403 and 'id="page-error"' in refused.text, path
    county = client.get("/console/incidents", headers=people["county"]).text
    assert 'href="/console/map"' in county


def test_the_overview_on_the_wall_is_the_command_hall(client: TestClient, people: dict[str, Any]) -> None:
    moved = client.get("/?screen=big", headers=people["county"], follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/console/screen"


def test_scripts_and_boundaries_go_gzipped_to_a_browser_that_accepts_it(client: TestClient) -> None:
    plain = client.get("/vendor/geo/150600.geojson", headers={"Accept-Encoding": "identity"})
    packed = client.get("/vendor/geo/150600.geojson", headers={"Accept-Encoding": "gzip, deflate"})
    assert "content-encoding" not in plain.headers and packed.headers["content-encoding"] == "gzip"
    assert packed.content == plain.content and packed.headers["vary"] == "Accept-Encoding"
    assert int(packed.headers["content-length"]) < len(plain.content) / 4
    assert client.get("/static/screen.js", headers={"Accept-Encoding": "gzip"}).headers["content-encoding"] == "gzip"
    assert "content-encoding" not in client.get("/vendor/swagger-favicon.png").headers  # images are not text

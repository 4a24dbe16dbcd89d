"""Console plumbing without a browser: pages ask for a login, only whitelisted files are served."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.db


@pytest.mark.parametrize("path", ["/console/hazards", "/console/map", "/console/ledger"])
def test_pages_send_strangers_to_the_login(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/login?next={path}"


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "/\\\\evil.example", "https://evil.example", "/\t/evil.example", "/\n/evil.example"]
)
def test_login_never_redirects_off_site(client: TestClient, target: str) -> None:
    assert 'data-next="/"' in client.get("/login", params={"next": target}).text


def test_only_whitelisted_files(client: TestClient) -> None:
    assert client.get("/vendor/leaflet.js").status_code == 200
    docs = client.get("/vendor/swagger-ui-bundle.js")  # the API documentation from npm, not a CDN
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/javascript")
    assert client.get("/vendor/swagger-favicon.png").headers["content-type"] == "image/png"
    assert client.get("/vendor/package.json").status_code == 404
    assert client.get("/vendor/geo/150600.geojson").json()["type"] == "FeatureCollection"
    assert client.get("/vendor/geo/110000.geojson").status_code == 404
    assert client.get("/static/pages.py").status_code == 404
    owner = client.get("/static/owner.js")  # the owners' complaint pages: served without a session
    assert owner.status_code == 200 and owner.headers["content-type"].startswith("text/javascript")


def test_the_login_redirect_keeps_the_query(client: TestClient) -> None:
    response = client.get("/console/alarms", params={"site": "mine:7"}, follow_redirects=False)
    assert response.headers["location"].startswith("/login?next=/console/alarms%3Fsite%3D")
    assert 'data-next="/console/alarms?site=mine%3A7"' in client.get(response.headers["location"]).text

"""A registered networking feed for 甲煤矿 (code 150602001) and helpers to upload the sample files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.monitoring.conftest import Site

DATA = Path(__file__).parent / "data"
CODE = "150602001"
SAMPLES = {kind: next(DATA.glob(f"{CODE}_{kind}_*.txt")) for kind in ("AQMC", "AQKC", "AQSS", "AQKD", "AQMT", "GJXX")}
BAD = next(DATA.glob(f"{CODE}_BAD_*.txt"))


def upload(site: Site, data: bytes, name: str = "f.txt", headers: dict[str, str] | None = None, **params: str) -> Any:
    response = site.client.post(
        "/api/monitoring/networking/files",
        params={"mine": CODE, "name": name} | params,
        content=data,
        headers=(headers or site.gateway) | {"content-type": "application/octet-stream"},
    )
    return response


def take(site: Site, path: Path) -> dict[str, Any]:
    response = upload(site, path.read_bytes(), path.name)
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


@pytest.fixture
def feed(site: Site) -> dict[str, Any]:
    response = site.client.post(
        "/api/monitoring/networking/feeds", json={"mine": "甲煤矿", "code": CODE}, headers=site.gateway
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body

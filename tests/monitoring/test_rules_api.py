"""The threshold rules over HTTP and the CLI: filters, a single rule, and the error paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.cli.test_cli import run
from yingji.auth.roles import Role


@pytest.fixture
def enterprise(client: TestClient, db_session: Session, divisions: int) -> TestClient:
    """Enterprise users read the rules too: their dispatchers act on them."""
    client.headers.update(factories.bearer(db_session, "jia_reporter", Role.ENTERPRISE_REPORTER, "150602"))
    return client


def test_rules_need_a_login(client: TestClient) -> None:
    response = client.get("/api/monitoring/rules")
    assert response.status_code == 401


def test_methane_rules_with_basis(enterprise: TestClient) -> None:
    page = enterprise.get("/api/monitoring/rules", params={"kind": "CH4"}).json()
    rows = page["items"]
    assert len(rows) == 16 and page["total"] == 16 and {r["kind"] for r in rows} == {"CH4"}
    corner = next(r for r in rows if r["location_class"] == "采煤工作面上隅角")
    assert [(lv["raise_at"], lv["clear_at"], lv["power_cut"]) for lv in corner["levels"]] == [
        (1.0, 1.0, False),
        (1.5, 1.0, True),
    ]
    assert corner["basis"]["reference"] == "regulations.md#L223" and corner["verified"] is False


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"location_class": "采煤工作面"}, 3),  # methane, wind maximum, wind minimum
        ({"verified": "true"}, 0),
        ({"kind": "WIND", "location_class": "采煤工作面"}, 2),
    ],
)
def test_filters(enterprise: TestClient, params: dict[str, str], count: int) -> None:
    response = enterprise.get("/api/monitoring/rules", params=params)
    assert response.status_code == 200 and len(response.json()["items"]) == count == response.json()["total"]


def test_one_rule_and_unknown_rule(enterprise: TestClient) -> None:
    assert enterprise.get("/api/monitoring/rules/ch4-shearer").json()["power_cut_scope"] == "采煤机电源"
    missing = enterprise.get("/api/monitoring/rules/ch4-canteen")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_unknown_kind_is_refused(enterprise: TestClient) -> None:
    response = enterprise.get("/api/monitoring/rules", params={"kind": "CH5"})
    assert response.status_code == 422


def test_cli_lists_unverified_rules(tmp_path: Path) -> None:
    result = run("monitoring", "rules", "--kind", "CH4", "--unverified", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 16 and not any(r["verified"] for r in rows)
    text = run("monitoring", "rules", "--kind", "TEMP", tmp_path=tmp_path)
    assert "停止作业 30/30" in text.stdout and "未核实（C）" in text.stdout

"""Ids and years beyond what the database holds (the fuzzer's 500s): 404 in a path, 422 in a query or body.

Ids are INTEGER columns, 32 bits on PostgreSQL, so 2³¹ overflowed there as 2⁶³ did on SQLite.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.roles import Role
from yingji.core.params import MAX_ROW_ID

pytestmark = pytest.mark.db

TOO_BIG = [2**31, 2**63, 2**64, -(2**63) - 1, 0]


@pytest.fixture
def admin(db_session: Session, divisions: int) -> dict[str, str]:
    return factories.bearer(db_session, "fuzz_admin", Role.ADMIN, "150000")


@pytest.mark.parametrize("value", TOO_BIG)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/incidents/{id}"),
        ("GET", "/api/registry/mines/{id}"),
        ("GET", "/api/monitoring/points/{id}/readings"),
        ("POST", "/api/tips/{id}/accept"),
        ("GET", "/api/programmes/rounds/{id}/export.xlsx"),
        ("GET", "/api/hazards/{id}/attachments/1"),
    ],
)
def test_an_id_out_of_range_in_a_path_is_not_found(
    client: TestClient, admin: dict[str, str], method: str, path: str, value: int
) -> None:
    response = client.request(method, path.format(id=value), headers=admin)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "not_found"


def test_the_largest_id_is_an_ordinary_unknown_id(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get(f"/api/incidents/{MAX_ROW_ID}", headers=admin)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "params", "body", "field"),
    [
        ("GET", "/api/property/compounds", {"company_id": 2**63}, None, "company_id"),
        ("GET", "/api/metrology/instruments", {"organisation_id": 2**31}, None, "organisation_id"),
        ("GET", "/api/resources/nearest", {"lon": 109.9, "lat": 39.8, "mine_id": 2**64}, None, "mine_id"),
        ("GET", "/api/registry/mines", {"offset": 2**63}, None, "offset"),
        ("POST", "/api/property/disclosure-checks", None, {"compound_id": -(2**105), "core_shown": 1}, "compound_id"),
        ("POST", "/api/rehab/pool", None, {"expert_id": 2**40, "categories": ["x"]}, "expert_id"),
        ("POST", "/api/registry/materials", None, {"depot": "x", "item": "x", "quantity": 2**31}, "quantity"),
        # years: the work years 2000–2100
        ("GET", "/api/property/targets", {"year": -164837079}, None, "year"),
        ("GET", "/api/property/credit/results", {"year": 100000}, None, "year"),
        ("GET", "/api/programmes/titles/1/standing", {"year": 10000}, None, "year"),
    ],
)
def test_an_out_of_range_query_or_body_field_is_refused_by_name(
    client: TestClient,
    admin: dict[str, str],
    method: str,
    path: str,
    params: dict[str, Any] | None,
    body: dict[str, Any] | None,
    field: str,
) -> None:
    response = client.request(method, path, params=params, json=body, headers=admin)
    assert response.status_code == 422, response.text
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert field in fields, response.text


@pytest.mark.parametrize("year", [1800, 9999, 10000, -1])
def test_a_year_out_of_range_in_a_path_is_not_found(client: TestClient, admin: dict[str, str], year: int) -> None:
    assert client.get(f"/api/property/public/credit/{year}").status_code == 404
    assert client.get(f"/api/property/credit/companies/1/{year}", headers=admin).status_code == 404


def test_a_malformed_id_is_still_a_bad_request(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get("/api/incidents/abc", headers=admin)
    assert response.status_code == 422 and response.json()["error"]["field"] == "incident_id"


def test_every_integer_the_api_accepts_fits_the_database(client: TestClient) -> None:
    """The schema lint behind the fix: every integer parameter or body field has bounds (or is not stored)."""
    spec = client.get("/api/openapi.json").json()
    components = spec["components"]["schemas"]
    unbounded: list[str] = []

    def walk(schema: dict[str, Any], where: str, seen: frozenset[str]) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(components[name], where, seen | {name})
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for option in schema.get(key, []):
                walk(option, where, seen)
        if schema.get("type") == "integer":
            low, high = schema.get("minimum"), schema.get("maximum")
            if low is None or high is None or low < -MAX_ROW_ID - 1 or high > MAX_ROW_ID:
                unbounded.append(where)
        if "items" in schema:
            walk(schema["items"], f"{where}[]", seen)
        for name, sub in schema.get("properties", {}).items():
            walk(sub, f"{where}.{name}", seen)

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                walk(parameter["schema"], f"{method.upper()} {path} {parameter['name']}", frozenset())
            for content in operation.get("requestBody", {}).get("content", {}).values():
                walk(content.get("schema", {}), f"{method.upper()} {path} body", frozenset())
    # Checked by the service before any query (nearest-resource limit 1–200, ledger percent, milestone indexes, value
    # year, gateway times within the last 7 days, a delivery receipt's id, which must answer like a wrong token), or
    # kept in JSON rather than an INTEGER column (report figures up to 10¹³ yuan).
    allowed = (
        "direct_loss_yuan",
        " limit",
        "percent",
        "milestones_done",
        "/api/ledger/targets/{target_id}/values",
        "/api/monitoring/readings",
        "/api/warnings/deliveries/{item_id}/ack",
    )
    left = sorted({u for u in unbounded if not any(a in u for a in allowed)})
    assert not left, left

"""HTTP API: the assessment, the plans, health and docs — and every error path with its code."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine


@pytest.fixture
def authed(client: TestClient, officer_headers: dict[str, str]) -> TestClient:
    client.headers.update(officer_headers)
    return client


def post(client: TestClient, **body: Any) -> Any:
    return client.post("/api/assess", json=body)


def test_health_reports_database_and_plans(client: TestClient, engine: Engine) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": engine.dialect.name, "plans": 6, "engine_owner": True}


def test_docs_and_openapi_are_served(client: TestClient) -> None:
    assert client.get("/api/docs").status_code == 200
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/assess", "/api/plans", "/api/plans/{plan_id}", "/healthz"} <= set(paths)


def test_dongsheng_trapped_miners_answer(authed: TestClient) -> None:
    """东胜区: 3 trapped with no deaths is a Ⅲ response (001 D6.7); unit head phones in 30 min, writes in 60."""
    response = post(
        authed,
        plan="dongsheng-2024",
        deaths=0,
        serious_injuries=0,
        direct_loss_yuan=0,
        trapped=3,
        known_at="2026-11-23T03:00:00+08:00",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["grade"] == "一般"
    assert body["response_level"] == 3
    assert body["decided_by"]
    hops = {(d["to"], d["form"]): d for d in body["report_deadlines"] if d["within_minutes"]}
    assert {30, 60} <= {d["within_minutes"] for d in hops.values()}
    phone = next(d for d in body["report_deadlines"] if d["form"] == "phone")
    assert phone["due_at"] == "2026-11-22T19:30:00Z"
    assert all(b["seed"] or b["source"] for b in body["basis"])


def test_baotou_noncoal_grade_with_missing_and_upgrade(authed: TestClient) -> None:
    body = post(
        authed,
        plan="baotou-noncoal-2025",
        deaths=1,
        missing=2,
        serious_injuries=0,
        direct_loss_yuan=0,
        conditions=["sensitive"],
    ).json()
    assert (body["grade"], body["response_level"], body["provisional"]) == ("较大", 3, False)
    assert body["decided_by"] == "包头市应急管理局（矿山安全监管局）"
    assert body["upgrade"]["to_level"] == 2
    assert body["release_authority"] == "包头市非煤矿山生产安全事故应急指挥部办公室"
    assert "000#L721" in {b["seed"] for b in body["basis"]}


def test_unknown_counts_are_provisional(authed: TestClient) -> None:
    body = post(authed, plan="ordos-noncoal-2024", deaths=3).json()
    assert body["provisional"] is True
    assert body["grade"] == "较大"


def test_plans_list_and_detail(authed: TestClient) -> None:
    listed = authed.get("/api/plans").json()
    assert listed["total"] == len(listed["items"]) == 6
    detail = authed.get("/api/plans/ordos-weather-2024").json()
    assert len(detail["meteorological"]["hazards"]) == 9


ERRORS = [
    pytest.param({"plan": "no-such-plan", "deaths": 1}, 422, "invalid_input", "plan", id="unknown plan"),
    pytest.param({"plan": "baotou-coal-2025", "deaths": -1}, 422, "invalid_input", "deaths", id="negative deaths"),
    pytest.param({"plan": "baotou-coal-2025", "deaths": "三"}, 422, "invalid_input", "deaths", id="non-numeric"),
    pytest.param({"plan": "baotou-coal-2025", "trapped": 1.5}, 422, "invalid_input", "trapped", id="fractional"),
    pytest.param({"deaths": 1}, 422, "invalid_input", "plan", id="missing plan"),
    pytest.param({"plan": "baotou-coal-2025", "colour": "red"}, 422, "invalid_input", "colour", id="unknown field"),
    pytest.param(
        {"plan": "baotou-coal-2025", "conditions": ["moon"]},
        422,
        "invalid_input",
        "conditions.0",
        id="unknown condition",
    ),
    pytest.param({"plan": "baotou-coal-2025", "social_impact": 5}, 422, "invalid_input", "social_impact", id="impact"),
    pytest.param(
        {"plan": "baotou-coal-2025", "known_at": "2026-11-23T03:00"}, 422, "invalid_input", "known_at", id="naive time"
    ),
    pytest.param({"plan": "ordos-weather-2024", "deaths": 1}, 422, "not_applicable", "plan", id="weather plan"),
]


@pytest.mark.parametrize(("body", "status", "code", "field"), ERRORS)
def test_assess_errors(authed: TestClient, body: dict[str, Any], status: int, code: str, field: str) -> None:
    response = authed.post("/api/assess", json=body)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), "message must be Chinese"


def test_malformed_json_is_a_chinese_422(authed: TestClient) -> None:
    response = authed.post("/api/assess", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_unknown_plan_detail_is_404(authed: TestClient) -> None:
    response = authed.get("/api/plans/no-such-plan")
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "未找到预案：no-such-plan", "field": "plan"}


def test_root_is_the_console_and_asks_for_a_login(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/"
    assert "登录" in client.get("/login").text
    assert client.get("/api/docs").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/api/assess"), ("get", "/api/plans"), ("get", "/api/plans/baotou-coal-2025"), ("get", "/api/auth/me")],
)
def test_reference_endpoints_need_a_login(client: TestClient, method: str, path: str) -> None:
    response = client.request(method.upper(), path, json={"plan": "baotou-coal-2025"} if method == "post" else None)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"

"""/api/metrology over HTTP on both engines: the happy path, scope refusals (404 to read, 403 to write) and every
error path with its status, code, Chinese message and unchanged row counts."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.metrology.conftest import Site, calibration_body, counts, instrument_body

pytestmark = pytest.mark.db
Headers = dict[str, dict[str, str]]


def _create(client: TestClient, who: dict[str, str], **extra: Any) -> dict[str, Any]:
    response = client.post("/api/metrology/instruments", json=instrument_body(**extra), headers=who)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    assert error["message"] and any("\u4e00" <= c <= "\u9fff" for c in error["message"])
    return error


def test_register_calibrate_and_read_back(client: TestClient, site: Site, headers: Headers) -> None:
    created = _create(client, headers["a"])  # an enterprise account: its own enterprise by default
    assert (created["organisation_id"], created["division_code"]) == (site.dalate_a, "150621")
    assert (created["status"], created["due_state"], created["calibrations"]) == ("in_use", "uncalibrated", [])
    url = f"/api/metrology/instruments/{created['id']}/calibrations"
    recorded = client.post(url, json=calibration_body(), headers=headers["a"])
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["next_due_on"] == "2027-01-31"
    assert recorded.json()["result_label"] == "合格"
    shown = client.get(f"/api/metrology/instruments/{created['id']}", headers=headers["dalate"]).json()
    assert (shown["next_due_on"], shown["due_state"], shown["days_to_due"]) == ("2027-01-31", "valid", 69)
    assert [c["certificate_no"] for c in shown["calibrations"]] == ["JD-2026-0001"]
    failed = client.post(
        url,
        json=calibration_body(calibrated_on="2026-11-20", certificate_no="JD-2", result="fail"),
        headers=headers["a"],
    )
    assert failed.status_code == 201
    shown = client.get(f"/api/metrology/instruments/{created['id']}", headers=headers["a"]).json()
    assert (shown["status"], shown["status_label"], shown["next_due_on"]) == ("suspended", "停用", None)
    listed = client.get(url, headers=headers["city"]).json()
    assert [c["result"] for c in listed["items"]] == ["pass", "fail"] and listed["total"] == 2
    assert [c["result_label"] for c in listed["items"]] == ["合格", "不合格"]
    assert client.get(url, params={"limit": 1, "offset": 1}, headers=headers["city"]).json()["items"] == [
        listed["items"][1]
    ]
    changed = client.patch(
        f"/api/metrology/instruments/{created['id']}", json={"location": "新输送线"}, headers=headers["dalate"]
    )
    assert changed.status_code == 200 and changed.json()["location"] == "新输送线"


def test_scope_other_enterprise_is_404_other_county_write_is_403(
    client: TestClient, db_session: Session, site: Site, headers: Headers
) -> None:
    theirs = _create(client, headers["b"])
    far = _create(client, headers["zhungeer"], organisation_id=site.zhungeer)
    before = counts(db_session)
    _refused(client.get(f"/api/metrology/instruments/{theirs['id']}", headers=headers["a"]), 404, "not_found")
    _refused(client.get(f"/api/metrology/instruments/{far['id']}", headers=headers["dalate"]), 404, "not_found")
    _refused(
        client.get(f"/api/metrology/instruments/{far['id']}/calibrations", headers=headers["dalate"]), 404, "not_found"
    )
    _refused(
        client.patch(f"/api/metrology/instruments/{far['id']}", json={"location": "x"}, headers=headers["dalate"]),
        403,
        "out_of_jurisdiction",
    )
    _refused(
        client.post(
            f"/api/metrology/instruments/{far['id']}/calibrations", json=calibration_body(), headers=headers["dalate"]
        ),
        403,
        "out_of_jurisdiction",
    )
    _refused(
        client.post(
            f"/api/metrology/instruments/{theirs['id']}/calibrations", json=calibration_body(), headers=headers["a"]
        ),
        403,
        "forbidden",
    )
    _refused(
        client.post(
            "/api/metrology/instruments",
            json=instrument_body(organisation_id=site.zhungeer, serial_no="Z"),
            headers=headers["dalate"],
        ),
        403,
        "out_of_jurisdiction",
    )
    _refused(
        client.post(
            "/api/metrology/instruments",
            json=instrument_body(organisation_id=site.dalate_b, serial_no="Z"),
            headers=headers["a"],
        ),
        403,
        "forbidden",
    )
    assert counts(db_session) == before
    mine = client.get("/api/metrology/instruments", headers=headers["a"]).json()
    assert (mine["items"], mine["total"]) == ([], 0)
    city = client.get("/api/metrology/instruments", headers=headers["city"]).json()
    assert {r["id"] for r in city["items"]} == {theirs["id"], far["id"]} and city["total"] == 2


def test_read_only_roles_are_refused_before_validation(
    client: TestClient, db_session: Session, site: Site, headers: Headers
) -> None:
    made = _create(client, headers["dalate"], organisation_id=site.dalate_a)
    before = counts(db_session)
    _refused(client.post("/api/metrology/instruments", json={"bad": 1}, headers=headers["expert"]), 403, "forbidden")
    _refused(
        client.patch(f"/api/metrology/instruments/{made['id']}", json={"bad": 1}, headers=headers["expert"]),
        403,
        "forbidden",
    )
    _refused(client.post("/api/metrology/import", content=b"x", headers=headers["expert"]), 403, "forbidden")
    assert client.get(f"/api/metrology/instruments/{made['id']}", headers=headers["expert"]).status_code == 200
    _refused(client.get("/api/metrology/instruments"), 401, "unauthorized")
    assert counts(db_session) == before


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "field"),
    [
        ("post", "/api/metrology/instruments", {"kind": "秤"}, 422, "invalid_input", "kind"),
        ("post", "/api/metrology/instruments", {"interval_months": 0}, 422, "invalid_input", "interval_months"),
        ("post", "/api/metrology/instruments", {"organisation_id": 999999}, 422, "invalid_input", "organisation_id"),
        ("post", "/api/metrology/instruments", {"status": "scrapped"}, 422, "invalid_input", "status"),
        ("post", "/api/metrology/instruments", {"serial_no": "TAKEN"}, 409, "conflict", "serial_no"),
        ("post", "/api/metrology/instruments", {"colour": "red"}, 422, "invalid_input", "colour"),
        ("patch", "/api/metrology/instruments/{id}", {"name": None}, 422, "invalid_input", "name"),
        ("patch", "/api/metrology/instruments/{id}", {"organisation_id": 1}, 422, "invalid_input", "organisation_id"),
        ("patch", "/api/metrology/instruments/{id}", {"serial_no": "TAKEN"}, 409, "conflict", "serial_no"),
        ("patch", "/api/metrology/instruments/999999", {"name": "x"}, 404, "not_found", None),
        ("cal", "/api/metrology/instruments/{id}/calibrations", {"result": "ok"}, 422, "invalid_input", "result"),
        ("cal", "/api/metrology/instruments/{id}/calibrations", {"calibrated_on": "2026-12-01"}, 422, "invalid_input",
         "calibrated_on"),
        ("cal", "/api/metrology/instruments/{id}/calibrations", {"certificate_no": "OLD"}, 409, "conflict",
         "certificate_no"),
        ("cal", "/api/metrology/instruments/999999/calibrations", {}, 404, "not_found", None),
        ("get", "/api/metrology/instruments?due_within=-1", None, 422, "invalid_input", "due_within"),
        ("get", "/api/metrology/instruments?division=15", None, 422, "invalid_input", "division"),
        ("get", "/api/metrology/instruments?status=lost", None, 422, "invalid_input", "status"),
    ],
)  # fmt: skip
def test_error_paths(
    client: TestClient,
    db_session: Session,
    site: Site,
    headers: Headers,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    status: int,
    code: str,
    field: str | None,
) -> None:
    made = _create(client, headers["dalate"], organisation_id=site.dalate_a)
    _create(client, headers["dalate"], organisation_id=site.dalate_a, serial_no="TAKEN")
    url = path.format(id=made["id"])
    cal_url = f"/api/metrology/instruments/{made['id']}/calibrations"
    old = calibration_body(certificate_no="OLD")
    assert client.post(cal_url, json=old, headers=headers["dalate"]).status_code == 201
    before = counts(db_session)
    who = headers["dalate"]
    if method == "post":
        response = client.post(
            url, json=instrument_body(**({"organisation_id": site.dalate_a} | (body or {}))), headers=who
        )
    elif method == "patch":
        response = client.patch(url, json=body, headers=who)
    elif method == "cal":
        response = client.post(url, json=calibration_body(**(body or {})), headers=who)
    else:
        response = client.get(url, headers=who)
    error = _refused(response, status, code)
    if field is not None:
        assert error["field"] == field
    assert counts(db_session) == before


def test_filters_report_and_vocabulary(client: TestClient, site: Site, headers: Headers) -> None:
    fresh = _create(client, headers["dalate"], organisation_id=site.dalate_a, serial_no="NEW")
    old = _create(
        client, headers["dalate"], organisation_id=site.dalate_b, serial_no="OLD", for_carbon_accounting=False
    )
    client.post(
        f"/api/metrology/instruments/{old['id']}/calibrations",
        json=calibration_body(calibrated_on="2025-11-01"),
        headers=headers["dalate"],
    )
    client.post(
        f"/api/metrology/instruments/{fresh['id']}/calibrations",
        json=calibration_body(calibrated_on="2026-11-01"),
        headers=headers["dalate"],
    )

    def serials(query: str) -> list[str]:
        response = client.get(f"/api/metrology/instruments?{query}", headers=headers["city"])
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(page["items"])
        return [r["serial_no"] for r in page["items"]]

    assert serials("overdue=true") == ["OLD"]
    assert serials("due_within=30") == ["OLD"]
    assert serials("due_within=365") == ["OLD", "NEW"]
    assert serials(f"organisation_id={site.dalate_a}") == ["NEW"]
    assert serials("carbon_only=true") == ["NEW"]
    assert serials("division=150622") == []
    assert serials("kind=衡器") == ["NEW", "OLD"]
    report = client.get("/api/metrology/overdue", headers=headers["dalate"]).json()
    assert [r["serial_no"] for r in report["instruments"]] == ["OLD"]
    assert report["as_of"] == "2026-11-23"
    assert {o["organisation_id"]: o["due"]["overdue"] for o in report["organisations"]} == {
        site.dalate_a: 0,
        site.dalate_b: 1,
    }
    vocabulary = client.get("/api/metrology/kinds", headers=headers["expert"]).json()
    assert "流量计" in [k["name"] for k in vocabulary["kinds"]]
    assert vocabulary["results"] == {"pass": "合格", "limited": "准用", "fail": "不合格"}
    assert vocabulary["due_soon_days"] == 30
    assert all(b["seed"] == "003#L2" for b in vocabulary["basis"])

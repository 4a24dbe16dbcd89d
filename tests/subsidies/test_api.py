"""/api/subsidies over HTTP: any logged-in account may calculate, nothing is stored, every refusal names its field."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests import factories
from yingji.audit.models import AuditEntry
from yingji.auth.roles import Role

pytestmark = pytest.mark.db

CALCULATORS = ["tech-licence", "tech-acceptance", "tech-insurance", "tech-payment", "pingfang", "equipment-interest"]


@pytest.fixture
def officer(client: TestClient, db_session: Session, divisions: int) -> TestClient:
    client.headers.update(factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625"))
    return client


def _audit_rows(db_session: Session) -> int:
    return db_session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _ok(client: TestClient, calculator: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/subsidies/{calculator}", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/api/subsidies")] + [("POST", f"/api/subsidies/{c}") for c in CALCULATORS]
)
def test_a_login_is_required(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("role", [Role.EXPERT, Role.ENTERPRISE_REPORTER, Role.GRASSROOTS_OFFICER])
def test_any_role_may_calculate(client: TestClient, db_session: Session, divisions: int, role: Role) -> None:
    client.headers.update(factories.bearer(db_session, f"user_{role}", role, "150625"))
    assert _ok(client, "tech-acceptance", {"contract_amount_yuan": 30000})["total_yuan"] == "3000.00"


def test_the_listing_cites_every_parameter(officer: TestClient) -> None:
    response = officer.get("/api/subsidies")
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == len(CALCULATORS) and page["offset"] == 0
    rows = {r["id"]: r for r in page["items"]}
    assert list(rows) == CALCULATORS
    assert {r["endpoint"] for r in rows.values()} == {f"/api/subsidies/{c}" for c in CALCULATORS}
    assert rows["tech-licence"]["programme"]["doc_no"] == "包科发〔2025〕61号"
    assert rows["pingfang"]["programme"]["doc_no"] == "杭政办发〔2024〕42号"
    for row in rows.values():
        assert row["formula"] and row["parameters"]
        assert all(p["seed"] and p["quote"] for p in row["parameters"])
    caps = {p["name"]: p["value"] for p in rows["tech-insurance"]["parameters"]}
    assert caps["补贴上限"] == "5000" and caps["补贴比例（3000元（含）以内部分）"] == "100"
    permit = [p for p in rows["pingfang"]["parameters"] if p["seed"] == "004#L9556-L9558"]
    assert {p["value"] for p in permit} == {"500", "1000000"}


def test_the_licence_subsidy_of_a_contract(officer: TestClient, db_session: Session) -> None:
    before = _audit_rows(db_session)
    body = {
        "results": [
            {"amount_yuan": "100001", "name": "稀土永磁材料"},
            {"amount_yuan": 29999.99},
            {"amount_yuan": 50000, "kind": "ordinary", "is_first_licence": False},
        ]
    }
    answer = _ok(officer, "tech-licence", body)
    assert answer["total_yuan"] == "10000.00"
    assert [c["amount_yuan"] for c in answer["components"]] == ["10000.10", "-0.10", "0.00", "0.00"]
    assert answer["inputs"]["成果1（稀土永磁材料）"] == "100001.00 元，普通许可，首次许可"
    assert {"000#L2248", "000#L2248-L2250"} <= {b["seed"] for b in answer["basis"]}
    assert answer["formula"].startswith("合同补贴 = Σ")
    assert _audit_rows(db_session) == before  # nothing is stored


@pytest.mark.parametrize(("amount", "total"), [(29999.99, "0.00"), (30000, "3000.00"), ("200001", "20000.00")])
def test_the_acceptance_subsidy(officer: TestClient, amount: object, total: str) -> None:
    assert _ok(officer, "tech-acceptance", {"contract_amount_yuan": amount})["total_yuan"] == total


def test_the_insurance_subsidy(officer: TestClient) -> None:
    answer = _ok(officer, "tech-insurance", {"fee_yuan": 5500})
    assert answer["total_yuan"] == "5000.00"
    assert [c["formula"] for c in answer["components"]] == ["3000.00 × 100% = 3000.00", "2500.00 × 80% = 2000.00"]
    assert all(c["basis"][0]["seed"] == "000#L2262" for c in answer["components"])


def test_the_payment_day(officer: TestClient) -> None:
    answer = _ok(officer, "tech-payment", {"effective_on": "2025-09-05", "proposed_on": "2026-09-05"})
    assert (answer["earliest_on"], answer["may_pay"]) == ("2026-09-06", False)
    assert [c["on"] for c in answer["conditions"]] == ["2026-09-06", None]
    earlier = _ok(officer, "tech-payment", {"effective_on": "2025-09-05", "revenue_on": "2026-03-01"})
    assert earlier["earliest_on"] == "2026-03-02"


def test_the_pingfang_calculator(officer: TestClient) -> None:
    body = {
        "work": "rebuild",
        "grade": "D",
        "main_kind": "storeyed",
        "main_area_m2": 400,
        "ancillary_area_m2": "100",
        "investment_yuan": 1000000,
        "setback": {
            "plot_area_m2": 100,
            "area_m2": 12.5,
            "land_use": "commercial",
            "tenure": "allocated",
            "location_class": 2,
        },
    }
    answer = _ok(officer, "pingfang", body)
    assert answer["total_yuan"] == "417500.00"  # 400 × 700 + 100 × 500 + 100 × 875 (退线前土地面积, the default)
    assert any("按退出土地面积计算" in n and "10937.50" in n for n in answer["notes"])  # 12.5 × 875, not used
    assert answer["route"]["id"] == "construction_permit"  # 500 m² and 100万: 以上 includes the number
    assert [s["stage"] for s in answer["schedule"]] == ["main_built", "ancillary_built", "accepted", "setback_accepted"]
    assert "004#L9274-L9278" in {b["seed"] for b in answer["basis"]}  # D rebuilt: no 16600


ERRORS = [
    ("tech-acceptance", {"contract_amount_yuan": "三万"}, "contract_amount_yuan"),
    ("tech-acceptance", {"contract_amount_yuan": -1}, "contract_amount_yuan"),
    ("tech-acceptance", {"contract_amount_yuan": True}, "contract_amount_yuan"),
    ("tech-acceptance", {"contract_amount_yuan": None}, "contract_amount_yuan"),
    ("tech-acceptance", {"contract_amount_yuan": 1e12}, "contract_amount_yuan"),
    ("tech-acceptance", {"contract_amount_yuan": "30000.001"}, "contract_amount_yuan"),
    ("tech-acceptance", {}, "contract_amount_yuan"),
    ("tech-acceptance", {"contract_amount_yuan": 30000, "bonus": 1}, "bonus"),
    ("tech-insurance", {"fee_yuan": "NaN"}, "fee_yuan"),
    ("tech-licence", {"results": []}, "results"),
    ("tech-licence", {"results": [{"amount_yuan": 40000}, {"amount_yuan": -5}]}, "results.1.amount_yuan"),
    ("tech-licence", {"results": [{"amount_yuan": 40000, "kind": "lease"}]}, "results.0.kind"),
    ("tech-licence", {"results": [{}]}, "results.0.amount_yuan"),
    ("tech-payment", {"effective_on": "2025-13-01"}, "effective_on"),
    ("tech-payment", {"effective_on": "2025-09-05", "revenue_on": "2025-09-01"}, "revenue_on"),
    ("tech-payment", {"effective_on": "1900-01-01"}, "effective_on"),
    ("pingfang", {"work": "repaint", "grade": "B"}, "work"),
    ("pingfang", {"work": "renovate", "grade": "E", "floor_area_m2": 50}, "grade"),
    ("pingfang", {"work": "renovate", "grade": "D", "floor_area_m2": 50}, "grade"),
    ("pingfang", {"work": "renovate", "grade": "B"}, "floor_area_m2"),
    ("pingfang", {"work": "renovate", "grade": "B", "floor_area_m2": "一百"}, "floor_area_m2"),
    ("pingfang", {"work": "renovate", "grade": "B", "floor_area_m2": 50, "main_area_m2": 50}, "main_area_m2"),
    ("pingfang", {"work": "rebuild", "grade": "C"}, "main_area_m2"),
    ("pingfang", {"work": "vacant_build", "main_area_m2": 60}, "main_kind"),
    (
        "pingfang",
        {"work": "vacant_build", "main_kind": "bungalow", "main_area_m2": 60, "setback": {}},
        "setback.land_use",
    ),
    (
        "pingfang",
        {
            "work": "vacant_build",
            "main_kind": "bungalow",
            "main_area_m2": 60,
            "setback": {"area_m2": 5, "land_use": "residential", "tenure": "granted"},
        },
        "setback.plot_area_m2",  # the reading in force (按退线前土地面积计算) needs the plot's area
    ),
    (
        "pingfang",
        {
            "work": "vacant_build",
            "main_kind": "bungalow",
            "main_area_m2": 60,
            "setback": {"plot_area_m2": 5, "land_use": "commercial", "tenure": "granted"},
        },
        "setback.location_class",
    ),
]


@pytest.mark.parametrize(("calculator", "body", "field"), ERRORS, ids=[f"{c} {f}" for c, _, f in ERRORS])
def test_refusals_are_422_naming_the_field(
    officer: TestClient, db_session: Session, calculator: str, body: dict[str, Any], field: str
) -> None:
    before = _audit_rows(db_session)
    response = officer.post(f"/api/subsidies/{calculator}", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and error["field"] == field
    assert error["message"].startswith("输入不合法：") and field in error["message"]
    assert _audit_rows(db_session) == before

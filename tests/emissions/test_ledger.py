"""The key enterprises' pollutant and carbon ledger (issue 26 item 4; 003#L20 “建立煤电、煤化工等重点行业企业
污染物和碳排放管理台账”, 2026 “建立以重点企业信息台账为基础的污染物和碳排放协同管理机制”): rows per enterprise and year,
the change against 2023 over the same enterprises, and the facilities' mean efficiency carried into
“重点企业环保设施运行效率相较2023年提高3%以上”."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from yingji.audit.models import AuditEntry
from yingji.auth.actor import SYSTEM
from yingji.auth.roles import Role
from yingji.emissions.models import EmissionEntry
from yingji.ledger import service as ledger

pytestmark = pytest.mark.db


@pytest.fixture
def world(db_session: Session, divisions: int) -> dict[str, Any]:
    a = factories.enterprise(db_session, "鄂尔多斯示例煤电有限公司", "150602")
    b = factories.enterprise(db_session, "鄂尔多斯示例煤化工有限公司", "150602")
    department = factories.save(
        db_session, "organisations", name="鄂尔多斯市生态环境局", kind="department", division_code="150600"
    )
    factories.user(db_session, "coal_power", Role.ENTERPRISE_REPORTER, organisation_id=a.id)
    db_session.commit()
    return {
        "a": a.id,
        "b": b.id,
        "department": department.id,
        "firm": {"Authorization": f"Bearer {factories.token_for(db_session, 'coal_power')}"},
        "city": factories.bearer(db_session, "ordos_duty", Role.CITY_OFFICER, "150600"),
        "baotou": factories.bearer(db_session, "baotou_duty", Role.CITY_OFFICER, "150200"),
    }


def entry(org: int, year: int, nox: str, vocs: str, eff: str, sector: str = "coal_power") -> dict[str, Any]:
    return {
        "organisation_id": org,
        "year": year,
        "sector": sector,
        "nox_t": nox,
        "vocs_t": vocs,
        "co2_t": "1200000",
        "facility_efficiency_pct": eff,
        "source": "在线监测与排污许可执行报告",
    }


def test_rows_totals_change_against_2023_and_the_kpi(
    client: TestClient, world: dict[str, Any], db_session: Session
) -> None:
    ledger.load(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)  # the KPI rows (only where needed: slow)
    own = client.post("/api/emissions/entries", json=entry(world["a"], 2023, "500", "80", "80"), headers=world["firm"])
    assert own.status_code == 201, own.text
    assert own.json()["allowed_actions"] == ["correct"] and own.json()["sector_label"] == "煤电"
    for body in (
        entry(world["b"], 2023, "300", "120", "90", "coal_chemical"),
        entry(world["a"], 2024, "430", "70", "85"),
        entry(world["b"], 2024, "280", "100", "90.5", "coal_chemical"),
    ):
        made = client.post("/api/emissions/entries", json=body, headers=world["city"])
        assert made.status_code == 201, made.text
    twice = client.post("/api/emissions/entries", json=entry(world["a"], 2024, "1", "1", "1"), headers=world["city"])
    assert twice.status_code == 409 and twice.json()["error"]["subcode"] == "emissions.entry.exists"
    years = client.get("/api/emissions/summary", headers=world["city"]).json()["years"]
    latest = years[0]
    assert latest["year"] == 2024 and latest["enterprises"] == 2 and latest["compared"] == 2
    assert Decimal(latest["nox_cut_vs_2023_t"]) == 90 and Decimal(latest["vocs_cut_vs_2023_t"]) == 30
    # mean efficiency 85 → 87.75: +3.24 % (relative), above the 2024 goal of 3 %
    assert Decimal(latest["mean_efficiency_pct"]) == Decimal("87.75")
    assert Decimal(latest["efficiency_change_vs_2023_pct"]) == Decimal("3.24")
    assert years[1]["year"] == 2023 and years[1]["efficiency_change_vs_2023_pct"] is None
    for year in (2023, 2024):
        carried = client.post(f"/api/emissions/summary/{year}/to-targets", headers=world["city"])
        assert carried.status_code == 200, carried.text
    assert carried.json()["targets"] == [
        "重点企业环保设施运行效率（2024年）",
        "重点企业环保设施运行效率（2025年）",
        "重点企业环保设施运行效率（2026年）",
    ]
    targets = client.get("/api/ledger/targets", params={"limit": 500}, headers=world["city"]).json()["items"]
    kpi = next(t for t in targets if t["name"] == "重点企业环保设施运行效率" and t["target_year"] == 2024)
    assert kpi["values"] == {"2023": 85.0, "2024": 87.75}
    audited = db_session.scalars(select(AuditEntry.action).where(AuditEntry.target_kind == "emission_entry")).all()
    assert audited.count("emissions.entry.create") == 4


def test_corrections_keep_the_key_and_the_old_figures(
    client: TestClient, world: dict[str, Any], db_session: Session
) -> None:
    row = client.post("/api/emissions/entries", json=entry(world["a"], 2024, "500", "80", "80"), headers=world["firm"])
    url = f"/api/emissions/entries/{row.json()['id']}"
    moved = client.put(url, json=entry(world["a"], 2025, "500", "80", "80"), headers=world["firm"])
    assert moved.status_code == 422 and moved.json()["error"]["subcode"] == "emissions.entry.key"
    fixed = client.put(url, json=entry(world["a"], 2024, "480", "80", "81"), headers=world["firm"])
    assert fixed.status_code == 200 and Decimal(fixed.json()["nox_t"]) == 480
    last = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "emissions.entry.correct").order_by(AuditEntry.id.desc())
    ).first()
    assert last is not None and last.before is not None and last.before["nox_t"] == "500.000"


@pytest.mark.parametrize(
    ("who", "org", "change", "status", "subcode"),
    [
        ("firm", "b", {}, 403, "emissions.entry.party"),  # another enterprise's row
        ("baotou", "a", {}, 403, "emissions.entry.party"),  # another city
        ("city", "a", {"year": 2027}, 422, "emissions.entry.future"),
        ("city", "department", {}, 422, "emissions.enterprise.unknown"),  # a department is not a key enterprise
        ("city", "a", {"facility_efficiency_pct": "100.5"}, 422, None),
        ("city", "a", {"nox_t": "-1"}, 422, None),
        ("city", "a", {"sector": "steel"}, 422, None),
    ],
)
def test_refusals_leave_nothing(
    client: TestClient,
    world: dict[str, Any],
    db_session: Session,
    who: str,
    org: str,
    change: dict[str, Any],
    status: int,
    subcode: str | None,
) -> None:
    body = entry(world[org], 2024, "1", "1", "50") | change
    answer = client.post("/api/emissions/entries", json=body, headers=world[who])
    assert answer.status_code == status, answer.text
    if subcode:
        assert answer.json()["error"]["subcode"] == subcode
    assert db_session.scalars(select(EmissionEntry)).all() == []


def test_scope_and_who_carries_into_the_kpi(client: TestClient, world: dict[str, Any], db_session: Session) -> None:
    ledger.load(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)
    client.post("/api/emissions/entries", json=entry(world["a"], 2024, "500", "80", "80"), headers=world["city"])
    client.post("/api/emissions/entries", json=entry(world["b"], 2024, "300", "80", "80"), headers=world["city"])
    assert client.get("/api/emissions/entries", headers=world["firm"]).json()["total"] == 1
    assert client.get("/api/emissions/entries", headers=world["baotou"]).json()["total"] == 0
    refused = client.post("/api/emissions/summary/2024/to-targets", headers=world["firm"])
    assert refused.status_code == 403 and refused.json()["error"]["subcode"] == "emissions.targets.none"
    empty = client.post("/api/emissions/summary/2025/to-targets", headers=world["city"])
    assert empty.status_code == 409 and empty.json()["error"]["subcode"] == "emissions.targets.empty"


def test_the_page_shows_the_years_change_in_words(client: TestClient, world: dict[str, Any]) -> None:
    for body in (
        entry(world["a"], 2023, "500", "80", "80"),
        entry(world["b"], 2023, "300", "120", "90", "coal_chemical"),
        entry(world["a"], 2024, "430", "70", "85"),
        entry(world["b"], 2024, "280", "100", "90.5", "coal_chemical"),
    ):
        client.post("/api/emissions/entries", json=body, headers=world["city"])
    html = client.get("/console/emissions", headers=world["city"]).text
    assert "2 家企业：NOx 减少 90.0 吨，VOCs 减少 30.0 吨，运行效率 +3.24%" in html
    assert "计入指标" in html and "填报台账" in html and "煤化工" in html
    own = client.get("/console/emissions", headers=world["firm"]).text
    assert "鄂尔多斯示例煤化工有限公司" not in own and "计入指标" not in own and "填报台账" in own

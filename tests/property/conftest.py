"""Accounts at every level of 东胜区 and 包头, two companies and a few compounds, created through the API."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.roles import Role

People = dict[str, dict[str, str]]
Places = dict[str, int]

COMPANY = {
    "name": "鄂尔多斯市测试物业服务有限公司",
    "credit_code": "91150602MA0QC001XA",
    "division_code": "150602",
    "party_members": 4,
    "party_branch": True,
    "staff": 50,
    "staff_pre_job_trained": 50,
    "professional_post_staff": 10,
    "professional_post_staff_continuing_educated": 8,
}
KUN_COMPANY = {
    **COMPANY,
    "name": "包头市测试物业有限公司",
    "credit_code": "91150203MA0QC002XA",
    "division_code": "150203",
}


def compound(name: str, division: str, **extra: Any) -> dict[str, Any]:
    body = {
        "name": name,
        "division_code": division,
        "buildings": 5,
        "households": 200,
        "management": "professional",
        "company": COMPANY["name"],
        "committee": "owners",
        "committee_members": 5,
        "committee_party_members": 3,
    }
    return {**body, **extra}


@pytest.fixture
def people(client: TestClient, db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    factories.enterprise(db_session, "东胜示例化工有限公司", "150602")
    return {
        "dongsheng": factories.bearer(db_session, "ds_housing", Role.COUNTY_OFFICER, "150602"),
        "street": factories.bearer(db_session, "jiaotong", Role.GRASSROOTS_OFFICER, "150602001"),
        "community": factories.bearer(db_session, "jinxiu", Role.GRASSROOTS_OFFICER, "150602001002"),
        "other_street": factories.bearer(db_session, "gongyuan", Role.GRASSROOTS_OFFICER, "150602002"),
        "baotou": factories.bearer(db_session, "bt_housing", Role.CITY_OFFICER, "150200"),
        "kundulun": factories.bearer(db_session, "kun_housing", Role.COUNTY_OFFICER, "150203"),
        "expert": factories.bearer(db_session, "ds_expert", Role.EXPERT, "150602"),
    }


@pytest.fixture
def places(client: TestClient, people: dict[str, dict[str, str]]) -> dict[str, int]:
    """锦秀社区 (交通街道) and 育才社区 (公园街道) compounds in 东胜区, one in 昆都仑区."""
    assert client.post("/api/property/companies", json=COMPANY, headers=people["dongsheng"]).status_code == 201
    assert client.post("/api/property/companies", json=KUN_COMPANY, headers=people["kundulun"]).status_code == 201
    made = {}
    for key, body, who in (
        ("jinxiu", compound("锦秀苑", "150602001002"), "dongsheng"),
        (
            "hangkong",
            compound(
                "航空家园", "150602001003", committee="none", committee_members=None, committee_party_members=None
            ),
            "dongsheng",
        ),
        ("yucai", compound("育才小区", "150602002001", management="none", company=None), "dongsheng"),
        ("baoli", compound("保利花园", "150203012027", company=KUN_COMPANY["name"]), "kundulun"),
    ):
        response = client.post("/api/property/compounds", json=body, headers=people[who])
        assert response.status_code == 201, response.text
        made[key] = response.json()["id"]
    return made

"""The 南平房区 world of the case tests: 锡尼镇 (150625100) in 杭锦旗 (150625), with the town's worker, the banner's
officer (the bureaus), an officer of another county, the Ordos city officer (not the banner's bureau), a commander
without the permission and an unlimited administrator; and Baotou's 市科技局 for the licence cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.roles import Role

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
PEOPLE = {
    "town": (Role.GRASSROOTS_OFFICER, "150625100"),
    "county": (Role.COUNTY_OFFICER, "150625"),
    "other_county": (Role.COUNTY_OFFICER, "150602"),
    "city": (Role.CITY_OFFICER, "150600"),
    "commander": (Role.HQ_COMMANDER, "150625"),
    "baotou": (Role.CITY_OFFICER, "150200"),
    "kun": (Role.COUNTY_OFFICER, "150203"),
}


@dataclass
class World:
    api: TestClient
    headers: dict[str, dict[str, str]]

    def call(self, who: str, method: str, path: str, **kwargs: Any) -> Response:
        response: Response = self.api.request(method, path, headers=self.headers[who], **kwargs)
        return response

    def post(self, who: str, path: str, body: dict[str, Any] | None = None, status: int = 200) -> dict[str, Any]:
        response = self.call(who, "POST", path, json=body or {})
        assert response.status_code == status, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def refused(self, who: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        response = self.call(who, "POST", path, json=body or {})
        error: dict[str, Any] = response.json()["error"]
        return response.status_code, error

    def upload(self, who: str, case_id: int, kind: str, name: str = "scan.png") -> dict[str, Any]:
        response = self.api.post(
            f"/api/subsidy-cases/{case_id}/documents/{kind}",
            params={"filename": name},
            content=PNG,
            headers=self.headers[who] | {"Content-Type": "image/png"},
        )
        assert response.status_code == 201, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def case(self, who: str, case_id: int) -> dict[str, Any]:
        response = self.call(who, "GET", f"/api/subsidy-cases/{case_id}")
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer


@pytest.fixture
def world(client: TestClient, db_session: Session, divisions: int) -> World:
    headers = {who: factories.bearer(db_session, f"case_{who}", role, code) for who, (role, code) in PEOPLE.items()}
    admin = factories.user(db_session, "case_admin", Role.ADMIN)
    headers["admin"] = {"Authorization": f"Bearer {factories.token_for(db_session, admin.username)}"}
    return World(api=client, headers=headers)

"""The owners' anonymous complaint form is rate-limited per client address and per compound (issue 21 item 6: ten
anonymous complaints had made a compound a 重点小区); a refused submission leaves nothing behind."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.property.conftest import Places
from yingji.config import Settings
from yingji.core.clock import FixedClock
from yingji.property.models import Complaint

pytestmark = pytest.mark.db


def _file(client: TestClient, compound_id: int) -> Any:
    body = {
        "compound_id": compound_id,
        "category": "环境卫生",
        "content": "楼道堆放杂物无人清理",
        "owner_phone": "13800000001",
    }
    return client.post("/api/property/public/complaints", json=body)


@pytest.fixture
def limited(client: TestClient, places: Places) -> TestClient:
    client.app.state.clock = FixedClock(client.app.state.clock.now())  # type: ignore[attr-defined]
    client.app.state.settings = Settings(  # type: ignore[attr-defined]
        public_form_per_address=2,
        public_form_address_window_s=3600,
        public_form_per_target=3,
        public_form_target_window_s=86400,
    )
    return client


def test_one_address_is_limited(limited: TestClient, places: Places, db_session: Session) -> None:
    assert [_file(limited, places["jinxiu"]).status_code for _ in range(2)] == [201, 201]
    refused = _file(limited, places["yucai"])  # another compound, the same address
    assert refused.status_code == 429 and refused.headers["retry-after"] == "3600"
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert db_session.scalar(select(func.count()).select_from(Complaint)) == 2
    limited.app.state.clock.advance(hours=1)  # type: ignore[attr-defined]
    assert _file(limited, places["yucai"]).status_code == 201


def test_one_compound_is_limited(limited: TestClient, places: Places) -> None:
    limited.app.state.settings = limited.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"public_form_per_address": 100}
    )
    assert [_file(limited, places["jinxiu"]).status_code for _ in range(3)] == [201, 201, 201]
    refused = _file(limited, places["jinxiu"])
    assert refused.status_code == 429 and "小区" in refused.json()["error"]["message"]
    assert _file(limited, places["yucai"]).status_code == 201  # another compound still goes through

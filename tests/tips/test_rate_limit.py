"""The public tip form is rate-limited per client address and per target (division and subject, spacing and case
ignored), issue 21 item 6; a refused tip leaves nothing behind, an invalid one does not count."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.config import Settings
from yingji.core.clock import FixedClock
from yingji.tips.models import Tip

pytestmark = pytest.mark.db

TIP = {"division_code": "150702", "subject": "某煤矿", "description": "夜班在瓦斯超限时仍在采煤，监控探头被遮挡"}


def _tip(client: TestClient, **changes: Any) -> Any:
    return client.post("/api/tips/public", json=TIP | changes)


@pytest.fixture
def limited(client: TestClient, divisions: int) -> TestClient:
    client.app.state.clock = FixedClock(client.app.state.clock.now())  # type: ignore[attr-defined]
    client.app.state.settings = Settings(  # type: ignore[attr-defined]
        public_form_per_address=3,
        public_form_address_window_s=3600,
        public_form_per_target=2,
        public_form_target_window_s=86400,
    )
    return client


def test_one_target_is_limited(limited: TestClient, db_session: Session) -> None:
    assert _tip(limited, division_code="159999").status_code == 422  # invalid: not counted
    assert [_tip(limited).status_code, _tip(limited, subject=" 某 煤矿 ").status_code] == [201, 201]
    refused = _tip(limited, subject="某煤矿")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "86400"
    assert "被举报对象" in refused.json()["error"]["message"]
    assert db_session.scalar(select(func.count()).select_from(Tip)) == 2
    assert _tip(limited, subject="另一煤矿").status_code == 201  # another target
    limited.app.state.clock.advance(days=1)  # type: ignore[attr-defined]
    assert _tip(limited).status_code == 201  # a day later both windows have passed


def test_one_address_is_limited(limited: TestClient) -> None:
    assert [_tip(limited, subject=f"煤矿{i}").status_code for i in range(3)] == [201, 201, 201]
    refused = _tip(limited, subject="煤矿9")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "3600"
    assert "同一来源" in refused.json()["error"]["message"]
    limited.app.state.clock.advance(hours=1)  # type: ignore[attr-defined]
    assert _tip(limited, subject="煤矿9").status_code == 201

"""A client on a clock of its own (the walk-through moves it past the due day), the units and their accounts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from tests.support.apps import shared_app
from yingji.auth.roles import Role
from yingji.config import Settings
from yingji.core.clock import FixedClock
from yingji.duties import service
from yingji.registry.models import Organisation

EDU = "杭锦旗教育体育局"
HANGJIN = "hangjin-duties"


@pytest.fixture
def moving_clock() -> FixedClock:
    """2026-11-23 11:00 Beijing: the November report is due on the 24th (“每月25日前”)."""
    return FixedClock(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))


@pytest.fixture
def api(engine: Engine, db_session: Session, moving_clock: FixedClock) -> Iterator[TestClient]:
    app = shared_app(
        engine, "duties", clock=moving_clock, settings=Settings(public_form_per_address=0, public_form_per_target=0)
    )
    app.state.sessionmaker = sessionmaker(
        bind=db_session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def generated(db_session: Session, divisions: int, moving_clock: FixedClock) -> int:
    """A coal mine and a trade enterprise in 杭锦旗, then this period's instances of every duty."""
    factories.enterprise(db_session, "杭锦旗示范煤矿（测试）", "150625", sector="coal_mine", duty_phone="0477-1000001")
    factories.enterprise(db_session, "杭锦旗示范商贸公司（测试）", "150625100", sector="industry_trade")
    return service.generate(db_session=db_session, clock=moving_clock)


def unit_id(db_session: Session, name: str) -> int:
    found = db_session.scalar(select(Organisation.id).where(Organisation.name == name))
    assert found is not None, name
    return found


def headers(
    db_session: Session, username: str, role: Role, *, division: str | None = None, unit: str | None = None
) -> dict[str, str]:
    organisation = unit_id(db_session, unit) if unit else None
    factories.user(db_session, username, role, division=division, organisation_id=organisation)
    return {"Authorization": f"Bearer {factories.token_for(db_session, username)}"}


def instance(api: TestClient, auth: dict[str, str], **params: Any) -> dict[str, Any]:
    response = api.get("/api/duties/instances", params=params, headers=auth)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    assert len(items) == 1, items
    return items[0]

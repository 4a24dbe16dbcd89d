"""A coal mine and a tailings pond of one enterprise in 东胜区, its gateway, and a client on a clock tests can move."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from tests.support import mosquitto
from tests.support.apps import shared_app
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock

START = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
START_MS = int(START.timestamp() * 1000)


@dataclass
class Site:
    client: TestClient
    clock: FixedClock
    app: Any
    gateway: dict[str, str]  # 甲煤业 gateway token
    other_gateway: dict[str, str]  # another enterprise's gateway
    officer: dict[str, str]  # 东胜区 duty officer
    outsider: dict[str, str]  # 杭锦旗 duty officer
    mine_id: int
    pond_id: int

    def now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    def send(self, rows: list[tuple[str, int, float]], headers: dict[str, str] | None = None) -> Any:
        body = {"readings": [{"point": p, "time": t, "value": v} for p, t, v in rows]}
        response = self.client.post("/api/monitoring/readings", json=body, headers=headers or self.gateway)
        assert response.status_code == 200, response.text
        return response.json()

    def point(self, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        response = self.client.post("/api/monitoring/points", json=body, headers=headers or self.gateway)
        assert response.status_code == 201, response.text
        return response.json()

    def alarms(
        self, state: str = "open", headers: dict[str, str] | None = None, **filters: str | int
    ) -> list[dict[str, Any]]:
        """The alarms in the officer's list, one row per alarm (floods not folded) unless ``ungrouped=False``."""
        params: dict[str, str | int] = {"state": state, "limit": 500, "ungrouped": "true"}
        params.update(filters)
        response = self.client.get("/api/monitoring/alarms", params=params, headers=headers or self.officer)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(page["items"])  # the tests' sites have fewer alarms than a page
        rows: list[dict[str, Any]] = page["items"]
        for row in rows:  # every alarm names its enterprise, site and point in words
            assert row["enterprise_name"] and row["site_name"] != row["site"] and row["point_name"]
        return rows


@pytest.fixture
def site(engine: Engine, db_session: Session, divisions: int) -> Iterator[Site]:
    bureau = factories.save(
        db_session,
        "organisations",
        name="东胜区应急管理局",
        kind="department",
        division_code="150602",
        duty_phone="0477-8888001",
    )
    owner = factories.enterprise(db_session, "甲煤业有限公司", "150602", duty_phone="0477-5550001")
    other = factories.enterprise(db_session, "乙矿业有限公司", "150602")
    mine = factories.mine(
        db_session, "甲煤矿", "甲煤业有限公司", "150602", kind="coal_underground", supervising=bureau.name
    )
    pond = factories.save(
        db_session,
        "tailings_ponds",
        name="甲尾矿库",
        enterprise="甲煤业有限公司",
        division_code="150602",
        pond_grade=3,
        status="operating",
        supervising=bureau.name,
        lon=109.9,
        lat=39.8,
    )
    factories.user(db_session, "jia_gateway", Role.ENTERPRISE_REPORTER, organisation_id=owner.id)
    factories.user(db_session, "yi_gateway", Role.ENTERPRISE_REPORTER, organisation_id=other.id)
    clock = FixedClock(START)
    app = shared_app(engine, "site", clock=clock)
    app.state.sessionmaker = sessionmaker(
        bind=db_session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    with TestClient(app) as client:
        yield Site(
            client=client,
            clock=clock,
            app=app,
            gateway={"Authorization": f"Bearer {factories.token_for(db_session, 'jia_gateway')}"},
            other_gateway={"Authorization": f"Bearer {factories.token_for(db_session, 'yi_gateway')}"},
            officer=factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602"),
            outsider=factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625"),
            mine_id=mine.id,
            pond_id=pond.id,
        )


CORNER: dict[str, Any] = {
    "code": "CH4-01",
    "name": "15201工作面上隅角甲烷",
    "kind": "CH4",
    "mine": "甲煤矿",
    "location_class": "采煤工作面上隅角",
}


@pytest.fixture(scope="module")
def broker() -> Iterator[mosquitto.Broker]:
    """A Mosquitto broker on loopback for the module (the MQTT input, single process and edge)."""
    try:
        running = mosquitto.start()
    except (FileNotFoundError, OSError) as err:
        if os.environ.get("YINGJI_REQUIRE_MOSQUITTO") == "1" or os.environ.get("CI") == "true":
            raise RuntimeError(f"Mosquitto is required for this run but could not start: {err}") from err
        pytest.skip("mosquitto not installed (scripts/test installs it)")
    yield running
    running.stop()

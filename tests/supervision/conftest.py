"""A 陈巴尔虎旗 coal enterprise with a deep coal mine, a stopped non-coal underground mine and a grade-Ⅲ pond; its
account, the banner's bureau, officers inside and outside the banner, an expert, and a client on a movable clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from tests.support.apps import shared_app
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock

START = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 2026-11-23 11:00 Beijing time


@dataclass
class World:
    client: TestClient
    clock: FixedClock
    enterprise: dict[str, str]
    other_enterprise: dict[str, str]
    officer: dict[str, str]
    outsider: dict[str, str]
    expert: dict[str, str]
    deep_mine: int  # 井工煤矿, producing
    stopped_mine: int  # 地下非煤矿山, suspended
    pond: int  # grade 3
    bureau: int
    owner: int

    def get(self, path: str, who: dict[str, str], **params: Any) -> Any:
        return self.client.get(path, headers=who, params=params)

    def post(self, path: str, who: dict[str, str], body: dict[str, Any] | None = None) -> Any:
        return self.client.post(path, json=body or {}, headers=who)

    def put(self, path: str, who: dict[str, str], body: dict[str, Any]) -> Any:
        return self.client.put(path, json=body, headers=who)


@pytest.fixture
def world(engine: Engine, db_session: Session, divisions: int) -> Iterator[World]:
    bureau = factories.save(
        db_session, "organisations", name="陈巴尔虎旗应急管理局", kind="department", division_code="150725"
    )
    owner = factories.enterprise(db_session, "宝日希勒示例煤业有限公司", "150725", sector="coal_mine")
    other = factories.enterprise(db_session, "鄂温克示例矿业有限公司", "150724", sector="non_coal_mine")
    deep = factories.mine(
        db_session,
        "宝日希勒示例井工煤矿",
        owner.name,
        "150725",
        kind="coal_underground",
        supervising=bureau.name,
        lon=119.9,
        lat=49.4,
    )
    stopped = factories.mine(db_session, "示例铅锌矿", owner.name, "150725", status="suspended", lon=119.8, lat=49.5)
    pond = factories.save(
        db_session,
        "tailings_ponds",
        name="示例尾矿库",
        enterprise=owner.name,
        division_code="150725",
        pond_grade=3,
        status="operating",
        lon=119.7,
        lat=49.45,
    )
    factories.mine(db_session, "鄂温克示例铁矿", other.name, "150724", lon=119.7, lat=49.1)
    factories.user(db_session, "brxl_safety", Role.ENTERPRISE_REPORTER, organisation_id=owner.id)
    factories.user(db_session, "ewk_safety", Role.ENTERPRISE_REPORTER, organisation_id=other.id)
    clock = FixedClock(START)
    app = shared_app(engine, "supervision", clock=clock)
    app.state.sessionmaker = sessionmaker(
        bind=db_session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    with TestClient(app) as client:
        yield World(
            client=client,
            clock=clock,
            enterprise={"Authorization": f"Bearer {factories.token_for(db_session, 'brxl_safety')}"},
            other_enterprise={"Authorization": f"Bearer {factories.token_for(db_session, 'ewk_safety')}"},
            officer=factories.bearer(db_session, "cbe_duty", Role.COUNTY_OFFICER, "150725"),
            outsider=factories.bearer(db_session, "ewk_duty", Role.COUNTY_OFFICER, "150724"),
            expert=factories.bearer(db_session, "cbe_expert", Role.EXPERT, "150725"),
            deep_mine=deep.id,
            stopped_mine=stopped.id,
            pond=pond.id,
            bureau=bureau.id,
            owner=owner.id,
        )

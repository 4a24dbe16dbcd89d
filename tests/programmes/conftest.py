"""A Baotou world for the programmes: the city's authority, two county offices, two enterprises with their
reporters, an Ordos officer (out of scope), experts with accounts, and an API whose clock the tests move."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from tests.support.apps import shared_app
from yingji.auth import service as auth_service
from yingji.auth.actor import SYSTEM
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock

ICH_CATEGORIES = ["传统医药", "传统技艺", "传统音乐", "民间文学"]


@dataclass
class World:
    api: TestClient
    clock: FixedClock
    headers: dict[str, dict[str, str]]
    orgs: dict[str, int]
    db: Session
    experts: dict[str, int] = field(default_factory=dict)

    def at(self, day: date, hour: int = 10) -> None:
        """Move the clock to a Beijing-time day (10:00 local)."""
        target = datetime.combine(day, time(hour - 8)).replace(tzinfo=UTC)
        self.clock.advance(seconds=(target - self.clock.now()).total_seconds())

    def renew(self, who: str, username: str) -> None:
        """A new token for an account, issued at the clock's time (tokens last a year)."""
        token = auth_service.create_api_token(
            db_session=self.db, clock=self.clock, actor=SYSTEM, username=username, name="t"
        )
        self.headers[who] = {"Authorization": f"Bearer {token}"}

    def call(self, who: str, method: str, path: str, body: Any = None, expect: int | None = 200) -> Any:
        response = self.api.request(method, path, json=body, headers=self.headers[who])
        if expect is not None:
            assert response.status_code == expect, response.text
        return response.json() if response.headers.get("content-type", "").startswith("application/json") else response


def _make(engine: Engine, db_session: Session, start: date) -> Iterator[World]:
    clock = FixedClock(datetime.combine(start, time(2)).replace(tzinfo=UTC))
    app = shared_app(engine, "programmes", clock=clock)
    app.state.sessionmaker = sessionmaker(
        bind=db_session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    kun = factories.enterprise(db_session, "包头钢铁测试股份有限公司", "150203")
    qing = factories.enterprise(db_session, "青山测试装备有限公司", "150204")
    headers = {
        "city": factories.bearer(db_session, "baotou_quality", Role.CITY_OFFICER, "150200"),
        "kun": factories.bearer(db_session, "kun_quality", Role.COUNTY_OFFICER, "150203"),
        "qing": factories.bearer(db_session, "qing_quality", Role.COUNTY_OFFICER, "150204"),
        "ordos": factories.bearer(db_session, "ordos_quality", Role.CITY_OFFICER, "150600"),
    }
    for name, org in (("kun_firm", kun), ("qing_firm", qing)):
        factories.user(db_session, name, Role.ENTERPRISE_REPORTER, organisation_id=org.id)
        headers[name] = {"Authorization": f"Bearer {factories.token_for(db_session, name)}"}
    world = World(
        api=TestClient(app), clock=clock, headers=headers, orgs={"kun": kun.id, "qing": qing.id}, db=db_session
    )
    for index in range(12):
        name = f"expert{index}"
        category = ICH_CATEGORIES[index % len(ICH_CATEGORIES)]
        row = factories.save(
            db_session,
            "experts",
            name=f"专家{index}",
            division_code="150200",
            specialties=[category],
            unit_name="青山测试装备有限公司" if index == 0 else f"测试大学{index}",
        )
        world.experts[name] = row.id
        factories.user(db_session, name, Role.EXPERT, division="150200")
        world.headers[name] = {"Authorization": f"Bearer {factories.token_for(db_session, name)}"}
    with world.api:
        yield world


@pytest.fixture
def world(engine: Engine, db_session: Session, divisions: int) -> Iterator[World]:
    """Today is Monday 2026-11-23."""
    yield from _make(engine, db_session, date(2026, 11, 23))


@pytest.fixture
def autumn(engine: Engine, db_session: Session, divisions: int) -> Iterator[World]:
    """Tuesday 2025-09-30, the eve of the National Day holiday (1–8 October 2025; 11 October a make-up day)."""
    yield from _make(engine, db_session, date(2025, 9, 30))

"""One active alarm per (point, condition) under concurrency: racing batches in one server, and two engines
(two processes) raising the same condition at once on PostgreSQL. These tests commit, so each gets its own database."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from tests import factories
from tests.support import postgres
from yingji.app import create_app
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock
from yingji.db import migrate
from yingji.db.session import make_engine, make_sessionmaker, transaction
from yingji.monitoring import alarm_store
from yingji.monitoring.models import Alarm, AlarmCondition, MonitorPoint
from yingji.registry.divisions import load_divisions

START = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, str]]:
    """A migrated, committed database holding one coal mine, its gateway and one upper-corner methane point."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'race.sqlite3'}", connect_args={"check_same_thread": False})
    else:
        server = request.getfixturevalue("pg_server")
        if server is None:
            pytest.skip("PostgreSQL server binaries not installed (scripts/test installs them)")
        engine = make_engine(postgres.create_database(server, f"race_{abs(hash(request.node.name)) % 10**8}"))
    migrate.upgrade(engine)
    with make_sessionmaker(engine)() as db_session, transaction(db_session):
        load_divisions(db_session=db_session)
        owner = factories.enterprise(db_session, "甲煤业有限公司", "150602")
        factories.mine(db_session, "甲煤矿", "甲煤业有限公司", "150602", kind="coal_underground")
        factories.user(db_session, "jia_gateway", Role.ENTERPRISE_REPORTER, organisation_id=owner.id)
        token = factories.token_for(db_session, "jia_gateway")
    yield engine, token
    engine.dispose()


def register(client: TestClient, token: str) -> None:
    body = {
        "code": "CH4-01",
        "name": "上隅角甲烷",
        "kind": "CH4",
        "mine": "甲煤矿",
        "location_class": "采煤工作面上隅角",
    }
    assert (
        client.post("/api/monitoring/points", json=body, headers={"Authorization": f"Bearer {token}"}).status_code
        == 201
    )


def test_racing_batches_open_one_alarm(fresh: tuple[Engine, str]) -> None:
    engine, token = fresh
    app = create_app(engine, clock=FixedClock(START))
    headers = {"Authorization": f"Bearer {token}"}
    start_ms = int(START.timestamp() * 1000)
    with TestClient(app) as client:
        register(client, token)
        gate = threading.Barrier(6)
        statuses: list[int] = []

        def sender(n: int) -> None:
            body = {"readings": [{"point": "CH4-01", "time": start_ms + 1000 * (n + 1), "value": 1.2}]}
            gate.wait(timeout=10)
            statuses.append(client.post("/api/monitoring/readings", json=body, headers=headers).status_code)

        threads = [threading.Thread(target=sender, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert statuses == [200] * 6
    with make_sessionmaker(engine)() as db_session:
        count = db_session.scalar(
            select(func.count()).select_from(Alarm).where(Alarm.condition == AlarmCondition.LEVEL)
        )
    assert count == 1


def test_two_engines_raising_at_once_share_one_alarm(fresh: tuple[Engine, str]) -> None:
    """Two processes each with its own engine: the unique open key makes the second raise join the first alarm."""
    engine, token = fresh
    if engine.dialect.name != "postgresql":
        pytest.skip("one writer process per SQLite file is the embedded deployment; the race needs PostgreSQL")
    with TestClient(create_app(engine, clock=FixedClock(START))) as client:
        register(client, token)
    makers = make_sessionmaker(engine)
    with makers() as db_session:
        point = db_session.scalars(select(MonitorPoint)).one()
        change = alarm_store.AlarmChange(
            point_id=point.id,
            rule_id="ch4-coal-face-upper-corner",
            condition=AlarmCondition.LEVEL,
            before=0,
            after=1,
            value=1.2,
            at=START,
            level_name="报警",
            site_key=f"mine:{point.mine_id}",
            enterprise_id=point.enterprise_id,
            division_code=point.division_code,
        )
    first_inserted = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with makers() as db_session, transaction(db_session):
                alarm_store.apply_changes(db_session, [change])
                first_inserted.set()
                time.sleep(0.3)  # the second writer is now blocked on the unique key
        except BaseException as err:  # collected and asserted below
            errors.append(err)

    def second() -> None:
        try:
            first_inserted.wait(timeout=10)
            with makers() as db_session, transaction(db_session):
                alarm_store.apply_changes(db_session, [change])
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with makers() as db_session:
        rows = list(db_session.scalars(select(Alarm)))
    assert len(rows) == 1 and rows[0].active and rows[0].raise_count == 2


def test_a_failed_batch_leaves_neither_alarm_nor_engine_state(
    fresh: tuple[Engine, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The alarm insert runs in a savepoint; if the batch's commit then fails, nothing of it may remain (SQLite
    needs explicit BEGIN for that: db/session.py), and the engine's state is rolled back with it."""
    from sqlalchemy.exc import OperationalError

    from yingji.monitoring import readings

    engine, token = fresh
    app = create_app(engine, clock=FixedClock(START))
    headers = {"Authorization": f"Bearer {token}"}
    start_ms = int(START.timestamp() * 1000)

    def locked(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT …", {}, Exception("database is locked"))

    with TestClient(app, raise_server_exceptions=False) as client:
        register(client, token)
        with monkeypatch.context() as patch:
            patch.setattr(readings, "append_pending", locked)
            body = {"readings": [{"point": "CH4-01", "time": start_ms + 1000, "value": 1.2}]}
            assert client.post("/api/monitoring/readings", json=body, headers=headers).status_code == 503  # retry
        with make_sessionmaker(engine)() as db_session:
            assert db_session.scalar(select(func.count()).select_from(Alarm)) == 0
        assert app.state.monitor.layout.state.level.tolist() == [0]
        retry = client.post("/api/monitoring/readings", json=body, headers=headers).json()  # the gateway resends
        assert retry["accepted"] == 1 and len(retry["alarm_ids"]) == 1

"""Requests read without the write lock and write only inside transaction() (issue 21 item 2): while another connection
holds a write transaction, reads — authenticated API calls and console pages included — still answer, and a write
that cannot get the lock in time is a 503 with Retry-After, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, event, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from yingji.app import create_app
from yingji.auth import service as auth_service
from yingji.auth.models import ApiToken, User
from yingji.auth.roles import Role
from yingji.db.session import StrayWrite, make_engine, make_sessionmaker, reading, transaction
from yingji.throttle.models import ThrottleEvent

pytestmark = pytest.mark.db
TOKEN = auth_service.TOKEN_PREFIX + "lock-test-token"


@pytest.fixture
def impatient(engine: Engine) -> Iterator[Engine]:
    """A second engine on the test database whose statements wait only 0.3 s for a lock."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "sqlite":
        created = make_engine(url, connect_args={"check_same_thread": False})

        def short_wait(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout=300")

        event.listen(created, "connect", short_wait)
    else:
        created = make_engine(url, connect_args={"options": "-c lock_timeout=300"})
    yield created
    created.dispose()


@pytest.fixture
def officer(engine: Engine) -> Iterator[dict[str, str]]:
    """A committed administrator with a machine token, outside any test rollback (removed afterwards with the failed
    logins recorded for it; no audit entry is written)."""
    with make_sessionmaker(engine)() as db_session, transaction(db_session):
        user = User(
            username="lock_duty",
            display_name="值班员",
            password_hash=factories.PASSWORD_HASH,
            role=Role.ADMIN,
            division_code=None,
            is_active=True,
            created_at=factories.CLOCK.now(),
        )
        db_session.add(user)
        db_session.flush()
        db_session.add(
            ApiToken(user_id=user.id, name="t", token_hash=auth_service._digest(TOKEN), created_at=user.created_at)
        )
    try:
        yield {"Authorization": f"Bearer {TOKEN}"}
    finally:
        with make_sessionmaker(engine)() as db_session, transaction(db_session):
            user_id = db_session.scalar(select(User.id).where(User.username == "lock_duty"))
            db_session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
            db_session.execute(delete(User).where(User.id == user_id))
            db_session.execute(delete(ThrottleEvent).where(ThrottleEvent.key.in_(["lock_duty", "testclient"])))


@contextmanager
def writer_holding_the_lock(engine: Engine) -> Iterator[None]:
    """Another connection in a write transaction: on SQLite the database's write lock (BEGIN IMMEDIATE); on PostgreSQL
    an EXCLUSIVE lock on the throttle table, which readers pass and writers wait for."""
    with engine.connect() as connection:
        connection.begin()
        if engine.dialect.name == "postgresql":
            connection.execute(text("LOCK TABLE throttle_event IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            connection.rollback()


def test_reads_go_on_and_a_blocked_write_is_503(engine: Engine, impatient: Engine, officer: dict[str, str]) -> None:
    with TestClient(create_app(impatient, clock=factories.CLOCK)) as client, writer_holding_the_lock(engine):
        reads = {
            path: client.get(path, headers=officer).status_code
            for path in ("/healthz", "/api/auth/me", "/api/monitoring/alarms", "/console/alarms", "/console/hazards")
        }
        assert reads == dict.fromkeys(reads, 200)
        assert client.get("/api/tips/public/0000000000000000").status_code == 404  # a public read, not found
        # a wrong password is a write (the failure is recorded), and the lock is taken: told to retry, not a 500
        refused = client.post("/api/auth/login", json={"username": "lock_duty", "password": "wrong-password"})
        assert refused.status_code == 503, refused.text
        assert refused.headers["retry-after"] == "2" and refused.json()["error"]["code"] == "busy"
    with TestClient(create_app(impatient, clock=factories.CLOCK)) as client:  # the lock released: the write goes
        assert client.post("/api/auth/login", json={"username": "lock_duty", "password": "x" * 10}).status_code == 401


def test_a_request_session_writes_only_inside_transaction(db_session: Session) -> None:
    maker = sessionmaker(bind=db_session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False)
    with reading(maker) as session:
        session.add(ThrottleEvent(scope="test", key="k", at=factories.CLOCK.now()))
        with pytest.raises(StrayWrite):
            session.flush()
        session.rollback()
        with pytest.raises(StrayWrite):
            session.execute(update(ThrottleEvent).values(key="x"))
        session.rollback()
        with transaction(session):
            session.add(ThrottleEvent(scope="test", key="k", at=factories.CLOCK.now()))
        assert session.scalar(select(ThrottleEvent.key).where(ThrottleEvent.scope == "test")) == "k"


def test_a_nested_transaction_is_part_of_the_outer_one(db_session: Session) -> None:
    maker = sessionmaker(bind=db_session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False)
    with reading(maker) as session:
        with pytest.raises(RuntimeError, match="late"), transaction(session):
            with transaction(session):
                session.add(ThrottleEvent(scope="test", key="inner", at=factories.CLOCK.now()))
            raise RuntimeError("late")
        assert session.scalar(select(ThrottleEvent.key).where(ThrottleEvent.scope == "test")) is None


def test_sqlite_reads_are_query_only(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query_only pragma")
    with reading(make_sessionmaker(engine)) as session:
        with pytest.raises(OperationalError, match="readonly"):
            session.execute(text("INSERT INTO throttle_event (scope, key, at) VALUES ('t', 'k', '2026-01-01')"))
        session.rollback()
        with transaction(session):  # the write transaction lifts it (and is rolled back here)
            session.execute(text("SELECT 1"))


@pytest.mark.parametrize(
    ("path", "module"),
    [
        ("/api/metrology/import?filename=t.csv", "yingji.metrology.transfer"),
        ("/api/property/survey/import?filename=t.csv", "yingji.property.survey"),
    ],
)
def test_an_import_reads_and_checks_its_file_without_the_write_lock(
    engine: Engine, impatient: Engine, officer: dict[str, str], monkeypatch: pytest.MonkeyPatch, path: str, module: str
) -> None:
    """Issue 21: a large file is read and checked before the write transaction begins, so another writer is not kept
    waiting for it (before, the whole import ran inside BEGIN IMMEDIATE)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the database-wide write lock is SQLite's")
    from importlib import import_module

    target = import_module(module)
    real = target.xlsx.read_table
    others_could_write: list[bool] = []

    def reading_while_another_writes(*args: Any, **kwargs: Any) -> Any:
        try:
            with impatient.connect() as other:
                other.exec_driver_sql("SELECT 1")  # the begin hook takes BEGIN IMMEDIATE: the write lock, if free
                other.rollback()
            others_could_write.append(True)
        except OperationalError:
            others_could_write.append(False)
        return real(*args, **kwargs)

    monkeypatch.setattr(target.xlsx, "read_table", reading_while_another_writes)
    with TestClient(create_app(engine, clock=factories.CLOCK)) as client:
        answer = client.post(path, content="甲,乙\n1,2\n".encode(), headers=officer)
    assert answer.status_code == 422, answer.text  # a bad file: refused, nothing written
    assert others_could_write == [True]

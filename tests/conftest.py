"""Shared fixtures: database tests run on SQLite and on a real PostgreSQL server started here."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.support import postgres
from yingji.core.clock import FixedClock
from yingji.db import migrate
from yingji.db.session import make_engine

ENGINES = ["sqlite", "postgresql"]


def _postgres_required() -> bool:
    return os.environ.get("YINGJI_REQUIRE_POSTGRES") == "1" or os.environ.get("CI") == "true"


@pytest.fixture(scope="session", autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """In-process code keeps its per-install files (the audit key) in a temporary data directory, not in ~."""
    from yingji.config import get_settings

    previous = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg"))
    get_settings.cache_clear()
    yield
    if previous is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = previous
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _forget_apps() -> Iterator[None]:
    """FastAPI caches facts about each endpoint callable (lru caches of up to 4 096 entries keyed by the callable);
    an app's closures hold the whole app, so every test's app stayed alive (~20 MB each, gigabytes per worker).
    Clearing the caches after a test lets its app go."""
    yield
    import fastapi.dependencies.models as dependency_models

    for cached in vars(dependency_models).values():
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[postgres.PostgresServer | None]:
    try:
        server = postgres.start()
    except (FileNotFoundError, OSError) as err:
        if _postgres_required():
            raise RuntimeError(f"PostgreSQL is required for this run but could not start: {err}") from err
        yield None
        return
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated engine per backend, shared by the session."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
        created = make_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    else:
        server = request.getfixturevalue("pg_server")
        if server is None:
            pytest.skip("PostgreSQL server binaries not installed (scripts/test installs them)")
        created = make_engine(server.url)
    migrate.upgrade(created)
    yield created
    created.dispose()


@pytest.fixture
def db_session(engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))


@pytest.fixture
def divisions(db_session: Session) -> int:
    """The bundled division list, inside the test's transaction."""
    from yingji.registry.divisions import load_divisions

    return load_divisions(db_session=db_session)


@pytest.fixture
def client(engine: Engine, db_session: Session) -> Iterator[Any]:
    """An API client whose requests run inside the test's rolled-back transaction."""
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import sessionmaker

    from tests.support.apps import shared_app
    from yingji.config import Settings

    # the public forms' rate limit has its own tests (tests/tips, tests/property); elsewhere tests file freely
    app = shared_app(engine, "client", settings=Settings(public_form_per_address=0, public_form_per_target=0))
    app.state.sessionmaker = sessionmaker(
        bind=db_session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    with TestClient(app) as test_client:
        yield test_client

"""An API client inside the test's rolled-back transaction (see tests/api/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from yingji.app import create_app


@pytest.fixture
def client(engine: Engine, db_session: Session) -> Iterator[TestClient]:
    app = create_app(engine, clock=factories.CLOCK)
    app.state.sessionmaker = sessionmaker(
        bind=db_session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    with TestClient(app) as test_client:
        yield test_client

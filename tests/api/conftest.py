"""An API client whose requests run inside the test's rolled-back transaction, plus logged-in callers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from yingji.app import create_app
from yingji.auth.roles import Role


@pytest.fixture
def client(engine: Engine, db_session: Session) -> Iterator[TestClient]:
    app = create_app(engine, clock=factories.CLOCK)
    app.state.sessionmaker = sessionmaker(
        bind=db_session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def officer_headers(db_session: Session, divisions: int) -> dict[str, str]:
    """A 东胜区 duty officer's bearer token."""
    factories.user(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, division="150602")
    return {"Authorization": f"Bearer {factories.token_for(db_session, 'dongsheng_duty')}"}

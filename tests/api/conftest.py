"""Logged-in callers for the API tests (the client fixture is in tests/conftest.py)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.roles import Role


@pytest.fixture
def officer_headers(db_session: Session, divisions: int) -> dict[str, str]:
    """A 东胜区 duty officer's bearer token."""
    return factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602")

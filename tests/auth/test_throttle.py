"""Login throttling (issue 21 item 2): failed logins per account and per client address are recorded in their own
transaction, lock further attempts out with a doubling back-off (429 + Retry-After), and a good login clears the
account's count (the waiting rule itself: tests/rules/test_throttle.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.roles import Role
from yingji.config import Settings
from yingji.core.clock import FixedClock
from yingji.throttle.models import ThrottleEvent

pytestmark = pytest.mark.db

T0 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def login_client(client: TestClient, db_session: Session, divisions: int) -> TestClient:
    factories.user(db_session, "duty", Role.COUNTY_OFFICER, division="150602")
    factories.user(db_session, "other", Role.COUNTY_OFFICER, division="150602")
    client.app.state.clock = FixedClock(T0)  # type: ignore[attr-defined]
    client.app.state.settings = Settings(  # type: ignore[attr-defined]
        login_failures_per_account=3,
        login_failures_per_address=5,
        login_failure_window_s=900,
        login_lockout_s=60,
        login_lockout_max_s=600,
    )
    return client


def _login(client: TestClient, username: str, password: str = "wrong-password") -> tuple[int, str | None]:
    answer = client.post("/api/auth/login", json={"username": username, "password": password})
    return answer.status_code, answer.headers.get("retry-after")


def _advance(client: TestClient, **delta: float) -> None:
    client.app.state.clock.advance(**delta)  # type: ignore[attr-defined]


def test_account_locks_out_with_a_doubling_back_off(login_client: TestClient) -> None:
    assert [_login(login_client, "duty")[0] for _ in range(3)] == [401, 401, 401]
    locked = login_client.post("/api/auth/login", json={"username": "duty", "password": "wrong-password"})
    assert locked.status_code == 429 and locked.headers["retry-after"] == "60"
    assert locked.json()["error"]["code"] == "too_many_requests" and "60 秒后" in locked.json()["error"]["message"]
    assert _login(login_client, "duty", factories.PASSWORD) == (429, "60")  # even the right password waits
    assert _login(login_client, "other")[0] == 401  # another account is not locked
    _advance(login_client, seconds=61)
    assert _login(login_client, "duty")[0] == 401  # the fourth failure doubles the lock-out
    assert _login(login_client, "duty") == (429, "120")
    _advance(login_client, seconds=119)
    assert _login(login_client, "duty") == (429, "1")


def test_good_login_clears_the_account_count(login_client: TestClient, db_session: Session) -> None:
    assert [_login(login_client, "duty")[0] for _ in range(2)] == [401, 401]
    assert _login(login_client, "duty", factories.PASSWORD)[0] == 200
    login_client.cookies.clear()  # further attempts come without the session (a cookie would need an Origin)
    keys = db_session.scalars(select(ThrottleEvent.key).where(ThrottleEvent.scope == "login.account")).all()
    assert "duty" not in keys
    assert [_login(login_client, "duty")[0] for _ in range(3)] == [401, 401, 401]  # counting starts again
    assert _login(login_client, "duty")[0] == 429


def test_address_locks_out_across_accounts(login_client: TestClient) -> None:
    names = ["duty", "other", "nobody-1", "nobody-2", "nobody-3"]
    assert [_login(login_client, name)[0] for name in names] == [401] * 5
    assert _login(login_client, "nobody-4") == (429, "60")  # an unknown name is locked out by its address
    assert _login(login_client, "duty", factories.PASSWORD) == (429, "60")
    _advance(login_client, minutes=15, seconds=1)  # the failures have left the window
    assert _login(login_client, "duty", factories.PASSWORD)[0] == 200


def test_failed_logins_are_recorded_and_survive_the_refusal(login_client: TestClient, db_session: Session) -> None:
    assert _login(login_client, "duty")[0] == 401
    rows = db_session.execute(select(ThrottleEvent.scope, ThrottleEvent.key, ThrottleEvent.at)).all()
    assert sorted(rows) == [("login.account", "duty", T0), ("login.address", "testclient", T0)]


def test_old_failures_are_pruned(login_client: TestClient, db_session: Session) -> None:
    assert _login(login_client, "duty")[0] == 401
    _advance(login_client, minutes=16)
    assert _login(login_client, "other")[0] == 401
    keys = db_session.scalars(select(ThrottleEvent.key).where(ThrottleEvent.scope == "login.account")).all()
    assert keys == ["other"]

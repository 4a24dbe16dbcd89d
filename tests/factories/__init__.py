"""Deterministic builders for test rows: real GB/T 2260 codes, fixed names, one precomputed password hash."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from yingji.auth import service as auth_service
from yingji.auth.actor import SYSTEM
from yingji.auth.models import User
from yingji.auth.passwords import hash_password
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock
from yingji.registry import service as registry
from yingji.registry.specs import BY_NAME

PASSWORD = "correct-horse-battery"
PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose
CLOCK = FixedClock(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))


def user(
    db_session: Session, username: str, role: Role, *, division: str | None = None, organisation_id: int | None = None
) -> User:
    row = User(
        username=username,
        display_name=username,
        password_hash=PASSWORD_HASH,
        role=role,
        division_code=division,
        organisation_id=organisation_id,
        is_active=True,
        created_at=CLOCK.now(),
    )
    db_session.add(row)
    db_session.flush()
    return row


def token_for(db_session: Session, username: str) -> str:
    return auth_service.create_api_token(db_session=db_session, clock=CLOCK, actor=SYSTEM, username=username, name="t")


def bearer(db_session: Session, username: str, role: Role, division: str) -> dict[str, str]:
    """Create an account and return its Authorization header."""
    user(db_session, username, role, division=division)
    return {"Authorization": f"Bearer {token_for(db_session, username)}"}


def save(db_session: Session, entity: str, **values: Any) -> Any:
    """Create a registry row as the unlimited system actor (bypassing scope, as an administrator would)."""
    spec = BY_NAME[entity]
    return registry.save(db_session=db_session, clock=CLOCK, actor=SYSTEM, spec=spec, data=spec.schema(**values))


def enterprise(db_session: Session, name: str, division: str, **extra: Any) -> Any:
    return save(db_session, "organisations", name=name, kind="enterprise", division_code=division, **extra)


def team(db_session: Session, name: str, division: str, lon: float, lat: float, kind: str = "mine_rescue") -> Any:
    return save(
        db_session, "rescue_teams", name=name, kind=kind, level="city", division_code=division, lon=lon, lat=lat
    )


def mine(db_session: Session, name: str, enterprise_name: str, division: str, **extra: Any) -> Any:
    values: dict[str, Any] = {
        "name": name,
        "kind": "non_coal_underground",
        "status": "producing",
        "enterprise": enterprise_name,
        "division_code": division,
        "lon": 109.9,
        "lat": 39.8,
    }
    return save(db_session, "mines", **(values | extra))

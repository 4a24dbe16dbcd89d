"""Check, record and clear throttled events; the waiting rule itself is rules.throttle.wait."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from yingji.config import Settings
from yingji.core.errors import TooManyRequests
from yingji.rules.throttle import Limit, seconds, wait
from yingji.throttle.models import ThrottleEvent

KEY_LENGTH = 200


def _key(key: str) -> str:
    return key[:KEY_LENGTH]


def waiting(db_session: Session, *, scope: str, key: str, limit: Limit, now: datetime) -> int | None:
    """Seconds the next attempt must wait under ``limit`` (None: it may go ahead)."""
    if limit.count < 1:
        return None
    events = db_session.scalars(
        select(ThrottleEvent.at).where(
            ThrottleEvent.scope == scope, ThrottleEvent.key == _key(key), ThrottleEvent.at > now - limit.window
        )
    ).all()
    delay = wait(limit, events, now)
    return None if delay is None else seconds(delay)


def check(db_session: Session, *, scope: str, key: str, limit: Limit, now: datetime, reason: str) -> None:
    """Raise TooManyRequests (429, Retry-After) while ``key`` must wait."""
    retry_after = waiting(db_session, scope=scope, key=key, limit=limit, now=now)
    if retry_after is not None:
        raise TooManyRequests(reason=reason, retry_after=retry_after)


def record(db_session: Session, *, scope: str, key: str, limit: Limit, at: datetime) -> None:
    """Add an event, and drop the scope's events too old to count under ``limit``."""
    db_session.execute(delete(ThrottleEvent).where(ThrottleEvent.scope == scope, ThrottleEvent.at <= at - limit.window))
    db_session.add(ThrottleEvent(scope=scope, key=_key(key), at=at))
    db_session.flush()


def clear(db_session: Session, *, scope: str, key: str) -> None:
    """Forget a key's events (a successful login clears its account's failures)."""
    db_session.execute(delete(ThrottleEvent).where(ThrottleEvent.scope == scope, ThrottleEvent.key == _key(key)))


@dataclass(frozen=True)
class FormLimits:
    """How often an anonymous public form may be submitted from one address and about one target."""

    per_address: Limit
    per_target: Limit


def form_limits(settings: Settings) -> FormLimits:
    return FormLimits(
        per_address=Limit(settings.public_form_per_address, timedelta(seconds=settings.public_form_address_window_s)),
        per_target=Limit(settings.public_form_per_target, timedelta(seconds=settings.public_form_target_window_s)),
    )


def admit(
    db_session: Session, *, form: str, address: str, target: str, limits: FormLimits, now: datetime, what: str
) -> None:
    """Let one anonymous submission of ``form`` through (recorded in the caller's transaction), or answer 429.

    ``what`` names the target in the message, e.g. 小区 or 被举报单位.
    """
    checks = (
        (f"{form}.address", address, limits.per_address, "同一来源的网上提交过于频繁"),
        (f"{form}.target", target, limits.per_target, f"对同一{what}的网上提交已达上限，情况紧急请拨打电话"),
    )
    for scope, key, limit, reason in checks:
        check(db_session, scope=scope, key=key, limit=limit, now=now, reason=reason)
    for scope, key, limit, _ in checks:
        record(db_session, scope=scope, key=key, limit=limit, at=now)

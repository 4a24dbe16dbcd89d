"""FastAPI wiring shared by every api.py: the session, the clock, the authenticated actor, permission checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from yingji.auth import service as auth_service
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.config import Settings
from yingji.core.clock import Clock
from yingji.core.errors import Unauthorized

SESSION_COOKIE = "yingji_session"


def get_db_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessionmaker() as session:
        yield session


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DbSession = Annotated[Session, Depends(get_db_session)]
CurrentClock = Annotated[Clock, Depends(get_clock)]
CurrentSettings = Annotated[Settings, Depends(get_app_settings)]


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(SESSION_COOKIE)


def get_actor(request: Request, db_session: DbSession, clock: CurrentClock) -> Actor:
    token = _token(request)
    if token is None:
        raise Unauthorized(reason="请先登录（Authorization: Bearer 令牌或会话 Cookie）")
    return auth_service.authenticate(db_session=db_session, clock=clock, token=token)


CurrentActor = Annotated[Actor, Depends(get_actor)]


def require(permission: Permission) -> Callable[[Actor], Actor]:
    """Return a dependency that lets the request through only if the actor's role grants ``permission``."""

    def check(actor: CurrentActor) -> Actor:
        actor.require(permission)
        return actor

    return check

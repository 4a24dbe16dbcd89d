"""Login, logout, who am I, and account management."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from yingji.auth import reads, service
from yingji.auth.roles import Permission
from yingji.auth.schemas import (
    AccountRead,
    LoginRead,
    LoginRequest,
    MeRead,
    RevokedRead,
    TokenRead,
    UserCreate,
    UserFilters,
)
from yingji.core.paging import Page, Paging, paged
from yingji.db.session import transaction
from yingji.deps import (
    SESSION_COOKIE,
    CurrentActor,
    CurrentClock,
    CurrentSettings,
    DbSession,
    client_address,
    require,
)

router = APIRouter(prefix="/api", tags=["账号"])


@router.post("/auth/login", response_model=LoginRead)
def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    db_session: DbSession,
    clock: CurrentClock,
    settings: CurrentSettings,
) -> LoginRead:
    """登录，返回会话令牌并设置会话 Cookie。连续登录失败过多时（按账号、按来源地址）暂时锁定，答 429 并给出
    Retry-After。"""
    user_id = service.check_login(
        db_session=db_session,
        clock=clock,
        username=body.username,
        password=body.password,
        address=client_address(request),
        settings=settings,
    )
    with transaction(db_session):
        token, session, user = service.open_session(db_session=db_session, clock=clock, user_id=user_id)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=service.SESSION_HOURS * 3600,
    )
    return LoginRead(token=token, expires_at=session.expires_at, user=reads.user(db_session, user))


@router.post("/auth/logout", status_code=204)
def logout(request: Request, response: Response, db_session: DbSession, clock: CurrentClock, _: CurrentActor) -> None:
    """退出登录。"""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.cookies.get(SESSION_COOKIE, "")
    with transaction(db_session):
        service.logout(db_session=db_session, clock=clock, token=token)
    response.delete_cookie(SESSION_COOKIE)


@router.get("/auth/me", response_model=MeRead)
def me(db_session: DbSession, actor: CurrentActor) -> MeRead:
    """当前登录用户及其角色、管辖范围（区划或所属企业，附名称）和权限。"""
    return reads.me(db_session, actor)


@router.get("/users", response_model=Page[AccountRead])
def list_users(
    db_session: DbSession,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[UserFilters, Query()],
    _: object = Depends(require(Permission.USERS_MANAGE)),
) -> Page[AccountRead]:
    """列出管辖范围内的账号（按登录名，分页），可按角色、区划、在用与否、登录名或姓名筛选。"""
    found, total = service.list_users(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.accounts(db_session, actor, found), total, paging)


@router.post("/users", response_model=AccountRead, status_code=201)
def create_user(
    body: UserCreate,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    _: object = Depends(require(Permission.USERS_MANAGE)),
) -> AccountRead:
    """新建账号（范围不得超出创建者自己的管辖范围）。"""
    with transaction(db_session):
        user = service.create_user(db_session=db_session, clock=clock, actor=actor, data=body)
        return reads.accounts(db_session, actor, [user])[0]


@router.post("/users/{username}/disable", response_model=AccountRead)
def disable_user(
    username: str,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    _: object = Depends(require(Permission.USERS_MANAGE)),
) -> AccountRead:
    """停用账号，并立即终止其会话、撤销其令牌。"""
    with transaction(db_session):
        user = service.disable_user(db_session=db_session, clock=clock, actor=actor, username=username)
        return reads.accounts(db_session, actor, [user])[0]


@router.post("/users/{username}/tokens", response_model=TokenRead, status_code=201)
def create_token(
    username: str,
    name: str,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    _: object = Depends(require(Permission.USERS_MANAGE)),
) -> TokenRead:
    """为账号签发机器令牌（如企业网关），令牌只显示一次。"""
    with transaction(db_session):
        token = service.create_api_token(db_session=db_session, clock=clock, actor=actor, username=username, name=name)
    return TokenRead(name=name, token=token)


@router.delete("/users/{username}/tokens", response_model=RevokedRead)
def revoke_tokens(
    username: str,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    _: object = Depends(require(Permission.USERS_MANAGE)),
) -> RevokedRead:
    """撤销账号的全部机器令牌。"""
    with transaction(db_session):
        return RevokedRead(
            revoked=service.revoke_tokens(db_session=db_session, clock=clock, actor=actor, username=username)
        )

"""Accounts: create, disable, log in, sessions and API tokens; every change is audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth import policy
from yingji.auth.actor import Actor
from yingji.auth.models import ApiToken, LoginSession, User
from yingji.auth.passwords import check_policy, hash_password, verify_password
from yingji.auth.roles import Permission, Role
from yingji.auth.schemas import UserCreate, UserFilters
from yingji.config import Settings, get_settings
from yingji.core import divisions
from yingji.core.clock import Clock
from yingji.core.errors import Conflict, Forbidden, InvalidInput, NotFound, OutOfJurisdiction, Unauthorized
from yingji.core.paging import PageParams, paginate
from yingji.db.session import end_reading, transaction
from yingji.registry.enums import OrganisationKind
from yingji.registry.models import Division, Organisation
from yingji.rules.throttle import Limit
from yingji.throttle import service as throttle

SESSION_HOURS = 12
TOKEN_DAYS = 365
SESSION_PREFIX = "yjs_"
TOKEN_PREFIX = "yjt_"
_DUMMY_HASH = hash_password("not-a-real-password")  # keeps a missing user as slow as a wrong password
ACCOUNT_FAILURES, ADDRESS_FAILURES = "login.account", "login.address"  # throttle scopes of failed logins
LOCKED_OUT = "登录失败次数过多，已暂时锁定"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def actor_for(db_session: Session, user: User) -> Actor:
    """Return the Actor a user acts as, with the division of their enterprise for resource reads."""
    organisation_division = None
    if user.organisation_id is not None:
        organisation = db_session.get_one(Organisation, user.organisation_id)
        organisation_division = organisation.division_code
    return Actor(
        username=user.username,
        role=user.role,
        user_id=user.id,
        division_code=user.division_code,
        organisation_id=user.organisation_id,
        organisation_division=organisation_division,
    )


UNIT_KINDS = {
    Role.ENTERPRISE_REPORTER: ((OrganisationKind.ENTERPRISE,), "企业"),
    Role.UNIT_REPORTER: ((OrganisationKind.DEPARTMENT, OrganisationKind.GOVERNMENT), "部门或苏木镇（政府）"),
}


def _scope_of(db_session: Session, data: UserCreate) -> tuple[str | None, Organisation | None]:
    """Check the new user's scope fits the role; return (division, organisation)."""
    if data.role in UNIT_KINDS:
        kinds, what = UNIT_KINDS[data.role]
        if data.organisation is None or data.division_code is not None:
            raise InvalidInput(field="organisation", reason=f"organisation：{what}账号须且只须填写所属单位")
        found = db_session.scalars(
            select(Organisation).where(Organisation.name == data.organisation, Organisation.kind.in_(kinds))
        ).all()
        if len(found) != 1:
            raise InvalidInput(field="organisation", reason=f"organisation：找不到唯一的{what}「{data.organisation}」")
        return None, found[0]
    if data.organisation is not None:
        raise InvalidInput(field="organisation", reason="organisation：只有企业、部门或苏木镇填报账号填写所属单位")
    if data.division_code is None and data.role is not Role.ADMIN:
        raise InvalidInput(field="division_code", reason="division_code：该角色须填写管辖行政区划")
    if data.division_code is not None and db_session.get(Division, data.division_code) is None:
        raise InvalidInput(field="division_code", reason=f"division_code：行政区划代码「{data.division_code}」不存在")
    return data.division_code, None


def create_user(
    *, db_session: Session, clock: Clock, actor: Actor, data: UserCreate, hashed: str | None = None
) -> User:
    """Create an account no wider than the creator's own jurisdiction. ``hashed`` is ``data.password``'s argon2
    hash where the caller already made it (the demo accounts share one password: hashed once, not per account)."""
    actor.require(Permission.USERS_MANAGE)
    division_code, organisation = _scope_of(db_session, data)
    if organisation is not None:
        if not actor.covers_division(organisation.division_code):
            raise OutOfJurisdiction(field="organisation", division=organisation.division_code)
    elif division_code is None:
        if not actor.is_unlimited:
            raise Forbidden(reason="只有不受区划限制的管理员才能创建不受限的管理员")
    elif not actor.covers_division(division_code):
        raise OutOfJurisdiction(field="division_code", division=division_code)
    if db_session.scalars(select(User).where(User.username == data.username)).first() is not None:
        raise Conflict(field="username", reason=f"登录名「{data.username}」已存在")
    check_policy(data.password, data.username)
    user = User(
        username=data.username,
        display_name=data.display_name,
        password_hash=hashed or hash_password(data.password),
        role=data.role,
        division_code=division_code,
        organisation_id=None if organisation is None else organisation.id,
        is_active=True,
        created_at=clock.now(),
    )
    db_session.add(user)
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="users.create",
        target_kind="user",
        target_key=user.username,
        after={"role": user.role.value, "division_code": division_code, "organisation_id": user.organisation_id},
    )
    return user


def _visible_user(db_session: Session, actor: Actor, username: str) -> User:
    """An account in the caller's scope; a missing one and one elsewhere are the same 404."""
    query = select(User).where(User.username == username, policy.user_scope(actor))
    user = db_session.scalars(query).first()
    if user is None:
        raise NotFound(field="username", kind="账号", key=username)
    return user


def users_query(actor: Actor, filters: UserFilters) -> Select[User]:
    """The accounts in the caller's scope that pass the filters (unordered)."""
    actor.require(Permission.USERS_MANAGE)
    query = select(User).where(policy.user_scope(actor))
    if filters.role is not None:
        query = query.where(User.role == filters.role)
    if filters.active is not None:
        query = query.where(User.is_active.is_(filters.active))
    if filters.division is not None:
        stem = divisions.stem(filters.division)
        enterprises = select(Organisation.id).where(Organisation.division_code.startswith(stem, autoescape=True))
        query = query.where(
            or_(User.division_code.startswith(stem, autoescape=True), User.organisation_id.in_(enterprises))
        )
    if filters.q is not None:
        query = query.where(
            or_(
                User.username.contains(filters.q, autoescape=True),
                User.display_name.contains(filters.q, autoescape=True),
            )
        )
    return query


def list_users(
    *, db_session: Session, actor: Actor, params: PageParams, filters: UserFilters | None = None
) -> tuple[list[User], int]:
    """One page of the accounts in the caller's scope, by login name, and how many there are."""
    query = users_query(actor, filters or UserFilters())
    return paginate(db_session, query, params, order_by=[User.username, User.id])


def disable_user(*, db_session: Session, clock: Clock, actor: Actor, username: str) -> User:
    """Disable an account, end its sessions and revoke its tokens at once."""
    actor.require(Permission.USERS_MANAGE)
    user = _visible_user(db_session, actor, username)
    now = clock.now()
    was_active = user.is_active
    user.is_active = False
    db_session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    db_session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="users.disable",
        target_kind="user",
        target_key=username,
        before={"is_active": was_active},
        after={"is_active": False},
    )
    return user


def set_password(*, db_session: Session, clock: Clock, actor: Actor, username: str, password: str) -> User:
    """Replace a password (under the password policy) and end the user's sessions."""
    actor.require(Permission.USERS_MANAGE)
    check_policy(password, username)
    user = _visible_user(db_session, actor, username)
    user.password_hash = hash_password(password)
    _revoke_all(db_session, user, clock)  # a reset means the old credentials may be known to someone else
    db_session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=clock.now())
    )
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="users.password",
        target_kind="user",
        target_key=username,
    )
    return user


def login_limits(settings: Settings) -> tuple[Limit, Limit]:
    """The failed-login limits per account and per client address."""
    window = timedelta(seconds=settings.login_failure_window_s)
    lockout, longest = timedelta(seconds=settings.login_lockout_s), timedelta(seconds=settings.login_lockout_max_s)
    return (
        Limit(settings.login_failures_per_account, window, lockout, longest),
        Limit(settings.login_failures_per_address, window, lockout, longest),
    )


def check_login(
    *,
    db_session: Session,
    clock: Clock,
    username: str,
    password: str,
    address: str | None = None,
    settings: Settings | None = None,
) -> int:
    """Return the user id the password opens; the same 401 for unknown user, wrong password and disabled account.

    While the account or the client address is locked out the answer is 429 without checking anything. The argon2
    check (slow on purpose) runs outside any transaction, and a failure is committed in its own short transaction
    before the refusal, which therefore cannot roll it back.
    """
    account_limit, address_limit = login_limits(settings or get_settings())
    now = clock.now()
    guards = [(ACCOUNT_FAILURES, username.strip().lower(), account_limit)]
    if address:
        guards.append((ADDRESS_FAILURES, address, address_limit))
    for scope, key, limit in guards:
        throttle.check(db_session, scope=scope, key=key, limit=limit, now=now, reason=LOCKED_OUT)
    user = db_session.scalars(select(User).where(User.username == username)).first()
    user_id, active = (user.id, user.is_active) if user else (None, False)
    password_hash = user.password_hash if user else _DUMMY_HASH
    end_reading(db_session)
    valid = verify_password(password_hash, password)
    if user_id is None or not valid or not active:
        with transaction(db_session):
            for scope, key, limit in guards:
                throttle.record(db_session, scope=scope, key=key, limit=limit, at=now)
        raise Unauthorized(reason="用户名或密码错误，或账号已停用")
    return user_id


def open_session(*, db_session: Session, clock: Clock, user_id: int) -> tuple[str, LoginSession, User]:
    """Open a session for a checked login and clear the account's failed logins; the caller commits."""
    user = db_session.get_one(User, user_id)
    if not user.is_active:  # disabled while the password was being checked
        raise Unauthorized(reason="用户名或密码错误，或账号已停用")
    throttle.clear(db_session, scope=ACCOUNT_FAILURES, key=user.username)
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    session = LoginSession(
        user_id=user.id, token_hash=_digest(token), created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS)
    )
    db_session.add(session)
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=user.username,
        action="auth.login",
        target_kind="user",
        target_key=user.username,
    )
    return token, session, user


def login(
    *,
    db_session: Session,
    clock: Clock,
    username: str,
    password: str,
    address: str | None = None,
    settings: Settings | None = None,
) -> tuple[str, LoginSession, User]:
    """check_login, then open_session (the caller commits the session)."""
    user_id = check_login(
        db_session=db_session, clock=clock, username=username, password=password, address=address, settings=settings
    )
    return open_session(db_session=db_session, clock=clock, user_id=user_id)


def logout(*, db_session: Session, clock: Clock, token: str) -> None:
    session = db_session.scalars(select(LoginSession).where(LoginSession.token_hash == _digest(token))).first()
    if session is not None and session.ended_at is None:
        session.ended_at = clock.now()
        db_session.flush()


def create_api_token(*, db_session: Session, clock: Clock, actor: Actor, username: str, name: str) -> str:
    """Issue a machine token for a user in the actor's scope; only its hash is kept."""
    actor.require(Permission.USERS_MANAGE)
    if not 1 <= len(name.strip()) <= 64:
        raise InvalidInput(field="name", reason="name：令牌用途须为 1–64 个字符")
    user = _visible_user(db_session, actor, username)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    db_session.add(
        ApiToken(
            user_id=user.id,
            name=name.strip(),
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + timedelta(days=TOKEN_DAYS),
        )
    )
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="users.token",
        target_kind="user",
        target_key=username,
        after={"token_name": name},
    )
    return token


def _unexpired(api_token: ApiToken, clock: Clock) -> bool:
    return api_token.expires_at is None or api_token.expires_at > clock.now()


def revoke_tokens(*, db_session: Session, clock: Clock, actor: Actor, username: str) -> int:
    """Revoke every machine token of a user (e.g. a replaced gateway); returns how many were live."""
    actor.require(Permission.USERS_MANAGE)
    user = _visible_user(db_session, actor, username)
    count = _revoke_all(db_session, user, clock)
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="users.tokens_revoke",
        target_kind="user",
        target_key=username,
        after={"revoked": count},
    )
    return count


def _revoke_all(db_session: Session, user: User, clock: Clock) -> int:
    live = db_session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    for api_token in live:
        api_token.revoked_at = clock.now()
    db_session.flush()
    return len(live)


def authenticate(*, db_session: Session, clock: Clock, token: str) -> Actor:
    """Return the Actor for a session or API token; expired, ended, revoked or disabled → Unauthorized."""
    digest = _digest(token)
    user: User | None = None
    if token.startswith(SESSION_PREFIX):
        session = db_session.scalars(select(LoginSession).where(LoginSession.token_hash == digest)).first()
        if session is not None and session.ended_at is None and session.expires_at > clock.now():
            user = db_session.get(User, session.user_id)
    elif token.startswith(TOKEN_PREFIX):
        api_token = db_session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first()
        if api_token is not None and api_token.revoked_at is None and _unexpired(api_token, clock):
            user = db_session.get(User, api_token.user_id)
    if user is None or not user.is_active:
        raise Unauthorized(reason="令牌无效、已过期或已撤销")
    return actor_for(db_session, user)

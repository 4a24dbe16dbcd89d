"""Accounts: hashing, login, sessions that expire and end, tokens revoked on disable, scoped user creation."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth import service
from yingji.auth.actor import SYSTEM, Actor
from yingji.auth.models import User
from yingji.auth.roles import Role
from yingji.auth.schemas import UserCreate
from yingji.core.clock import FixedClock
from yingji.core.errors import Conflict, Forbidden, InvalidInput, OutOfJurisdiction, Unauthorized

pytestmark = pytest.mark.db


def new_user(**changes: object) -> UserCreate:
    values: dict[str, object] = {
        "username": "dongsheng_duty",
        "display_name": "值班员",
        "password": factories.PASSWORD,
        "role": Role.COUNTY_OFFICER,
        "division_code": "150602",
    }
    return UserCreate.model_validate(values | changes)


def test_password_is_stored_as_argon2(db_session: Session, divisions: int, clock: FixedClock) -> None:
    user = service.create_user(db_session=db_session, clock=clock, actor=SYSTEM, data=new_user())
    assert user.password_hash.startswith("$argon2id$")
    assert factories.PASSWORD not in user.password_hash


def test_login_session_expires_and_ends(db_session: Session, divisions: int, clock: FixedClock) -> None:
    factories.user(db_session, "duty", Role.COUNTY_OFFICER, division="150602")
    token, _session, _user = service.login(
        db_session=db_session, clock=clock, username="duty", password=factories.PASSWORD
    )
    assert service.authenticate(db_session=db_session, clock=clock, token=token).division_code == "150602"
    clock.advance(hours=service.SESSION_HOURS, seconds=1)
    with pytest.raises(Unauthorized):
        service.authenticate(db_session=db_session, clock=clock, token=token)
    token, _s, _u = service.login(db_session=db_session, clock=clock, username="duty", password=factories.PASSWORD)
    service.logout(db_session=db_session, clock=clock, token=token)
    with pytest.raises(Unauthorized):
        service.authenticate(db_session=db_session, clock=clock, token=token)


@pytest.mark.parametrize(("username", "password"), [("duty", "wrong-password"), ("nobody", factories.PASSWORD)])
def test_bad_credentials_get_the_same_error(
    db_session: Session, divisions: int, clock: FixedClock, username: str, password: str
) -> None:
    factories.user(db_session, "duty", Role.COUNTY_OFFICER, division="150602")
    with pytest.raises(Unauthorized) as caught:
        service.login(db_session=db_session, clock=clock, username=username, password=password)
    assert caught.value.render() == "未登录或登录已失效：用户名或密码错误，或账号已停用"


def test_disabling_revokes_tokens_and_blocks_login(db_session: Session, divisions: int, clock: FixedClock) -> None:
    factories.user(db_session, "gateway", Role.ENTERPRISE_REPORTER)
    token = factories.token_for(db_session, "gateway")
    assert service.authenticate(db_session=db_session, clock=clock, token=token).username == "gateway"
    service.disable_user(db_session=db_session, clock=clock, actor=SYSTEM, username="gateway")
    with pytest.raises(Unauthorized):
        service.authenticate(db_session=db_session, clock=clock, token=token)
    with pytest.raises(Unauthorized):
        service.login(db_session=db_session, clock=clock, username="gateway", password=factories.PASSWORD)


@pytest.mark.parametrize("token", ["", "yjs_forged", "yjt_forged", "Bearer x"])
def test_unknown_tokens_are_refused(db_session: Session, clock: FixedClock, token: str) -> None:
    with pytest.raises(Unauthorized):
        service.authenticate(db_session=db_session, clock=clock, token=token)


ORDOS_ADMIN = Actor(username="ordos_admin", role=Role.ADMIN, division_code="150600")


@pytest.mark.parametrize(
    ("actor", "data", "error"),
    [
        (ORDOS_ADMIN, new_user(division_code="150200"), OutOfJurisdiction),
        (ORDOS_ADMIN, new_user(role=Role.ADMIN, division_code=None), Forbidden),
        (Actor(username="d", role=Role.COUNTY_OFFICER, division_code="150602"), new_user(), Forbidden),
        (SYSTEM, new_user(division_code=None), InvalidInput),
        (SYSTEM, new_user(division_code="159999"), InvalidInput),
        (SYSTEM, new_user(role=Role.ENTERPRISE_REPORTER, division_code=None), InvalidInput),
        (SYSTEM, new_user(organisation="某企业"), InvalidInput),
    ],
    ids=[
        "other city",
        "unlimited admin",
        "no permission",
        "no scope",
        "unknown division",
        "no enterprise",
        "officer with enterprise",
    ],
)
def test_user_creation_is_scoped(
    db_session: Session, divisions: int, clock: FixedClock, actor: Actor, data: UserCreate, error: type[Exception]
) -> None:
    with pytest.raises(error):
        service.create_user(db_session=db_session, clock=clock, actor=actor, data=data)
    assert db_session.query(User).count() == 0


def test_duplicate_username_conflicts(db_session: Session, divisions: int, clock: FixedClock) -> None:
    service.create_user(db_session=db_session, clock=clock, actor=ORDOS_ADMIN, data=new_user())
    with pytest.raises(Conflict):
        service.create_user(db_session=db_session, clock=clock, actor=ORDOS_ADMIN, data=new_user())


def test_enterprise_user_acts_within_its_enterprise(db_session: Session, divisions: int, clock: FixedClock) -> None:
    company = factories.enterprise(db_session, "甲矿业公司", "150625")
    data = new_user(username="jia", role=Role.ENTERPRISE_REPORTER, division_code=None, organisation="甲矿业公司")
    service.create_user(db_session=db_session, clock=clock, actor=ORDOS_ADMIN, data=data)
    token = factories.token_for(db_session, "jia")
    actor = service.authenticate(db_session=db_session, clock=clock, token=token)
    assert (actor.organisation_id, actor.organisation_division) == (company.id, "150625")


def test_tokens_expire_and_are_revoked_on_reset(db_session: Session, divisions: int, clock: FixedClock) -> None:
    factories.user(db_session, "gateway", Role.COUNTY_OFFICER, division="150602")
    token = service.create_api_token(db_session=db_session, clock=clock, actor=SYSTEM, username="gateway", name="网关")
    service.set_password(
        db_session=db_session, clock=clock, actor=SYSTEM, username="gateway", password="a-new-password"
    )
    with pytest.raises(Unauthorized):
        service.authenticate(db_session=db_session, clock=clock, token=token)
    fresh = service.create_api_token(db_session=db_session, clock=clock, actor=SYSTEM, username="gateway", name="网关")
    clock.advance(days=service.TOKEN_DAYS, seconds=1)
    with pytest.raises(Unauthorized):
        service.authenticate(db_session=db_session, clock=clock, token=fresh)


def test_token_names_are_checked_and_tokens_revocable(db_session: Session, divisions: int, clock: FixedClock) -> None:
    factories.user(db_session, "gateway", Role.COUNTY_OFFICER, division="150602")
    with pytest.raises(InvalidInput):
        service.create_api_token(db_session=db_session, clock=clock, actor=SYSTEM, username="gateway", name="x" * 65)
    token = factories.token_for(db_session, "gateway")
    assert service.revoke_tokens(db_session=db_session, clock=clock, actor=SYSTEM, username="gateway") == 1
    with pytest.raises(Unauthorized):
        service.authenticate(db_session=db_session, clock=clock, token=token)

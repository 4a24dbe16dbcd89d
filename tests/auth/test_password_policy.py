"""The policy for new passwords (issue 21 item 2): length, two kinds of character, not the login name, not a common
password — a 422 naming the field, from the API and the service the CLI uses; the demo's random passwords pass."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth import service
from yingji.auth.actor import SYSTEM
from yingji.auth.passwords import policy_problem, random_password
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock
from yingji.core.errors import InvalidInput
from yingji.registry.demo import DEMO_USERS


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("correct-horse-battery", None),
        ("Zhangsan2026", None),
        ("应急值班密码2026", None),  # Chinese counts as another kind of character
        ("abc-12", "密码至少10位"),
        ("abcdefghijkl", "密码须包含至少两类字符（小写字母、大写字母、数字、其他符号）"),
        ("12345678901234", "密码须包含至少两类字符（小写字母、大写字母、数字、其他符号）"),
        ("应急管理局值班室电话号码", "密码须包含至少两类字符（小写字母、大写字母、数字、其他符号）"),
        ("Duty_Officer-7", "密码不得包含登录名"),  # the name in another case
        ("Password123", "密码过于常见，请另选"),
        ("1qaz2wsx3edc", "密码过于常见，请另选"),
        ("yingji@2026", "密码过于常见，请另选"),
    ],
)
def test_policy(password: str, problem: str | None) -> None:
    assert policy_problem(password, "duty_officer") == problem


def test_random_passwords_pass_for_every_demo_account() -> None:
    names = [name for name, *_ in DEMO_USERS]
    for _ in range(200):
        password = random_password(names)
        assert all(policy_problem(password, name) is None for name in names)


@pytest.mark.db
def test_api_refuses_a_weak_password_naming_the_field(client: TestClient, db_session: Session, divisions: int) -> None:
    admin = factories.bearer(db_session, "ordos_admin", Role.ADMIN, "150600")
    body = {"username": "new_duty", "display_name": "值班员", "role": "county_officer", "division_code": "150602"}
    weak = client.post("/api/users", json=body | {"password": "new_duty_2026"}, headers=admin)
    assert weak.status_code == 422
    assert weak.json()["error"]["field"] == "password" and "登录名" in weak.json()["error"]["message"]
    assert client.post("/api/users", json=body | {"password": "Qingcheng-2026"}, headers=admin).status_code == 201


@pytest.mark.db
def test_password_reset_follows_the_policy(db_session: Session, divisions: int, clock: FixedClock) -> None:
    factories.user(db_session, "duty", Role.COUNTY_OFFICER, division="150602")
    with pytest.raises(InvalidInput) as caught:
        service.set_password(db_session=db_session, clock=clock, actor=SYSTEM, username="duty", password="qwertyuiop")
    assert caught.value.field == "password"
    service.set_password(db_session=db_session, clock=clock, actor=SYSTEM, username="duty", password="Qingcheng-2026")

"""Password hashing with argon2id (argon2-cffi defaults, tuned for interactive logins), and the policy for new ones."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from yingji.core.errors import Busy, InvalidInput

_HASHER = PasswordHasher()
# argon2 is slow and memory-hard on purpose, and each check already runs parallel lanes: checks run one per two cores
# at a time, so a flood of logins cannot take the processor from everything else; a check that waits too long is 503.
_CHECKS = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) // 2))
CHECK_WAIT_S = 5.0

MIN_LENGTH = 10
MIN_CLASSES = 2  # of: lower-case letters, upper-case letters, digits, anything else (symbols, Chinese…)
# Long enough to pass the length rule yet among the first tried (leaked-password lists, keyboard walks, the name).
COMMON = frozenset(
    {
        "0123456789",
        "1234567890",
        "12345678910",
        "123456789a",
        "a123456789",
        "aa12345678",
        "abc1234567",
        "abcd123456",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qwertyuiop",
        "qwerty1234",
        "qwerty123456",
        "asdfghjkl1",
        "zxcvbnm123",
        "password12",
        "password123",
        "password1234",
        "passw0rd123",
        "p@ssw0rd123",
        "admin12345",
        "admin123456",
        "admin@12345",
        "administrator",
        "iloveyou12",
        "woaini1314",
        "woaini520520",
        "5201314520",
        "1314520520",
        "letmein123",
        "welcome123",
        "changeme123",
        "yingji12345",
        "yingji123456",
        "yingji@123",
        "yingji@2025",
        "yingji@2026",
    }
)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    if not _CHECKS.acquire(timeout=CHECK_WAIT_S):
        raise Busy(reason="登录核验排队过长", retry_after=int(CHECK_WAIT_S))
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    finally:
        _CHECKS.release()


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


def _class(char: str) -> str:
    return "lower" if char.islower() else "upper" if char.isupper() else "digit" if char.isdigit() else "other"


def _classes(password: str) -> int:
    return len({_class(c) for c in password})


def policy_problem(password: str, username: str) -> str | None:
    """What is wrong with a new password (None: acceptable)."""
    if len(password) < MIN_LENGTH:
        return f"密码至少{MIN_LENGTH}位"
    if _classes(password) < MIN_CLASSES:
        return "密码须包含至少两类字符（小写字母、大写字母、数字、其他符号）"
    if username and username.casefold() in password.casefold():
        return "密码不得包含登录名"
    if password.casefold() in COMMON:
        return "密码过于常见，请另选"
    return None


def check_policy(password: str, username: str) -> None:
    """Refuse a new password the policy does not accept: 422 naming the field ``password``."""
    if problem := policy_problem(password, username):
        raise InvalidInput(field="password", reason=f"password：{problem}")


def random_password(usernames: Iterable[str] = ()) -> str:
    """A fresh random password (16 URL-safe characters) the policy accepts for every one of ``usernames``."""
    names = list(usernames) or [""]
    while True:
        password = secrets.token_urlsafe(12)
        if all(policy_problem(password, name) is None for name in names):
            return password

"""The audit key file: HMAC keys kept outside the database, so someone with only database rights cannot sign entries.

The file holds every key ever used, oldest first; the last one signs. Rotation appends a key, so entries signed
with an earlier key stay verifiable. A key's id is a fingerprint of it: entries record the id, never the key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit.models import AuditEntry
from yingji.config import get_settings
from yingji.core.errors import YingjiError

logger = logging.getLogger(__name__)
FORMAT = "yingji-audit-keys/1"
KEY_BYTES = 32


class AuditKeyUnavailable(YingjiError):
    status, code, message = 500, "audit_key_unavailable", "审计密钥文件不可用：{reason}"


@dataclass(frozen=True)
class Keyring:
    """The keys of one key file, oldest first; the last one signs new entries and checkpoints."""

    keys: tuple[tuple[str, bytes], ...]

    @property
    def current(self) -> tuple[str, bytes]:
        return self.keys[-1]

    def key(self, key_id: str) -> bytes | None:
        return next((secret for kid, secret in self.keys if kid == key_id), None)

    def order(self, key_id: str) -> int | None:
        """The key's place in rotation order (0 = first key), or None for a key not in the file."""
        return next((n for n, (kid, _) in enumerate(self.keys) if kid == key_id), None)


def key_id(secret: bytes) -> str:
    return hashlib.sha256(b"yingji-audit-key:" + secret).hexdigest()[:16]


def default_path() -> Path:
    return get_settings().resolved_audit_key_file()


def read(path: Path) -> Keyring:
    """Load the key file; a missing, unreadable or malformed file is a clear error naming the path."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        keys = tuple((str(k["id"]), bytes.fromhex(k["secret"])) for k in raw["keys"])
    except FileNotFoundError:
        raise AuditKeyUnavailable(reason=f"{path} 不存在") from None
    except OSError as err:
        raise AuditKeyUnavailable(reason=f"{path} 无法读取（{err.strerror}）") from None
    except (ValueError, KeyError, TypeError):
        raise AuditKeyUnavailable(reason=f"{path} 格式不正确") from None
    if not keys or any(key_id(secret) != kid for kid, secret in keys):
        raise AuditKeyUnavailable(reason=f"{path} 格式不正确（密钥与其编号不符）")
    if path.stat().st_mode & 0o077:
        logger.warning("audit key file %s is readable by others than its owner (chmod 600)", path)
    return Keyring(keys=keys)


def _write(path: Path, keyring: Keyring, *, exclusive: bool) -> None:
    """Write the file with mode 0600: a new file with O_EXCL, a rotation through a renamed temporary file."""
    body = {
        "format": FORMAT,
        "keys": [{"id": kid, "secret": secret.hex()} for kid, secret in keyring.keys],
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    data = json.dumps(body, indent=2).encode()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = path if exclusive else path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    if not exclusive:
        os.replace(target, path)


def _new_key() -> tuple[str, bytes]:
    secret = secrets.token_bytes(KEY_BYTES)
    return key_id(secret), secret


def create(path: Path) -> Keyring:
    """Create the key file with one fresh key; FileExistsError if it exists (never overwrite a key)."""
    keyring = Keyring(keys=(_new_key(),))
    _write(path, keyring, exclusive=True)
    return keyring


def rotate(path: Path) -> Keyring:
    """Append a fresh key that signs from now on; the old keys stay in the file for verification."""
    keyring = Keyring(keys=(*read(path).keys, _new_key()))
    _write(path, keyring, exclusive=False)
    return keyring


def has_signed_entries(db_session: Session) -> bool:
    return db_session.scalar(select(AuditEntry.id).where(AuditEntry.key_id.is_not(None)).limit(1)) is not None


def ensure(db_session: Session, path: Path | None = None) -> tuple[Keyring, bool]:
    """Return the keyring, creating the file on a database without signed entries (install, first start).

    A missing file where signed entries exist is an error, not a fresh key: the old entries would silently become
    unverifiable. The operator restores the file from backup, or starts a new key on purpose (`audit keygen`).
    """
    path = path or default_path()
    if path.exists():
        return read(path), False
    if has_signed_entries(db_session):
        raise AuditKeyUnavailable(
            reason=f"{path} 不存在，而数据库中已有签名的审计条目；请从备份恢复该文件"
            "（或确认密钥已丢失后运行 yingji audit keygen --replace-lost 启用新密钥）"
        )
    try:
        return create(path), True
    except FileExistsError:  # another process created it just now
        return read(path), False


_cache_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[int, int, int], Keyring]] = {}


def signing(db_session: Session, path: Path | None = None) -> Keyring:
    """The keyring to sign with: re-read when the file changes (a rotation by another process), created on first use.

    A file that disappears while this process runs keeps signing with the keys already loaded (logged), so a
    deleted file does not stop the platform; the next start reports it.
    """
    path = path or default_path()
    try:
        info = path.stat()
    except FileNotFoundError:
        with _cache_lock:
            cached = _cache.get(path)
        if cached is not None:
            logger.error("audit key file %s has disappeared; signing with the keys loaded before", path)
            return cached[1]
        keyring, _created = ensure(db_session, path)
        return keyring
    signature = (info.st_ino, info.st_mtime_ns, info.st_size)
    with _cache_lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
    keyring = read(path)
    with _cache_lock:
        _cache[path] = (signature, keyring)
    return keyring

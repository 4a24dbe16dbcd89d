"""The keyed chain and the checkpoint on both engines: what someone with database rights but without the key file
can no longer hide — a forged appended entry, a rewind, a total deletion — and rotation, legacy entries and a lost
key file."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests import factories
from tests.audit.test_chain import append
from yingji.audit import anchor, keys
from yingji.audit import service as audit
from yingji.audit.chain import entry_hash
from yingji.audit.models import AuditEntry, AuditHead
from yingji.auth.roles import Role
from yingji.config import get_settings
from yingji.db import migrate
from yingji.db.session import make_engine, make_sessionmaker, transaction

pytestmark = pytest.mark.db


@pytest.fixture
def key_file(tmp_path: Path) -> Iterator[Path]:
    """A fresh key file for this test (created on the first append), as YINGJI_AUDIT_KEY_FILE."""
    path = tmp_path / "secret" / "audit.key"
    previous = os.environ.get("YINGJI_AUDIT_KEY_FILE")
    os.environ["YINGJI_AUDIT_KEY_FILE"] = str(path)
    get_settings.cache_clear()
    yield path
    if previous is None:
        os.environ.pop("YINGJI_AUDIT_KEY_FILE")
    else:
        os.environ["YINGJI_AUDIT_KEY_FILE"] = previous
    get_settings.cache_clear()


@contextmanager
def superuser(db_session: Session) -> Iterator[None]:
    """Someone with full database rights: the append-only triggers on the log and the head are lifted."""
    if db_session.get_bind().dialect.name == "postgresql":
        for table in ("audit_log", "audit_head"):
            db_session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        yield
        for table in ("audit_log", "audit_head"):
            db_session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    else:
        for trigger in ("audit_log_no_update", "audit_log_no_delete", "audit_head_no_delete", "audit_head_no_rewind"):
            db_session.execute(text(f"DROP TRIGGER {trigger}"))
        yield  # the test's rollback restores them


def head(db_session: Session) -> tuple[int, str]:
    row = db_session.get_one(AuditHead, 1)
    db_session.refresh(row)
    return row.seq, row.hash


def checkpoint(db_session: Session, tmp_path: Path, key_file: Path) -> Path:
    """What the server writes after the commit: the head, signed."""
    path = tmp_path / "audit-checkpoint.json"
    assert anchor.write(path, keys.read(key_file), *head(db_session)) is not None
    return path


def forge(db_session: Session, *, key: bytes | None, key_id: str | None) -> int:
    """Append an entry the way an attacker with database rights would: correct links, the head moved forward."""
    seq, prev = head(db_session)
    entry = AuditEntry(
        seq=seq + 1,
        at=factories.CLOCK.now(),
        actor="mallory",
        action="user.create",
        target_kind="user",
        target_key="backdoor",
        detail={},
        before=None,
        after={"role": "admin"},
        prev_hash=prev,
        key_id=key_id,
        hash="",
    )
    entry.hash = entry_hash(
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        target_kind=entry.target_kind,
        target_key=entry.target_key,
        detail=entry.detail,
        before=entry.before,
        after=entry.after,
        prev_hash=prev,
        key=key,
        key_id=key_id,
    )
    db_session.add(entry)
    db_session.flush()
    db_session.execute(
        text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"), {"s": entry.seq, "h": entry.hash}
    )
    return entry.seq


def test_entries_are_signed_with_a_key_kept_outside_the_database(db_session: Session, key_file: Path) -> None:
    append(db_session, 3)
    keyring = keys.read(key_file)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert set(db_session.scalars(select(AuditEntry.key_id))) == {keyring.current[0]}
    result = audit.verify(db_session=db_session)
    assert (result.ok, result.entries, result.keyed_from) == (True, 3, 1)


@pytest.mark.parametrize(
    ("how", "problem"),
    [
        ("unsigned", "第 4 条未签名，而自第 1 条起的条目均已签名（伪造或插入的条目）"),
        ("guessed key", "第 4 条内容被修改或伪造（签名不符）"),
        ("invented key id", "第 4 条的签名密钥 0123456789abcdef 不在密钥文件中，无法校验"),
    ],
)
def test_a_forged_appended_entry_is_found(db_session: Session, key_file: Path, how: str, problem: str) -> None:
    append(db_session, 3)
    real_id = keys.read(key_file).current[0]
    key, key_id = {
        "unsigned": (None, None),
        "guessed key": (secrets.token_bytes(32), real_id),
        "invented key id": (secrets.token_bytes(32), "0123456789abcdef"),
    }[how]
    forge(db_session, key=key, key_id=key_id)  # a plain INSERT and a forward head move: no trigger stops them
    assert audit.verify(db_session=db_session).problems == (problem,)


def test_a_rewind_is_found_against_the_checkpoint(db_session: Session, tmp_path: Path, key_file: Path) -> None:
    append(db_session, 5)
    saved = checkpoint(db_session, tmp_path, key_file)
    third = db_session.scalars(select(AuditEntry).where(AuditEntry.seq == 3)).one()
    with superuser(db_session):
        db_session.execute(text("DELETE FROM audit_log WHERE seq > 3"))
        db_session.execute(text("UPDATE audit_head SET seq = 3, hash = :h WHERE id = 1"), {"h": third.hash})
    assert audit.verify(db_session=db_session).ok  # the chain alone cannot tell: this is what the checkpoint is for
    result = audit.verify(db_session=db_session, checkpoint_file=saved)
    assert result.problems == (
        f"最后一条为第 3 条，落后于检查点（{anchor.read(saved).at}）记录的第 5 条（末尾条目被删除或数据库被回滚）",  # type: ignore[union-attr]
    )


def test_total_deletion_is_found(db_session: Session, tmp_path: Path, key_file: Path) -> None:
    append(db_session, 3)
    saved = checkpoint(db_session, tmp_path, key_file)
    with superuser(db_session):
        db_session.execute(text("DELETE FROM audit_log"))
        db_session.execute(text("DELETE FROM audit_head"))
    db_session.expire_all()
    assert audit.verify(db_session=db_session).ok
    (problem,) = audit.verify(db_session=db_session, checkpoint_file=saved).problems
    assert problem.startswith("审计日志为空，而检查点") and problem.endswith("记录了 3 条（日志被整体删除）")


def test_an_intact_chain_agrees_with_its_checkpoint(db_session: Session, tmp_path: Path, key_file: Path) -> None:
    append(db_session, 2)
    saved = checkpoint(db_session, tmp_path, key_file)
    append(db_session, 2)  # entries after the checkpoint are fine
    result = audit.verify(db_session=db_session, checkpoint_file=saved)
    assert (result.ok, result.checkpoint, result.entries) == (True, 2, 4)
    assert audit.verify(db_session=db_session, checkpoint_file=tmp_path / "none.json").notes  # none yet: said


def test_a_chain_rewritten_before_the_checkpoint_is_found(db_session: Session, tmp_path: Path, key_file: Path) -> None:
    append(db_session, 3)
    saved = tmp_path / "cp.json"
    anchor.write(saved, keys.read(key_file), 2, "f" * 64)  # the head someone saw before the history was replaced
    assert audit.verify(db_session=db_session, checkpoint_file=saved).problems == (
        "第 2 条与检查点记录的哈希不符（检查点之前的链被改写）",
    )


def test_an_edited_checkpoint_is_refused(db_session: Session, tmp_path: Path, key_file: Path) -> None:
    append(db_session, 3)
    saved = checkpoint(db_session, tmp_path, key_file)
    body = json.loads(saved.read_text())
    saved.write_text(json.dumps(body | {"seq": 1, "entries": 1}))
    assert audit.verify(db_session=db_session, checkpoint_file=saved).problems == (
        f"检查点文件 {saved} 的签名不符（被伪造或篡改）",
    )
    saved.write_text("{")
    assert audit.verify(db_session=db_session, checkpoint_file=saved).problems == (
        f"检查点文件 {saved} 无法解析（被改动或损坏）",
    )


def test_checkpoints_only_move_forward(tmp_path: Path, key_file: Path, db_session: Session) -> None:
    append(db_session, 1)
    keyring, saved = keys.read(key_file), tmp_path / "cp.json"
    assert anchor.write(saved, keyring, 5, "a" * 64) is not None
    assert anchor.write(saved, keyring, 3, "b" * 64) is None  # a slower committer's older head
    assert anchor.read(saved).seq == 5  # type: ignore[union-attr]
    assert saved.stat().st_mode & 0o777 == 0o600


def test_rotation_keeps_old_entries_verifiable(db_session: Session, key_file: Path) -> None:
    append(db_session, 2)
    first = keys.read(key_file).current
    second = keys.rotate(key_file).current
    append(db_session, 2)
    ids = list(db_session.scalars(select(AuditEntry.key_id).order_by(AuditEntry.seq)))
    assert ids == [first[0], first[0], second[0], second[0]]
    assert audit.verify(db_session=db_session).ok
    forge(db_session, key=first[1], key_id=first[0])  # someone who kept the retired key
    assert audit.verify(db_session=db_session).problems == (
        f"第 5 条使用了已轮换停用的旧密钥 {first[0]} 签名（伪造的条目）",
    )


def test_legacy_entries_stay_verifiable_as_the_unkeyed_prefix(db_session: Session, key_file: Path) -> None:
    """A database from before keying: its unkeyed entries verify as they are, the keyed part starts after them."""
    for _ in range(3):
        forge(db_session, key=None, key_id=None)  # written by the old code: plain SHA-256, no key id
    append(db_session, 2)
    result = audit.verify(db_session=db_session)
    assert (result.ok, result.entries, result.keyed_from) == (True, 5, 4)
    forge(db_session, key=None, key_id=None)
    assert audit.verify(db_session=db_session).problems == (
        "第 6 条未签名，而自第 4 条起的条目均已签名（伪造或插入的条目）",
    )


def test_a_missing_key_file_is_a_clear_problem(db_session: Session, tmp_path: Path, key_file: Path) -> None:
    append(db_session, 2)
    saved = checkpoint(db_session, tmp_path, key_file)
    key_file.unlink()
    problems = audit.verify(db_session=db_session, checkpoint_file=saved).problems
    assert problems == (
        f"审计密钥文件不可用：{key_file} 不存在；检查点无法校验",
        f"审计密钥文件不可用：{key_file} 不存在；第 1 条起的签名条目无法校验",
    )
    with pytest.raises(keys.AuditKeyUnavailable) as refused:
        keys.ensure(db_session, key_file)  # what serve and db upgrade do: no silent new key over signed entries
    assert "请从备份恢复该文件" in refused.value.render()
    assert not key_file.exists()


def test_checkpoints_follow_commits_not_rollbacks(tmp_path: Path) -> None:
    """anchor.attach on a real engine: a commit that appended writes the head; a rollback writes nothing."""
    engine = make_engine(f"sqlite:///{tmp_path / 'cp.sqlite3'}")
    migrate.upgrade(engine)
    makers = make_sessionmaker(engine)
    saved = tmp_path / "cp.json"
    anchor.attach(makers, saved)
    with makers() as db_session, transaction(db_session):
        append(db_session, 2)
    assert anchor.read(saved).seq == 2  # type: ignore[union-attr]
    with pytest.raises(RuntimeError), makers() as db_session, transaction(db_session):
        append(db_session, 1)
        raise RuntimeError("the change fails after its audit entry")
    with makers() as db_session, transaction(db_session):
        with pytest.raises(RuntimeError), db_session.begin_nested():
            append(db_session, 1)
            raise RuntimeError("a savepoint rolled back")
        db_session.execute(select(1))
    assert anchor.read(saved).seq == 2  # type: ignore[union-attr]
    with makers() as db_session:
        result = audit.verify(db_session=db_session, checkpoint_file=saved)
    assert result.ok and result.checkpoint == 2
    assert anchor.write_head(makers, saved) is None  # the worker's round: nothing new
    engine.dispose()


def test_the_api_reports_the_signed_part(client: TestClient, db_session: Session) -> None:
    factories.user(db_session, "root_admin", Role.ADMIN)
    headers = {"Authorization": f"Bearer {factories.token_for(db_session, 'root_admin')}"}
    append(db_session, 2)
    body = client.get("/api/audit/verify", headers=headers).json()
    assert (body["ok"], body["keyed_from"], body["checkpoint"]) == (True, 1, None)
    assert body["notes"] and "尚无检查点文件" in body["notes"][0]
    log = client.get("/api/audit", headers=headers).json()
    assert {e["key_id"] for e in log["items"]} != {None} and log["total"] == len(log["items"])

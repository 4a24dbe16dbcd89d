"""The audit chain on both engines: verify passes on an intact log and finds edits and deletions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests import factories
from yingji.audit import service as audit
from yingji.db import migrate
from yingji.db.session import make_engine, make_sessionmaker, transaction

pytestmark = pytest.mark.db


def append(db_session: Session, n: int) -> None:
    for i in range(n):
        audit.record(
            db_session=db_session,
            clock=factories.CLOCK,
            actor="tester",
            action="x.change",
            target_kind="x",
            target_key=str(i),
            before={"v": i},
            after={"v": i + 1},
        )


@contextmanager
def triggers_off(db_session: Session) -> Iterator[None]:
    """Simulate someone with database superuser rights bypassing the append-only triggers."""
    if db_session.get_bind().dialect.name == "postgresql":
        db_session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"))
        yield
        db_session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update"))
    else:
        db_session.execute(text("DROP TRIGGER audit_log_no_update"))
        db_session.execute(text("DROP TRIGGER audit_log_no_delete"))
        yield  # the test's rollback restores them


def test_intact_chain_verifies(db_session: Session) -> None:
    append(db_session, 5)
    result = audit.verify(db_session=db_session)
    assert result.ok and result.entries == 5


def test_entries_appended_together_continue_the_same_chain(db_session: Session) -> None:
    """record_many (bulk imports) writes what record() would: one chain, verifiable, edits still found."""
    append(db_session, 2)
    changes = [audit.Change("x.import", "x", str(i), {"via": "import"}, None, {"v": i}) for i in range(4)]
    assert audit.record_many(db_session=db_session, clock=factories.CLOCK, actor="tester", changes=changes) == 4
    assert audit.record_many(db_session=db_session, clock=factories.CLOCK, actor="tester", changes=[]) == 0
    append(db_session, 1)
    result = audit.verify(db_session=db_session)
    assert result.ok and result.entries == 7
    seqs = [e.seq for e in reversed(audit.list_(db_session=db_session))]
    assert seqs == list(range(seqs[0], seqs[0] + 7))
    with triggers_off(db_session):
        db_session.execute(
            text("UPDATE audit_log SET actor = 'someone' WHERE action = 'x.import' AND target_key = '2'")
        )
    assert not audit.verify(db_session=db_session).ok


def test_edited_entry_is_found(db_session: Session) -> None:
    append(db_session, 5)
    with triggers_off(db_session):
        db_session.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"))
    result = audit.verify(db_session=db_session)
    assert result.problems == ("第 3 条内容被修改或伪造（签名不符）",)


def test_deleted_middle_entry_is_found(db_session: Session) -> None:
    append(db_session, 5)
    with triggers_off(db_session):
        db_session.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    problems = audit.verify(db_session=db_session).problems
    assert "第 2–2 条缺失（被删除）" in problems
    assert "第 3 条的前序哈希与上一条不符" in problems


def test_deleted_last_entry_is_found(db_session: Session) -> None:
    append(db_session, 3)
    with triggers_off(db_session):
        db_session.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    problems = audit.verify(db_session=db_session).problems
    assert problems == ("链尾记录为第 3 条，实际最后一条为第 2 条（末尾条目被删除）",)


def test_entries_carry_before_and_after(db_session: Session) -> None:
    append(db_session, 1)
    entry = audit.list_(db_session=db_session)[0]
    assert (entry.before, entry.after, entry.seq) == ({"v": 0}, {"v": 1}, 1)
    assert len(entry.hash) == 64 and entry.prev_hash == "0" * 64


def test_concurrent_writers_keep_one_chain_on_sqlite(tmp_path: Path) -> None:
    """The default deployment: several request threads appending at once must neither fail nor fork the chain."""
    engine = make_engine(f"sqlite:///{tmp_path / 'audit.sqlite3'}", connect_args={"check_same_thread": False})
    migrate.upgrade(engine)
    makers = make_sessionmaker(engine)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        for i in range(15):
            try:
                with makers() as session, transaction(session):
                    audit.record(
                        db_session=session,
                        clock=factories.CLOCK,
                        actor=f"w{n}",
                        action="x.change",
                        target_kind="x",
                        target_key=str(i),
                    )
            except BaseException as err:  # collected and asserted below
                errors.append(err)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with makers() as session:
        result = audit.verify(db_session=session)
    assert result.ok and result.entries == 90
    engine.dispose()


@pytest.mark.parametrize("statement", ["DELETE FROM audit_head", "UPDATE audit_head SET seq = 0"])
def test_the_head_only_moves_forward(db_session: Session, statement: str) -> None:
    append(db_session, 2)
    with pytest.raises(DBAPIError, match="only moves forward"), db_session.begin_nested():
        db_session.execute(text(statement))

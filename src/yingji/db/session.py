"""Engines (SQLite in WAL mode, or PostgreSQL), sessions, and the one transaction() every write uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker

BEGIN = "yingji_begin"  # connection execution option read by the SQLite begin hook: "DEFERRED" or (default) "IMMEDIATE"
_READ_FIRST = "yingji_read_first"  # Session.info: a request session, read-only outside transaction()
_WRITING = "yingji_writing"  # Session.info: inside transaction()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL keeps readers and the writer apart; FULL sync makes every acknowledged commit durable.
    dbapi_connection.isolation_level = None  # no implicit transactions: _sqlite_begin issues BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # a committed row survives power loss, not only a process crash
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    if connection.get_execution_options().get(BEGIN) == "DEFERRED":
        # a read: a WAL snapshot that neither waits for nor blocks the writer; query_only makes a stray write fail
        connection.exec_driver_sql("BEGIN")
        connection.exec_driver_sql("PRAGMA query_only=ON")
    else:
        connection.exec_driver_sql("PRAGMA query_only=OFF")
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; for a SQLite file, create its directory and turn on WAL and foreign keys.

    pysqlite begins transactions lazily, on the first write, so a SAVEPOINT opened before any write would itself
    start — and on release commit — the transaction, breaking all-or-nothing units. SQLAlchemy's documented recipe
    takes BEGIN over, so every transaction starts explicitly and savepoints nest inside it. It is BEGIN IMMEDIATE:
    a deferred transaction that has read cannot later wait for the write lock (SQLite fails it at once when another
    writer committed meanwhile), whereas IMMEDIATE waits up to busy_timeout at BEGIN. Write transactions on one
    SQLite file therefore run one at a time — the embedded default; PostgreSQL is the server for concurrency. Reads
    need no lock: a request session (``reading``) begins plain (deferred, query-only) transactions for its reads and
    takes the write lock only when ``transaction()`` opens, so a slow or busy writer never stalls the readers.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def reading(maker: sessionmaker[Session]) -> Session:
    """A session for one request: it reads without the write lock; only ``transaction()`` inside it writes."""
    return maker(execution_options={BEGIN: "DEFERRED"}, info={_READ_FIRST: True})


def end_reading(session: Session) -> None:
    """End a request session's read snapshot before slow work that needs no database (argon2, printing, parsing)."""
    if session.info.get(_READ_FIRST) and not session.info.get(_WRITING) and session.in_transaction():
        session.commit()  # nothing to write (see _refuse_stray_flush); objects stay loaded (expire_on_commit=False)


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Commit everything done inside, or nothing: a failure rolls the whole unit back.

    In a request session the reads done before end first, and the write transaction begins here — on SQLite with
    BEGIN IMMEDIATE, so it waits for the lock now rather than failing later — and ends at the commit.
    """
    if session.info.get(_WRITING):  # nested in a request's transaction(): one unit, the outer one commits
        yield session
        return
    if not session.info.get(_READ_FIRST):
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return
    end_reading(session)
    session.info[_WRITING] = True
    try:
        session.connection(execution_options={BEGIN: "IMMEDIATE"})
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[_WRITING] = False


_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_POSTGRES_BUSY = {"55P03", "40P01", "40001"}  # lock_not_available, deadlock_detected, serialization_failure


def is_lock_contention(err: DBAPIError) -> bool:
    """True when a statement failed only because another transaction held the lock (worth retrying)."""
    sqlstate = getattr(err.orig, "sqlstate", None)
    return sqlstate in _POSTGRES_BUSY or any(text in str(err.orig).lower() for text in _SQLITE_BUSY)


class StrayWrite(RuntimeError):
    """A request session tried to write outside transaction(): a programming error, not the caller's."""


@event.listens_for(Session, "before_flush")
def _refuse_stray_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    changes = session.new or session.deleted or any(session.is_modified(o) for o in session.dirty)
    if changes and _reads_only(session):
        raise StrayWrite("a request session writes only inside transaction()")


@event.listens_for(Session, "do_orm_execute")
def _refuse_stray_statement(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and _reads_only(state.session):
        raise StrayWrite("a request session writes only inside transaction()")


def _reads_only(session: Session) -> bool:
    return bool(session.info.get(_READ_FIRST)) and not session.info.get(_WRITING)

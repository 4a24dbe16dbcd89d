"""Engines (SQLite in WAL mode, or PostgreSQL), sessions, and the one transaction() every write uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


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
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; for a SQLite file, create its directory and turn on WAL and foreign keys.

    pysqlite begins transactions lazily, on the first write, so a SAVEPOINT opened before any write would itself
    start — and on release commit — the transaction, breaking all-or-nothing units. SQLAlchemy's documented recipe
    takes BEGIN over, so every transaction starts explicitly and savepoints nest inside it. It is BEGIN IMMEDIATE:
    a deferred transaction that has read cannot later wait for the write lock (SQLite fails it at once when another
    writer committed meanwhile), whereas IMMEDIATE waits up to busy_timeout at BEGIN. Transactions on one SQLite
    file therefore run one at a time — the embedded default; PostgreSQL is the server for concurrency.
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


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Commit everything done inside, or nothing: a failure rolls the whole unit back."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise

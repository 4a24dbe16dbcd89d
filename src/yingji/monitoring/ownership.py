"""One monitoring-engine owner per database.

The engine keeps every channel's state in memory, so one process only may ingest readings and run the no-data check
for a database: two would each see part of the readings (an alarm one raised is never cleared by a reading to the
other, and the one that sees none raises 无数据). ``yingji serve`` claims ownership at start:

* PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) held on a dedicated connection whose
  ``application_name`` names the holder; the server drops it when that connection ends (crash, kill -9, lost link).
* SQLite: ``flock`` on ``<database file>.engine.lock``, whose content names the holder; the kernel drops it when the
  process dies, so a restart after kill -9 takes over at once.

Other processes serve the API and console, refuse ingest (503 naming the owner) and skip the engine's duties; they poll
the lock and take over when the owner is gone. The owner polls too: a lost connection or lock file means it stops
owning at once and tries to take the lock again. Each acquisition bumps ``generation``, which makes the engine rebuild
its state from the database instead of trusting what it held before.
"""

from __future__ import annotations

import fcntl
import logging
import math
import os
import socket
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from yingji.core.errors import Unavailable
from yingji.db.session import make_engine

logger = logging.getLogger(__name__)
LOCK_KEY = 0x59494E474A4901  # "YINGJI" + 0x01, the monitoring engine: the same advisory key in every process
LOCK_SUFFIX = ".engine.lock"  # beside the SQLite file
NAME_BYTES = 63  # PostgreSQL keeps application_name to NAMEDATALEN - 1 bytes
HOLDS = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted"
    " AND classid::bigint = :high AND objid::bigint = :low AND objsubid = 1"
)
HOLDER = text(
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = :high AND l.objid::bigint = :low"
    " AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


class EngineNotOwned(Unavailable):
    """Ingest sent to a process that does not own the engine; the gateway should send to the owner."""

    status, code = 503, "engine_not_owner"
    message = "本进程不负责监测引擎，不接收监测数据：请发往负责进程 {owner}（负责进程停止后本进程自动接管）"


class Lock(Protocol):
    def acquire(self) -> bool:
        """Try once, without waiting; True when this process now holds the lock."""

    def held(self) -> bool:
        """Whether the lock taken by ``acquire`` is still ours (connection alive, lock file not replaced)."""

    def holder(self) -> str | None:
        """Who holds the lock, as the holder recorded it; None when unknown."""

    def release(self) -> None: ...


class SoleLock:
    """An in-memory SQLite database: no other process can reach it."""

    def acquire(self) -> bool:
        return True

    def held(self) -> bool:
        return True

    def holder(self) -> str | None:
        return None

    def release(self) -> None:
        return None


class FileLock:
    """``flock`` on a file beside the SQLite database; the holder writes who it is into the file."""

    def __init__(self, path: Path, me: str) -> None:
        self.path, self._me = path, me
        self._fd: int | None = None

    def acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another process holds it
            os.close(fd)
            return False
        self._fd = fd
        if not self.held():  # the file was replaced between open and flock
            self.release()
            return False
        os.ftruncate(fd, 0)
        os.pwrite(fd, self._me.encode(), 0)
        return True

    def held(self) -> bool:
        if self._fd is None:
            return False
        try:
            ours, named = os.fstat(self._fd), os.stat(self.path)
        except OSError:
            return False
        return (ours.st_dev, ours.st_ino) == (named.st_dev, named.st_ino)

    def holder(self) -> str | None:
        try:
            with self.path.open("rb") as file:
                return file.read(512).decode(errors="replace").strip() or None
        except OSError:
            return None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor drops the flock
            self._fd = None


class AdvisoryLock:
    """A PostgreSQL session advisory lock on a connection of its own, outside the pool, never reused after an error
    (a silently reconnected connection would no longer hold the lock)."""

    def __init__(self, url: str, me: str) -> None:
        name = me.encode("ascii", "replace")[:NAME_BYTES].decode("ascii")
        self._engine = make_engine(
            url,
            poolclass=NullPool,
            connect_args={
                "application_name": name,
                "connect_timeout": 10,
                # a dead link is noticed in about half a minute rather than the system's two hours, at our end and
                # at the server's (which otherwise keeps a vanished owner's lock that long)
                "keepalives": 1,
                "keepalives_idle": 10,
                "keepalives_interval": 5,
                "keepalives_count": 3,
                "options": "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3",
            },
        )
        self._connection: Connection | None = None
        self._key = {"key": LOCK_KEY, "high": LOCK_KEY >> 32, "low": LOCK_KEY & 0xFFFFFFFF}

    def acquire(self) -> bool:
        try:
            if self._connection is None:
                self._connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            return bool(self._connection.execute(text("SELECT pg_try_advisory_lock(:key)"), self._key).scalar_one())
        except SQLAlchemyError as err:
            logger.warning("无法连接数据库以取得监测引擎锁：%s", type(err).__name__)
            self.release()
            return False

    def held(self) -> bool:
        if self._connection is None:
            return False
        try:
            return bool(self._connection.execute(HOLDS, self._key).scalar_one())
        except SQLAlchemyError:
            return False

    def holder(self) -> str | None:
        if self._connection is None:
            return None
        try:
            name = self._connection.execute(HOLDER, self._key).scalar()
        except SQLAlchemyError:
            self.release()
            return None
        return str(name) if name else None

    def release(self) -> None:
        """Unlock at once (the server would drop the lock only once it notices the closed connection), then close."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        with suppress(SQLAlchemyError):  # a broken connection: the server drops its locks with it
            connection.execute(text("SELECT pg_advisory_unlock_all()"))
        with suppress(SQLAlchemyError):
            connection.invalidate()  # never back to a pool, never reused
            connection.close()


class EngineOwnership:
    """Whether this process owns the monitoring engine of its database, kept current by a polling thread."""

    def __init__(self, lock: Lock, *, poll_s: float) -> None:
        self.lock, self.poll_s = lock, poll_s
        self.generation = 0  # bumped at every acquisition: the engine reloads its state from the database
        self._owned = False
        self._holder: str | None = None
        self._mutex = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def for_database(cls, url: str, *, me: str, poll_s: float) -> EngineOwnership:
        """The lock that fits the database: a lock file beside a SQLite file, an advisory lock on PostgreSQL."""
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            return cls(AdvisoryLock(url, me), poll_s=poll_s)
        if not parsed.database or parsed.database == ":memory:":
            return cls(SoleLock(), poll_s=poll_s)
        return cls(FileLock(Path(parsed.database + LOCK_SUFFIX), me), poll_s=poll_s)

    def owns(self) -> bool:
        return self._owned

    def holder(self) -> str:
        """The owner as last seen by a process that is not it."""
        return self._holder or "（未知）"

    def require(self) -> None:
        """Raise EngineNotOwned (503, Retry-After one polling interval) unless this process owns the engine."""
        if not self._owned:
            raise EngineNotOwned(owner=self.holder(), retry_after=max(1, math.ceil(self.poll_s)))

    def check(self) -> tuple[bool, bool]:
        """One poll: keep, lose or take ownership; returns (owns now, changed)."""
        with self._mutex:
            before = self._owned
            if self._owned and not self.lock.held():
                logger.error("监测引擎负责权已失去（数据库连接或锁文件丢失）：停止接收监测数据，尝试重新取得")
                self.lock.release()
                self._owned = False
            if not self._owned:
                if self.lock.acquire():
                    self._owned = True
                    self.generation += 1
                    self._holder = None
                else:
                    self._holder = self.lock.holder()
            owned = self._owned
        if owned != before and before:
            logger.error("本进程不再负责监测引擎：监测数据请发往 %s", self.holder())
        elif owned != before:
            logger.warning("本进程已取得监测引擎负责权：接收监测数据并执行无数据巡检")
        return owned, owned != before

    def watch(self, on_change: Callable[[bool], None] | None = None) -> None:
        """Poll every ``poll_s`` seconds in a daemon thread; ``on_change(owns)`` runs there after each change."""

        def loop() -> None:
            while not self._stop.wait(self.poll_s):
                try:
                    owned, changed = self.check()
                    if changed and on_change is not None:
                        on_change(owned)
                except Exception:
                    logger.exception("监测引擎负责权检查失败")

        self._thread = threading.Thread(target=loop, name="yingji-engine-owner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling and let go of the lock, so another process can take over without waiting for our exit."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.poll_s + 15)
        with self._mutex:
            self._owned = False
            self.lock.release()


def describe_process(url: str) -> str:
    """How this process names itself to the others: its address, pid and host (ASCII: PostgreSQL keeps no more)."""
    return f"{url} (pid {os.getpid()}@{socket.gethostname()})"

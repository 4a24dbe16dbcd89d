"""The process-wide engine for CLI commands and the server, from Settings; migrated on first use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from yingji.audit import anchor
from yingji.config import get_settings
from yingji.db import migrate
from yingji.db.session import make_engine, make_sessionmaker, transaction


@cache
def engine() -> Engine:
    """Return the configured engine with its schema at the latest revision."""
    created = make_engine(get_settings().resolved_database_url())
    migrate.upgrade(created)
    return created


@cache
def _makers() -> sessionmaker[Session]:
    makers = make_sessionmaker(engine())
    anchor.attach(makers)  # a command's audit entries are checkpointed after its commit, like the server's
    return makers


@contextmanager
def session_scope() -> Iterator[Session]:
    """One session, one transaction: committed on success, rolled back on any error."""
    with _makers()() as session, transaction(session):
        yield session

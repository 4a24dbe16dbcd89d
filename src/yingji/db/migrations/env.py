"""Alembic environment: the engine comes from the caller (yingji.db.migrate), never from a file."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import TypeDecorator

import yingji.models  # noqa: F401 - registers every table on Base.metadata
from yingji.db.base import Base


def render_item(kind: str, item: Any, autogen: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes the stored type (sa.DateTime(timezone=True)), never our TypeDecorator: a revision must
    not import application code."""
    if kind == "type" and isinstance(item, TypeDecorator):
        return f"sa.{item.impl_instance!r}"
    return False


engine = context.config.attributes["engine"]
with engine.connect() as connection:
    # SQLite rebuilds a table to alter it (batch mode: copy, drop, rename); dropping a table other tables reference
    # fails while foreign keys are enforced, and SQLite can switch enforcement only outside a transaction. So it is
    # off while revisions run and every key is checked before the commit (SQLite's documented procedure).
    sqlite = connection.dialect.name == "sqlite"
    driver = connection.connection.driver_connection
    if sqlite:
        driver.execute("PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():
            context.configure(
                connection=connection, target_metadata=Base.metadata, render_as_batch=True, render_item=render_item
            )
            before = context.get_context().get_current_revision()
            with context.begin_transaction():
                context.run_migrations()
            if sqlite and context.get_context().get_current_revision() != before:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows with missing foreign keys: {broken[:10]}")
    finally:
        if sqlite:
            driver.execute("PRAGMA foreign_keys=ON")

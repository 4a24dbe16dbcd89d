"""Alembic environment: the engine comes from the caller (yingji.db.migrate), never from a file."""

from __future__ import annotations

from alembic import context

import yingji.models  # noqa: F401 - registers every table on Base.metadata
from yingji.db.base import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()

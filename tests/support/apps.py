"""One API app per engine in a test process, with a fresh state for each test.

FastAPI 0.165 builds an app's routes on the app's first request (~0.5–1 s for ours: dependants, pydantic fields), so
a test that built its own app paid that in its first call. Tests reuse one app per engine and take over the state of
a newly built app (clock, settings, monitoring engine, caches); building one without serving a request costs ~20 ms.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from tests import factories
from yingji.app import create_app
from yingji.config import Settings
from yingji.core.clock import Clock

_SHARED: dict[tuple[int, str], FastAPI] = {}


def shared_app(engine: Engine, owner: str, *, clock: Clock | None = None, settings: Settings | None = None) -> FastAPI:
    """The app of fixture ``owner`` for ``engine`` (a test may use two such fixtures, each with its own clock), its
    state that of ``create_app(engine, clock=clock, settings=settings)``."""
    fresh = create_app(engine, clock=clock or factories.CLOCK, settings=settings)
    app = _SHARED.setdefault((id(engine), owner), fresh)
    app.state = fresh.state
    return app

"""Whether the app serves a path: a link to a page another module adds appears as soon as that module is mounted."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Match


def serves(app: Starlette, path: str) -> bool:
    """Whether a GET of ``path`` reaches a route (asked of the routes themselves: included routers are nested),
    remembered per app — routes are mounted once, at start."""
    known: dict[str, bool] = app.state.__dict__.setdefault("_served", {})
    if path not in known:
        scope = {"type": "http", "path": path, "method": "GET", "root_path": "", "headers": []}
        known[path] = any(route.matches(scope)[0] is Match.FULL for route in app.routes)
    return known[path]

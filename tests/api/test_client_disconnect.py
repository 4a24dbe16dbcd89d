"""A client that hangs up while its body is being read: a quiet note in the log, never a traceback (issue 21)."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.db


@pytest.mark.parametrize("path", ["/api/tips/public", "/api/property/public/complaints"])
def test_a_body_cut_short_logs_no_error(client: TestClient, caplog: pytest.LogCaptureFixture, path: str) -> None:
    """Raw ASGI, as the server sees it: part of the body, then the disconnect. Before, ClientDisconnect escaped the
    app and uvicorn logged "Exception in ASGI application" with a traceback."""
    part: dict[str, Any] = {"type": "http.request", "body": b'{"subject": "', "more_body": True}
    messages = iter([part, {"type": "http.disconnect"}])
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return next(messages)

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), (b"content-length", b"4000")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def call() -> None:
        await client.app(scope, receive, send)

    with caplog.at_level(logging.INFO):
        anyio.run(call)  # raises if the disconnect escapes the app
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("disconnected" in r.getMessage() for r in caplog.records)
    assert sent[0]["status"] < 500

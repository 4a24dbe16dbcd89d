"""The request guard (issue 21): bodies cut off at their route class's limit while they stream, no body read before
a login is shown, cookie-authenticated writes only from our own pages, security headers on every answer, and the
session cookie Secure only behind a trusted TLS proxy. Streaming cases call the application directly with a lazy
body (TestClient would read the whole body before the application sees it); the last tests use the real server."""

from __future__ import annotations

import re
import select
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message

from tests import factories
from tests.support.serve import Served, serve
from yingji.app import create_app
from yingji.auth.roles import Role
from yingji.config import Settings

MB = 1024 * 1024
CHUNK = 64 * 1024
SAFETY = 8 * MB  # a test body stops here: a guard that lets more through has already failed


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    pulled: int  # body bytes the application took from the stream

    def error(self) -> dict[str, Any]:
        import json

        error: dict[str, Any] = json.loads(self.body)["error"]
        return error


def chunks(total: int) -> Iterator[bytes]:
    """``total`` bytes of JSON-ish filler, produced only as they are asked for."""
    sent = 0
    while sent < total:
        piece = b"x" * min(CHUNK, total - sent)
        sent += len(piece)
        yield piece


def stream(
    app: ASGIApp, target: str, body: Iterator[bytes], headers: dict[str, str] | None = None, safety: int = SAFETY
) -> Answer:
    """POST ``body`` chunk by chunk (HTTP/1.1 chunked: no Content-Length unless given) straight into the app;
    reading more than ``safety`` bytes fails the test."""
    path, _, query = target.partition("?")
    pulled = 0
    finished = False
    started: dict[str, Any] = {}
    parts: list[bytes] = []

    async def receive() -> Message:
        nonlocal pulled, finished
        if finished:
            return {"type": "http.disconnect"}
        piece = next(body, None)
        if piece is None:
            finished = True
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(piece)
        assert pulled <= safety, f"the application read {pulled} bytes of a body it should have refused"
        return {"type": "http.request", "body": piece, "more_body": True}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))

    raw = {"host": "testserver", "content-type": "application/json"} | (headers or {})
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in raw.items()],
        "client": ("testclient", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    if "content-length" not in raw:
        scope["headers"].append((b"transfer-encoding", b"chunked"))

    async def run() -> None:
        await app(scope, receive, send)

    anyio.run(run)
    answered = {k.decode("latin-1"): v.decode("latin-1") for k, v in started["headers"]}
    return Answer(started["status"], answered, b"".join(parts), pulled)


@pytest.fixture
def admin(db_session: Session, divisions: int) -> dict[str, str]:
    """An unlimited administrator's bearer token: every route lets it as far as reading the body."""
    factories.user(db_session, "guard_admin", Role.ADMIN)
    return {"authorization": f"Bearer {factories.token_for(db_session, 'guard_admin')}"}


# --- body limits per route class ------------------------------------------------------------------------------------

# (path, needs a login, limit): small JSON, data batches, uploads and the two public forms
CLASSES = [
    ("/api/incidents", True, 1 * MB),
    ("/api/assess", True, 1 * MB),
    ("/api/monitoring/readings", True, 16 * MB),
    ("/api/registry/import", True, 16 * MB),
    ("/api/hazards/1/attachments?filename=a.pdf", True, 10 * MB),
    ("/api/enforcement/findings/1/photos?filename=a.png", True, 10 * MB),
    ("/api/property/survey/import", True, 8 * MB),
    ("/api/metrology/import", True, 8 * MB),
    ("/api/tips/public", False, 64 * 1024),
    ("/api/property/public/complaints", False, 16 * 1024),
]


@pytest.mark.db
@pytest.mark.parametrize(("path", "login", "limit"), CLASSES)
def test_a_chunked_body_over_its_class_limit_is_cut_off_with_413(
    client: TestClient, admin: dict[str, str], path: str, login: bool, limit: int
) -> None:
    answer = stream(client.app, path, chunks(limit + 40 * MB), admin if login else {}, safety=limit + 2 * CHUNK)
    assert answer.status == 413, answer.body
    error = answer.error()
    size = f"{limit // MB} MB" if limit >= MB else f"{limit // 1024} KB"
    assert (error["code"], error["field"]) == ("payload_too_large", "body") and size in error["message"]
    assert answer.pulled <= limit + CHUNK  # one chunk past the limit, not one byte more
    assert answer.headers["connection"] == "close"  # the rest of the body is not drained


@pytest.mark.db
def test_a_body_within_its_limit_still_arrives_whole(client: TestClient, admin: dict[str, str]) -> None:
    answer = stream(client.app, "/api/tips/public", iter([b'{"content": ', b'"' + b"x" * 60_000 + b'"}']))
    assert answer.status == 422 and answer.pulled > 60_000  # parsed (and refused by the form's own rules)
    small = stream(client.app, "/api/incidents", chunks(900 * 1024), admin)
    assert small.status == 422  # read whole (900 KB < 1 MB), then refused as JSON


@pytest.mark.db
def test_a_declared_length_over_the_limit_is_refused_before_reading(client: TestClient, admin: dict[str, str]) -> None:
    for path, headers in (("/api/tips/public", {}), ("/api/incidents", admin), ("/api/monitoring/readings", admin)):
        answer = stream(client.app, path, chunks(SAFETY), headers | {"content-length": str(400 * MB)})
        assert answer.status == 413 and answer.pulled == 0, (path, answer.body)
        assert answer.headers["connection"] == "close"


@pytest.mark.db
def test_a_content_length_that_lies_does_not_stretch_the_limit(client: TestClient, admin: dict[str, str]) -> None:
    answer = stream(client.app, "/api/tips/public", chunks(4 * MB), {"content-length": "100"})
    assert answer.status == 413 and answer.pulled <= 64 * 1024 + CHUNK
    ingest = stream(client.app, "/api/incidents", chunks(4 * MB), admin | {"content-length": "10"})
    assert ingest.status == 413 and ingest.pulled <= MB + CHUNK


# --- authenticate before parsing ------------------------------------------------------------------------------------


@pytest.mark.db
@pytest.mark.parametrize(
    "path",
    ["/api/incidents", "/api/monitoring/readings", "/api/hazards/1/attachments", "/api/registry/import", "/api/x"],
)
def test_a_write_without_token_or_cookie_is_refused_before_its_body_is_read(client: TestClient, path: str) -> None:
    started = time.monotonic()
    answer = stream(client.app, path, chunks(200 * MB))
    assert answer.status == 401 and answer.error()["code"] == "unauthorized"
    assert answer.pulled == 0 and time.monotonic() - started < 5
    empty_bearer = stream(client.app, path, chunks(200 * MB), {"authorization": "Bearer  "})
    assert empty_bearer.status == 401 and empty_bearer.pulled == 0


@pytest.mark.db
def test_the_public_forms_and_login_need_no_token(client: TestClient) -> None:
    assert client.post("/api/tips/public", json={}).status_code == 422
    assert client.post("/api/property/public/complaints", json={}).status_code == 422
    assert client.post("/api/property/public/complaints/X1/view", json={}).status_code == 422
    assert client.post("/api/auth/login", json={}).status_code == 422


# --- Origin check on cookie-authenticated writes --------------------------------------------------------------------


@pytest.fixture
def cookie_client(client: TestClient, db_session: Session, divisions: int) -> TestClient:
    """The test client holding a console session cookie (logged in as a 东胜区 duty officer)."""
    factories.user(db_session, "guard_duty", Role.COUNTY_OFFICER, division="150602")
    login = client.post("/api/auth/login", json={"username": "guard_duty", "password": factories.PASSWORD})
    assert login.status_code == 200 and client.cookies.get("yingji_session")
    return client


@pytest.mark.db
@pytest.mark.parametrize(
    ("headers", "passes"),
    [
        ({"origin": "http://testserver"}, True),
        ({"referer": "http://testserver/console/tips"}, True),  # no Origin: the Referer's host counts
        ({"origin": "http://TESTSERVER:80"}, True),  # case and the default port do not matter
        ({}, False),
        ({"origin": "https://evil.example"}, False),
        ({"origin": "http://testserver.evil.example"}, False),
        ({"origin": "null"}, False),
        ({"referer": "https://evil.example/testserver"}, False),
        ({"origin": "http://evil.example", "referer": "http://testserver/"}, False),  # Origin wins
    ],
)
def test_cookie_writes_must_come_from_our_own_pages(
    cookie_client: TestClient, headers: dict[str, str], passes: bool
) -> None:
    for method, path in (
        ("POST", "/api/tips"),
        ("PATCH", "/api/incidents/1/tasks/1"),
        ("DELETE", "/api/users/x/tokens"),
    ):
        answer = cookie_client.request(method, path, json={}, headers=headers)
        refused = answer.status_code == 403 and answer.json()["error"]["code"] == "cross_site_request"
        assert refused is not passes, (method, path, answer.text)
    assert cookie_client.get("/api/tips", headers=headers).status_code == 200  # reads are not writes


@pytest.mark.db
def test_bearer_writes_and_cookie_reads_are_not_checked(
    cookie_client: TestClient, officer_headers: dict[str, str]
) -> None:
    foreign = {"origin": "https://evil.example"}
    answer = cookie_client.post("/api/tips", json={}, headers=officer_headers | foreign)  # the cookie rides along
    assert answer.status_code == 422
    assert cookie_client.get("/api/auth/me", headers=foreign).status_code == 200


@pytest.mark.db
def test_login_from_a_foreign_page_is_refused(client: TestClient, db_session: Session, divisions: int) -> None:
    factories.user(db_session, "guard_login", Role.COUNTY_OFFICER, division="150602")
    body = {"username": "guard_login", "password": factories.PASSWORD}
    refused = client.post("/api/auth/login", json=body, headers={"origin": "https://evil.example"})
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    assert client.post("/api/auth/login", json=body).status_code == 200  # scripts and curl send no Origin
    client.cookies.clear()
    assert client.post("/api/auth/login", json=body, headers={"origin": "http://testserver"}).status_code == 200
    # holding a session cookie, even a new login must say where it comes from
    assert client.post("/api/auth/login", json=body).status_code == 403


# --- security headers -----------------------------------------------------------------------------------------------


@pytest.mark.db
def test_every_answer_carries_the_security_headers(client: TestClient, officer_headers: dict[str, str]) -> None:
    answers = [
        client.get("/healthz"),
        client.get("/login"),
        client.get("/static/console.js"),
        client.get("/api/tips", headers=officer_headers),
        client.get("/api/nowhere"),
        client.post("/api/incidents", json={}),  # the guard's own refusal
        client.get("/console/hazards", follow_redirects=False),
    ]
    for answer in answers:
        h = answer.headers
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY", answer.url
        assert h["referrer-policy"] == "same-origin"
        csp = h["content-security-policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
        assert "strict-transport-security" not in h  # plain HTTP
    docs = client.get("/api/docs")  # Swagger UI from the platform under the same policy: no CDN, no inline script
    assert docs.headers["content-security-policy"] == answers[0].headers["content-security-policy"]
    assert "http" not in docs.headers["content-security-policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", docs.text) and "cdn" not in docs.text


@pytest.mark.db
def test_the_console_has_no_inline_script(client: TestClient, officer_headers: dict[str, str]) -> None:
    """script-src 'self' refuses inline scripts: the pages must not need one."""
    for path in ("/login", "/", "/console/hazards", "/console/map", "/console/alarms", "/property/complaint"):
        html = client.get(path, headers=officer_headers).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path


# --- the session cookie behind a TLS proxy --------------------------------------------------------------------------


def _app_behind(engine: Engine, db_session: Session, trusted: str) -> TestClient:
    app = create_app(engine, clock=factories.CLOCK, trusted_proxies=trusted)
    app.state.sessionmaker = sessionmaker(
        bind=db_session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return TestClient(app)


@pytest.mark.db
@pytest.mark.parametrize(
    ("trusted", "forwarded", "secure"),
    [
        ("testclient", "https", True),
        ("10.0.0.0/8,testclient", "https", True),
        ("testclient", "http", False),
        ("", "https", False),  # not configured: a client cannot claim HTTPS
        ("10.0.0.1", "https", False),  # a proxy elsewhere is trusted, not this client
    ],
)
def test_the_session_cookie_is_secure_only_behind_a_trusted_tls_proxy(
    engine: Engine, db_session: Session, divisions: int, trusted: str, forwarded: str, secure: bool
) -> None:
    factories.user(db_session, "guard_proxy", Role.COUNTY_OFFICER, division="150602")
    with _app_behind(engine, db_session, trusted) as proxied:
        login = proxied.post(
            "/api/auth/login",
            json={"username": "guard_proxy", "password": factories.PASSWORD},
            headers={"x-forwarded-proto": forwarded},
        )
    assert login.status_code == 200
    cookie = login.headers["set-cookie"]
    assert ("; secure" in cookie.lower()) is secure
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert ("strict-transport-security" in login.headers) is secure


def test_the_trusted_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YINGJI_TRUSTED_PROXIES", raising=False)
    assert Settings().trusted_proxies == ""  # none by default
    monkeypatch.setenv("YINGJI_TRUSTED_PROXIES", "127.0.0.1,10.1.0.0/16")
    assert Settings().trusted_proxies == "127.0.0.1,10.1.0.0/16"


# --- the real server ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`yingji serve` (no demo data) behind a pretend TLS proxy on loopback."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("YINGJI_TRUSTED_PROXIES", "127.0.0.1")
        with serve(tmp_path_factory.mktemp("data"), tmp_path_factory.mktemp("log") / "serve.log", "--no-demo") as s:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if s.process.poll() is not None:
                    pytest.fail(f"yingji serve exited: {s.output()[-2000:]}")
                try:
                    if httpx.get(f"{s.url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.5)
            else:
                pytest.fail("yingji serve did not answer /healthz within 120 s")
            yield s


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _raw_post(url: str, path: str, body_total: int, wait_first: float = 0) -> tuple[bytes, int, float]:
    """POST a chunked body of ``body_total`` bytes over a raw socket (after waiting up to ``wait_first`` seconds
    for an answer to the headers alone), watching for an early answer; return the answer, the body bytes sent
    before it came (or the server closed) and the seconds it took."""
    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    sock = socket.create_connection((host, int(port)))
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
    sock.sendall((head + "Transfer-Encoding: chunked\r\n\r\n").encode())
    select.select([sock], [], [], wait_first)
    piece = b"%x\r\n" % CHUNK + b"x" * CHUNK + b"\r\n"
    sent = 0
    answer = b""
    try:
        while sent < body_total and time.monotonic() - started < 120:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            sock.sendall(piece)
            sent += CHUNK
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server closed the connection after answering
    sock.settimeout(10)
    try:
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    except (ConnectionResetError, TimeoutError):
        pass
    sock.close()
    return answer, sent, time.monotonic() - started


def test_the_real_server_refuses_a_tokenless_write_without_waiting_for_its_body(served: Served) -> None:
    answer, sent, seconds = _raw_post(served.url, "/api/incidents", 200 * MB, wait_first=10)
    assert answer.startswith(b"HTTP/1.1 401") and sent == 0 and seconds < 10, (answer[:200], sent)


def test_the_real_server_cuts_a_chunked_public_form_at_64_kb(served: Served) -> None:
    before = _rss_mb(served.process.pid)
    answer, sent, seconds = _raw_post(served.url, "/api/tips/public", 400 * MB)
    assert answer.startswith(b"HTTP/1.1 413") and b"payload_too_large" in answer, answer[:300]
    assert sent < 32 * MB and seconds < 30  # socket buffers hold a few MB; the server stopped taking more
    assert _rss_mb(served.process.pid) - before < 50
    assert httpx.get(f"{served.url}/healthz").status_code == 200


def test_the_real_server_believes_x_forwarded_proto_from_the_trusted_proxy(served: Served) -> None:
    behind = httpx.get(f"{served.url}/healthz", headers={"x-forwarded-proto": "https"})
    assert behind.headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" not in httpx.get(f"{served.url}/healthz").headers

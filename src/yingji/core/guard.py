"""One pure-ASGI guard in front of every route: a login is required before a body is read, cookie-authenticated
writes must come from our own pages, bodies are cut off at their route's limit while they stream (never trusting
Content-Length), and every answer carries the security headers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yingji.core.errors import CrossSiteRequest, PayloadTooLarge, Unauthorized, YingjiError

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Scripts only from our own files (no inline script, no other origin), on every page the API documentation included
# (Swagger UI from npm, started by /static/api-docs.js). Inline styles are allowed: the printable incident record and
# the campaign reports carry their own <style>, ECharts, Leaflet and Swagger UI style elements inline.
CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def console_csp(image_origin: str | None = None) -> str:
    """The console's policy; a page drawing map tiles from a configured server (YINGJI_MAP_TILES) may also load
    images from that one origin."""
    if not image_origin:
        return CONSOLE_CSP
    return CONSOLE_CSP.replace("img-src 'self' data:;", f"img-src 'self' data: {image_origin};")


HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
HSTS = "max-age=31536000"  # only on answers that went out over HTTPS (directly or from a trusted proxy)


@dataclass(frozen=True)
class BodyLimit:
    """Requests whose method and whole path match get at most ``limit`` body bytes; ``what`` names the body."""

    method: str
    path: str  # regular expression for the whole path
    limit: int
    what: str


@dataclass(frozen=True)
class GuardPolicy:
    limits: tuple[BodyLimit, ...]  # the first match wins
    default: BodyLimit  # every other request (small JSON)
    open_writes: tuple[str, ...]  # /api paths (regular expressions) written without a login: login, public forms
    login_path: str  # sets the session cookie: a foreign Origin may not post to it either
    session_cookie: str


def size_text(limit: int) -> str:
    return f"{limit // 1048576} MB" if limit >= 1048576 else f"{limit // 1024} KB"


class RequestGuard:
    def __init__(self, app: ASGIApp, policy: GuardPolicy) -> None:
        self.app = app
        self.policy = policy
        self.limits = [(rule.method, re.compile(rule.path), rule) for rule in policy.limits]
        self.open_writes = [re.compile(path) for path in policy.open_writes]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._with_headers(scope, send)
        headers = Headers(scope=scope)
        rule = self._limit(scope["method"], scope["path"])
        refusal = self._refusal(scope, headers, rule)
        if refusal is not None:
            await _answer(refusal, scope, receive, send, pending=_has_body(headers))
            return
        body = _CountedBody(receive, rule)
        answered = _Answer(send, body)
        try:
            await self.app(scope, body.receive, answered.send)
        except PayloadTooLarge:
            if answered.started:
                raise
        if body.cut and not answered.started:  # whatever the app made of the cut body is replaced
            await _answer(body.error(), scope, receive, send, pending=True)

    def _limit(self, method: str, path: str) -> BodyLimit:
        for rule_method, pattern, rule in self.limits:
            if rule_method == method and pattern.fullmatch(path):
                return rule
        return self.policy.default

    def _refusal(self, scope: Scope, headers: Headers, rule: BodyLimit) -> YingjiError | None:
        """The answer given before any body byte is read, or None to let the request through."""
        method, path = scope["method"], scope["path"]
        if method in UNSAFE:
            authorization = headers.get("authorization", "")
            bearer = authorization.lower().startswith("bearer ")
            cookie = not bearer and bool(cookie_parser(headers.get("cookie", "")).get(self.policy.session_cookie))
            if bearer and not authorization[7:].strip():
                bearer = False
            open_write = any(pattern.fullmatch(path) for pattern in self.open_writes)
            if path.startswith("/api/") and not open_write and not bearer and not cookie:
                return Unauthorized(reason="请先登录（Authorization: Bearer 令牌或会话 Cookie）")
            if cookie or (not bearer and path == self.policy.login_path):
                problem = _foreign(headers, required=cookie)
                if problem:
                    return CrossSiteRequest(reason=problem)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > rule.limit:
            return rule_error(rule)
        return None

    def _with_headers(self, scope: Scope, send: Send) -> Send:
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("content-security-policy", CONSOLE_CSP)
                if https:
                    headers.setdefault("strict-transport-security", HSTS)
            await send(message)

        return send_with_headers


def rule_error(rule: BodyLimit) -> PayloadTooLarge:
    return PayloadTooLarge(field="body", what=rule.what, size=size_text(rule.limit))


def _foreign(headers: Headers, *, required: bool) -> str | None:
    """Why Origin (or else Referer) does not name the host the request was sent to; None when it does."""
    source = headers.get("origin") or headers.get("referer")
    if source is None:
        return "写操作须带 Origin 或 Referer 请求头（由本平台页面发出）" if required else None
    origin = urlsplit(source)
    default = {"http": ":80", "https": ":443"}.get(origin.scheme, "")
    host = headers.get("host", "").lower().removesuffix(default)
    if not origin.netloc or origin.netloc.lower().removesuffix(default) != host:
        return f"请求来源 {source[:100]} 不是本平台"
    return None


def _has_body(headers: Headers) -> bool:
    declared = headers.get("content-length", "")
    return "transfer-encoding" in headers or (declared != "" and declared != "0")


async def _answer(error: YingjiError, scope: Scope, receive: Receive, send: Send, *, pending: bool) -> None:
    # An unread body is not drained: the connection is closed after the answer instead.
    response = JSONResponse(
        error.as_dict(), status_code=error.status, headers={"connection": "close"} if pending else None
    )
    await response(scope, receive, send)


class _CountedBody:
    """The request's ``receive``, counting body bytes; past the limit it raises instead of handing more on."""

    def __init__(self, receive: Receive, rule: BodyLimit) -> None:
        self._receive = receive
        self.rule = rule
        self.seen = 0
        self.cut = False

    def error(self) -> PayloadTooLarge:
        return rule_error(self.rule)

    async def receive(self) -> Message:
        if self.cut:
            raise self.error()
        message = await self._receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.rule.limit:
                self.cut = True
                raise self.error()
        return message


class _Answer:
    """The app's ``send``; once the body has been cut, the app's own answer to it is dropped (the guard answers)."""

    def __init__(self, send: Send, body: _CountedBody) -> None:
        self._send = send
        self._body = body
        self.started = False  # the app's answer went out before the body was cut

    async def send(self, message: Message) -> None:
        if self._body.cut and not self.started:
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)

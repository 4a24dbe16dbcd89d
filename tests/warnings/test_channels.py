"""Channel adapters against a real HTTP server on 127.0.0.1: the webhook and the SMS gateway get the idempotency key."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from yingji.config import Settings
from yingji.db.outbox import DeliveryStatus, OutboxItem
from yingji.notify.channels import DeliveryError, idempotency_key, sms, webhook


class Recorder(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, Any], str]] = []  # noqa: RUF012 - shared by the server's handler instances
    status = 200

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Recorder.received.append((self.path, body, self.headers.get("Idempotency-Key", "")))
        self.send_response(Recorder.status)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Recorder.received, Recorder.status = [], 200
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def item(channel: str, recipient: str) -> OutboxItem:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    return OutboxItem(
        id=1,
        topic="warning",
        key="150206000000000_20261123080000_0",
        channel=channel,
        recipient=recipient,
        payload={"headline": "暴雨黄色预警", "sms_text": "【测试】暴雨黄色预警"},
        status=DeliveryStatus.SENDING,
        attempts=1,
        next_attempt_at=now,
        created_at=now,
    )


def test_webhook_posts_json_with_the_key(server: str) -> None:
    webhook(item("webhook", f"{server}/hook"))
    ((path, body, key),) = Recorder.received
    assert path == "/hook" and body["headline"] == "暴雨黄色预警"
    assert key == idempotency_key(item("webhook", f"{server}/hook")) and key.isascii()


def test_webhook_error_status_is_a_delivery_error(server: str) -> None:
    Recorder.status = 503
    with pytest.raises(DeliveryError, match="503"):
        webhook(item("webhook", f"{server}/hook"))


def test_sms_goes_through_the_configured_gateway(server: str) -> None:
    sms(item("sms", "全网短信"), Settings(sms_gateway=f"{server}/sms"))
    ((path, body, _key),) = Recorder.received
    assert path == "/sms" and body["to"] == "全网短信" and "暴雨" in body["text"]


def test_sms_without_a_gateway_is_a_visible_failure() -> None:
    with pytest.raises(DeliveryError, match="未配置短信网关"):
        sms(item("sms", "全网短信"), Settings(sms_gateway=None))


def test_unreachable_webhook_is_a_delivery_error() -> None:
    with pytest.raises(DeliveryError):
        webhook(item("webhook", "http://127.0.0.1:9/closed"))


def test_the_sms_gateway_gets_the_receipt_url(server: str) -> None:
    """A gateway's delivery report can confirm receipt: the request names the item and where to confirm."""
    sent = item("sms", "全网短信")
    sent.payload = sent.payload | {"ack_token": "t0ken"}
    sms(sent, Settings(sms_gateway=f"{server}/sms"))
    ((_path, body, _key),) = Recorder.received
    assert body["delivery_id"] == 1 and body["receipt_method"] == "POST"
    assert body["receipt_url"].endswith("/api/warnings/deliveries/1/ack?token=t0ken")

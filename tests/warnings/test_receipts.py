"""Delivery receipts end to end: the platform served on 127.0.0.1, a webhook receiver on 127.0.0.1 that confirms
*while* the webhook call is still open (before it answers) using only what the payload carries; and receipts with
unknown ids or odd tokens answered alike."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from yingji.app import create_app
from yingji.config import get_settings
from yingji.core.clock import FixedClock
from yingji.db import migrate, outbox
from yingji.db.outbox import DeliveryStatus, OutboxItem
from yingji.db.session import make_engine, make_sessionmaker, transaction
from yingji.notify.worker import deliver_due

pytestmark = pytest.mark.db


class ConfirmingReceiver(BaseHTTPRequestHandler):
    """A recipient system that posts the receipt before it answers the webhook call."""

    seen: list[dict[str, Any]] = []  # noqa: RUF012 - shared by the server's handler instances
    receipts: list[tuple[int, dict[str, Any]]] = []  # noqa: RUF012

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ConfirmingReceiver.seen.append(body)
        answer = httpx.request(body["receipt_method"], body["receipt_url"], timeout=30)
        ConfirmingReceiver.receipts.append((answer.status_code, answer.json()))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    ConfirmingReceiver.seen, ConfirmingReceiver.receipts = [], []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ConfirmingReceiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/hook"
    httpd.shutdown()


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """The API served by uvicorn on a free loopback port, its public URL in the settings (as YINGJI_PUBLIC_URL)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'receipts.sqlite3'}", connect_args={"check_same_thread": False})
    migrate.upgrade(engine)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(engine), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    os.environ["YINGJI_PUBLIC_URL"] = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    get_settings.cache_clear()
    try:
        yield make_sessionmaker(engine)
    finally:
        os.environ.pop("YINGJI_PUBLIC_URL")
        get_settings.cache_clear()
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        engine.dispose()


def test_a_receipt_posted_during_the_webhook_call_is_kept(platform: sessionmaker[Session], receiver: str) -> None:
    makers = platform
    clock = FixedClock(factories.CLOCK.now())
    with makers() as db_session, transaction(db_session):
        outbox.enqueue(
            db_session=db_session,
            now=clock.now(),
            topic="warning",
            key="150206000000000_20261123080000_0",
            channel="webhook",
            recipient=receiver,
            payload={"headline": "暴雨黄色预警"},
        )
    assert deliver_due(makers=makers, clock=clock) == (1, 0)
    (body,) = ConfirmingReceiver.seen
    assert body["headline"] == "暴雨黄色预警" and body["receipt_method"] == "POST"
    assert body["receipt_url"].startswith(os.environ.get("YINGJI_PUBLIC_URL", "").rstrip("/") + "/api/warnings/")
    assert ConfirmingReceiver.receipts == [(200, {"status": "acknowledged"})]  # confirmed while still sending
    with makers() as db_session:
        row = db_session.scalars(select(OutboxItem)).one()
    assert row.id == body["delivery_id"]
    assert row.status is DeliveryStatus.ACKNOWLEDGED  # the later "sent" did not overwrite it
    assert row.acknowledged_at is not None and row.sent_at is not None


def test_a_late_failure_does_not_undo_a_receipt(db_session: Session) -> None:
    """The recipient confirmed, then the call timed out on our side: delivered, not queued for another try."""
    now = factories.CLOCK.now()
    item = outbox.enqueue(
        db_session=db_session,
        now=now,
        topic="warning",
        key="k",
        channel="webhook",
        recipient="http://127.0.0.1:9/",
        payload={},
    )
    (claimed,) = outbox.claim(db_session=db_session, now=now)
    token = str(claimed.payload["ack_token"])
    assert outbox.acknowledge(db_session=db_session, item_id=item.id, token=token, now=now) is not None
    outbox.record_failure(db_session=db_session, item_id=item.id, now=now, error="timeout")
    outbox.record_sent(db_session=db_session, item_id=item.id, now=now)
    db_session.refresh(item)
    assert (item.status, item.last_error) == (DeliveryStatus.ACKNOWLEDGED, None)


@pytest.mark.parametrize(
    ("item_id", "query"),
    [
        ("own", "token=%E4%BB%A4%E7%89%8C"),  # 令牌: non-ASCII is compared as bytes, not a 500
        ("own", "token=%FF%ED%B3%BF"),  # not UTF-8 at all
        ("own", "token="),
        ("unknown", "token={token}"),
        ("huge", "token={token}"),  # above 2^63
    ],
)
def test_wrong_receipts_answer_alike(client: TestClient, db_session: Session, item_id: str, query: str) -> None:
    item = outbox.enqueue(
        db_session=db_session,
        now=factories.CLOCK.now(),
        topic="warning",
        key="k",
        channel="webhook",
        recipient="http://127.0.0.1:9/",
        payload={},
    )
    outbox.claim(db_session=db_session, now=factories.CLOCK.now())  # sent out: a right token would be accepted
    db_session.commit()
    ident = {"own": item.id, "unknown": item.id + 1000, "huge": 2**64}[item_id]
    response = client.post(f"/api/warnings/deliveries/{ident}/ack?" + query.format(token=item.payload["ack_token"]))
    assert response.status_code == 404
    assert response.json()["error"]["message"] == f"未找到推送记录：{ident}"
    right = client.post(f"/api/warnings/deliveries/{item.id}/ack", params={"token": item.payload["ack_token"]})
    assert right.json() == {"status": "acknowledged"}

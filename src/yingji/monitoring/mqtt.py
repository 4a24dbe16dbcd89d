"""MQTT ingest: gateways publish batches to ``yingji/readings/<gateway>``; the server subscribes and ingests them on
its own engine, exactly as the HTTP endpoint does.

A message is the HTTP body plus the gateway's API token: ``{"token": "yjt_…", "points": […], "times": […],
"values": […]}`` (or ``readings``), as JSON or MessagePack. The token gives the same scope check as HTTP (broker ACLs
are defence in depth, not the check). Messages are acknowledged to the broker (QoS 1, manual PUBACK) only after the
batch is committed; a transient failure leaves the message unacknowledged so the broker delivers it again. The
result, or the error, is published to ``yingji/acks/<gateway>``. Only the process owning the engine subscribes (all
use one client id and a persistent session); it unsubscribes when it loses the engine, leaving its unacknowledged
messages to the next owner.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from yingji.auth import service as auth_service
from yingji.core.clock import Clock
from yingji.core.errors import Unauthorized, Unavailable, YingjiError
from yingji.monitoring import ingest
from yingji.monitoring.cluster.edge import EdgeRunner, ingest_at_edge
from yingji.monitoring.engine import MonitoringEngine

logger = logging.getLogger(__name__)
READINGS = "yingji/readings/"
ACKS = "yingji/acks/"
SHARED = "$share/yingji-edges/"  # MQTT shared subscription: each message to one of the edges
RETRY_FIRST_S, RETRY_MAX_S = 0.5, 30.0


def handle(
    payload: bytes,
    *,
    makers: sessionmaker[Session],
    clock: Clock,
    engine: MonitoringEngine,
    edge: EdgeRunner | None = None,
) -> dict[str, Any]:
    """Decode, authenticate and ingest one message (or, on an edge, publish it to the cluster's stream); YingjiError
    for a message that can never succeed."""
    media = "application/json" if payload.lstrip()[:1] in (b"{", b"[") else "application/msgpack"
    raw = ingest.parse(payload, media)
    if not isinstance(raw, dict) or not isinstance(raw.get("token"), str):
        raise Unauthorized(reason="消息须带网关令牌（token 字段）")
    token = raw.pop("token")
    with makers() as db_session:
        actor = auth_service.authenticate(db_session=db_session, clock=clock, token=token)  # before any more work
        batch = ingest.decode(raw)
        if edge is not None:
            return ingest_at_edge(db_session=db_session, clock=clock, actor=actor, runner=edge, batch=batch).as_dict()
        return ingest.taken(
            "mqtt", db_session=db_session, clock=clock, actor=actor, engine=engine, batch=batch
        ).as_dict()


class Subscriber:
    """A paho client in its own network thread; ``start`` connects and subscribes, ``stop`` disconnects."""

    def __init__(
        self,
        *,
        makers: sessionmaker[Session],
        clock: Clock,
        engine: MonitoringEngine,
        host: str,
        port: int,
        client_id: str = "yingji-ingest",
        edge: EdgeRunner | None = None,
    ) -> None:
        self._makers, self._clock, self._engine = makers, clock, engine
        # edges share the gateways' messages (an MQTT shared subscription), each under its own client id; the single
        # engine's owner takes them all
        self._edge = edge
        self._topic = (SHARED if edge is not None else "") + READINGS + "#"
        self._host, self._port = host, port
        self._stopping = threading.Event()
        self._subscribed = threading.Event()
        self.client = paho.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=client_id,
            # the owner: the broker keeps our subscription and unacknowledged messages across reconnects; an edge:
            # a clean session, or a stopped edge would stay in the shared group and have messages queued for it (a
            # batch in flight when an edge dies goes unanswered, and the gateway resends it: deduplicated)
            clean_session=edge is not None,
            manual_ack=True,
        )
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message

    def start(self) -> None:
        """Connect in the network thread, which retries until the broker answers: a broker that is down when the
        platform starts must not stop the platform (readings over HTTP keep working meanwhile)."""
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.connect_async(self._host, self._port, keepalive=30)
        self.client.loop_start()

    def wait_subscribed(self, timeout: float) -> bool:
        """Whether the broker has confirmed the subscription (batches published before it would not reach us)."""
        return self._subscribed.wait(timeout)

    def stop(self) -> None:
        self._stopping.set()
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client: paho.Client, _userdata: Any, _flags: Any, reason: Any, _properties: Any) -> None:
        if reason.is_failure:
            logger.error("MQTT 连接失败：%s", reason)
            return
        client.subscribe(self._topic, qos=1)

    def _on_subscribe(self, _client: paho.Client, _userdata: Any, _mid: int, reasons: Any, _properties: Any) -> None:
        if not any(r.is_failure for r in reasons):
            self._subscribed.set()

    def _on_message(self, client: paho.Client, _userdata: Any, message: paho.MQTTMessage) -> None:
        """Never raises (an exception would end paho's network thread). A database failure is retried here with
        back-off until it succeeds or the subscriber stops: the message stays unacknowledged meanwhile, and if the
        broker drops the connection it redelivers the message to our persistent session."""
        gateway = message.topic.removeprefix(READINGS) or "unknown"
        delay = RETRY_FIRST_S
        while True:
            try:
                reply = handle(
                    bytes(message.payload), makers=self._makers, clock=self._clock, engine=self._engine, edge=self._edge
                )
                break
            except Unavailable as err:  # e.g. this process just lost the engine: the broker redelivers to the owner
                logger.warning("监测消息暂不能处理，%s 秒后重试（%s）：%s", delay, message.topic, err.render())
            except YingjiError as err:
                reply = err.as_dict()  # permanent: answered and acknowledged, never redelivered forever
                break
            except SQLAlchemyError:
                logger.exception("监测数据入库失败，%s 秒后重试（%s）", delay, message.topic)
            except Exception:
                logger.exception("无法处理的监测消息，已丢弃（%s）", message.topic)
                reply = {"error": {"code": "internal", "message": "服务器无法处理该消息", "field": None}}
                break
            if self._stopping.wait(delay):
                return  # shutting down: left unacknowledged for redelivery
            delay = min(delay * 2, RETRY_MAX_S)
        client.publish(ACKS + gateway, json.dumps(reply, ensure_ascii=False), qos=1)
        client.ack(message.mid, message.qos)


class OwnerSubscription:
    """The subscription of a server that may or may not own the engine: subscribed only while it does, so one process
    per database takes the gateways' batches (the others would share the client id and knock each other off)."""

    def __init__(self, make: Callable[[], Subscriber]) -> None:
        self._make = make
        self.current: Subscriber | None = None

    def follow(self, owned: bool) -> None:
        """Subscribe with a fresh client when ownership is gained; disconnect when it is lost."""
        if owned and self.current is None:
            self.current = self._make()
            self.current.start()
            logger.warning("已接管监测引擎：订阅 MQTT 代理")
        elif not owned and self.current is not None:
            self.current.stop()  # its unacknowledged messages go to the next owner's persistent session
            self.current = None
            logger.warning("已不负责监测引擎：断开 MQTT 订阅")

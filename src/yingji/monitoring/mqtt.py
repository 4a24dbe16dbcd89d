"""MQTT ingest: gateways publish batches to ``yingji/readings/<gateway>``; the server subscribes and ingests them on
its own engine, exactly as the HTTP endpoint does.

A message is the HTTP body plus the gateway's API token: ``{"token": "yjt_…", "points": […], "times": […],
"values": […]}`` (or ``readings``), as JSON or MessagePack. The token gives the same scope check as HTTP (broker ACLs
are defence in depth, not the check). Messages are acknowledged to the broker (QoS 1, manual PUBACK) only after the
batch is committed; a transient failure leaves the message unacknowledged so the broker delivers it again. The
result, or the error, is published to ``yingji/acks/<gateway>``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from yingji.auth import service as auth_service
from yingji.core.clock import Clock
from yingji.core.errors import Unauthorized, YingjiError
from yingji.monitoring import ingest
from yingji.monitoring.engine import MonitoringEngine

logger = logging.getLogger(__name__)
READINGS = "yingji/readings/"
ACKS = "yingji/acks/"


def handle(payload: bytes, *, makers: sessionmaker[Session], clock: Clock, engine: MonitoringEngine) -> dict[str, Any]:
    """Decode, authenticate and ingest one message; YingjiError for a message that can never succeed."""
    media = "application/json" if payload.lstrip()[:1] in (b"{", b"[") else "application/msgpack"
    raw = ingest.parse(payload, media)
    if not isinstance(raw, dict) or not isinstance(raw.get("token"), str):
        raise Unauthorized(reason="消息须带网关令牌（token 字段）")
    token = raw.pop("token")
    batch = ingest.decode(raw)
    with makers() as db_session:
        actor = auth_service.authenticate(db_session=db_session, clock=clock, token=token)
        return ingest.ingest(db_session=db_session, clock=clock, actor=actor, engine=engine, batch=batch).as_dict()


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
    ) -> None:
        self._makers, self._clock, self._engine = makers, clock, engine
        self._host, self._port = host, port
        self.client = paho.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,  # the broker keeps our subscription and unacknowledged messages across reconnects
            manual_ack=True,
        )
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message

    def start(self) -> None:
        self.client.connect(self._host, self._port, keepalive=30)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client: paho.Client, _userdata: Any, _flags: Any, reason: Any, _properties: Any) -> None:
        if reason.is_failure:
            logger.error("MQTT 连接失败：%s", reason)
            return
        client.subscribe(READINGS + "#", qos=1)

    def _on_message(self, client: paho.Client, _userdata: Any, message: paho.MQTTMessage) -> None:
        gateway = message.topic.removeprefix(READINGS) or "unknown"
        try:
            reply = handle(bytes(message.payload), makers=self._makers, clock=self._clock, engine=self._engine)
        except YingjiError as err:
            reply = err.as_dict()  # permanent: acknowledged, so the broker does not redeliver it forever
        except SQLAlchemyError:
            logger.exception("监测数据入库失败，等待代理重发（%s）", message.topic)
            return  # not acknowledged: the broker redelivers after we reconnect
        client.publish(ACKS + gateway, json.dumps(reply, ensure_ascii=False), qos=1)
        client.ack(message.mid, message.qos)

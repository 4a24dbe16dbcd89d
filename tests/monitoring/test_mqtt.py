"""MQTT ingest against a real Mosquitto broker: a gateway publishes, the server ingests, answers, acknowledges."""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import msgpack
import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.monitoring.conftest import CORNER, Site
from tests.support import mosquitto
from tests.support.serve import serve
from yingji.monitoring.mqtt import Subscriber
from yingji.monitoring.ownership import EngineOwnership, FileLock


def fresh_id(prefix: str) -> str:
    """A client id no earlier test used: the server subscribes with a persistent session (clean_session=False), so a
    reused id would be handed the previous test's unacknowledged messages, tokens of another database and all."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class Gateway:
    """A device-side client: publishes batches and collects the server's answers."""

    def __init__(self, port: int) -> None:
        self.answers: list[dict[str, Any]] = []
        self.arrived = threading.Condition()
        self.client = paho.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="jia-gateway")
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe("yingji/acks/jia", qos=1)
        self.client.loop_start()

    def _on_message(self, _client: Any, _userdata: Any, message: paho.MQTTMessage) -> None:
        with self.arrived:
            self.answers.append(json.loads(message.payload))
            self.arrived.notify_all()

    def publish(self, body: dict[str, Any], *, as_json: bool = False) -> dict[str, Any]:
        count = len(self.answers)
        payload = json.dumps(body).encode() if as_json else msgpack.packb(body)
        self.client.publish("yingji/readings/jia", payload, qos=1).wait_for_publish(timeout=10)
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.answers) > count, timeout=60), (
                "no answer from the server"
            )  # a bound, not a speed claim: CI is loaded
            return self.answers[-1]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def test_a_batch_over_mqtt_raises_the_alarm(site: Site, broker: mosquitto.Broker) -> None:
    site.point(CORNER)
    subscriber = Subscriber(
        makers=site.app.state.sessionmaker,
        clock=site.clock,
        engine=site.app.state.monitor,
        host="127.0.0.1",
        port=broker.port,
        client_id=fresh_id("yingji-test"),
    )
    subscriber.start()
    assert subscriber.wait_subscribed(30), "the broker never confirmed the subscription"
    gateway = Gateway(broker.port)
    try:
        token = site.gateway["Authorization"].removeprefix("Bearer ")
        t = site.now_ms()
        answer = gateway.publish(
            {"token": token, "points": ["CH4-01", "CH4-01"], "times": [t + 1000, t + 61_000], "values": [0.98, 1.6]}
        )
        assert answer["accepted"] == 2 and answer["transitions"] >= 1
        refused = gateway.publish({"token": "yjt_forged", "points": ["CH4-01"], "times": [t + 90_000], "values": [0.2]})
        assert refused["error"]["code"] == "unauthorized"
        malformed = gateway.publish({"token": token, "points": ["CH4-01"], "times": [], "values": []})
        assert malformed["error"]["field"] == "times"  # the column whose length differs from points
        other = site.other_gateway["Authorization"].removeprefix("Bearer ")
        scoped = gateway.publish({"token": other, "points": ["CH4-01"], "times": [t + 120_000], "values": [0.1]})
        assert scoped["accepted"] == 0 and scoped["rejected"][0]["reason"] == "测点编号未在本企业登记"
        huge = {"token": token, "points": ["CH4-01"], "times": [2**64], "values": [0.1]}  # JSON carries any integer
        assert gateway.publish(huge, as_json=True)["rejected"][0]["field"] == "time"
        after = gateway.publish({"token": token, "points": ["CH4-01"], "times": [t + 150_000], "values": [1.6]})
        assert after["accepted"] == 1  # the subscriber lives on
    finally:
        gateway.close()
        subscriber.stop()
    levels = [a for a in site.alarms() if a["condition"] == "level"]
    assert [(a["level_name"], a["active"]) for a in levels] == [("断电", True)]


def _serve_says(tmp_path: Path, broker_address: str, expected: str) -> str:
    """Start `yingji serve --mqtt …` (empty database, no demo) and return its output once `expected` appears."""
    with serve(tmp_path, tmp_path / "serve.log", "--no-demo", "--mqtt", broker_address) as served:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and served.process.poll() is None:
            if expected in served.output():
                time.sleep(1)
                assert served.process.poll() is None, f"yingji serve stopped: {served.output()[-2000:]}"
                break
            time.sleep(0.3)
        return served.output()


def test_serve_reports_the_subscription_only_once_the_broker_confirms_it(
    broker: mosquitto.Broker, tmp_path: Path
) -> None:
    said = _serve_says(tmp_path, f"127.0.0.1:{broker.port}", "已订阅 MQTT 代理")
    assert "已订阅 MQTT 代理" in said, said[-2000:]


def test_serve_says_when_no_broker_confirms(tmp_path: Path) -> None:
    said = _serve_says(tmp_path, "127.0.0.1:9", "未确认订阅")  # nothing listens on the discard port
    assert "未确认订阅" in said and "已订阅" not in said, said[-2000:]


def test_a_batch_reaching_a_process_without_the_engine_waits_unacknowledged(
    site: Site, broker: mosquitto.Broker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site.point(CORNER)
    holder = EngineOwnership(FileLock(tmp_path / "engine.lock", "owner-process"), poll_s=0.3)
    ours = EngineOwnership(FileLock(tmp_path / "engine.lock", "this-process"), poll_s=0.3)
    assert holder.check()[0] and not ours.check()[0]
    site.app.state.monitor.ownership = ours  # e.g. the engine was lost while the message was in flight
    subscriber = Subscriber(
        makers=site.app.state.sessionmaker,
        clock=site.clock,
        engine=site.app.state.monitor,
        host="127.0.0.1",
        port=broker.port,
        client_id=fresh_id("yingji-test-owner"),
    )
    subscriber.start()
    gateway = Gateway(broker.port)
    try:
        assert subscriber.wait_subscribed(30), "the broker never confirmed the subscription"
        token = site.gateway["Authorization"].removeprefix("Bearer ")
        body = {"token": token, "points": ["CH4-01"], "times": [site.now_ms() + 1000], "values": [0.3]}
        gateway.client.publish("yingji/readings/jia", msgpack.packb(body), qos=1).wait_for_publish(timeout=10)
        deadline = time.monotonic() + 60
        while "监测消息暂不能处理" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "监测消息暂不能处理" in caplog.text and gateway.answers == []  # refused, neither answered nor acked
        holder.stop()
        assert ours.check() == (True, True)
        with gateway.arrived:
            assert gateway.arrived.wait_for(lambda: gateway.answers, timeout=60), "the batch was never retried"
        assert gateway.answers[0]["accepted"] == 1
    finally:
        gateway.close()
        subscriber.stop()
        holder.stop()
        ours.stop()

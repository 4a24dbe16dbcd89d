"""serve --role edge: the gateway's HTTP batch checked and published to the stream (one NATS node, R1), answered
once the stream has it; a resend is deduplicated. The cluster's status read model and its /metrics gauges."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nats import errors as nats_errors
from nats.js.api import ConsumerConfig, DeliverPolicy
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from tests.monitoring.conftest import CORNER, Site
from tests.monitoring.networking.conftest import CODE, SAMPLES, upload
from tests.monitoring.test_mqtt import Gateway, fresh_id
from tests.support import mosquitto
from tests.support import nats as nats_support
from yingji.auth.roles import Role
from yingji.monitoring.cluster import leases, protocol
from yingji.monitoring.cluster.edge import EdgeRunner
from yingji.monitoring.models import MonitorPoint
from yingji.monitoring.mqtt import Subscriber
from yingji.monitoring.networking import service as networking
from yingji.registry.service import revision

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def runner() -> Iterator[EdgeRunner]:
    nats_support.skip_unless_installed()
    node = nats_support.start(1)
    edge = EdgeRunner(node.urls, replicas=1, tick_s=3600, name="edge-test")
    try:
        yield edge
    finally:
        edge.close()
        node.stop()


def _messages(runner: EdgeRunner) -> int:
    async def count() -> int:
        info = await runner.edge.js.stream_info(protocol.STREAM)
        return int(info.state.messages)

    return runner.call(count())


def test_the_edge_answers_once_the_stream_has_the_batch(site: Site, runner: EdgeRunner) -> None:
    site.app.state.edge = runner
    site.point(CORNER)
    now = site.now_ms()
    body = {
        "readings": [
            {"point": "CH4-01", "time": now + 1000, "value": 0.3},
            {"point": "CH4-01", "time": now + 2000, "value": 1.6},
            {"point": "NO-SUCH", "time": now, "value": 1.0},
            {"point": "CH4-01", "time": now + 3000, "value": 150.0},  # beyond a methane sensor's range
        ]
    }
    answer = site.client.post("/api/monitoring/readings", json=body, headers=site.gateway)
    assert answer.status_code == 200, answer.text
    receipt = answer.json()
    assert receipt["received"] == 4 and receipt["accepted"] == 2 and receipt["transitions"] == 0
    assert [(row["index"], row["field"]) for row in receipt["rejected"]] == [(2, "point"), (3, "value")]
    held = _messages(runner)
    again = site.client.post("/api/monitoring/readings", json=body, headers=site.gateway)  # the answer was lost
    assert again.status_code == 200 and again.json()["accepted"] == 2
    assert _messages(runner) == held  # JetStream dropped the same message id
    other = site.client.post("/api/monitoring/readings", json=body, headers=site.other_gateway)
    assert other.status_code == 200 and other.json()["accepted"] == 0  # another enterprise's codes are unknown


def test_the_cluster_status_and_its_gauges(site: Site, db_session: Session) -> None:
    factories.user(db_session, "prometheus", Role.OPERATOR, division=None)
    scraper = {"Authorization": f"Bearer {factories.token_for(db_session, 'prometheus')}"}
    assert site.client.get("/api/ops/cluster", headers=site.officer).status_code == 403
    if db_session.get_bind().dialect.name == "postgresql":
        leases.ensure_rows(db_session)
        (lease,) = leases.acquire(db_session, "w1", 30, 1)
        leases.fence(db_session, lease.partition, lease.epoch, 7, pending=3)
    status = site.client.get("/api/ops/cluster", headers=scraper)
    assert status.status_code == 200, status.text
    read = status.json()
    if db_session.get_bind().dialect.name != "postgresql":
        assert read["mode"] == "single" and read["partitions"] == []
        return
    assert read["mode"] == "cluster" and len(read["partitions"]) == protocol.PARTITIONS
    first = read["partitions"][0]
    assert (first["owner"], first["epoch"], first["committed_seq"], first["lag"], first["healthy"]) == (
        "w1",
        1,
        7,
        3,
        True,
    )
    assert read["lag_total"] == 3 and len(read["unhealthy"]) == protocol.PARTITIONS - 1
    text = site.client.get("/metrics", headers=scraper).text
    values = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert values[("yingji_cluster_lag_records", (("partition", "0"),))] == 3
    assert values[("yingji_cluster_partition_owned", (("partition", "0"),))] == 1
    assert values[("yingji_cluster_partition_owned", (("partition", "1"),))] == 0
    assert values[("yingji_cluster_takeovers_total", ())] == 0


def test_an_edge_takes_mqtt_batches_through_a_shared_subscription(
    site: Site, runner: EdgeRunner, broker: mosquitto.Broker
) -> None:
    site.point(CORNER)
    subscriber = Subscriber(
        makers=site.app.state.sessionmaker,
        clock=site.clock,
        engine=site.app.state.monitor,
        host="127.0.0.1",
        port=broker.port,
        client_id=fresh_id("yingji-edge"),
        edge=runner,
    )
    subscriber.start()
    assert subscriber.wait_subscribed(30), "the broker never confirmed the subscription"
    gateway = Gateway(broker.port)
    try:
        held = _messages(runner)
        token = site.gateway["Authorization"].removeprefix("Bearer ")
        t = site.now_ms()
        answer = gateway.publish({"token": token, "points": ["CH4-01", "NO"], "times": [t, t], "values": [0.5, 0.5]})
        assert answer["accepted"] == 1 and answer["queued"] is True and answer["rejected"][0]["field"] == "point"
        assert _messages(runner) > held  # on the stream before the answer
        refused = gateway.publish({"token": "yjt_forged", "points": ["CH4-01"], "times": [t], "values": [0.2]})
        assert refused["error"]["code"] == "unauthorized"
    finally:
        gateway.close()
        subscriber.stop()


def test_an_uploaded_networking_file_reaches_the_stream_at_an_edge(
    site: Site, runner: EdgeRunner, tmp_path: Path
) -> None:
    """AQMC defines the points in the registry (announced to every partition as a control record), AQSS's analogue
    values are published as one readings record per partition, which the worker's decoder reads back."""
    site.app.state.edge = runner
    registered = site.client.post(
        "/api/monitoring/networking/feeds", json={"mine": "甲煤矿", "code": CODE}, headers=site.gateway
    )
    assert registered.status_code == 201, registered.text
    defined = upload(site, SAMPLES["AQMC"].read_bytes(), SAMPLES["AQMC"].name)
    assert defined.status_code == 200 and defined.json()["points_created"] >= 4, defined.text
    answer = upload(site, SAMPLES["AQSS"].read_bytes(), SAMPLES["AQSS"].name)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["queued"] is True and report["transitions"] == 0 and report["readings"] == 7
    assert {(r["line"], r["field"]) for r in report["rejected"]} >= {(7, "value"), (8, "point")}  # 高, MN0099

    async def read_back() -> list[protocol.Record]:
        sub = await runner.edge.js.pull_subscribe(
            protocol.all_subjects(),
            durable=None,
            stream=protocol.STREAM,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL),
        )
        records: list[protocol.Record] = []
        while True:
            try:
                records += [protocol.unpack(m.data) for m in await sub.fetch(100, timeout=2)]
            except nats_errors.TimeoutError:
                break
        await sub.unsubscribe()
        return records

    records = runner.call(read_back())
    readings = [r for r in records if r.kind == protocol.READINGS]
    with site.app.state.sessionmaker() as db_session:
        ids = dict(db_session.execute(select(MonitorPoint.code, MonitorPoint.id)).tuples().all())
        current = revision(db_session=db_session)
    announced = [r for r in records if r.kind == protocol.CONTROL and r.revision == current]
    assert len(announced) >= protocol.PARTITIONS  # the AQMC's registry change, to every partition
    t0 = int(datetime(2026, 11, 23, 3, 1, tzinfo=UTC).timestamp() * 1000)  # 11:01 Beijing time
    mn = {n: ids[f"{CODE}MN000{n}"] for n in (1, 2, 3, 4)}
    # on the stream (once per content: a run of this module on the other backend may have published the same
    # columns already, deduplicated, and others of its own)
    got = {
        (int(p), int(t), float(v))
        for r in readings
        for p, t, v in zip(r.point_id, r.time_ms, r.value, strict=True)
        if int(p) in mn.values() and int(t) in (t0, t0 + 30_000)
    }
    first = {(mn[1], t0, 0.32), (mn[2], t0, 0.41), (mn[3], t0, 3.0), (mn[4], t0, 1.8)}
    assert first | {(mn[1], t0 + 30_000, 0.33), (mn[2], t0 + 30_000, 1.3), (mn[4], t0 + 30_000, 1.9)} <= got
    assert (mn[3], t0 + 30_000, 2.0) not in got  # MN0003's 标校 value (state 4) is not evaluated, as in one process
    (tmp_path / CODE).mkdir()  # the drop folder at an edge: the same file again, published (and deduplicated)
    (tmp_path / CODE / SAMPLES["AQSS"].name).write_bytes(SAMPLES["AQSS"].read_bytes())
    inputs = networking.Inputs(drop=tmp_path, settle_s=0)
    makers, monitor = site.app.state.sessionmaker, site.app.state.monitor
    (dropped,) = networking.poll_drop(makers=makers, clock=site.clock, engine=monitor, inputs=inputs, edge=runner)
    assert dropped["queued"] is True and dropped["readings"] == 7 and dropped["transitions"] == 0

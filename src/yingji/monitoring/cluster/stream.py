"""Connecting to the NATS cluster and making sure the partitioned stream exists (idempotent, retried while the
cluster elects its leaders)."""

from __future__ import annotations

import asyncio
import time

import nats
from nats import errors as nats_errors
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

from yingji.monitoring.cluster import protocol


async def connect(urls: list[str], *, name: str) -> Client:
    """A connection that reconnects to any of ``urls`` for ever (a killed node is simply skipped)."""
    return await nats.connect(
        servers=urls,
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.25,
        connect_timeout=2,
        allow_reconnect=True,
    )


def stream_config(replicas: int) -> StreamConfig:
    return StreamConfig(
        name=protocol.STREAM,
        subjects=[protocol.all_subjects()],
        num_replicas=replicas,
        duplicate_window=protocol.DUPLICATE_WINDOW_S,
        max_age=protocol.MAX_AGE_S,
        storage=StorageType.FILE,
    )


async def ensure_stream(js: JetStreamContext, replicas: int, deadline_s: float = 60.0) -> None:
    """Create the stream unless it exists; R3 on a three-node cluster, R1 on a single node."""
    until = time.monotonic() + deadline_s
    while True:
        try:
            try:
                await js.stream_info(protocol.STREAM)
            except NotFoundError:
                await js.add_stream(stream_config(replicas))
            return
        except (nats_errors.Error, TimeoutError):  # JetStream not ready yet or electing its meta leader
            if time.monotonic() > until:
                raise
            await asyncio.sleep(0.25)


async def leader(js: JetStreamContext) -> str | None:
    """The name of the server leading the stream's replication group (None on a single node)."""
    info = await js.stream_info(protocol.STREAM)
    return None if info.cluster is None else info.cluster.leader

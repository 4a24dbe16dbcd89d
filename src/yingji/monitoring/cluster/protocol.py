"""What travels on the stream: partitions by site, subjects, and the three record kinds packed with MessagePack.

* readings ``{"k": "r", "at": edge arrival ms, "p": point ids, "t": times ms, "v": values}`` — the three columns as
  little-endian int64/int64/float64 buffers, already checked at the edge (known point, time skew, physical range);
* ticks ``{"k": "t", "at": ms}`` — stream time: the no-data check and minute closing run on it, not on a worker's
  clock, so a replay decides exactly as the first run did;
* control ``{"k": "c", "rev": registry revision, "at": ms}`` — the worker reloads its layout at that point.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from typing import Any

import msgpack
import numpy as np
from numpy.typing import NDArray

PARTITIONS = 64  # fixed: a site's partition never moves, so its order and its state stay in one place
STREAM = "YINGJI_MONITORING"
SUBJECT_PREFIX = "yingji.monitoring.p"
DUPLICATE_WINDOW_S = 600  # a gateway's resend within this window is dropped by JetStream (Nats-Msg-Id)
MAX_AGE_S = 7 * 24 * 3600  # a snapshot older than this could no longer be replayed: workers snapshot far more often
READINGS, TICK, CONTROL = "r", "t", "c"


def partition_of(site_key: str) -> int:
    """Stable across processes and versions (CRC-32, not Python's salted hash)."""
    return zlib.crc32(site_key.encode("utf-8")) % PARTITIONS


def subject(partition: int) -> str:
    return f"{SUBJECT_PREFIX}.{partition:02d}"


def all_subjects() -> str:
    return f"{SUBJECT_PREFIX}.*"


@dataclass(frozen=True)
class Record:
    """One decoded stream record; readings carry the columns, ticks and control records only ``at``/``revision``."""

    kind: str
    at: int
    point_id: NDArray[np.int64]
    time_ms: NDArray[np.int64]
    value: NDArray[np.float64]
    revision: int = 0


EMPTY_I = np.zeros(0, np.int64)
EMPTY_F = np.zeros(0, np.float64)


def pack_readings(
    point_id: NDArray[np.int64], time_ms: NDArray[np.int64], value: NDArray[np.float64], arrival_ms: int
) -> tuple[bytes, str]:
    """The record and its message id: a hash of the columns, so the same readings sent again dedupe."""
    columns = (point_id.astype("<i8").tobytes(), time_ms.astype("<i8").tobytes(), value.astype("<f8").tobytes())
    digest = hashlib.blake2b(b"".join(columns), digest_size=16).hexdigest()
    body = bytes(msgpack.packb({"k": READINGS, "at": arrival_ms, "p": columns[0], "t": columns[1], "v": columns[2]}))
    return body, f"r:{digest}"


def pack_tick(at_ms: int) -> bytes:
    return bytes(msgpack.packb({"k": TICK, "at": at_ms}))


def tick_id(partition: int, at_ms: int) -> str:
    """Edges ticking the same second into a partition dedupe to one tick."""
    return f"t:{partition}:{at_ms // 1000}"


def pack_control(revision: int, at_ms: int) -> bytes:
    return bytes(msgpack.packb({"k": CONTROL, "rev": revision, "at": at_ms}))


def control_id(partition: int, revision: int, newest: int = 0) -> str:
    """Edges announcing the same registry state dedupe to one control record per partition."""
    return f"c:{partition}:{revision}:{newest}"


def unpack(data: bytes) -> Record:
    raw: dict[str, Any] = msgpack.unpackb(data, raw=False)
    kind = raw["k"]
    if kind == READINGS:
        return Record(
            READINGS,
            int(raw["at"]),
            np.frombuffer(raw["p"], "<i8").astype(np.int64),
            np.frombuffer(raw["t"], "<i8").astype(np.int64),
            np.frombuffer(raw["v"], "<f8").astype(np.float64),
        )
    return Record(kind, int(raw["at"]), EMPTY_I, EMPTY_I, EMPTY_F, int(raw.get("rev", 0)))

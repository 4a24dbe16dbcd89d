"""Batch ingest from enterprise gateways: decode (JSON or MessagePack), check each row, evaluate, persist, answer.

Two shapes, in either encoding:

* columns (compact, what gateways should send): ``{"points": [code…], "times": [ms…], "values": [number…]}``;
  ``points`` may also be one string of codes, one per line, and in MessagePack ``times`` and ``values`` packed
  binary (bin: little-endian int64 ms, float64): checked and read in place with numpy, no Python object per reading
  (the fastest form; bench/monitoring sends it)
* rows (readable): ``{"readings": [{"point": code, "time": ms or ISO-8601, "value": number}, …]}``

Well-formed columns are converted with numpy in one step; only a batch with a bad element takes the per-row path
that names each bad row. A gateway writes only its own enterprise's points: another enterprise's code is simply
unknown to it, so the refusal reveals nothing.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgpack
import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from yingji import metrics
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, to_ms
from yingji.core.errors import Forbidden, InvalidInput
from yingji.db.session import transaction
from yingji.monitoring import alarm_store
from yingji.monitoring.engine import MonitoringEngine
from yingji.monitoring.points import CODE_PATTERN
from yingji.monitoring.schema import SensorKind, sensor_ranges

MAX_BATCH = 200_000
MAX_CODE = 40  # MonitorPoint.code
CODE = re.compile(CODE_PATTERN)
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_REJECTIONS_LISTED = 1000
FUTURE_SKEW_MS = 5 * 60_000  # gateway clocks may run a little fast
MAX_AGE_MS = 7 * 24 * 3600_000  # older backlog is refused rather than silently stored out of order
JSON_TYPES = ("application/json",)
MSGPACK_TYPES = ("application/msgpack", "application/x-msgpack", "application/vnd.msgpack")
BINARY = {"times": ("<i8", "int64 小端毫秒时间戳"), "values": ("<f8", "float64 小端数值")}  # packed columns

_ROW = {
    "type": "object",
    "required": ["point", "time", "value"],
    "properties": {
        "point": {"type": "string", "pattern": CODE_PATTERN},
        "time": {"oneOf": [{"type": "integer"}, {"type": "string", "format": "date-time"}]},
        "value": {"type": "number"},
    },
}
OPENAPI_BODY = {  # the two shapes above, for the API documentation (the body is read and checked here, row by row)
    "required": True,
    "content": {
        media: {
            "schema": {
                "oneOf": [
                    {
                        "title": "按列（网关）",
                        "type": "object",
                        "required": ["points", "times", "values"],
                        "properties": {
                            "points": {"type": "array", "items": {"type": "string", "pattern": CODE_PATTERN}},
                            "times": {"type": "array", "items": {"type": "integer"}},
                            "values": {"type": "array", "items": {"type": "number"}},
                        },
                    },
                    {
                        "title": "按行",
                        "type": "object",
                        "required": ["readings"],
                        "properties": {"readings": {"type": "array", "items": _ROW}},
                    },
                ]
            }
        }
        for media in JSON_TYPES
    },
}


@dataclass
class Batch:
    """Decoded readings (all rows, in arrival order) and the rows already refused while decoding."""

    codes: list[str]  # empty when ``joined`` carries them
    time_ms: NDArray[np.int64]
    value: NDArray[np.float64]
    problems: dict[int, tuple[str, str]] = field(default_factory=dict)  # row → (field, reason)
    joined: str | None = None  # the codes as sent in one string, one per line: split only when a row is named

    @property
    def size(self) -> int:
        return int(self.time_ms.size)

    def point_codes(self) -> list[str] | str:
        """What the engine looks codes up by: the list, or the one string (compared whole with the gateway's last)."""
        return self.codes if self.joined is None else self.joined

    def code(self, row: int) -> str:
        if self.joined is not None and not self.codes:
            self.codes = self.joined.split("\n")
        return self.codes[row]


def parse(body: bytes, content_type: str) -> Any:
    """Bytes → Python structure; a body that cannot be decoded at all is one 422 for the whole batch."""
    media = content_type.split(";")[0].strip().lower()
    try:
        if media in MSGPACK_TYPES:
            return msgpack.unpackb(body, raw=False, strict_map_key=True)
        if media in JSON_TYPES or not media:
            return json.loads(body)
    except (ValueError, msgpack.UnpackException, TypeError, RecursionError) as err:
        raise InvalidInput(field="body", reason=f"无法解码数据包：{type(err).__name__}") from err
    raise InvalidInput(field="content-type", reason="只接受 application/json 或 application/msgpack")


def decode(raw: Any) -> Batch:
    if not isinstance(raw, dict):
        raise InvalidInput(field="body", reason="数据包须为对象：{points, times, values} 或 {readings: [...]}")
    if "readings" in raw:
        rows = raw["readings"]
        if not isinstance(rows, list):
            raise InvalidInput(field="readings", reason="readings 必须是数组")
        _check_size(len(rows))
        return _from_rows(rows)
    points, times, values = (raw.get(name) for name in ("points", "times", "values"))
    if points is None or times is None or values is None:
        raise InvalidInput(field="body", reason="须同时给出 points、times、values 三列")
    listed: list[Any] | None
    joined: str | None = None
    if isinstance(points, str):  # codes once, one per line, checked over the bytes: no object per reading
        count = _joined_count(points)
        listed = points.split("\n") if count is None else None  # a bad code: the per-row path names it
        joined = points if listed is None else None
    elif isinstance(points, list):
        count, listed = len(points), points
    else:
        raise InvalidInput(field="points", reason="points 必须是测点编号数组，或每行一个编号的字符串")
    size = len(listed) if listed is not None else count or 0
    _check_size(size)
    stamps = _column(times, "times", size)
    numbers = _column(values, "values", size)
    fast = _fast_columns(listed, stamps, numbers)
    if fast is not None:
        fast.joined = joined
        return fast
    if listed is None:
        listed = (joined or "").split("\n")
    as_lists = (c.tolist() if isinstance(c, np.ndarray) else c for c in (stamps, numbers))
    return _from_rows([{"point": p, "time": t, "value": v} for p, t, v in zip(listed, *as_lists, strict=True)])


def _column(column: Any, name: str, size: int) -> list[Any] | NDArray[Any]:
    """A column as an array of ``size`` elements, or, in MessagePack, packed little-endian binary (bin): times as
    int64 milliseconds, values as float64, 8 bytes each, read in place without a Python object per reading."""
    if isinstance(column, list):
        if len(column) != size:
            raise InvalidInput(field=name, reason=f"{name} 有 {len(column)} 个元素，须与 points 一致（{size} 个）")
        return column
    if isinstance(column, bytes):
        kind, words = BINARY[name]
        if len(column) != 8 * size:
            raise InvalidInput(
                field=name,
                reason=f"二进制 {name} 须为 8×N 字节（{words}，N = points 的个数 {size}），收到 {len(column)} 字节",
            )
        return np.frombuffer(column, kind)
    raise InvalidInput(field=name, reason=f"{name} 须为数组或 MessagePack 二进制（bin，{BINARY[name][1]}）")


def _check_size(size: int) -> None:
    if size == 0:
        raise InvalidInput(field="body", reason="数据包中没有读数")
    if size > MAX_BATCH:
        raise InvalidInput(field="body", reason=f"每批最多 {MAX_BATCH} 条读数，请分批上传")


_CODE_BYTES = np.zeros(256, np.bool_)
_CODE_BYTES[np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-", np.uint8)] = True


def _joined_count(text: str) -> int | None:
    """How many codes a string of codes one per line holds, checked with numpy over its bytes (characters and
    lengths as registration allows); None when one fails."""
    if not text.isascii():
        return None
    raw = np.frombuffer(text.encode("ascii"), np.uint8)
    lengths = np.diff(np.r_[-1, np.flatnonzero(raw == 10), raw.size]) - 1
    if lengths.min() < 1 or lengths.max() > MAX_CODE or not _CODE_BYTES[raw[raw != 10]].all():
        return None
    return int(lengths.size)


def _fast_columns(
    points: list[Any] | None, times: list[Any] | NDArray[Any], values: list[Any] | NDArray[Any]
) -> Batch | None:
    """Vectorised conversion when every element has the right type; None sends the batch to the per-row path.
    ``points`` None: the codes were checked as one string."""
    # Exact element types first (numpy would quietly turn 1 into "1" or True into 1); map/set run at C speed.
    if points is not None:
        if set(map(type, points)) != {str}:
            return None
        lengths = set(map(len, points))
        if not "".join(points).isascii() or min(lengths) < 1 or max(lengths) > MAX_CODE:
            return None  # the per-row path names a code that could never have been registered
    if isinstance(times, list):
        if set(map(type, times)) != {int}:
            return None
        times = np.asarray(times)
        if times.dtype.kind != "i":
            return None  # e.g. a time beyond 64 bits
    if isinstance(values, list):
        if not set(map(type, values)) <= {int, float}:
            return None
        values = np.asarray(values)
        if values.dtype.kind not in "if":
            return None
    batch = Batch(codes=points or [], time_ms=times.astype(np.int64), value=values.astype(np.float64))
    for row in np.flatnonzero(~np.isfinite(batch.value)).tolist():
        batch.problems[row] = ("value", "数值必须是有限数")
    return batch


def _from_rows(rows: list[Any]) -> Batch:
    codes: list[str] = []
    stamps: list[int] = []
    numbers: list[float] = []
    problems: dict[int, tuple[str, str]] = {}
    for index, row in enumerate(rows):
        code, stamp, number, problem = _row(row)
        codes.append(code)
        stamps.append(stamp)
        numbers.append(number)
        if problem is not None:
            problems[index] = problem
    return Batch(codes, np.array(stamps, np.int64), np.array(numbers, np.float64), problems)


def _row(row: Any) -> tuple[str, int, float, tuple[str, str] | None]:
    if not isinstance(row, dict):
        return "", 0, 0.0, ("(行)", "每条读数须为 {point, time, value} 对象")
    code, stamp, number = row.get("point"), row.get("time"), row.get("value")
    if not isinstance(code, str) or CODE.fullmatch(code) is None:
        reason = f"测点编号须为 1–{MAX_CODE} 个字母、数字或 _ . -（与登记时一致）"
        return _echo(code), 0, 0.0, ("point", reason)
    millis = _millis(stamp)
    if millis is None:
        return code, 0, 0.0, ("time", "时间须为毫秒时间戳（64 位整数）或带时区的 ISO-8601 字符串")
    value = _number(number)
    if value is None:
        return code, millis, 0.0, ("value", "数值必须是有限数")
    return code, millis, value, None


def _echo(code: Any) -> str:
    """A refused code as the answer can carry it: bounded, and a lone surrogate escaped rather than unencodable."""
    if not isinstance(code, str):
        return ""
    shown = code[:MAX_CODE] + ("…" if len(code) > MAX_CODE else "")
    return shown.encode("utf-8", "backslashreplace").decode("utf-8")


def _number(number: Any) -> float | None:
    if isinstance(number, bool) or not isinstance(number, int | float):
        return None
    try:
        value = float(number)  # an int beyond the float range raises OverflowError
    except OverflowError:
        return None
    return value if np.isfinite(value) else None


def _millis(stamp: Any) -> int | None:
    if isinstance(stamp, bool):
        return None
    if isinstance(stamp, int):
        return stamp if INT64_MIN <= stamp <= INT64_MAX else None
    if isinstance(stamp, str):
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            return None
        return to_ms(moment) if moment.tzinfo is not None else None
    return None


def _out_of_range(kind: SensorKind) -> str:
    bounds = sensor_ranges()[kind]
    return f"超出{kind.label}传感器的物理量程 {bounds.low:g}–{bounds.high:g} {bounds.unit}（传感器或网关故障）"


@dataclass(frozen=True)
class IngestResult:
    received: int
    accepted: int
    rejected: list[dict[str, Any]]
    transitions: int
    alarm_ids: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "accepted": self.accepted,
            "rejected_count": len(self.rejected),
            "rejected": self.rejected[:MAX_REJECTIONS_LISTED],
            "transitions": self.transitions,
            "alarm_ids": self.alarm_ids,
        }


def ingest(*, db_session: Session, clock: Clock, actor: Actor, engine: MonitoringEngine, batch: Batch) -> IngestResult:
    """Evaluate and persist; the answer is given only after the transaction holding the alarms has committed."""
    actor.require(Permission.MONITORING_INGEST)
    if actor.organisation_id is None:
        raise Forbidden(reason="监测数据只能由企业网关账号上传（令牌绑定企业，只能写本企业的测点）")
    now_ms = to_ms(clock.now())
    problems = dict(batch.problems)
    with engine.locked():
        engine.ensure_current(db_session, now_ms)
        slots = engine.slot_indices(actor.organisation_id, batch.point_codes())
        checks = (
            (slots < 0, "point", "测点编号未在本企业登记"),
            (batch.time_ms > now_ms + FUTURE_SKEW_MS, "time", "时间晚于服务器时间 5 分钟以上（网关时钟需校准）"),
            (batch.time_ms < now_ms - MAX_AGE_MS, "time", "读数早于 7 天前，不再接收"),
        )
        for mask, name, reason in checks:
            for row in np.flatnonzero(mask).tolist():
                problems.setdefault(row, (name, reason))
        for row in np.flatnonzero(engine.out_of_range(slots, batch.value)).tolist():
            problems.setdefault(row, ("value", _out_of_range(engine.layout.slots[slots[row]].kind)))
        usable = np.ones(batch.size, np.bool_)
        usable[list(problems)] = False
        rows = np.flatnonzero(usable)
        whole = rows.size == usable.size  # the usual batch: no copies
        use_slots = slots if whole else slots[rows]
        use_time = batch.time_ms if whole else batch.time_ms[rows]
        use_value = batch.value if whole else batch.value[rows]
        mapped = engine.channels_of(use_slots)
        with engine.restoring(mapped[0]):
            evaluation = engine.evaluate(use_slots, use_time, use_value, mapped)
            kept = evaluation.accepted
            every = bool(kept.all())
            for row in rows[~kept].tolist():
                problems[row] = ("time", "不晚于该测点已收到的最近读数（重复、乱序或早于登记）")
            with transaction(db_session):
                touched = alarm_store.apply_changes(db_session, evaluation.changes)
                held = engine.minutes.add(
                    db_session,
                    evaluation.point_ids if every else evaluation.point_ids[kept],
                    use_time if every else use_time[kept],
                    use_value if every else use_value[kept],
                    now_ms=now_ms,
                )
            engine.minutes.adopt(held)  # committed: the open minutes now include this batch
    rejected = [
        {"index": row, "point": batch.code(row), "field": name, "reason": reason}
        for row, (name, reason) in sorted(problems.items())
    ]
    return IngestResult(
        received=batch.size,
        accepted=int(kept.sum()),
        rejected=rejected,
        transitions=len(evaluation.changes),
        alarm_ids=touched,
    )


def taken(
    channel: str, *, db_session: Session, clock: Clock, actor: Actor, engine: MonitoringEngine, batch: Batch
) -> IngestResult:
    """``ingest`` counted in the operations metrics under its channel (http, mqtt, networking): readings, alarm
    transitions and the batch's time to committed."""
    started = time.perf_counter()
    result = ingest(db_session=db_session, clock=clock, actor=actor, engine=engine, batch=batch)
    metrics.observe_batch(
        channel,
        received=result.received,
        accepted=result.accepted,
        transitions=result.transitions,
        seconds=time.perf_counter() - started,
    )
    return result

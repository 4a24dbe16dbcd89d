"""`yingji simulate`: realistic readings for the demo mines and ponds, posted like real gateways would post them.

Normal readings follow each template point's baseline with a daily cycle and noise; the script adds three anomalies
so the loop can be watched end to end: methane climbing at a working face's upper corner to the power-cut value, a
rainstorm at a tailings pond followed by its phreatic line rising toward the red burial depth, and a CO sensor that
falls silent. ``speed`` compresses the script, never the timestamps (the server refuses readings from the future).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import msgpack
import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core.clock import LOCAL_TZ, Clock, from_ms, to_ms
from yingji.core.divisions import stem
from yingji.monitoring.demo import DemoPoint, demo_sites, site_code, template
from yingji.monitoring.models import MonitorPoint


@dataclass(frozen=True)
class Anomaly:
    """Move a point from its baseline to ``target`` over ``rise_min``, hold, then return (``target`` None: silence)."""

    code: str
    start_min: float
    rise_min: float = 1.0
    hold_min: float = 1e9
    target: float | None = None
    label: str = ""


@dataclass
class Feed:
    """Vectorised reading generator over all simulated points."""

    codes: list[str]
    enterprise: NDArray[np.int64]
    baseline: NDArray[np.float64]
    amplitude: NDArray[np.float64]
    noise: NDArray[np.float64]
    polling_ms: NDArray[np.int64]
    start_ms: int
    anomalies: list[Anomaly] = field(default_factory=list)
    speed: float = 1.0
    seed: int = 7
    last_sent: NDArray[np.int64] = field(init=False)
    rng: np.random.Generator = field(init=False)

    def __post_init__(self) -> None:
        self.last_sent = np.full(len(self.codes), np.iinfo(np.int64).min // 2, np.int64)
        self.rng = np.random.default_rng(self.seed)
        self.index = {code: i for i, code in enumerate(self.codes)}

    def values(self, t_ms: int) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        """Every point's value at ``t_ms`` and which points are reporting (not silenced)."""
        hour = from_ms(t_ms).astimezone(LOCAL_TZ)
        phase = 2 * np.pi * (hour.hour + hour.minute / 60) / 24
        value = self.baseline + self.amplitude * np.sin(phase) + self.noise * self.rng.standard_normal(len(self.codes))
        live = np.ones(len(self.codes), np.bool_)
        script_min = (t_ms - self.start_ms) / 60_000 * self.speed
        for anomaly in self.anomalies:
            i = self.index.get(anomaly.code)
            if i is None or script_min < anomaly.start_min:
                continue
            if anomaly.target is None:
                live[i] = False
                continue
            elapsed = script_min - anomaly.start_min
            rise = min(elapsed / anomaly.rise_min, 1.0)
            fall = max(0.0, 1.0 - max(0.0, elapsed - anomaly.rise_min - anomaly.hold_min) / anomaly.rise_min)
            value[i] += (anomaly.target - self.baseline[i]) * min(rise, fall)
        return np.maximum(value, 0.0), live

    def due(self, t_ms: int) -> dict[int, dict[str, list[Any]]]:
        """The readings due at ``t_ms`` (each point at its own polling cycle), grouped per enterprise gateway."""
        value, live = self.values(t_ms)
        due = live & (t_ms - self.last_sent >= self.polling_ms)
        self.last_sent[due] = t_ms
        batches: dict[int, dict[str, list[Any]]] = {}
        for i in np.flatnonzero(due).tolist():
            batch = batches.setdefault(int(self.enterprise[i]), {"points": [], "times": [], "values": []})
            batch["points"].append(self.codes[i])
            batch["times"].append(t_ms)
            batch["values"].append(round(float(value[i]), 4))
        return batches


def build_feed(
    db_session: Session, start_ms: int, *, speed: float = 1.0, seed: int = 7, district: str | None = None
) -> Feed:
    """The feed for every demo point in the database, with the scripted anomalies at the first sites — the methane
    rise at the first mine of ``district`` when it has one (the README's night walk is 东胜区's)."""
    shapes: dict[str, DemoPoint] = {}
    mines, ponds = demo_sites(db_session)
    if district is not None:  # that district's mines first: the scripted rise happens where the officer looks
        mines = sorted(mines, key=lambda mine: not mine.division_code.startswith(stem(district)))
    for site in mines:
        shapes.update({site_code(site, row.code): row for row in template().coal_underground})
    for pond in ponds:
        shapes.update({site_code(pond, row.code): row for row in template().pond})
    found = [
        p for p in db_session.scalars(select(MonitorPoint).where(MonitorPoint.active.is_(True))) if p.code in shapes
    ]
    anomalies: list[Anomaly] = []
    if mines:
        anomalies.append(Anomaly(site_code(mines[0], "CH4-SYJ"), 1, 8, 3, 1.6, f"{mines[0].name} 上隅角瓦斯上升"))
    if len(mines) > 1:
        anomalies.append(Anomaly(site_code(mines[1], "CO-HFX"), 2, label=f"{mines[1].name} 一氧化碳传感器断线"))
    if ponds:
        pond = ponds[0]
        anomalies += [
            Anomaly(site_code(pond, "JY-1"), 1, 4, 20, 80.0, f"{pond.name} 暴雨"),
            Anomaly(site_code(pond, "JRX-1"), 3, 10, 10, 4.6, f"{pond.name} 浸润线抬升"),
            Anomaly(site_code(pond, "JRX-2"), 4, 10, 10, 5.3),
        ]
    return Feed(
        codes=[p.code for p in found],
        enterprise=np.array([p.enterprise_id for p in found], np.int64),
        baseline=np.array([shapes[p.code].baseline for p in found]),
        amplitude=np.array([shapes[p.code].amplitude for p in found]),
        noise=np.array([shapes[p.code].noise for p in found]),
        polling_ms=np.array([p.polling_s * 1000 for p in found], np.int64),
        start_ms=start_ms,
        anomalies=anomalies,
        speed=speed,
        seed=seed,
    )


@dataclass
class Tally:
    ticks: int = 0
    sent: int = 0
    accepted: int = 0
    transitions: int = 0
    failures: int = 0


def run(
    *,
    client: httpx.Client,
    tokens: dict[int, str],
    feed: Feed,
    clock: Clock,
    ticks: int | None,
    interval: float,
    sleep: Callable[[float], None],
    echo: Callable[[str], None],
) -> Tally:
    """Post due readings every ``interval`` seconds as MessagePack columns, one batch per enterprise gateway."""
    tally = Tally()
    while ticks is None or tally.ticks < ticks:
        now_ms = to_ms(clock.now())
        for enterprise_id, batch in feed.due(now_ms).items():
            response = client.post(
                "/api/monitoring/readings",
                content=msgpack.packb(batch),
                headers={"Authorization": f"Bearer {tokens[enterprise_id]}", "content-type": "application/msgpack"},
            )
            tally.sent += len(batch["points"])
            if response.status_code != 200:
                tally.failures += 1
                echo(f"企业 {enterprise_id} 上传失败：HTTP {response.status_code} {response.text[:200]}")
                continue
            body = response.json()
            tally.accepted += body["accepted"]
            tally.transitions += body["transitions"]
        tally.ticks += 1
        echo(
            f"第 {tally.ticks} 轮：累计发送 {tally.sent} 条，接收 {tally.accepted} 条，报警变化 {tally.transitions} 次"
        )
        if ticks is None or tally.ticks < ticks:
            sleep(interval)
    return tally

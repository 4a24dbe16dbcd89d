"""A generated, reproducible monitoring stream for the cluster's test and benchmark: mines of methane and CO points
whose values swing across their alarm levels (level transitions, CO under an on-delay), rise fast enough for the
rate-of-rise rule, and fall silent for a while (no data, raised by a tick, cleared by the next reading).

``register`` writes the same registry into any database (point ids equal in each, so runs compare row by row);
``cycles`` yields, per 10-second polling cycle, each mine's batch and the tick that follows; ``outcome`` reads what a
run committed in a comparable, id-free form.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
import yaml
from numpy.typing import NDArray
from sqlalchemy import Table, insert, text
from sqlalchemy.orm import Session

from yingji.core import yamlfile
from yingji.monitoring import readings
from yingji.monitoring.models import MonitorPoint, SiteKind
from yingji.monitoring.schema import DATA_FILE
from yingji.registry.enums import DivisionLevel, MineKind, MineStatus, OrganisationKind, StandardisationGrade
from yingji.registry.models import Division, Mine, Organisation

CYCLE_MS = 10_000
POLLING_S = 10  # no data after 3 cycles (30 s)
CO_ON_DELAY_S = 20


def rules_file(directory: Path) -> Path:
    """The bundled rules with an on-delay on the CO rule (no bundled rule has one), for ``YINGJI_THRESHOLD_RULES``."""
    rules = yamlfile.read(DATA_FILE)
    for rule in rules:
        if rule["kind"] == "CO":
            rule["on_delay_s"] = CO_ON_DELAY_S
    path = directory / "thresholds-on-delay.yaml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Site:
    enterprise_id: int
    mine_id: int
    codes: list[str]


def register(db_session: Session, mines: int, points_per_mine: int, created_at: datetime) -> list[Site]:
    """One enterprise and coal mine per site; points alternate methane (采煤工作面) and CO (一般)."""
    if db_session.get(Division, "150602") is None:
        db_session.add(Division(code="150602", name="东胜区", level=DivisionLevel.COUNTY, parent_code=None))
        db_session.flush()
    sites: list[Site] = []
    for m in range(mines):
        owner = Organisation(name=f"集群测试企业{m}", kind=OrganisationKind.ENTERPRISE, division_code="150602")
        db_session.add(owner)
        db_session.flush()
        mine = Mine(
            name=f"集群测试煤矿{m}",
            kind=MineKind.COAL_UNDERGROUND,
            status=MineStatus.PRODUCING,
            enterprise_id=owner.id,
            division_code="150602",
            standardisation_grade=StandardisationGrade.NONE,
        )
        db_session.add(mine)
        db_session.flush()
        codes = [f"M{m:03d}P{n:04d}" for n in range(points_per_mine)]
        rows = [
            {
                "code": code,
                "name": f"测点{code}",
                "kind": "CH4" if n % 2 == 0 else "CO",
                "unit": "%" if n % 2 == 0 else "ppm",
                "location_class": "采煤工作面" if n % 2 == 0 else "一般",
                "site_kind": SiteKind.MINE.value,
                "mine_id": mine.id,
                "enterprise_id": owner.id,
                "division_code": "150602",
                "clear_margin": 0.0,
                "polling_s": POLLING_S,
                "active": True,
                "created_at": created_at,
            }
            for n, code in enumerate(codes)
        ]
        db_session.execute(insert(cast(Table, MonitorPoint.__table__)), rows)
        sites.append(Site(owner.id, mine.id, codes))
    return sites


@dataclass(frozen=True)
class Cycle:
    at_ms: int  # the tick after this cycle's batches
    batches: list[tuple[int, list[str], NDArray[np.int64], NDArray[np.float64]]]  # enterprise, codes, times, values


def cycles(sites: list[Site], count: int, start_ms: int, seed: int = 24, *, calm: bool = False) -> Iterator[Cycle]:
    """``count`` polling cycles from ``start_ms``: per point a slow swing around its alarm level plus noise, and now
    and then a 5-cycle silence. ``calm`` (the benchmark): values swing well below the levels, silences are rare."""
    rng = np.random.default_rng(seed)
    size = len(sites[0].codes)
    n_points = len(sites) * size
    phase = rng.uniform(0, 2 * np.pi, n_points)
    period = rng.uniform(6, 14, n_points)  # cycles
    methane = (np.arange(n_points) % size) % 2 == 0
    silent_until = np.full(n_points, -1)
    for c in range(count):
        at = start_ms + c * CYCLE_MS
        swing = np.sin(phase + 2 * np.pi * c / period)
        noise = rng.normal(0, 0.02, n_points)
        if calm:
            value = np.where(methane, 0.4 + 0.1 * swing + noise, np.maximum(0.0, 8 + 3 * swing + 20 * noise))
        else:
            value = np.where(methane, 1.0 + 0.7 * swing + noise, np.maximum(0.0, 24 + 14 * swing + 20 * noise))
        value = np.round(value, 3).astype(np.float64)
        starts = (rng.random(n_points) < (0.0005 if calm else 0.01)) & (silent_until < c)
        silent_until[starts] = c + 5
        speaking = silent_until < c
        batches = []
        for s, site in enumerate(sites):
            rows = np.flatnonzero(speaking[s * size : (s + 1) * size])
            times = at + rng.integers(0, 2_000, rows.size)  # each point's own sampling moment in the cycle
            batches.append(
                (
                    site.enterprise_id,
                    [site.codes[r] for r in rows.tolist()],
                    times.astype(np.int64),
                    value[s * size + rows],
                )
            )
        yield Cycle(at + CYCLE_MS - 1, batches)


def outcome(db_session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """What a run committed, without database ids: alarm events, alarms and minute rows, sorted."""
    events = db_session.execute(
        text(
            "SELECT a.point_id, a.rule_id, a.condition, e.kind, e.at, e.level, e.value, e.text"
            " FROM alarm_event e JOIN alarm a ON a.id = e.alarm_id"
        )
    ).all()
    alarms = db_session.execute(
        text(
            "SELECT point_id, rule_id, condition, raised_at, active, level, peak_level, raise_count, cleared_at,"
            " closed_at FROM alarm"
        )
    ).all()
    # every stored minute decoded from its block, one row per point and minute (the block rows themselves differ:
    # the reference writes as one process, the cluster per partition), and each point's newest reading
    stored = readings.minutes(db_session)
    minutes = zip(*(stored[name].tolist() for name in readings.COLUMNS), strict=True)
    newest = readings.latest(db_session)
    latest = zip(*(newest[name].tolist() for name in ("point_id", "last_ms", "last_value")), strict=True)
    return {
        "events": sorted((tuple(row) for row in events), key=repr),
        "alarms": sorted((tuple(row) for row in alarms), key=repr),
        "minutes": sorted((tuple(row) for row in minutes), key=repr),
        "latest": sorted((tuple(row) for row in latest), key=repr),
    }

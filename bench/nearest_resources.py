"""Nearest-resource search over 100 000 resources: latency of the numpy index against a plain-Python scan.

Run: .venv/bin/python -m bench.nearest_resources [--resources 100000] [--queries 200]
The goal (issue 3): answer well inside 50 ms for 100 000 resources. The baseline is the obvious implementation —
a Python loop computing haversine for every row and sorting — measured in the same run on the same data.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from typing import cast

from sqlalchemy.orm import Session

from yingji.auth.actor import SYSTEM, Actor
from yingji.auth.roles import Role
from yingji.registry.enums import ResourceKind, TeamKind
from yingji.registry.nearest import EARTH_RADIUS_KM, ResourceIndex, Row, nearest

COUNTIES = ["150602", "150625", "150627", "150622", "150207", "150223", "150702", "150781", "150721"]


def synthetic_rows(count: int, rng: random.Random) -> list[Row]:
    kinds = list(ResourceKind)
    rows: list[Row] = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        subtype = TeamKind.MINE_RESCUE.value if kind is ResourceKind.RESCUE_TEAM and i % 3 == 0 else "other"
        rows.append(
            (kind, i + 1, f"资源{i}", subtype, rng.choice(COUNTIES), rng.uniform(106, 122), rng.uniform(37, 51), {})
        )
    return rows


def python_scan(rows: list[Row], lon: float, lat: float, limit: int) -> list[int]:
    lon_r, lat_r = math.radians(lon), math.radians(lat)
    scored = []
    for row in rows:
        r_lon, r_lat = math.radians(row[5]), math.radians(row[6])
        a = math.sin((r_lat - lat_r) / 2) ** 2 + math.cos(lat_r) * math.cos(r_lat) * math.sin((r_lon - lon_r) / 2) ** 2
        scored.append((2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(a, 1.0))), row[1]))
    scored.sort()
    return [row_id for _, row_id in scored[:limit]]


def timed_ms(run: object, queries: list[tuple[float, float]]) -> list[float]:
    out = []
    for lon, lat in queries:
        start = time.perf_counter()
        run(lon, lat)  # type: ignore[operator]
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"{label:<44} p50 {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(2026)
    rows = synthetic_rows(args.resources, rng)
    build = time.perf_counter()
    index = ResourceIndex(rows)
    print(f"index of {len(index):,} resources built in {(time.perf_counter() - build) * 1000:.0f} ms")
    queries = [(rng.uniform(107, 121), rng.uniform(38, 50)) for _ in range(args.queries)]
    no_db = cast(Session, None)  # no mine_id: the search never touches the database
    officer = Actor(username="bench", role=Role.CITY_OFFICER, division_code="150600")

    def everything(lon: float, lat: float) -> object:
        return nearest(db_session=no_db, actor=SYSTEM, index=index, lon=lon, lat=lat, limit=10)

    def mine_rescue_in_scope(lon: float, lat: float) -> object:
        return nearest(db_session=no_db, actor=officer, index=index, lon=lon, lat=lat, team_kind=TeamKind.MINE_RESCUE)

    fast = timed_ms(everything, queries)
    scoped = timed_ms(mine_rescue_in_scope, queries)
    slow = timed_ms(lambda lon, lat: python_scan(rows, lon, lat, 10), queries[: max(5, args.queries // 20)])
    print(summary("baseline: Python scan + sort", slow))
    print(summary("numpy index, all kinds", fast))
    print(summary("numpy index, mine-rescue teams in one city", scoped))
    print(
        f"speed-up over baseline (p50): {statistics.median(slow) / statistics.median(fast):.1f}x; "
        f"goal < 50 ms: {'met' if max(fast + scoped) < 50 else 'NOT met'} (worst {max(fast + scoped):.1f} ms)"
    )


if __name__ == "__main__":
    main()

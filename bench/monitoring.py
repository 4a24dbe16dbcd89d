"""Threshold-engine throughput and latency against three baselines measured in the same run on the same arrays.

Run: .venv/bin/python -m bench.monitoring [--points 1000000] [--batch 100000] [--batches 10] [--naive 20000]

Rows (issue 6 targets in brackets):
* engine: ``rules.thresholds.evaluate`` from a decoded batch to transitions committed to a SQLite WAL file
  (after ``warm_up()``, which loads the compiled kernel as a server does at start);
* bare kernel: gather + threshold compare + level change over the same arrays, no state kept (the ceiling) [≥ 0.3×];
* DuckDB: the same level rules as SQL over the same batch, transitions only, no state written back [engine ≥ 1×];
* naive: the per-reading Python specification ``rules.thresholds_naive`` [engine ≥ 50×];
* latency: batches of ``rate/10`` readings offered every 100 ms in real time, arrival to commit [p99 ≤ 50 ms];
* state bytes per channel [≤ 256] and the channel count held [1 000 000].
Persistence of alarms (issue 6 item 4) is not built yet; the SQLite commit stands in for it.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
from numpy.typing import NDArray

from yingji.monitoring.schema import compile_rules, default_rules
from yingji.rules.thresholds import ChannelState, RuleTable, Transitions, evaluate, warm_up
from yingji.rules.thresholds_naive import NaiveChannel, naive_evaluate

WARM_UP = 10
LATENCY_BATCHES = 100
Batch = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]


def make_batches(points: int, size: int, count: int, rules: NDArray[np.int32], table: RuleTable) -> list[Batch]:
    """Distinct channels per batch, 10 s apart. Each channel sits at its own baseline (30–90 % of its first raise
    value) with ±1 % noise; ~2 % of readings reach 100–160 % of it. Low-direction rules (oxygen, minimum wind
    speed) mirror this above their limit."""
    rng = np.random.default_rng(6)
    first = table.raise_at[rules, 0] * table.sign[rules]
    baseline = rng.uniform(0.3, 0.9, points)
    batches: list[Batch] = []
    for n in range(count):
        channel = rng.choice(points, size=size, replace=False).astype(np.int64)
        normal = baseline[channel] * rng.uniform(0.99, 1.01, size)
        scale = np.where(rng.random(size) < 0.02, rng.uniform(1.0, 1.6, size), normal)
        low = table.sign[rules[channel]] < 0
        value = first[channel] * np.where(low, 2.0 - scale, scale)
        batches.append((channel, np.full(size, (n + 1) * 10_000, np.int64), value))
    return batches


class Store:
    """Transitions committed to SQLite (WAL, synchronous=FULL): what "persisted" costs in this bench."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE t (channel INT, time_ms INT, condition INT, before INT, after INT, value REAL)")

    def save(self, found: Transitions) -> None:
        rows = zip(
            found.channel.tolist(),
            found.time_ms.tolist(),
            found.condition.tolist(),
            found.before.tolist(),
            found.after.tolist(),
            found.value.tolist(),
            strict=True,
        )
        with self.db:
            self.db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", rows)


def timed(fn: Callable[[Batch], object], batches: list[Batch]) -> float:
    """Seconds spent in ``fn`` over all batches (batch preparation excluded)."""
    spent = 0.0
    for batch in batches:
        start = time.perf_counter()
        fn(batch)
        spent += time.perf_counter() - start
    return spent


def bare_kernel(table: RuleTable, rules: NDArray[np.int32], previous: NDArray[np.int8], batch: Batch) -> object:
    channel, _, value = batch
    rule = rules[channel]
    level = ((value * table.sign[rule])[:, None] >= table.raise_at[rule]).sum(axis=1)
    return np.flatnonzero(level != previous[channel])


def duckdb_rules(con: duckdb.DuckDBPyConnection, table: RuleTable, rules: NDArray[np.int32]) -> None:
    width = table.raise_at.shape[1]
    columns = {"rule": np.arange(table.sign.size), "sign": table.sign}
    for k in range(width):
        columns[f"r{k}"] = np.nan_to_num(table.raise_at[:, k], posinf=1e300)
        columns[f"h{k}"] = np.nan_to_num(table.hold_at[:, k], posinf=1e300)
    con.register("rule_cols", columns)
    con.execute("CREATE TABLE rules AS SELECT * FROM rule_cols")
    con.register("channel_cols", {"channel": np.arange(rules.size), "rule": rules, "level": np.zeros(rules.size)})
    con.execute("CREATE TABLE channels AS SELECT * FROM channel_cols")


def duckdb_sql(width: int) -> str:
    raised = " + ".join(f"(b.value * r.sign >= r.r{k})::INT" for k in range(width))
    held = " + ".join(f"(c.level > {k} AND b.value * r.sign >= r.h{k})::INT" for k in range(width))
    return f"""
        SELECT channel, time_ms, level, target FROM (
          SELECT b.channel, b.time_ms, c.level, greatest({raised}, {held}) AS target
          FROM batch b JOIN channels c USING (channel) JOIN rules r ON r.rule = c.rule)
        WHERE target <> level"""


def latency(
    table: RuleTable, rules: NDArray[np.int32], batches: list[Batch], store: Store, period: float
) -> list[float]:
    state = ChannelState.new(rules, registered_at_ms=0)
    out: list[float] = []
    start = time.perf_counter()
    for n, (channel, when, value) in enumerate(batches):
        arrival = start + n * period
        time.sleep(max(0.0, arrival - time.perf_counter()))
        store.save(evaluate(state, table, channel, when, value).transitions)
        out.append(time.perf_counter() - arrival)
    return out[WARM_UP:]  # the first batches page in the fresh state arrays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--naive", type=int, default=20_000, help="readings for the naive loop")
    parser.add_argument("--rate", type=int, default=100_000, help="offered readings per second for latency")
    args = parser.parse_args()

    catalogue = default_rules()
    table = compile_rules(catalogue)
    rules = (np.arange(args.points) % len(catalogue)).astype(np.int32)
    batches = make_batches(args.points, args.batch, args.batches, rules, table)
    total = args.batch * args.batches

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite3")
        warm_up()
        state = ChannelState.new(rules, registered_at_ms=0)
        engine_s = timed(lambda b: store.save(evaluate(state, table, *b).transitions), batches)

        previous = np.zeros(args.points, np.int8)
        kernel_s = timed(lambda b: bare_kernel(table, rules, previous, b), batches)

        con = duckdb.connect()
        duckdb_rules(con, table, rules)
        sql = duckdb_sql(table.raise_at.shape[1])

        def duck(batch: Batch) -> object:
            con.register("batch", {"channel": batch[0], "time_ms": batch[1], "value": batch[2]})
            return con.execute(sql).fetchnumpy()

        duck_s = timed(duck, batches)

        sample = [(int(c), int(t), float(v)) for c, t, v in zip(*batches[0], strict=True)][: args.naive]
        naive = [NaiveChannel(rule=int(r)) for r in rules]
        specs = [r.spec() for r in catalogue]
        naive_s = timed(lambda _: naive_evaluate(naive, specs, sample), batches[:1])

        per_batch = max(1, args.rate // 10)
        offered = make_batches(args.points, per_batch, WARM_UP + LATENCY_BATCHES, rules, table)
        waits = latency(table, rules, offered, Store(Path(tmp) / "latency.sqlite3"), period=0.1)

    engine_rate = total / engine_s
    rows = [
        ("engine (evaluate + SQLite commit)", engine_rate, 1.0, ""),
        ("bare numpy kernel", total / kernel_s, total / kernel_s / engine_rate, "engine ≥ 0.3× kernel"),
        ("DuckDB SQL (transitions only)", total / duck_s, total / duck_s / engine_rate, "engine ≥ 1× DuckDB"),
        ("naive Python loop", len(sample) / naive_s, len(sample) / naive_s / engine_rate, "engine ≥ 50× naive"),
    ]
    print(f"{'path':36} {'readings/s':>14} {'× engine':>10}  target")
    for name, rate, ratio, target in rows:
        print(f"{name:36} {rate:14,.0f} {ratio:10.3f}  {target}")
    cuts = statistics.quantiles([w * 1000 for w in waits], n=100)
    offered_text = f"{per_batch:,} per 100 ms, {LATENCY_BATCHES} batches after {WARM_UP} warm-up"
    print(f"\nlatency at {args.rate:,} readings/s offered ({offered_text}), arrival → commit:")
    print(f"  p50 {cuts[49]:.1f} ms   p99 {cuts[98]:.1f} ms   (target p99 ≤ 50 ms)")
    print(f"state: {state.nbytes_per_channel} bytes per channel (target ≤ 256); channels held: {args.points:,}")
    print(
        f"ratios: engine/kernel {engine_rate * kernel_s / total:.2f} (≥0.3), "
        f"engine/DuckDB {engine_rate * duck_s / total:.2f} (≥1), "
        f"engine/naive {engine_rate * naive_s / len(sample):.1f} (≥50)"
    )


if __name__ == "__main__":
    main()

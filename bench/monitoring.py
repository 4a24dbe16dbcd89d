"""Monitoring-engine throughput and latency against three baselines measured in the same run on the same arrays.

Run: .venv/bin/python -m bench.monitoring [--points 1000000] [--batch 100000] [--batches 10] [--naive 20000]
                                           [--excursion 0.02] [--poll-gateways 4] [--poll-minutes 2]
                                           [--db sqlite|postgresql]

``--db postgresql`` runs every row on a throwaway PostgreSQL server on 127.0.0.1 started as the tests start one
(tests/support/postgres.py) but with fsync on; SQLite runs in WAL with synchronous=FULL, as the platform does.

Rows (issue 6 targets in brackets):
* engine: the server's path from a decoded batch to committed alarms: ``MonitoringEngine.evaluate`` (compiled kernel),
  ``alarm_store.apply_changes`` (alarm rows and their history) and the commit, on a SQLite WAL file holding the
  registered points (the engine loads them from the database as the server does; load time printed). A batch is one
  gateway's points, as the ingest receives them; the same path with points scattered over all gateways is shown
  beside as the worst case for memory access;
* readings: the per-minute summaries of the same batches merged per batch (``readings.store``, the former path), shown
  beside, not in, the engine;
* full path: ``--poll-gateways`` gateways each sending all their points every 10 s for ``--poll-minutes`` minutes, as
  MessagePack bodies (codes as one string, times and values packed binary) through ``ingest.parse``/``decode``/
  ``ingest`` (code lookup, checks, engine, alarms, the batch's pending row, closed minutes written in bulk, commit)
  and a final close, beside the engine alone on the same stream in the same run (the median of three passes)
  [full path ≥ 0.5× engine alone];
* HTTP: the same stream minutes later posted by httpx over loopback to the platform under uvicorn in a process of
  its own (``bench.monitoring_server``), one keep-alive connection per gateway, all at once; from the first post to
  the last minutes committed [≥ 0.3× engine alone];
* bare kernel: gather + threshold compare + level change over the same channel arrays, no state kept [≥ 0.3×];
* DuckDB: the same level rules as SQL over the same batch, transitions only, no state written back [engine ≥ 1×];
* naive: the per-reading Python specification ``rules.thresholds_naive`` [engine ≥ 50×];
* latency: batches of ``rate/10`` readings offered every 100 ms in real time, arrival to alarms committed [p99 ≤ 50 ms];
* state bytes per channel [≤ 256] and the points held [1 000 000].
``--excursion`` is the share of readings that cross a threshold; each crossing and each return is an alarm change.
"""

from __future__ import annotations

import argparse
import gc
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import duckdb
import httpx
import msgpack
import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine, Table, func, insert, select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock
from yingji.db import migrate
from yingji.db.session import make_engine, make_sessionmaker
from yingji.monitoring import alarm_store, demo, ingest, readings
from yingji.monitoring.engine import MonitoringEngine
from yingji.monitoring.models import MonitorPoint, ReadingBlock, ReadingPending, SiteKind
from yingji.monitoring.schema import default_rules
from yingji.registry.divisions import load_divisions
from yingji.registry.enums import MineKind, MineStatus, OrganisationKind, StandardisationGrade
from yingji.registry.models import Mine, Organisation
from yingji.rules.thresholds import RuleTable, warm_up
from yingji.rules.thresholds_naive import NaiveChannel, naive_evaluate

WARM_UP = 10
ALONE_PASSES = 3  # engine-alone passes over the polled stream; the ratios divide by their median
LATENCY_BATCHES = 100
START = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
START_MS = int(START.timestamp() * 1000)
Batch = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]  # slots (points), times, values


def register_points(engine: Engine, count: int, per_gateway: int) -> None:
    """``count`` points in blocks of ``per_gateway``, one enterprise (gateway) and coal mine per block, cycling through
    every bundled (kind, location class): point ids, and so engine channels, are contiguous per gateway."""
    pairs = sorted({(rule.kind, rule.location_class, rule.unit) for rule in default_rules()})
    with Session(engine) as db_session, db_session.begin():
        load_divisions(db_session=db_session)
        for gateway, start in enumerate(range(0, count, per_gateway)):
            owner = Organisation(
                name=f"基准测试企业{gateway}", kind=OrganisationKind.ENTERPRISE, division_code="150602"
            )
            db_session.add(owner)
            db_session.flush()
            mine = Mine(
                name=f"基准测试煤矿{gateway}",
                kind=MineKind.COAL_UNDERGROUND,
                status=MineStatus.PRODUCING,
                enterprise_id=owner.id,
                division_code="150602",
                standardisation_grade=StandardisationGrade.NONE,
            )
            db_session.add(mine)
            db_session.flush()
            rows = [
                {
                    "code": f"P{n:07d}",
                    "name": f"测点{n}",
                    "kind": pairs[n % len(pairs)][0].value,
                    "unit": pairs[n % len(pairs)][2],
                    "location_class": pairs[n % len(pairs)][1],
                    "site_kind": SiteKind.MINE.value,
                    "mine_id": mine.id,
                    "enterprise_id": owner.id,
                    "division_code": "150602",
                    "clear_margin": 0.0,
                    "polling_s": 30,
                    "active": True,
                    "created_at": START,
                }
                for n in range(start, min(count, start + per_gateway))
            ]
            db_session.execute(insert(cast(Table, MonitorPoint.__table__)), rows)


def make_batches(
    monitor: MonitoringEngine,
    size: int,
    count: int,
    excursion: float,
    *,
    per_gateway: int,
    seed: int = 6,
    gateways: int = 0,
) -> list[Batch]:
    """Batches 10 s apart, each ``size`` distinct points in random order: from one gateway's block (how the ingest
    receives them: one request per gateway) or, with ``per_gateway`` 0, from anywhere (the worst case for memory).
    Each point sits at its own baseline (30–90 % of its first rule's first raise value) with ±1 % noise;
    ``excursion`` of the readings reach 100–160 % of it. Low-direction rules (oxygen, minimum wind speed) mirror
    this above their limit. With ``gateways`` only the first ``gateways`` blocks send, each every 10 s (polling): a
    point then has six readings per minute."""
    layout = monitor.layout
    assert layout.table is not None and layout.state is not None
    rng = np.random.default_rng(seed)
    points = layout.first.size
    rule = layout.state.rule[layout.first]
    first = layout.table.raise_at[rule, 0] * layout.table.sign[rule]
    low = layout.table.sign[rule] < 0
    baseline = np.random.default_rng(6).uniform(0.3, 0.9, points)  # the same in every call: a point's own level
    batches: list[Batch] = []
    orders: dict[int, NDArray[np.int64]] = {}
    for n in range(count):
        if per_gateway:
            block = (n % (gateways or max(1, points // per_gateway))) * per_gateway
            if gateways:  # a polling gateway sends its points in the same order every cycle
                slots = block + orders.setdefault(block, rng.permutation(min(per_gateway, points - block))[:size])
            else:
                slots = block + rng.choice(min(per_gateway, points - block), size=size, replace=False)
            slots = slots.astype(np.int64)
        else:
            slots = rng.choice(points, size=size, replace=False).astype(np.int64)
        normal = baseline[slots] * rng.uniform(0.99, 1.01, size)
        scale = np.where(rng.random(size) < excursion, rng.uniform(1.0, 1.6, size), normal)
        value = first[slots] * np.where(low[slots], 2.0 - scale, scale)
        cycle = n // gateways if gateways else n
        batches.append((slots, np.full(size, START_MS + (cycle + 1) * 10_000, np.int64), value))
    return batches


def engine_path(monitor: MonitoringEngine, db_session: Session) -> Callable[[Batch], int]:
    """Decoded batch → evaluation → alarm rows → commit; returns the alarm changes persisted."""

    def run(batch: Batch) -> int:
        evaluation = monitor.evaluate(*batch)
        alarm_store.apply_changes(db_session, evaluation.changes)
        db_session.commit()
        return len(evaluation.changes)

    return run


class StreamClock:
    """The server's time follows the stream (1 s after the batch's readings), so minutes close as they would live."""

    def __init__(self) -> None:
        self.at = START

    def now(self) -> datetime:
        return self.at


def gateway_body(owner_of: dict[int, tuple[int, str]], batch: Batch) -> tuple[int, bytes]:
    """A gateway's batch as it sends it: its enterprise (the token's) and the MessagePack columns, codes one per line
    in one string, times and values packed binary (the gateway's work, not timed). ``owner_of``: slot → (enterprise,
    code)."""
    slots, when, value = batch
    enterprise = owner_of[int(slots[0])][0]
    codes = "\n".join(owner_of[s][1] for s in slots.tolist())  # codes once: one string, one per line
    body = {"points": codes, "times": when.astype("<i8").tobytes(), "values": value.astype("<f8").tobytes()}
    return enterprise, cast(bytes, msgpack.packb(body))


def full_path(monitor: MonitoringEngine, db_session: Session, clock: StreamClock) -> Callable[[tuple[int, bytes]], int]:
    """MessagePack body → decode → checks → engine → alarms → minute store (pending row, closed minutes written) →
    commit: ``ingest.ingest`` as the HTTP handler calls it."""
    actors: dict[int, Actor] = {}

    def run(sent: tuple[int, bytes]) -> int:
        enterprise, body = sent  # the token names the enterprise in the server
        actor = actors.setdefault(
            enterprise, Actor(username=f"gw{enterprise}", role=Role.ENTERPRISE_REPORTER, organisation_id=enterprise)
        )
        batch = ingest.decode(ingest.parse(body, "application/msgpack"))
        clock.at = datetime.fromtimestamp(int(batch.time_ms.max()) / 1000 + 1, tz=UTC)
        return ingest.ingest(db_session=db_session, clock=clock, actor=actor, engine=monitor, batch=batch).accepted

    return run


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_ingest(
    url: str, sent: list[tuple[int, bytes]], tokens: dict[int, str], *, start_ms: int, flush_ms: int
) -> tuple[float, int]:
    """Start the platform under uvicorn on 127.0.0.1 (bench.monitoring_server), let its engine load, then post every
    gateway's bodies over its own keep-alive connection (httpx), all gateways at once, each in its order; the time runs
    from the first post to the last minutes committed. Returns seconds and readings accepted."""
    port = free_port()
    command = [sys.executable, "-m", "bench.monitoring_server", "--url", url, "--port", str(port)]
    server = subprocess.Popen([*command, "--start-ms", str(start_ms)], cwd=Path(__file__).parent.parent)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:  # polled: the process starts, then the engine loads every point
            try:
                httpx.post(f"{base}/bench/ready", timeout=600).raise_for_status()
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        by_gateway: dict[int, list[bytes]] = {}
        for enterprise, body in sent:
            by_gateway.setdefault(enterprise, []).append(body)
        accepted: list[int] = []
        failures: list[str] = []

        def gateway(enterprise: int, bodies: list[bytes]) -> None:
            headers = {"authorization": f"Bearer {tokens[enterprise]}", "content-type": "application/msgpack"}
            with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
                for body in bodies:
                    response = client.post("/api/monitoring/readings", content=body)
                    if response.status_code != 200:
                        failures.append(response.text[:300])
                        return
                    accepted.append(response.json()["accepted"])

        threads = [threading.Thread(target=gateway, args=item) for item in by_gateway.items()]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        httpx.post(f"{base}/bench/flush", params={"now_ms": flush_ms}, timeout=600).raise_for_status()
        spent = time.perf_counter() - started
        assert not failures, failures[0]
        return spent, sum(accepted)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def channel_batches(monitor: MonitoringEngine, batches: list[Batch]) -> list[Batch]:
    """The same readings as (channel, time, value): what the kernel-level baselines consume."""
    out: list[Batch] = []
    for slots, when, value in batches:
        channel, reading, _ = monitor.channels_of(slots)
        out.append((channel, when[reading], value[reading]))
    return out


def timed(fn: Callable[[Batch], object], batches: list[Batch]) -> float:
    """Seconds spent in ``fn`` over all batches (batch preparation excluded)."""
    spent = 0.0
    for batch in batches:
        start = time.perf_counter()
        fn(batch)
        spent += time.perf_counter() - start
    return spent


def bare_kernel(table: RuleTable, rules: NDArray[np.int32], previous: NDArray[np.int8], batch: Batch) -> object:
    """The ceiling: one gather and compare per reading, nothing kept."""
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


def latency(run: Callable[[Batch], int], batches: list[Batch], period: float) -> list[float]:
    out: list[float] = []
    start = time.perf_counter()
    for n, batch in enumerate(batches):
        arrival = start + n * period
        time.sleep(max(0.0, arrival - time.perf_counter()))
        run(batch)
        out.append(time.perf_counter() - arrival)
    return out[WARM_UP:]  # the first batches page in the fresh state arrays


@contextmanager
def database_url(kind: str, tmp: Path) -> Iterator[str]:
    """A SQLite file in ``tmp`` or a throwaway PostgreSQL server (stopped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"
        return
    from tests.support import postgres

    server = postgres.start(durable=True)
    try:
        yield server.url
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000, help="readings per batch (= points per gateway)")
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--naive", type=int, default=20_000, help="readings for the naive loop")
    parser.add_argument("--rate", type=int, default=100_000, help="offered readings per second for latency")
    parser.add_argument("--excursion", type=float, default=0.0001, help="share of readings crossing a threshold")
    parser.add_argument("--poll-gateways", type=int, default=4, help="gateways polled every 10 s (full path, HTTP)")
    parser.add_argument("--poll-minutes", type=int, default=2, help="minutes of that stream (full path, HTTP)")
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: a throwaway server on 127.0.0.1 as the tests start one, but durable (fsync on)",
    )
    args = parser.parse_args()
    total = args.batch * args.batches

    with tempfile.TemporaryDirectory() as tmp, database_url(args.db, Path(tmp)) as url:
        started = time.perf_counter()
        database = make_engine(url)
        migrate.upgrade(database)
        register_points(database, args.points, args.batch)
        registered_s = time.perf_counter() - started
        warm_up()
        readings.warm_up()
        monitor = MonitoringEngine()
        db_session = make_sessionmaker(database)()
        started = time.perf_counter()
        layout = monitor.ensure_current(db_session, START_MS)
        load_s = time.perf_counter() - started
        table, state = layout.table, layout.state
        assert table is not None and state is not None
        db_session.commit()
        batches = make_batches(monitor, args.batch, args.batches, args.excursion, per_gateway=args.batch)
        channels = channel_batches(monitor, batches)
        changes: list[int] = []
        engine_s = timed(lambda b: changes.append(engine_path(monitor, db_session)(b)), batches)
        scattered = make_batches(monitor, args.batch, args.batches, args.excursion, per_gateway=0, seed=8)
        scattered = [(slot, when + args.batches * 10_000, value) for slot, when, value in scattered]
        scattered_s = timed(engine_path(monitor, db_session), scattered)

        def store(batch: Batch) -> None:
            slots, when, value = batch
            readings.store(db_session, readings.summarise(layout.point_id[slots], when, value))
            db_session.commit()

        store_s = timed(store, batches)

        previous = np.zeros(state.rule.size, np.int8)
        kernel_s = timed(lambda b: bare_kernel(table, state.rule, previous, b), channels)

        con = duckdb.connect()
        duckdb_rules(con, table, state.rule)
        sql = duckdb_sql(table.raise_at.shape[1])

        def duck(batch: Batch) -> object:
            con.register("batch", {"channel": batch[0], "time_ms": batch[1], "value": batch[2]})
            return con.execute(sql).fetchnumpy()

        duck_s = timed(duck, channels)

        sample = [(int(c), int(t), float(v)) for c, t, v in zip(*channels[0], strict=True)][: args.naive]
        naive = [NaiveChannel(rule=int(r), last_time=START_MS) for r in state.rule]
        by_rule = {int(r): layout.channel_rules[c].spec for c, r in enumerate(state.rule.tolist())}
        naive_specs = [by_rule[k] for k in range(table.sign.size)]
        naive_s = timed(lambda _: naive_evaluate(naive, naive_specs, sample), channels[:1])

        per_batch = max(1, args.rate // 10)
        offered = make_batches(
            monitor, per_batch, WARM_UP + LATENCY_BATCHES, args.excursion, per_gateway=args.batch, seed=7
        )
        later = 2 * args.batches * 10_000 + 60_000
        offered = [(s, w + later, v) for s, w, v in offered]
        waits = latency(engine_path(monitor, db_session), offered, period=0.1)

        # Same run, same stream shape for both: the engine alone, then the full path minutes later.
        polled = make_batches(
            monitor,
            args.batch,
            args.poll_gateways * 6 * args.poll_minutes,
            args.excursion,
            per_gateway=args.batch,
            seed=9,
            gateways=args.poll_gateways,
        )
        base = (later + (WARM_UP + LATENCY_BATCHES + 10) * 10_000) // 60_000 * 60_000
        poll_total = sum(b[0].size for b in polled)
        span = (args.poll_minutes + 2) * 60_000
        # the median of three passes, each minutes after the last: one ~1 s pass moved by up to 2× between runs
        alone_s = statistics.median(
            timed(engine_path(monitor, db_session), [(s, w + base + k * span, v) for s, w, v in polled])
            for k in range(ALONE_PASSES)
        )
        clock = StreamClock()
        run_full = full_path(monitor, db_session, clock)
        owner_of = {slot: key for key, slot in layout.by_code.items()}
        shift = base + ALONE_PASSES * span
        bodies = [gateway_body(owner_of, (s, w + shift, v)) for s, w, v in polled]
        accepted: list[int] = []
        full_s = timed(lambda sent: accepted.append(run_full(sent)), bodies)  # type: ignore[arg-type]
        started = time.perf_counter()
        with monitor.locked():  # the periodic round closes the last minutes
            held = monitor.minutes.flush(db_session, now_ms=START_MS + shift + (args.poll_minutes + 2) * 60_000)
            db_session.commit()
            monitor.minutes.adopt(held)
        full_s += time.perf_counter() - started
        minute_rows = db_session.scalar(select(func.sum(ReadingBlock.points))) or 0  # point-minutes, packed
        block_rows = db_session.scalar(select(func.count()).select_from(ReadingBlock)) or 0
        pending_rows = db_session.scalar(select(func.count()).select_from(ReadingPending)) or 0
        assert sum(accepted) == poll_total, (sum(accepted), poll_total)

        # HTTP: the same stream minutes later, from a client over loopback to a server process of its own.
        tokens = demo.gateway_tokens(db_session=db_session, clock=FixedClock(START))
        db_session.commit()
        db_session.close()
        later_shift = shift + (args.poll_minutes + 3) * 60_000
        sent = [gateway_body(owner_of, (s, w + later_shift, v)) for s, w, v in polled]
        http_s, http_accepted = http_ingest(
            url,
            sent,
            tokens,
            start_ms=START_MS + later_shift,
            flush_ms=START_MS + later_shift + (args.poll_minutes + 2) * 60_000,
        )
        assert http_accepted == poll_total, (http_accepted, poll_total)
        database.dispose()
        gc.unfreeze()  # the engine froze its layout; hand it back so the interpreter can tear down cleanly

    engine_rate = total / engine_s
    rows = [
        ("engine (evaluate + alarms committed)", engine_rate, 1.0, ""),
        ("engine, points scattered (worst case)", total / scattered_s, total / scattered_s / engine_rate, ""),
        ("readings stored per minute (beside)", total / store_s, total / store_s / engine_rate, ""),
        ("bare numpy kernel", total / kernel_s, total / kernel_s / engine_rate, "engine ≥ 0.3× kernel"),
        ("DuckDB SQL (transitions only)", total / duck_s, total / duck_s / engine_rate, "engine ≥ 1× DuckDB"),
        ("naive Python loop", len(sample) / naive_s, len(sample) / naive_s / engine_rate, "engine ≥ 50× naive"),
    ]
    print(f"database: {args.db}{' (durable: fsync on)' if args.db == 'postgresql' else ' (WAL, synchronous=FULL)'}")
    print(f"points {args.points:,} registered in {registered_s:.1f} s, loaded by the engine in {load_s:.1f} s")
    print(f"alarm changes committed: {sum(changes):,} over {total:,} readings (excursion {args.excursion:g})\n")
    print(f"{'path':38} {'readings/s':>14} {'× engine':>10}  target")
    for name, rate, ratio, target in rows:
        print(f"{name:38} {rate:14,.0f} {ratio:10.3f}  {target}")
    cuts = statistics.quantiles([w * 1000 for w in waits], n=100)
    offered_text = f"{per_batch:,} per 100 ms, {LATENCY_BATCHES} batches after {WARM_UP} warm-up"
    full_rate, alone_rate = poll_total / full_s, poll_total / alone_s
    print(
        f"\nfull path on {args.poll_gateways} gateways × {args.batch:,} points polled every 10 s for "
        f"{args.poll_minutes} min ({poll_total:,} readings; {minute_rows:,} point-minutes in "
        f"{block_rows:,} block rows, {pending_rows} pending):"
    )
    print(f"{'engine alone (same stream)':38} {alone_rate:14,.0f} {1.0:10.3f}")
    print(
        f"{'full path (decode→…→minutes committed)':38} {full_rate:14,.0f} {full_rate / alone_rate:10.3f}  "
        "≥ 0.5× engine alone"
    )
    http_rate = poll_total / http_s
    print(
        f"{'HTTP MessagePack, loopback client':38} {http_rate:14,.0f} {http_rate / alone_rate:10.3f}  "
        f"≥ 0.3× engine alone ({len({e for e, _ in sent})} connections, one uvicorn process)"
    )
    print(f"\nlatency at {args.rate:,} readings/s offered ({offered_text}), arrival → alarms committed:")
    print(f"  p50 {cuts[49]:.1f} ms   p99 {cuts[98]:.1f} ms   (target p99 ≤ 50 ms)")
    print(f"state: {state.nbytes_per_channel} bytes per channel (target ≤ 256); points held: {layout.first.size:,}")
    print(
        f"ratios: engine/kernel {engine_rate * kernel_s / total:.2f} (≥0.3), "
        f"engine/DuckDB {engine_rate * duck_s / total:.2f} (≥1), "
        f"engine/naive {engine_rate * naive_s / len(sample):.1f} (≥50)"
    )


if __name__ == "__main__":
    main()

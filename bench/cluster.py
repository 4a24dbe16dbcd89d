"""Readings through the monitoring cluster (edge → JetStream R3 on three local nodes → workers → PostgreSQL) with one
and with two worker processes, beside the in-process partition engines over the same records in the same run.

Run: .venv/bin/python -m bench.cluster [--mines 64] [--points 400] [--cycles 40] [--rate 100000] [--lease 5]

Rows (issue 24 item 5 targets in brackets, for this 2-core machine with the three NATS nodes on it):
* in-process: the partition engines applied record by record and committed to PostgreSQL in one process (no stream):
  the baseline the cluster is compared with;
* cluster, 1 and 2 workers: ``--cycles`` polling cycles of every point published through an ``Edge`` as fast as the
  stream acknowledges, ticks included; readings/s from the first publish to every partition committed
  [≥ 100 000 sustained];
* p99 arrival → committed at ``--rate`` readings/s offered (2 workers): each record's publish time against the moment
  the bench sees its partition's committed sequence pass it (polled every 20 ms) [≤ 1 s];
* the same at half the measured capacity, to show the latency of a cluster that keeps up;
* takeover: a worker SIGKILLed halfway through a feed at half the measured capacity (a run of its own, so the
  latency rows measure a cluster without a loss); until the survivor holds every partition [≤ 10 s];
  replay rate: records re-applied from the snapshots per second (from the survivor's log);
* lost / doubled: the alarm events and minute rows of each cluster run against the in-process run [0 and 0].
The scenario is the cluster test's generator in its calm form (values below the levels, rare silences).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.monitoring.cluster.harness import committed, owners, start_worker, wait_for
from tests.support import nats as nats_support
from tests.support import postgres

from yingji.db import migrate
from yingji.db.session import make_engine
from yingji.monitoring import ingest
from yingji.monitoring.cluster import protocol, scenario
from yingji.monitoring.cluster.edge import Edge, EdgeRegistry
from yingji.monitoring.cluster.partition import PartitionEngine
from yingji.monitoring.cluster.stream import connect, ensure_stream
from yingji.rules.thresholds import warm_up

TARGET_RATE = 100_000
TARGET_P99_S = 1.0
TARGET_TAKEOVER_S = 10.0


@dataclass
class Run:
    seconds: float
    readings: int
    records: int
    latencies: list[float]
    published_s: float = 0.0  # the edge's share: every record acknowledged by the stream

    @property
    def rate(self) -> float:
        return self.readings / self.seconds


def clone(server: postgres.PostgresServer, template: str, name: str) -> tuple[Engine, str]:
    with psycopg.connect(f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/{name}"
    return make_engine(url), url


def in_process(db: Engine, cycles: list[scenario.Cycle], registry: EdgeRegistry) -> Run:
    """The same records (checked and split as the edge does) applied and committed in one process, no stream."""
    records: list[tuple[int, protocol.Record]] = []
    readings = 0
    for cycle in cycles:
        for enterprise, codes, times, values in cycle.batches:
            index, _ = registry.check(enterprise, ingest.Batch(codes, times, values), int(time.time() * 1000))
            part = registry.partition[index]
            for p in np.unique(part).tolist():
                take = part == p
                body, _ = protocol.pack_readings(registry.point_id[index[take]], times[take], values[take], 0)
                records.append((p, protocol.unpack(body)))
                readings += int(take.sum())
        records += [(p, protocol.unpack(protocol.pack_tick(cycle.at_ms))) for p in range(protocol.PARTITIONS)]
    with Session(db) as db_session:
        engines = {p: PartitionEngine(p) for p in range(protocol.PARTITIONS)}
        for engine in engines.values():
            engine.load(db_session)
        db_session.rollback()
        started = time.perf_counter()
        for p, record in records:
            out = engines[p].apply(record, db_session)
            if out.writes:
                with db_session.begin():
                    out.write(db_session)
        seconds = time.perf_counter() - started
    return Run(seconds, readings, len(records), [])


async def feed(
    urls: list[str],
    db: Engine,
    cycles: list[scenario.Cycle],
    rate: float | None,
    on_cycle: Callable[[int], None] | None = None,
) -> tuple[Run, dict[int, int]]:
    """Publish every cycle (paced at ``rate`` readings/s when given), then wait until everything is committed."""
    nc = await connect(urls, name="bench-edge")
    js = nc.jetstream(timeout=10.0)
    await ensure_stream(js, 3)
    with Session(db) as db_session:
        edge = Edge(js, EdgeRegistry.load(db_session))
    sent: list[tuple[int, int, float]] = []  # partition, sequence, publish time
    readings = 0
    records = 0
    samples: list[tuple[float, dict[int, int]]] = []  # (time, committed sequence per partition), every 20 ms
    stop = threading.Event()

    def poll() -> None:  # beside the feed: a record's latency is known only while the feed still runs
        while not stop.is_set():
            samples.append((time.perf_counter(), committed(db)))
            time.sleep(0.02)

    poller = threading.Thread(target=poll, daemon=True)
    started = time.perf_counter()
    poller.start()
    for n, cycle in enumerate(cycles):
        now_ms = int(time.time() * 1000)
        at = time.perf_counter()
        results = await asyncio.gather(
            *(edge.publish(enterprise, ingest.Batch(codes, t, v), now_ms) for enterprise, codes, t, v in cycle.batches)
        )
        for result in results:
            readings += result.accepted
            records += len(result.sequences)
            sent += [(p, seq, at) for p, seq in result.sequences.items()]
        await edge.tick(cycle.at_ms)
        records += protocol.PARTITIONS
        if on_cycle is not None:
            on_cycle(n)
        if rate:
            cycle_readings = sum(len(codes) for _, codes, _, _ in cycle.batches)
            ahead = at + cycle_readings / rate - time.perf_counter()
            if ahead > 0:
                await asyncio.sleep(ahead)
    published = time.perf_counter() - started
    last: dict[int, int] = {}
    for p in range(protocol.PARTITIONS):
        message = await js.get_last_msg(protocol.STREAM, protocol.subject(p))
        last[p] = int(message.seq or 0)
    await nc.close()
    while not all(samples[-1][1].get(p, 0) >= seq for p, seq in last.items()) if samples else True:
        await asyncio.sleep(0.05)
        if time.perf_counter() - started > 600:
            raise TimeoutError("the cluster did not catch up within 600 s")
    stop.set()
    poller.join(5)
    seconds = samples[-1][0] - started
    latencies = []
    for p, seq, at in sent:  # the first sample in which the partition's committed sequence had passed the record
        low, high = 0, len(samples) - 1
        while low < high:
            mid = (low + high) // 2
            if samples[mid][1].get(p, 0) >= seq:
                high = mid
            else:
                low = mid + 1
        latencies.append(samples[low][0] - at)
    return Run(seconds, readings, records, latencies, published), last


def outcome(db: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with Session(db) as db_session:
        return scenario.outcome(db_session)


def cluster_run(
    server: postgres.PostgresServer,
    name: str,
    workers: int,
    cycles: list[scenario.Cycle],
    rate: float | None,
    lease: float,
    workdir: Path,
    rules: Path,
    *,
    takeover: bool = False,
) -> tuple[Run, Engine, float | None, list[tuple[int, float]]]:
    db, url = clone(server, "bench_template", name)
    nodes = nats_support.start(3)
    processes = []
    try:
        processes = [
            start_worker(
                f"{name}-w{n}", nodes.urls, url, workdir, lease_s=lease, replicas=3, rules=rules, snapshot_s=2 * lease
            )
            for n in range(workers)
        ]

        def spread() -> bool:
            held = owners(db)
            return len(held) == protocol.PARTITIONS and len({o for o, _, _ in held.values()}) == workers

        wait_for("partitions spread", spread, 120)
        took: float | None = None
        replays: list[tuple[int, float]] = []
        killed: list[float] = []
        victim, survivor = processes[0], processes[-1]
        mark = len(survivor.log.read_text(encoding="utf-8", errors="replace"))

        def all_survivor() -> bool:
            held = owners(db)
            return len(held) == protocol.PARTITIONS and all(o == survivor.name for o, _, _ in held.values())

        def watch() -> None:
            wait_for("takeover", all_survivor, 120, 0.05)
            killed.append(time.monotonic())

        watcher = threading.Thread(target=watch, daemon=True)

        def kill_midway(n: int) -> None:  # a worker lost under load: its partitions replay from their snapshots
            if takeover and n == len(cycles) // 2:
                victim.signal(signal.SIGKILL)
                killed.append(time.monotonic())
                watcher.start()

        run, _ = asyncio.run(feed(nodes.urls, db, cycles, rate, kill_midway))
        if takeover:
            watcher.join(130)
            took = killed[1] - killed[0]
            log = survivor.log.read_text(encoding="utf-8", errors="replace")[mark:]
            replays = [(int(n), float(s)) for n, s in re.findall(r"重放 (\d+) 条，用时 ([\d.]+) s", log)]
        return run, db, took, replays
    finally:
        for process in processes:
            process.stop()
        nodes.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mines", type=int, default=64)
    parser.add_argument("--points", type=int, default=400)
    parser.add_argument("--cycles", type=int, default=40)
    parser.add_argument("--rate", type=float, default=float(TARGET_RATE))
    parser.add_argument("--lease", type=float, default=5.0)
    args = parser.parse_args()
    warm_up()
    server = postgres.start()
    workdir = Path(tempfile.mkdtemp(prefix="yingji-bench-cluster-"))
    try:
        rules = scenario.rules_file(workdir)
        now = datetime.now(UTC).replace(microsecond=0)
        start = now - timedelta(hours=1)
        template_url = postgres.create_database(server, "bench_template")
        template = make_engine(template_url)
        migrate.upgrade(template)
        with Session(template) as db_session, db_session.begin():
            sites = scenario.register(db_session, args.mines, args.points, start - timedelta(minutes=1))
        with Session(template) as db_session:
            registry = EdgeRegistry.load(db_session)
        template.dispose()
        start_ms = int(start.timestamp() * 1000) // 60_000 * 60_000
        cycles = list(scenario.cycles(sites, args.cycles, start_ms, calm=True))
        points = args.mines * args.points
        print(f"{points} points in {args.mines} mines, {args.cycles} cycles, offered {args.rate:,.0f} readings/s")

        base_db, _ = clone(server, "bench_template", "bench_inprocess")
        base = in_process(base_db, cycles, registry)
        expected = outcome(base_db)
        print(f"in-process engines + commits   {base.rate:12,.0f} readings/s   ({base.records} records)")

        rows: list[tuple[str, Run, Engine]] = []
        for workers in (1, 2):
            run, db, _, _ = cluster_run(server, f"bench_w{workers}", workers, cycles, None, args.lease, workdir, rules)
            rows.append((f"cluster, {workers} worker{'s' if workers > 1 else ''}", run, db))
            print(
                f"{rows[-1][0]:<30} {run.rate:12,.0f} readings/s   ({run.rate / base.rate:.2f}× in-process; the edge"
                f" had every record acknowledged at {run.readings / run.published_s:,.0f} readings/s)"
            )
        paced, paced_db, _, _ = cluster_run(server, "bench_paced", 2, cycles, args.rate, args.lease, workdir, rules)
        rows.append(("cluster, 2 workers, paced", paced, paced_db))
        p99 = float(np.percentile(paced.latencies, 99)) if paced.latencies else float("nan")
        median = statistics.median(paced.latencies) if paced.latencies else float("nan")
        print(
            f"paced at {args.rate:,.0f}/s: sustained {paced.rate:,.0f} readings/s; arrival → committed median "
            f"{median * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
        )
        within = 0.5 * max(run.rate for _, run, _ in rows[:2])
        easy, easy_db, _, _ = cluster_run(server, "bench_within", 2, cycles, within, args.lease, workdir, rules)
        rows.append(("cluster, 2 workers, within", easy, easy_db))
        easy_p99 = float(np.percentile(easy.latencies, 99)) if easy.latencies else float("nan")
        easy_median = statistics.median(easy.latencies) if easy.latencies else float("nan")
        print(
            f"paced at {within:,.0f}/s (half the measured capacity): arrival → committed median "
            f"{easy_median * 1000:.0f} ms, p99 {easy_p99 * 1000:.0f} ms"
        )
        lossy, lossy_db, took, replays = cluster_run(
            server, "bench_takeover", 2, cycles, within, args.lease, workdir, rules, takeover=True
        )
        rows.append(("cluster, 2 workers, one killed", lossy, lossy_db))
        replayed = sum(n for n, _ in replays)
        replay_s = max((s for _, s in replays), default=0.0)
        print(
            f"takeover after SIGKILL {took:.2f} s (lease {args.lease:g} s); replayed {replayed} records in "
            f"{replay_s:.2f} s ({replayed / replay_s if replay_s else float('nan'):,.0f} records/s)"
        )
        for label, _, db in rows:
            got = outcome(db)
            lost = sum(max(0, len(expected[k]) - len(got[k])) for k in expected)
            same = got == expected
            print(
                f"{label:<30} equal to in-process: {same}  (events {len(got['events'])}/{len(expected['events'])},"
                f" minute rows {len(got['minutes'])}/{len(expected['minutes'])}, lost {lost})"
            )
        best = max(run.rate for _, run, _ in rows[:2])
        print("targets (2 cores, 3 NATS nodes on the same machine):")
        print(f"  sustained ≥ {TARGET_RATE:,} readings/s: {best:,.0f} ({best / TARGET_RATE:.2f}×)")
        print(f"  p99 arrival → committed ≤ {TARGET_P99_S:g} s: {p99:.2f} s")
        print(f"  takeover ≤ {TARGET_TAKEOVER_S:g} s: {took:.2f} s")
        print("  0 lost, 0 doubled: see the equality rows above")
    finally:
        server.stop()


if __name__ == "__main__":
    main()

"""Incident intake latency: initial report → assessed → clocks → response with command and tasks, committed.

Run: .venv/bin/python -m bench.incidents [--reports 1000] [--postgres]
Each iteration is one committed transaction through the real services on a fresh database; the baseline is a bare
INSERT of the same incident row, committed, in the same run. Goal (issue 4): p99 ≤ 30 ms on SQLite.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.core.clock import SystemClock
from yingji.db import migrate
from yingji.db.session import make_engine, make_sessionmaker, transaction
from yingji.incidents import command, service
from yingji.incidents.enums import AccidentSector, IncidentStatus
from yingji.incidents.models import Incident
from yingji.incidents.schemas import InitialReport, StartResponse
from yingji.registry.divisions import load_divisions

REPORTER = Actor(username="bench_county", role=Role.COUNTY_OFFICER, division_code="150207")
DECIDER = Actor(username="bench_city", role=Role.CITY_OFFICER, division_code="150200")


def report(i: int) -> InitialReport:
    now = SystemClock().now()
    return InitialReport.model_validate(
        {
            "client_key": f"bench-{i:08d}",
            "title": f"压测事故{i}",
            "division_code": "150207",
            "sector": "non_coal_mine",
            "accident_type": "透水",
            "place": "井下",
            "occurred_at": now - timedelta(minutes=5),
            "source": "企业电话",
            "course": "掘进工作面透水",
            "scene": "企业救护队搜救",
            "impact": "一个采区",
            "measures": "撤人、启动预案",
            "deaths": i % 4,
            "serious_injuries": 0,
            "direct_loss_yuan": 1_000_000,
            "trapped": i % 3,
        }
    )


def full(db_session: Session, i: int) -> None:
    clock = SystemClock()
    incident, _ = service.report_initial(db_session=db_session, clock=clock, actor=REPORTER, report=report(i))
    level = service.assessments(db_session=db_session, incident=incident)[0].response_level or 4
    command.start(
        db_session=db_session,
        clock=clock,
        actor=DECIDER,
        incident_id=incident.id,
        data=StartResponse(plan_id="baotou-noncoal-2025", level=level),
    )


def bare(db_session: Session, i: int) -> None:
    data = report(i)
    db_session.add(
        Incident(
            title=data.title,
            division_code=data.division_code,
            sector=AccidentSector.NON_COAL_MINE,
            accident_type=data.accident_type,
            enterprise_id=None,
            mine_id=None,
            lon=None,
            lat=None,
            occurred_at=data.occurred_at,
            known_at=data.occurred_at,
            status=IncidentStatus.REPORTED,
            facts={},
            plan_ids=[],
            plan_override=None,
            created_by="bench",
            created_at=data.occurred_at,
        )
    )


def timed(engine: Engine, work: Callable[[Session, int], None], count: int, offset: int) -> list[float]:
    makers = make_sessionmaker(engine)
    samples = []
    for i in range(count):
        start = time.perf_counter()
        with makers() as db_session, transaction(db_session):
            work(db_session, offset + i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def line(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    return f"{label:<48} p50 {statistics.median(ordered):7.2f} ms   p99 {p99:7.2f} ms"


def run(label: str, engine: Engine, count: int) -> tuple[float, float]:
    migrate.upgrade(engine)
    with make_sessionmaker(engine)() as db_session, transaction(db_session):
        load_divisions(db_session=db_session)
    timed(engine, full, 20, 10_000_000)  # warm caches (plans, statements)
    baseline = timed(engine, bare, count, 20_000_000)
    measured = timed(engine, full, count, 0)
    print(line(f"{label}: bare INSERT of the incident (baseline)", baseline))
    print(line(f"{label}: report → assess → clocks → response + tasks", measured))
    ordered = sorted(measured)
    return statistics.median(measured) / statistics.median(baseline), ordered[max(0, int(len(ordered) * 0.99) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true", help="also run on a throwaway PostgreSQL on 127.0.0.1")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        ratio, p99 = run("SQLite", engine, args.reports)
        engine.dispose()
    verdict = "met" if p99 <= 30 else "NOT met"
    print(f"SQLite: {ratio:.1f}x the bare insert (p50); p99 {p99:.1f} ms — goal ≤ 30 ms: {verdict}")
    if args.postgres:
        from tests.support import postgres

        server = postgres.start()
        try:
            engine = make_engine(server.url)
            ratio, p99 = run("PostgreSQL", engine, args.reports)
            engine.dispose()
            print(f"PostgreSQL: {ratio:.1f}x the bare insert (p50); p99 {p99:.1f} ms")
        finally:
            server.stop()


if __name__ == "__main__":
    main()

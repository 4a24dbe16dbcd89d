"""The demo feed drives the whole loop: demo points and gateways, the three scripted anomalies become alarms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from yingji.app import create_app
from yingji.auth.actor import SYSTEM
from yingji.core.clock import FixedClock, to_ms
from yingji.monitoring import demo, simulate
from yingji.monitoring.demo import demo_sites, site_code
from yingji.monitoring.models import Alarm, AlarmCondition, MonitorPoint
from yingji.registry import demo as registry_demo

START = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def demo_site(engine: Engine, db_session: Session) -> Iterator[tuple[TestClient, FixedClock, Session]]:
    clock = FixedClock(START)
    registry_demo.load(db_session=db_session, clock=clock, actor=SYSTEM)
    app = create_app(engine, clock=clock)
    app.state.sessionmaker = sessionmaker(
        bind=db_session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    with TestClient(app) as client:
        yield client, clock, db_session


def test_demo_points_are_registered_once(demo_site: tuple[TestClient, FixedClock, Session]) -> None:
    _, clock, db_session = demo_site
    mines, ponds = demo.demo_sites(db_session)
    created = demo.load_points(db_session=db_session, clock=clock)
    assert created == len(mines) * len(demo.template().coal_underground) + len(ponds) * len(demo.template().pond)
    assert created > 100 and demo.load_points(db_session=db_session, clock=clock) == 0


def test_the_scripted_anomalies_raise_their_alarms(demo_site: tuple[TestClient, FixedClock, Session]) -> None:
    client, clock, db_session = demo_site
    demo.load_points(db_session=db_session, clock=clock)
    tokens = demo.gateway_tokens(db_session=db_session, clock=clock)
    clock.advance(seconds=1)  # readings must come after the points' registration
    feed = simulate.build_feed(db_session, to_ms(clock.now()), speed=2.0)
    lines: list[str] = []
    tally = simulate.run(
        client=client,
        tokens=tokens,
        feed=feed,
        clock=clock,
        ticks=24,  # 12 minutes at 30 s, 24 minutes of script at speed 2
        interval=30.0,
        sleep=lambda seconds: clock.advance(seconds=seconds),
        echo=lines.append,
    )
    assert tally.failures == 0 and tally.accepted == tally.sent and len(lines) == 24
    from yingji.monitoring.service import run_round

    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        run_round(db_session=session, clock=clock, engine=client.app.state.monitor)  # type: ignore[attr-defined]
    raised = {
        (point.code.split("-", 1)[1], alarm.condition, alarm.peak_level)
        for alarm, point in db_session.execute(
            select(Alarm, MonitorPoint).join(MonitorPoint, Alarm.point_id == MonitorPoint.id)
        )
    }
    assert ("CH4-SYJ", AlarmCondition.LEVEL, 2) in raised  # the upper corner reached the power-cut value
    assert ("CO-HFX", AlarmCondition.OFFLINE, 1) in raised  # the silenced CO sensor
    assert ("JY-1", AlarmCondition.LEVEL, 2) in raised  # rainstorm: 80 mm passes orange (70)
    assert any(code == "JRX-1" and level >= 2 for code, condition, level in raised)  # phreatic line to orange or red
    unexpected = {code for code, condition, _ in raised} - {"CH4-SYJ", "CO-HFX", "JY-1", "JRX-1", "JRX-2"}
    assert unexpected == set()  # normal readings raise nothing


def test_feed_is_deterministic_and_respects_polling() -> None:
    def feed() -> simulate.Feed:
        return simulate.Feed(
            codes=["A", "B"],
            enterprise=np.array([1, 2]),
            baseline=np.array([1.0, 10.0]),
            amplitude=np.array([0.1, 0.0]),
            noise=np.array([0.01, 0.0]),
            polling_ms=np.array([30_000, 60_000]),
            start_ms=0,
            anomalies=[simulate.Anomaly("B", start_min=1, rise_min=1, hold_min=1, target=20.0)],
        )

    first, second = feed(), feed()
    assert first.due(0) == second.due(0)
    assert set(first.due(30_000)) == {1}  # B polls every 60 s
    values, live = first.values(90_000)  # 1.5 script minutes: B is half way up
    assert live.all() and values[1] == pytest.approx(15.0)
    assert first.values(150_000)[0][1] == pytest.approx(20.0)  # holding
    assert first.values(240_000)[0][1] == pytest.approx(10.0)  # back at baseline after the fall


@pytest.mark.parametrize("district", ["150602", "150207"])
def test_the_methane_rise_happens_in_the_walks_district(
    demo_site: tuple[TestClient, FixedClock, Session], district: str
) -> None:
    """The README's night walk is 东胜区's: the scripted rise is at a demo mine of the district asked for."""
    _client, clock, db_session = demo_site
    demo.load_points(db_session=db_session, clock=clock)
    feed = simulate.build_feed(db_session, to_ms(clock.now()), district=district)
    rise = next(a for a in feed.anomalies if a.code.endswith("CH4-SYJ"))
    mines = {site_code(m, "CH4-SYJ"): m for m in demo_sites(db_session)[0]}
    if district == "150602":  # 东胜区 has demo coal mines: the rise must be at one of them
        assert mines[rise.code].division_code.startswith(district)
    elif not any(m.division_code.startswith(district) for m in mines.values()):  # none there: the first mine
        assert rise.code == next(iter(mines))

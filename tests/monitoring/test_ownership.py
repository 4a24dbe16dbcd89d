"""One monitoring-engine owner per database: a second server serves the API but refuses ingest and judges no
silence, a lost lock is noticed, a takeover rebuilds the state from the database (issue 21 item 4)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from tests import factories
from tests.monitoring.conftest import CORNER, Site
from tests.support import postgres
from tests.support.serve import Served, serve
from yingji.auth.roles import Role
from yingji.config import get_settings
from yingji.db import migrate
from yingji.db.session import make_engine, make_sessionmaker
from yingji.monitoring.engine import MonitoringEngine
from yingji.monitoring.ownership import LOCK_SUFFIX, EngineNotOwned, EngineOwnership, FileLock
from yingji.registry.divisions import load_divisions
from yingji.worker import Worker

START_S = 120.0  # generous: a cold start on a loaded 2-core machine
TAKEOVER_S = 30.0  # bound for the survivor to notice the owner is gone (it polls every 0.3 s)
SERVE_ENV = {"YINGJI_ENGINE_POLL_S": "0.3", "YINGJI_WORKER_INTERVAL_S": "0.5"}
POLLING_S = 2  # the test point goes silent (无数据) after 3 × 2 s without readings


def wait_for(what: str, probe: Callable[[], Any], timeout: float, served: Served | None = None) -> Any:
    """Poll ``probe`` until it returns something truthy; fail with the server's log after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served is not None and served.process.poll() is not None:
            pytest.fail(f"yingji serve exited while waiting for {what}: {served.output()[-3000:]}")
        found = probe()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout:g} s" + (f": {served.output()[-3000:]}" if served else ""))


def health(served: Served) -> dict[str, Any] | None:
    try:
        response = httpx.get(f"{served.url}/healthz", timeout=5)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


def owns(served: Served) -> bool:
    return bool((health(served) or {}).get("engine_owner"))


def started(served: Served) -> dict[str, Any]:
    found: dict[str, Any] = wait_for("/healthz answered", lambda: health(served), START_S, served)
    return found


# --- two real servers on one database -------------------------------------------------------------------------------


class Database:
    """A committed, migrated database with an enterprise's coal mine, its gateway and the county duty officer."""

    def __init__(self, url: str) -> None:
        self.url = url
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            with make_sessionmaker(engine)() as db_session:
                load_divisions(db_session=db_session)
                bureau = factories.save(
                    db_session, "organisations", name="东胜区应急管理局", kind="department", division_code="150602"
                )
                owner = factories.enterprise(db_session, "甲煤业有限公司", "150602")
                factories.mine(
                    db_session, "甲煤矿", "甲煤业有限公司", "150602", kind="coal_underground", supervising=bureau.name
                )
                factories.user(db_session, "jia_gateway", Role.ENTERPRISE_REPORTER, organisation_id=owner.id)
                self.gateway = {"Authorization": f"Bearer {factories.token_for(db_session, 'jia_gateway')}"}
                self.officer = factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602")
                db_session.commit()
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        yield Database(f"sqlite:///{tmp_path / 'shared.sqlite3'}")
        return
    server = request.getfixturevalue("pg_server")
    if server is None:
        pytest.skip("PostgreSQL server binaries not installed (scripts/test installs them)")
    yield Database(postgres.create_database(server, f"yingji_owner_{uuid.uuid4().hex[:12]}"))


@contextmanager
def two_servers(database: Database, tmp_path: Path) -> Iterator[tuple[Served, Served]]:
    """Start two servers on the database at once (start-up is the slow part) and return (owner, other)."""
    settings = get_settings()  # the audit key that signed the seed's entries, shared as in any multi-process install
    env = SERVE_ENV | {
        "YINGJI_DATABASE_URL": database.url,
        "YINGJI_AUDIT_KEY_FILE": str(settings.resolved_audit_key_file()),
        "YINGJI_AUDIT_CHECKPOINT_FILE": str(settings.resolved_audit_checkpoint_file()),
    }
    with (
        serve(tmp_path / "a", tmp_path / "a.log", "--no-demo", env=env) as first,
        serve(tmp_path / "b", tmp_path / "b.log", "--no-demo", env=env) as second,
    ):
        owners = {served.url: started(served)["engine_owner"] for served in (first, second)}
        assert sorted(owners.values()) == [False, True], owners  # exactly one owner
        yield (first, second) if owners[first.url] else (second, first)


def send(served: Served, database: Database, value: float) -> httpx.Response:
    body = {"points": ["CH4-01"], "times": [int(time.time() * 1000)], "values": [value]}
    return httpx.post(f"{served.url}/api/monitoring/readings", json=body, headers=database.gateway, timeout=30)


def alarms(served: Served, database: Database, condition: str) -> list[dict[str, Any]]:
    params: dict[str, str | int] = {"state": "all", "limit": 500}
    response = httpx.get(f"{served.url}/api/monitoring/alarms", params=params, headers=database.officer, timeout=30)
    assert response.status_code == 200, response.text
    return [a for a in response.json()["items"] if a["condition"] == condition]


def test_a_second_server_serves_reads_refuses_ingest_judges_no_silence_and_takes_over_from_a_killed_owner(
    database: Database, tmp_path: Path
) -> None:
    with two_servers(database, tmp_path) as (owner, other):
        assert "本进程负责监测引擎" in owner.output()
        said = other.output()
        assert "监测引擎由另一进程负责" in said and owner.url in said, said[-2000:]
        # the other serves the API: a point registered through it, alarms read through it
        point = httpx.post(
            f"{other.url}/api/monitoring/points",
            json=CORNER | {"polling_s": POLLING_S},
            headers=database.gateway,
            timeout=30,
        )
        assert point.status_code == 201, point.text
        refused = send(other, database, 1.2)
        assert refused.status_code == 503, refused.text
        assert int(refused.headers["retry-after"]) >= 1
        error = refused.json()["error"]
        assert error["code"] == "engine_not_owner" and owner.url in error["message"], error
        raised = send(owner, database, 1.2)
        assert raised.status_code == 200 and raised.json()["accepted"] == 1, raised.text
        [alarm] = alarms(other, database, "level")
        assert alarm["active"] is True
        # the owner hears the point throughout, for twice the no-data period, while both workers run every 0.5 s
        until = time.monotonic() + 2 * 3 * POLLING_S
        while time.monotonic() < until:
            assert send(owner, database, 1.2).status_code == 200
            time.sleep(0.5)
        assert alarms(other, database, "offline") == []  # nobody judged the point silent
        assert send(owner, database, 0.5).status_code == 200
        [cleared] = alarms(other, database, "level")
        assert (cleared["id"], cleared["active"]) == (alarm["id"], False)  # cleared by the owner that raised it
        assert send(owner, database, 1.3).status_code == 200  # raised again, then the owner dies
        owner.process.kill()  # kill -9: no clean release
        owner.process.wait(timeout=30)
        wait_for("the other server took the engine over", lambda: owns(other), TAKEOVER_S, other)
        assert "已取得监测引擎负责权" in other.output()
        taken = send(other, database, 0.5)
        assert taken.status_code == 200 and taken.json()["accepted"] == 1, taken.text
        [after] = alarms(other, database, "level")
        assert (after["id"], after["active"], after["raise_count"]) == (alarm["id"], False, 2)  # state from the db
        assert alarms(other, database, "offline") == []


# --- the lock itself and the engine in one process ------------------------------------------------------------------


def _lose(engine: Engine, url: str) -> None:
    """Take the lock away from under its holder: its lock file replaced, or its database connection ended."""
    if engine.dialect.name == "sqlite":
        Path(url.removeprefix("sqlite:///") + LOCK_SUFFIX).unlink()
        return
    with engine.connect() as connection:
        ended = connection.execute(
            text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'first'")
        ).scalar_one()
    assert ended == 1


def test_one_owner_per_database_and_a_lost_lock_is_noticed(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    first = EngineOwnership.for_database(url, me="first", poll_s=0.3)
    second = EngineOwnership.for_database(url, me="second", poll_s=0.3)
    try:
        assert first.check() == (True, True) and first.generation == 1
        assert second.check() == (False, False) and second.holder() == "first"
        with pytest.raises(EngineNotOwned) as refused:
            second.require()
        assert refused.value.status == 503 and refused.value.headers() == {"Retry-After": "1"}
        assert "first" in refused.value.render()
        _lose(engine, url)
        wait_for("the second took the lock", lambda: second.check()[0], TAKEOVER_S)
        assert first.check() == (False, True)  # the first notices the loss and stops owning
        assert first.holder() == "second"
        second.stop()  # a clean stop lets go at once
        assert first.check() == (True, True) and first.generation == 2
    finally:
        first.stop()
        second.stop()


def _file_ownership(tmp_path: Path, me: str) -> EngineOwnership:
    return EngineOwnership(FileLock(tmp_path / "engine.lock", me), poll_s=0.3)


def test_a_non_owner_refuses_ingest_and_its_worker_raises_no_no_data(site: Site, tmp_path: Path) -> None:
    owner, other = _file_ownership(tmp_path, "owner-process"), _file_ownership(tmp_path, "this-process")
    try:
        assert owner.check()[0] and not other.check()[0]
        site.app.state.monitor.ownership = other
        site.point(CORNER)
        refused = site.client.post(
            "/api/monitoring/readings",
            json={"points": ["CH4-01"], "times": [site.now_ms()], "values": [0.3]},
            headers=site.gateway,
        )
        assert refused.status_code == 503 and refused.headers["retry-after"] == "1"
        assert refused.json()["error"]["code"] == "engine_not_owner" and "owner-process" in refused.text
        site.clock.advance(seconds=600)  # far beyond three polling cycles without a reading
        Worker(site.app.state.sessionmaker, site.clock, monitor=site.app.state.monitor).run_once()
        assert site.alarms("all") == []
        assert site.client.get("/healthz").json()["engine_owner"] is False
    finally:
        owner.stop()
        other.stop()


def test_regaining_ownership_rebuilds_the_state_from_the_database(site: Site, tmp_path: Path) -> None:
    ownership = _file_ownership(tmp_path, "this-process")
    try:
        assert ownership.check()[0]
        ours = site.app.state.monitor
        ours.ownership = ownership
        site.point(CORNER)
        site.send([("CH4-01", site.now_ms(), 0.3)])  # our engine is loaded, the point at rest
        (tmp_path / "engine.lock").unlink()  # ownership lost; meanwhile another process owns and raises an alarm
        site.app.state.monitor = MonitoringEngine()
        site.clock.advance(seconds=10)
        site.send([("CH4-01", site.now_ms(), 1.2)])
        [alarm] = [a for a in site.alarms() if a["condition"] == "level"]
        assert ownership.check() == (True, False) and ownership.generation == 2  # lost and taken again at once
        site.app.state.monitor = ours
        site.clock.advance(seconds=10)
        site.send([("CH4-01", site.now_ms(), 0.5)])  # our engine must know the alarm the other raised
        [after] = [a for a in site.alarms("all") if a["condition"] == "level"]
        assert (after["id"], after["active"]) == (alarm["id"], False)
    finally:
        ownership.stop()
